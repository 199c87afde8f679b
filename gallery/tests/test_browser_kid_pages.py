"""Kid pages in headless Chromium: a way home on every one, and no work lost."""
from selenium.webdriver.common.by import By

from drawapp.tests.browser import BROWSER_TEST_MARKS, PHONE, TABLET, Page, line, sign_in
from gallery.actions import (
    do_add_artwork,
    do_review_artwork,
)
from gallery.models import Artwork
from gallery.pins import hash_pin

from .conftest import KID_PIN, STROKES, one_kid_class, tiny_png

pytestmark = [*BROWSER_TEST_MARKS]

HOMES = ("/", "/gallery/mine/")


def way_home_on_screen(browser, page) -> bool:
    links = browser.find_elements(By.CSS_SELECTOR, "a[href]")
    return any(browser.execute_script("return new URL(arguments[0].href).pathname", link) in HOMES
               and link.is_displayed() and page.on_screen(link) for link in links)


def a_kid_with_a_returned_picture(django_user_model):
    teacher, classroom, kid = one_kid_class(django_user_model)
    art = do_add_artwork(kid, strokes=STROKES, sketch_png=tiny_png(), picture_png=tiny_png(),
                         category="panda")
    do_review_artwork(art, teacher.user, "return", "Add some wheels!")
    return classroom, kid, art


def visit_kid_pages(browser, base_url, page, django_user_model, look) -> dict:
    """look(path) on every page a visitor and then a signed-in kid can reach; what it found."""
    classroom, kid, art = a_kid_with_a_returned_picture(django_user_model)
    found = {}
    browser.delete_all_cookies()
    for path in ("/", "/join/", f"/join/{classroom.join_code}/",
                 f"/join/{classroom.join_code}/{kid.pk}/", "/draw/"):
        browser.get(base_url + path)
        found[path] = look(path)
    sign_in(browser, base_url, kid.user)
    for path in ("/draw/", "/draw/mine/", "/gallery/mine/", "/gallery/class/",
                 "/gallery/challenges/", "/gallery/me/", f"/gallery/art/{art.pk}/"):
        browser.get(base_url + path)
        page.wait_until(lambda: browser.execute_script("return document.readyState")
                        == "complete", "the page to load")
        found["kid " + path] = look(path)
    return found


def test_every_kid_page_has_a_way_home_on_a_phone(studio_url, browser, screen, django_user_model):
    base_url, server_log = studio_url
    screen(PHONE)
    page = Page(browser, server_log)
    found = visit_kid_pages(browser, base_url, page, django_user_model,
                            lambda path: path == "/" or way_home_on_screen(browser, page))
    assert [path for path, home in found.items() if not home] == []


def test_drawing_before_joining_is_kept_in_my_drawings_and_keeping_twice_updates_one_artwork(
    studio_url, browser, screen, django_user_model, settings
):
    base_url, server_log = studio_url
    settings.MEDIA_ROOT = server_log.parent / "media"  # where the Daphne process keeps files
    screen(TABLET)
    page = Page(browser, server_log)
    teacher, classroom, kid = one_kid_class(django_user_model)
    kid.pin_hash = hash_pin(KID_PIN)
    kid.save()
    browser.delete_all_cookies()

    drawing_id = page.open_new_drawing(base_url)  # before joining
    page.draw_with_mouse(line((0.2, 0.5), (0.8, 0.5)))
    page.wait_for_picture_of(1)
    browser.get(f"{base_url}/join/{classroom.join_code}/{kid.pk}/")
    for picture in KID_PIN:
        page.find(f"pin-{picture}").click()
    page.find("pin-go").click()
    page.wait_until(lambda: browser.current_url == base_url + "/gallery/mine/", "my gallery")

    page.click("my-drawings-link")
    page.click(f"drawing-{drawing_id}")  # carry on with it
    page.wait_for_body("connection", "open")
    page.wait_for_picture_of(1)
    page.find("keep").click()
    page.wait_for_body("kept", "yes")
    assert page.find("keep-new").is_displayed()
    page.draw_with_mouse(line((0.5, 0.2), (0.5, 0.8)))
    page.wait_for_picture_of(2)
    browser.execute_script("document.body.dataset.kept = ''")
    page.find("keep").click()
    page.wait_for_body("kept", "yes")
    assert "Updated!" in page.find("keep-status").text
    artwork = Artwork.objects.get(kid=kid)
    assert artwork.drawing_id is not None and str(artwork.drawing_id) == drawing_id
    assert artwork.drawing_revision == 2 and len(artwork.strokes) == 2


def test_every_text_on_the_kid_pages_meets_wcag_aa_contrast(
    studio_url, browser, screen, django_user_model, default_badges
):
    base_url, server_log = studio_url
    screen(PHONE)
    page = Page(browser, server_log)
    def look(path):
        page.wait_for_animations()  # a badge pop-up fading in is not faded text
        return page.low_contrast_texts()

    found = visit_kid_pages(browser, base_url, page, django_user_model, look)
    assert {path: texts for path, texts in found.items() if texts} == {}


def test_kid_nav_is_one_row_on_a_phone_and_a_badge_pops_up_clear_of_it(
    studio_url, browser, screen, django_user_model, default_badges
):
    base_url, server_log = studio_url
    screen(PHONE)
    page = Page(browser, server_log)
    _, kid, _ = a_kid_with_a_returned_picture(django_user_model)  # earned "First picture"
    sign_in(browser, base_url, kid.user)
    browser.get(base_url + "/gallery/mine/")
    bar = page.find("nav-me").find_element(By.XPATH, "ancestor::header")
    controls = bar.find_elements(By.CSS_SELECTOR, ".g-nav-link, .g-signout button")
    assert len({round(control.rect["y"]) for control in controls}) == 1
    assert all(page.on_screen(control) for control in controls)

    popup = page.find("badge-popup")
    page.wait_until(popup.is_displayed, "the badge pop-up")
    page.wait_for_animations()
    low, high = sorted([bar.rect, popup.rect], key=lambda box: box["y"])
    assert low["y"] + low["height"] <= high["y"]  # one above the other, no overlap
