"""Headless Chromium (Debian's package) for the tests that look at a page as a person would."""

import contextlib
import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def chromium_tab(width: int, height: int):
    """A tab of a headless Chromium with a viewport of width × height; the browser is closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()
