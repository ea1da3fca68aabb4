# ruff: noqa: E501  (tables of patterns: one pattern a line reads best)
"""The classifier's tables: what a rejection says, in each language, and what weighs
against it. Patterns are matched on lower-cased text with typographic apostrophes made
plain; tests/importers/test_mail_corpus.py measures them on mails never used to tune them.
"""

from __future__ import annotations

import re


def _all(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


_OTHER_EN = r"(?:other|another|a different|more suitable|more qualified|stronger) "
_PEOPLE_EN = r"(?:candidates?|applicants?|people|individuals?|profiles?|person)"
_GO_EN = r"(?:move|moving|go|going|proceed|proceeding|progress|progressing|advance|advancing|continue|continuing)"

DECISIONS: tuple[re.Pattern[str], ...] = _all(
    # English
    rf"\b{_GO_EN} (?:forward )?with {_OTHER_EN}{_PEOPLE_EN}",
    rf"\b(?:pursue|pursuing|proceed with|proceeding with|go with|going with|selected|chosen|chose|hire|hired|hiring|offer(?:ed)? the (?:role|position|job) to) (?:an?other|other|a different|a more|more) (?:\w+ )?{_PEOPLE_EN}",
    rf"\b(?:not|n't|unable to|not able to|not be) (?:be )?{_GO_EN} (?:forward |further )?(?:with|in) (?:your|you|the|this) (?:application|candidacy|candidature|process|recruitment|hiring)",
    rf"\b(?:won't|will not|not|unable to) (?:be )?{_GO_EN} (?:forward|further)\b",
    rf"\bdecided (?:not to|against) (?:{_GO_EN}|pursu\w+|offer\w*|extend\w*|invit\w+)",
    r"\b(?:decided|chosen|opted) to (?:go|move) (?:in )?(?:a different|another) direction",
    r"\b(?:position|role|vacancy|opening|job|req(?:uisition)?) (?:has|have|had) (?:now |already |since )?been (?:filled|closed|cancelled)",
    r"\bwe (?:have|'ve) (?:now |already )?filled (?:the|this) (?:position|role|vacancy)",
    r"\b(?:have|has|were|was) not been (?:selected|shortlisted|successful|chosen)",
    r"\b(?:were|was|are) not (?:selected|shortlisted|successful|chosen)\b",
    r"\b(?:your )?(?:application|candidacy) (?:was|has been|is) (?:unsuccessful|declined|rejected|not successful)",
    r"\bnot (?:be )?(?:able|in a position) to (?:offer you|extend an offer|move forward|proceed|progress)",
    r"\bwill not be (?:offering|extending|inviting|progressing|considering)\b",
    r"\b(?:no longer|not) (?:being )?considered (?:for|further)",
    r"\bnot (?:to )?(?:progress|proceed with|pursue) your (?:application|candidacy)",
    r"\bregret to (?:inform|tell|let) you (?:know )?that (?:we|you|your|the)",
    rf"\b{_GO_EN} (?:forward )?with (?:the )?(?:candidates|applicants|others|people|profiles) (?:whose|who|that)\b",
    # German
    r"\bfür (?:einen? |eine )?(?:anderen? |andere )(?:kandidat|kandidatin|bewerber|bewerberin|person)\w* entschieden",
    r"\b(?:anderen|andere|anderer|einem anderen|einer anderen) (?:kandidat|kandidatin|bewerber|bewerberin)\w* (?:den vorzug|zu besetzen|ausgewählt|entschieden|gewählt)",
    r"\bmit (?:einem|einer) (?:anderen|andere) (?:kandidat|kandidatin|bewerber|bewerberin)\w* (?:zu )?besetz",
    r"\b(?:stelle|position|vakanz) (?:wurde|ist|wurden) (?:\w+ ){0,3}besetzt",
    r"\banderweitig (?:zu )?besetz",
    r"\b(?:eine )?absage (?:erteilen|geben|mitteilen|aussprechen)",
    r"\bkeine (?:zusage|positive\w* (?:rückmeldung|nachricht|antwort))",
    r"\bnicht (?:weiter |mehr |länger )?(?:berücksichtigen|berücksichtigt|weiterverfolgen|weiter verfolgen|in betracht)",
    r"\bnicht in die (?:engere|nächste) (?:auswahl|runde)",
    r"\bgegen (?:ihre|deine|eine weitere) (?:bewerbung|berücksichtigung|zusammenarbeit) entschieden",
    r"\b(?:nicht|ihnen keine) (?:für sie|für dich) entschieden",
    r"\bnicht (?:weiter )?(?:im|in den) (?:auswahlverfahren|bewerbungsprozess|prozess) (?:berücksichtigen|fortfahren|weitergehen)",
    r"\b(?:bewerbung|kandidatur) (?:leider )?nicht (?:weiter )?(?:berücksichtigen|fortführen|weiterverfolgen|in betracht ziehen)",
    r"\bentschieden,? (?:\w+ ){0,3}nicht (?:\w+ ){0,4}(?:weiterzumachen|fortzusetzen|fortzufahren|weiterzugehen|zu berücksichtigen|weiterzuverfolgen|einzuladen|einzustellen)",
    # French
    r"\b(?:pas|ne|n')\W?(?:\w+ ){0,4}(?:une )?suite favorable",
    r"\b(?:ne|n')\W?(?:\w+ ){0,3}pas (?:\w+ ){0,2}(?:y )?donner suite",
    r"\bsuite (?:défavorable|négative)",
    r"\b(?:retenu|sélectionné|choisi|privilégié) (?:un|une|d')\W?(?:\w+ )?(?:autres? )?(?:candidat|candidate|candidats|candidates|profil|profils)\b",
    r"\b(?:candidature|profil) n'a (?:malheureusement )?pas été (?:retenu|retenue|sélectionné|sélectionnée)",
    r"\bpas (?:été )?(?:retenu|retenue) (?:votre|ta) candidature",
    r"\bne (?:pas |pouvons pas |pourrons pas )?retenir (?:votre|ta) candidature",
    r"\bpoursuivre (?:le processus |l'aventure |notre processus )?avec (?:d'autres|un autre|une autre) (?:candidat|profil)",
    r"\ble poste (?:a|est) (?:déjà |désormais |été )*(?:été )?pourvu",
    r"\bnous ne (?:poursuivrons|donnerons) pas\b",
    # Spanish
    r"\b(?:continuar|seguir|avanzar|proseguir) (?:adelante )?(?:el proceso )?con otr[oa]s? (?:candidat|perfil|person)",
    r"\b(?:optado|decidido|elegido|seleccionado|inclinado) (?:por )?(?:otr[oa]s?|a otr[oa]s?) (?:candidat|perfil|person)",
    r"\bno (?:has|ha|han) sido (?:seleccionad|elegid|escogid|preseleccionad)",
    r"\bno (?:avanzar|continuar|seguir(?: adelante)?|proseguir) con (?:tu|su) (?:candidatura|proceso|aplicación|solicitud)",
    r"\bno (?:podemos|vamos a|podremos) (?:continuar|seguir|avanzar|proseguir) con (?:tu|su) (?:candidatura|proceso|aplicación|solicitud)",
    r"\b(?:vacante|puesto|posición|posicion|plaza) (?:ya )?(?:ha|han) sido (?:cubiert|ocupad)",
    r"\b(?:vacante|puesto|posición|plaza) (?:ya )?(?:está|esta) cubiert",
    r"\b(?:tu|su) candidatura no (?:ha )?(?:sido seleccionada|avanzará|continuará|ha prosperado|prosperará)",
    r"\bno (?:has|ha) superado",
    # Dutch
    r"\bbesloten (?:om )?(?:niet|je niet|u niet|jou niet|jouw sollicitatie niet|uw sollicitatie niet) (?:verder|door|mee)",
    r"\bbesloten (?:om )?(?:niet|je niet|u niet) (?:uit te nodigen|aan te nemen|te selecteren)",
    r"\b(?:gekozen|gegaan|besloten) (?:om )?(?:voor|met) (?:een |de )?(?:andere|ander) (?:kandida|sollicitant|profiel)",
    r"\b(?:andere|een andere) (?:kandida\w*|sollicitant\w*) (?:gekozen|geselecteerd|aangenomen)",
    r"\bniet (?:verder|door) (?:te )?(?:gaan|gegaan) met (?:je|jouw|uw) (?:sollicitatie|kandidatuur)",
    r"\b(?:vacature|functie|positie) is (?:inmiddels |al |reeds )?(?:vervuld|ingevuld|gesloten)",
    r"\b(?:sollicitatie|kandidatuur) niet (?:in behandeling nemen|verder in behandeling|verder)",
    r"\bniet (?:in aanmerking|geselecteerd)\b",
    r"\b(?:je|u|jou) (?:helaas )?(?:niet|geen) (?:uitnodigen|verder|aannemen)",
)

CONTEXT: tuple[re.Pattern[str], ...] = _all(
    r"\b(?:application|applying|applied|candidacy|candidate|interview\w*|position|role|vacancy|recruit\w*|hiring|talent|opening|job)\b",
    r"\b(?:bewerbung|bewerber\w*|stelle|position|vorstellungsgespräch|kandidat\w*|auswahlverfahren)\b",
    r"\b(?:candidature|candidat\w*|poste|recrutement|entretien\w*)\b",
    r"\b(?:candidatura|candidat[oa]s?|puesto|vacante|entrevista|selección|proceso)\b",
    r"\b(?:sollicitatie|sollicitant|vacature|functie|kandida\w*|gesprek)\b",
)

PERSONAL_CONTEXT: tuple[re.Pattern[str], ...] = _all(
    r"\b(?:your|ihre|deine|dein|ihr|votre|ta|tu|su|je|jouw|uw) (?:application|candidacy|interest|bewerbung|interesse|candidature|candidatura|sollicitatie|kandidatuur|perfil|profil|profile)\b",
    r"\bthank(?:s| you) for (?:your )?(?:applying|interviewing|your time|taking the time|speaking|meeting)",
    r"\b(?:vielen dank|danke) für (?:ihre|deine|ihr|dein|das)",
    r"\b(?:merci|nous vous remercions) (?:pour|de)",
    r"\bgracias por (?:tu|su|participar|el interés|aplicar)",
    r"\bbedankt voor (?:je|jouw|uw|het)",
)

# (pattern, weight): what weighs against a rejection.
NEGATIVES: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        # offers
        (
            r"\b(?:pleased|thrilled|delighted|happy|excited) to (?:extend |make )?(?:you )?(?:an |the |a formal )?offer",
            -6,
        ),
        (r"\boffer letter\b", -3),
        (
            r"\bfreuen uns,? (?:ihnen|dir) (?:ein angebot|die stelle|eine zusage|mitzuteilen, dass wir)",
            -6,
        ),
        (
            r"\b(?:heureux|heureuse|ravis?|ravie) de vous (?:proposer|offrir|annoncer|accueillir)",
            -6,
        ),
        (r"\b(?:nos complace|encantad[oa]s de) (?:ofrecer|comunicar|informar)", -6),
        (r"\b(?:blij|verheugd) (?:je|jou|u) (?:een aanbod|de functie|aan te bieden)", -6),
        # interviews, their scheduling, and moving forward with you
        (
            r"\b(?:invite you to|like to invite you|schedule (?:a|an|your) (?:call|interview|chat|meeting)|reschedul\w*|your availability|move forward with you\b|next step (?:is|will be))",
            -3,
        ),
        (
            r"\b(?<!nicht )(?:einladen|einzuladen|einladung zu|termin verschieben|termin verlegen)\b",
            -3,
        ),
        (r"\b(?:vous inviter|vous rencontrer|convier|reporter (?:l'|votre )?entretien)", -3),
        (r"\b(?:invitarte|invitarle|reprogramar|agendar|coordinar una entrevista)", -3),
        (r"\b(?<!niet )(?:uitnodigen|uit te nodigen|uitnodiging voor|verzetten)\b", -3),
        # recruiter outreach
        (
            r"\b(?:came across your profile|open to a (?:quick )?(?:chat|call)|would you be (?:open|interested)|my client)",
            -3,
        ),
    )
)

# A job alert, whoever words it: never a rejection.
ALERT_SENDERS: tuple[re.Pattern[str], ...] = _all(
    r"job[-_.]?alerts?",
    r"jobagent",
    r"^alert@indeed\.",
    r"@(?:[\w-]+\.)*glassdoor\.\w+$",
    r"@(?:[\w-]+\.)*ziprecruiter\.\w+$",
    r"^(?:jobs-listings|jobs-recommendations|jobrecommendations)@",
)
ALERT_WORDS: tuple[re.Pattern[str], ...] = _all(
    r"\bjob alert",
    r"\b(?:new|recommended|similar|more) jobs\b",
    r"\bjobs (?:for you|you may be interested in|matching|near you)",
    r"\bis hiring\b",
    r"\b(?:neue |passende )?stellenangebote\b",
    r"\boffres d'emploi\b",
    r"\bnuevas ofertas\b",
    r"\b(?:nieuwe |passende )?vacatures voor (?:jou|u)\b",
)
