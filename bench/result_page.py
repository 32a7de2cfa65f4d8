"""The search result page: queries and time for a page of hits, and the snippet search.

    python bench/result_page.py [--pages 30] [--words 20000] [--runs 15] [--keep]

1. A throwaway installation (own OM_VAR_DIR: SQLite, media, Whoosh index), migrated, with
   one Fachgruppe and ``--pages`` Protokolle, each with two agenda items and a PDF whose text
   has the searched word; the text is extracted while publishing (immediate task backend).
2. ``/suche/?q=…`` (ten hits shown, each with its snippet from the PDF), two ways in
   turns, so machine load hits both alike:

   * ``jetzt``: ``search.service.items_for`` (``search/result_texts.py``: a fixed number of
     queries, stored text by ``DocumentDigest``, no file opened);
   * ``vorher``: the former ``items_for`` as baseline: pages one by one, each attachment's
     text through ``page.attachment_texts()`` (the file's digest per request: ``stat``
     and, on a worker's first request, reading and hashing the file).

   Prints median time and queries per request of each, and the ratio.
3. The snippet search on one long text (``--words`` words, the match after the first 100):
   ``highlight.first_match`` (stops at the first match) against the former way (all
   matches, then the first), with the plain and a German stemming analyser.

Speed is never asserted; the figures are for reading.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project (and its test data builders)
    sys.path.insert(0, str(ROOT))

from tests.search.files import make_pdf  # noqa: E402 - needs the path above

WORDS = ("Sitzung Beschluss Gefaehrdungsbeurteilung Unterweisung Arbeitsschutz Massnahme "
         "Termin Plenum Fachgruppe Protokoll Bericht Handwerk Betrieb Pruefung").split()


def setup_django(var_dir: str) -> None:
    os.environ.update({
        "DEBUG": "1", "OM_VAR_DIR": var_dir, "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "testserver,127.0.0.1", "OM_EXTRACTION_BACKEND": "immediate",
        "DJANGO_SETTINGS_MODULE": "cms.settings",
    })
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def legacy_items_for(rows, parsed):
    """The result page's texts as before issue 18: page by page, files through the extractor
    (without recording digests, which the former code did not do)."""
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend

    from om_pages.attachments import AttachmentSearchMixin
    from search import snippets, text_cache
    from search.service import ResultItem

    remember, text_cache.remember_digest = text_cache.remember_digest, lambda *args, **kwargs: None
    try:
        pages = Page.objects.filter(pk__in=[row.pk for row in rows]).specific().in_bulk()
        backend, words, items = get_search_backend(), parsed.positive_words(), []
        for row in rows:
            page = pages.get(row.pk)
            if page is None:
                continue
            item = ResultItem(page=page, row=row)
            attachments = page.attachment_texts() if isinstance(page, AttachmentSearchMixin) else ()
            item.snippet, item.source = snippets.snippet(snippets.text_parts(page, attachments),
                                                         words, backend)
            items.append(item)
        return items
    finally:
        text_cache.remember_digest = remember


def request(client, url: str) -> tuple[float, int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # the log keeps 9,000 queries; the indexing filled it
    with CaptureQueriesContext(connection) as context:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return elapsed, len(context.captured_queries), response.content.decode()


def timed(function, repeat: int) -> float:
    values = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        values.append(time.perf_counter() - started)
    return statistics.median(values)


def bench_first_match(words: int, runs: int) -> None:
    from whoosh.analysis import LanguageAnalyzer

    from search import highlight

    text = " ".join(WORDS[i % len(WORDS)] for i in range(100)) + " Rahmenvertrag " + " ".join(
        WORDS[i % len(WORDS)] for i in range(words))
    query = "Rahmenvertrag"
    print(f"Snippet-Suche in einem Text von {len(text) / 1000:.0f} KB ({words} Wörter), Treffer nach 100:")
    for label, analyzer in [("einfach", highlight.PLAIN), ("deutsch", LanguageAnalyzer("de"))]:
        before = timed(lambda a=analyzer: highlight.match_spans(text, query, a)[0][0], runs)
        after = timed(lambda a=analyzer: highlight.first_match(text, query, a), runs)
        print(f"  {label:<8} vorher {before * 1000:8.2f} ms   jetzt {after * 1000:8.3f} ms   "
              f"Faktor {before / after:7.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--words", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway installation")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="om-bench-result-page-")
    try:
        setup_django(var_dir)
        import datetime

        from django.core.files.base import ContentFile
        from django.core.management import call_command
        from django.test import Client
        from wagtail.documents import get_document_model

        from om_pages.demo.loader import ensure_home
        from om_pages.models import (
            AgendaItem,
            FachgruppenIndexPage,
            ProtokollDocument,
            ProtokollPage,
        )
        from search import service, text_cache
        from tests.search.conftest import add_recognised_group

        call_command("migrate", verbosity=0)
        home = ensure_home()
        index = home.add_child(instance=FachgruppenIndexPage(title="Fachgruppen", slug="fachgruppen"))
        group = add_recognised_group(index, title="Fachgruppe Benchmark", slug="benchmark",
                                     topic_area="Benchmark")  # only a recognised group is public (R1)
        Document = get_document_model()
        for number in range(args.pages):
            document = Document(title=f"Anlage {number}")
            lines = [" ".join(WORDS[(number + line + k) % len(WORDS)] for k in range(10))
                     for line in range(40)]
            lines.insert(20, f"Anlage zum Rahmenvertrag {number}")
            document.file.save(f"anlage-{number}.pdf", ContentFile(make_pdf(lines)), save=False)
            document.save()
            page = ProtokollPage(title=f"Sitzung {number}", slug=f"sitzung-{number}",
                                 date=datetime.date(2025, 1 + number % 12, 1 + number % 28),
                                 body=f"<p>Bericht der Sitzung {number}.</p>")
            page.agenda_items = [AgendaItem(title="Haushalt", decision="Angenommen."),
                                 AgendaItem(title="Verschiedenes")]
            page.documents = [ProtokollDocument(document=document)]
            group.add_child(instance=page)
            page.save_revision().publish()
        client = Client()
        url = "/suche/?q=Rahmenvertrag"
        current = service.items_for
        ways = {"jetzt": current, "vorher": legacy_items_for}
        results: dict[str, list[tuple[float, int]]] = {name: [] for name in ways}
        for name, function in ways.items():  # warm-up: templates, caches
            service.items_for = function
            text_cache._digests.clear()  # noqa: SLF001 - a worker's first request hashes each file
            _, queries, html = request(client, url)
            print(f"{name}: erster Request {queries} Abfragen, "
                  f"{html.count('Im Anhang')} Snippets aus Anhängen")
        for _ in range(args.runs):
            for name, function in ways.items():
                service.items_for = function
                elapsed, queries, _ = request(client, url)
                results[name].append((elapsed, queries))
        service.items_for = current
        print(f"/suche/ mit {args.pages} Treffern (10 je Seite), {args.runs} Läufe je Weg (Median):")
        base = statistics.median(elapsed for elapsed, _ in results["vorher"])
        for name, values in results.items():
            median = statistics.median(elapsed for elapsed, _ in values)
            queries = sorted({count for _, count in values})
            print(f"  {name:<7} {median * 1000:7.1f} ms  {'/'.join(map(str, queries))} Abfragen  "
                  f"Faktor {median / base:5.2f}")
        bench_first_match(args.words, max(3, args.runs // 3))
        return 0
    finally:
        if args.keep:
            print(f"Installation bleibt: {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
