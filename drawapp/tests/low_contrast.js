// Every visible text on the page whose colour against the background behind it is under WCAG
// AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold), or that is faded. The background is
// the first opaque colour among the element and its ancestors; a gradient counts as its first.
// Run by the browser tests (Page.low_contrast_texts); returns the failures.
const parse = (text) => {
  const m = text.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/);
  return m ? [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]] : null;
};
const luminance = ([r, g, b]) => {
  const [R, G, B] = [r, g, b].map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * R + 0.7152 * G + 0.0722 * B;
};
const background = (element) => {
  for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
    const style = getComputedStyle(node);
    const colour = parse(style.backgroundColor);
    if (colour && colour[3] >= 0.9) return colour;
    const image = style.backgroundImage;
    if (image && image !== 'none' && /gradient/.test(image)) {
      const first = parse(image);
      if (first) return first;
    }
  }
  return [255, 255, 255, 1];
};
const failures = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const seen = new Set();
while (walker.nextNode()) {
  const text = walker.currentNode.textContent.trim();
  const element = walker.currentNode.parentElement;
  const shown = element.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  if (!text || seen.has(element) || !shown) continue;
  // Disabled controls are exempt from the contrast rule.
  const skipped = '[aria-hidden=true], script, style, template, :disabled, [aria-disabled=true]';
  if (element.closest(skipped)) continue;
  seen.add(element);
  const style = getComputedStyle(element);
  const fg = parse(style.color);
  const bg = background(element);
  const [light, dark] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  const ratio = (light + 0.05) / (dark + 0.05);
  const size = parseFloat(style.fontSize);
  const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  let opacity = 1;
  for (let node = element; node; node = node.parentElement) {
    opacity *= Number(getComputedStyle(node).opacity);
  }
  if (ratio < (large ? 3 : 4.5) || opacity < 0.99) {
    failures.push({
      text: text.slice(0, 40), ratio: Math.round(ratio * 100) / 100, opacity,
      fg: style.color, bg: bg.join(','), where: element.className || element.tagName,
    });
  }
}
return failures;
