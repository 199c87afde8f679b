// For children who do not read yet: a speaker button beside every message (the browser's own
// speech), short sounds made in the page (Web Audio, nothing to download) for a finished stroke,
// a new picture, a kept picture and a badge, and one mute button that silences both, remembered.
//
// Messages opt in with data-read-aloud; pages announce happenings as "studio:<sound>" events.
// Speech is in the page's language (<html lang>), in a voice of that language where the device
// has one; the buttons' labels come translated from the page (base.html's data-label-*).

const MUTE_KEY = "studio-muted";
const SOUND_EVENTS = ["stroke", "picture", "kept", "badge"];
// Each sound as notes: [frequency in Hz, start in s, length in s].
const SOUNDS = {
  stroke: [[660, 0, 0.06]],
  picture: [[523, 0, 0.12], [784, 0.1, 0.18]],
  kept: [[523, 0, 0.1], [659, 0.09, 0.1], [784, 0.18, 0.22]],
  badge: [[784, 0, 0.1], [988, 0.08, 0.1], [1319, 0.16, 0.28]],
};
const VOLUME = 0.08;
const SVG = "http://www.w3.org/2000/svg";
// The speech language for each page language the studio offers.
const SPEECH_LANGUAGES = { en: "en-US", ko: "ko-KR" };

let audio = null;

export function muted() {
  try {
    return localStorage.getItem(MUTE_KEY) === "1";
  } catch {
    return false;
  }
}

function setMuted(value) {
  try {
    localStorage.setItem(MUTE_KEY, value ? "1" : "0");
  } catch {
    // storage blocked: muted for this page only
  }
  if (value && "speechSynthesis" in window) speechSynthesis.cancel();
  showMute();
}

export function speak(text) {
  const words = (text || "").trim();
  if (!words || muted() || !("speechSynthesis" in window)) return false;
  speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(words);
  utterance.lang = speechLanguage();
  const voice = voiceFor(utterance.lang);
  if (voice) utterance.voice = voice;
  utterance.rate = 0.9; // a little slower, for small listeners
  speechSynthesis.speak(utterance);
  return true;
}

// "ko-KR" on a Korean page, "en-US" on an English one (or the page's own tag if it has a region).
export function speechLanguage() {
  const page = (document.documentElement.lang || "en").trim();
  return SPEECH_LANGUAGES[page.toLowerCase()] || page;
}

// The device's voice for that language: the exact tag first, else any of the same language.
function voiceFor(language) {
  const voices = speechSynthesis.getVoices?.() || [];
  const tag = (voice) => (voice.lang || "").replace("_", "-").toLowerCase();
  const wanted = language.toLowerCase();
  return voices.find((voice) => tag(voice) === wanted)
    || voices.find((voice) => tag(voice).split("-")[0] === wanted.split("-")[0]) || null;
}

// A button label the page gave in its language (base.html), English where a page gave none.
function label(name, english) {
  return document.body.dataset[name] || english;
}

export function play(name) {
  const notes = SOUNDS[name];
  if (!notes || muted()) return false;
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return false;
  audio = audio || new Context();
  const start = audio.currentTime;
  for (const [frequency, at, length] of notes) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.type = "sine";
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(VOLUME, start + at);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + at + length);
    tone.connect(gain).connect(audio.destination);
    tone.start(start + at);
    tone.stop(start + at + length);
  }
  document.body.dataset.lastSound = name;
  // Every sound in order, so a test sees the stroke sound even when the picture's follows fast.
  document.body.dataset.sounds = `${document.body.dataset.sounds || ""} ${name}`.trim();
  return true;
}

function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  const use = document.createElementNS(SVG, "use");
  use.setAttribute("href", `${document.body.dataset.icons}#${name}`);
  svg.append(use);
  return svg;
}

// A speaker button after each message that asks for one; it reads what the message says then.
function addSpeakers(root = document) {
  for (const message of root.querySelectorAll("[data-read-aloud]:not([data-speaker])")) {
    message.dataset.speaker = "yes";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "speak-button";
    button.dataset.testid = "speak";
    button.setAttribute("aria-label", label("labelReadAloud", "read aloud"));
    button.append(icon("speaker"));
    button.addEventListener("click", () => speak(message.textContent));
    message.after(button);
  }
}

function showMute() {
  const off = muted();
  for (const button of document.querySelectorAll("[data-mute]")) {
    button.setAttribute("aria-pressed", String(off));
    button.setAttribute("aria-label", off ? label("labelSoundOff", "sound is off")
      : label("labelSoundOn", "sound is on"));
    button.replaceChildren(icon(off ? "sound-off" : "sound"));
  }
  document.body.dataset.muted = String(off);
}

if (typeof document !== "undefined") {
  addSpeakers();
  showMute();
  for (const button of document.querySelectorAll("[data-mute]")) {
    button.addEventListener("click", () => setMuted(!muted()));
  }
  for (const name of SOUND_EVENTS) document.addEventListener(`studio:${name}`, () => play(name));
}
