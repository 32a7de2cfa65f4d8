"""A realistic, seeded corpus of German minutes for ``bench/search.py`` (issue 18).

Each Protokoll has a title, date, place, attendees, agenda items with decisions and a body of
a few paragraphs (about two pages in all); a share carries a PDF or DOCX attachment, built
with the test helpers (``tests/search/files.py``) and read back with the search app's own
extractors (``search.parsing``, what the extraction worker runs), so the indexed text is
what a real upload gives.

Words follow a Zipf distribution over a generated vocabulary of tens of thousands of forms:
compounds of domain stems, inflected verbs and adjectives, made-up stems, names, places;
numbers and dates are drawn on the fly. The 60 words of the old synthetic bench are its
most frequent nouns, so the old broad queries stay one row of the report.

Query terms are *planted*: words kept out of the vocabulary and written into chosen
documents, so each query's relevant documents are known (rare: a handful, medium: ~1 %,
broad: most, phrases with decoys in the wrong order, prefix families). The corpus and its
query set are cached as JSON lines under ``var/bench/``; the same ``--n``/``--seed`` is
read back instead of generated again.
"""

from __future__ import annotations

import itertools
import json
import random
import time
import unicodedata
from bisect import bisect
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: Bump when the generator changes; older cache files are then ignored.
VERSION = 1
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = ROOT / "var" / "bench"
#: Share of the minutes with an attachment (half PDF, half DOCX).
ATTACHMENT_SHARE = 0.15

#: The old bench's vocabulary (bench/search.py before issue 18): now the top-ranked nouns.
OLD_WORDS = (
    "Sitzung Protokoll Beschluss Fachgruppe Arbeitsschutz Gefährdungsbeurteilung Leitfaden "
    "Handwerk Kammer Innung Unfallversicherung Prävention Gesundheit Betrieb Mittelstand "
    "Digitalisierung Qualifizierung Fachkräfte Demografie Führung Kultur Veranstaltung Plenum "
    "Leitungskreis Transfer Produkt Checkliste Praxisstandard Umsetzung Beratung Netzwerk "
    "Partner Abstimmung Tagesordnung Bericht Ergebnis Entwurf Überarbeitung Veröffentlichung "
    "Lärm Staub Ergonomie Belastung psychische Gefährdung Schutzmaßnahme Unterweisung Prüfung "
    "Straße Maßnahme Übersicht Zuständigkeit Verantwortung Förderung Region Hochschule"
).split()
OLD_QUERIES = [
    "Gefährdungsbeurteilung", "Gefaehrdung", "Arbeitsschutz Leitfaden", "psychische Belastung",
    "Plenum Beschluss", "Digitalisierung", "Straße", "Fachkräfte Qualifizierung Region",
    "Unterweisung", "Mittelstand Netzwerk Partner",
]

STEMS = (
    "Arbeit Schutz Gefahr Betrieb Anlage Maschine Werk Stoff Prüf Mess Schall Licht Luft Wasser "
    "Wärme Kälte Strom Gas Öl Holz Metall Glas Papier Kunststoff Farbe Lack Leiter Gerüst Dach "
    "Boden Wand Tür Tor Fenster Treppe Lager Regal Palette Stapler Kran Fahrzeug Weg Platz Raum "
    "Halle Büro Werkstatt Baustelle Küche Pflege Hand Fuß Auge Ohr Rücken Haut Kopf Körper Atem "
    "Hilfe Notfall Rettung Brand Feuer Alarm Plan Ordnung Regel Vorschrift Norm Recht Vertrag "
    "Kosten Preis Geld Haushalt Antrag Bescheid Frist Termin Zeit Stunde Schicht Pause Urlaub "
    "Lohn Tarif Personal Team Gruppe Kreis Rat Ausschuss Vorstand Leitung Kunde Markt Handel "
    "Dienst Leistung Service Technik Daten Netz System Software Programm Kurs Schulung Lehr "
    "Ausbildung Studium Wissen Erfahrung Beispiel Muster Vorlage Formular Liste Katalog Handbuch "
    "Kontroll Wartung Reinigung Entsorgung Abfall Umwelt Energie Klima Sonne Wind Wetter Hitze "
    "Sicherheit Ziel Aufgabe Rolle Funktion Stelle Abteilung Bereich Feld Stufe Phase Schritt "
    "Projekt Konzept Strategie Idee Frage Antwort Thema Punkt Zahl Wert Grenz Last Kraft Druck "
    "Zug Stoß Schnitt Sturz Fall Unfall Schaden Verletzung Krankheit Ruhe Schlaf Stress Konflikt "
    "Gespräch Sprache Text Brief Post Nachricht Telefon Video Bild Film Seite Blatt Buch Heft "
    "Mitglied Verband Verein Kommune Land Bund Amt Behörde Gericht Kasse Versicherung Bank "
    "Fahrt Reise Verkehr Straßen Bahn Bus Rad Auto Motor Reifen Bremse Sitz Gurt Helm Brille "
    "Handschuh Schuh Kleidung Jacke Maske Filter Kabel Stecker Schalter Lampe Leuchte Sensor "
    "Steuer Rechnung Beleg Akte Archiv Ablage Ordner Karte Kontakt Adresse Name Nummer Code"
).split()
LINKS = ("", "s", "en", "")
SYLLABLES = (
    "ber gen dor wal ste fen kar mil ran sel tor ven wil zan hol mar ker lin bur gas "
    "rom tal wen hei del ost nor sud mit bach feld berg hof heim stadt dorf au tan gel "
    "fal rin sol mun pel kor dan lem vis"
).split()
VERBS = (
    "prüf mach sag stell leg setz führ hör lern lehr arbeit plan zeig rechn meld bau kauf "
    "zahl stärk schütz teil bild sammel änder fehl brauch halt wart reinig ordn sicher lös "
    "klär besprech berat beschließ vorstell erstell bewert ermittel dokumentier organisier "
    "informier diskutier koordinier präsentier überarbeit veröffentlich"
).split()
VERB_ENDINGS = ("en", "t", "te", "ten", "et", "end")
ADJECTIVES = (
    "neu alt groß klein hoch tief lang kurz schnell langsam gut schlecht sicher gefährlich "
    "betrieblich regional öffentlich privat technisch organisatorisch persönlich digital "
    "ergonomisch gesund laut leise hell dunkel warm kalt schwer leicht einfach schwierig "
    "wichtig dringend offen geschlossen gemeinsam einheitlich jährlich monatlich zuständig "
    "verbindlich freiwillig notwendig möglich aktuell bisherig künftig zusätzlich"
).split()
ADJ_ENDINGS = ("", "e", "en", "er", "es", "em")
FIRST_NAMES = (
    "Anna Birgit Claudia Doris Elke Frauke Gabi Heike Ines Jana Karin Lena Maria Nicole Petra "
    "Ruth Sabine Tanja Ute Vera Andreas Bernd Christian Dirk Erik Frank Georg Holger Jan Klaus "
    "Lars Markus Norbert Oliver Peter Ralf Stefan Thomas Uwe Werner"
).split()
SURNAMES = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter "
    "Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt "
    "Werner Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber "
    "Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller "
    "Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig "
    "Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel Heinrich"
).split()
CITIES = (
    "Berlin Hamburg München Köln Frankfurt Stuttgart Düsseldorf Leipzig Dortmund Essen Bremen "
    "Dresden Hannover Nürnberg Duisburg Bochum Wuppertal Bielefeld Bonn Münster Mannheim "
    "Karlsruhe Augsburg Wiesbaden Mönchengladbach Gelsenkirchen Aachen Braunschweig Kiel Chemnitz "
    "Halle Magdeburg Freiburg Krefeld Mainz Lübeck Erfurt Oberhausen Rostock Kassel Hagen Potsdam "
    "Saarbrücken Hamm Ludwigshafen Oldenburg Osnabrück Leverkusen Heidelberg Darmstadt Solingen "
    "Regensburg Paderborn Ingolstadt Würzburg Ulm Wolfsburg Göttingen Koblenz Trier Jena Gera"
).split()
PLACE_SUFFIXES = ("dorf", "heim", "hausen", "berg", "stadt", "feld", "bach", "burg", "au", "brück")
FUNCTION_WORDS = (
    "der die das und in zu den von mit ist im für auf dem nicht ein eine als auch es an werden "
    "aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war "
    "haben nur oder aber vor zur bis mehr durch man sein wurde sei wenn sich ob soll sollen "
    "kann können muss müssen dazu daher jedoch bereits weiterhin insbesondere sowie hierzu"
).split()
GROUPS = (
    "Arbeitsschutz Gesundheit Handwerk Demografie Digitalisierung Führung Qualifizierung "
    "Prävention Ergonomie Transfer"
).split()

# ---- planted query terms (kept out of the vocabulary) -------------------------------------
RARE_TERMS = [
    "Kobaltstaubmessung", "Wolframschleifplatz", "Basaltwollentsorgung", "Vanadiumlegierung",
    "Kaolinsilo", "Bimssteinrutsche", "Zyklonabscheiderwartung", "Titanspänebrand",
    "Granitpolierstraße", "Quarzsandstrahlkabine",
]
#: Planted only into attachment text: proves the attachment's text reaches the index.
ATTACHMENT_ONLY = {"Vanadiumlegierung", "Bimssteinrutsche", "Granitpolierstraße"}
MEDIUM_TERMS = [
    "Hebehilfenkataster", "Kühlschmierstoffe", "Absauganlagenbetreiber", "Nachtschichtmodell",
    "Schweißrauchabsaugung", "Stolperfallenbegehung", "Gehörschutzpflicht", "Pausenraumgestaltung",
    "Leiternprüfbuch", "Mutterschutzgesetz",
]
BROAD_TERMS = {"Anwesenheitsliste": 0.9, "Vorsitzende": 0.8, "Geschäftsstelle": 0.6,
               "Wortmeldung": 0.5}
BROAD_PAIR = "Geschäftsstelle Wortmeldung"
PHRASES = [
    ("kalibrierte", "Schallpegelmessgeräte"), ("staubarme", "Schleifverfahren"),
    ("verbindliche", "Sichtprüfprotokolle"), ("digitale", "Unterweisungsplattform"),
    ("überbetriebliche", "Ersthelferausbildung"), ("barrierefreie", "Fluchtwegplanung"),
]
PREFIX_FAMILIES = {
    "Gefahrstoff": ["Gefahrstoffverzeichnis", "Gefahrstoffkataster", "Gefahrstofflager",
                    "Gefahrstoffschrank", "Gefahrstoffunterweisung"],
    "Brandschutz": ["Brandschutzordnung", "Brandschutzhelfer", "Brandschutzübung",
                    "Brandschutztür", "Brandschutzbeauftragte"],
    "Lärmmess": ["Lärmmessung", "Lärmmessgerät", "Lärmmessprotokoll", "Lärmmesspunkte"],
    "Hautschutz": ["Hautschutzcreme", "Hautschutzmittel", "Hautschutzprogramm"],
    "Absturzsicher": ["Absturzsicherung", "Absturzsicherungen", "absturzsicher"],
}
#: Written into a new Protokoll after the build to time save-to-searchable.
FRESH_TERMS = ["Zentrifugenunwucht", "Rüttelplattenvibration", "Hubarbeitsbühnenkontrolle"]


def fold(word: str) -> str:
    """Lower case, ß → ss, umlauts → plain vowels: how every backend compares words at best."""
    word = word.lower().replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def reserved_prefixes() -> tuple[str, ...]:
    """Folded beginnings of every planted word; a vocabulary word starting with one is dropped,
    so neither stemming nor prefix expansion can find a planted word's relatives by chance."""
    words = [*RARE_TERMS, *MEDIUM_TERMS, *BROAD_TERMS, *FRESH_TERMS,
             *(w for pair in PHRASES for w in pair if w[0].isupper()),
             *PREFIX_FAMILIES]
    prefixes = {fold(w)[: max(6, len(fold(w)) - 3)] for w in words}
    # The phrases' adjectives are common words; keep them whole (their inflections may stay).
    prefixes |= {fold(w) for pair in PHRASES for w in pair if w[0].islower()}
    return tuple(sorted(prefixes))


@dataclass
class Query:
    cls: str  # selten | mittel | breit | phrase | präfix | alt-synthetisch
    text: str
    kind: str = "plain"  # plain | and | phrase | prefix
    relevant: list[int] = field(default_factory=list)  # document ids; empty = unknown


@dataclass
class CorpusInfo:
    n: int
    seed: int
    vocabulary: int
    words: int
    pdf: int
    docx: int
    seconds: float
    cached: bool = False


def vocabulary(rng: random.Random) -> list[str]:
    """Tens of thousands of word forms in Zipf rank order (the old bench's nouns first)."""
    words: set[str] = set()
    for a, b in itertools.product(STEMS, STEMS):
        if a != b and rng.random() < 0.55:
            link = rng.choice(LINKS)
            end = rng.choice(("", "", "ung", "en", "e"))
            if a.endswith("e") and link == "en":
                link = "n"
            if b.endswith("e") and end in ("e", "en", "ung"):
                end = end[1:] if end != "ung" else ""
            words.add(a + link + b.lower() + end)
    for _ in range(9000):
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        words.add(stem.capitalize() + rng.choice(("", "ung", "er", "ei", "heit", "schaft")))
    for verb in VERBS:
        words.update(verb + ending for ending in VERB_ENDINGS)
        words.add("ge" + verb + "t")
    for adjective in ADJECTIVES:
        words.update(adjective + ending for ending in ADJ_ENDINGS)
    words.update(FIRST_NAMES)
    words.update(SURNAMES)
    words.update(CITIES)
    for _ in range(1500):
        words.add(rng.choice(SYLLABLES).capitalize() + rng.choice(SYLLABLES) + rng.choice(PLACE_SUFFIXES))
    reserved = reserved_prefixes()
    old = set(OLD_WORDS)
    ranked = sorted(w for w in words - old if not fold(w).startswith(reserved))
    rng.shuffle(ranked)
    top = list(OLD_WORDS)
    rng.shuffle(top)
    return top + ranked


class Writer:
    """Draws sentences: about 45 % function words, the rest Zipf-distributed content words."""

    def __init__(self, rng: random.Random, words: list[str], exponent: float = 1.0):
        self.rng = rng
        self.words = words
        self.cum = list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(len(words))))
        self.fcum = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(FUNCTION_WORDS))))

    def word(self) -> str:
        return self.words[bisect(self.cum, self.rng.random() * self.cum[-1])]

    def sentence(self, length: int | None = None) -> str:
        rng = self.rng
        n = length or rng.randint(7, 18)
        content = rng.choices(self.words, cum_weights=self.cum, k=n)
        function = rng.choices(FUNCTION_WORDS, cum_weights=self.fcum, k=n)
        out = []
        for i in range(n):
            r = rng.random()
            if r < 0.45:
                out.append(function[i])
            elif r < 0.47:
                out.append(str(rng.randint(1, 2000)))
            elif r < 0.48:
                out.append(f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2005, 2026)}")
            else:
                out.append(content[i])
        text = " ".join(out)
        return text[0].upper() + text[1:] + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 6)))

    def insert(self, text: str, words: str) -> str:
        """``words`` placed between two words of ``text``."""
        parts = text.split(" ")
        at = self.rng.randint(1, max(1, len(parts) - 1))
        return " ".join(parts[:at] + [words] + parts[at:])


def person(rng: random.Random) -> str:
    salutation, title = rng.choice(("Frau", "Herr")), rng.choice(("", "", "Dr. "))
    return f"{salutation} {title}{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


Plants = dict[int, list[tuple[str, str]]]


def plan(rng: random.Random, n: int, with_attachment: list[int]) -> tuple[Plants, list[Query]]:
    """Which documents get which planted words: {doc id: [(words, where)]} and the query set.

    ``where`` is ``any`` (body, agenda or attachment), ``attachment`` or ``title``.
    """
    plants: dict[int, list[tuple[str, str]]] = {}
    ids = range(1, n + 1)

    def put(doc: int, words: str, where: str = "any") -> None:
        plants.setdefault(doc, []).append((words, where))

    queries: list[Query] = []
    for term in RARE_TERMS:
        pool = with_attachment if term in ATTACHMENT_ONLY else ids
        docs = rng.sample(pool, min(len(pool), rng.randint(2, 8)))
        for doc in docs:
            put(doc, term, "attachment" if term in ATTACHMENT_ONLY else rng.choice(("any", "any", "title")))
        queries.append(Query("selten", term, relevant=sorted(docs)))
    for term in MEDIUM_TERMS:
        docs = rng.sample(ids, max(3, n // 100))
        for doc in docs:
            put(doc, term)
        queries.append(Query("mittel", term, relevant=sorted(docs)))
    broad_docs = {}
    for term, share in BROAD_TERMS.items():
        docs = [doc for doc in ids if rng.random() < share]
        for doc in docs:
            put(doc, term)
        broad_docs[term] = set(docs)
        queries.append(Query("breit", term, relevant=docs))
    first, second = BROAD_PAIR.split()
    queries.append(Query("breit", BROAD_PAIR, "and", sorted(broad_docs[first] & broad_docs[second])))
    for adjective, noun in PHRASES:
        docs = rng.sample(ids, max(4, n // 100))
        half = len(docs) // 2
        for doc in docs[:half]:
            put(doc, f"{adjective} {noun}")
        for doc in docs[half:]:  # decoys: both words, not as the phrase
            put(doc, f"{noun} wurde nicht {adjective}")
        queries.append(Query("phrase", f"{adjective} {noun}", "phrase", sorted(docs[:half])))
    for prefix, family in PREFIX_FAMILIES.items():
        docs = rng.sample(ids, max(3, n // 150))
        for doc in docs:
            put(doc, rng.choice(family))
        queries.append(Query("präfix", prefix, "prefix", sorted(docs)))
    queries.extend(Query("alt-synthetisch", text) for text in OLD_QUERIES)
    return plants, queries


def attachment_text(writer: Writer, kind: str, doc: int, planted: list[str]) -> str:
    """Builds the file with the test helpers and returns the text the search app extracts."""
    from search.parsing import extractor_for
    from tests.search.files import make_docx, make_pdf

    lines = [writer.sentence() for _ in range(writer.rng.randint(15, 35))]
    for words in planted:
        i = writer.rng.randrange(len(lines))
        lines[i] = writer.insert(lines[i], words)
    if kind == "pdf":
        data, name = make_pdf([f"Anlage zu Protokoll {doc}", *lines]), f"anlage-{doc}.pdf"
    else:
        paragraphs = [" ".join(lines[i : i + 5]) for i in range(0, len(lines), 5)]
        data, name = make_docx(f"Anlage zu Protokoll {doc}", paragraphs), f"anlage-{doc}.docx"
    return extractor_for(name).extract(data)


def document(writer: Writer, doc: int, kind: str, planted: list[tuple[str, str]]) -> dict:
    rng = writer.rng
    title_words = [w for w, where in planted if where == "title"]
    in_file = [w for w, where in planted if where == "attachment"]
    anywhere = [w for w, where in planted if where == "any"]
    group = rng.choice(GROUPS)
    title = f"Protokoll der {rng.randint(1, 120)}. Sitzung der Fachgruppe {group}"
    if title_words:
        title += ": " + " ".join(title_words)
    elif rng.random() < 0.5:
        title += f": {writer.word()} und {writer.word()}"
    agenda = []
    for top in range(1, rng.randint(3, 7) + 1):
        discussion = " ".join(writer.sentence() for _ in range(rng.randint(2, 4)))
        decision = writer.sentence(rng.randint(10, 20))
        agenda.append(f"TOP {top}: {' '.join(writer.word() for _ in range(rng.randint(2, 5)))}\n"
                      f"{discussion}\nBeschluss: {decision}")
    body = [writer.paragraph() for _ in range(rng.randint(3, 7))]
    if kind:
        in_file += [w for w in anywhere if rng.random() < 0.3]
        anywhere = [w for w in anywhere if w not in in_file]
    for words in anywhere:
        if rng.random() < 0.5:
            i = rng.randrange(len(agenda))
            agenda[i] = writer.insert(agenda[i], words)
        else:
            i = rng.randrange(len(body))
            body[i] = writer.insert(body[i], words)
    return {
        "id": doc,
        "title": title,
        "date": f"{rng.randint(2005, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "location": rng.choice(CITIES),
        "attendees": "\n".join(person(rng) for _ in range(rng.randint(4, 12))),
        "agenda": "\n\n".join(agenda),
        "body": "\n\n".join(body),
        "attachment_kind": kind,
        "attachment_text": attachment_text(writer, kind, doc, in_file) if kind else "",
    }


def paths(n: int, seed: int, cache: Path) -> tuple[Path, Path]:
    stem = cache / f"search-corpus-v{VERSION}-n{n}-s{seed}"
    return stem.with_suffix(".jsonl"), stem.with_suffix(".json")


def ensure(n: int, seed: int = 18, cache: Path = DEFAULT_CACHE,
           progress=print) -> tuple[Path, list[Query], CorpusInfo]:
    """The corpus file, its query set and figures; generated once, then read from the cache."""
    docs_path, meta_path = paths(n, seed, cache)
    if docs_path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        info = CorpusInfo(**{**meta["info"], "cached": True})
        return docs_path, [Query(**q) for q in meta["queries"]], info
    start = time.perf_counter()
    cache.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    words = vocabulary(rng)
    writer = Writer(rng, words)
    kinds = {doc: rng.choice(("pdf", "docx")) for doc in range(1, n + 1) if rng.random() < ATTACHMENT_SHARE}
    plants, queries = plan(rng, n, sorted(kinds))
    total_words = 0
    tmp = docs_path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for doc in range(1, n + 1):
            row = document(writer, doc, kinds.get(doc, ""), plants.get(doc, []))
            total_words += sum(len(row[k].split()) for k in ("title", "agenda", "body", "attachment_text"))
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            if doc % 5000 == 0:
                progress(f"  {doc} Protokolle erzeugt ({time.perf_counter() - start:.0f} s)")
    info = CorpusInfo(n=n, seed=seed, vocabulary=len(words), words=total_words,
                      pdf=sum(k == "pdf" for k in kinds.values()),
                      docx=sum(k == "docx" for k in kinds.values()),
                      seconds=time.perf_counter() - start)
    tmp.replace(docs_path)
    meta_path.write_text(json.dumps({"info": asdict(info), "queries": [asdict(q) for q in queries]},
                                    ensure_ascii=False))
    return docs_path, queries, info


def read(docs_path: Path, batch: int = 1000):
    """The corpus in lists of ``batch`` rows (never all of it in memory)."""
    with docs_path.open(encoding="utf-8") as rows:
        while chunk := [json.loads(line) for line in itertools.islice(rows, batch)]:
            yield chunk
