"""Benchmark: Whoosh backend vs. modelsearch's database backend (SQLite FTS5), same run.

Generates N German minutes (``Book`` rows of modelsearch's test app: title + summary),
indexes them with each backend, runs a fixed query set and prints index-build documents/s
and query median/p95 side by side with the ratio Whoosh/database.

    python bench/search.py --n 20000      # make bench-search

Speed is reported, never asserted (HELPER_COMMON.md).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS = (
    "Sitzung Protokoll Beschluss Fachgruppe Arbeitsschutz Gefährdungsbeurteilung Leitfaden "
    "Handwerk Kammer Innung Unfallversicherung Prävention Gesundheit Betrieb Mittelstand "
    "Digitalisierung Qualifizierung Fachkräfte Demografie Führung Kultur Veranstaltung Plenum "
    "Leitungskreis Transfer Produkt Checkliste Praxisstandard Umsetzung Beratung Netzwerk "
    "Partner Abstimmung Tagesordnung Bericht Ergebnis Entwurf Überarbeitung Veröffentlichung "
    "Lärm Staub Ergonomie Belastung psychische Gefährdung Schutzmaßnahme Unterweisung Prüfung "
    "Straße Maßnahme Übersicht Zuständigkeit Verantwortung Förderung Region Hochschule"
).split()
FILLER = "der die das und mit für im auf wird wurde werden nach zur zum bei".split()
QUERIES = [
    "Gefährdungsbeurteilung", "Gefaehrdung", "Arbeitsschutz Leitfaden", "psychische Belastung",
    "Plenum Beschluss", "Digitalisierung", "Straße", "Fachkräfte Qualifizierung Region",
    "Unterweisung", "Mittelstand Netzwerk Partner",
]


def minutes(rng: random.Random, i: int) -> tuple[str, str]:
    title = f"Protokoll {i}: {' '.join(rng.sample(WORDS, 3))}"
    body = " ".join(rng.choice(WORDS) if rng.random() < 0.6 else rng.choice(FILLER) for _ in range(120))
    return title, body


def timed_queries(backend, model, repeat: int, budget: float) -> tuple[list[float], list[int | None]]:
    """Seconds per query (first page of 10 plus the count) and the hit count of each query.

    Stops once ``budget`` seconds are spent (at least three queries run), so a slow baseline
    cannot push the benchmark past its time limit; unmeasured queries report ``None``.
    """
    times: list[float] = []
    hits: list[int | None] = []
    spent = 0.0
    for _ in range(repeat):
        hits = [None] * len(QUERIES)
        for i, query in enumerate(QUERIES):
            if spent > budget and len(times) >= 3:
                return times, hits
            start = time.perf_counter()
            results = backend.search(query, model)
            list(results[:10])
            hits[i] = results.count()
            times.append(time.perf_counter() - start)
            spent += times[-1]
    return times, hits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="number of minutes (default 20000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the query set (default 1)")
    parser.add_argument("--budget", type=float, default=90.0,
                        help="seconds of query time per backend before measuring stops (default 90)")
    args = parser.parse_args()

    os.environ["DJANGO_SETTINGS_MODULE"] = "search.conformance.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import get_runner, setup_test_environment
    from modelsearch.backends import get_search_backend
    from modelsearch.test.testapp.models import Book

    settings.MODELSEARCH_BACKENDS["default"]["PATH"] = tempfile.mkdtemp(prefix="om-bench-whoosh-")
    setup_test_environment()
    runner = get_runner(settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        rng = random.Random(4)
        rows = [minutes(rng, i) for i in range(args.n)]
        start = time.perf_counter()
        Book.objects.bulk_create(
            [Book(title=t, summary=s, number_of_pages=100, publication_date="2026-01-01") for t, s in rows],
            batch_size=1000,
        )
        print(f"{args.n} Protokolle angelegt in {time.perf_counter() - start:.1f} s")

        figures = {}
        for name in ("default", "db"):
            backend = get_search_backend(name)
            backend.reset_indexes()
            books = list(Book.get_indexed_objects().order_by("pk"))
            start = time.perf_counter()
            # what `manage.py update_index` does: rebuilder start, chunks of 1000, finish
            rebuilder = backend.rebuilder_class(backend.get_index_for_model(Book))
            index = rebuilder.start()
            for i in range(0, len(books), 1000):
                index.add_items(Book, books[i : i + 1000])
            rebuilder.finish()
            backend.refresh_indexes()
            build = time.perf_counter() - start
            times, hits = timed_queries(backend, Book, args.repeat, args.budget)
            p95 = sorted(times)[max(0, int(0.95 * len(times)) - 1)]
            figures[name] = (args.n / build, statistics.median(times), p95, hits, len(times))
            print(f"{name}: {args.n / build:.0f} Dok./s, {len(times)} Abfragen gemessen", flush=True)
    finally:
        runner.teardown_databases(old)

    (w_dps, w_med, w_p95, w_hits, w_n), (d_dps, d_med, d_p95, d_hits, d_n) = figures["default"], figures["db"]
    print(f"{'':24}{'Whoosh':>12}{'DB (SQLite)':>14}{'Whoosh/DB':>11}")
    print(f"{'Index-Aufbau Dok./s':24}{w_dps:12.0f}{d_dps:14.0f}{w_dps / d_dps:11.2f}")
    print(f"{'Abfrage Median ms':24}{w_med * 1000:12.1f}{d_med * 1000:14.1f}{w_med / d_med:11.2f}")
    print(f"{'Abfrage p95 ms':24}{w_p95 * 1000:12.1f}{d_p95 * 1000:14.1f}{w_p95 / d_p95:11.2f}")
    print(f"{'Abfragen gemessen':24}{w_n:12}{d_n:14}")
    print("Treffer je Abfrage (Whoosh / DB; - = nicht gemessen):")
    for query, w, d in zip(QUERIES, w_hits, d_hits, strict=True):
        print(f"  {query:34} {'-' if w is None else w:>6} / {'-' if d is None else d:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
