import { z } from "zod";

/** The request header that makes an API write safe to send again (docs/api.md, "Retries"). */
export const IDEMPOTENCY_HEADER = "Idempotency-Key";

/** A UUID is 36 characters; room for a client's own prefix ("import-claims-valid-…"). */
export const MAX_KEY_LENGTH = 255;

export const idempotencyKey = z
  .string()
  .min(1, { message: `${IDEMPOTENCY_HEADER} is empty. Send a random string, a UUID for example.` })
  .max(MAX_KEY_LENGTH, {
    message: `${IDEMPOTENCY_HEADER} is longer than ${MAX_KEY_LENGTH} characters. A UUID (36) is enough.`,
  })
  .regex(/^[\x21-\x7e]+$/, {
    message: `${IDEMPOTENCY_HEADER} may hold only visible ASCII characters (letters, digits, "-", "_", …), no spaces.`,
  });
