"""Headless Chromium: a kid joins, draws, keeps it, the teacher approves it, a badge pops up."""
from pathlib import Path

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from selenium.webdriver.common.by import By

from drawapp.tests.browser import BROWSER_TEST_MARKS, Page, line
from gallery.actions import do_add_kids, do_create_classroom
from gallery.models import Artwork, AwardedBadge
from gallery.pins import hash_pin
from inference.palette import PALETTE

from .conftest import make_teacher

pytestmark = [*BROWSER_TEST_MARKS]

SCREENSHOT = Path("/tmp/gallery-badge.png")
KID_PIN = ("star", "fish", "apple")
TEACHER_PASSWORD = "crayons-and-glue-7"
SMILE = line((0.25, 0.6), (0.75, 0.6))


def school(django_user_model):
    """A teacher (with a password the Daphne process can check), a class and two kids."""
    teacher = make_teacher(django_user_model, "rivera")
    hasher = PBKDF2PasswordHasher()
    teacher.user.password = hasher.encode(TEACHER_PASSWORD, hasher.salt())
    teacher.user.save()
    classroom = do_create_classroom(teacher, "Sunflowers")
    kid = do_add_kids(classroom, teacher.user, [("Maya", "K"), ("Leo", "B")])[0].kid
    kid.pin_hash = hash_pin(KID_PIN)
    kid.save()
    return teacher, classroom, kid


def teacher_signs_in(browser, page, base_url: str, username: str = "rivera") -> None:
    """The teacher signs in through the login form on this browser, as on a shared tablet."""
    browser.delete_all_cookies()
    browser.get(base_url + "/teacher/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(TEACHER_PASSWORD)
    page.click("teacher-login")
    page.wait_until(lambda: browser.current_url == base_url + "/teacher/", "the class list")


def test_kid_joins_draws_keeps_teacher_approves_and_the_first_badge_pops_up(
    studio_url, browser, default_badges, django_user_model, settings
):
    base_url, server_log = studio_url
    settings.MEDIA_ROOT = server_log.parent / "media"  # where the Daphne process keeps files
    teacher, classroom, kid = school(django_user_model)
    page = Page(browser, server_log)
    browser.delete_all_cookies()

    # The kid joins: class code, name, three pictures.
    browser.get(base_url + "/join/")
    page.find("join-code").send_keys(classroom.spoken_code.lower())
    page.find("join-go").click()
    page.find(f"kid-{kid.pk}").click()
    for picture in KID_PIN:
        page.find(f"pin-{picture}").click()
    page.find("pin-go").click()
    page.wait_until(lambda: browser.current_url == base_url + "/gallery/mine/", "my gallery")
    page.wait_for_body("kidSocket", "open")

    # Draws, waits for the picture, keeps it; the first badge pops up on the drawing page.
    page.open_new_drawing(base_url)
    page.wait_for_body("kidSocket", "open")
    page.click("crayon-red")
    page.draw_with_mouse(SMILE)
    page.wait_for_picture_of(1)
    page.find("keep").click()
    page.wait_for_body("kept", "yes")
    assert "Kept! Your teacher will take a look." in page.find("keep-status").text
    popup = page.wait_until(lambda: browser.find_elements(
        By.CSS_SELECTOR, "[data-testid=badge-popup][data-badge=first-picture]"), "badge pop-up")[0]
    page.wait_until(popup.is_displayed, "the pop-up to fade in")
    assert "First picture" in popup.text
    browser.save_screenshot(str(SCREENSHOT))
    artwork = Artwork.objects.get(kid=kid)
    assert artwork.status == "pending" and artwork.sketch.size > 0 and artwork.picture.size > 0
    page.wait_until(lambda: AwardedBadge.objects.filter(kid=kid, seen=True).exists(),
                    "the page to say the badge was seen")
    kid_cookies = browser.get_cookies()

    # The kid's class gallery does not show it yet.
    browser.get(base_url + "/gallery/class/")
    assert not browser.find_elements(By.CSS_SELECTOR, f"[data-testid=art-{artwork.pk}]")

    # The teacher signs in on the same tablet and approves it from the queue.
    teacher_signs_in(browser, page, base_url)
    browser.get(f"{base_url}/teacher/classes/{classroom.pk}/queue/")
    page.find(f"approve-{artwork.pk}").click()
    page.wait_until(lambda: "Approved" in browser.page_source, "the approval message")
    artwork.refresh_from_db()
    assert artwork.status == "approved" and artwork.reviewed_by == teacher.user

    # Back to the kid: the picture is in the class gallery.
    browser.delete_all_cookies()
    for cookie in kid_cookies:
        browser.add_cookie({key: cookie[key] for key in ("name", "value", "path")})
    browser.get(base_url + "/gallery/class/")
    card = page.find(f"art-{artwork.pk}")
    image = card.find_element(By.TAG_NAME, "img")
    page.wait_until(lambda: browser.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth", image) == 256,
        "the picture to load")

    # Its page replays the drawing and the picture blooms in at the end.
    card.click()
    replay = page.find("replay")
    page.wait_until(lambda: replay.get_attribute("data-state") == "done", "the replay to end")
    replayed = browser.execute_script(
        "const canvas = arguments[0].querySelector('canvas');"
        "const side = canvas.width;"
        "return Array.from(canvas.getContext('2d').getImageData("
        "Math.round(0.5 * side), Math.round(0.6 * side), 1, 1).data.slice(0, 3));", replay)
    assert replayed == list(PALETTE["red"])  # the replay draws the crayon's colour
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=badge-popup]")  # seen once
    assert page.console_errors() == []
