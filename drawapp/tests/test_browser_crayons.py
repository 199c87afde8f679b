"""The crayon box in headless Chromium: coloured strokes on the canvas, saved, undone, reloaded."""
from selenium.webdriver.common.by import By

from drawapp.models import Drawing
from inference.palette import PALETTE

from .browser import BROWSER_TEST_MARKS, Page, line

pytestmark = BROWSER_TEST_MARKS

ACROSS = line((0.2, 0.3), (0.8, 0.3))
DOWN = line((0.5, 0.45), (0.5, 0.9))

# The canvas colour at (x, y) in [0, 1] of its side, as [r, g, b].
COLOUR_AT = """
const [x, y] = arguments;
const canvas = document.querySelector('[data-testid=canvas]');
const side = canvas.width;
return Array.from(canvas.getContext('2d').getImageData(
  Math.round(x * side), Math.round(y * side), 1, 1).data.slice(0, 3));
"""


def near(colour, crayon, tolerance=24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, PALETTE[crayon], strict=True))


def test_red_crayon_draws_red_through_undo_redo_and_a_reload(studio_url, browser):
    base_url, server_log = studio_url
    page = Page(browser, server_log)
    drawing_id = page.open_new_drawing(base_url)

    crayons = browser.find_elements(By.CSS_SELECTOR, "[data-testid=crayons] [data-color]")
    assert [c.get_attribute("data-color") for c in crayons] == list(PALETTE)
    assert all(c.size["width"] >= 44 and c.size["height"] >= 44 for c in crayons)

    page.click("crayon-red")
    pen_mark = browser.execute_script(
        "return getComputedStyle(document.querySelector('[data-testid=pen-crayon]'))"
        ".backgroundColor")
    assert pen_mark == "rgb({}, {}, {})".format(*PALETTE["red"])  # the pen shows its crayon
    page.draw_with_mouse(ACROSS)
    page.click("crayon-black")
    page.draw_with_finger(DOWN)
    assert near(browser.execute_script(COLOUR_AT, 0.5, 0.3), "red")
    assert near(browser.execute_script(COLOUR_AT, 0.5, 0.7), "black")
    page.wait_for_body("pending", "0")

    saved = Drawing.objects.get(pk=drawing_id)
    assert [stroke.get("color") for stroke in saved.strokes] == ["red", None]

    page.click("undo")
    page.click("undo")
    page.click("redo")
    assert near(browser.execute_script(COLOUR_AT, 0.5, 0.3), "red")
    page.wait_for_body("pending", "0")

    page.click("crayon-blue")
    browser.refresh()
    page.wait_for_body("connection", "open")
    assert near(browser.execute_script(COLOUR_AT, 0.5, 0.3), "red")  # red again after a reload
    blue = page.find("crayon-blue")
    assert blue.get_attribute("aria-pressed") == "true"  # the crayon is remembered too
    assert page.console_errors() == []


def test_every_stroke_goes_out_with_its_own_client_id(studio_url, browser):
    base_url, server_log = studio_url
    page = Page(browser, server_log)
    page.open_new_drawing(base_url)
    browser.execute_script(
        "window.sentFrames = [];"
        "const socket = window.studio.connection.socket;"
        "const send = socket.send.bind(socket);"
        "socket.send = (text) => { window.sentFrames.push(JSON.parse(text)); send(text); };")
    page.draw_with_mouse(ACROSS)
    page.draw_with_finger(DOWN)
    page.wait_for_body("pending", "0")
    sent = browser.execute_script("return window.sentFrames")
    ids = [message["id"] for message in sent if message["type"] == "stroke"]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert all(isinstance(i, str) and 8 <= len(i) <= 32 for i in ids)
