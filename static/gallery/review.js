// The teacher's review queue without page reloads: each approve, feature, hide or send-back, and
// "approve all", is sent in the background and the cards change in place (approve all moves its
// cards from the waiting group to the class gallery group), so the page stays where it is.

const pending = document.querySelector("[data-testid=pending]");
const approved = document.querySelector("[data-testid=approved]");
const approveAll = document.querySelector("form.g-approve-all");

async function send(form, body) {
  // form.action would be the buttons named "action": read the attribute itself.
  const response = await fetch(form.getAttribute("action"), {
    method: "POST",
    body,
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  return response.json();
}

// A waiting card approved by "approve all" joins the class gallery group.
function moveToApproved(row) {
  row.dataset.status = "approved";
  approveAll.querySelector(`input[name=artwork][value="${row.dataset.artwork}"]`)?.remove();
  approved.querySelector("[data-none-yet]")?.remove();
  approved.prepend(row);
}

function showWaitingCount() {
  if (!pending) return;
  const left = pending.querySelectorAll(".g-review-row[data-status=pending]").length;
  for (const count of document.querySelectorAll("[data-pending-count]")) {
    count.textContent = String(left);
  }
  const button = approveAll?.querySelector("button[type=submit]");
  if (button) button.hidden = left === 0;
  const allDone = document.querySelector("[data-testid=all-done]");
  if (allDone) allDone.hidden = left > 0;
}

for (const form of document.querySelectorAll("form.g-review")) {
  const said = form.querySelector(".g-review-said");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = new FormData(form);
    if (event.submitter?.name) body.set(event.submitter.name, event.submitter.value);
    const buttons = [...form.querySelectorAll("button")];
    buttons.forEach((button) => { button.disabled = true; });
    try {
      const reply = await send(form, body);
      said.textContent = reply.message || "Something went wrong. Try again.";
      if (reply.ok) {
        const row = form.closest(".g-review-row") || form;
        row.dataset.status = reply.status;
        row.dataset.featured = String(reply.featured);
        form.querySelector("details")?.removeAttribute("open");
        showWaitingCount(); // the card stays under the teacher's finger, its state changed
      }
    } catch {
      said.textContent = "No connection. Try again in a moment.";
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  });
}

if (approveAll) {
  const said = approveAll.querySelector(".g-review-said");
  approveAll.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = approveAll.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const reply = await send(approveAll, new FormData(approveAll));
      said.textContent = reply.message || approveAll.dataset.failed;
      if (reply.ok) {
        for (const id of reply.approved) {
          const row = pending.querySelector(`.g-review-row[data-artwork="${id}"]`);
          if (row) moveToApproved(row);
        }
        showWaitingCount();
      }
    } catch {
      said.textContent = approveAll.dataset.failed;
    } finally {
      button.disabled = false;
    }
  });
}
