"""Held out from tuning: written before the classifier, and never looked at while its
phrases were tuned (tests/importers/test_mail_corpus.py measures precision and recall
on it). Do not edit these cases to make the classifier pass; add new ones to tuning.py.
"""

from __future__ import annotations

from .builder import Case

R = "rejection"

CASES: tuple[Case, ...] = (
    # --- English rejections ---
    Case(
        "en-gh-final",
        R,
        "Northwind Hiring Team <no-reply@greenhouse.io>",
        "Your application to Northwind",
        "Hi Sam,\n\nThank you for taking the time to interview for the Staff Platform Engineer "
        "role at Northwind. After the final round, we have decided to move forward with other "
        "candidates whose experience more closely matches our needs.\n\nWe wish you the best "
        "in your search.\n\nThe Northwind Talent Team",
        links=("https://boards.greenhouse.io/northwind",),
        shape="multipart",
        expect={"company": "Northwind", "stage": "final round", "board": "greenhouse:northwind"},
    ),
    Case(
        "en-filled",
        R,
        "Bluefin Careers <careers@bluefin.io>",
        "Update on your application",
        "Dear Alex,\n\nThank you for your application for the Product Designer position. "
        "We wanted to let you know that the position has been filled.\n\nKind regards,\n"
        "Bluefin",
        shape="qp",
        expect={"company": "Bluefin", "role": "Product Designer"},
    ),
    Case(
        "en-not-proceed",
        R,
        "Maria Lopez <maria.lopez@quartzlabs.com>",
        "Quartz Labs - Backend Engineer",
        "Hi Jordan,\n\nThanks again for speaking with us after the phone screen. Unfortunately, "
        "we will not be proceeding with your application at this time.\n\nBest,\nMaria Lopez\n"
        "Recruiter, Quartz Labs",
        expect={"stage": "phone screen", "contact": "Maria Lopez"},
    ),
    Case(
        "en-other-direction",
        R,
        "Lever <no-reply@hire.lever.co>",
        "Thank you for your interest in Tidewater",
        "Hi Robin,\n\nThank you for your interest in the Data Analyst role at Tidewater. After "
        "careful consideration, we've decided to go in a different direction.\n\nBest of luck,"
        "\nTidewater Recruiting",
        links=("https://jobs.lever.co/tidewater",),
        shape="html",
        expect={"company": "Tidewater", "board": "lever:tidewater"},
    ),
    Case(
        "en-not-selected",
        R,
        "Orbital Recruiting <jobs@orbital.dev>",
        "Your Orbital application",
        "Hello,\n\nWe appreciate your interest in joining Orbital. We regret to inform you that "
        "you have not been selected for the Site Reliability Engineer position.\n\nRegards,\n"
        "Orbital People Team",
        shape="base64",
        expect={"company": "Orbital"},
    ),
    Case(
        "en-other-applicants",
        R,
        "Ashby <no-reply@ashbyhq.com>",
        "Update from Pinecrest",
        "Hi Casey,\n\nThanks for applying to the Machine Learning Engineer role at Pinecrest. "
        "We received many strong applications and, unfortunately, we have chosen to pursue "
        "other applicants for this role.\n\nThe Pinecrest Team",
        links=("https://jobs.ashbyhq.com/pinecrest",),
        shape="multipart",
        expect={"company": "Pinecrest", "board": "ashby:pinecrest"},
    ),
    Case(
        "en-not-moving-forward",
        R,
        "Ember Talent <talent@emberhealth.com>",
        "Ember Health — your application",
        "Hi Dana,\n\nThank you for applying. Unfortunately we won't be moving forward with your "
        "candidacy for the Senior Frontend Engineer position.\n\nAll the best,\nEmber Health",
        shape="rfc2047",
        expect={"company": "Ember Health"},
    ),
    Case(
        "en-forwarded",
        R,
        "Me <me@example.org>",
        "Fwd: Your application at Granite",
        "Hi Lee,\n\nThank you for your interest in Granite. After reviewing your application, "
        "we have decided not to move forward at this time.\n\nGranite Recruiting",
        shape="forwarded",
        expect={"company": "Granite"},
    ),
    Case(
        "en-replied",
        R,
        "Nina Park <nina@saltmarsh.co>",
        "Re: Saltmarsh - Engineering Manager",
        "Hi Chris,\n\nI'm sorry to say that we've decided to offer the role to another candidate."
        "\n\nNina Park",
        shape="replied",
        expect={"contact": "Nina Park"},
    ),
    Case(
        "en-wd",
        R,
        "Vantage Careers <vantage@myworkday.com>",
        "Regarding your application for Cloud Architect",
        "Dear Applicant,\n\nThank you for your interest in the Cloud Architect position at "
        "Vantage. We have carefully reviewed your application and regret to inform you that we "
        "will be pursuing other candidates.\n\nSincerely,\nVantage Talent Acquisition",
        links=("https://vantage.wd5.myworkdayjobs.com/en-US/Careers/job/x",),
        shape="html",
        expect={"company": "Vantage", "board": "workday:vantage/wd5/Careers"},
    ),
    # --- German rejections ---
    Case(
        "de-andere-kandidatin",
        R,
        "Lindenhof Recruiting <jobs@lindenhof.de>",
        "Ihre Bewerbung bei der Lindenhof GmbH",
        "Sehr geehrte Frau Weber,\n\nvielen Dank für Ihre Bewerbung als Projektmanagerin. Nach "
        "sorgfältiger Prüfung haben wir uns für eine andere Kandidatin entschieden.\n\nMit "
        "freundlichen Grüßen\nIhr Lindenhof Team",
        lang="de",
        shape="latin-1",
        expect={"company": "Lindenhof", "role": "Projektmanagerin"},
    ),
    Case(
        "de-nicht-beruecksichtigen",
        R,
        "Personio <noreply@personio.de>",
        "Ihre Bewerbung",
        "Hallo Herr Schmidt,\n\nvielen Dank für Ihr Interesse an der Stelle als Data Scientist. "
        "Leider müssen wir Ihnen mitteilen, dass wir Ihre Bewerbung nicht weiter "
        "berücksichtigen können.\n\nViele Grüße\nDas Team der Elbwerk AG",
        lang="de",
        links=("https://elbwerk.jobs.personio.de/job/1",),
        shape="multipart",
        expect={"board": "personio:elbwerk"},
    ),
    Case(
        "de-absage-nach-gespraech",
        R,
        "Katrin Vogel <k.vogel@bergmann-software.de>",
        "Absage",
        "Hallo Tim,\n\nvielen Dank noch einmal für das nette Vorstellungsgespräch. Leider "
        "müssen wir dir heute eine Absage erteilen.\n\nBeste Grüße\nKatrin Vogel",
        lang="de",
        shape="qp",
        expect={"contact": "Katrin Vogel"},
    ),
    Case(
        "de-anderer-bewerber",
        R,
        "Rheinblick Karriere <karriere@rheinblick.de>",
        "Ihre Bewerbung als Backend-Entwickler",
        "Sehr geehrter Herr Yilmaz,\n\nwir haben uns entschieden, die Position mit einem "
        "anderen Bewerber zu besetzen. Wir wünschen Ihnen für Ihre berufliche Zukunft alles "
        "Gute.\n\nMit freundlichen Grüßen\nRheinblick",
        lang="de",
        shape="iso-8859-15",
        expect={"company": "Rheinblick"},
    ),
    Case(
        "de-nicht-in-engere-auswahl",
        R,
        "Talent Team Sonnenberg <no-reply@smartrecruiters.com>",
        "Rückmeldung zu Ihrer Bewerbung",
        "Guten Tag,\n\nleider konnten wir Sie nicht in die engere Auswahl nehmen.\n\nFreundliche "
        "Grüße\nIhr Sonnenberg Recruiting Team",
        lang="de",
        links=("https://jobs.smartrecruiters.com/Sonnenberg/12345",),
        shape="html",
        expect={"board": "smartrecruiters:Sonnenberg"},
    ),
    Case(
        "de-position-besetzt",
        R,
        "Kaiser Logistik <bewerbung@kaiser-logistik.de>",
        "Ihre Bewerbung",
        "Sehr geehrte Damen und Herren,\n\nvielen Dank für Ihre Bewerbung. Die Stelle wurde "
        "inzwischen anderweitig besetzt.\n\nMit freundlichen Grüßen\nKaiser Logistik",
        lang="de",
        shape="cp1252",
    ),
    # --- French rejections ---
    Case(
        "fr-suite-favorable",
        R,
        "Recrutement Lumière <recrutement@lumiere.fr>",
        "Votre candidature",
        "Bonjour,\n\nNous vous remercions pour votre candidature au poste de Chef de projet. "
        "Après étude de votre dossier, nous sommes au regret de vous informer que nous ne "
        "pouvons pas y donner une suite favorable.\n\nCordialement,\nL'équipe Lumière",
        lang="fr",
        shape="latin-1",
        expect={"company": "Lumière", "role": "Chef de projet"},
    ),
    Case(
        "fr-autre-candidat",
        R,
        "Camille Martin <camille.martin@brasserie-nord.fr>",
        "Candidature - Développeur Python",
        "Bonjour Paul,\n\nMerci pour le temps consacré à nos entretiens. Nous avons finalement "
        "retenu un autre candidat pour ce poste.\n\nBien à vous,\nCamille Martin",
        lang="fr",
        shape="qp",
        expect={"contact": "Camille Martin"},
    ),
    Case(
        "fr-pas-retenue",
        R,
        "Welcome to the Jungle <no-reply@teamtailor.com>",
        "Votre candidature chez Azur",
        "Bonjour,\n\nNous avons bien étudié votre profil et malheureusement votre candidature "
        "n'a pas été retenue.\n\nL'équipe Azur",
        lang="fr",
        links=("https://azur.teamtailor.com/jobs/99",),
        shape="html",
        expect={"board": "teamtailor:azur"},
    ),
    Case(
        "fr-ne-correspond-pas",
        R,
        "Talents Océane <jobs@oceane.fr>",
        "Suite à votre candidature",
        "Madame,\n\nNous avons le regret de vous annoncer que votre profil ne correspond pas "
        "aux besoins du poste. Nous ne donnerons donc pas suite à votre candidature.\n\n"
        "Cordialement,\nOcéane",
        lang="fr",
        shape="rfc2047",
    ),
    Case(
        "fr-poste-pourvu",
        R,
        "Groupe Vallée <rh@vallee.fr>",
        "Votre candidature",
        "Bonjour,\n\nNous vous informons que le poste a été pourvu.\n\nNous conservons "
        "toutefois votre CV.\n\nService RH, Groupe Vallée",
        lang="fr",
        shape="cp1252",
    ),
    # --- Spanish rejections ---
    Case(
        "es-otros-candidatos",
        R,
        "Equipo de Talento Solaris <talento@solaris.es>",
        "Tu candidatura en Solaris",
        "Hola Marta,\n\nGracias por tu interés. Tras revisar tu perfil, hemos decidido "
        "continuar con otros candidatos cuyo perfil se ajusta más a la posición.\n\nUn saludo,"
        "\nEquipo Solaris",
        lang="es",
        shape="latin-1",
    ),
    Case(
        "es-no-seleccionado",
        R,
        "Recruitee <no-reply@recruitee.com>",
        "Actualización sobre tu candidatura",
        "Hola,\n\nLamentamos informarte que no has sido seleccionado para el puesto de Analista "
        "de Datos.\n\nSaludos,\nEl equipo de Marea",
        lang="es",
        links=("https://marea.recruitee.com/o/analista",),
        shape="multipart",
        expect={"board": "recruitee:marea", "role": "Analista de Datos"},
    ),
    Case(
        "es-no-avanzar",
        R,
        "Lucía Gómez <lucia.gomez@cobalto.mx>",
        "Proceso de selección - Cobalto",
        "Hola Diego,\n\nGracias por participar en la entrevista. Lamentablemente, hemos decidido "
        "no avanzar con tu candidatura en esta ocasión.\n\nSaludos cordiales,\nLucía Gómez",
        lang="es",
        shape="qp",
        expect={"contact": "Lucía Gómez"},
    ),
    Case(
        "es-cubierta",
        R,
        "RRHH Alameda <rrhh@alameda.es>",
        "Su candidatura",
        "Estimado candidato,\n\nLe informamos que la vacante ya ha sido cubierta. Le deseamos "
        "mucha suerte en su búsqueda.\n\nAtentamente,\nAlameda",
        lang="es",
        shape="cp1252",
    ),
    Case(
        "es-otro-perfil",
        R,
        "Bosque Talent <jobs@bosque.io>",
        "Re: su candidatura",
        "Estimada Ana,\n\nAgradecemos su interés, pero en esta ocasión hemos optado por otro "
        "perfil.\n\nUn cordial saludo,\nBosque",
        lang="es",
        shape="replied",
    ),
    # --- Dutch rejections ---
    Case(
        "nl-besloten-niet",
        R,
        "Polder Recruitment <werken@polder.nl>",
        "Je sollicitatie bij Polder",
        "Beste Lars,\n\nBedankt voor je sollicitatie voor de functie Frontend Developer. We hebben "
        "besloten om niet verder te gaan met je sollicitatie.\n\nMet vriendelijke groet,\nPolder",
        lang="nl",
        expect={"company": "Polder", "role": "Frontend Developer"},
    ),
    Case(
        "nl-andere-kandidaat",
        R,
        "Sanne de Vries <sanne@grachtsoft.nl>",
        "Terugkoppeling sollicitatie",
        "Hoi Bram,\n\nNa het tweede gesprek hebben we helaas gekozen voor een andere kandidaat."
        "\n\nGroeten,\nSanne de Vries",
        lang="nl",
        shape="qp",
        expect={"contact": "Sanne de Vries"},
    ),
    Case(
        "nl-afwijzing",
        R,
        "Workable <noreply@workablemail.com>",
        "Uw sollicitatie bij Dijkstra",
        "Beste kandidaat,\n\nHelaas moeten wij u mededelen dat wij uw sollicitatie niet in "
        "behandeling nemen.\n\nMet vriendelijke groet,\nHet Dijkstra team",
        lang="nl",
        links=("https://apply.workable.com/dijkstra/j/ABC123",),
        shape="html",
        expect={"board": "workable:dijkstra"},
    ),
    Case(
        "nl-vervuld",
        R,
        "Tulp HR <hr@tulp.nl>",
        "Uw sollicitatie",
        "Geachte heer Jansen,\n\nDe vacature is inmiddels vervuld. Wij wensen u veel succes met "
        "uw verdere zoektocht.\n\nMet vriendelijke groet,\nTulp",
        lang="nl",
        shape="iso-8859-15",
    ),
    # --- not rejections ---
    Case(
        "en-confirmation",
        "confirmation",
        "Northwind Hiring Team <no-reply@greenhouse.io>",
        "Thank you for applying to Northwind",
        "Hi Sam,\n\nThanks for applying to the Staff Platform Engineer role. We have received "
        "your application and our team will review it shortly. If your experience matches our "
        "needs, we will be in touch.\n\nThe Northwind Talent Team",
    ),
    Case(
        "en-interview",
        "interview",
        "Maria Lopez <maria.lopez@quartzlabs.com>",
        "Interview invitation - Quartz Labs",
        "Hi Jordan,\n\nWe'd love to invite you to a technical interview next week. Please pick a "
        "slot using the link below.\n\nBest,\nMaria",
    ),
    Case(
        "en-reschedule",
        "interview",
        "Orbital Recruiting <jobs@orbital.dev>",
        "Rescheduling your interview",
        "Hello,\n\nUnfortunately, the interviewer is out sick, so we need to reschedule your "
        "interview on Thursday. Could you let us know your availability next week?\n\nThanks,"
        "\nOrbital",
    ),
    Case(
        "en-takehome",
        "assignment",
        "Pinecrest <no-reply@ashbyhq.com>",
        "Next step: take-home assignment",
        "Hi Casey,\n\nWe're excited to move forward with you! The next step is a take-home "
        "assignment. You'll have 5 days to complete it.\n\nThe Pinecrest Team",
    ),
    Case(
        "en-offer",
        "offer",
        "Ember Talent <talent@emberhealth.com>",
        "Your offer from Ember Health",
        "Hi Dana,\n\nWe are thrilled to offer you the position of Senior Frontend Engineer. "
        "Please find the offer letter attached.\n\nAll the best,\nEmber Health",
    ),
    Case(
        "en-status",
        "status",
        "Vantage Careers <vantage@myworkday.com>",
        "Your application status has changed",
        "Dear Applicant,\n\nThe status of your application for Cloud Architect has been updated."
        " Log in to the candidate portal to view it.\n\nVantage Talent Acquisition",
    ),
    Case(
        "en-linkedin-alert",
        "alert",
        "LinkedIn Job Alerts <jobalerts-noreply@linkedin.com>",
        "30+ new jobs for 'data engineer'",
        "Your job alert for data engineer in Berlin\n\nNew jobs match your preferences. "
        "Unfortunately, some positions may have been filled since this alert was sent.\n\n"
        "Unsubscribe",
        headers=(("List-Unsubscribe", "<https://www.linkedin.com/unsub>"),),
    ),
    Case(
        "en-indeed-alert",
        "alert",
        "Indeed <alert@indeed.com>",
        "Python Developer jobs near you",
        "15 new Python Developer jobs in Amsterdam. Apply now before the position is filled!",
        headers=(("List-Unsubscribe", "<mailto:unsub@indeed.com>"),),
    ),
    Case(
        "en-glassdoor",
        "alert",
        "Glassdoor Jobs <noreply@glassdoor.com>",
        "Companies are hiring for Product Manager",
        "Jobs you may be interested in. Acme is hiring. Don't miss out.",
        headers=(("List-Unsubscribe", "<https://glassdoor.com/u>"),),
    ),
    Case(
        "en-outreach",
        "outreach",
        "Jake Recruiter <jake@talentsearch.io>",
        "Exciting opportunity at a Series B startup",
        "Hi there,\n\nI came across your profile and think you'd be a great fit for a Senior "
        "Engineer role with my client. Would you be open to a quick chat?\n\nJake",
    ),
    Case(
        "en-flight",
        "other",
        "SkyAir <noreply@skyair.com>",
        "Your flight has been cancelled",
        "Dear passenger,\n\nUnfortunately, your flight SA123 to Lisbon has been cancelled. We "
        "have decided to rebook you on the next available flight.\n\nSkyAir",
    ),
    Case(
        "en-newsletter-unfortunately",
        "other",
        "The Weekly <news@weekly.example>",
        "This week in tech",
        "Unfortunately, the conference was cancelled. In other news, several companies decided "
        "to move forward with layoffs.",
        headers=(("List-Unsubscribe", "<mailto:u@weekly.example>"),),
    ),
    Case(
        "de-eingangsbestaetigung",
        "confirmation",
        "Lindenhof Recruiting <jobs@lindenhof.de>",
        "Eingangsbestätigung Ihrer Bewerbung",
        "Sehr geehrte Frau Weber,\n\nvielen Dank für Ihre Bewerbung. Wir haben Ihre Unterlagen "
        "erhalten und melden uns in Kürze bei Ihnen.\n\nMit freundlichen Grüßen\nLindenhof",
        lang="de",
    ),
    Case(
        "de-einladung",
        "interview",
        "Katrin Vogel <k.vogel@bergmann-software.de>",
        "Einladung zum Vorstellungsgespräch",
        "Hallo Tim,\n\nwir freuen uns, dich zu einem Vorstellungsgespräch einzuladen. Passt dir "
        "Dienstag um 10 Uhr?\n\nBeste Grüße\nKatrin",
        lang="de",
    ),
    Case(
        "de-bahn",
        "other",
        "Deutsche Bahn <noreply@bahn.de>",
        "Ihre Verbindung fällt aus",
        "Leider fällt Ihr Zug ICE 123 heute aus. Wir haben uns entschieden, einen Ersatzverkehr "
        "einzurichten.",
        lang="de",
    ),
    Case(
        "fr-confirmation",
        "confirmation",
        "Recrutement Lumière <recrutement@lumiere.fr>",
        "Accusé de réception",
        "Bonjour,\n\nNous avons bien reçu votre candidature au poste de Chef de projet et "
        "reviendrons vers vous rapidement.\n\nL'équipe Lumière",
        lang="fr",
    ),
    Case(
        "fr-entretien",
        "interview",
        "Camille Martin <camille.martin@brasserie-nord.fr>",
        "Entretien",
        "Bonjour Paul,\n\nNous souhaitons vous rencontrer pour un entretien la semaine "
        "prochaine.\n\nCamille",
        lang="fr",
    ),
    Case(
        "es-confirmacion",
        "confirmation",
        "Equipo de Talento Solaris <talento@solaris.es>",
        "Hemos recibido tu candidatura",
        "Hola Marta,\n\nHemos recibido tu candidatura y la revisaremos en los próximos días."
        "\n\nEquipo Solaris",
        lang="es",
    ),
    Case(
        "es-oferta",
        "offer",
        "Lucía Gómez <lucia.gomez@cobalto.mx>",
        "Oferta",
        "Hola Diego,\n\nNos complace ofrecerte el puesto de Ingeniero de Datos.\n\nLucía",
        lang="es",
    ),
    Case(
        "nl-uitnodiging",
        "interview",
        "Sanne de Vries <sanne@grachtsoft.nl>",
        "Uitnodiging gesprek",
        "Hoi Bram,\n\nWe nodigen je graag uit voor een tweede gesprek op kantoor.\n\nSanne",
        lang="nl",
    ),
    Case(
        "nl-ontvangst",
        "confirmation",
        "Polder Recruitment <werken@polder.nl>",
        "Bevestiging sollicitatie",
        "Beste Lars,\n\nBedankt voor je sollicitatie. We hebben deze in goede orde ontvangen en "
        "nemen binnen twee weken contact met je op.\n\nPolder",
        lang="nl",
    ),
)
