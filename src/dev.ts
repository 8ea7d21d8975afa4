// `npm run dev`: development mode (error pages show stack traces, views are not cached), with the
// page scripts rebuilt into public/build whenever their sources change.
import { watchClient } from "./client/build.js";

process.env.NODE_ENV ??= "development";
await watchClient();
await import("./server.js");
