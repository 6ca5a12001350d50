"""Debian's Chromium, driven by Playwright: where it is, how to start it, and why it cannot start.

The browser tests and the browser benchmarks use the system's Chromium (Debian package
``chromium``), never a browser downloaded by Playwright. ``.ci/run`` installs it; on a
machine without it the browser tests are skipped with the reason, unless
``CRM_BROWSER_TESTS=required`` (set by CI) turns the skip into a failure.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

#: Where Debian installs Chromium; ``CHROMIUM`` in the environment overrides it.
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

#: Headless, sandbox-free (CI runs as root) and quiet: no background calls to the network.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Set to "required" (CI does) to fail, not skip, when the browser tests cannot run.
REQUIRED = os.environ.get("CRM_BROWSER_TESTS", "") == "required"


def unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (make test installs it)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (install Debian's: apt-get install -y chromium)"
    return None


def launch(playwright, **options):
    """Start headless Chromium with a fresh profile; ``options`` go to ``chromium.launch``."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True, **options)


def open_offline(browser, url: str, width: int, height: int):
    """A new page at ``url`` in a ``width`` × ``height`` window whose requests, other than local files,
    are refused. Returns (page, refused URLs, failed URLs); close it with ``page.context.close()``."""
    context = browser.new_context(viewport={"width": width, "height": height})
    refused, failed = [], []

    def only_files(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    context.on("requestfailed", lambda request: failed.append(request.url))
    page = context.new_page()
    page.goto(url)
    return page, refused, failed
