// The page's copy of the drawing's stroke log: what a message does to it, what shows, what undo can reach.

const CLEAR = Object.freeze({ tool: "clear" });
const UNKNOWN = Object.freeze({ tool: "unknown" }); // a log entry only the server knows

// The stroke log, mirrored. A history is {base, log, redo, category, revision}:
//   log   entries after `base`: strokes, CLEAR marks, or UNKNOWN (only the server knows them);
//   base  what lies before `log`: "none" (nothing), "cleared" (unknown entries ending in a
//         clear mark, so nothing of it shows) or "unknown" (unknown entries that may show);
//   redo  the redo stack, top last.
// The page only ever gets the visible strokes and the redo count from the server, so undoing
// past them leads into the unknown; the page then asks the server for the state again.

const strokeEntries = new WeakMap(); // stroke message -> the log entry it carries

// A stroke as the log keeps it: a colour only when it has one (the default crayon has none).
function logEntry({ points, size, tool, color }) {
  const entry = { points, size, tool: tool || "pen" };
  if (color && entry.tool === "pen") entry.color = color;
  return entry;
}

export function strokeMessage(entry) {
  const message = { type: "stroke", ...logEntry(entry) };
  strokeEntries.set(message, entry);
  return message;
}

function entryOfStroke(message) {
  let entry = strokeEntries.get(message);
  if (!entry) {
    entry = logEntry(message);
    strokeEntries.set(message, entry);
  }
  return entry;
}

export function historyFromState(state) {
  const strokes = (state.strokes || []).map(logEntry);
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
  return JSON.stringify([stroke.points, Number(stroke.size), stroke.tool, stroke.color || null]);
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
