import type { z } from "zod";
import { InvalidError } from "../errors.js";

/** Parses input with a zod schema; failures become one InvalidError listing every field's problem. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidError(
    result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join(".") : undefined,
      message: issue.message,
    })),
  );
}

/**
 * Like parseInput, for a body addressed to an object the user may not see: `check` (a 404 or 403)
 * runs only when the input is invalid, so that a hidden object is not revealed by a 422 and a valid
 * request spends no query on it (the service checks access itself).
 */
export async function parseInputFor<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  check: () => Promise<unknown>,
): Promise<z.output<Schema>> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  await check();
  return parseInput(schema, input);
}

/** Groups problems by field for forms that show each message beside its input. */
export function problemsByField(error: InvalidError): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const problem of error.problems) {
    const key = problem.field ?? "_form";
    byField[key] = byField[key] ? `${byField[key]} ${problem.message}` : problem.message;
  }
  return byField;
}
