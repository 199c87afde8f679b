"""Headless Chromium: the admin follows a dataset build live, like a training run."""
from django.utils import timezone
from selenium.webdriver.common.by import By

from drawapp.tests.browser import BROWSER_TEST_MARKS, Page, sign_in
from training.models import TrainingDataset

pytestmark = [*BROWSER_TEST_MARKS]


def test_a_dataset_build_shows_its_progress_live_and_the_result_when_done(
        studio_url, browser, admin_user):
    base_url, server_log = studio_url
    dataset = TrainingDataset.objects.create(
        name="pandas", category="panda", source_kind="folder", source_path="/photos",
        status="building", files_done=2, files_total=10, eta_s=80, started_at=timezone.now())
    rows = TrainingDataset.objects.filter(pk=dataset.pk)
    page = Page(browser, server_log)
    sign_in(browser, base_url, admin_user)
    browser.get(f"{base_url}/admin/training/trainingdataset/{dataset.pk}/change/")
    browser.execute_script("window.stillTheSamePage = true")

    def shown(element_id):
        return browser.find_element(By.ID, element_id).text

    assert (shown("build-done"), shown("build-total"), shown("build-percent")) == ("2", "10",
                                                                                  "20")
    assert shown("build-eta") == ", about 1 min 20 s left"
    rows.update(files_done=6, eta_s=30)
    page.wait_until(lambda: shown("build-done") == "6", "the page to show the new progress")
    assert shown("build-percent") == "60" and shown("build-eta") == ", about 30 s left"
    assert browser.find_element(By.ID, "build-bar").get_attribute("style") == "width: 60%;"
    assert browser.execute_script("return window.stillTheSamePage === true")  # no reload yet

    rows.update(status="ready", files_done=10, eta_s=None, train_pairs=9, val_pairs=1,
                edge_method="canny", built_at=timezone.now())
    page.wait_until(lambda: not browser.execute_script("return window.stillTheSamePage"),
                    "the page to load again once the build is over")
    status = page.wait_until(lambda: browser.find_elements(By.ID, "build-status"), "status")[0]
    assert status.text == "Ready"
    assert "Retrain on this dataset" in browser.page_source
    # The admin's pages name no icon, so the browser asks for /favicon.ico: that 404 is not ours.
    assert [error for error in page.console_errors()
            if "/favicon.ico " not in error["message"]] == []
