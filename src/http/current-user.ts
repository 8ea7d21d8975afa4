import type { RoleName } from "../users/users.schema.js";

/** The logged-in user as every request sees it (loaded fresh from the database per request). */
export interface CurrentUser {
  id: number;
  email: string;
  name: string;
  role: RoleName;
  version: number;
  mustChangePassword: boolean;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends CurrentUser {}
  }
}

declare module "express-session" {
  interface SessionData {
    flash?: { kind: "success" | "error"; message: string }[];
    /** A password generated for another user, shown to the admin exactly once. */
    revealPassword?: { userId: number; email: string; password: string };
    /** A new API token, shown to its owner exactly once. */
    revealToken?: string;
  }
}
