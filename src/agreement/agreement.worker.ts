// The worker thread that computes agreement over large studies (agreement.service.ts): the
// bootstrap alone is a second or more for tens of thousands of claims, which must not hold up
// other requests.
import { serveOffThread } from "../threads/off-thread.js";
import { computeAgreement } from "./agreement.compute.js";

serveOffThread(computeAgreement);
