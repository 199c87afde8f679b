// The drawing socket: reconnects by itself, 0.5 s doubling to 5 s, and stops for good on 4403.

const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 5000;
const CLOSE_FORBIDDEN = 4403;

export class Connection {
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
