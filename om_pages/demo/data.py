"""The demo data itself: organisations, people, bodies, Fachgruppen and their records.

Plain data, so the loader stays generic and the content can be read at a glance.
"""

from om_pages.models import GremiumKind, MeetingKind, OrganisationKind, ProduktKind
from om_pages.models import VeranstaltungKind as VK

K = OrganisationKind

#: (name, kind, OM partner, parent name)
ORGANISATIONS = [
    ("Handwerkskammer Düsseldorf", K.KOERPERSCHAFT, True, None),
    ("IHK Rhein-Neckar", K.KOERPERSCHAFT, True, None),
    ("G.I.B. NRW – Gesellschaft für innovative Beschäftigungsförderung", K.KOERPERSCHAFT, False, None),
    ("Berufsgenossenschaft Holz und Metall", K.SOZIALVERSICHERUNG, True, None),
    ("Deutsche Rentenversicherung Bund", K.SOZIALVERSICHERUNG, True, None),
    ("Arbeitgeberservice der Bundesagentur für Arbeit", K.SOZIALVERSICHERUNG, True, None),
    ("Arbeitgeberservice der Agentur für Arbeit Köln", K.SOZIALVERSICHERUNG, False,
     "Arbeitgeberservice der Bundesagentur für Arbeit"),
    ("RKW Kompetenzzentrum", K.BILDUNG_FORSCHUNG, True, None),
    ("Institut für Mittelstandsforschung Bonn", K.BILDUNG_FORSCHUNG, False, None),
    ("FHM Fachhochschule des Mittelstands", K.BILDUNG_FORSCHUNG, True, None),
    ("Zentralverband des Deutschen Handwerks", K.VERBAND, True, None),
    ("Stiftung Mittelstand – Gesellschaft – Verantwortung", K.VERBAND, True, None),
    ("DGB-Bildungswerk", K.GEWERKSCHAFT, True, None),
    ("TBS NRW – Technologieberatungsstelle", K.GEWERKSCHAFT, False, None),
    ("Müller & Partner Unternehmensberatung GmbH", K.UNTERNEHMEN, False, None),
    ("Schmidt Software GmbH", K.UNTERNEHMEN, False, None),
]

#: (first name, last name, e-mail, organisation name)
PEOPLE = [
    ("Andrea", "Keller", "a.keller@example.org", "Berufsgenossenschaft Holz und Metall"),
    ("Thomas", "Brandt", "t.brandt@example.org", "Müller & Partner Unternehmensberatung GmbH"),
    ("Sabine", "Yılmaz", "s.yilmaz@example.org", "RKW Kompetenzzentrum"),
    ("Jörg", "Weißmann", "j.weissmann@example.org", "Handwerkskammer Düsseldorf"),
    ("Claudia", "Hoffmann", "c.hoffmann@example.org", "Arbeitgeberservice der Bundesagentur für Arbeit"),
    ("Martin", "Özdemir", "m.oezdemir@example.org", "Schmidt Software GmbH"),
]

GREMIEN = [
    ("leitungskreis", "Leitungskreis", GremiumKind.LEITUNGSKREIS,
     "<p>Der Leitungskreis nimmt Anträge neuer Fachgruppen entgegen und schlägt "
     "Aberkennungen vor (R1, R22).</p>"),
    ("ag-transfer", "AG Transfer", GremiumKind.AG_TRANSFER,
     "<p>Die AG Transfer berät Anträge, Produkte und Veranstaltungen der Fachgruppen "
     "als Erste und koordiniert die Arbeit der Fachgruppen (R1, R10, R11, R18).</p>"),
    ("plenum", "Plenum", GremiumKind.PLENUM,
     "<p>Das Plenum aller Partner entscheidet über Anerkennung, Produkte und Aberkennung "
     "(R1, R11, R22).</p>"),
]

FACHGRUPPEN = [
    {
        "slug": "gefaehrdungsbeurteilung",
        "title": "Fachgruppe Gefährdungsbeurteilung",
        "topic_area": "Gefährdungsbeurteilung",
        "summary": "Praxisnahe Hilfen zur Gefährdungsbeurteilung einschließlich psychischer "
                   "Belastung für kleine und mittlere Unternehmen.",
        "goals": "<p>Die Gefährdungsbeurteilung soll in KMU vom Pflichtthema zum "
                 "Führungsinstrument werden.</p>",
        "approach": "<p>Zwei Sitzungen im Jahr, Erprobung der Instrumente in Pilotbetrieben, "
                    "Abstimmung der Ergebnisse in der AG Transfer.</p>",
        "koordination": "Keller", "moderation": "Brandt",
        "members": ["Berufsgenossenschaft Holz und Metall", "Handwerkskammer Düsseldorf",
                    "Deutsche Rentenversicherung Bund", "DGB-Bildungswerk",
                    "Müller & Partner Unternehmensberatung GmbH"],
        "themes": ["psychische Belastung", "Unterweisung", "Arbeitsschutzorganisation",
                   "Lärmschutz in der Werkstatt"],
        "produkte": [("Checkliste psychische Belastung", ProduktKind.CHECKLISTE),
                     ("Leitfaden Gefährdungsbeurteilung im Handwerk", ProduktKind.LEITFADEN)],
        "veranstaltungen": [("Praxisseminar Gefährdungsbeurteilung", VK.SEMINAR),
                            ("Erprobungsworkshop Checkliste", VK.WORKSHOP_ERPROBUNG)],
        "report_years": [-1],
    },
    {
        "slug": "digitalisierung",
        "title": "Fachgruppe Digitalisierung im Mittelstand",
        "topic_area": "Digitalisierung",
        "summary": "Wie kleine Betriebe digitale Werkzeuge sicher und mitarbeiterorientiert "
                   "einführen.",
        "goals": "<p>Den INQA-Check „Digitalisierung“ weiterentwickeln und in die Breite "
                 "tragen.</p>",
        "approach": "<p>Arbeitskreise zu Datensicherheit, Qualifizierung und "
                    "Prozessgestaltung.</p>",
        "koordination": "Yılmaz", "moderation": "Özdemir",
        "members": ["RKW Kompetenzzentrum", "IHK Rhein-Neckar", "TBS NRW – Technologieberatungsstelle",
                    "FHM Fachhochschule des Mittelstands", "Schmidt Software GmbH"],
        "themes": ["Datensicherheit", "Cloud-Dienste", "Qualifizierung der Beschäftigten",
                   "Künstliche Intelligenz im Betrieb"],
        "produkte": [("Praxisstandard Digitalisierung", ProduktKind.PRAXISSTANDARD),
                     ("Checkliste IT-Sicherheit für Kleinbetriebe", ProduktKind.CHECKLISTE)],
        "veranstaltungen": [("Fachtag Digitale Arbeitswelt", VK.VERANSTALTUNG)],
        "report_years": [-1],
    },
    {
        "slug": "fachkraeftesicherung",
        "title": "Fachgruppe Fachkräftesicherung",
        "topic_area": "Fachkräftesicherung",
        "summary": "Strategien gegen den Fachkräftemangel: Ausbildung, Bindung, Vielfalt.",
        "goals": "<p>Betrieben Wege zeigen, Fachkräfte zu gewinnen und zu halten.</p>",
        "approach": "<p>Sammlung guter Praxis, Entwicklung eines Instruments zur "
                    "Personalplanung.</p>",
        "koordination": "Hoffmann", "moderation": "Weißmann",
        "members": ["Arbeitgeberservice der Bundesagentur für Arbeit",
                    "Arbeitgeberservice der Agentur für Arbeit Köln",
                    "Zentralverband des Deutschen Handwerks",
                    "Institut für Mittelstandsforschung Bonn"],
        "themes": ["Ausbildungsmarketing", "Mitarbeiterbindung", "Vielfalt im Betrieb",
                   "Demografischer Wandel"],
        "produkte": [("Instrument Personalplanung", ProduktKind.INSTRUMENT)],
        "veranstaltungen": [("Regionalkonferenz Fachkräfte", VK.VERANSTALTUNG)],
        "report_years": [],
    },
]

MEETING_KINDS = [MeetingKind.PRAESENZ, MeetingKind.VIDEO, MeetingKind.HYBRID, MeetingKind.TELEFON]
#: (month, day) of the two yearly meetings per Fachgruppe (R24)
MEETING_DATES = [(3, 12), (10, 8)]
