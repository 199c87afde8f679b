// The studio's canvas: device-pixel sharp, repainted from the stroke list whenever its size changes.

import { paintPaper, paintStroke, useStrokeStyle } from "./strokes.js";

export class Painter {
  constructor(canvas, look) {
    this.canvas = canvas;
    this.look = look; // how strokes look: see strokes.js
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
    paintPaper(this.context);
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
    const side = this.canvas.width;
    useStrokeStyle(this.context, stroke, side, this.look);
    this.context.beginPath();
    this.context.moveTo(from[0] * side, from[1] * side);
    this.context.lineTo(to[0] * side, to[1] * side);
    this.context.stroke();
  }

  end(stroke) {
    if (this.live === stroke) this.live = null;
    this.finished = stroke;
  }

  drawStroke(stroke) {
    paintStroke(this.context, stroke, this.look);
  }
}
