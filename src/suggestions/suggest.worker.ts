// The worker thread that runs the built-in suggester over long articles (suggestions.service.ts):
// about 4 s for a 2,000,000-character article, which must not hold up other requests.
import { serveOffThread } from "../threads/off-thread.js";
import { suggestAttributions } from "./suggest.js";

serveOffThread((body: string) => suggestAttributions(body));
