// Replays an artwork's strokes on a canvas as a timelapse, then lets its picture bloom in.

import { countPoints, paintStrokes, strokeLook } from "../draw/strokes.js";

const REPLAY_MS = 4000;

class Replay {
  constructor(root, data) {
    this.root = root;
    this.strokes = Array.isArray(data.strokes) ? data.strokes : [];
    this.look = strokeLook(data);
    this.total = countPoints(this.strokes);
    this.context = root.querySelector("canvas").getContext("2d");
    this.frame = null;
  }

  play() {
    cancelAnimationFrame(this.frame);
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (reduced || this.total === 0) {
      paintStrokes(this.context, this.strokes, this.look);
      this.root.dataset.state = "done";
      return;
    }
    this.root.dataset.state = "playing";
    const started = performance.now();
    const step = (now) => {
      const share = Math.min(1, (now - started) / REPLAY_MS);
      paintStrokes(this.context, this.strokes, this.look, Math.ceil(share * this.total));
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
