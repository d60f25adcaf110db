"""Playwright driving Debian's Chromium against pytest-django's live server.

Under CI=true a missing browser fails the run instead of skipping it, so a machine without
Chromium cannot pass the suite unnoticed."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "var/screenshots"))


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)")
    # Playwright's sync API runs an event loop in this thread, so Django would refuse the
    # test's own (synchronous) queries, and its thread-local connections would switch to a
    # per-context one. Hence the flag, and one browser per test (about a second): stopping
    # Playwright before the database teardown keeps serialized_rollback working.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class Session:
    """One browser tab for one person, with the console errors it saw."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _console(self, message):
        # A form refused with 422, or a claim refused with 409, is the page working as
        # designed (the reason is shown); Chromium still logs the status. Anything else
        # logged as an error counts.
        expected = ("status of 422", "status of 409")
        if message.type == "error" and not any(e in message.text for e in expected):
            self.errors.append(message.text)

    def go(self, path: str):
        return self.page.goto(self.base_url + path)

    def sign_in(self, username: str, password: str = "pw-for-tests-9"):
        self.go("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(self.base_url + "/")

    def shot(self, name: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def open_session(chromium, live_server):
    """`open_session(locale="zh-CN", phone=False)` opens a fresh browser context."""
    contexts = []

    def make(locale="zh-CN", phone=False):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
        context = chromium.new_context(locale=locale, viewport=viewport)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return Session(context.new_page(), live_server.url)

    yield make
    for context in contexts:
        context.close()
