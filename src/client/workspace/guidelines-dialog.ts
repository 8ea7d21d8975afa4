// The project's guidelines over the workspace: the Guidelines button or the g key opens them (not
// while typing, nor inside the claim form, whose letters choose labels); Esc closes them.
export function installGuidelinesDialog(): void {
  const dialog = document.getElementById("ws-guidelines");
  const opener = document.getElementById("ws-guidelines-open");
  if (!(dialog instanceof HTMLDialogElement) || !opener) return;
  const open = () => {
    if (!dialog.open) dialog.showModal();
  };
  opener.addEventListener("click", open);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "g" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    const typing =
      target instanceof HTMLInputElement ||
      target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement;
    if (typing || (target instanceof Element && target.closest("#claim-form, dialog"))) return;
    event.preventDefault();
    open();
  });
}
