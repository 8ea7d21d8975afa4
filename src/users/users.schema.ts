import { z } from "zod";
import { pathId, versionField as versionFieldOf, visibleText } from "../http/fields.js";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../auth/passwords.js";
import { roles } from "./roles.js";

export { roles, type RoleName } from "./roles.js";

export const emailField = z
  .string({ message: "Enter an email address." })
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter a valid email address, like name@example.org." }));

export const nameField = visibleText("A name", 120, "Enter a name.");

export const newPasswordField = z
  .string({ message: "Enter a password." })
  .min(PASSWORD_MIN_LENGTH, { message: `Passwords need at least ${PASSWORD_MIN_LENGTH} characters.` })
  .max(PASSWORD_MAX_LENGTH, { message: `Passwords are at most ${PASSWORD_MAX_LENGTH} characters.` });

export const roleField = z.enum(roles, { message: "Choose a role: admin, researcher or annotator." });

const versionField = versionFieldOf("The form is missing its version; reload the page.");

/** An empty password field means "generate one for me". */
const optionalNewPassword = z
  .string()
  .optional()
  .transform((value) => (value ? value : undefined))
  .pipe(newPasswordField.optional());

export const createUserInput = z.object({
  email: emailField,
  name: nameField,
  role: roleField,
  password: optionalNewPassword,
});
export type CreateUserInput = z.output<typeof createUserInput>;

export const changeRoleInput = z.object({ role: roleField, version: versionField });
export const versionOnlyInput = z.object({ version: versionField });
export const resetPasswordInput = z.object({ password: optionalNewPassword, version: versionField });

export const profileInput = z.object({ name: nameField, version: versionField });

export const changeOwnPasswordInput = z
  .object({
    currentPassword: z.string().min(1, { message: "Enter your current password." }),
    newPassword: newPasswordField,
    confirmPassword: z.string(),
  })
  .refine((input) => input.newPassword === input.confirmPassword, {
    message: "The two new passwords do not match.",
    path: ["confirmPassword"],
  })
  .refine((input) => input.newPassword !== input.currentPassword, {
    message: "Choose a new password different from the current one.",
    path: ["newPassword"],
  });

export const userIdParam = pathId("No user with that id.");
