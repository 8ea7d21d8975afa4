import { z } from "zod";
import { emailField, nameField, newPasswordField } from "../users/users.schema.js";

export const loginInput = z.object({
  email: z.string().max(320).default(""),
  password: z.string().max(1000).default(""),
  next: z.string().max(2000).optional(),
});

export const firstAdminInput = z
  .object({
    email: emailField,
    name: nameField,
    password: newPasswordField,
    confirmPassword: z.string(),
  })
  .refine((input) => input.password === input.confirmPassword, {
    message: "The two passwords do not match.",
    path: ["confirmPassword"],
  });
