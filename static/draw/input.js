// Pointer input: mouse, finger and pen, one pointer at a time, every coalesced sample.

const MIN_POINT_STEP = 0.002; // about half a pixel of the 256 px sketch the generator sees

function roundCoordinate(value) {
  return Math.round(Math.min(1, Math.max(0, value)) * 10000) / 10000;
}

export class StrokeInput {
  // onStroke(stroke) gets each finished stroke; brush() says {size, tool} for a new one; a stroke
  // reaching maxPoints goes on as a new one, so none is longer than the server allows.
  constructor(canvas, painter, { onStroke, brush, maxPoints }) {
    this.canvas = canvas;
    this.painter = painter;
    this.onStroke = onStroke;
    this.brush = brush;
    this.maxPoints = maxPoints;
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
    this.stroke = { ...this.brush(), points: [this.pointAt(event)] };
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
    if (points.length >= this.maxPoints) {
      const { points: _, ...brush } = this.stroke;
      this.finish();
      this.stroke = { ...brush, points: [point] };
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
