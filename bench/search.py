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


class QueryTimeout(Exception):
    pass


def run_with_limit(limit: float, fn):
    """Run ``fn`` and abort its SQLite statements after ``limit`` seconds (progress handler)."""
    from django.db import OperationalError, connection

    connection.ensure_connection()
    deadline = time.perf_counter() + limit
    connection.connection.set_progress_handler(lambda: int(time.perf_counter() > deadline), 10_000)
    try:
        return fn()
    except OperationalError as exc:
        if "interrupted" in str(exc):
            raise QueryTimeout from exc
        raise
    finally:
        connection.connection.set_progress_handler(None, 0)


def timed_queries(backend, model, repeat: int, budget: float, limit: float):
    """Seconds per query (first page of 10 plus the count), hit counts, number of aborted queries.

    A query running longer than ``limit`` seconds is aborted and counted as ``limit`` (so
    median and p95 are then lower bounds); measuring stops once ``budget`` seconds are spent,
    so a slow baseline cannot push the benchmark past its time limit. Unmeasured: ``None``.
    """
    times: list[float] = []
    hits: list[int | None] = []
    aborted = 0
    spent = 0.0

    def one(query):
        results = backend.search(query, model)
        list(results[:10])
        return results.count()

    for _ in range(repeat):
        hits = [None] * len(QUERIES)
        for i, query in enumerate(QUERIES):
            if spent > budget and times:
                return times, hits, aborted
            start = time.perf_counter()
            try:
                hits[i] = run_with_limit(limit, lambda q=query: one(q))
                times.append(time.perf_counter() - start)
            except QueryTimeout:
                aborted += 1
                times.append(limit)
            spent += times[-1]
    return times, hits, aborted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="number of minutes (default 20000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the query set (default 1)")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds of query time per backend before measuring stops (default 60)")
    parser.add_argument("--limit", type=float, default=20.0,
                        help="seconds after which one query is aborted (default 20)")
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
            times, hits, aborted = timed_queries(backend, Book, args.repeat, args.budget, args.limit)
            p95 = sorted(times)[max(0, int(0.95 * len(times)) - 1)]
            figures[name] = (args.n / build, statistics.median(times), p95, hits, len(times), aborted)
            print(f"{name}: {args.n / build:.0f} Dok./s, {len(times)} Abfragen, {aborted} abgebrochen",
                  flush=True)
    finally:
        runner.teardown_databases(old)

    (w_dps, w_med, w_p95, w_hits, w_n, w_ab), (d_dps, d_med, d_p95, d_hits, d_n, d_ab) = (
        figures["default"], figures["db"]
    )

    def ms(value: float, aborted: int) -> str:
        return ("≥" if aborted else "") + f"{value * 1000:.1f}"

    print(f"{'':24}{'Whoosh':>12}{'DB (SQLite)':>14}{'Whoosh/DB':>11}")
    print(f"{'Index-Aufbau Dok./s':24}{w_dps:12.0f}{d_dps:14.0f}{w_dps / d_dps:11.2f}")
    print(f"{'Abfrage Median ms':24}{ms(w_med, w_ab):>12}{ms(d_med, d_ab):>14}{w_med / d_med:11.3f}")
    print(f"{'Abfrage p95 ms':24}{ms(w_p95, w_ab):>12}{ms(d_p95, d_ab):>14}{w_p95 / d_p95:11.3f}")
    print(f"{'Abfragen gemessen':24}{w_n:12}{d_n:14}")
    print(f"{'davon abgebrochen':24}{w_ab:12}{d_ab:14}   (nach {args.limit:g} s; ≥ = Untergrenze)")
    print("Treffer je Abfrage (Whoosh / DB; - = nicht gemessen):")
    for query, w, d in zip(QUERIES, w_hits, d_hits, strict=True):
        print(f"  {query:34} {'-' if w is None else w:>6} / {'-' if d is None else d:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
