"""One mail's bytes → what is read of it: encodings, broken parts, threads, HTML."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from secondchance.importers.found import Found, Problem, RawMail
from secondchance.importers.mail import scan, verdict
from secondchance.importers.mail.message import decode_text, html_to_text, parse
from secondchance.importers.mail.thread import newest

HEAD = (
    "From: {sender}\nTo: me@example.org\nSubject: {subject}\n"
    "Date: Tue, 12 Nov 2024 23:30:00 -0800\nMessage-ID: <abc@x.example>\n"
)


def _mail(
    body: bytes,
    headers: str = "",
    *,
    sender: str = "Acme Recruiting <jobs@acme.example>",
    subject: str = "Your application",
) -> bytes:
    return (HEAD.format(sender=sender, subject=subject) + headers).encode() + b"\n" + body


def test_the_date_is_the_headers_own_calendar_date_and_the_message_id_kept() -> None:
    mail = parse(_mail(b"hello"))
    assert mail is not None
    assert mail.date == dt.date(2024, 11, 12)  # 07:30 UTC on the 13th
    assert mail.message_id == "<abc@x.example>"


def test_an_unknown_or_wrong_charset_falls_back_and_never_fails() -> None:
    assert decode_text("Grüße".encode("cp1252"), "x-unknown-charset") == "Grüße"
    assert decode_text("Grüße €".encode("cp1252"), "utf-8") == "Grüße €"
    assert decode_text(b"\x81\x8d\x8f", "ascii") == "\x81\x8d\x8f"


def test_a_broken_header_and_an_undecodable_part_are_skipped_not_fatal() -> None:
    body = (
        b'Content-Type: multipart/mixed; boundary="b"\nMIME-Version: 1.0\n\n'
        b"--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        b"!!!not base64 at all%%%\n"
        b"--b\nContent-Type: text/plain; charset=utf-8\n\n"
        b"Thank you for your application. The position has been filled.\n--b--\n"
    )
    raw = _mail(
        body,
        sender="=?bogus?Q?broken?= <jobs@acme.example>",
        subject="=?utf-8?B?!!!?= Your application",
    )
    result = verdict(RawMail("x.eml", raw))
    assert isinstance(result, Found)
    assert result.evidence == "The position has been filled."


def test_html_only_mail_drops_scripts_and_styles_and_keeps_links() -> None:
    text, links = html_to_text(
        "<html><head><style>.a{}</style><script>var secret=1</script></head><body>"
        "<p>We have decided<br>to <b>move forward</b> with other candidates.</p>"
        '<a href="https://jobs.lever.co/acme">jobs</a><blockquote>old quote</blockquote>'
        "</body></html>"
    )
    assert "secret" not in text and ".a{}" not in text and "old quote" not in text
    assert "move forward with other candidates." in text
    assert links == ["https://jobs.lever.co/acme"]


def test_a_reply_is_read_above_its_quote_and_a_forward_below_its_marker() -> None:
    reply = newest(
        "Sounds good, thanks!\n\nOn Mon, 11 Nov 2024 at 10:00, Acme <jobs@acme.example> "
        "wrote:\n> We have decided to move forward with other candidates.\n"
    )
    assert reply.text.strip() == "Sounds good, thanks!"
    for marker in (
        "Am 11.11.2024 um 10:00 schrieb Acme <a@b.de>:",
        "-----Original Message-----",
        "Le lun. 11 nov. 2024 à 10:00, Acme <a@b.fr> a écrit :",
    ):
        assert "decided" not in newest(f"Thanks!\n\n{marker}\nWe have decided.\n").text
    forward = newest(
        "FYI\n\n---------- Forwarded message ---------\nFrom: Acme Talent <jobs@acme.example>\n"
        "Date: Mon, 11 Nov 2024\nSubject: Update\nTo: me@example.org\n\n"
        "We have decided to move forward with other candidates.\n"
    )
    assert forward.sender == "Acme Talent <jobs@acme.example>"
    assert forward.date == "Mon, 11 Nov 2024"
    assert forward.text.strip() == "We have decided to move forward with other candidates."


def test_links_only_in_the_html_part_still_reveal_the_board() -> None:
    body = (
        b'Content-Type: multipart/alternative; boundary="b"\nMIME-Version: 1.0\n\n'
        b"--b\nContent-Type: text/plain; charset=utf-8\n\n"
        b"Thanks for applying. We have decided to move forward with other candidates.\n"
        b"--b\nContent-Type: text/html; charset=utf-8\n\n"
        b'<p>Thanks.</p><a href="https://acme.wd5.myworkdayjobs.com/en-US/External/job/x">'
        b"jobs</a>\n--b--\n"
    )
    found = verdict(RawMail("x.eml", _mail(body)))
    assert isinstance(found, Found) and found.board is not None
    assert (found.board.kind, found.board.token) == ("workday", "acme/wd5/External")


@pytest.mark.parametrize(
    ("subject", "text", "role"),
    [
        (
            "Update",
            "Thank you for your application for the Senior Data Engineer position.",
            "Senior Data Engineer",
        ),
        (
            "Absage",
            "Vielen Dank für Ihre Bewerbung als Werkstudentin Marketing.",
            "Werkstudentin Marketing",
        ),
        (
            "Candidature",
            "Merci pour votre candidature au poste de Chef de produit.",
            "Chef de produit",
        ),
        (
            "Candidatura",
            "Gracias por su candidatura para el puesto de Diseñador Gráfico.",
            "Diseñador Gráfico",
        ),
        (
            "Sollicitatie",
            "Dank voor je sollicitatie voor de functie Backend Developer.",
            "Backend Developer",
        ),
    ],
)
def test_the_role_in_each_language(subject: str, text: str, role: str) -> None:
    from secondchance.importers.mail.extract import role as read_role

    assert read_role(subject, text, "Acme") == role


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("after the final round we decided", "final round"),
        ("thanks for the phone screen", "phone screen"),
        ("nach dem Vorstellungsgespräch", "interview"),
        ("we will not be inviting you to an interview", None),
        ("thank you for your application", None),
    ],
)
def test_the_stage_when_the_mail_says_it(text: str, stage: str | None) -> None:
    from secondchance.importers.mail.extract import stage as read_stage

    assert read_stage(text) == stage


@pytest.mark.parametrize(
    ("sender", "company", "contact"),
    [
        ("Acme Hiring Team <no-reply@greenhouse.io>", "Acme", None),
        ("Initech Talent <notifications@smartrecruiters.com>", "Initech", None),
        ("Jane Doe <jane.doe@globex.example>", "Globex", "Jane Doe"),
        ("Jane Doe <no-reply@globex.example>", "Globex", None),
    ],
)
def test_company_and_contact_from_the_sender(
    sender: str, company: str, contact: str | None
) -> None:
    body = b"Thank you for your application. The position has been filled.\n"
    found = verdict(RawMail("x.eml", _mail(body, sender=sender)))
    assert isinstance(found, Found)
    assert (found.company, found.contact) == (company, contact)


def test_the_mail_never_reaches_a_log_or_a_problem(
    tmp_path: object, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Privacy: no subject, sender or body in any log line or Problem; no link fetched."""
    import socket
    from pathlib import Path

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a mail's link was fetched")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)

    folder = Path(str(tmp_path))
    secret_subject, secret_sender, secret_body = "ZQX-SUBJECT", "zqx-sender", "ZQX-BODY"
    sender = f"{secret_sender} <{secret_sender}@acme.example>"
    good = _mail(
        f"{secret_body} The position has been filled. https://boards.greenhouse.io/acme".encode(),
        sender=sender,
        subject=secret_subject,
    )
    (folder / "good.eml").write_bytes(good)
    (folder / "broken.eml").write_bytes(good[:30])
    (folder / "binary.eml").write_bytes(b"\x00" + good)
    (folder / "big.eml").write_bytes(good + b"x" * (26 * 1024 * 1024))
    box = folder / "box.mbox"
    box.write_bytes(b"From x Tue Nov 12 09:00:00 2024\n" + good[:30])
    with caplog.at_level(logging.DEBUG):
        results = list(scan([str(folder), str(box)]))
    problems = [str(r) for r in results if isinstance(r, Problem)]
    [found] = [r for r in results if isinstance(r, Found)]
    assert found.board is not None and found.board.token == "acme"
    assert len(problems) == 4
    shown = "\n".join(problems + [r.getMessage() for r in caplog.records])
    for secret in (secret_subject, secret_sender, secret_body):
        assert secret.lower() not in shown.lower()


def test_a_forwarded_rejection_is_dated_by_the_message_forwarded() -> None:
    body = (
        b"FYI\n\n---------- Forwarded message ---------\nFrom: Acme Talent <jobs@acme.example>\n"
        b"Date: Mon, Nov 4, 2024 at 10:00 AM\nSubject: Update\n\n"
        b"Thank you for your application. We have decided to move forward with other "
        b"candidates.\n"
    )
    found = verdict(RawMail("x.eml", _mail(body, sender="Me <me@example.org>")))
    assert isinstance(found, Found)
    assert (found.date, found.company) == (dt.date(2024, 11, 4), "Acme")


def test_evidence_is_one_sentence_at_most_a_few_lines_long() -> None:
    from secondchance.importers.mail.classify import EVIDENCE_CHARS, judge

    text = "word " * 200 + "we have decided to move forward with other candidates " + "x " * 200
    judged = judge("Your application", text, "jobs@acme.example", bulk=False)
    assert judged.rejection and judged.evidence is not None
    assert "move forward with other candidates" in judged.evidence
    assert len(judged.evidence) <= EVIDENCE_CHARS + 2


def test_a_message_that_breaks_a_step_is_skipped_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    import secondchance.importers.mail as mail_package

    def broken(*args: object, **kwargs: object) -> object:
        raise RecursionError

    monkeypatch.setattr(mail_package, "judge", broken)
    result = verdict(RawMail("x.eml", _mail(b"The position has been filled.")))
    assert result == Problem("x.eml", "could not be read as mail, skipped", fatal=False)


@pytest.mark.parametrize(
    ("sender", "site"),
    [
        ("Bluefin Careers <careers@bluefin.io>", "https://bluefin.io"),
        ("Jane Doe <jane@jobs.hafen-logistik.co.uk>", "https://hafen-logistik.co.uk"),
        ("Acme Hiring Team <no-reply@greenhouse.io>", None),  # the ATS's, not Acme's
        ("Jane Doe <jane.doe@gmail.com>", None),
        ("Acme <jobs@acme.example>", None),  # reserved for examples
        ("Acme <jobs@intranet.corp>", None),
        ("Acme <jobs@[127.0.0.1]>", None),
        ("Acme <jobs@10.0.0.7>", None),
    ],
)
def test_the_company_site_is_the_senders_own_domain_never_a_link(
    sender: str, site: str | None
) -> None:
    body = (
        b"Thank you for your application. The position has been filled.\n"
        b"https://evil.example.net/careers\n"
    )
    found = verdict(RawMail("x.eml", _mail(body, sender=sender)))
    assert isinstance(found, Found)
    assert found.site == site
