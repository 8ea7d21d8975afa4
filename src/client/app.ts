// Page behaviour shared by every page. No inline scripts: the Content-Security-Policy forbids them.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button instanceof HTMLElement ? button.dataset.confirm : undefined;
  if (question && !window.confirm(question)) event.preventDefault();
});
