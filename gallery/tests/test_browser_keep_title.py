"""The keep form's title in headless Chromium: big title buttons that fill the title with one
tap, kept with the picture, and a form that fits a phone and a tablet without sideways scroll."""
import pytest

from drawapp.tests.browser import BROWSER_TEST_MARKS, PHONE, TABLET, Page, line, sign_in
from gallery.models import Artwork

from .conftest import one_kid_class

pytestmark = [*BROWSER_TEST_MARKS]

# A page wider than the screen makes a mobile browser zoom out, and innerWidth grows with it.
NO_SIDEWAYS_SCROLL = ("return innerWidth === arguments[0]"
                      " && document.documentElement.scrollWidth <= innerWidth")
# The title buttons shown, each with its box: every one a touch target and inside the window.
# The drawing page's side column (Save, Keep, titles): inside the screen, scrolling what it
# cannot show rather than cutting it off.
SIDE_COLUMN = """
const side = document.querySelector('.picture-side');
const box = side.getBoundingClientRect();
return {inside: box.top >= 0 && box.bottom <= innerHeight && box.right <= innerWidth,
        scrolls: getComputedStyle(side).overflowY === 'auto',
        taller: side.scrollHeight > side.clientHeight};
"""
TITLE_BUTTONS = """
return [...document.querySelectorAll('.g-title-choice')].filter((b) => b.offsetParent)
  .map((b) => { const r = b.getBoundingClientRect();
                return {width: r.width, height: r.height, left: r.left, right: r.right}; });
"""


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
def test_a_title_button_fills_the_title_and_keeping_saves_it_without_sideways_scroll(
    studio_url, browser, screen, django_user_model, settings, size
):
    base_url, server_log = studio_url
    settings.MEDIA_ROOT = server_log.parent / "media"  # where the Daphne process keeps files
    screen(size)
    page = Page(browser, server_log)
    teacher, classroom, kid = one_kid_class(django_user_model)
    sign_in(browser, base_url, kid.user)

    page.open_new_drawing(base_url)
    assert browser.execute_script(NO_SIDEWAYS_SCROLL, size["width"])
    buttons = browser.execute_script(TITLE_BUTTONS)
    assert len(buttons) == 4  # the panda's titles only
    assert all(b["width"] >= 44 and b["height"] >= 44 for b in buttons)
    assert all(b["left"] >= 0 and b["right"] <= size["width"] for b in buttons)
    assert page.on_screen(page.find("keep"))
    side = browser.execute_script(SIDE_COLUMN)
    assert side["inside"] and side["scrolls"]
    if size is PHONE:
        assert side["taller"]  # the phone's column does scroll: the titles are under Keep

    page.draw_with_mouse(line((0.2, 0.5), (0.8, 0.5)))
    page.wait_for_picture_of(1)
    choice = page.find("title-panda-2")
    choice.click()
    assert page.find("keep-title").get_attribute("value") == choice.get_attribute("data-title")
    page.find("keep").click()
    page.wait_for_body("kept", "yes")
    assert Artwork.objects.get(kid=kid).title == choice.get_attribute("data-title")
    assert browser.execute_script(NO_SIDEWAYS_SCROLL, size["width"])

    # Typed over the button's words, and kept again: the same picture gets the typed name.
    field = page.find("keep-title")
    field.clear()
    field.send_keys("Bamboo time")
    browser.execute_script("document.body.dataset.kept = ''")
    page.find("keep").click()
    page.wait_for_body("kept", "yes")
    assert list(Artwork.objects.filter(kid=kid).values_list("title", flat=True)) == [
        "Bamboo time"]

    # Once kept, a title button names the kept picture with that one tap.
    browser.execute_script("document.body.dataset.kept = ''")
    renamed = page.find("title-panda-4")
    renamed.click()
    page.wait_for_body("kept", "yes")
    assert list(Artwork.objects.filter(kid=kid).values_list("title", flat=True)) == [
        renamed.get_attribute("data-title")]
