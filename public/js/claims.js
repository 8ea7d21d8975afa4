// The Claims page: fills in the number of matches, which the server counts separately so that
// the rows never wait for a count over a million claims.
document.addEventListener("DOMContentLoaded", async () => {
  const status = document.querySelector("[data-count-url]");
  if (!status) return;
  const number = status.querySelector("[data-claim-count]");
  const noun = status.querySelector("[data-claim-count-noun]");
  try {
    const response = await fetch(status.dataset.countUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    const { total } = await response.json();
    number.textContent = total.toLocaleString("en");
    noun.textContent = total === 1 ? "claim matches" : "claims match";
  } catch {
    number.textContent = "Could not count";
    noun.textContent = "the matching claims; reload to try again";
  }
});
