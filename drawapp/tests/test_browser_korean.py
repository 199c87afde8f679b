"""The Korean studio in headless Chromium: a browser that asks for Korean gets <html lang="ko">
and Korean labels (also those the scripts write), still gets its picture for a stroke, reads it
aloud in a Korean voice, and the language button sits in the top bar without covering the tools
or the canvas, on a phone and a tablet, and switches to English for good."""
import pytest
from selenium.webdriver.common.by import By

from drawapp.untranslated import english_words

from .browser import BROWSER_TEST_MARKS, PHONE, TABLET, Page, line

pytestmark = BROWSER_TEST_MARKS

# Keep what the page would say, and in which language, instead of saying it.
RECORD_SPEECH = """
window.spoken = [];
speechSynthesis.speak = (utterance) => window.spoken.push([utterance.text, utterance.lang]);
"""
# The boxes of the language button and of everything it must not cover.
BOXES = """
const box = (element) => { const r = element.getBoundingClientRect();
                           return [r.left, r.top, r.right, r.bottom]; };
const button = document.querySelector('[data-testid=language-en]');
const others = [...document.querySelectorAll('.tool, .category, .crayon, [data-testid=canvas]')];
return {button: box(button), others: others.map(box)};
"""


@pytest.fixture
def korean_browser(browser):
    """The module's browser asking for Korean, as a Korean tablet's does."""
    agent = browser.execute_script("return navigator.userAgent")
    browser.execute_cdp_cmd("Network.setUserAgentOverride",
                            {"userAgent": agent, "acceptLanguage": "ko-KR,ko"})
    yield browser
    browser.execute_cdp_cmd("Network.setUserAgentOverride",
                            {"userAgent": agent, "acceptLanguage": "en-US,en"})
    browser.delete_all_cookies()


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_a_korean_browser_draws_hears_korean_and_can_switch_to_english(studio_url,
                                                                        korean_browser):
    base_url, server_log = studio_url
    browser = korean_browser
    page = Page(browser, server_log)
    page.open_new_drawing(base_url)
    assert browser.execute_script("return document.documentElement.lang") == "ko"
    assert page.find("tool-pen").get_attribute("aria-label") == "펜"
    assert page.find("category-panda").get_attribute("aria-label") == "판다"
    assert page.find("mute").get_attribute("aria-label") == "소리 켜짐"  # written by voice.js

    page.draw_with_finger(line((0.3, 0.3), (0.7, 0.7)))
    page.wait_for_picture_of(1)
    assert page.picture()["width"] == 256
    assert page.find("picture-status").text == "짜잔, 나왔어요!"
    assert english_words(browser.page_source) == []  # the scripts' words are Korean too

    browser.execute_script(RECORD_SPEECH)
    browser.find_element(By.CSS_SELECTOR, "[data-testid=picture-status] + .speak-button").click()
    assert browser.execute_script("return window.spoken") == [["짜잔, 나왔어요!", "ko-KR"]]

    page.click("language-en")
    page.wait_until(lambda: browser.execute_script(
        "return document.documentElement.lang") == "en", "the English page")
    page.wait_for_body("connection", "open")
    assert page.find("tool-pen").get_attribute("aria-label") == "pen"
    browser.refresh()  # the choice outlives the page, though the browser still asks for Korean
    page.wait_for_body("connection", "open")
    assert browser.execute_script("return document.documentElement.lang") == "en"
    assert page.console_errors() == []


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
def test_the_language_button_sits_in_the_top_bar_covering_nothing(studio_url, korean_browser,
                                                                   screen, size):
    base_url, server_log = studio_url
    screen(size)
    page = Page(korean_browser, server_log)
    page.open_new_drawing(base_url)
    button = page.find("language-en")
    assert page.on_screen(button)
    assert button.rect["width"] >= 44 and button.rect["height"] >= 44
    boxes = korean_browser.execute_script(BOXES)
    assert not [box for box in boxes["others"] if overlaps(boxes["button"], box)]
    assert button.rect["y"] < page.canvas.rect["y"]  # above the canvas: the top bar
    for name in ("tool-pen", "clear", "category-maplestory", "crayon-grey", "home"):
        assert page.on_screen(page.find(name)), name
    assert korean_browser.execute_script(
        "return document.documentElement.scrollWidth <= innerWidth")
