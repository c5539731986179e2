"""The console in a real browser: Debian's chromium driven through its chromedriver by
Selenium (the system's binaries, so Selenium Manager never downloads a browser), against
a real stack (broker, worker, `archive --serve`) started once per module."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.browser.stack import Stack
from tests.conftest import REPO, running_broker, session_failed

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = "NEWSFLOW_SCREENSHOTS"  # a folder (docs/images) for the README's screenshots
README_SHOTS = {"stream": "console-stream.png", "article": "console-article.png"}


def _need_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    why = f"{', '.join(missing)} missing: apt-get install chromium chromium-driver"
    if os.environ.get("CI"):
        pytest.fail(why)  # in CI the browser tests must run, not skip
    pytest.skip(why)


@pytest.fixture(scope="session")
def kafka(request, tmp_path_factory):
    _need_browser()
    yield from running_broker(tmp_path_factory.mktemp("kafka"), request)


@pytest.fixture(scope="module")
def stack(kafka, tmp_path_factory, request):
    running = Stack(kafka, tmp_path_factory.mktemp("stack"))
    try:
        running.start()
        yield running
    finally:
        running.stop()
        if session_failed(request):
            print(f"\nstack logs kept in {running.folder}")


def chrome(user_data_dir: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                     f"--user-data-dir={user_data_dir}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


@pytest.fixture
def browser():
    _need_browser()
    profile = tempfile.mkdtemp(prefix="newsflow-chromium-")
    driver = chrome(profile)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def screenshot(browser, tmp_path):
    """screenshot(name): the page as it is, in the test's folder (printed), and for the
    README's two pages in $NEWSFLOW_SCREENSHOTS too."""
    def take(name: str) -> Path:
        path = tmp_path / f"console-{name}.png"
        browser.save_screenshot(str(path))
        print(f"screenshot: {path}")
        folder = os.environ.get(SCREENSHOTS)
        if folder and name in README_SHOTS:
            target = (REPO / folder if not Path(folder).is_absolute() else Path(folder)) / README_SHOTS[name]
            target.parent.mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(target))
            print(f"screenshot: {target}")
        return path
    return take
