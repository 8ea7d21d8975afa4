// The Keys and Legend panels of the side column, opened and closed by the buttons in the head (and
// their own Close buttons). Open on the first visit in this browser, closed by default after it; once
// a person opens or closes one, that is remembered (a per-browser preference, in localStorage).
import { revealInSide } from "./reveal.js";

export type PanelName = "keys" | "legend";

export const PANELS_KEY = "claimant.workspace.panels";
export const SEEN_KEY = "claimant.workspace.seen";

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage refused (private mode, policy): nothing is remembered
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not remembered, still applied
  }
}

/** What was chosen before: true open, false closed, absent when never chosen. */
function remembered(): Partial<Record<PanelName, boolean>> {
  try {
    const value: unknown = JSON.parse(read(PANELS_KEY) ?? "{}");
    if (!value || typeof value !== "object") return {};
    const choices: Partial<Record<PanelName, boolean>> = {};
    for (const name of ["keys", "legend"] as const) {
      const open = (value as Record<string, unknown>)[name];
      if (typeof open === "boolean") choices[name] = open;
    }
    return choices;
  } catch {
    return {};
  }
}

interface Panel {
  toggle: HTMLElement;
  panel: HTMLElement;
}

export function installPanels(): void {
  const panels = new Map<PanelName, Panel>();
  for (const name of ["keys", "legend"] as const) {
    const toggle = document.getElementById(`ws-${name}-toggle`);
    const panel = document.getElementById(`ws-${name}`);
    if (toggle && panel) panels.set(name, { toggle, panel });
  }
  const choices = remembered();
  const firstVisit = read(SEEN_KEY) === null;
  write(SEEN_KEY, "1");

  const set = (name: PanelName, open: boolean, byUser: boolean) => {
    const entry = panels.get(name);
    if (!entry) return;
    entry.panel.hidden = !open;
    entry.toggle.setAttribute("aria-expanded", String(open));
    if (!byUser) return;
    choices[name] = open;
    write(PANELS_KEY, JSON.stringify(choices));
    if (open) revealInSide(entry.panel, { orPage: true });
  };

  for (const [name, { toggle, panel }] of panels) {
    set(name, choices[name] ?? firstVisit, false);
    toggle.addEventListener("click", () => set(name, panel.hidden, true));
    panel.querySelector(".ws-panel-close")?.addEventListener("click", () => {
      set(name, false, true);
      toggle.focus();
    });
  }
}
