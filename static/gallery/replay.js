// Replays an artwork's strokes on a canvas as a timelapse, then lets its picture bloom in.

const REPLAY_MS = 4000;
const SKETCH_UNITS = 256; // stroke sizes are diameters in 256-px units, as the rasterizer draws

function countPoints(strokes) {
  return strokes.reduce((total, stroke) => total + stroke.points.length, 0);
}

// Draw the first `budget` points of the stroke log (all of it when budget is Infinity).
export function drawStrokes(context, strokes, budget = Infinity) {
  const side = context.canvas.width;
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, side, side);
  context.lineCap = "round";
  context.lineJoin = "round";
  let left = budget;
  for (const stroke of strokes) {
    if (left <= 0) break;
    const points = stroke.points.slice(0, Math.min(stroke.points.length, left));
    left -= points.length;
    const colour = stroke.tool === "eraser" ? "#ffffff" : "#000000";
    const width = Math.max(1, (Number(stroke.size) || 3) * side / SKETCH_UNITS);
    context.strokeStyle = colour;
    context.fillStyle = colour;
    context.lineWidth = width;
    if (points.length === 1) {
      const [x, y] = points[0];
      context.beginPath();
      context.arc(x * side, y * side, width / 2, 0, 2 * Math.PI);
      context.fill();
      continue;
    }
    context.beginPath();
    context.moveTo(points[0][0] * side, points[0][1] * side);
    for (const [x, y] of points.slice(1)) context.lineTo(x * side, y * side);
    context.stroke();
  }
}

class Replay {
  constructor(root, data) {
    this.root = root;
    this.strokes = Array.isArray(data.strokes) ? data.strokes : [];
    this.total = countPoints(this.strokes);
    this.context = root.querySelector("canvas").getContext("2d");
    this.frame = null;
  }

  play() {
    cancelAnimationFrame(this.frame);
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (reduced || this.total === 0) {
      drawStrokes(this.context, this.strokes);
      this.root.dataset.state = "done";
      return;
    }
    this.root.dataset.state = "playing";
    const started = performance.now();
    const step = (now) => {
      const share = Math.min(1, (now - started) / REPLAY_MS);
      drawStrokes(this.context, this.strokes, Math.ceil(share * this.total));
      if (share < 1) {
        this.frame = requestAnimationFrame(step);
      } else {
        this.root.dataset.state = "done"; // the picture blooms in (gallery.css)
      }
    };
    this.frame = requestAnimationFrame(step);
  }
}

const root = document.querySelector("[data-testid=replay]");
const dataElement = document.getElementById("replay-data");
if (root && dataElement) {
  const replay = new Replay(root, JSON.parse(dataElement.textContent));
  document.querySelector("[data-replay-button]")?.addEventListener("click", () => replay.play());
  replay.play();
}
