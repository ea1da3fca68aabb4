"""The tuning set: the classifier's phrases were fitted on these (and only these).
Held-out cases live in holdout.py."""

from __future__ import annotations

from .builder import Case

R = "rejection"

CASES: tuple[Case, ...] = (
    # --- English ---
    Case(
        "t-en-gh",
        R,
        "Acme Hiring Team <no-reply@greenhouse.io>",
        "Your application to Acme",
        "Hi Pat,\n\nThank you for your application for the Senior Data Engineer position. "
        "After careful review, we have decided to move forward with other candidates.\n\n"
        "Best,\nThe Acme Talent Team",
        links=("https://boards.greenhouse.io/acme/jobs/4001",),
        shape="multipart",
        expect={
            "company": "Acme",
            "role": "Senior Data Engineer",
            "board": "greenhouse:acme",
            "date": "2024-11-12",
            "stage": None,
            "contact": None,
        },
    ),
    Case(
        "t-en-sr",
        R,
        "Globex <notifications@smartrecruiters.com>",
        "Globex Corporation: Application update",
        "Dear Pat,\n\nThank you for interviewing for the Product Manager role. After the final "
        "interview, the hiring team decided to pursue another candidate.\n\nKind regards,\n"
        "Globex Corporation",
        links=("https://jobs.smartrecruiters.com/Globex/743999",),
        shape="html",
        expect={
            "company": "Globex",
            "role": "Product Manager",
            "stage": "final round",
            "board": "smartrecruiters:Globex",
        },
    ),
    Case(
        "t-en-person",
        R,
        "Jane Smith <jane.smith@initech.com>",
        "Initech - Backend Developer",
        "Hi Pat,\n\nThanks so much for your time on the phone screen last week. I'm sorry to "
        "let you know that we won't be moving forward with your application.\n\nBest regards,"
        "\nJane Smith",
        shape="qp",
        expect={
            "company": "Initech",
            "role": "Backend Developer",
            "stage": "phone screen",
            "contact": "Jane Smith",
        },
    ),
    Case(
        "t-en-filled",
        R,
        "Umbrella Careers <careers@umbrella.example.com>",
        "Regarding your application for QA Analyst",
        "Hello,\n\nThank you for applying. We wanted to let you know that this role has now "
        "been filled.\n\nRegards,\nUmbrella",
        shape="base64",
        expect={"company": "Umbrella", "role": "QA Analyst"},
    ),
    Case(
        "t-en-unsuccessful",
        R,
        "Hooli Talent Acquisition <talent@hooli.xyz>",
        "Your application",
        "Dear Pat,\n\nWe regret to inform you that your application for the DevOps Engineer "
        "role was unsuccessful on this occasion.\n\nHooli Talent Acquisition",
        shape="rfc2047",
        expect={"company": "Hooli", "role": "DevOps Engineer"},
    ),
    Case(
        "t-en-lever",
        R,
        "Stark Industries <no-reply@hire.lever.co>",
        "Thanks for applying to Stark Industries",
        "Hi Pat,\n\nThank you for your interest in the Firmware Engineer role. Unfortunately "
        "we have decided not to proceed with your candidacy.\n\nStark Industries Recruiting",
        links=("https://jobs.lever.co/stark/1b2c",),
        shape="multipart",
        expect={"company": "Stark Industries", "board": "lever:stark"},
    ),
    Case(
        "t-en-workday",
        R,
        "Wayne Enterprises <wayne@myworkday.com>",
        "Wayne Enterprises - Update on your application",
        "Dear Pat,\n\nThank you for your interest in the Security Analyst position. We will not "
        "be progressing your application further.\n\nWayne Enterprises Talent Acquisition",
        links=("https://wayne.wd1.myworkdayjobs.com/en-US/WayneCareers/job/Gotham/x_R1",),
        shape="html",
        expect={"company": "Wayne Enterprises", "board": "workday:wayne/wd1/WayneCareers"},
    ),
    Case(
        "t-en-forward",
        R,
        "Acme Hiring Team <no-reply@greenhouse.io>",
        "Fwd: Your application to Acme",
        "Hi Pat,\n\nThanks for applying. Unfortunately you were not selected for the Data "
        "Scientist position.\n\nThe Acme Talent Team",
        shape="forwarded",
        expect={"company": "Acme", "role": "Data Scientist"},
    ),
    Case(
        "t-en-reply",
        R,
        "Tom Baker <tom@soylent.io>",
        "Re: Soylent - Platform Engineer",
        "Hi Pat,\n\nAfter much deliberation we chose another applicant for the role. Thanks "
        "again for your interest in Soylent.\n\nTom Baker",
        shape="replied",
        expect={"company": "Soylent", "contact": "Tom Baker", "role": "Platform Engineer"},
    ),
    Case(
        "t-en-ashby-techround",
        R,
        "Cyberdyne Recruiting <no-reply@ashbyhq.com>",
        "Cyberdyne: your application",
        "Hi Pat,\n\nThank you for completing the technical interview. We're not able to offer "
        "you a position at this time.\n\nCyberdyne",
        links=("https://jobs.ashbyhq.com/cyberdyne/abc",),
        shape="multipart",
        expect={"company": "Cyberdyne", "stage": "technical interview", "board": "ashby:cyberdyne"},
    ),
    Case(
        "t-en-brand-sender",
        R,
        "Lever <no-reply@hire.lever.co>",
        "Your application",
        "Hi Pat,\n\nThank you for your interest in the Support Engineer role at Vandelay. After "
        "reviewing your profile, we have decided to move forward with other applicants.\n\n"
        "Vandelay Recruiting",
        shape="html",
        expect={"company": "Vandelay", "role": "Support Engineer"},
    ),
    # --- German ---
    Case(
        "t-de-kandidatin",
        R,
        "Muster Recruiting <jobs@muster.de>",
        "Ihre Bewerbung bei der Muster GmbH",
        "Sehr geehrte Frau Beispiel,\n\nvielen Dank für Ihre Bewerbung als Data Engineer. "
        "Wir haben uns für eine andere Kandidatin entschieden.\n\nMit freundlichen Grüßen\n"
        "Muster GmbH",
        lang="de",
        shape="latin-1",
        expect={"company": "Muster GmbH", "role": "Data Engineer"},
    ),
    Case(
        "t-de-gespraech",
        R,
        "Julia Braun <julia.braun@hansa-tech.de>",
        "Ihre Bewerbung",
        "Hallo Herr Beispiel,\n\nnach dem Vorstellungsgespräch haben wir uns leider gegen Ihre "
        "Bewerbung entschieden.\n\nViele Grüße\nJulia Braun",
        lang="de",
        shape="qp",
        expect={"contact": "Julia Braun", "stage": "interview", "company": "Hansa Tech"},
    ),
    Case(
        "t-de-personio",
        R,
        "Nordlicht GmbH <noreply@personio.de>",
        "Ihre Bewerbung als Softwareentwickler",
        "Hallo,\n\nleider können wir Ihre Bewerbung nicht weiter berücksichtigen. Wir "
        "wünschen Ihnen viel Erfolg.\n\nIhr Nordlicht Team",
        lang="de",
        links=("https://nordlicht.jobs.personio.de/job/55",),
        shape="html",
        expect={
            "company": "Nordlicht GmbH",
            "role": "Softwareentwickler",
            "board": "personio:nordlicht",
        },
    ),
    Case(
        "t-de-besetzt",
        R,
        "Alpen Karriere <karriere@alpen.at>",
        "Rückmeldung",
        "Guten Tag,\n\nvielen Dank für Ihr Interesse. Die Stelle wurde bereits besetzt.\n\n"
        "Freundliche Grüße\nAlpen",
        lang="de",
        shape="iso-8859-15",
        expect={"company": "Alpen"},
    ),
    Case(
        "t-de-absage",
        R,
        "Hafen Logistik <bewerbung@hafen.de>",
        "Absage",
        "Sehr geehrter Herr Beispiel,\n\nwir müssen Ihnen leider eine Absage erteilen. "
        "Wir haben einem anderen Bewerber den Vorzug gegeben.\n\nHafen Logistik",
        lang="de",
        shape="cp1252",
    ),
    # --- French ---
    Case(
        "t-fr-suite",
        R,
        "Recrutement Soleil <jobs@soleil.fr>",
        "Votre candidature",
        "Bonjour,\n\nMerci pour votre candidature au poste de Développeur Backend. Nous ne "
        "pouvons malheureusement pas donner une suite favorable à votre candidature.\n\n"
        "Cordialement,\nL'équipe Soleil",
        lang="fr",
        shape="latin-1",
        expect={"company": "Soleil", "role": "Développeur Backend"},
    ),
    Case(
        "t-fr-retenu",
        R,
        "Julien Moreau <julien.moreau@atelier-bleu.fr>",
        "Candidature - Designer UX",
        "Bonjour,\n\nSuite à nos entretiens, nous avons retenu un autre candidat.\n\n"
        "Cordialement,\nJulien Moreau",
        lang="fr",
        shape="qp",
        expect={"contact": "Julien Moreau", "role": "Designer UX"},
    ),
    Case(
        "t-fr-pourvu",
        R,
        "Mistral RH <rh@mistral.fr>",
        "Votre candidature chez Mistral",
        "Bonjour,\n\nNous vous remercions de l'intérêt porté à Mistral. Le poste a déjà été "
        "pourvu.\n\nBien à vous,\nMistral",
        lang="fr",
        shape="cp1252",
        expect={"company": "Mistral"},
    ),
    # --- Spanish ---
    Case(
        "t-es-otros",
        R,
        "Talento Sol <talento@sol.es>",
        "Tu candidatura",
        "Hola,\n\nGracias por tu candidatura para el puesto de Ingeniero de Software. Hemos "
        "decidido continuar con otros candidatos.\n\nSaludos,\nEquipo Sol",
        lang="es",
        shape="latin-1",
        expect={"company": "Sol", "role": "Ingeniero de Software"},
    ),
    Case(
        "t-es-seleccionada",
        R,
        "Carmen Ruiz <carmen.ruiz@luna.mx>",
        "Proceso de selección",
        "Hola Ana,\n\nTras la entrevista final, lamentamos comunicarte que no has sido "
        "seleccionada.\n\nUn saludo,\nCarmen Ruiz",
        lang="es",
        shape="qp",
        expect={"contact": "Carmen Ruiz", "stage": "final round"},
    ),
    Case(
        "t-es-cubierta",
        R,
        "Tierra RRHH <rrhh@tierra.es>",
        "Su candidatura",
        "Estimado candidato,\n\nLe comunicamos que la posición ya ha sido cubierta.\n\n"
        "Atentamente,\nTierra",
        lang="es",
        shape="iso-8859-15",
    ),
    # --- Dutch ---
    Case(
        "t-nl-besloten",
        R,
        "Molen Recruitment <jobs@molen.nl>",
        "Je sollicitatie bij Molen",
        "Beste Pat,\n\nBedankt voor je sollicitatie voor de functie Data Analist. We hebben "
        "besloten om niet verder te gaan met jouw sollicitatie.\n\nMet vriendelijke groet,\n"
        "Molen",
        lang="nl",
        expect={"company": "Molen", "role": "Data Analist"},
    ),
    Case(
        "t-nl-kandidaat",
        R,
        "Pieter Bakker <pieter@kanaal.nl>",
        "Sollicitatie",
        "Hoi Pat,\n\nNa het eerste gesprek hebben we gekozen voor een andere kandidaat.\n\n"
        "Groeten,\nPieter Bakker",
        lang="nl",
        shape="qp",
        expect={"contact": "Pieter Bakker", "stage": "interview"},
    ),
    Case(
        "t-nl-vervuld",
        R,
        "Recruitee <no-reply@recruitee.com>",
        "Uw sollicitatie bij Zuidkust",
        "Beste,\n\nDe vacature is inmiddels ingevuld.\n\nHet Zuidkust team",
        lang="nl",
        links=("https://zuidkust.recruitee.com/o/data",),
        shape="html",
        expect={"company": "Zuidkust", "board": "recruitee:zuidkust"},
    ),
    # --- more wordings, each language ---
    Case(
        "t-en-linkedin-easy-apply",
        R,
        "LinkedIn <jobs-noreply@linkedin.com>",
        "Your application to Data Engineer at Contoso",
        "Your update from Contoso\n\nThank you for your interest in the Data Engineer position "
        "at Contoso in Berlin. Unfortunately, we will not be moving forward with your "
        "application, but we appreciate your time and interest in Contoso.\n\nRegards,\nContoso",
        headers=(("List-Unsubscribe", "<https://www.linkedin.com/u>"),),
        expect={"company": "Contoso", "role": "Data Engineer"},
    ),
    Case(
        "t-en-better-match",
        R,
        "Fabrikam Talent <talent@fabrikam.example>",
        "Fabrikam application update",
        "Hi Pat,\n\nWe have now completed the interviews for the Engineering Manager role and "
        "have decided to proceed with candidates whose experience more closely aligns with "
        "the role.\n\nFabrikam Talent",
        expect={"company": "Fabrikam", "role": "Engineering Manager", "stage": "interview"},
    ),
    Case(
        "t-de-nicht-beruecksichtigt",
        R,
        "Talent Acquisition Kranich <jobs@kranich-bank.de>",
        "Ihre Bewerbung als Risk Analyst (m/w/d)",
        "Sehr geehrter Herr Beispiel,\n\nnach eingehender Prüfung Ihrer Unterlagen müssen wir "
        "Ihnen leider mitteilen, dass wir Sie im weiteren Auswahlprozess nicht berücksichtigen "
        "können.\n\nMit freundlichen Grüßen\nKranich Bank AG",
        lang="de",
        shape="qp",
        expect={"company": "Kranich Bank AG"},
    ),
    Case(
        "t-de-du",
        R,
        "Lena Koch <lena@fuchsbau.io>",
        "Deine Bewerbung bei Fuchsbau",
        "Hi Pat,\n\ndanke dir für das Gespräch mit unserem Team. Leider haben wir uns "
        "entschieden, nicht mit dir weiterzumachen.\n\nLiebe Grüße\nLena Koch",
        lang="de",
        expect={"contact": "Lena Koch", "company": "Fuchsbau"},
    ),
    Case(
        "t-fr-autres-profils",
        R,
        "L'équipe recrutement Cigale <no-reply@teamtailor.com>",
        "Votre candidature chez Cigale",
        "Bonjour,\n\nAprès examen attentif, nous avons décidé de poursuivre avec d'autres "
        "candidats dont le profil correspond davantage à nos besoins.\n\nL'équipe Cigale",
        lang="fr",
        links=("https://cigale.teamtailor.com/jobs/12",),
        shape="html",
        expect={"company": "Cigale", "board": "teamtailor:cigale"},
    ),
    Case(
        "t-fr-pas-suite",
        R,
        "Sophie Laurent <s.laurent@marine-tech.fr>",
        "Votre candidature - Ingénieur DevOps",
        "Bonjour,\n\nJe vous remercie pour le temps accordé lors de l'entretien technique. "
        "Malheureusement, nous ne donnerons pas suite à votre candidature.\n\nCordialement,"
        "\nSophie Laurent",
        lang="fr",
        shape="base64",
        expect={
            "contact": "Sophie Laurent",
            "stage": "technical interview",
            "role": "Ingénieur DevOps",
        },
    ),
    Case(
        "t-es-no-continuar",
        R,
        "Reclutamiento Faro <empleo@faro.es>",
        "Actualización de tu candidatura",
        "Hola,\n\nQueremos agradecerte el interés mostrado. En esta ocasión no vamos a "
        "continuar con tu candidatura para la posición de Product Owner.\n\nUn saludo,\nFaro",
        lang="es",
        shape="multipart",
        expect={"company": "Faro", "role": "Product Owner"},
    ),
    Case(
        "t-es-perfiles",
        R,
        "Equipo de Selección Nube <no-reply@bamboohr.com>",
        "Proceso de selección Nube",
        "Estimado candidato,\n\nTras valorar todas las candidaturas, hemos seleccionado a otros "
        "perfiles que se ajustan mejor al puesto.\n\nAtentamente,\nNube",
        lang="es",
        links=("https://nube.bamboohr.com/careers/44",),
        expect={"board": "bamboohr:nube"},
    ),
    Case(
        "t-nl-helaas",
        R,
        "Vos Techniek <vacatures@vos-techniek.nl>",
        "Reactie op je sollicitatie",
        "Beste Pat,\n\nHelaas moeten we je laten weten dat we hebben gekozen voor een andere "
        "kandidaat voor de functie Monteur.\n\nMet vriendelijke groet,\nVos Techniek",
        lang="nl",
        shape="latin-1",
        expect={"company": "Vos Techniek", "role": "Monteur"},
    ),
    Case(
        "t-nl-niet-door",
        R,
        "Workable <noreply@workablemail.com>",
        "Je sollicitatie bij Klomp",
        "Hoi Pat,\n\nBedankt voor je tijd tijdens het telefonisch gesprek. We hebben besloten "
        "je niet door te laten gaan naar de volgende ronde.\n\nTeam Klomp",
        lang="nl",
        links=("https://apply.workable.com/klomp/j/1A2B/",),
        expect={"company": "Klomp", "stage": "phone screen", "board": "workable:klomp"},
    ),
    Case(
        "t-en-team-signoff",
        R,
        "Initrode Careers <careers@initrode.example>",
        "Your application",
        "Hello Pat,\n\nThank you for applying. The role has been filled.\n\nRegards,\n"
        "Initrode People Team",
        expect={"company": "Initrode"},
    ),
    # --- more confusables ---
    Case(
        "t-en-viewed",
        "status",
        "LinkedIn <jobs-noreply@linkedin.com>",
        "Your application was viewed by Contoso",
        "Good news! Contoso viewed your application for Data Engineer.",
    ),
    Case(
        "t-en-indeed-submitted",
        "confirmation",
        "Indeed Apply <indeedapply@indeed.com>",
        "Application submitted",
        "Your application has been submitted to Contoso. Good luck!",
    ),
    Case(
        "t-en-withdraw-ack",
        "other",
        "Acme Hiring Team <no-reply@greenhouse.io>",
        "Application withdrawn",
        "Hi Pat,\n\nWe have received your request and your application has been withdrawn. "
        "We wish you well.\n\nThe Acme Talent Team",
    ),
    Case(
        "t-de-status",
        "status",
        "Kranich Bank <jobs@kranich-bank.de>",
        "Zwischenstand Ihrer Bewerbung",
        "Sehr geehrter Herr Beispiel,\n\nleider verzögert sich unser Auswahlprozess. Wir "
        "melden uns in zwei Wochen bei Ihnen.\n\nKranich Bank",
        lang="de",
    ),
    Case(
        "t-fr-annulation",
        "other",
        "SNCF <noreply@sncf.fr>",
        "Votre train est annulé",
        "Malheureusement, votre train a été annulé. Nous sommes au regret de vous informer que "
        "aucune place n'est disponible.",
        lang="fr",
    ),
    Case(
        "t-es-entrevista",
        "interview",
        "Reclutamiento Faro <empleo@faro.es>",
        "Entrevista",
        "Hola,\n\nNos gustaría invitarte a una entrevista la próxima semana.\n\nFaro",
        lang="es",
    ),
    Case(
        "t-nl-status",
        "status",
        "Vos Techniek <vacatures@vos-techniek.nl>",
        "Stand van zaken",
        "Beste Pat,\n\nHelaas duurt de selectie langer dan verwacht. Je hoort uiterlijk "
        "volgende week van ons.\n\nVos Techniek",
        lang="nl",
    ),
    # --- not rejections ---
    Case(
        "t-en-confirm",
        "confirmation",
        "Acme Hiring Team <no-reply@greenhouse.io>",
        "Thank you for applying to Acme",
        "Hi Pat,\n\nThank you for your application for the Senior Data Engineer position. We "
        "will review it and get back to you.\n\nThe Acme Talent Team",
    ),
    Case(
        "t-en-invite",
        "interview",
        "Jane Smith <jane.smith@initech.com>",
        "Next steps",
        "Hi Pat,\n\nWe'd like to invite you to an onsite interview. Please share your "
        "availability.\n\nJane",
    ),
    Case(
        "t-en-resched",
        "interview",
        "Jane Smith <jane.smith@initech.com>",
        "Need to reschedule",
        "Hi Pat,\n\nUnfortunately I'm not able to make our call tomorrow. Can we reschedule to "
        "Friday?\n\nJane",
    ),
    Case(
        "t-en-assign",
        "assignment",
        "Globex <notifications@smartrecruiters.com>",
        "Your coding challenge",
        "Hi Pat,\n\nThe next step is a coding challenge. Please submit it within a week.\n\nGlobex",
    ),
    Case(
        "t-en-offer",
        "offer",
        "Tom Baker <tom@soylent.io>",
        "Offer",
        "Hi Pat,\n\nI'm delighted to offer you the Platform Engineer role! The offer letter is "
        "attached.\n\nTom",
    ),
    Case(
        "t-en-status",
        "status",
        "Wayne Enterprises <wayne@myworkday.com>",
        "Application status",
        "Dear Pat,\n\nYour application is under review. We will contact you if we decide to "
        "move forward.\n\nWayne Enterprises",
    ),
    Case(
        "t-en-alert",
        "alert",
        "LinkedIn <jobs-noreply@linkedin.com>",
        "New jobs similar to Data Engineer",
        "Jobs you may be interested in: Data Engineer at Acme. The position may have been "
        "filled already.",
        headers=(("List-Unsubscribe", "<https://linkedin.com/u>"),),
    ),
    Case(
        "t-en-outreach",
        "outreach",
        "Sara Head <sara@hunters.io>",
        "Quick question",
        "Hi Pat,\n\nI came across your profile and my client is hiring. Would you be open to a "
        "chat?\n\nSara",
    ),
    Case(
        "t-en-hotel",
        "other",
        "Hotel Booking <noreply@hotels.example>",
        "Booking cancelled",
        "Unfortunately, your booking has been cancelled. We regret to inform you that the room "
        "is no longer available.",
    ),
    Case(
        "t-de-confirm",
        "confirmation",
        "Muster Recruiting <jobs@muster.de>",
        "Ihre Bewerbung",
        "Vielen Dank für Ihre Bewerbung. Wir melden uns.\n\nMuster",
        lang="de",
    ),
    Case(
        "t-de-offer",
        "offer",
        "Julia Braun <julia.braun@hansa-tech.de>",
        "Zusage",
        "Hallo,\n\nwir freuen uns, Ihnen die Stelle anbieten zu können.\n\nJulia",
        lang="de",
    ),
    Case(
        "t-fr-invite",
        "interview",
        "Julien Moreau <julien.moreau@atelier-bleu.fr>",
        "Entretien",
        "Bonjour,\n\nNous serions ravis de vous rencontrer pour un entretien.\n\nJulien",
        lang="fr",
    ),
    Case(
        "t-es-alert",
        "alert",
        "InfoJobs <alertas@infojobs.net>",
        "Nuevas ofertas para ti",
        "Nuevas ofertas de empleo que encajan con tu perfil.",
        lang="es",
        headers=(("List-Unsubscribe", "<mailto:u@infojobs.net>"),),
    ),
    Case(
        "t-nl-alert",
        "alert",
        "Nationale Vacaturebank <noreply@nationalevacaturebank.nl>",
        "Nieuwe vacatures voor jou",
        "Passende vacatures voor jou: Data Analist bij Molen.",
        lang="nl",
        headers=(("List-Unsubscribe", "<mailto:u@nvb.nl>"),),
    ),
)
