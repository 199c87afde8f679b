"""Headless Chromium: every text on the teacher's pages meets WCAG AA contrast (4.5:1, 3:1 for
large text), measured from the computed colours (drawapp/tests/low_contrast.js)."""
from datetime import timedelta

from django.utils import timezone

from drawapp.tests.browser import BROWSER_TEST_MARKS, Page, sign_in
from gallery.actions import do_alert_device_stopped, do_create_challenge, do_enter_challenge
from gallery.models import Artwork, SignInAlert

pytestmark = [*BROWSER_TEST_MARKS]


def test_every_text_on_the_teacher_pages_meets_wcag_aa_contrast(studio_url, browser, cast,
                                                                 settings):
    base_url, server_log = studio_url
    settings.MEDIA_ROOT = server_log.parent / "media"  # where the Daphne process serves files
    waiting = cast.art(cast.kid, status=Artwork.Status.PENDING, title="Waiting")
    cast.art(cast.classmate, title="Approved", featured=True)
    returned = cast.art(cast.kid, status=Artwork.Status.RETURNED)
    Artwork.objects.filter(pk=returned.pk).update(teacher_note="Add a tree?")
    SignInAlert.objects.create(classroom=cast.classroom, kind="kid_locked", kid=cast.kid)
    do_alert_device_stopped(cast.classroom, ["a-device"])
    today = timezone.localdate()
    challenge = do_create_challenge(cast.teacher.user, classroom=cast.classroom, prompt="Rain",
                                    category="", starts=today, ends=today + timedelta(days=2))
    do_enter_challenge(cast.kid, challenge, waiting)
    do_enter_challenge(cast.classmate, challenge, cast.art(cast.classmate))
    page = Page(browser, server_log)
    classroom = f"/teacher/classes/{cast.classroom.pk}"

    def low_contrast(path):
        browser.get(base_url + path)
        assert browser.current_url == base_url + path, f"{path} went to {browser.current_url}"
        return page.low_contrast_texts()

    browser.delete_all_cookies()
    found = {path: low_contrast(path) for path in ("/teacher/login/", "/teacher/signup/")}
    sign_in(browser, base_url, cast.teacher.user)
    for path in ("/teacher/", f"{classroom}/cards/", f"{classroom}/challenges/new/",
                 f"/gallery/challenges/{challenge.pk}/", f"/gallery/class/{cast.classroom.pk}/",
                 f"{classroom}/queue/", f"{classroom}/"):
        found[path] = low_contrast(path)
    assert {path: texts for path, texts in found.items() if texts} == {}

    # The last page is the class page with both sign-in alerts in their box...
    assert len(page.find("sign-in-alerts").find_elements("css selector", "li.g-alert")) == 2
    # ...and the check is not blind there: faint words are caught.
    browser.execute_script("const p = document.createElement('p'); p.textContent = 'faint';"
                           "p.style.color = '#b9b4c8'; document.querySelector('main').append(p)")
    assert [text["text"] for text in page.low_contrast_texts()] == ["faint"]
