"""The picture panel while things go wrong, in headless Chromium: the server's "asleep" notice,
Save off while the line is down, and Save sharing the picture on a tablet."""
from drawapp.pictures.scheduler import ASLEEP_MESSAGE

from .browser import BROWSER_TEST_MARKS, Page, line
from .test_browser import CUT_THE_LINE, MEND_THE_LINE

pytestmark = BROWSER_TEST_MARKS

# Hold the socket's results back, so the page is still waiting when the notice comes.
HOLD_RESULTS = """
const studio = window.studio;
window.heldResults = [];
const receive = studio.receive.bind(studio);
studio.receive = (message) => message.type === 'result'
  ? window.heldResults.push(message) : receive(message);
window.releaseResults = () => { studio.receive = receive; window.heldResults.forEach(receive); };
"""


def test_asleep_notice_shows_while_waiting_and_goes_when_the_picture_comes(studio_url, browser):
    base_url, server_log = studio_url
    page = Page(browser, server_log)
    page.open_new_drawing(base_url)
    browser.execute_script(HOLD_RESULTS)
    page.draw_with_finger(line((0.3, 0.3), (0.7, 0.7)))
    page.wait_for_body("pending", "0")
    # The page says it in its own words (in its language), here the same as the server's.
    browser.execute_script(
        "window.studio.receive({type: 'status', state: 'asleep', message: 'zzz'})")
    assert page.find("picture-status").text == ASLEEP_MESSAGE

    page.wait_until(lambda: browser.execute_script("return window.heldResults.length"),
                    "the picture to be made")
    browser.execute_script("window.releaseResults()")
    page.wait_for_picture_of(1)
    assert page.find("picture-status").text == "Here it is!"


# A device that can share files (an iPad): record what would be shared.
SHARING_DEVICE = """
window.shared = [];
navigator.canShare = (data) => Boolean(data && data.files && data.files.length);
navigator.share = async (data) => {
  window.shared.push(data.files.map((file) => [file.name, file.type, file.size]));
};
"""


def test_save_is_off_while_the_line_is_down_and_shares_on_a_tablet(studio_url, browser):
    base_url, server_log = studio_url
    page = Page(browser, server_log)
    page.open_new_drawing(base_url)
    page.draw_with_finger(line((0.3, 0.3), (0.7, 0.7)))
    page.wait_for_picture_of(1)
    save = page.find("save")
    assert save.get_attribute("aria-disabled") == "false"

    browser.execute_script(CUT_THE_LINE)
    page.wait_until(lambda: save.get_attribute("aria-disabled") == "true", "Save to go off")
    assert save.get_attribute("href") is None
    browser.execute_script(MEND_THE_LINE)
    page.wait_until(lambda: save.get_attribute("aria-disabled") == "false", "Save to come back")

    browser.execute_script(SHARING_DEVICE)
    save.click()
    page.wait_until(lambda: browser.execute_script("return window.shared.length"), "a share")
    (files,) = browser.execute_script("return window.shared")
    [(name, kind, size)] = files
    assert name.endswith("-r1.png") and kind == "image/png" and size > 0
    assert browser.current_url.startswith(base_url + "/draw/")  # no download, no new page
