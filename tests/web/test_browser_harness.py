"""SELF-TEST of the browser harness: its detectors, pointed at pages made unsafe on
purpose (board text pasted into HTML unescaped), must catch every payload of the
hostile corpus; pointed at the same text escaped, under a strict CSP, they find
nothing. A detector that never fires would make the dashboard's tests pass vacuously.
Served by tests/conftest.py's BoardServer on 127.0.0.1, driven by the real chromium."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from browser import (
    Watched,
    browser_fixture,  # noqa: F401
    csp_violations,
    elements_from_text,
    horizontal_overflow,
    inline_script_runs,
    open_page_fixture,  # noqa: F401
    provoke,
    screenshot,
    script_ran,
    unavailable,
    unsafe_links,
)
from hostile import AS_WRITTEN, JAVASCRIPT_URL, LINK_TITLE, LONG_TITLE, TITLES

from conftest import BoardServer

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; form-action 'self';"
    " frame-ancestors 'none'"
)
CSS = "main { max-width: 60rem; margin: auto; } li { overflow-wrap: anywhere; }"


def unsafe(title: str, href: str = "https://jobs.test/1") -> str:
    """What a careless template makes of board text: pasted in raw, in text and in a
    single-quoted attribute."""
    return (
        "<!doctype html><html><head><title>Unsafe</title></head><body><main><h1>Jobs</h1>"
        f"<ul><li><span title='{title}'>{title}</span> <a href=\"{href}\">{LINK_TITLE}</a>"
        "</li></ul></main></body></html>"
    )


def safe(titles: list[str]) -> str:
    items = "".join(
        f'<li><span title="{html.escape(t)}">{html.escape(t)}</span></li>' for t in titles
    )
    return (
        '<!doctype html><html><head><title>Safe</title><link rel="stylesheet" href="/app.css">'
        f"</head><body><main><h1>Jobs</h1><ul>{items}</ul></main></body></html>"
    )


def serve(boards: BoardServer, path: str, page: str, *, csp: bool = False) -> str:
    headers = {"Content-Security-Policy": CSP} if csp else {}
    boards.set(path, page, content_type="text/html; charset=utf-8", headers=headers)
    boards.set("/app.css", CSS, content_type="text/css")
    return boards.url + path


# The bidi override is no script: it is checked as text on the dashboard's pages.
@pytest.mark.parametrize("title", TITLES[:4])
def test_self_test_detector_catches_a_payload_that_runs(
    boards: BoardServer, open_page: Callable[..., Watched], title: str
) -> None:
    page = open_page()
    page.goto(serve(boards, "/unsafe", unsafe(title)))
    assert script_ran(page) == [] or "onmouseover" not in title
    provoke(page, [title, LINK_TITLE])
    assert script_ran(page), f"the detector missed {title!r}"
    assert elements_from_text(page), f"no foreign element or handler found for {title!r}"


def test_self_test_detectors_catch_a_javascript_link_a_dialog_and_a_wide_page(
    boards: BoardServer, open_page: Callable[..., Watched]
) -> None:
    page = open_page("phone")
    page.goto(serve(boards, "/link", unsafe(LONG_TITLE[:2000], JAVASCRIPT_URL)))
    assert unsafe_links(page) == [JAVASCRIPT_URL]
    assert horizontal_overflow(page) > 0  # an unbroken word, no overflow-wrap
    page.page.evaluate("alert('hi')")
    assert script_ran(page) == ["dialog: hi"]


def test_self_test_csp_violations_are_collected(
    boards: BoardServer, open_page: Callable[..., Watched]
) -> None:
    page = open_page()
    inline = safe(["x"]).replace("</main>", "</main><script>window.__pwned=1</script>")
    page.goto(serve(boards, "/inline", inline, csp=True))
    assert script_ran(page) == []  # the CSP blocked it...
    assert csp_violations(page)  # ...and said so on the console
    assert not inline_script_runs(page)


def test_self_test_an_inline_script_runs_without_a_csp(
    boards: BoardServer, open_page: Callable[..., Watched]
) -> None:
    page = open_page()
    page.goto(serve(boards, "/open", safe(["x"])))
    assert inline_script_runs(page)
    assert csp_violations(page) == []


@pytest.mark.parametrize("width", ["phone", "wide"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_self_test_the_escaped_corpus_passes_every_detector(
    boards: BoardServer, open_page: Callable[..., Watched], width: str, scheme: str
) -> None:
    page = open_page(width, scheme)
    response = page.goto(serve(boards, "/safe", safe([*TITLES, LINK_TITLE, LONG_TITLE]), csp=True))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    provoke(page, AS_WRITTEN)
    assert script_ran(page) == []
    assert elements_from_text(page) == []
    assert unsafe_links(page) == []
    assert horizontal_overflow(page) == 0
    for text in AS_WRITTEN:
        assert page.page.get_by_text(text, exact=False).first.is_visible(), text
    assert page.console_errors == page.page_errors == page.offsite == []
    assert screenshot(page, f"self-test-safe-{width}-{scheme}").stat().st_size > 0


def test_without_chromium_a_newcomer_skips_and_ci_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    reason = "chromium not installed: apt-get install chromium"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        unavailable(reason)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true, so this is a failure"):
        unavailable(reason)
