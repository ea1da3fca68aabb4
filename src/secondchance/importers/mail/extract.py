"""What a rejection mail says about the rejection (pure): the company, the role, the
stage it ended at, who signed it, and the company's board when a link reveals it.

Links are only read, never fetched: ``boards.recognise`` knows every board URL shape
``discover --offline`` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from secondchance.importers.boards import recognise
from secondchance.importers.found import Board
from secondchance.importers.mail import people
from secondchance.importers.mail.message import Mail

_ROLE_TEXT = r"([^\n.,;:!?()\"“”«»]{2,80}?)"
_ROLE_END = (
    r"(?=\s+(?:position|role|job|opening|vacancy|opportunity|stelle|position)\b|\s+(?:at|with|"
    r"bei|chez|en|bij|in unserem|in unserer|dans|au sein|auprès|in our|here)\s|\s*[.,;:!?()\n]|"
    r"\s+[-–—|]\s|\s*$)"
)
# A title named before "position" or "role": "the Senior Data Engineer position".
_ROLE_NAMED = re.compile(
    r"(?i:\b(?:for|to|in|as|of) (?:the|our|a|an|this) )"
    r"([^\n.,;:!?()\"“”]{2,80}?)\s+(?:position|role|job|opening|vacancy)\b"
)
# A title after the words that introduce it: "Ihre Bewerbung als …", "au poste de …".
_ROLE_AFTER = re.compile(
    r"(?i:\b(?:application for(?: the)?(?: position of| role of)?|applied for(?: the)?|"
    r"applying for(?: the)?|"
    r"bewerbung (?:als|für die stelle als|für die position als|auf die stelle als)|"
    r"stelle als|position als|poste de|poste d'|puesto de|posición de|vacante de|"
    r"functie(?: van)?|vacature(?: van)?|candidature\s*[-–:]|application\s*[-–:]|"
    r"bewerbung\s*[-–:]|"
    r"candidatura\s*[-–:]|sollicitatie\s*[-–:])\s+)" + _ROLE_TEXT + _ROLE_END
)
_ROLE_STOP = re.compile(r"(?i)^(?:the|a|an|our|your|this|de|la|le|el|het|die|der|uns|us)$")

_STAGES: tuple[tuple[str, str], ...] = (
    (
        r"final (?:round|interview|stage)|last round|finalrunde|letzte[n]? runde|"
        r"finalen? gespräch|dernier entretien|entretien final|ronda final|"
        r"entrevista final|última entrevista|"
        r"laatste (?:ronde|gesprek)|eindgesprek",
        "final round",
    ),
    (r"on-?site", "onsite"),
    (
        r"phone (?:screen|interview|call)|screening call|recruiter (?:call|screen)|"
        r"telefoninterview|telefonat|telefongespräch|entretien téléphonique|entrevista telefónica|"
        r"telefonisch gesprek|telefonische kennismaking",
        "phone screen",
    ),
    (
        r"technical (?:interview|round)|coding interview|technische[sn]? (?:interview|gespräch)|"
        r"fachgespräch|entretien technique|entrevista técnica|technisch gesprek",
        "technical interview",
    ),
    (
        r"take-?home|coding challenge|case study|probeaufgabe|fallstudie|cas pratique|"
        r"prueba técnica|opdracht",
        "take-home",
    ),
    (
        r"second (?:interview|round)|zweite[sn]? (?:gespräch|runde)|second entretien|"
        r"segunda entrevista|tweede (?:gesprek|ronde)",
        "second interview",
    ),
    (r"interview|vorstellungsgespräch|gespräch|entretien|entrevista|gesprek", "interview"),
)
_STAGE = tuple((re.compile(rf"\b(?:{p})\w*"), label) for p, label in _STAGES)
_NEGATED = re.compile(r"\b(?:not|no|nicht|kein\w*|pas|niet|geen)\b[^.]{0,40}$")


@dataclass(frozen=True, slots=True)
class Fields:
    company: str | None
    role: str | None
    stage: str | None
    contact: str | None
    board: Board | None


def extract(mail: Mail) -> Fields:
    board = board_of(mail.links)
    company = people.company(
        mail.sender_name, mail.sender_address, mail.subject, mail.text,
        board.token.split("/")[0] if board else None,
    )  # fmt: skip
    return Fields(
        company=company,
        role=role(mail.subject, mail.text, company),
        stage=stage(f"{mail.subject}\n{mail.text}"),
        contact=people.contact(mail.sender_name, mail.sender_address, mail.text, company),
        board=board,
    )


def role(subject: str, text: str, company: str | None) -> str | None:
    """The role applied for, as the mail names it."""
    for source in (text, subject):
        for pattern in (_ROLE_NAMED, _ROLE_AFTER):
            for match in pattern.finditer(source):
                found = _tidy(match.group(1), company)
                if found:
                    return found
    segments = people.subject_segments(subject)
    if company and len(segments) == 2:
        folded = people.fold(company)
        others = [s for s in segments if people.fold(s) != folded]
        if len(others) == 1 and len(others[0].split()) <= 6 and others[0][:1].isupper():
            return _tidy(others[0], company)
    return None


def _tidy(found: str, company: str | None) -> str | None:
    found = re.sub(r"(?i)^(?:the|our|a|an|this|de|la|le|el|het|die|der)\s+", "", found.strip())
    found = found.strip(" -–—'\"")
    words = found.split()
    if not words or len(words) > 10 or _ROLE_STOP.match(found):
        return None
    if company and people.fold(found) == people.fold(company):
        return None
    if not any(c.isupper() for c in found) and len(words) > 4:
        return None  # a phrase of the sentence, not a title
    return found


def stage(text: str) -> str | None:
    """The stage the process ended at, when the mail says it."""
    lowered = text.lower()
    for pattern, label in _STAGE:
        for match in pattern.finditer(lowered):
            if not _NEGATED.search(lowered[max(0, match.start() - 60) : match.start()]):
                return label
    return None


def board_of(links: Iterable[str]) -> Board | None:
    """The first board a link of the mail reveals."""
    for link in links:
        try:
            candidates = recognise(link)
        except Exception:  # a link too broken for a source's detect: not a board
            continue
        for candidate in candidates:
            token = _token(candidate.value)
            if token:
                return Board(candidate.kind, token)
    return None


def _token(value: object) -> str | None:
    """The watchlist value of a board (Workday: ``tenant/wdN/site``)."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        if {"tenant", "wd", "site"} <= value.keys():
            return f"{value['tenant']}/wd{value['wd']}/{value['site']}"
        parts = [str(v) for v in value.values() if v]
        return "/".join(parts) or None
    return None
