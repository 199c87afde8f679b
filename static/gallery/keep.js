// "Keep it!" on the drawing page: saves the picture to the gallery without leaving the canvas.

const form = document.querySelector("[data-testid=keep-form]");
if (form) {
  const button = form.querySelector("[data-testid=keep]");
  const keepNew = form.querySelector("[data-testid=keep-new]");
  const status = form.querySelector("[data-testid=keep-status]");

  const pictureReady = () =>
    document.body.dataset.picture === "picture" && document.body.dataset.thinking === "false";
  const showReady = () => {
    form.dataset.ready = String(pictureReady());
  };
  new MutationObserver(showReady).observe(document.body, {
    attributes: true,
    attributeFilter: ["data-picture", "data-thinking"],
  });
  showReady();

  // A title with one tap: the button's words go into the title field, and Keep saves them.
  const title = form.querySelector("[data-testid=keep-title]");
  const choices = [...form.querySelectorAll(".g-title-choice")];
  for (const choice of choices) {
    choice.addEventListener("click", () => {
      title.value = choice.dataset.title;
      choices.forEach((other) => other.setAttribute("aria-pressed", String(other === choice)));
      // Already kept as it is now: the tap names the kept picture at once.
      if (form.dataset.keptRevision === document.body.dataset.revision && !button.disabled) {
        form.requestSubmit(button);
      }
    });
  }
  title.addEventListener("input", () => {
    choices.forEach((choice) => choice.setAttribute("aria-pressed", "false"));
  });

  // The title buttons follow the category the kid picks on the drawing page.
  const showTitlesOf = () => {
    const current = document.querySelector(".category[aria-pressed=true]")?.dataset.category;
    if (!current) return;
    for (const group of form.querySelectorAll(".g-title-choices")) {
      group.hidden = group.dataset.category !== current;
    }
  };
  for (const category of document.querySelectorAll(".category")) {
    new MutationObserver(showTitlesOf).observe(category, {
      attributes: true,
      attributeFilter: ["aria-pressed"],
    });
  }

  // Drawn for a challenge: the kept picture can enter it with one tap.
  const offerChallenge = (artworkId) => {
    const enter = form.querySelector("[data-testid=enter-challenge]");
    const entry = document.querySelector("[data-testid=enter-form] [name=artwork]");
    if (!enter || !entry) return;
    entry.value = String(artworkId);
    enter.hidden = false;
  };

  const say = (text, link) => {
    status.textContent = text;
    if (link) {
      const anchor = document.createElement("a");
      anchor.href = link;
      anchor.className = "g-keep-link";
      anchor.dataset.testid = "kept-link";
      anchor.textContent = "See it ➜";
      status.append(" ", anchor);
    }
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = new FormData(form);
    if (event.submitter?.name) body.set(event.submitter.name, event.submitter.value);
    button.disabled = true;
    keepNew.disabled = true;
    document.body.dataset.kept = ""; // so the keep animation plays again
    say("…");
    const revision = document.body.dataset.revision;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const reply = await response.json();
      say(reply.message || "Oops! Try again.", reply.ok ? reply.artwork_url : null);
      document.body.dataset.kept = reply.ok ? "yes" : reply.code || "error";
      if (reply.ok) {
        keepNew.hidden = false; // kept once: "Keep it!" now updates it
        form.dataset.keptRevision = revision;
        document.dispatchEvent(new CustomEvent("studio:kept"));
        offerChallenge(reply.artwork_id);
      }
    } catch {
      say("Oops! Try again in a moment.");
      document.body.dataset.kept = "error";
    } finally {
      button.disabled = false;
      keepNew.disabled = false;
    }
  });
}
