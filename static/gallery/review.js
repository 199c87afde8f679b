// The teacher's review queue without page reloads: each approve, feature, hide or send-back is
// sent in the background and its row changes in place, so the page stays where it is.

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
      said.textContent = reply.message || "Something went wrong. Try again.";
      if (reply.ok) {
        const row = form.closest(".g-review-row") || form;
        row.dataset.status = reply.status;
        row.dataset.featured = String(reply.featured);
        form.querySelector("details")?.removeAttribute("open");
      }
    } catch {
      said.textContent = "No connection. Try again in a moment.";
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  });
}

// "Approve all" in the background too: each approved card moves from the waiting group to the
// class gallery group, and the page stays where it is.
const approveAll = document.querySelector("form.g-approve-all");
if (approveAll) {
  const said = approveAll.querySelector(".g-review-said");
  const pending = document.querySelector("[data-testid=pending]");
  const approved = document.querySelector("[data-testid=approved]");

  const moveToApproved = (id) => {
    const row = pending.querySelector(`.g-review-row[data-artwork="${id}"]`);
    approveAll.querySelector(`input[name=artwork][value="${id}"]`)?.remove();
    if (!row) return;
    row.dataset.status = "approved";
    approved.querySelector("[data-none-yet]")?.remove();
    approved.prepend(row);
  };

  const showWaiting = () => {
    const left = pending.querySelectorAll(".g-review-row").length;
    for (const count of document.querySelectorAll("[data-pending-count]")) {
      count.textContent = String(left);
    }
    const button = approveAll.querySelector("button[type=submit]");
    button.hidden = left === 0;
    document.querySelector("[data-testid=all-done]").hidden = left > 0;
  };

  approveAll.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = approveAll.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const response = await fetch(approveAll.getAttribute("action"), {
        method: "POST",
        body: new FormData(approveAll),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const reply = await response.json();
      said.textContent = reply.message || approveAll.dataset.failed;
      if (reply.ok) {
        reply.approved.forEach(moveToApproved);
        showWaiting();
      }
    } catch {
      said.textContent = approveAll.dataset.failed;
    } finally {
      button.disabled = false;
    }
  });
}
