// Badge pop-ups for a signed-in kid: listens on /ws/kid/ and celebrates each new badge.

const CLOSE_FORBIDDEN = 4403;
const SHOW_MS = 8000;
const CONFETTI = 28;
const COLOURS = ["#ff6b6b", "#ffd84d", "#4dabf7", "#40c057", "#cc5de8", "#ff922b"];

const root = document.querySelector(".g-popups");
// Where the page keeps room for a pop-up in its own flow (under the nav, in the drawing page's
// side column), so that it covers nothing; the fixed layer otherwise.
const stage = document.querySelector("[data-popup-slot]") || root;
const shown = new Set();
const waiting = []; // one pop-up at a time: several new badges take turns
let showing = false;
let socket = null;
let retryMs = 1000;

function confetti() {
  const layer = document.createElement("div");
  layer.className = "g-confetti";
  layer.setAttribute("aria-hidden", "true");
  for (let i = 0; i < CONFETTI; i += 1) {
    const piece = document.createElement("span");
    piece.style.setProperty("--x", `${Math.round(Math.random() * 100)}%`);
    piece.style.setProperty("--delay", `${Math.round(Math.random() * 400)}ms`);
    piece.style.setProperty("--spin", `${Math.round(Math.random() * 720 - 360)}deg`);
    piece.style.setProperty("--colour", COLOURS[i % COLOURS.length]);
    layer.append(piece);
  }
  return layer;
}

const SVG = "http://www.w3.org/2000/svg";

// The badge's icon from the studio's sprite, or its emoji where the studio draws none.
function badgeIcon(badge) {
  const holder = element("span", "g-popup-icon");
  if (!badge.icon_name || !root.dataset.icons) {
    holder.textContent = badge.icon;
    return holder;
  }
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  const use = document.createElementNS(SVG, "use");
  use.setAttribute("href", `${root.dataset.icons}#${badge.icon_name}`);
  svg.append(use);
  holder.append(svg);
  return holder;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function celebrate(badge) {
  if (!badge || shown.has(badge.slug)) return;
  shown.add(badge.slug);
  waiting.push(badge);
  if (!showing) showNext();
}

function showNext() {
  const badge = waiting.shift();
  showing = Boolean(badge);
  if (badge) show(badge);
}

function show(badge) {
  const popup = element("div", "g-popup");
  popup.setAttribute("role", "status");
  popup.dataset.testid = "badge-popup";
  popup.dataset.badge = badge.slug;
  popup.append(confetti());
  popup.append(badgeIcon(badge));
  const words = element("div", "g-popup-words");
  words.append(element("span", "g-popup-kicker", "New badge!"));
  words.append(element("strong", "g-popup-name", badge.name));
  words.append(element("span", "g-popup-description", badge.description));
  if (root.dataset.profileUrl) {
    const link = element("a", "g-popup-link", "My badges ➜");
    link.href = root.dataset.profileUrl;
    words.append(link);
  }
  popup.append(words);
  const close = element("button", "g-popup-close", "✖");
  close.type = "button";
  close.setAttribute("aria-label", "close");
  popup.append(close);
  let timer = null;
  const dismiss = () => {
    if (!popup.isConnected) return;
    clearTimeout(timer);
    popup.remove();
    showNext();
  };
  close.addEventListener("click", dismiss);
  stage.append(popup);
  document.body.dataset.badgePopup = badge.slug;
  document.dispatchEvent(new CustomEvent("studio:badge"));
  timer = setTimeout(dismiss, SHOW_MS);
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ type: "seen", slug: badge.slug }));
  }
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}${root.dataset.socketPath}`);
  socket.addEventListener("open", () => {
    retryMs = 1000;
    document.body.dataset.kidSocket = "open";
  });
  socket.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "badge.awarded") celebrate(message.badge);
  });
  socket.addEventListener("close", (event) => {
    document.body.dataset.kidSocket = "closed";
    if (event.code === CLOSE_FORBIDDEN) return;
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 30000);
  });
}

if (root) connect();
