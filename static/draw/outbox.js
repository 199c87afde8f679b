// The outbox: the child's changes not yet acknowledged, oldest first, sent one at a time.
//
// One message is out at a time, so each ack or refusal answers the head. Sending keeps to a token
// bucket under the server's own; the messages also live in sessionStorage, so a reload while
// offline loses nothing. Every stroke carries a client id, kept across reloads, so the server can
// ignore a stroke sent again after a drop.

const STROKE_ID_LENGTH = 12;
const STROKE_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

export function newStrokeId() {
  const bytes = crypto.getRandomValues(new Uint8Array(STROKE_ID_LENGTH));
  return Array.from(bytes, (byte) => STROKE_ID_ALPHABET[byte % STROKE_ID_ALPHABET.length]).join("");
}

export class Outbox {
  // send(message) -> whether it went out; wake() is called when a wait for the rate is over.
  constructor(storageKey, { ratePerSecond, burst, send, wake }) {
    this.storageKey = storageKey;
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.send = send;
    this.wake = wake;
    this.messages = [];
    this.headSent = false; // messages[0] went out; its ack or error has not come back yet
    this.tokens = burst;
    this.tokensAt = performance.now();
    this.pausedUntil = 0;
    this.timer = null;
  }

  get length() {
    return this.messages.length;
  }

  get head() {
    return this.messages[0];
  }

  add(message) {
    if (message.type === "stroke" && !message.id) message.id = newStrokeId();
    this.messages.push(message);
  }

  // The head was answered (acked or refused): it leaves the outbox.
  takeHead() {
    this.headSent = false;
    return this.messages.shift();
  }

  // The head was refused for now (too fast, or the server busy): send it again after `ms`.
  pause(ms) {
    this.headSent = false;
    this.pausedUntil = performance.now() + ms;
  }

  // The line dropped: no timer may send on the next socket before it is ready.
  stop() {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  // Send the head if nothing is out and the rate allows; otherwise wait for the rate.
  pump() {
    if (this.timer !== null || this.headSent || !this.messages.length) return;
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.tokensAt) / 1000) * this.ratePerSecond);
    this.tokensAt = now;
    let wait = Math.max(0, this.pausedUntil - now);
    if (!wait && this.tokens < 1) wait = ((1 - this.tokens) / this.ratePerSecond) * 1000;
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.wake();
      }, wait);
      return;
    }
    if (this.send(this.messages[0])) {
      this.tokens -= 1;
      this.headSent = true;
    }
  }

  // Keep the outbox in the tab's storage, with the server revision it was made against.
  save(revision) {
    try {
      if (!this.messages.length) {
        sessionStorage.removeItem(this.storageKey);
        return;
      }
      sessionStorage.setItem(this.storageKey, JSON.stringify({
        revision,
        headSent: this.headSent,
        outbox: this.messages,
      }));
    } catch {
      // storage full or blocked: the outbox in memory still covers reconnects
    }
  }

  // Take back what a reload left unsent; the server now stands at `revision`.
  restore(revision) {
    let saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(this.storageKey) || "null");
    } catch {
      saved = null;
    }
    if (!saved || !Array.isArray(saved.outbox) || !saved.outbox.length) return;
    const messages = saved.outbox.filter((message) => message && typeof message.type === "string");
    // Same rule as after a reconnect, by revision only: one step on means the first was saved.
    if (saved.headSent && revision - saved.revision === 1) messages.shift();
    this.messages = messages;
    this.save(revision);
  }
}
