"""The real-browser harness: Playwright for Python driving Debian's chromium.

Playwright's own browser download is not used (nor reachable here): chromium is
found on the PATH (or /usr/bin/chromium) and launched with ``executable_path``.
Without it, or without the playwright package, the browser tests are skipped with
the reason, except under CI=true, where a skip would hide them: ``.ci/run`` installs
chromium, so there it is a failure (as tests/conftest.py treats PostgreSQL).

The browser tests are plain (sync) functions: Playwright's sync API cannot run
inside the event loop pytest-asyncio gives an async test. One browser serves each
module (not the session: see ``browser_fixture``); each test opens its own context
(viewport, colour scheme), in which every request off 127.0.0.1 is aborted, so no
page can reach the internet.

Screenshots are test artefacts: ``$SECONDCHANCE_TEST_ARTIFACTS/screenshots`` when
that is set, else ``tests/artifacts/screenshots`` (gitignored).

Test modules import the fixtures they use from here, as ``*_fixture`` (one conftest.py
for the suite: a second one would shadow ``from conftest import ...``).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Response

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
WIDTHS = {"phone": PHONE, "wide": WIDE}
SCHEMES = ("light", "dark")
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def artifacts() -> Path:
    """Where test artefacts go: $SECONDCHANCE_TEST_ARTIFACTS, else tests/artifacts."""
    return Path(os.environ.get("SECONDCHANCE_TEST_ARTIFACTS") or ARTIFACTS)


def unavailable(reason: str) -> NoReturn:
    """Skip (a newcomer without chromium), but fail under CI=true, which installs it."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true, so this is a failure, not a skip")
    pytest.skip(reason)


def find_chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Browser]:
    """Headless chromium for the module (Debian's, not Playwright's download). Not
    for the session: while the sync API is open, its event loop counts as running in
    this thread, and every async test after it would fail to start its own."""
    executable = find_chromium()
    if executable is None:
        unavailable("chromium not installed: apt-get install chromium (.ci/run does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed: make install")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A page and everything it did that a test asserts never happens."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)

    def goto(self, url: str) -> Response:
        response = self.page.goto(url, wait_until="load")
        assert response is not None, url
        return response


def _keep_on_loopback(watched: Watched) -> Callable[[Any], None]:
    def handle(route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and host not in LOOPBACK:
            watched.offsite.append(url)
            route.abort()
        else:
            route.continue_()

    return handle


@pytest.fixture(name="open_page")
def open_page_fixture(browser: Browser) -> Iterator[Callable[..., Watched]]:
    """open_page(width="phone"|"wide", scheme="light"|"dark") -> Watched, in a new
    context; every dialog is dismissed and recorded, and requests leaving 127.0.0.1
    are aborted and recorded."""
    contexts: list[BrowserContext] = []

    def opener(width: str = "wide", scheme: str = "light") -> Watched:
        context = browser.new_context(
            viewport=WIDTHS[width],  # type: ignore[arg-type]
            color_scheme=scheme,  # type: ignore[arg-type]
            reduced_motion="reduce",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watched = Watched(page)
        page.on("dialog", lambda dialog: (watched.dialogs.append(dialog.message), dialog.dismiss()))
        page.on(
            "console",
            lambda message: (
                watched.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: watched.page_errors.append(str(error)))
        context.route("**/*", _keep_on_loopback(watched))
        return watched

    yield opener
    for context in contexts:
        context.close()


# --- Detectors: what a page showing board text must never do --------------------------

# Set by every payload of the hostile corpus when (and only when) it runs.
PWNED = "__pwned"


def script_ran(watched: Watched) -> list[str]:
    """Evidence that script from board text ran: the payloads' flag, a dialog, an
    uncaught error of a payload."""
    evidence = []
    if watched.page.evaluate(f"typeof window.{PWNED} !== 'undefined'"):
        evidence.append(f"window.{PWNED} is set")
    evidence += [f"dialog: {message}" for message in watched.dialogs]
    return evidence


def provoke(watched: Watched, texts: list[str]) -> None:
    """Hover, focus and click (where that stays on the page) every element whose text
    holds one of ``texts``: an attribute the text broke out into (onmouseover,
    onfocus, onclick) would run now."""
    page = watched.page
    for text in texts:
        for element in page.get_by_text(text, exact=False).all()[:10]:
            if not element.is_visible():
                continue
            element.hover(timeout=2_000, force=True)
            element.dispatch_event("mouseover")
            element.dispatch_event("focus")
            # A link is not followed (its href is checked instead): a click would leave.
            if not element.evaluate("e => !!e.closest('a, form, button')"):
                element.click(timeout=2_000, force=True)


_ELEMENTS_FROM_TEXT = """() => {
  const found = [];
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.getAttributeNames()) {
      if (a.toLowerCase().startsWith('on')) found.push(`${e.tagName} ${a}=${e.getAttribute(a)}`);
    }
  }
  for (const e of document.querySelectorAll('img[src="x"], [src^="javascript:" i]')) {
    found.push(`${e.tagName} src=${e.getAttribute('src')}`);
  }
  for (const e of document.querySelectorAll('script')) {
    if (!e.src || new URL(e.src).origin !== location.origin) {
      found.push(`SCRIPT ${e.src || e.textContent.slice(0, 80)}`);
    }
  }
  return found;
}"""


def elements_from_text(watched: Watched) -> list[str]:
    """Elements and attributes board text could only have created: inline event
    handlers, ``<img src=x>``, inline or foreign scripts (our pages have none)."""
    found: list[str] = watched.page.evaluate(_ELEMENTS_FROM_TEXT)
    return found


_LINKS = """() => [...document.querySelectorAll(
  'a[href], area[href], form[action], iframe[src], frame[src], embed[src], object[data],'
  + ' link[href], [formaction], base[href]'
)].map(e => e.getAttribute('href') ?? e.getAttribute('action') ?? e.getAttribute('src')
        ?? e.getAttribute('data') ?? e.getAttribute('formaction'))"""


def unsafe_links(watched: Watched) -> list[str]:
    """Every link or resource address that is neither http(s) nor a same-origin path."""
    bad = []
    for href in watched.page.evaluate(_LINKS):
        target = (href or "").strip()
        scheme = urlsplit(target).scheme.lower()
        if scheme in ("http", "https"):
            continue
        if not scheme and not re.match(r"^[\\/]{2}", target):
            continue  # relative: same origin ("//host" would not be)
        bad.append(href)
    return bad


def horizontal_overflow(watched: Watched) -> int:
    """How many CSS pixels the page is wider than the window (0: no side scroll)."""
    overflow: int = watched.page.evaluate(
        "Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )
    return overflow


def inline_script_runs(watched: Watched) -> bool:
    """Whether the page lets an inline script run: one is added to the document (as an
    injection that got past escaping would be), which a CSP without 'unsafe-inline'
    refuses. Page.evaluate itself is the browser's debugger, which no CSP governs."""
    ran: bool = watched.page.evaluate(
        """() => {
          const script = document.createElement('script');
          script.textContent = 'window.__inline_ran = true';
          document.body.appendChild(script);
          return window.__inline_ran === true;
        }"""
    )
    return ran


def csp_violations(watched: Watched) -> list[str]:
    return [e for e in watched.console_errors if "Content Security Policy" in e]


def screenshot(watched: Watched, name: str) -> Path:
    """Save the page as ``screenshots/{name}.png`` among the test artefacts: the whole
    page, or only the window when the page is too big for one image (chromium cannot
    paint a page that a long title made a million pixels wide, and gives up)."""
    target = artifacts() / "screenshots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    watched.page.evaluate("window.scrollTo(0, 0)")
    width, height = watched.page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    watched.page.screenshot(path=str(target), full_page=width <= 4_000 and height <= 8_000)
    return target
