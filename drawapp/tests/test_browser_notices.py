"""What the drawing page says while no picture comes: the server's "asleep" notice, kindly."""
from .browser import BROWSER_TEST_MARKS, Page, line

pytestmark = BROWSER_TEST_MARKS

ASLEEP = "The picture machine is asleep. Keep drawing!"
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
    browser.execute_script(
        "window.studio.receive({type: 'status', state: 'asleep', message: arguments[0]})", ASLEEP)
    assert page.find("picture-status").text == ASLEEP

    page.wait_until(lambda: browser.execute_script("return window.heldResults.length"),
                    "the picture to be made")
    browser.execute_script("window.releaseResults()")
    page.wait_for_picture_of(1)
    assert page.find("picture-status").text == "Here it is!"
