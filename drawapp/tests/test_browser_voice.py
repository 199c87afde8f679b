"""For pre-readers, in headless Chromium: speaker buttons read messages aloud, the page plays
short sounds, and one mute button (remembered) silences both."""
from .browser import BROWSER_TEST_MARKS, Page, line

pytestmark = BROWSER_TEST_MARKS

# Keep what the page would say instead of saying it.
RECORD_SPEECH = """
window.spoken = [];
speechSynthesis.speak = (utterance) => window.spoken.push(utterance.text);
"""


def speaker_after(browser, test_id):
    return browser.execute_script(
        "return document.querySelector('[data-testid=' + arguments[0] + '] + .speak-button')",
        test_id)


def test_speaker_reads_the_message_sounds_play_and_mute_silences_both(studio_url, browser):
    base_url, server_log = studio_url
    page = Page(browser, server_log)
    page.open_new_drawing(base_url)
    browser.execute_script("localStorage.removeItem('studio-muted')")
    browser.refresh()
    page.wait_for_body("connection", "open")
    assert page.data("muted") == "false"

    page.draw_with_finger(line((0.3, 0.3), (0.7, 0.7)))
    page.wait_for_picture_of(1)
    page.wait_until(lambda: page.data("lastSound") == "picture", "the picture sound")
    assert page.data("sounds").split()[-2:] == ["stroke", "picture"]

    browser.execute_script(RECORD_SPEECH)
    speaker_after(browser, "picture-status").click()
    assert browser.execute_script("return window.spoken") == ["Here it is!"]

    page.click("mute")
    assert page.find("mute").get_attribute("aria-pressed") == "true"
    browser.refresh()  # the choice is remembered
    page.wait_for_body("connection", "open")
    page.wait_for_picture_of(1)
    assert page.data("muted") == "true"
    browser.execute_script(RECORD_SPEECH)
    speaker_after(browser, "picture-status").click()
    page.draw_with_finger(line((0.2, 0.8), (0.8, 0.8)))
    page.wait_for_picture_of(2)
    assert browser.execute_script("return window.spoken") == []
    assert page.data("lastSound") is None

    page.click("mute")  # sound on again
    assert page.data("muted") == "false"
    assert page.console_errors() == []
