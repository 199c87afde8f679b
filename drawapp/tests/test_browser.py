"""The canvas page in headless Chromium: a child draws with real pointer events, sees a picture."""
import json
import random
from pathlib import Path

from selenium.webdriver.common.by import By

from drawapp.actions import apply_message
from drawapp.models import Drawing
from drawapp.protocol import ProtocolError, parse_client_message
from drawapp.state import drawing_state
from inference.categories import CATEGORIES

from .browser import BROWSER_TEST_MARKS, Page, line

SCREENSHOT = Path("/tmp/draw-page.png")

pytestmark = BROWSER_TEST_MARKS


ACROSS = line((0.2, 0.3), (0.8, 0.3))  # drawn with the mouse
DOWN = line((0.5, 0.45), (0.5, 0.9))  # drawn with a finger
ON_ACROSS = (0.35, 0.3)
ON_DOWN = (0.5, 0.7)


def test_kid_draws_sees_a_picture_and_finds_everything_again_after_a_reload(studio_url, browser):
    base_url, server_log = studio_url
    page = Page(browser, server_log)
    drawing_id = page.open_new_drawing(base_url)
    assert page.data("picture") == "empty" and page.picture() is None

    page.draw_with_mouse(ACROSS)
    page.draw_with_finger(DOWN)
    assert page.ink_near(*ON_ACROSS) > 0 and page.ink_near(*ON_DOWN) > 0  # drawn at once
    page.wait_for_picture_of(2)

    picture = page.picture()
    assert picture["complete"] and (picture["width"], picture["height"]) == (256, 256)
    assert picture["src"].startswith("/media/") and picture["revision"] == "2"
    save = browser.find_element(By.CSS_SELECTOR, "[data-testid=save]")
    assert save.get_attribute("aria-disabled") == "false"
    assert save.get_attribute("href") == base_url + picture["src"]
    assert save.get_attribute("download") == f"panda-{drawing_id}-r2.png"

    saved = Drawing.objects.get(pk=drawing_id)
    assert saved.revision == 2 and [s["tool"] for s in saved.strokes] == ["pen", "pen"]
    across, down = saved.strokes
    assert all(abs(y - 0.3) < 0.02 for _, y in across["points"]) and len(across["points"]) > 5
    assert all(abs(x - 0.5) < 0.02 for x, _ in down["points"]) and len(down["points"]) > 5

    page.click("undo")
    assert page.ink_near(*ON_DOWN) == 0 and page.ink_near(*ON_ACROSS) > 0  # undone at once
    page.wait_for_picture_of(3)
    page.click("redo")
    assert page.ink_near(*ON_DOWN) > 0
    page.wait_for_picture_of(4)
    shown_before_reload = page.picture()["src"]

    browser.refresh()
    page.wait_for_body("connection", "open")
    page.wait_for_picture_of(4)
    assert page.ink_near(*ON_ACROSS) > 0 and page.ink_near(*ON_DOWN) > 0
    restored = page.picture()
    assert restored["src"] == shown_before_reload and restored["width"] == 256
    page.wait_for_animations()
    browser.save_screenshot(str(SCREENSHOT))

    page.click("undo")  # the history is still there after the reload
    assert page.ink_near(*ON_DOWN) == 0
    page.wait_for_picture_of(5)
    assert Drawing.objects.get(pk=drawing_id).visible_strokes() == [across]
    assert page.console_errors() == []


def test_kid_picking_a_category_without_a_model_is_told_it_is_still_learning(
    studio_url, browser
):
    base_url, server_log = studio_url
    page = Page(browser, server_log)
    page.open_new_drawing(base_url)
    page.draw_with_finger(DOWN)
    page.wait_for_picture_of(1)
    assert page.picture() is not None  # the panda model answered

    page.click("category-shoe")
    page.wait_for_picture_of(2)

    assert page.data("picture") == "unavailable"
    card = browser.find_element(By.CSS_SELECTOR, "[data-testid=picture-unavailable]")
    assert card.is_displayed() and "still learning to draw shoes" in card.text
    card_icon = card.find_element(By.TAG_NAME, "img").get_attribute("src")
    assert card_icon.endswith("/shoe.svg")
    assert page.picture() is None
    frame = browser.find_element(By.CSS_SELECTOR, "[data-testid=picture-frame]")
    assert not [img for img in frame.find_elements(By.TAG_NAME, "img")
                if "/media/" in (img.get_attribute("src") or "")]
    save = browser.find_element(By.CSS_SELECTOR, "[data-testid=save]")
    assert save.get_attribute("aria-disabled") == "true" and save.get_attribute("href") is None
    pressed = browser.find_element(By.CSS_SELECTOR, "[data-testid=category-shoe]")
    assert pressed.get_attribute("aria-pressed") == "true"
    assert page.console_errors() == []



# Cut the page's line: the open socket drops and new ones go to a port where nothing listens.
CUT_THE_LINE = """
window.RealWebSocket = window.RealWebSocket || window.WebSocket;
window.WebSocket = class extends window.RealWebSocket {
  constructor(url) { super(url.replace(location.host, '127.0.0.1:9')); }
};
window.studio.connection.socket?.close();
"""
MEND_THE_LINE = """
window.WebSocket = window.RealWebSocket;
window.dispatchEvent(new Event('online'));
"""
# The next message goes out and the socket closes at once, so its ack never arrives.
LOSE_THE_NEXT_ACK = """
const connection = window.studio.connection;
const send = connection.send.bind(connection);
connection.send = (message) => {
  const sent = send(message);
  connection.socket.close();
  connection.send = send;
  return sent;
};
"""


def test_strokes_survive_a_dropped_line_and_a_reload_and_are_saved_exactly_once(
    studio_url, browser
):
    base_url, server_log = studio_url
    page = Page(browser, server_log)
    drawing_id = page.open_new_drawing(base_url)

    browser.execute_script(LOSE_THE_NEXT_ACK)
    page.draw_with_mouse(ACROSS)
    page.wait_for_body("connection", "open")  # reconnected by itself
    page.wait_for_body("pending", "0")
    assert Drawing.objects.get(pk=drawing_id).revision == 1  # sent once, not twice

    browser.execute_script(CUT_THE_LINE)
    page.wait_until(lambda: browser.find_element(
        By.CSS_SELECTOR, "[data-testid=connection-status]").is_displayed(), "reconnecting notice")
    page.draw_with_finger(DOWN)
    assert page.data("pending") == "1" and page.ink_near(*ON_DOWN) > 0
    browser.execute_script(MEND_THE_LINE)
    page.wait_for_body("revision", "2")
    page.wait_for_body("pending", "0")
    notice = browser.find_element(By.CSS_SELECTOR, "[data-testid=connection-status]")
    assert not notice.is_displayed()

    browser.execute_script(CUT_THE_LINE)
    page.click("clear")
    assert page.ink_near(*ON_ACROSS) == 0 and page.data("pending") == "1"
    browser.refresh()  # the unsent clear waits in the tab's session storage
    page.wait_for_body("revision", "3")
    page.wait_for_body("pending", "0")
    assert page.ink_near(*ON_ACROSS) == 0 and page.ink_near(*ON_DOWN) == 0

    saved = Drawing.objects.get(pk=drawing_id)
    assert saved.revision == 3 and saved.visible_strokes() == []
    assert [entry["tool"] for entry in saved.strokes] == ["pen", "pen", "clear"]


class Mirror:
    """The page's own copy of the stroke log (history.js), driven step by step from the test."""

    def __init__(self, driver, base_url):
        self.driver = driver
        driver.get(base_url + "/")
        loaded = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "import('/static/draw/history.js').then((m) => { window.mirror = m; done(true); },"
            " (error) => done(String(error)));"
        )
        assert loaded is True, loaded

    def _run(self, body, *arguments):
        return self.driver.execute_script(
            "const m = window.mirror;" + body +
            "const v = m.visibleStrokes(window.h);"
            "return {strokes: v.strokes, sure: v.sure, redo: window.h.redo.length,"
            " category: window.h.category, undo: m.canUndo(window.h),"
            " redoable: m.canRedo(window.h), clear: m.canClear(window.h)};",
            *arguments,
        )

    def load(self, state):
        return self._run("window.h = m.historyFromState(arguments[0]);", state)

    def apply(self, message):
        return self._run(
            "const message = arguments[0].type === 'stroke' ? m.strokeMessage(arguments[0])"
            " : arguments[0]; window.h = m.applyMessage(window.h, message);", message)

    def refuse(self, message, code):
        """The page's view after the server refused `message`, and whether it asks again."""
        view = self._run(
            "const r = m.afterRefusal(window.h, arguments[0], arguments[1]);"
            "window.h = r.history; window.resync = r.resync;", message, code)
        return view, self.driver.execute_script("return window.resync")


def random_stroke(rng) -> dict:
    points = [[round(rng.random(), 4), round(rng.random(), 4)] for _ in range(rng.randint(1, 4))]
    stroke = {"type": "stroke", "points": points, "size": rng.choice([3, 8, 16]),
              "tool": rng.choice(["pen", "pen", "eraser"])}
    colour = rng.choice([None, None, "black", "red", "#00ff80"])
    if colour:
        stroke["color"] = colour
    return stroke


def as_compared(strokes) -> list:
    """What shows of each stroke; black is what a stroke without a colour is drawn in."""
    return [(s["points"], float(s["size"]), s["tool"],
             s.get("color", "black") if s["tool"] == "pen" else None) for s in strokes]


def test_page_copy_of_the_stroke_log_agrees_with_the_server_through_undo_redo_and_reloads(
    studio_url, browser
):
    base_url, _ = studio_url
    mirror = Mirror(browser, base_url)
    rng = random.Random(20)
    drawing = Drawing.objects.create(owner_session="mirror-test")
    view = mirror.load(drawing_state(drawing))
    seen = {"resync": 0, "refused": 0, "reload": 0, "undo": 0, "redo": 0, "clear": 0}
    # After a reload the page cannot tell "stroke, category" from "clear, stroke": it offers an
    # undo too many, the server refuses it, and the page learns there is nothing before.
    scripted = ["stroke", "category", "reload", "undo", "undo"]
    for _ in range(160):
        choices = ["stroke"] * 3 + ["category", "reload"]
        choices += ["undo"] * 4 if view["undo"] else []
        choices += ["redo"] * 3 if view["redoable"] else []
        choices += ["clear"] if view["clear"] else []
        kind = scripted.pop(0) if scripted else rng.choice(choices)
        assert kind in choices
        if kind == "reload":
            seen["reload"] += 1
            view = mirror.load(drawing_state(Drawing.objects.get(pk=drawing.pk)))
            continue
        message = (random_stroke(rng) if kind == "stroke" else
                   {"type": "category", "category": rng.choice(CATEGORIES)}
                   if kind == "category" else {"type": kind})
        seen[kind] = seen.get(kind, 0) + 1
        try:
            apply_message(drawing.pk, parse_client_message(json.dumps(message)))
        except ProtocolError as refusal:
            seen["refused"] += 1
            view, resync = mirror.refuse(message, refusal.code)
        else:
            view = mirror.apply(message)
            resync = not view["sure"]
        server = Drawing.objects.get(pk=drawing.pk)
        if resync:  # the page asks for the state again, as after a reconnect
            seen["resync"] += 1
            view = mirror.load(drawing_state(server))
        assert view["sure"]
        assert as_compared(view["strokes"]) == as_compared(server.visible_strokes())
        assert (view["redo"], view["category"]) == (len(server.redo), server.category)
    # The walk went through the interesting places, not only around the easy ones.
    assert min(seen.values()) > 0, seen


def test_a_drawing_too_large_for_one_message_reopens_from_its_state_pages(studio_url, browser):
    from .test_state_pages import largest_stroke_message

    base_url, server_log = studio_url
    page = Page(browser, server_log)
    page.console_errors()  # reading the log empties it: what earlier tests left is not ours
    drawing_id = page.open_new_drawing(base_url)
    page.wait_for_body("connection", "open")
    strokes = [dict(parse_client_message(largest_stroke_message(seed)).as_json(), tool="pen",
                    size=3.0) for seed in range(60)]
    Drawing.objects.filter(pk=drawing_id).update(strokes=strokes, revision=len(strokes))

    browser.execute_script("window.studio.connection.restart();")  # sent the state anew
    page.wait_for_body("revision", str(len(strokes)))
    assert page.ink_near(*strokes[-1]["points"][0]) > 0
    page.draw_with_mouse(ACROSS)
    page.wait_for_body("revision", str(len(strokes) + 1))
    page.wait_for_body("pending", "0")
    assert Drawing.objects.get(pk=drawing_id).strokes[:-1] == strokes
    assert page.console_errors() == []
