"""Badge pop-ups in headless Chromium at phone and tablet sizes: each one sits in room the page
keeps for it, so it covers neither the nav nor the drawing tools, and they come one at a time."""
import pytest
from selenium.webdriver.common.by import By

from drawapp.tests.browser import BROWSER_TEST_MARKS, PHONE, TABLET, Page, sign_in
from gallery.models import AwardedBadge, Badge

from .conftest import one_kid_class

pytestmark = [*BROWSER_TEST_MARKS]

# What a pop-up must leave uncovered on the drawing page and on a gallery page.
DRAWING_CONTROLS = "[data-testid=home], .tool, .category, .crayon, .canvas, .save-button"
GALLERY_CONTROLS = ".g-bar, .g-nav-link, .g-signout button"
# A page wider than a phone's screen makes the browser zoom out: innerWidth grows with it.
FITS_THE_SCREEN = ("return innerWidth === arguments[0]"
                   " && document.documentElement.scrollWidth <= innerWidth")
# The boxes of the elements that the pop-up's box overlaps (empty when it covers nothing).
COVERED = """
const [popup, selector] = arguments;
const p = popup.getBoundingClientRect();
return [...document.querySelectorAll(selector)].filter((el) => {
  const b = el.getBoundingClientRect();
  return b.width > 0 && b.left < p.right && p.left < b.right && b.top < p.bottom
    && p.top < b.bottom;
}).map((el) => el.dataset.testid || el.className);
"""


def a_kid_with_two_new_badges(django_user_model):
    teacher, classroom, kid = one_kid_class(django_user_model)
    for badge in Badge.objects.order_by("pk")[:2]:
        AwardedBadge.objects.create(kid=kid, badge=badge)
    return kid


def popups(browser):
    return browser.find_elements(By.CSS_SELECTOR, "[data-testid=badge-popup]")


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
@pytest.mark.parametrize("path, controls", [("/draw/", DRAWING_CONTROLS),
                                            ("/gallery/mine/", GALLERY_CONTROLS)],
                         ids=["drawing", "gallery"])
def test_badge_pop_ups_cover_no_nav_or_tool_and_come_one_at_a_time(
    studio_url, browser, screen, django_user_model, default_badges, size, path, controls
):
    base_url, server_log = studio_url
    screen(size)
    page = Page(browser, server_log)
    kid = a_kid_with_two_new_badges(django_user_model)
    sign_in(browser, base_url, kid.user)
    browser.get(base_url + path)

    first = page.find("badge-popup")
    page.wait_until(first.is_displayed, "the first badge pop-up")
    page.wait_for_animations()
    assert len(popups(browser)) == 1  # the second waits its turn
    assert browser.execute_script(COVERED, first, controls) == []
    assert browser.execute_script(FITS_THE_SCREEN, size["width"])
    if path.startswith("/gallery/") and size is PHONE:  # the kid nav: one row, all on screen
        nav = browser.find_elements(By.CSS_SELECTOR, ".g-nav-link, .g-signout button")
        assert len({round(control.rect["y"]) for control in nav}) == 1
        assert all(page.on_screen(control) for control in nav)

    shown = first.get_attribute("data-badge")
    first.find_element(By.CSS_SELECTOR, ".g-popup-close").click()
    page.wait_until(lambda: [p.get_attribute("data-badge") for p in popups(browser)]
                    not in ([], [shown]), "the next badge")
    second = popups(browser)[0]
    page.wait_for_animations()
    assert len(popups(browser)) == 1
    assert browser.execute_script(COVERED, second, controls) == []
