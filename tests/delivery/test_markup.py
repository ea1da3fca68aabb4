"""Board text is data on every service: hostile titles rendered for a channel and
sent through Apprise's own plugins (Slack, Discord, Telegram, e-mail, json), what
each would POST captured at the HTTP boundary, and nothing in it a link, a mention
or a tag but the one link we put there."""

from __future__ import annotations

import asyncio
import email
import json
import re
import smtplib
from email.message import Message as MimeMessage
from html.parser import HTMLParser
from typing import Any

import pytest
import requests
from apprise.url import URLBase

from secondchance.config import Target
from secondchance.core.models import Alert
from secondchance.core.text import shown
from secondchance.delivery.channels import Channel, channels_of
from secondchance.delivery.markup import TITLE_CAP, escape, link, safe_url
from secondchance.delivery.render import Message, render
from secondchance.delivery.sender import Sender

OURS = "https://boards.test/acme/jobs/"

HOSTILE = [
    "[click](http://evil.example)",
    "[click](<http://evil.example>)",
    "<!channel> urgent",
    "<!here|here> now",
    "<@U123> hello",
    "<@U123|boss>",
    "<http://evil.example|totally safe>",
    "<https://evil.example>",
    "@everyone free pizza",
    "@here look",
    "<@123456789> and <@&987654321>",
    "<b>bold</b> & <i>co</i>",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="http://evil.example">click</a>',
    "**bold** _it_ ~strike~ `code` # heading",
    "Engineer \u202egpj.exe\u202c \u2066isolate\u2069",
    "x" * 100_000,
]
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def hostile_alerts() -> list[Alert]:
    alerts = []
    for number, title in enumerate(HOSTILE, start=1):
        alerts.append(
            Alert(
                id=number,
                company="Acme",
                kind="new",
                source_kind="greenhouse",
                source_board="acme",
                posting_id=str(number),
                title=title,
                location="<!channel> @everyone [x](http://evil.example)",
                url=f"{OURS}{number}",
                previous_title=None,
                detail=None,
                extra={"context": "Turned down 2026-03-01 for <@U123> [y](http://evil.example)"},
            )
        )
    # A company name found by discover is board text too, in the title as well.
    alerts.append(
        Alert(
            id=98,
            company="@everyone <b>Evil</b> <!channel> [x](http://evil.example)",
            kind="role_back",
            source_kind="greenhouse",
            source_board="evil",
            posting_id="98",
            title="<@U123> back",
            location=None,
            url=f"{OURS}98",
            previous_title=None,
            detail=None,
            extra={"contact": "<!here> @here", "rejected_role": "<script>x</script>"},
        )
    )
    alerts.append(
        Alert(
            id=99,
            company="Acme",
            kind="new",
            source_kind="greenhouse",
            source_board="acme",
            posting_id="99",
            title="Scheme test",
            location=None,
            url="javascript:alert(document.cookie)",
            previous_title=None,
            detail=None,
        )
    )
    return alerts


class _Response:
    def __init__(self, content: bytes) -> None:
        self.status_code = 200
        self.content = content
        self.text = content.decode()
        self.headers: dict[str, str] = {}

    def json(self) -> Any:
        return json.loads(self.content)


class Captured:
    """Every HTTP request and e-mail a plugin would make."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.mails: list[str] = []


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Captured:
    seen = Captured()

    def post(url: str, *args: Any, data: Any = None, **kwargs: Any) -> _Response:
        body = data if data is not None else kwargs.get("json")
        if isinstance(body, bytes | str):
            body = json.loads(body)
        seen.posts.append(body)
        if "slack.com" in url:
            return _Response(b"ok")
        return _Response(b'{"ok": true, "result": {"message_id": 1}}')

    def request(method: str, url: str, *args: Any, **kwargs: Any) -> _Response:
        return post(url, *args, **kwargs)

    class SMTP:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def starttls(self, *args: Any, **kwargs: Any) -> None:
            pass

        def login(self, *args: Any) -> None:
            pass

        def sendmail(self, sender: str, to: Any, message: str) -> dict[str, Any]:
            seen.mails.append(message)
            return {}

        def quit(self) -> None:
            pass

    # Every hostile title shown, none summarised away.
    monkeypatch.setattr("secondchance.delivery.render.SUMMARISE_AFTER", 1000)
    # Apprise spaces a plugin's requests (5.5 s for e-mail); nothing is sent here.
    monkeypatch.setattr(URLBase, "throttle", lambda self, *args, **kwargs: None)
    monkeypatch.setattr(requests, "post", post)
    monkeypatch.setattr(requests, "request", request)
    monkeypatch.setattr(smtplib, "SMTP", SMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", SMTP)
    return seen


def channel(url: str) -> Channel:
    (found,) = channels_of([Target(url=url, tags=frozenset())], console=False)
    return found


def deliver(target: Channel) -> list[Message]:
    messages = render(
        hostile_alerts(), target.limit, style=target.style, escaped_title=target.escaped_title
    )
    sender = Sender(5.0)
    for message in messages:
        assert asyncio.run(sender.send(target, message)) is None
    return messages


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_only_our_tags(html: str) -> None:
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ("b", "a", "br", "html", "head", "body", "meta", "title", "p", "strong"), tag
        if tag == "a":
            assert (attrs.get("href") or "").startswith(OURS), attrs
        assert not any(name.startswith("on") for name in attrs), attrs
        assert "src" not in attrs


def test_slack_receives_no_link_mention_or_markup(captured: Captured) -> None:
    target = channel("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general")
    assert target.style == "slack"

    deliver(target)

    texts = [s for post in captured.posts for s in _strings(post)]
    assert texts
    for text in texts:
        # Slack's controls are <...>: only our own links may form one.
        for control in re.findall(r"<([^>]*)>", text):
            assert control.startswith(OURS), control
        assert "<http://evil" not in text
        assert not BIDI.search(text)
    joined = "\n".join(texts)
    assert "&lt;!channel&gt;" in joined
    assert "&lt;@U123&gt;" in joined
    assert "javascript:" not in joined


def test_discord_receives_no_ping_or_masked_link(captured: Captured) -> None:
    target = channel("discord://123456789/abcdefghijk")
    assert (target.style, target.escaped_title) == ("discord", True)

    deliver(target)

    contents = [post["content"] for post in captured.posts if "content" in post]
    assert contents
    for content in contents:
        assert not re.search(r"@(everyone|here)\b", content)
        assert not re.search(r"<@&?\d", content)
        assert "allowed_mentions" not in json.dumps(captured.posts)
        ours = re.sub(r"\[Open the posting\]\(<" + re.escape(OURS) + r"\d+>\)", "", content)
        # Every "[" and "<" left is escaped: no masked link, no tag, no mention.
        assert not re.search(r"(?<!\\)[\[<]", ours), ours[:200]
        assert not BIDI.search(content)
        assert "javascript:" not in content


def test_telegram_receives_only_our_html(captured: Captured) -> None:
    target = channel("tgram://123456789:abcdefg_hijklmnop/12345/")
    assert (target.style, target.escaped_title) == ("html", True)

    deliver(target)

    texts = [post["text"] for post in captured.posts if "text" in post]
    assert texts
    for text in texts:
        assert_only_our_tags(text)
        assert "<script" not in text and "<img" not in text
        assert not BIDI.search(text)
        assert "javascript:" not in text


def _html_parts(raw: str) -> list[str]:
    parsed: MimeMessage = email.message_from_string(raw)
    parts = []
    for part in parsed.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            parts.append(payload.decode(part.get_content_charset() or "utf-8"))
    return parts


def test_email_receives_only_our_html(captured: Captured) -> None:
    target = channel("mailto://user:secret@example.com?to=me@example.com")
    assert target.style == "html"
    assert not target.escaped_title  # the subject is plain text

    deliver(target)

    assert captured.mails
    for raw in captured.mails:
        for html in _html_parts(raw):
            assert_only_our_tags(html)
            assert not BIDI.search(html)
            assert "javascript:" not in html


def test_json_receives_plain_text_capped_and_unsplit(captured: Captured) -> None:
    target = channel("json://localhost:9/hook")
    assert target.style == "text"

    messages = deliver(target)

    assert all(len(m.body) <= target.limit for m in messages)
    bodies = [post["message"] for post in captured.posts]
    assert len(bodies) == len(messages)
    for body in bodies:
        assert not BIDI.search(body)
        assert "javascript:" not in body
    # A posting with a javascript: link is still alerted, without the link.
    assert any("New: Scheme test" in body for body in bodies)
    # The 100 KB title is cut to about 300 characters, in one message.
    longest = max(len(line) for body in bodies for line in body.splitlines())
    assert longest <= TITLE_CAP + 20


def test_markdown_through_apprise_html_conversion_has_no_tags() -> None:
    from apprise.conversion import markdown_to_html

    for title in HOSTILE:
        html = markdown_to_html(escape(title, "markdown"))
        assert_only_our_tags(html)
        assert "<a " not in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example/x",
        "https://",
        "https://x.test/" + "a" * 2000,
        None,
        "",
    ],
)
def test_only_http_links_are_linked(url: str | None) -> None:
    assert safe_url(url) is None
    assert link(url, "slack") is None


def test_links_are_encoded_so_no_syntax_breaks_out() -> None:
    url = "https://x.test/a b|c>d<e\"f'g)h(i\\j\u202e"

    safe = safe_url(url)

    assert safe is not None
    assert not re.search(r"[ |<>\"'()\\\u202e]", safe)
    assert link(url, "html") == f'<a href="{safe}">Open the posting</a>'


def test_shown_removes_bidi_controls_only() -> None:
    assert shown("a\u202eb\u2066c\u2069d\u202ae") == "abcde"
    assert shown("Ingénieur·e — “quoted”") == "Ingénieur·e — “quoted”"
