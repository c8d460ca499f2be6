"""Drive Debian's Chromium through Playwright against pytest-django's live server.

Screenshots land in test-artifacts/screenshots/ so a person can look at the pages at 1280px and 390px.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def _page(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    return context, page


@pytest.fixture
def page(browser, live_server, transactional_db):
    context, page = _page(browser, 1280, 900)
    yield page
    assert page.js_errors == [], page.js_errors  # type: ignore[attr-defined]
    context.close()


@pytest.fixture
def phone(browser, live_server, transactional_db):
    context, page = _page(browser, 390, 844)
    yield page
    context.close()


@pytest.fixture
def sign_in(live_server):
    def do(page, username: str, next_path: str = "/") -> None:
        page.goto(f"{live_server.url}{next_path}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

    return do


@pytest.fixture
def shot():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = SHOTS / f"{name}.png"
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


def htmx_idle(page) -> None:
    """Wait until htmx has finished swapping and settling, so freshly swapped inputs have their triggers.

    A person cannot type within the few milliseconds between a swap and htmx wiring up the new content;
    Playwright can, and then the keystrokes fire no request.
    """
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )
    page.wait_for_timeout(50)  # one settle delay (20 ms) and a margin for the listeners
