"""Turn a labelled case into the bytes of a real-looking mail.

A case says what the mail is (``label``: "rejection" or the kind of non-rejection) and
what should be read from it; ``shape`` says how it travels: quoted-printable, base64,
HTML only, multipart with the links only in the HTML part, a legacy charset, RFC 2047
headers, forwarded or replied.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from email.charset import BASE64, QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, make_msgid

SHAPES = (
    "plain",
    "qp",
    "base64",
    "html",
    "multipart",
    "latin-1",
    "cp1252",
    "iso-8859-15",
    "rfc2047",
    "forwarded",
    "replied",
)


@dataclass(frozen=True)
class Case:
    name: str
    label: str  # "rejection", or what else it is ("confirmation", "interview", ...)
    sender: str  # "Display Name <address>"
    subject: str
    body: str
    lang: str = "en"
    shape: str = "plain"
    date: str = "Tue, 12 Nov 2024 23:30:00 -0800"
    links: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    # What should be read from a rejection (only the keys given are checked).
    expect: dict[str, str | None] = field(default_factory=dict)

    @property
    def is_rejection(self) -> bool:
        return self.label == "rejection"


def _html(text: str, links: tuple[str, ...]) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    anchors = "".join(f'<p><a href="{html.escape(u)}">View jobs</a></p>' for u in links)
    return (
        "<html><head><style>p { color: red }</style><script>var x = 'tracking';</script>"
        f"</head><body>{paragraphs}{anchors}</body></html>"
    )


def _wrap(case: Case, body: str) -> str:
    if case.shape == "forwarded":
        return (
            "FYI, see below.\n\n---------- Forwarded message ---------\n"
            f"From: {case.sender}\nDate: {case.date}\nSubject: {case.subject}\n\n{body}"
        )
    if case.shape == "replied":
        quoted = "\n".join(f"> {line}" for line in "Thanks for the update!".splitlines())
        return f"{body}\n\nOn Mon, 11 Nov 2024 at 10:00, Me <me@example.org> wrote:\n{quoted}\n"
    return body


def build(case: Case) -> bytes:
    body = _wrap(case, case.body)
    shape = case.shape
    if shape in ("html",):
        msg: MIMEText | MIMEMultipart = MIMEText(_html(body, case.links), "html", "utf-8")
    elif shape == "multipart":
        msg = MIMEMultipart("alternative")
        msg.attach(MIMEText(body, "plain", "utf-8"))
        msg.attach(MIMEText(_html(body, case.links), "html", "utf-8"))
    elif shape in ("latin-1", "cp1252", "iso-8859-15"):
        text = body + "".join(f"\n{u}" for u in case.links)
        msg = MIMEText(text, "plain", shape)
    else:
        text = body + "".join(f"\n{u}" for u in case.links)
        cs = Charset("utf-8")
        cs.body_encoding = {"qp": QP, "base64": BASE64}.get(shape)
        msg = MIMEText(text, "plain", cs)
    name, _, address = case.sender.rpartition("<")
    name, address = name.strip().strip('"'), address.rstrip(">").strip()
    if shape == "rfc2047":
        msg["From"] = formataddr((str(Header(name, "utf-8").encode()), address))
        msg["Subject"] = Header(case.subject, "utf-8").encode()
    else:
        msg["From"] = formataddr((name, address)) if name else address
        msg["Subject"] = case.subject if case.subject.isascii() else Header(case.subject, "utf-8")
    msg["To"] = "me@example.org"
    msg["Date"] = case.date
    msg["Message-ID"] = make_msgid(domain="corpus.example")
    for key, value in case.headers:
        msg[key] = value
    return msg.as_bytes()
