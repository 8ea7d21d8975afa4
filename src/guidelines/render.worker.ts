// The worker thread that formats long guidelines (guidelines.html.ts, off-thread.ts).
import { serveOffThread } from "../threads/off-thread.js";
import { renderGuidelines } from "./guidelines.render.js";

serveOffThread(renderGuidelines);
