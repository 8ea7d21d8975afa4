import { z } from "zod";
import {
  hasVisibleCharacter,
  idField,
  pathId,
  storableText,
  versionField,
  visibleText,
} from "../http/fields.js";

export const projectIdParam = pathId("No such project, or you are not a member of it.");
export const labelIdParam = pathId("No such label in this project.");
export const memberIdParam = pathId("That user is not a member of this project.");

export const LABEL_MAX_LENGTH = 80;
export const LABELS_MAX = 100;

const labelName = visibleText("A label or target", LABEL_MAX_LENGTH, "Enter a name.");

const labelList = z
  .array(labelName)
  .max(LABELS_MAX, { message: `A project has at most ${LABELS_MAX} labels and ${LABELS_MAX} targets.` });

const projectName = visibleText("A project name", 120, "Enter a project name.");
const description = storableText("The description")
  .optional()
  .transform((value) => (value ?? "").trim())
  .refine((value) => value.length <= 2000, { message: "Descriptions are at most 2,000 characters." });

export const createProjectInput = z.object({
  name: projectName,
  description,
  stances: labelList.optional(),
  targets: labelList.optional(),
});
export type CreateProjectInput = z.output<typeof createProjectInput>;

/** "favor, against" or one per line, as typed in a form textarea. */
export const listFromText = storableText("The list")
  .optional()
  .transform((text) =>
    (text ?? "")
      .split(/[\n,]/)
      .map((item) => item.normalize("NFC").trim())
      .filter(Boolean),
  );

/** A checkbox: "on" when ticked in a form, true in JSON; absent when not ticked. */
const checkbox = z
  .union([z.literal("on"), z.literal("true"), z.boolean()])
  .optional()
  .transform((value) => value === true || value === "on" || value === "true");

export const memberInput = z.object({
  userId: idField("userId"),
  canImport: checkbox,
  isCurator: checkbox,
});
export const studySettingsInput = z.object({
  blind: checkbox,
  useAssignments: checkbox,
  suggestBuiltin: checkbox,
  suggestExternal: checkbox,
  version: versionField("Send the project version you read (reload the page), to detect concurrent edits."),
});
export type StudySettings = z.output<typeof studySettingsInput>;

export type MemberRights = Pick<z.output<typeof memberInput>, "canImport" | "isCurator">;

export const labelInput = z.object({ name: labelName });

/** A textarea of labels, one per line (or comma-separated), checked as one field. */
const labelsFromText = (what: string) =>
  listFromText
    .refine((items) => items.every((item) => item.length <= LABEL_MAX_LENGTH), {
      message: `${what} are at most ${LABEL_MAX_LENGTH} characters each.`,
    })
    .refine((items) => items.length <= LABELS_MAX, {
      message: `A project has at most ${LABELS_MAX} ${what.toLowerCase()}.`,
    })
    .refine((items) => items.every(hasVisibleCharacter), {
      message: `${what} need at least one visible character each.`,
    });

/** The "New project" form: stances and targets typed one per line. */
export const createProjectForm = z.object({
  name: projectName,
  description,
  stances: labelsFromText("Stance labels"),
  targets: labelsFromText("Targets"),
});
