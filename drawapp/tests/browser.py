"""Headless-Chromium pieces shared by browser tests: the studio under Daphne, a driver, a page."""
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from drawapp.processes import child_environment, daphne_server, database_url_of_this_connection
from inference.testing import make_trained_model

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--hide-scrollbars",
)
VIEWPORT = {"width": 1180, "height": 820, "deviceScaleFactor": 1, "mobile": False}  # a tablet
# The sizes the kid pages are checked at: an upright phone and a tablet on its side.
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
TABLET = {"width": 1024, "height": 768, "deviceScaleFactor": 1, "mobile": True}
WAIT_SECONDS = 60

BROWSER_TEST_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"headless browser test needs {CHROMIUM}"),
    pytest.mark.skipif(not CHROMEDRIVER.exists(), reason=f"browser test needs {CHROMEDRIVER}"),
]


def browser_test(test):
    """Mark one test as a browser test (for modules that also hold plain ones)."""
    for mark in BROWSER_TEST_MARKS:
        test = mark(test)
    return test


# Dark pixels of the canvas in a small square around (x, y), both in [0, 1] of its side.
INK_NEAR = """
const [x, y] = arguments;
const canvas = document.querySelector('[data-testid=canvas]');
const side = canvas.width, reach = Math.max(2, Math.round(side * 0.012));
const cx = Math.round(x * side), cy = Math.round(y * side);
const pixels = canvas.getContext('2d').getImageData(cx - reach, cy - reach, 2 * reach + 1,
                                                   2 * reach + 1).data;
let dark = 0;
for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128 && pixels[i + 3] > 0) dark += 1;
return dark;
"""
PICTURE = """
const image = document.querySelector('[data-testid=picture]');
if (!image) return null;
return {src: image.getAttribute('src'), complete: image.complete, revision: image.dataset.revision,
        width: image.naturalWidth, height: image.naturalHeight};
"""


@contextmanager
def serve_studio(root: Path):
    """The studio served by a real Daphne process in the embedded default, with a panda model:
    (base URL, server log) while the block runs; the server stops when it ends."""
    make_trained_model(root / "models", "panda")
    env = child_environment(
        database_url_of_this_connection(), root / "media", root / "models",
        SERVE_MEDIA="1", ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    # The embedded default whatever the CI environment says: pictures made in the web process.
    for name in ("REDIS_URL", "REDIS_KEY_PREFIX"):
        env.pop(name, None)
    log_path = root / "daphne.log"
    with daphne_server(env, log_path) as base_url:
        yield base_url, log_path


@pytest.fixture(scope="module")
def studio_url(django_db_setup, tmp_path_factory):
    """The studio under Daphne for a module's browser tests (serve_studio)."""
    with serve_studio(tmp_path_factory.mktemp("browser-studio")) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(
            service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)), options=options
        )
        try:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", VIEWPORT)
            yield driver
        finally:
            driver.quit()


@pytest.fixture
def screen(browser):
    """Set the browser's screen size for one test; the default comes back after it."""
    def use(metrics: dict):
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    yield use
    use(VIEWPORT)


# The element's box, and whether all of it lies inside the window.
ON_SCREEN = """
const box = arguments[0].getBoundingClientRect();
return {box: [box.left, box.top, box.right, box.bottom], inside: box.width > 0 &&
        box.left >= 0 && box.top >= 0 && box.right <= innerWidth && box.bottom <= innerHeight};
"""


# The contrast check the kid pages must pass (WCAG AA), as a script run in the page.
LOW_CONTRAST = (Path(__file__).parent / "low_contrast.js").read_text()


class Page:
    """The drawing page as a test drives it."""

    def __init__(self, driver, server_log: Path):
        self.driver = driver
        self.server_log = server_log

    def open_new_drawing(self, base_url: str) -> str:
        self.driver.get(base_url + "/draw/")
        url = self.driver.current_url
        match = re.fullmatch(rf"{re.escape(base_url)}/draw/([0-9a-f-]{{36}})/", url)
        assert match, f"/draw/ should redirect to a drawing, went to {url}"
        self.wait_for_body("connection", "open")
        return match.group(1)

    def data(self, name: str):
        return self.driver.execute_script("return document.body.dataset[arguments[0]]", name)

    def wait_until(self, condition, what: str):
        try:
            return WebDriverWait(self.driver, WAIT_SECONDS, poll_frequency=0.1).until(
                lambda driver: condition()
            )
        except Exception as error:
            state = self.driver.execute_script("return {...document.body.dataset}")
            log = self.server_log.read_text(errors="replace")[-3000:]
            raise AssertionError(f"waited for {what}; page {state}\nserver log:\n{log}") from error

    def wait_for_body(self, name: str, value: str):
        self.wait_until(lambda: self.data(name) == value, f"body data-{name} == {value!r}")

    def wait_for_picture_of(self, revision: int):
        self.wait_for_body("revision", str(revision))
        self.wait_for_body("shownRevision", str(revision))
        self.wait_for_body("thinking", "false")

    @property
    def canvas(self):
        return self.driver.find_element(By.CSS_SELECTOR, "[data-testid=canvas]")

    def ink_near(self, x: float, y: float) -> int:
        return self.driver.execute_script(INK_NEAR, x, y)

    def picture(self):
        return self.driver.execute_script(PICTURE)

    def find(self, test_id: str):
        """The element with this test id, waiting for it: a click that navigates returns before
        the next page has loaded, so an immediate lookup can still see the old page."""
        selector = f"[data-testid={test_id}]"
        return self.wait_until(
            lambda: self.driver.find_elements(By.CSS_SELECTOR, selector), selector)[0]

    def on_screen(self, element) -> bool:
        """Whether all of the element is in the window, without scrolling."""
        found = self.driver.execute_script(ON_SCREEN, element)
        return found["inside"]

    def low_contrast_texts(self) -> list[dict]:
        """The visible texts under WCAG AA contrast (or faded), with their ratios."""
        return self.driver.execute_script(LOW_CONTRAST)

    def click(self, test_id: str):
        self.find(test_id).click()

    def _offset(self, x: float, y: float) -> tuple[int, int]:
        """Offsets from the canvas centre (WebDriver's origin) for a point in [0, 1]."""
        rect = self.canvas.rect
        return round((x - 0.5) * rect["width"]), round((y - 0.5) * rect["height"])

    def draw_with_mouse(self, points):
        actions = ActionChains(self.driver, duration=15)
        actions.move_to_element_with_offset(self.canvas, *self._offset(*points[0])).click_and_hold()
        for point in points[1:]:
            actions.move_to_element_with_offset(self.canvas, *self._offset(*point))
        actions.release().perform()

    def draw_with_finger(self, points):
        finger = PointerInput(interaction.POINTER_TOUCH, "finger")
        actions = ActionBuilder(self.driver, mouse=finger, duration=15)
        canvas = self.canvas
        actions.pointer_action.move_to(canvas, *self._offset(*points[0])).pointer_down()
        for point in points[1:]:
            actions.pointer_action.move_to(canvas, *self._offset(*point))
        actions.pointer_action.pointer_up()
        actions.perform()

    def wait_for_animations(self):
        self.wait_until(lambda: self.driver.execute_script(
            "return document.getAnimations().every((a) => a.playState !== 'running' ||"
            " !isFinite(a.effect.getComputedTiming().endTime))"), "animations to settle")

    def console_errors(self):
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]


def line(start, end, steps=10):
    (x0, y0), (x1, y1) = start, end
    return [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(steps + 1)]


def sign_in(browser, base_url: str, user) -> None:
    """The browser gets the session of `user`, signed in on the server."""
    client = Client()
    client.force_login(user)
    browser.get(base_url + "/join/")
    # The page's service worker fetches the app shell as it installs; a shell page fetched after
    # the cookies below are swapped would set a new CSRF cookie behind the next page's back
    # (its forms then answer 403), so the swap waits until the worker is in place.
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "if (!navigator.serviceWorker) { done(); return; }"
        "navigator.serviceWorker.ready.then(() => done(), () => done());")
    browser.delete_all_cookies()
    browser.add_cookie({"name": settings.SESSION_COOKIE_NAME, "path": "/",
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value})
