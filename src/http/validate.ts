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

/** Groups problems by field for forms that show each message beside its input. */
export function problemsByField(error: InvalidError): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const problem of error.problems) {
    const key = problem.field ?? "_form";
    byField[key] = byField[key] ? `${byField[key]} ${problem.message}` : problem.message;
  }
  return byField;
}
