// Drawing strokes on a 2D canvas, the one way the studio, the replay and the gallery all paint them.
//
// A stroke is {points: [[x, y], ...] in [0, 1] of the side, size: a diameter in units of a square
// `units` wide (the rasterizer's 256), tool: "pen" | "eraser", color: a crayon name or "#rrggbb",
// absent for the default crayon}. How strokes look (the crayon box, the units) comes from the
// server's JSON in the page, as {palette: {name: "#rrggbb"}, default_color, stroke_size_units}.

export const PAPER_COLOUR = "#ffffff";
const HEX_COLOUR = /^#[0-9a-f]{6}$/i;
const DEFAULT_SIZE = 3;

// The paint of strokes as the server described it: ink(stroke) is its colour on the canvas.
export function strokeLook({ palette, default_color: defaultColor, stroke_size_units: units }) {
  const fallback = palette[defaultColor];
  const ink = (stroke) => {
    if (stroke.tool === "eraser") return PAPER_COLOUR;
    const color = stroke.color;
    return palette[color] || (HEX_COLOUR.test(color || "") ? color : fallback);
  };
  return { ink, units };
}

// Set the context's pen for this stroke on a canvas `side` pixels wide.
export function useStrokeStyle(context, stroke, side, look) {
  context.lineWidth = Math.max(1, ((Number(stroke.size) || DEFAULT_SIZE) / look.units) * side);
  context.lineCap = "round";
  context.lineJoin = "round";
  context.strokeStyle = look.ink(stroke);
  context.fillStyle = context.strokeStyle;
}

// Paint one stroke, or its first `count` points; a single point is a dot.
export function paintStroke(context, stroke, look, count = Infinity) {
  const points = count < stroke.points.length ? stroke.points.slice(0, count) : stroke.points;
  if (!points.length) return;
  const side = context.canvas.width;
  useStrokeStyle(context, stroke, side, look);
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
export function paintStrokes(context, strokes, look, budget = Infinity) {
  paintPaper(context);
  let left = budget;
  for (const stroke of strokes) {
    if (left <= 0) break;
    paintStroke(context, stroke, look, left);
    left -= stroke.points.length;
  }
}
