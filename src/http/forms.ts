import type { Response } from "express";
import { InvalidError } from "../errors.js";
import { problemsByField } from "./validate.js";

/**
 * Runs a form submission; on invalid input re-renders the form (422) with each problem beside its
 * field and everything the user typed kept, except passwords.
 */
export async function handleForm(
  res: Response,
  form: { view: string; locals: Record<string, unknown>; values: unknown },
  submit: () => Promise<void>,
): Promise<void> {
  try {
    await submit();
  } catch (error) {
    if (!(error instanceof InvalidError)) throw error;
    res.status(422).render(form.view, {
      ...form.locals,
      values: withoutPasswords(form.values),
      errors: problemsByField(error),
    });
  }
}

function withoutPasswords(values: unknown): Record<string, unknown> {
  if (typeof values !== "object" || values === null) return {};
  return Object.fromEntries(Object.entries(values).filter(([key]) => !/password|_csrf/i.test(key)));
}
