import { z } from "zod";
import { idField, pathId, storableText, versionField, visibleText, wholeNumber } from "../http/fields.js";

export const claimTypes = ["direct", "indirect", "mixed", "outlet"] as const;
export const claimIdParam = pathId("No such claim, or it is in a project you are not a member of.");

const offset = (what: string) =>
  z
    .number({ message: `${what} must be a whole number of characters (code points) into the article body.` })
    .int({ message: `${what} must be a whole number.` })
    .min(0, { message: `${what} cannot be negative.` })
    .max(2_147_483_647, { message: `${what} is past the end of any article body.` });

export const spanInput = z.object({ start: offset("start"), end: offset("end") });

export const speakerRefInput = z.union(
  [
    z.object({ id: idField("speaker.id") }).strict(),
    z.object({
      name: visibleText("The speaker's name", 200, "Give the speaker a name."),
      role: storableText("The role").max(300).optional(),
      affiliation: storableText("The affiliation").max(300).optional(),
      /** A new speaker although the name resembles an existing one's (else 409 similar_speakers). */
      confirmNew: z.boolean({ message: "speaker.confirmNew must be true or false." }).optional(),
    }),
  ],
  { message: 'speaker must be { "id": n } of a known speaker or { "name": "..." } to find or create one.' },
);

const label = (what: string) => storableText(what).trim().min(1).max(200).nullable().optional();

const claimFields = {
  start: offset("start"),
  end: offset("end"),
  quote: storableText("quote"),
  type: z.enum(claimTypes, { message: "type must be one of direct, indirect, mixed, outlet." }),
  speaker: speakerRefInput.nullable().optional(),
  speakerMention: spanInput.nullable().optional(),
  cue: spanInput.nullable().optional(),
  stance: label("stance"),
  target: label("target"),
  note: storableText("note").max(5000, { message: "Notes are at most 5,000 characters." }).optional(),
};

export const createClaimInput = z.object(claimFields);
export type CreateClaimInput = z.output<typeof createClaimInput>;

const versionMessage = "Send the version you read, to detect concurrent edits.";

export const updateClaimInput = z
  .object({ ...claimFields, version: versionField(versionMessage) })
  .partial()
  .required({ version: true });
export type UpdateClaimInput = z.output<typeof updateClaimInput>;

/** A delete names the version it saw, like an edit: deleting a claim someone just changed is a 409. */
export const deleteClaimInput = z.object({ version: versionField(versionMessage) });

/** A restore names the version the delete left (the deleted version plus one). */
export const restoreClaimInput = z.object({ version: versionField(versionMessage) });

export const layerInput = z.object({
  /** "mine" (default for annotators), "all", "gold" (the curated layer), or an annotator's id. */
  layer: z
    .union([
      z.enum(["mine", "all", "gold"]),
      wholeNumber("layer must be mine, all, gold or an annotator's id.", { min: 1 }),
    ])
    .optional(),
});
