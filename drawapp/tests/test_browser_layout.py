"""The drawing page on a phone and a tablet: canvas, picture and a way home all on the screen."""
import pytest
from selenium.webdriver.common.by import By

from .browser import BROWSER_TEST_MARKS, PHONE, TABLET, Page, line

pytestmark = BROWSER_TEST_MARKS


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
def test_canvas_and_picture_are_both_on_screen_after_a_stroke(studio_url, browser, screen, size):
    base_url, server_log = studio_url
    screen(size)
    page = Page(browser, server_log)
    page.open_new_drawing(base_url)
    page.draw_with_finger(line((0.3, 0.3), (0.7, 0.7)))
    page.wait_for_picture_of(1)

    assert page.on_screen(page.canvas)
    assert page.on_screen(page.find("picture"))
    assert page.on_screen(page.find("save"))
    assert page.on_screen(page.find("home"))
    for name in ("tool-pen", "tool-eraser", "undo", "redo", "clear", "crayon-grey",
                 "category-maplestory"):
        assert page.on_screen(page.find(name)), name
    assert browser.execute_script(
        "return document.documentElement.scrollHeight <= innerHeight"
        " && document.documentElement.scrollWidth <= innerWidth")  # nothing to scroll to
    tools = browser.find_elements(By.CSS_SELECTOR, ".tools .tool")
    assert len({tool.rect["y"] for tool in tools}) == (1 if size is PHONE else len(tools))
    assert page.console_errors() == []
