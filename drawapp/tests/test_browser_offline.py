"""Offline in headless Chromium: with the server stopped, the app shell still loads and says so
kindly, and a stroke drawn then waits in the page's outbox."""
from .browser import BROWSER_TEST_MARKS, Page, line, serve_studio

pytestmark = BROWSER_TEST_MARKS


def test_offline_shell_loads_with_the_server_stopped(browser, tmp_path):
    with serve_studio(tmp_path) as (base_url, server_log):
        page = Page(browser, server_log)
        drawing_id = page.open_new_drawing(base_url)
        page.wait_until(lambda: browser.execute_script(
            "return Boolean(navigator.serviceWorker.controller)"), "the service worker")
        browser.refresh()  # now fetched through the service worker, which keeps it
        page.wait_for_body("connection", "open")
        browser.get(base_url + "/")

    browser.get(f"{base_url}/draw/{drawing_id}/")  # the server is gone
    page.wait_until(lambda: page.data("connection") in ("connecting", "reconnecting"),
                    "the drawing page from the kept shell")
    page.draw_with_finger(line((0.3, 0.3), (0.7, 0.7)))
    assert page.data("pending") == "1" and page.ink_near(0.5, 0.5) > 0

    browser.get(base_url + "/gallery/mine/")  # a page never kept: the offline page
    assert "Your drawing is safe" in page.find("error-page").text
    assert page.find("error-home").is_displayed()
