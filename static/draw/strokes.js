// Drawing strokes on a 2D canvas, the one way the studio, the replay and the gallery all paint them.
//
// A stroke is {points: [[x, y], ...] in [0, 1] of the side, size: a diameter in units of a square
// `units` wide (the rasterizer's 256), tool: "pen" | "eraser"}.

export const PEN_COLOUR = "#1f2233";
export const PAPER_COLOUR = "#ffffff";
const DEFAULT_UNITS = 256;
const DEFAULT_SIZE = 3;

export function strokeColour(stroke) {
  return stroke.tool === "eraser" ? PAPER_COLOUR : PEN_COLOUR;
}

export function lineWidth(stroke, side, units = DEFAULT_UNITS) {
  return Math.max(1, ((Number(stroke.size) || DEFAULT_SIZE) / units) * side);
}

// Set the context's pen for this stroke on a canvas `side` pixels wide.
export function useStrokeStyle(context, stroke, side, units = DEFAULT_UNITS) {
  context.lineWidth = lineWidth(stroke, side, units);
  context.lineCap = "round";
  context.lineJoin = "round";
  context.strokeStyle = strokeColour(stroke);
  context.fillStyle = context.strokeStyle;
}

// Paint one stroke, or its first `count` points; a single point is a dot.
export function paintStroke(context, stroke, units = DEFAULT_UNITS, count = Infinity) {
  const points = count < stroke.points.length ? stroke.points.slice(0, count) : stroke.points;
  if (!points.length) return;
  const side = context.canvas.width;
  useStrokeStyle(context, stroke, side, units);
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

export function paintPaper(context) {
  context.fillStyle = PAPER_COLOUR;
  context.fillRect(0, 0, context.canvas.width, context.canvas.height);
}

export function countPoints(strokes) {
  return strokes.reduce((total, stroke) => total + stroke.points.length, 0);
}

// Paper, then the first `budget` points of the strokes (all of them when budget is Infinity).
export function paintStrokes(context, strokes, { units = DEFAULT_UNITS, budget = Infinity } = {}) {
  paintPaper(context);
  let left = budget;
  for (const stroke of strokes) {
    if (left <= 0) break;
    paintStroke(context, stroke, units, left);
    left -= stroke.points.length;
  }
}
