// After a 409 on an edit: what someone else changed, the fields both changed (the user picks
// theirs or mine for each), and the two ways on: re-apply my changes, or load the current version.
import { byId } from "../lib/dom.js";
import type { FieldComparison, FieldId } from "./describe.js";

export class ConflictPanel {
  private readonly box = byId("f-conflict");
  private readonly fields = byId("f-conflict-fields");

  constructor(actions: { reapply(): void; loadCurrent(): void }) {
    byId("f-reapply").addEventListener("click", () => actions.reapply());
    byId("f-load-current").addEventListener("click", () => actions.loadCurrent());
  }

  show(message: string, comparisons: readonly FieldComparison[]): void {
    byId("f-conflict-message").textContent = message;
    const theirs = comparisons.filter((field) => field.theirsChanged);
    const texts = theirs.length
      ? theirs.map(
          (field) =>
            `${field.name} changed from ${field.base.words} to ${field.theirs.words} by someone else.`,
        )
      : ["Someone saved it again without changing what the form shows."];
    byId("f-conflict-changes").replaceChildren(...texts.map((text) => item(text)));
    this.fields.replaceChildren(...comparisons.filter((field) => field.conflict).map(choiceFor));
    const mineOnly = comparisons.some((field) => field.mineChanged && !field.conflict);
    const reapply = byId("f-reapply", HTMLButtonElement);
    reapply.hidden = !mineOnly && !comparisons.some((field) => field.conflict);
    this.box.hidden = false;
  }

  hide(): void {
    this.box.hidden = true;
    this.fields.replaceChildren();
  }

  /** The conflicting fields where the user chose to keep someone else's value. */
  keptTheirs(): Set<FieldId> {
    const kept = new Set<FieldId>();
    for (const input of this.fields.querySelectorAll<HTMLInputElement>("input[type=radio]:checked")) {
      if (input.value === "theirs") kept.add(input.name.replace(/^f-conflict-/, "") as FieldId);
    }
    return kept;
  }
}

function item(text: string): HTMLLIElement {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

/** Mine or theirs, for one field both changed. */
function choiceFor(comparison: FieldComparison): HTMLFieldSetElement {
  const fieldset = document.createElement("fieldset");
  fieldset.className = "f-conflict-field";
  const legend = document.createElement("legend");
  legend.textContent = `${comparison.name}: you both changed it`;
  fieldset.append(legend);
  for (const [side, words] of [
    ["mine", `Mine: ${comparison.mine.words}`],
    ["theirs", `Theirs: ${comparison.theirs.words}`],
  ] as const) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "radio";
    input.name = `f-conflict-${comparison.field}`;
    input.value = side;
    input.checked = side === "mine";
    label.append(input, ` ${words}`);
    fieldset.append(label);
  }
  return fieldset;
}
