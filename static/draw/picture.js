// The picture panel: the newest picture loaded aside then shown, "still learning", thinking, Save.

const PICTURE_WATCHDOG_MS = 30000; // no picture by then: reconnect, which asks for it again
const PICTURE_SIDE = 256;

export class PicturePanel {
  // resync() asks the server again (by reconnecting) when a picture never comes.
  // words(name) is the page's sentence of that name, in the page's language.
  constructor(root, { drawingId, iconBase, category, revision, resync, words }) {
    this.drawingId = drawingId;
    this.words = words;
    this.iconBase = iconBase;
    this.resync = resync;
    this.picture = null; // {revision, url, category}
    this.unavailable = null; // {revision, category, reason}
    this.asleep = null; // the server's kind words while no picture worker is awake
    this.shownRevision = -1;
    this.loadingRevision = -1;
    this.categoryAt = new Map([[revision, category]]);
    this.watchdog = { timer: null, revision: -1, firedFor: -1 };
    // What the drawing is now: {empty, category, pending, revision, synced}, set by render().
    this.now = { empty: true, category, pending: 0, revision, synced: false };
    const one = (selector) => root.querySelector(selector);
    this.frame = one("[data-testid=picture-frame]");
    this.emptyCard = one("[data-testid=picture-empty]");
    this.emptyIcon = one(".picture-empty-icon");
    this.unavailableCard = one("[data-testid=picture-unavailable]");
    this.unavailableIcon = one(".picture-unavailable-icon");
    this.unavailableText = one(".picture-unavailable-text");
    this.thinking = one("[data-testid=picture-thinking]");
    this.status = one("[data-testid=picture-status]");
    this.saveButton = one("[data-testid=save]");
    this.saveButton.addEventListener("click", (event) => {
      if (this.saveButton.getAttribute("aria-disabled") === "true") {
        event.preventDefault();
      } else if (navigator.canShare) {
        event.preventDefault(); // a tablet shares the picture (Photos, AirDrop) instead
        this.share();
      }
    });
  }

  // The drawing stood in `category` at `revision` (so a late picture gets the right name).
  noteCategory(revision, category) {
    this.categoryAt.set(revision, category);
  }

  receiveResult(result) {
    const revision = Number(result.revision);
    if (!result.url || revision < this.shownRevision || revision < this.loadingRevision) return;
    this.loadingRevision = revision;
    // Load it aside first, so the frame never shows a half-loaded or broken picture.
    const image = new Image();
    image.addEventListener("load", () => {
      if (revision < this.shownRevision) return;
      const category = this.categoryAt.get(revision) || this.now.category;
      if (!this.picture || this.picture.url !== result.url) {
        document.dispatchEvent(new CustomEvent("studio:picture"));
      }
      this.picture = { revision, url: result.url, category };
      this.shownRevision = revision;
      this.asleep = null;
      this.render();
    });
    image.addEventListener("error", () => {
      if (this.loadingRevision === revision) this.loadingRevision = this.shownRevision;
    });
    image.src = result.url;
  }

  receiveUnavailable(unavailable) {
    const revision = Number(unavailable.revision);
    if (revision < this.shownRevision) return;
    this.unavailable = {
      revision,
      category: unavailable.category || this.categoryAt.get(revision) || this.now.category,
      reason: unavailable.reason || "",
    };
    this.shownRevision = revision;
    this.asleep = null;
    this.render();
  }

  // No picture worker is awake: say so while waiting, until a picture or "still learning" comes.
  // The page says it in its own words and language (the server's message is English).
  receiveStatus(status) {
    this.asleep = status.state === "asleep" ? this.words("asleep") || String(status.message || "") : null;
    this.render();
  }

  display() {
    if (this.now.empty) return { state: "empty", thinking: false };
    const thinking = this.now.pending > 0 || this.shownRevision < this.now.revision;
    const pictureRevision = this.picture ? this.picture.revision : -1;
    const unavailableRevision = this.unavailable ? this.unavailable.revision : -1;
    if (this.unavailable && unavailableRevision > pictureRevision) {
      return { state: "unavailable", thinking };
    }
    if (this.picture) return { state: "picture", thinking };
    return { state: "waiting", thinking };
  }

  // Show the panel for the drawing as it is now (or as it was last told).
  render(now = this.now) {
    this.now = now;
    const { state, thinking } = this.display();
    this.frame.dataset.state = state;
    this.frame.classList.toggle("is-thinking", thinking);
    this.thinking.hidden = !thinking;
    this.frame.setAttribute("aria-busy", String(thinking));

    this.emptyCard.hidden = !(state === "empty" || state === "waiting");
    this.emptyIcon.src = `${this.iconBase}${now.category}.svg`;

    this.unavailableCard.hidden = state !== "unavailable";
    if (state === "unavailable") {
      const { category: missing, reason } = this.unavailable;
      this.unavailableIcon.src = `${this.iconBase}${missing}.svg`;
      // The reason is the server's (English): the page only tells "learning" from anything else.
      this.unavailableText.textContent = /learn/i.test(reason) || !reason
        ? this.words(`learning-${missing}`)
        : this.words(`missing-${missing}`);
    }
    this.renderImage(state === "picture");

    const words = thinking
      ? (this.asleep || this.words("thinking"))
      : { picture: this.words("here"), unavailable: this.words("still-learning"), empty: "",
        waiting: "" }[state];
    if (this.status.textContent !== words) this.status.textContent = words;

    document.body.dataset.picture = state;
    document.body.dataset.thinking = String(thinking);
    document.body.dataset.shownRevision = String(this.shownRevision);
    this.watch(thinking);
  }

  // Hand the picture to the device's share sheet; where files cannot be shared, open it.
  async share() {
    const { url, name } = { url: this.saveButton.href, name: this.saveButton.download };
    try {
      const blob = await (await fetch(url)).blob();
      const file = new File([blob], name, { type: blob.type || "image/png" });
      if (navigator.canShare({ files: [file] })) {
        await navigator.share({ files: [file], title: this.words("my-picture") });
        return;
      }
    } catch (error) {
      if (error && error.name === "AbortError") return; // the child closed the share sheet
    }
    window.open(url, "_blank");
  }

  renderImage(shown) {
    let image = this.frame.querySelector("[data-testid=picture]");
    if (!shown) {
      image?.remove();
    } else {
      if (!image) {
        image = document.createElement("img");
        image.className = "picture";
        image.dataset.testid = "picture";
        image.alt = this.words("your-picture");
        image.width = PICTURE_SIDE;
        image.height = PICTURE_SIDE;
        this.frame.prepend(image);
      }
      if (image.getAttribute("src") !== this.picture.url) image.src = this.picture.url;
      image.dataset.revision = String(this.picture.revision);
    }
    // Save needs the server to fetch the picture from: off without a picture or a line.
    const save = this.saveButton;
    if (!shown || !this.now.synced) {
      save.removeAttribute("href");
      save.setAttribute("aria-disabled", "true");
      save.tabIndex = -1;
      return;
    }
    save.href = this.picture.url;
    save.download = `${this.picture.category}-${this.drawingId}-r${this.picture.revision}.png`;
    save.setAttribute("aria-disabled", "false");
    save.removeAttribute("tabindex");
  }


  // A picture that never comes (a job lost with a worker): reconnecting makes the server ask again.
  watch(thinking) {
    const revision = this.now.revision;
    const dog = this.watchdog;
    const waiting = thinking && !this.now.pending && this.now.synced && dog.firedFor !== revision;
    if (dog.timer !== null && (!waiting || dog.revision !== revision)) {
      clearTimeout(dog.timer);
      dog.timer = null;
    }
    if (!waiting || dog.timer !== null) return;
    dog.revision = revision;
    dog.timer = setTimeout(() => {
      dog.timer = null;
      dog.firedFor = revision;
      if (this.display().thinking && this.now.revision === revision) this.resync();
    }, PICTURE_WATCHDOG_MS);
  }
}
