// Speaker suggestions as one types, for inputs outside the claim form (the Claims page's filter and
// its bulk "speaker to"): an ARIA 1.2 combobox over GET /api/v1/speakers?q=, which matches every
// typed word against the start of a word of a name or alias, ignoring case and accents.
import { callApi } from "./api.js";
import { element } from "./dom.js";

export interface SuggestedSpeaker {
  id: number;
  name: string;
  role: string;
  aliases: string[];
  claimCount: number;
  projectId: number;
  projectName: string;
}

export interface SuggestOptions {
  /** Narrows the suggestions to one project, when the page knows it. */
  projectId?: () => string | undefined;
  /** Told of every choice, and of a typed change that leaves no speaker chosen (null). */
  onChoose: (speaker: SuggestedSpeaker | null) => void;
}

const DEBOUNCE_MS = 120;
let listCounter = 0;

/** Turns `input` into a combobox; the chosen speaker's id is kept in input.dataset.speakerId. */
export function attachSpeakerSuggestions(input: HTMLInputElement, options: SuggestOptions): void {
  listCounter += 1;
  const list = element("ul", undefined, "suggestions");
  list.id = `speaker-suggestions-${listCounter}`;
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.after(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  let found: SuggestedSpeaker[] = [];
  let active = -1;
  let timer: number | undefined;
  let pending: AbortController | undefined;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index: number) => {
    active = index;
    for (const [at, option] of [...list.children].entries())
      option.setAttribute("aria-selected", String(at === index));
    const option = list.children[index];
    if (option) input.setAttribute("aria-activedescendant", option.id);
  };
  const choose = (speaker: SuggestedSpeaker) => {
    input.value = speaker.name;
    input.dataset.speakerId = String(speaker.id);
    close();
    options.onChoose(speaker);
  };
  const show = (speakers: SuggestedSpeaker[]) => {
    found = speakers;
    list.replaceChildren(
      ...speakers.map((speaker, index) => {
        const option = element("li", undefined, "suggestion");
        option.id = `${list.id}-${index}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        const details = [speaker.role, speaker.projectName, `${speaker.claimCount} claims`].filter(Boolean);
        option.append(element("strong", speaker.name), ` — ${details.join(" · ")}`);
        // Chosen on pointerdown, before the input's blur could close the list under the pointer.
        option.addEventListener("pointerdown", (event) => {
          event.preventDefault();
          choose(speaker);
        });
        return option;
      }),
    );
    if (speakers.length === 0) return close();
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(-1);
  };
  const search = async () => {
    pending?.abort();
    const text = input.value.trim();
    if (!text) return show([]);
    pending = new AbortController();
    const project = options.projectId?.();
    const query = new URLSearchParams({ q: text, limit: "10", ...(project ? { project } : {}) });
    try {
      const result = await callApi<{ speakers: SuggestedSpeaker[] }>(
        "GET",
        `/api/v1/speakers?${query}`,
        undefined,
        pending.signal,
      );
      if (result.ok) show(result.data.speakers);
    } catch {
      // aborted by a newer keystroke
    }
  };

  input.addEventListener("input", () => {
    if (input.dataset.speakerId) {
      delete input.dataset.speakerId;
      options.onChoose(null);
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void search(), DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + found.length) % found.length);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(found[active]!);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", close);
}
