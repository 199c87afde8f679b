// The drawing room page: canvas input, a local copy of the stroke log, the socket, the picture panel.
//
// The child's drawing is shown at once (optimistic); every change is also a message in an outbox that
// stays until the server acknowledges it, survives reconnects and reloads, and is sent one at a time so
// refusals and acks always match the message they answer. Wire format: docs/protocol.md.

const MAX_POINTS_PER_STROKE = 1800; // the server allows 2000; a longer stroke goes on as a new one
const MIN_POINT_STEP = 0.002; // about half a pixel of the 256 px sketch the generator sees
const SKETCH_SIZE = 256; // brush sizes are diameters in pixels of this square
const SEND_RATE_PER_SECOND = 10; // well under the server's 20 per second
const SEND_BURST = 20;
const RATE_LIMITED_PAUSE_MS = 1000;
// Refusals that are no fault of the message: it waits a moment and goes out again as it is.
const SEND_AGAIN_CODES = new Set(["rate_limited", "busy", "server_error"]);
const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 5000;
const INDICATOR_DELAY_MS = 700; // a blip shorter than this shows nothing
const PICTURE_WATCHDOG_MS = 30000; // no picture by then: reconnect, which asks for it again
const TOAST_MS = 4000;
const CLOSE_FORBIDDEN = 4403;
const PEN_COLOUR = "#1f2233";
const PAPER_COLOUR = "#ffffff";

const CLEAR = Object.freeze({ tool: "clear" });
const UNKNOWN = Object.freeze({ tool: "unknown" }); // a log entry only the server knows

const PLURALS = {
  panda: "pandas",
  car: "cars",
  shoe: "shoes",
  gemstone: "gemstones",
  space: "space pictures",
  maplestory: "MapleStory friends",
};

// ---------------------------------------------------------------------------------------------
// The stroke log, mirrored. A history is {base, log, redo, category, revision}:
//   log   entries after `base`: strokes, CLEAR marks, or UNKNOWN (only the server knows them);
//   base  what lies before `log`: "none" (nothing), "cleared" (unknown entries ending in a
//         clear mark, so nothing of it shows) or "unknown" (unknown entries that may show);
//   redo  the redo stack, top last.
// The page only ever gets the visible strokes and the redo count from the server, so undoing
// past them leads into the unknown; the page then asks the server for the state again.

const strokeEntries = new WeakMap(); // stroke message -> the log entry it carries

export function strokeMessage(entry) {
  const message = { type: "stroke", points: entry.points, size: entry.size, tool: entry.tool };
  strokeEntries.set(message, entry);
  return message;
}

function entryOfStroke(message) {
  let entry = strokeEntries.get(message);
  if (!entry) {
    entry = { points: message.points, size: message.size, tool: message.tool };
    strokeEntries.set(message, entry);
  }
  return entry;
}

export function historyFromState(state) {
  const strokes = (state.strokes || []).map((s) => ({
    points: s.points,
    size: s.size,
    tool: s.tool || "pen",
  }));
  const redoCount = state.redo_count || 0;
  // Each log entry cost a revision and each undone one two, so a revision below this bound
  // means nothing at all (not even a clear mark) lies before the visible strokes.
  const hasPast = state.revision >= strokes.length + 1 + 2 * redoCount;
  return {
    base: hasPast ? "cleared" : "none",
    log: strokes,
    redo: Array(redoCount).fill(UNKNOWN),
    category: state.category,
    revision: state.revision,
  };
}

export function applyMessage(history, message) {
  const next = { ...history, log: history.log.slice(), redo: history.redo.slice() };
  switch (message.type) {
    case "stroke":
      next.log.push(entryOfStroke(message));
      next.redo = [];
      break;
    case "clear":
      next.log.push(CLEAR);
      next.redo = [];
      break;
    case "undo":
      if (next.log.length) {
        next.redo.push(next.log.pop());
      } else if (next.base === "cleared") {
        next.redo.push(CLEAR);
        next.base = "unknown";
      } else if (next.base === "unknown") {
        next.redo.push(UNKNOWN);
      }
      break;
    case "redo":
      if (next.redo.length) next.log.push(next.redo.pop());
      break;
    case "category":
      next.category = message.category;
      break;
    default:
      break;
  }
  return next;
}

export function visibleStrokes(history) {
  const strokes = [];
  for (let index = history.log.length - 1; index >= 0; index -= 1) {
    const entry = history.log[index];
    if (entry === CLEAR || entry.tool === "clear") return { strokes: strokes.reverse(), sure: true };
    if (entry === UNKNOWN) return { strokes: strokes.reverse(), sure: false };
    strokes.push(entry);
  }
  return { strokes: strokes.reverse(), sure: history.base !== "unknown" };
}

export function canUndo(history) {
  return history.log.length > 0 || history.base !== "none";
}

export function canRedo(history) {
  return history.redo.length > 0;
}

export function canClear(history) {
  const { strokes, sure } = visibleStrokes(history);
  return strokes.length > 0 || !sure;
}

function strokeKey(stroke) {
  return JSON.stringify([stroke.points, Number(stroke.size), stroke.tool]);
}

// true or false when the two can be compared; null when one of them is partly unknown
export function sameDrawing(a, b) {
  const left = visibleStrokes(a);
  const right = visibleStrokes(b);
  if (!left.sure || !right.sure) return null;
  return (
    a.category === b.category &&
    a.redo.length === b.redo.length &&
    left.strokes.length === right.strokes.length &&
    left.strokes.every((stroke, index) => strokeKey(stroke) === strokeKey(right.strokes[index]))
  );
}

// The server refused `message`: what the mirror learns from that, and whether to ask for the state.
export function afterRefusal(history, message, code) {
  if (code === "nothing_to_undo" && message.type === "undo" && !history.log.length) {
    return { history: { ...history, base: "none" }, resync: false };
  }
  if (code === "nothing_to_redo" && message.type === "redo") {
    return { history: { ...history, redo: [] }, resync: false };
  }
  return { history, resync: code !== "too_many_strokes" };
}

function roundCoordinate(value) {
  return Math.round(Math.min(1, Math.max(0, value)) * 10000) / 10000;
}

// ---------------------------------------------------------------------------------------------
// The canvas: device-pixel sharp, repainted from the stroke list whenever its size changes.

class Painter {
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
    this.painted = []; // the strokes on the canvas now, besides the live one
    this.live = null; // the stroke under the child's finger
    this.clear();
  }

  watchSize() {
    const observer = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1];
      let side;
      if (entry.devicePixelContentBoxSize) {
        side = entry.devicePixelContentBoxSize[0].inlineSize;
      } else {
        side = Math.round(entry.contentRect.width * (window.devicePixelRatio || 1));
      }
      this.resize(side);
    });
    try {
      observer.observe(this.canvas, { box: "device-pixel-content-box" });
    } catch {
      observer.observe(this.canvas);
    }
  }

  resize(side) {
    side = Math.max(1, Math.round(side));
    if (side === this.canvas.width && side === this.canvas.height) return;
    this.canvas.width = side;
    this.canvas.height = side;
    this.repaint();
  }

  clear() {
    this.context.fillStyle = PAPER_COLOUR;
    this.context.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  repaint() {
    this.clear();
    for (const stroke of this.painted) this.drawStroke(stroke);
    if (this.live) this.drawStroke(this.live);
  }

  // Show these strokes; the live stroke that just finished is already on the canvas.
  show(strokes) {
    const same = strokes.length === this.painted.length &&
      strokes.every((stroke, index) => stroke === this.painted[index]);
    if (same) return;
    const justFinished = strokes.length === this.painted.length + 1 &&
      strokes[strokes.length - 1] === this.finished &&
      this.painted.every((stroke, index) => stroke === strokes[index]);
    this.painted = strokes;
    this.finished = null;
    if (!justFinished) this.repaint();
  }

  begin(stroke) {
    this.live = stroke;
    this.drawStroke(stroke);
  }

  extend(stroke, from, to) {
    this.style(stroke);
    const side = this.canvas.width;
    this.context.beginPath();
    this.context.moveTo(from[0] * side, from[1] * side);
    this.context.lineTo(to[0] * side, to[1] * side);
    this.context.stroke();
  }

  end(stroke) {
    if (this.live === stroke) this.live = null;
    this.finished = stroke;
  }

  style(stroke) {
    const context = this.context;
    context.lineWidth = Math.max(1, (stroke.size / SKETCH_SIZE) * this.canvas.width);
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = stroke.tool === "eraser" ? PAPER_COLOUR : PEN_COLOUR;
    context.fillStyle = context.strokeStyle;
  }

  drawStroke(stroke) {
    const points = stroke.points;
    if (!points.length) return;
    const side = this.canvas.width;
    const context = this.context;
    this.style(stroke);
    context.beginPath();
    if (points.length === 1) {
      context.arc(points[0][0] * side, points[0][1] * side, context.lineWidth / 2, 0, Math.PI * 2);
      context.fill();
      return;
    }
    context.moveTo(points[0][0] * side, points[0][1] * side);
    for (let index = 1; index < points.length; index += 1) {
      context.lineTo(points[index][0] * side, points[index][1] * side);
    }
    context.stroke();
  }
}

// ---------------------------------------------------------------------------------------------
// Pointer input: mouse, finger and pen, one pointer at a time, every coalesced sample.

class StrokeInput {
  constructor(canvas, painter, onStroke, brush) {
    this.canvas = canvas;
    this.painter = painter;
    this.onStroke = onStroke;
    this.brush = brush; // () => {size, tool}
    this.pointerId = null;
    this.stroke = null;
    canvas.addEventListener("pointerdown", (event) => this.down(event));
    canvas.addEventListener("pointermove", (event) => this.move(event));
    canvas.addEventListener("pointerup", (event) => this.up(event));
    canvas.addEventListener("pointercancel", (event) => this.up(event, false));
    canvas.addEventListener("lostpointercapture", (event) => this.up(event, false));
    canvas.addEventListener("contextmenu", (event) => event.preventDefault());
  }

  down(event) {
    if (this.pointerId !== null) return; // a second finger or a resting palm
    if (event.pointerType === "mouse" && event.button !== 0) return;
    event.preventDefault();
    try {
      this.canvas.setPointerCapture(event.pointerId);
    } catch {
      // synthetic or already-gone pointers cannot be captured; drawing still works
    }
    this.pointerId = event.pointerId;
    this.rect = this.canvas.getBoundingClientRect();
    const { size, tool } = this.brush();
    this.stroke = { points: [this.pointAt(event)], size, tool };
    this.painter.begin(this.stroke);
  }

  move(event) {
    if (event.pointerId !== this.pointerId || !this.stroke) return;
    const samples = typeof event.getCoalescedEvents === "function" ? event.getCoalescedEvents() : [];
    for (const sample of samples.length ? samples : [event]) this.add(sample);
  }

  up(event, addLastPoint = true) {
    if (event.pointerId !== this.pointerId || !this.stroke) return;
    if (addLastPoint) this.add(event);
    this.pointerId = null;
    this.finish();
  }

  pointAt(event) {
    const rect = this.rect;
    return [
      roundCoordinate((event.clientX - rect.left) / rect.width),
      roundCoordinate((event.clientY - rect.top) / rect.height),
    ];
  }

  add(event) {
    const point = this.pointAt(event);
    const points = this.stroke.points;
    const last = points[points.length - 1];
    if (Math.hypot(point[0] - last[0], point[1] - last[1]) < MIN_POINT_STEP) return;
    points.push(point);
    this.painter.extend(this.stroke, last, point);
    if (points.length >= MAX_POINTS_PER_STROKE) {
      const { size, tool } = this.stroke;
      this.finish();
      this.stroke = { points: [point], size, tool };
      this.painter.begin(this.stroke);
    }
  }

  finish() {
    const stroke = this.stroke;
    this.stroke = null;
    this.painter.end(stroke);
    this.onStroke(stroke);
  }
}

// ---------------------------------------------------------------------------------------------
// The socket: reconnects by itself, 0.5 s doubling to 5 s.

class Connection {
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers; // {message, down, forbidden}
    this.socket = null;
    this.delay = RECONNECT_FIRST_MS;
    this.timer = null;
    this.quick = false;
    this.forbidden = false;
  }

  connect() {
    this.timer = null;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener("message", (event) => {
      if (socket !== this.socket) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message && typeof message === "object") this.handlers.message(message);
    });
    socket.addEventListener("close", (event) => this.closed(socket, event));
  }

  closed(socket, event) {
    if (socket !== this.socket) return;
    this.socket = null;
    if (event.code === CLOSE_FORBIDDEN) {
      this.forbidden = true;
      this.handlers.forbidden();
      return;
    }
    const quick = this.quick;
    this.quick = false;
    this.handlers.down(quick);
    const wait = quick ? 0 : this.delay;
    if (!quick) this.delay = Math.min(this.delay * 2, RECONNECT_MAX_MS);
    this.timer = setTimeout(() => this.connect(), wait);
  }

  // The server answered with its state: the line is good, start the backoff over.
  healthy() {
    this.delay = RECONNECT_FIRST_MS;
  }

  // Reconnect now (to be sent the state again), without the "reconnecting" notice.
  restart() {
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) {
      this.quick = true;
      this.socket.close(1000);
    }
  }

  // The network came back or the tab was shown again: do not sit out the backoff.
  nudge() {
    if (this.timer !== null && !this.forbidden) {
      clearTimeout(this.timer);
      this.connect();
    }
  }

  send(message) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// The page.

class Studio {
  constructor(root, initialState) {
    this.root = root;
    this.drawingId = initialState.id;
    this.iconBase = root.dataset.icons;
    this.confirmed = historyFromState(initialState); // the server's drawing as of the last ack
    this.outbox = []; // changes not yet acknowledged, oldest first
    this.headSent = false; // outbox[0] went out; its ack or error has not come back yet
    this.synced = false; // the current socket has sent its state
    this.statePages = null; // a state arriving in pages, until its last page comes
    this.tokens = SEND_BURST;
    this.tokensAt = performance.now();
    this.pausedUntil = 0;
    this.pumpTimer = null;
    this.picture = null; // {revision, url, category}
    this.unavailable = null; // {revision, category, reason}
    this.shownRevision = -1;
    this.loadingRevision = -1;
    this.categoryAt = new Map([[this.confirmed.revision, this.confirmed.category]]);
    this.watchdog = { timer: null, revision: -1, firedFor: -1 };
    this.connectionState = "connecting";
    this.indicatorTimer = null;

    this.find();
    this.restoreOutbox();
    this.view = this.rebuiltView();
    this.tool = "pen";
    this.size = Number(this.sizeButtons[0]?.dataset.size || 3);

    this.painter = new Painter(this.canvas);
    this.painter.watchSize();
    this.input = new StrokeInput(this.canvas, this.painter, (stroke) => this.act(strokeMessage(stroke)),
      () => ({ size: this.size, tool: this.tool }));
    this.bindControls();

    if (initialState.result) this.receiveResult(initialState.result);
    if (initialState.unavailable) this.receiveUnavailable(initialState.unavailable);
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
    this.frame = one("[data-testid=picture-frame]");
    this.emptyCard = one("[data-testid=picture-empty]");
    this.emptyIcon = one(".picture-empty-icon");
    this.unavailableCard = one("[data-testid=picture-unavailable]");
    this.unavailableIcon = one(".picture-unavailable-icon");
    this.unavailableText = one(".picture-unavailable-text");
    this.thinking = one("[data-testid=picture-thinking]");
    this.pictureStatus = one("[data-testid=picture-status]");
    this.saveButton = one("[data-testid=save]");
    this.indicator = one("[data-testid=connection-status]");
    this.closedCard = one("[data-testid=closed-card]");
    this.toast = one("[data-testid=toast]");
  }

  bindControls() {
    for (const button of this.toolButtons) {
      button.addEventListener("click", () => {
        this.tool = button.dataset.tool;
        this.renderControls();
      });
    }
    for (const button of this.sizeButtons) {
      button.addEventListener("click", () => {
        this.size = Number(button.dataset.size);
        this.renderControls();
      });
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
    this.saveButton.addEventListener("click", (event) => {
      if (this.saveButton.getAttribute("aria-disabled") === "true") event.preventDefault();
    });
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

  undo() {
    if (canUndo(this.view)) this.act({ type: "undo" });
  }

  redo() {
    if (canRedo(this.view)) this.act({ type: "redo" });
  }

  // A change by the child: show it now, send it when its turn comes.
  act(message) {
    this.outbox.push(message);
    this.view = applyMessage(this.view, message);
    this.saveOutbox();
    this.viewChanged();
    this.pump();
  }

  rebuiltView() {
    return this.outbox.reduce(applyMessage, this.confirmed);
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
        this.receiveResult(message);
        break;
      case "unavailable":
        this.receiveUnavailable(message);
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
    if (this.headSent && this.outbox.length) {
      // The socket dropped before the answer to outbox[0] came. If the server moved on by exactly
      // one revision to what that message makes, it was saved; otherwise send it again.
      const moved = state.revision - this.confirmed.revision;
      if (moved === 1) {
        const match = sameDrawing(applyMessage(this.confirmed, this.outbox[0]), server);
        if (match !== false) this.outbox.shift(); // null: partly unknown, trust the revision
      }
    }
    this.headSent = false;
    this.synced = true;
    this.confirmed = server;
    this.categoryAt.set(server.revision, server.category);
    this.view = this.rebuiltView();
    this.saveOutbox();
    this.connection.healthy();
    this.setConnectionState("open");
    if (state.result) this.receiveResult(state.result);
    if (state.unavailable) this.receiveUnavailable(state.unavailable);
    this.viewChanged();
    this.pump();
  }

  receiveAck(ack) {
    if (!this.headSent || !this.outbox.length) {
      this.resync(); // an answer to nothing we sent: someone else is writing; look again
      return;
    }
    const message = this.outbox.shift();
    this.headSent = false;
    this.confirmed = { ...applyMessage(this.confirmed, message), revision: ack.revision };
    this.categoryAt.set(ack.revision, this.confirmed.category);
    this.saveOutbox();
    if (!visibleStrokes(this.confirmed).sure) this.resync();
    this.view = this.rebuiltView();
    this.viewChanged();
    this.pump();
  }

  receiveError(error) {
    if (!this.headSent || !this.outbox.length) return;
    this.headSent = false;
    if (SEND_AGAIN_CODES.has(error.code)) {
      this.pausedUntil = performance.now() + RATE_LIMITED_PAUSE_MS;
      this.pump();
      return;
    }
    const refused = this.outbox.shift();
    this.saveOutbox();
    const { history, resync } = afterRefusal(this.confirmed, refused, error.code);
    this.confirmed = history;
    if (error.code === "too_many_strokes") this.showToast(error.message);
    if (resync) this.resync(); // the mirror was wrong somewhere: take the server's word
    this.view = this.rebuiltView();
    this.viewChanged();
    this.pump();
  }

  receiveResult(result) {
    const revision = Number(result.revision);
    if (!result.url || revision < this.shownRevision || revision < this.loadingRevision) return;
    this.loadingRevision = revision;
    // Load it aside first, so the frame never shows a half-loaded or broken picture.
    const image = new Image();
    image.addEventListener("load", () => {
      if (revision < this.shownRevision) return;
      const category = this.categoryAt.get(revision) || this.view.category;
      this.picture = { revision, url: result.url, category };
      this.shownRevision = revision;
      this.renderPicture();
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
      category: unavailable.category || this.categoryAt.get(revision) || this.view.category,
      reason: unavailable.reason || "",
    };
    this.shownRevision = revision;
    this.renderPicture();
  }

  // --- the outbox ------------------------------------------------------------------------------

  pump() {
    if (this.pumpTimer !== null || !this.synced || this.headSent || !this.outbox.length) {
      this.renderStatus();
      return;
    }
    const now = performance.now();
    this.tokens = Math.min(SEND_BURST, this.tokens + ((now - this.tokensAt) / 1000) * SEND_RATE_PER_SECOND);
    this.tokensAt = now;
    let wait = Math.max(0, this.pausedUntil - now);
    if (!wait && this.tokens < 1) wait = ((1 - this.tokens) / SEND_RATE_PER_SECOND) * 1000;
    if (wait > 0) {
      this.pumpTimer = setTimeout(() => {
        this.pumpTimer = null;
        this.pump();
      }, wait);
      return;
    }
    if (this.connection.send(this.outbox[0])) {
      this.tokens -= 1;
      this.headSent = true;
      this.saveOutbox();
    }
    this.renderStatus();
  }

  // Ask for the server's state again by reconnecting; the outbox rides along.
  resync() {
    this.connection.restart();
  }

  outboxKey() {
    return `drawing-outbox:${this.drawingId}`;
  }

  // Unsent changes live in sessionStorage too, so a reload while offline loses nothing.
  saveOutbox() {
    try {
      if (!this.outbox.length) {
        sessionStorage.removeItem(this.outboxKey());
        return;
      }
      sessionStorage.setItem(this.outboxKey(), JSON.stringify({
        revision: this.confirmed.revision,
        headSent: this.headSent,
        outbox: this.outbox,
      }));
    } catch {
      // storage full or blocked: the outbox in memory still covers reconnects
    }
  }

  restoreOutbox() {
    let saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(this.outboxKey()) || "null");
    } catch {
      saved = null;
    }
    if (!saved || !Array.isArray(saved.outbox) || !saved.outbox.length) return;
    const outbox = saved.outbox.filter((message) => message && typeof message.type === "string");
    // Same rule as after a reconnect, by revision only: one step on means the first was saved.
    if (saved.headSent && this.confirmed.revision - saved.revision === 1) outbox.shift();
    this.outbox = outbox;
    this.saveOutbox();
  }

  // --- connection ------------------------------------------------------------------------------

  connectionDown(quick) {
    this.synced = false;
    if (this.pumpTimer !== null) {
      clearTimeout(this.pumpTimer);
      this.pumpTimer = null;
    }
    this.setConnectionState(quick ? "connecting" : "reconnecting");
    this.scheduleIndicator();
  }

  connectionForbidden() {
    this.synced = false;
    this.setConnectionState("closed");
    this.closedCard.hidden = false;
    this.indicator.hidden = true;
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
    this.painter.show(visibleStrokes(this.view).strokes);
    this.renderControls();
    this.renderPicture();
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
    const { undo, redo, clear } = this.actionButtons;
    if (undo) undo.disabled = !canUndo(this.view);
    if (redo) redo.disabled = !canRedo(this.view);
    if (clear) clear.disabled = !canClear(this.view);
    this.canvas.dataset.tool = this.tool;
  }

  pictureDisplay() {
    const { strokes, sure } = visibleStrokes(this.view);
    if (sure && !strokes.length) return { state: "empty", thinking: false };
    const thinking = this.outbox.length > 0 || this.shownRevision < this.confirmed.revision;
    const pictureRevision = this.picture ? this.picture.revision : -1;
    const unavailableRevision = this.unavailable ? this.unavailable.revision : -1;
    if (this.unavailable && unavailableRevision > pictureRevision) {
      return { state: "unavailable", thinking };
    }
    if (this.picture) return { state: "picture", thinking };
    return { state: "waiting", thinking };
  }

  renderPicture() {
    const { state, thinking } = this.pictureDisplay();
    this.frame.dataset.state = state;
    this.frame.classList.toggle("is-thinking", thinking);
    this.thinking.hidden = !thinking;
    this.frame.setAttribute("aria-busy", String(thinking));

    const category = this.view.category;
    this.emptyCard.hidden = !(state === "empty" || state === "waiting");
    this.emptyIcon.src = `${this.iconBase}${category}.svg`;

    this.unavailableCard.hidden = state !== "unavailable";
    if (state === "unavailable") {
      const { category: missing, reason } = this.unavailable;
      this.unavailableIcon.src = `${this.iconBase}${missing}.svg`;
      const plural = PLURALS[missing] || `${missing}s`;
      this.unavailableText.textContent = /learn/i.test(reason) || !reason
        ? `This one is still learning to draw ${plural}! Try another picture.`
        : `No ${plural} right now: ${reason}. Try another picture.`;
    }

    let image = this.frame.querySelector("[data-testid=picture]");
    if (state === "picture") {
      if (!image) {
        image = document.createElement("img");
        image.className = "picture";
        image.dataset.testid = "picture";
        image.alt = "your picture";
        image.width = SKETCH_SIZE;
        image.height = SKETCH_SIZE;
        this.frame.prepend(image);
      }
      if (image.getAttribute("src") !== this.picture.url) image.src = this.picture.url;
      image.dataset.revision = String(this.picture.revision);
      const name = `${this.picture.category}-${this.drawingId}-r${this.picture.revision}.png`;
      this.saveButton.href = this.picture.url;
      this.saveButton.download = name;
      this.saveButton.setAttribute("aria-disabled", "false");
      this.saveButton.removeAttribute("tabindex");
    } else {
      image?.remove();
      this.saveButton.removeAttribute("href");
      this.saveButton.setAttribute("aria-disabled", "true");
      this.saveButton.tabIndex = -1;
    }

    const words = thinking
      ? "Thinking…"
      : { picture: "Here it is!", unavailable: "Still learning", empty: "", waiting: "" }[state];
    if (this.pictureStatus.textContent !== words) this.pictureStatus.textContent = words;

    document.body.dataset.picture = state;
    document.body.dataset.thinking = String(thinking);
    this.watchPicture(thinking);
    this.renderStatus();
  }

  renderStatus() {
    const data = document.body.dataset;
    data.revision = String(this.confirmed.revision);
    data.shownRevision = String(this.shownRevision);
    data.pending = String(this.outbox.length);
  }

  // A picture that never comes (a job lost with a worker): reconnecting makes the server ask again.
  watchPicture(thinking) {
    const revision = this.confirmed.revision;
    const dog = this.watchdog;
    const waiting = thinking && !this.outbox.length && this.synced && dog.firedFor !== revision;
    if (dog.timer !== null && (!waiting || dog.revision !== revision)) {
      clearTimeout(dog.timer);
      dog.timer = null;
    }
    if (!waiting || dog.timer !== null) return;
    dog.revision = revision;
    dog.timer = setTimeout(() => {
      dog.timer = null;
      dog.firedFor = revision;
      if (this.pictureDisplay().thinking && this.confirmed.revision === revision) this.resync();
    }, PICTURE_WATCHDOG_MS);
  }
}

const studioRoot = typeof document === "undefined" ? null : document.getElementById("studio");
const stateElement = studioRoot && document.getElementById("drawing-state");
if (studioRoot && stateElement) {
  window.studio = new Studio(studioRoot, JSON.parse(stateElement.textContent));
}
