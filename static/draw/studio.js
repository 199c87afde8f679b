// The drawing room page: wires the canvas, the stroke log, the outbox, the socket and the picture.
//
// The child's drawing is shown at once (optimistic); every change is also a message in an outbox that
// stays until the server acknowledges it, survives reconnects and reloads, and is sent one at a time so
// refusals and acks always match the message they answer. Wire format: docs/protocol.md. The limits
// come from the server's protocol module (the "drawing-protocol" JSON in the page).

import { Connection } from "./connection.js";
import {
  afterRefusal,
  applyMessage,
  canClear,
  canRedo,
  canUndo,
  historyFromState,
  sameDrawing,
  strokeMessage,
  visibleStrokes,
} from "./history.js";
import { StrokeInput } from "./input.js";
import { strokeLook } from "./strokes.js";
import { Outbox } from "./outbox.js";
import { Painter } from "./painter.js";
import { PicturePanel } from "./picture.js";

const SEND_SHARE = 0.5; // the page sends at half the server's rate and burst, well under its limit
const RATE_LIMITED_PAUSE_MS = 1000;
// Refusals that say "not now" rather than "no": the same message goes again after a pause.
const TRY_AGAIN_CODES = new Set(["rate_limited", "busy", "server_error"]);
const INDICATOR_DELAY_MS = 700; // a blip shorter than this shows nothing
const TOAST_MS = 4000;
const BRUSH_KEY = "studio-brush"; // the chosen tool, size and crayon, kept across reloads

class Studio {
  constructor(root, initialState, protocol) {
    this.root = root;
    this.drawingId = initialState.id;
    this.confirmed = historyFromState(initialState); // the server's drawing as of the last ack
    this.synced = false; // the current socket has sent its state
    this.statePages = null; // a state arriving in pages, until its last page comes
    this.connectionState = "connecting";
    this.indicatorTimer = null;

    this.find();
    this.outbox = new Outbox(`drawing-outbox:${this.drawingId}`, {
      ratePerSecond: protocol.max_messages_per_second * SEND_SHARE,
      burst: Math.max(1, Math.floor(protocol.message_burst * SEND_SHARE)),
      send: (message) => this.connection.send(message),
      wake: () => this.pump(),
    });
    this.outbox.restore(this.confirmed.revision);
    this.view = this.rebuiltView();
    this.palette = protocol.palette;
    this.defaultColor = protocol.default_color;
    this.tool = "pen";
    this.size = Number(this.sizeButtons[0]?.dataset.size || 3);
    this.color = this.defaultColor;
    this.restoreBrush();

    this.panel = new PicturePanel(root, {
      drawingId: this.drawingId,
      iconBase: root.dataset.icons,
      category: this.confirmed.category,
      revision: this.confirmed.revision,
      resync: () => this.resync(),
      words: (name) => this.word(name),
    });
    this.painter = new Painter(this.canvas, strokeLook(protocol));
    this.painter.watchSize();
    this.input = new StrokeInput(this.canvas, this.painter, {
      onStroke: (stroke) => this.act(strokeMessage(stroke)),
      brush: () => this.brush(),
      maxPoints: protocol.max_points_per_stroke,
    });
    this.bindControls();

    if (initialState.result) this.panel.receiveResult(initialState.result);
    if (initialState.unavailable) this.panel.receiveUnavailable(initialState.unavailable);
    this.viewChanged();

    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.connection = new Connection(`${scheme}//${location.host}${root.dataset.wsPath}`, {
      message: (message) => this.receive(message),
      down: (quick) => this.connectionDown(quick),
      forbidden: () => this.connectionForbidden(),
    });
    this.setConnectionState("connecting");
    this.connection.connect();
    this.scheduleIndicator();
    window.addEventListener("online", () => this.connection.nudge());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.connection.nudge();
    });
  }

  find() {
    const root = this.root;
    const one = (selector) => root.querySelector(selector);
    this.canvas = one("[data-testid=canvas]");
    this.toolButtons = [...root.querySelectorAll("[data-tool]")];
    this.sizeButtons = [...root.querySelectorAll("[data-size]")];
    this.actionButtons = Object.fromEntries(
      [...root.querySelectorAll("[data-action]")].map((button) => [button.dataset.action, button]),
    );
    this.categoryButtons = [...root.querySelectorAll("[data-category]")];
    this.crayonButtons = [...root.querySelectorAll("[data-color]")];
    this.indicator = one("[data-testid=connection-status]");
    this.closedCard = one("[data-testid=closed-card]");
    this.toast = one("[data-testid=toast]");
  }

  // A sentence of the page's (draw.html's page-words), in the language the page is in.
  word(name) {
    return this.root.querySelector(`.page-words [data-word="${name}"]`)?.textContent.trim() || "";
  }

  bindControls() {
    for (const button of this.toolButtons) {
      button.addEventListener("click", () => this.chooseBrush({ tool: button.dataset.tool }));
    }
    for (const button of this.sizeButtons) {
      button.addEventListener("click", () => this.chooseBrush({ size: Number(button.dataset.size) }));
    }
    for (const button of this.crayonButtons) {
      // A crayon draws: picking one while erasing takes the pen again.
      button.addEventListener("click", () => this.chooseBrush({ color: button.dataset.color, tool: "pen" }));
    }
    const { undo, redo, clear } = this.actionButtons;
    undo?.addEventListener("click", () => this.undo());
    redo?.addEventListener("click", () => this.redo());
    clear?.addEventListener("click", () => {
      if (canClear(this.view)) this.act({ type: "clear" });
    });
    for (const button of this.categoryButtons) {
      button.addEventListener("click", () => {
        const category = button.dataset.category;
        if (category !== this.view.category) this.act({ type: "category", category });
      });
    }
    document.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) {
        event.preventDefault();
        this.undo();
      } else if ((key === "z" && event.shiftKey) || key === "y") {
        event.preventDefault();
        this.redo();
      }
    });
  }

  // The stroke about to start: the default crayon and the eraser carry no colour.
  brush() {
    const brush = { size: this.size, tool: this.tool };
    if (this.tool === "pen" && this.color !== this.defaultColor) brush.color = this.color;
    return brush;
  }

  chooseBrush(change) {
    Object.assign(this, change);
    try {
      localStorage.setItem(BRUSH_KEY, JSON.stringify({ tool: this.tool, size: this.size, color: this.color }));
    } catch {
      // storage blocked: the brush is only forgotten on reload
    }
    this.renderControls();
  }

  // The brush of the last visit, where this page still offers it.
  restoreBrush() {
    let saved;
    try {
      saved = JSON.parse(localStorage.getItem(BRUSH_KEY) || "null");
    } catch {
      saved = null;
    }
    if (!saved || typeof saved !== "object") return;
    if (this.toolButtons.some((button) => button.dataset.tool === saved.tool)) this.tool = saved.tool;
    if (this.sizeButtons.some((button) => Number(button.dataset.size) === saved.size)) this.size = saved.size;
    if (Object.hasOwn(this.palette, saved.color)) this.color = saved.color;
  }

  undo() {
    if (canUndo(this.view)) this.act({ type: "undo" });
  }

  redo() {
    if (canRedo(this.view)) this.act({ type: "redo" });
  }

  // A change by the child: show it now, send it when its turn comes.
  act(message) {
    this.outbox.add(message);
    this.view = applyMessage(this.view, message);
    this.saveOutbox();
    this.viewChanged();
    this.pump();
  }

  rebuiltView() {
    return this.outbox.messages.reduce(applyMessage, this.confirmed);
  }

  // --- messages from the server ----------------------------------------------------------------

  receive(message) {
    switch (message.type) {
      case "state":
        this.statePages = { ...message, strokes: [...(message.strokes || [])] };
        this.receiveStatePage();
        break;
      case "state_more":
        if (!this.statePages) break;
        this.statePages.strokes.push(...(message.strokes || []));
        this.receiveStatePage();
        break;
      case "ack":
        this.receiveAck(message);
        break;
      case "error":
        this.receiveError(message);
        break;
      case "result":
        this.panel.receiveResult(message);
        break;
      case "unavailable":
        this.panel.receiveUnavailable(message);
        break;
      case "status":
        this.panel.receiveStatus(message);
        break;
      default:
        break; // badges and whatever comes later belong to other parts of the page
    }
  }

  // A large drawing's state comes as `state` then `state_more` pages; apply it once complete.
  receiveStatePage() {
    const state = this.statePages;
    if (state.strokes.length < (state.stroke_count ?? state.strokes.length)) return;
    this.statePages = null;
    this.receiveState(state);
  }

  receiveState(state) {
    const server = historyFromState(state);
    if (this.outbox.headSent && this.outbox.length) {
      // The socket dropped before the answer to the head came. If the server moved on by exactly
      // one revision to what that message makes, it was saved; otherwise send it again.
      const moved = state.revision - this.confirmed.revision;
      if (moved === 1) {
        const match = sameDrawing(applyMessage(this.confirmed, this.outbox.head), server);
        if (match !== false) this.outbox.takeHead(); // null: partly unknown, trust the revision
      }
    }
    this.outbox.headSent = false;
    this.synced = true;
    this.confirmed = server;
    this.panel.noteCategory(server.revision, server.category);
    this.view = this.rebuiltView();
    this.saveOutbox();
    this.connection.healthy();
    this.setConnectionState("open");
    if (state.result) this.panel.receiveResult(state.result);
    if (state.unavailable) this.panel.receiveUnavailable(state.unavailable);
    this.viewChanged();
    this.pump();
  }

  receiveAck(ack) {
    if (!this.outbox.headSent || !this.outbox.length) {
      this.resync(); // an answer to nothing we sent: someone else is writing; look again
      return;
    }
    const message = this.outbox.takeHead();
    if (message.type === "stroke") document.dispatchEvent(new CustomEvent("studio:stroke"));
    if (ack.revision <= this.confirmed.revision) {
      // Nothing new was saved: a stroke the server already had (sent again after a drop).
      this.saveOutbox();
      this.resync();
      return;
    }
    this.confirmed = { ...applyMessage(this.confirmed, message), revision: ack.revision };
    this.panel.noteCategory(ack.revision, this.confirmed.category);
    this.saveOutbox();
    if (!visibleStrokes(this.confirmed).sure) this.resync();
    this.view = this.rebuiltView();
    this.viewChanged();
    this.pump();
  }

  receiveError(error) {
    if (!this.outbox.headSent || !this.outbox.length) return;
    if (TRY_AGAIN_CODES.has(error.code)) {
      this.outbox.pause(RATE_LIMITED_PAUSE_MS);
      this.pump();
      return;
    }
    const refused = this.outbox.takeHead();
    this.saveOutbox();
    const { history, resync } = afterRefusal(this.confirmed, refused, error.code);
    this.confirmed = history;
    if (error.code === "too_many_strokes") this.showToast(this.word("too-many-strokes"));
    if (resync) this.resync(); // the mirror was wrong somewhere: take the server's word
    this.view = this.rebuiltView();
    this.viewChanged();
    this.pump();
  }

  // --- the outbox ------------------------------------------------------------------------------

  pump() {
    if (this.synced) {
      const wasSent = this.outbox.headSent;
      this.outbox.pump();
      if (this.outbox.headSent !== wasSent) this.saveOutbox();
    }
    this.renderStatus();
  }

  saveOutbox() {
    this.outbox.save(this.confirmed.revision);
  }

  // Ask for the server's state again by reconnecting; the outbox rides along.
  resync() {
    this.connection.restart();
  }

  // --- connection ------------------------------------------------------------------------------

  connectionDown(quick) {
    this.synced = false;
    this.outbox.stop();
    this.setConnectionState(quick ? "connecting" : "reconnecting");
    this.scheduleIndicator();
    this.viewChanged(); // Save goes off while the line is down
  }

  connectionForbidden() {
    this.synced = false;
    this.setConnectionState("closed");
    this.closedCard.hidden = false;
    this.indicator.hidden = true;
    this.viewChanged();
  }

  setConnectionState(state) {
    this.connectionState = state;
    document.body.dataset.connection = state;
    if (state === "open") {
      clearTimeout(this.indicatorTimer);
      this.indicatorTimer = null;
      this.indicator.hidden = true;
    }
  }

  scheduleIndicator() {
    if (this.indicatorTimer !== null) return;
    this.indicatorTimer = setTimeout(() => {
      this.indicatorTimer = null;
      if (this.connectionState === "connecting" || this.connectionState === "reconnecting") {
        this.indicator.hidden = false;
      }
    }, INDICATOR_DELAY_MS);
  }

  showToast(text) {
    this.toast.textContent = text;
    this.toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => {
      this.toast.hidden = true;
    }, TOAST_MS);
  }

  // --- drawing the page ------------------------------------------------------------------------

  viewChanged() {
    const { strokes, sure } = visibleStrokes(this.view);
    this.painter.show(strokes);
    this.renderControls();
    this.panel.render({
      empty: sure && !strokes.length,
      category: this.view.category,
      pending: this.outbox.length,
      revision: this.confirmed.revision,
      synced: this.synced,
    });
    this.renderStatus();
  }

  renderControls() {
    for (const button of this.toolButtons) {
      button.setAttribute("aria-pressed", String(button.dataset.tool === this.tool));
    }
    for (const button of this.sizeButtons) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.size) === this.size));
      button.classList.toggle("is-eraser", this.tool === "eraser");
    }
    for (const button of this.categoryButtons) {
      button.setAttribute("aria-pressed", String(button.dataset.category === this.view.category));
    }
    for (const button of this.crayonButtons) {
      button.setAttribute("aria-pressed", String(button.dataset.color === this.color));
    }
    this.root.style.setProperty("--crayon", this.palette[this.color]);
    this.root.dataset.color = this.color;
    const { undo, redo, clear } = this.actionButtons;
    if (undo) undo.disabled = !canUndo(this.view);
    if (redo) redo.disabled = !canRedo(this.view);
    if (clear) clear.disabled = !canClear(this.view);
    this.canvas.dataset.tool = this.tool;
  }

  renderStatus() {
    const data = document.body.dataset;
    data.revision = String(this.confirmed.revision);
    data.pending = String(this.outbox.length);
  }
}

const studioRoot = document.getElementById("studio");
const stateElement = document.getElementById("drawing-state");
const protocolElement = document.getElementById("drawing-protocol");
if (studioRoot && stateElement && protocolElement) {
  window.studio = new Studio(
    studioRoot, JSON.parse(stateElement.textContent), JSON.parse(protocolElement.textContent),
  );
}
