import { z } from "zod";

export const claimTypes = ["direct", "indirect", "mixed", "outlet"] as const;
export const claimIdParam = z.coerce.number({ message: "Unknown claim." }).int().positive();

const offset = (what: string) =>
  z
    .number({ message: `${what} must be a whole number of characters (code points) into the article body.` })
    .int({ message: `${what} must be a whole number.` })
    .min(0, { message: `${what} cannot be negative.` });

export const spanInput = z.object({ start: offset("start"), end: offset("end") });

export const speakerRefInput = z.union(
  [
    z.object({ id: z.number().int().positive() }).strict(),
    z.object({
      name: z.string().trim().min(1, { message: "Give the speaker a name." }).max(200),
      role: z.string().trim().max(300).optional(),
      affiliation: z.string().trim().max(300).optional(),
    }),
  ],
  { message: 'speaker must be { "id": n } of a known speaker or { "name": "..." } to find or create one.' },
);

const claimFields = {
  start: offset("start"),
  end: offset("end"),
  quote: z.string({ message: "quote must be the text between start and end." }),
  type: z.enum(claimTypes, { message: "type must be one of direct, indirect, mixed, outlet." }),
  speaker: speakerRefInput.nullable().optional(),
  speakerMention: spanInput.nullable().optional(),
  cue: spanInput.nullable().optional(),
  stance: z.string().trim().min(1).nullable().optional(),
  target: z.string().trim().min(1).nullable().optional(),
  note: z.string().max(5000, { message: "Notes are at most 5,000 characters." }).optional(),
};

export const createClaimInput = z.object(claimFields);
export type CreateClaimInput = z.output<typeof createClaimInput>;

export const updateClaimInput = z
  .object({
    ...claimFields,
    version: z.number({ message: "Send the version you read, to detect concurrent edits." }).int(),
  })
  .partial()
  .required({ version: true });
export type UpdateClaimInput = z.output<typeof updateClaimInput>;

export const deleteClaimInput = z.object({
  version: z.coerce
    .number({ message: "Send the version you read, to detect concurrent edits." })
    .int()
    .optional(),
});

export const layerInput = z.object({
  /** "mine" (default for annotators), "all", or an annotator's id. */
  layer: z.union([z.enum(["mine", "all"]), z.coerce.number().int().positive()]).optional(),
});
