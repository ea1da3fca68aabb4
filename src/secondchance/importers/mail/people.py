"""Who sent a mail and who signed it (pure): the company from the sender's display
name, the ATS sender patterns, the body's own words and the sender's domain; the
contact when a person signed it.

Names are kept readable ("Elbwerk AG"); legal suffixes only matter where names are
compared (importers/merge.py), not here.
"""

from __future__ import annotations

import re
import unicodedata

# The applicant tracking systems that send mail for a company: their display name is
# the company's ("Acme Hiring Team"), unless it is the system's own brand.
ATS_DOMAINS = (
    "greenhouse.io", "greenhouse-mail.io", "lever.co", "ashbyhq.com", "myworkday.com",
    "myworkdayjobs.com", "smartrecruiters.com", "workablemail.com", "workable.com",
    "recruitee.com", "personio.de", "personio.com", "teamtailor.com", "teamtailor-mail.com",
    "bamboohr.com", "icims.com", "jobvite.com", "successfactors.com", "successfactors.eu",
    "taleo.net", "linkedin.com", "indeed.com", "indeedemail.com", "join.com", "breezy.hr",
    "jazzhr.com", "pinpointhq.com", "comeet-notifications.com", "welcometothejungle.com",
)  # fmt: skip
_BRANDS = {
    "greenhouse", "lever", "ashby", "workday", "smartrecruiters", "workable", "recruitee",
    "personio", "teamtailor", "bamboohr", "icims", "jobvite", "successfactors", "taleo",
    "linkedin", "indeed", "join", "welcome to the jungle", "breezy", "jazzhr", "pinpoint",
    "comeet", "no reply", "noreply", "no-reply", "notifications", "notification", "careers",
    "jobs", "recruiting", "talent", "hiring team", "me", "ich", "moi", "yo", "ik",
}  # fmt: skip
_FREEMAIL = {
    "gmail",
    "googlemail",
    "outlook",
    "hotmail",
    "yahoo",
    "gmx",
    "web",
    "icloud",
    "proton",
    "protonmail",
    "aol",
    "live",
    "mail",
    "example",
    "t-online",
    "orange",
}
# Words that name a team, not a company or a person, in a display name or a signature.
_TEAM = (
    r"talent acquisition|talent team|hiring team|people team|people operations|recruiting team|"
    r"recruitment team|human resources|recruiting|recruitment|recruiters?|careers?|hiring|"
    r"talents?|people|hr|jobs|team|karriere|personalabteilung|recrutement|rh|rrhh|"
    r"equipo de talento|equipo|talento|service rh|ressources humaines|werving|werken|"
    r"talent acquisition team|ta team|the|das team der|das team von|das|ihr|your|l'équipe|"
    r"l'equipe|équipe|el equipo de|het|de|der|von|team der|team von"
)
_TEAM_EDGE = re.compile(rf"(?i)^(?:(?:{_TEAM})\b[\s,:-]*)+|(?:[\s,:-]*\b(?:{_TEAM}))+$")
_WORD = r"[A-ZÀ-ÖØ-Þ0-9][\w&'’.-]*"
_NAME = rf"[A-ZÀ-ÖØ-Þ][\w&'’.-]*(?:[ -](?:{_WORD}|&|de|van|der|von|und|and|of|la|del)){{0,4}}"
_AFTER = (
    r"your application (?:to|at|with)|your interest in (?:joining |working (?:at|for|with) )?|"
    r"(?:role|position|job|opportunity|opening|career) (?:at|with)|applying (?:to|at)|"
    r"interview(?:ing)? (?:with|at)|joining|bei der|bei|chez|au sein de|candidature (?:à|a)|"
    r"candidatura (?:en|a|para)|trabajar (?:en|con)|sollicitatie (?:bij|aan)|werken bij|"
    r"interesse an (?:der|einer) (?:stelle|position|mitarbeit) bei|update from|news from"
)
_AFTER_NAME = re.compile(rf"(?i:\b(?:{_AFTER}))\s+(?:the )?({_NAME})")
# "Your application to Data Engineer at Contoso" (LinkedIn): the company follows the role.
_ROLE_AT_NAME = re.compile(
    rf"(?i:\byour application (?:to|for) )(?:the )?[^\n.]{{1,80}}? (?i:at|bei|chez|bij) ({_NAME})"
)
_SIGNATURE = re.compile(
    rf"(?m)^[ \t]*(?:The|Das Team der|Das Team von|Das|Ihr|Dein|Your|L'équipe|L’équipe|"
    rf"El equipo de|Equipo|Het|Team)?[ \t]*({_NAME})[ \t]*$"
)
_STOP = {
    "dear", "hi", "hello", "hallo", "hey", "thank", "thanks", "we", "i", "you", "unfortunately",
    "sie", "ihnen", "ihre", "ihr", "wir", "leider", "vielen", "bonjour", "nous", "vous", "hola",
    "gracias", "beste", "geachte", "helaas", "best", "regards", "sincerely", "cheers", "kind",
    "mit", "viele", "freundliche", "cordialement", "saludos", "atentamente", "groeten", "met",
    "this", "our", "your", "the", "a", "an", "un", "una", "el", "la", "le", "les", "der", "die",
    "senior", "junior", "sehr", "estimado", "estimada", "madame", "monsieur", "recruiter",
    "applicant", "candidate", "team", "fyi", "re", "fwd", "aw", "wg", "tr", "rv", "all",
    "good", "luck", "lots", "liebe", "lieber", "guten", "tag", "salut", "bien", "buenos",
}  # fmt: skip
_CLOSING = re.compile(
    r"(?i)^(?:best|best regards|kind regards|warm regards|regards|cheers|thanks|thank you|"
    r"sincerely|all the best|best of luck|best wishes|mit freundlichen grüßen|"
    r"mit freundlichen grüssen|viele grüße|beste grüße|freundliche grüße|liebe grüße|"
    r"herzliche grüße|grüße|gruß|cordialement|bien cordialement|bien à vous|salutations|"
    r"saludos|un saludo|saludos cordiales|atentamente|un cordial saludo|"
    r"met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|groeten|hartelijke groet)\W*$"
)
_PERSON_WORD = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+|de|van|der|von|da|la|del|di|le)$")


def fold(text: str) -> str:
    """Lower case, accents and everything but letters and digits gone: for comparing."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def is_ats(address: str) -> bool:
    domain = domain_of(address)
    return any(domain == d or domain.endswith("." + d) for d in ATS_DOMAINS)


def is_no_reply(address: str) -> bool:
    local = address.partition("@")[0].lower()
    return bool(
        re.search(r"no[-_.]?reply|do[-_.]?not[-_.]?reply|notifications?|mailer|bounce", local)
    )


_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# Names that are no public web site of a company (RFC 2606 and private networks).
_PRIVATE_TLDS = {
    "local", "localhost", "internal", "lan", "home", "corp", "invalid", "test", "example",
}  # fmt: skip


def site(address: str) -> str | None:
    """The company's own web address, from the sender's domain (``jobs.acme.co.uk`` →
    ``https://acme.co.uk``): None for an ATS, a mail provider, a reserved or private
    name, or an address whose domain is not a plain host name (an IP address)."""
    labels = domain_of(address).strip(".").split(".")
    if len(labels) < 2 or is_ats(address) or _domain_label(address) in _FREEMAIL:
        return None
    if not all(_LABEL.fullmatch(label) for label in labels):
        return None
    if labels[-1].isdigit() or labels[-1] in _PRIVATE_TLDS:
        return None
    keep = 3 if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "ac") else 2
    return "https://" + ".".join(labels[-keep:])


def _domain_label(address: str) -> str:
    labels = domain_of(address).split(".")
    if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "ac"):
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else ""


def clean(name: str) -> str:
    """A display name or a signature without its team words: "Acme Hiring Team" → Acme."""
    previous = None
    name = name.strip(" \t,.:;-–—|\"'")
    while previous != name:
        previous = name
        name = _TEAM_EDGE.sub("", name).strip(" \t,.:;-–—|\"'")
    return name


def looks_like_person(name: str, address: str = "") -> bool:
    """A plausible personal name: two to four capitalised words, no team words; or one
    word that is the sender address's own local part (nina@…)."""
    words = name.split()
    if clean(name) != name.strip() or not words:
        return False
    if len(words) == 1:
        local = fold(address.partition("@")[0])
        return bool(local) and fold(name) == local and fold(name) != fold(_domain_label(address))
    if len(words) > 4 or not all(_PERSON_WORD.match(w) for w in words):
        return False
    if address and fold(name) == fold(_domain_label(address)):
        return False
    local = fold(address.partition("@")[0])
    return not address or any(len(fold(w)) >= 3 and fold(w) in local for w in words)


def _good(candidate: str) -> str | None:
    # A sentence's full stop is not part of a name: "…role at Acme. After…".
    candidate = clean(re.split(r"\.\s", candidate, maxsplit=1)[0].strip(" .,;:!?"))
    words = candidate.split()
    if not words or fold(words[0]) in _STOP or fold(candidate) in _STOP or len(words) > 5:
        return None
    if fold(candidate) in {fold(b) for b in _BRANDS}:
        return None
    return candidate


def company(name: str, address: str, subject: str, text: str, board: str | None) -> str | None:
    """The company a mail speaks for, or None when nothing says."""
    display = clean(name)
    label = fold(_domain_label(address))
    from_display = None
    if (
        display
        and fold(display) not in {fold(b) for b in _BRANDS}
        and (is_ats(address) or not looks_like_person(name, address))
        and (is_ats(address) or not _namey(display) or _same_as_domain(display, label))
    ):
        from_display = _good(display)
    said = f"{_strip_prefix(subject)}\n{text}"
    spoken = [m.group(1) for m in _ROLE_AT_NAME.finditer(said)]
    spoken += [m.group(1) for m in _AFTER_NAME.finditer(said)]
    signed = [m.group(1) for m in _SIGNATURE.finditer(text) if _TEAM_EDGE.search(m.group(0))]
    # Under a closing ("Kind regards,"), a line that is no person may be the company's
    # full name: it only ever lengthens the display name's ("Kranich" → "Kranich Bank AG").
    signed_off = [
        c for c in (_good(s) for s in _signed_off(text) if not looks_like_person(s, address)) if c
    ]
    in_domain = [
        c
        for c in _segments(subject) + spoken + signed
        if label and fold(c) == label and not is_ats(address)
    ]
    candidates = [c for c in (_good(c) for c in in_domain + spoken + signed) if c]
    if from_display:
        longer = [c for c in candidates + signed_off if c.startswith(from_display + " ")]
        return longer[0] if longer else from_display
    if candidates:
        return candidates[0]
    if board:
        return board if not board.islower() else board.capitalize()
    if label and not is_ats(address) and label not in _FREEMAIL:
        return " ".join(w.capitalize() for w in _domain_label(address).split("-"))
    return None


def _namey(name: str) -> bool:
    """Two to four capitalised words and nothing else: a person as much as a company
    ("Jane Doe", "Hafen Logistik"); the sender's domain tells which."""
    words = name.split()
    return 2 <= len(words) <= 4 and all(_PERSON_WORD.match(w) for w in words)


def _same_as_domain(name: str, label: str) -> bool:
    folded = fold(name)
    first = fold(name.split()[0])
    return bool(label) and (folded.startswith(label) or label.startswith(first))


def _strip_prefix(subject: str) -> str:
    return re.sub(r"(?i)^(?:\s*(?:re|fwd?|aw|wg|tr|rv|sv)\s*:\s*)+", "", subject).strip()


def _segments(subject: str) -> list[str]:
    return [s.strip() for s in re.split(r"\s+[-–—|:]\s+", _strip_prefix(subject)) if s.strip()]


def subject_segments(subject: str) -> list[str]:
    """The parts of "Company - Role" subjects."""
    return _segments(subject)


def contact(name: str, address: str, text: str, company_name: str | None) -> str | None:
    """The person who signed the mail, never a team or a no-reply address's name."""
    taken = fold(company_name or "")

    def fits(candidate: str, sender: str) -> bool:
        folded = fold(candidate)
        return (
            len(candidate.split()) >= 2
            and looks_like_person(candidate, sender)
            and bool(folded)
            and (not taken or (taken not in folded and folded not in taken))
        )

    if not is_no_reply(address) and not is_ats(address) and fits(name, address):
        return name
    return next((signer for signer in _signed_off(text) if fits(signer, "")), None)


def _signed_off(text: str) -> list[str]:
    """The lines under a closing ("Best regards,"), up to a comma."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return [
        lines[index + 1].split(",")[0].strip()
        for index, line in enumerate(lines[:-1])
        if _CLOSING.match(line)
    ]
