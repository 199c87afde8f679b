"""The language button in headless Chromium: a child-sized button in the gallery's top bar that
keeps the bar in one row on a phone, and switches the pages to Korean and back."""
from selenium.webdriver.common.by import By

from drawapp.tests.browser import BROWSER_TEST_MARKS, PHONE, TABLET, Page, sign_in
from gallery.actions import do_add_artwork

from .conftest import STROKES, one_kid_class, tiny_png

pytestmark = [*BROWSER_TEST_MARKS]

NAV_CONTROLS = ".g-nav-link, .g-signout button"
LANGUAGE_BUTTON = ".language-switch button"
SMALLEST_TAP = 44  # px: the smallest target a child's finger hits reliably


def bar_problems(browser, page) -> list[str]:
    """What is wrong with the top bar: nav controls on more than one row, a control off screen
    or too small. (On a phone a kid's full row lets the language button wrap below it.)"""
    header = browser.find_element(By.CSS_SELECTOR, "header.g-bar")
    nav = [control for control in header.find_elements(By.CSS_SELECTOR, NAV_CONTROLS)
           if control.is_displayed()]
    controls = [*nav, header.find_element(By.CSS_SELECTOR, LANGUAGE_BUTTON)]
    problems = []
    if len({round(control.rect["y"]) for control in nav}) != 1:
        problems.append("nav controls on more than one row")
    problems += [f"{control.get_attribute('outerHTML')[:80]} off screen"
                 for control in controls if not page.on_screen(control)]
    problems += [f"{control.get_attribute('outerHTML')[:80]} smaller than {SMALLEST_TAP} px"
                 for control in controls
                 if min(control.rect["width"], control.rect["height"]) < SMALLEST_TAP]
    return problems


def language(browser) -> str:
    return browser.execute_script("return document.documentElement.lang")


def loaded(browser, page) -> None:
    """Wait for the page, its scripts and the service worker (a click on a form button while
    the worker was still installing the app shell was seen to send nothing, 1 run in 3)."""
    page.wait_until(lambda: browser.execute_script("return document.readyState") == "complete",
                    "the page to load")
    page.wait_until(lambda: browser.execute_script(
        "return Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)"),
        "the service worker to take the page")


def test_the_join_and_pin_pages_offer_the_language_button_in_one_row(
    studio_url, browser, screen, django_user_model
):
    base_url, server_log = studio_url
    page = Page(browser, server_log)
    _, classroom, kid = one_kid_class(django_user_model)
    for size in (PHONE, TABLET):
        screen(size)
        for path in ("/join/", f"/join/{classroom.join_code}/{kid.pk}/"):
            browser.delete_all_cookies()
            browser.get(base_url + path)
            assert page.find("language-ko").is_displayed()
            assert bar_problems(browser, page) == [], (size, path)


def test_a_kid_switches_to_korean_and_back_and_the_bar_stays_one_row_on_a_phone(
    studio_url, browser, screen, django_user_model, default_badges
):
    base_url, server_log = studio_url
    screen(PHONE)
    page = Page(browser, server_log)
    _, _, kid = one_kid_class(django_user_model)
    sign_in(browser, base_url, kid.user)
    browser.get(base_url + "/gallery/mine/")
    loaded(browser, page)
    assert language(browser) == "en" and bar_problems(browser, page) == []

    page.click("language-ko")
    page.wait_until(lambda: language(browser) == "ko", "the page in Korean")
    loaded(browser, page)
    assert "내 그림" in page.find("nav-mine").get_attribute("textContent")
    assert browser.current_url == base_url + "/gallery/mine/"  # the same page, now in Korean
    assert bar_problems(browser, page) == []

    page.click("language-en")
    page.wait_until(lambda: language(browser) == "en", "the page in English again")
    assert "Mine" in page.find("nav-mine").get_attribute("textContent")


def test_a_teachers_bar_keeps_one_row_on_a_phone_in_korean(
    studio_url, browser, screen, django_user_model
):
    base_url, server_log = studio_url
    screen(PHONE)
    page = Page(browser, server_log)
    teacher, classroom, _ = one_kid_class(django_user_model)
    sign_in(browser, base_url, teacher.user)
    browser.add_cookie({"name": "django_language", "value": "ko", "path": "/"})
    browser.get(base_url + f"/teacher/classes/{classroom.pk}/")
    assert language(browser) == "ko"
    assert bar_problems(browser, page) == []


def test_a_badge_pops_up_in_korean_on_a_korean_page(
    studio_url, browser, screen, django_user_model, default_badges
):
    base_url, server_log = studio_url
    screen(TABLET)
    page = Page(browser, server_log)
    _, _, kid = one_kid_class(django_user_model)
    do_add_artwork(kid, strokes=STROKES, sketch_png=tiny_png(mode="L"), picture_png=tiny_png(),
                   category="panda")  # earns "First picture"
    sign_in(browser, base_url, kid.user)
    browser.add_cookie({"name": "django_language", "value": "ko", "path": "/"})
    browser.get(base_url + "/gallery/mine/")
    popup = page.find("badge-popup")
    page.wait_until(popup.is_displayed, "the badge pop-up")
    said = popup.get_attribute("textContent")
    assert "새 배지!" in said and "첫 그림" in said and "First" not in said
