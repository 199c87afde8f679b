"""Finds the English a page shows while it should speak another language: the check the
translation tests run over every rendered page."""
import re
from html.parser import HTMLParser

# Attributes a person sees or hears (screen readers read labels and alternative text).
SPOKEN_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "data-say", "data-message"}
# Elements whose text is code or pictures, not words.
SILENT_ELEMENTS = {"script", "style", "svg", "code", "noscript"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


class _ShownText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.silent_depth = 0
        self.shown: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in SILENT_ELEMENTS:
            self.silent_depth += 1
        if self.silent_depth:
            return
        attributes = dict(attrs)
        self.shown.extend(value for name, value in attrs if name in SPOKEN_ATTRIBUTES and value)
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self.shown.append(attributes.get("value") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in SILENT_ELEMENTS:
            self.silent_depth -= 1

    def handle_endtag(self, tag):
        if tag in SILENT_ELEMENTS and self.silent_depth:
            self.silent_depth -= 1

    def handle_data(self, data):
        if not self.silent_depth:
            self.shown.append(data)


def english_words(html: str, allowed: set[str] = frozenset()) -> list[str]:
    """The English words a page shows or speaks, less `allowed` (names, the studio's brand);
    compared case-insensitively."""
    allowed = {word.casefold() for word in allowed} | {"english"}
    parser = _ShownText()
    parser.feed(html)
    words = (word for text in parser.shown for word in WORD.findall(text))
    return [word for word in words if word.casefold() not in allowed]
