// The teacher's review queue without page reloads: each approve, feature, hide or send-back is
// sent in the background and its row changes in place, so the page stays where it is. Its words
// come translated from the page (data-failed, data-offline).

for (const form of document.querySelectorAll("form.g-review")) {
  const said = form.querySelector(".g-review-said");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = new FormData(form);
    if (event.submitter?.name) body.set(event.submitter.name, event.submitter.value);
    const buttons = [...form.querySelectorAll("button")];
    buttons.forEach((button) => { button.disabled = true; });
    try {
      // form.action would be the buttons named "action": read the attribute itself.
      const response = await fetch(form.getAttribute("action"), {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const reply = await response.json();
      said.textContent = reply.message || said.dataset.failed;
      if (reply.ok) {
        const row = form.closest(".g-review-row") || form;
        row.dataset.status = reply.status;
        row.dataset.featured = String(reply.featured);
        form.querySelector("details")?.removeAttribute("open");
      }
    } catch {
      said.textContent = said.dataset.offline;
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  });
}
