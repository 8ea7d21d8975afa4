// A radio-chip group of the claim form (type, stance, target): each choice shows its label key.

export interface Choice {
  value: string;
  label: string;
  /** The key that picks it, shown beside it; null when the project has more labels than letters. */
  key: string | null;
}

export class ChoiceGroup {
  constructor(
    readonly box: HTMLElement,
    private readonly name: string,
  ) {
    box.addEventListener("change", () => this.mark());
    this.mark();
  }

  /**
   * Marks the checked chip with a class. (A `.chip:has(input:checked)` rule did the same in CSS, but
   * made every repaint of 1,000 highlights recheck it: saves took 50-100 ms longer.)
   */
  private mark(): void {
    for (const input of this.inputs) input.parentElement?.classList.toggle("is-checked", input.checked);
  }

  /** Replaces the choices (the type group keeps the ones the server rendered). */
  render(choices: readonly Choice[], value: string): void {
    this.box.querySelectorAll(".chip").forEach((chip) => chip.remove());
    for (const choice of choices) {
      const label = document.createElement("label");
      label.className = "chip";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = this.name;
      input.value = choice.value;
      input.dataset.label = choice.label;
      label.append(input, document.createTextNode(` ${choice.label}`));
      if (choice.key) {
        input.setAttribute("aria-keyshortcuts", choice.key.toUpperCase());
        input.dataset.key = choice.key;
        const kbd = document.createElement("kbd");
        kbd.textContent = choice.key;
        kbd.setAttribute("aria-hidden", "true");
        label.append(" ", kbd);
      }
      this.box.append(label);
    }
    this.value = value;
  }

  private get inputs(): HTMLInputElement[] {
    return [...this.box.querySelectorAll<HTMLInputElement>(`input[type=radio][name="${this.name}"]`)];
  }

  get value(): string {
    return this.inputs.find((input) => input.checked)?.value ?? "";
  }

  set value(value: string) {
    for (const input of this.inputs) input.checked = input.value === value;
    this.mark();
  }

  /** The words of the checked choice, as shown. */
  get label(): string {
    return this.inputs.find((input) => input.checked)?.dataset.label ?? "none";
  }

  /** The choice a label key picks, if any. */
  valueOf(key: string): string | undefined {
    return this.inputs.find((input) => input.dataset.key === key)?.value;
  }

  setDisabled(disabled: boolean): void {
    for (const input of this.inputs) input.disabled = disabled;
    this.box.classList.toggle("is-disabled", disabled);
  }

  setInvalid(invalid: boolean): void {
    this.box.setAttribute("aria-invalid", String(invalid));
  }

  contains(node: EventTarget | null): boolean {
    return node instanceof Node && this.box.contains(node);
  }

  /** Focuses the checked choice (else the first), as arrow keys then move from it. */
  focus(): void {
    const inputs = this.inputs;
    (inputs.find((input) => input.checked) ?? inputs[0])?.focus({ preventScroll: true });
  }
}
