"""`import mail` on a synthetic mbox: messages a second, and memory as the mailbox grows.

Writes an mbox of N messages (10,000 by default) to a temporary directory, one message
at a time: a fifth of them rejections in five languages (plain, quoted-printable,
base64, HTML-only, multipart with the board link only in the HTML part), the rest
confirmations, interview invitations, job alerts with List-Unsubscribe, newsletters in
HTML, and every twentieth message with a 200 KB PDF attachment. Then a child process
runs ``secondchance.importers.mail.scan`` over it and prints, at 2,500, 5,000 and
10,000 messages, the rate so far, the resident memory then and the peak. It asserts
nothing. ``python benchmarks/import_mail.py [--messages N] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid
from pathlib import Path

REJECTIONS = (
    "Thank you for your application for the {role} position. After careful review, we have "
    "decided to move forward with other candidates.",
    "Vielen Dank für Ihre Bewerbung als {role}. Leider haben wir uns für eine andere "
    "Kandidatin entschieden.",
    "Merci pour votre candidature au poste de {role}. Nous ne pouvons pas donner une suite "
    "favorable à votre candidature.",
    "Gracias por tu candidatura para el puesto de {role}. Hemos decidido continuar con otros "
    "candidatos.",
    "Bedankt voor je sollicitatie voor de functie {role}. We hebben besloten om niet verder "
    "te gaan met je sollicitatie.",
)
OTHERS = (
    "Thanks for applying to the {role} role. We have received your application.",
    "We'd like to invite you to an interview for the {role} role. Please share your availability.",
    "Unfortunately, your flight has been cancelled. We have rebooked you.",
)
ROLES = ("Data Engineer", "Product Manager", "Backend Developer", "UX Designer", "SRE")
FILLER = (
    "We are a fast-growing company building tools for teams everywhere. Our culture values "
    "curiosity, ownership and kindness. "
) * 12
CHECKPOINTS = (2_500, 5_000, 10_000)


def message(index: int, rng: random.Random) -> bytes:
    company = f"Company{index % 700}"
    role = rng.choice(ROLES)
    date = datetime(2024, 1, 1, 9, tzinfo=UTC) + timedelta(hours=index)
    link = f"https://boards.greenhouse.io/{company.lower()}/jobs/{index}"
    kind = index % 10
    if kind < 2:
        text = rng.choice(REJECTIONS).format(role=role) + "\n\n" + FILLER
        sender = f"{company} Hiring Team <no-reply@greenhouse.io>"
    elif kind < 5:
        text = f"Your job alert: 25 new jobs for {role}. {company} is hiring.\n\n{FILLER}"
        sender = "LinkedIn Job Alerts <jobalerts-noreply@linkedin.com>"
    else:
        text = rng.choice(OTHERS).format(role=role) + "\n\n" + FILLER
        sender = f"{company} Recruiting <jobs@{company.lower()}.example>"
    html = f"<html><body><p>{text}</p><a href='{link}'>Jobs</a></body></html>"
    shape = index % 4
    if shape == 0:
        msg: MIMEText | MIMEMultipart = MIMEText(text, "plain", "utf-8")
    elif shape == 1:
        msg = MIMEText(html, "html", "utf-8")
    else:
        msg = MIMEMultipart("alternative")
        msg.attach(MIMEText(text, "plain", "utf-8"))
        msg.attach(MIMEText(html, "html", "utf-8"))
    if index % 20 == 0:
        outer = MIMEMultipart("mixed")
        outer.attach(msg)
        outer.attach(MIMEApplication(rng.randbytes(200_000), "pdf", Name="cv.pdf"))
        msg = outer
    msg["From"] = sender
    msg["To"] = "me@example.org"
    msg["Subject"] = f"Your application for {role} at {company}"
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = make_msgid(domain="bench.example")
    if 2 <= kind < 5:
        msg["List-Unsubscribe"] = "<https://www.linkedin.com/unsub>"
    body = msg.as_bytes().replace(b"\nFrom ", b"\n>From ")
    return (
        b"From bench@example "
        + date.strftime("%a %b %d %H:%M:%S %Y").encode()
        + b"\n"
        + body
        + b"\n\n"
    )


def write_mbox(path: Path, count: int) -> None:
    rng = random.Random(1)
    with path.open("wb") as handle:
        for index in range(count):
            handle.write(message(index, rng))


def rss_mb() -> float:
    with Path("/proc/self/statm").open() as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def scan_and_report(path: Path) -> None:
    from secondchance.importers.mail import scan

    start = time.perf_counter()
    rows: dict[int, str] = {}

    def progress(read: int, found: int) -> None:
        if read in CHECKPOINTS and read not in rows:
            elapsed = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
            rows[read] = (
                f"{read:>8,} {found:>7,} {elapsed:>8.1f} {read / elapsed:>8.0f} "
                f"{rss_mb():>8.1f} {peak:>8.1f}"
            )

    problems = sum(
        1 for item in scan([str(path)], progress=progress) if not hasattr(item, "company")
    )
    print(f"{'messages':>8} {'found':>7} {'seconds':>8} {'msg/s':>8} {'RSS MB':>8} {'peak MB':>8}")
    print("\n".join(rows.values()))
    print(f"problems: {problems}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="write the mbox here and keep it")
    parser.add_argument("--scan", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scan:
        scan_and_report(args.scan)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bench.mbox"
        write_mbox(path, args.messages)
        print(
            f"{args.messages:,} messages, {path.stat().st_size / 1e6:.0f} MB mbox; "
            f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}"
        )
        # A fresh process, so the peak is the scan's alone.
        subprocess.run([sys.executable, __file__, "--scan", str(path)], check=True)


if __name__ == "__main__":
    main()
