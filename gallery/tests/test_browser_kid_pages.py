"""Every kid page in headless Chromium at phone size: a way home on the screen, no dead ends."""
from django.conf import settings
from django.test import Client
from selenium.webdriver.common.by import By

from drawapp.tests.browser import BROWSER_TEST_MARKS, PHONE, Page
from gallery.actions import do_add_artwork, do_add_kids, do_create_classroom

from .conftest import STROKES, make_teacher, tiny_png

pytestmark = [*BROWSER_TEST_MARKS]

HOMES = ("/", "/gallery/mine/")


def way_home_on_screen(browser, page) -> bool:
    links = browser.find_elements(By.CSS_SELECTOR, "a[href]")
    return any(browser.execute_script("return new URL(arguments[0].href).pathname", link) in HOMES
               and link.is_displayed() and page.on_screen(link) for link in links)


def sign_in(browser, base_url, user):
    client = Client()
    client.force_login(user)
    browser.get(base_url + "/join/")
    browser.delete_all_cookies()
    browser.add_cookie({"name": settings.SESSION_COOKIE_NAME, "path": "/",
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value})


def test_every_kid_page_has_a_way_home_on_a_phone(studio_url, browser, screen, django_user_model):
    base_url, server_log = studio_url
    screen(PHONE)
    page = Page(browser, server_log)
    teacher = make_teacher(django_user_model, "rivera")
    classroom = do_create_classroom(teacher, "Sunflowers")
    kid = do_add_kids(classroom, teacher.user, [("Maya", "K")])[0].kid
    art = do_add_artwork(kid, strokes=STROKES, sketch_png=tiny_png(), picture_png=tiny_png(),
                         category="panda")

    browser.delete_all_cookies()
    for path in ("/join/", f"/join/{classroom.join_code}/",
                 f"/join/{classroom.join_code}/{kid.pk}/"):
        browser.get(base_url + path)
        assert way_home_on_screen(browser, page), path

    sign_in(browser, base_url, kid.user)
    for path in ("/draw/", "/gallery/mine/", "/gallery/class/", "/gallery/challenges/",
                 "/gallery/me/", f"/gallery/art/{art.pk}/"):
        browser.get(base_url + path)
        page.wait_until(lambda: browser.execute_script("return document.readyState")
                        == "complete", "the page to load")
        assert way_home_on_screen(browser, page), path
