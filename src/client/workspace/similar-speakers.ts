// A 409 similar_speakers on save: the new name resembles existing speakers'. Offers them (the
// closest first) and "create the new one anyway"; the rest of the form stays as typed.
import { byId } from "../lib/dom.js";
import type { SpeakerMatch } from "./speaker-combobox.js";

/** A candidate as the API lists it (docs/api.md, Speakers). */
export interface SimilarSpeaker extends SpeakerMatch {
  claimCount?: number;
  matched?: string;
}

export class SimilarSpeakers {
  private readonly box = byId("f-similar");
  private readonly list = byId("f-similar-candidates");
  private readonly insist = byId("f-similar-new", HTMLButtonElement);
  private candidates: SimilarSpeaker[] = [];

  constructor(actions: { choose(speaker: SimilarSpeaker): void; insistNew(): void }) {
    this.list.addEventListener("click", (event) => {
      const button = event.target instanceof Element ? event.target.closest("button") : null;
      const speaker = button ? this.candidates[Number(button.dataset.index)] : undefined;
      if (speaker) actions.choose(speaker);
    });
    this.insist.addEventListener("click", () => actions.insistNew());
  }

  show(message: string, name: string, candidates: readonly SimilarSpeaker[]): void {
    this.candidates = [...candidates];
    byId("f-similar-message").textContent = message;
    this.list.replaceChildren(
      ...this.candidates.map((speaker, index) => {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.dataset.index = String(index);
        button.textContent = `Use ${describe(speaker)}`;
        li.append(button);
        return li;
      }),
    );
    this.insist.textContent = `No, create “${name}” as a new speaker`;
    this.box.hidden = false;
    this.list.querySelector("button")?.focus({ preventScroll: true });
  }

  hide(): void {
    this.box.hidden = true;
    this.candidates = [];
  }
}

function describe(speaker: SimilarSpeaker): string {
  const details = [speaker.role, speaker.affiliation].filter(Boolean).join(", ");
  const count =
    speaker.claimCount === undefined
      ? ""
      : `, ${speaker.claimCount} ${speaker.claimCount === 1 ? "claim" : "claims"}`;
  return `${speaker.name}${details ? ` (${details}${count})` : count ? ` (${count.slice(2)})` : ""}`;
}
