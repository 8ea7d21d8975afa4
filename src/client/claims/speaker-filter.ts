// The Claims page's speaker filter: typed words are sent as typed (matched by the server's rule);
// a speaker chosen from the suggestions is sent as its id, while the box shows the name.
import { attachSpeakerSuggestions } from "../lib/speaker-suggest.js";

export function startSpeakerFilter(): void {
  const input = document.getElementById("f-speaker");
  if (!(input instanceof HTMLInputElement) || !input.form) return;
  const project = input.form.elements.namedItem("project");
  attachSpeakerSuggestions(input, {
    projectId: () => (project instanceof HTMLSelectElement && project.value ? project.value : undefined),
    onChoose: () => undefined,
  });
  input.form.addEventListener("submit", () => {
    const id = input.dataset.speakerId;
    if (!id) return;
    // The visible box keeps the name for the eye; the form sends the id in its place.
    const hidden = Object.assign(document.createElement("input"), {
      type: "hidden",
      name: "speaker",
      value: id,
    });
    input.removeAttribute("name");
    input.form?.append(hidden);
  });
}
