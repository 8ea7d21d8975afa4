// The worker thread that runs the built-in suggester over long articles (suggestions.service.ts):
// about 4 s for a 2,000,000-character article, which must not hold up other requests.
import { serveOffThread } from "../threads/off-thread.js";
import { suggestAttributions } from "./suggest.js";

/** The body and the project's confirmed cue words; registry and learned mentions are applied after. */
export interface SuggestInput {
  body: string;
  cueWords: string[];
}

serveOffThread(({ body, cueWords }: SuggestInput) =>
  suggestAttributions(body, [], { cueWords, mentions: new Map() }),
);
