import { z } from "zod";

export const projectIdParam = z.coerce.number({ message: "Unknown project." }).int().positive();

const labelList = z
  .array(z.string().trim().min(1).max(80, { message: "Labels and targets are at most 80 characters." }))
  .max(100);

export const createProjectInput = z.object({
  name: z
    .string({ message: "Enter a project name." })
    .trim()
    .min(1, { message: "Enter a project name." })
    .max(120, { message: "Project names are at most 120 characters." }),
  description: z.string().trim().max(2000).default(""),
  stances: labelList.optional(),
  targets: labelList.optional(),
});
export type CreateProjectInput = z.output<typeof createProjectInput>;

/** "favor, against" or one per line, as typed in a form textarea. */
export const listFromText = z
  .string()
  .optional()
  .transform((text) =>
    (text ?? "")
      .split(/[\n,]/)
      .map((item) => item.trim())
      .filter(Boolean),
  );

export const memberInput = z.object({
  userId: z.coerce.number({ message: "Choose a user." }).int().positive(),
  canImport: z
    .union([z.literal("on"), z.literal("true"), z.boolean()])
    .optional()
    .transform((value) => value === true || value === "on" || value === "true"),
});

export const labelInput = z.object({
  name: z.string().trim().min(1, { message: "Enter a name." }).max(80, { message: "At most 80 characters." }),
});

/** A textarea of labels, one per line (or comma-separated), checked as one field. */
const labelsFromText = (what: string) =>
  listFromText
    .refine((items) => items.every((item) => item.length <= 80), {
      message: `${what} are at most 80 characters each.`,
    })
    .refine((items) => items.length <= 100, { message: `A project has at most 100 ${what.toLowerCase()}.` });

/** The "New project" form: stances and targets typed one per line. */
export const createProjectForm = z.object({
  name: createProjectInput.shape.name,
  description: z
    .string()
    .trim()
    .max(2000, { message: "Descriptions are at most 2,000 characters." })
    .optional()
    .transform((value) => value ?? ""),
  stances: labelsFromText("Stance labels"),
  targets: labelsFromText("Targets"),
});

export const labelIdParam = z.coerce.number({ message: "Unknown label." }).int().positive();
export const memberIdParam = z.coerce.number({ message: "Unknown member." }).int().positive();
