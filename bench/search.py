"""Benchmark: Whoosh vs. modelsearch's database backend on SQLite (FTS5) and PostgreSQL, one run.

Generates (or reads from the cache) a realistic corpus of German minutes with attachments
and a query set whose relevant documents are known (``bench/corpus.py``), then runs one
subprocess per backend: load the rows, rebuild the index the way ``update_index`` does,
run the queries, save new minutes and time until a search finds them. Printed per backend:
build documents/s, save-to-searchable latency, peak memory, and per query class p50/p95 ms,
P@10 and R@10; then the ratios Whoosh/PostgreSQL and Whoosh/SQLite.

    python bench/search.py                 # 20,000 minutes (make bench-search)
    python bench/search.py --n 100000      # make bench-search BENCH_N=100000

PostgreSQL is used if 127.0.0.1:5432 answers (``OM_BENCH_PG_HOST``/``_PORT``/``_USER``); the
bench creates and drops its own database. Speed is printed, never asserted (common rules).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":
    # Run as a script, this file's directory comes first on sys.path and "search" would be
    # this file instead of the search app; the project root takes its place.
    sys.path[:] = [str(ROOT)] + [p for p in sys.path
                                 if Path(p or ".").resolve() not in (ROOT, ROOT / "bench")]

from bench import corpus  # noqa: E402

BACKENDS = {"whoosh": "Whoosh", "sqlite": "SQLite FTS5", "postgres": "PostgreSQL (german)"}
CLASSES = ["selten", "mittel", "breit", "phrase", "präfix", "alt-synthetisch"]
RECALL_ALL_CLASSES = {"selten", "mittel", "phrase", "präfix"}


# ---- one backend, in its own process ---------------------------------------------------

class QueryTimeout(Exception):
    pass


def rss_mb(key: str = "VmRSS") -> float | None:
    """Resident set (``VmRSS``) or its peak since the last reset (``VmHWM``) in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_mb(reset: bool) -> float:
    """Peak resident set since :func:`reset_peak`; without it ``ru_maxrss``, which also counts
    what the process inherited from its parent at fork."""
    peak = rss_mb("VmHWM") if reset else None
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Start a new peak-RSS measurement (Linux ``clear_refs`` 5 resets ``VmHWM``)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Limit:
    """Aborts the database's statements after ``seconds`` (SQLite progress handler,
    PostgreSQL ``statement_timeout``); Whoosh's own scoring runs in Python and is not cut."""

    def __init__(self, seconds: float):
        from django.db import connection

        self.connection = connection
        self.seconds = seconds
        connection.ensure_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")

    def run(self, fn):
        from django.db import OperationalError

        raw = self.connection.connection
        sqlite = self.connection.vendor == "sqlite"
        if sqlite:
            deadline = time.perf_counter() + self.seconds
            raw.set_progress_handler(lambda: int(time.perf_counter() > deadline), 10_000)
        try:
            return fn()
        except OperationalError as exc:
            if "interrupted" in str(exc) or "statement timeout" in str(exc):
                raise QueryTimeout from exc
            raise
        finally:
            if sqlite:
                raw.set_progress_handler(None, 0)


def results_for(backend, query: corpus.Query):
    from modelsearch.query import Phrase

    from bench.search_app.models import BenchProtokoll

    queryset = BenchProtokoll.objects.filter(live=True)  # the public search's filter (R19)
    if query.kind == "prefix":
        return backend.autocomplete(query.text, queryset)
    if query.kind == "phrase":
        return backend.search(Phrase(query.text), queryset)
    if query.kind == "and":
        return backend.search(query.text, queryset, operator="and")
    return backend.search(query.text, queryset)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def measure_queries(backend, queries: list[corpus.Query], repeat: int, budget: float, limit: float) -> dict:
    """Per class: times (s), aborted count, P@10, R@10 and recall over all hits (untimed)."""
    guard = Limit(limit)
    out = {}
    for cls in CLASSES:
        members = [q for q in queries if q.cls == cls]
        times, aborted, precision, recall, recall_all, hits = [], 0, [], [], [], []
        spent = 0.0
        for round_ in range(repeat):
            for query in members:
                if spent > budget and times:
                    break

                def one(query=query):
                    results = results_for(backend, query)
                    return [obj.pk for obj in results[:10]], results.count()

                start = time.perf_counter()
                try:
                    top, count = guard.run(one)
                    times.append(time.perf_counter() - start)
                except QueryTimeout:
                    aborted += 1
                    times.append(limit)
                    top, count = None, None
                spent += times[-1]
                if round_ or not query.relevant:
                    if not round_:
                        hits.append(count)
                    continue
                hits.append(count)
                if top is not None:
                    relevant = set(query.relevant)
                    found = len(relevant.intersection(top))
                    precision.append(found / len(top) if top else 0.0)
                    recall.append(found / len(relevant))
                    if cls in RECALL_ALL_CLASSES and count is not None and count <= 5000:
                        try:
                            every = guard.run(
                                lambda q=query, c=count: [o.pk for o in results_for(backend, q)[:c]])
                            recall_all.append(len(relevant.intersection(every)) / len(relevant))
                        except QueryTimeout:
                            pass
        out[cls] = {"times": times, "aborted": aborted, "precision": precision, "recall": recall,
                    "recall_all": recall_all, "hits": hits, "queries": [q.text for q in members]}
    return out


def save_to_searchable(backend, first_id: int) -> tuple[list[float], list[bool]]:
    """Seconds from saving a new Protokoll (modelsearch's signal indexes it) to a search
    finding it by a word no other document has, and whether it was found within 60 s;
    one per ``corpus.FRESH_TERMS``."""
    from bench.search_app.models import BenchProtokoll

    latencies, found = [], []
    for i, term in enumerate(corpus.FRESH_TERMS):
        query = corpus.Query("neu", term)
        start = time.perf_counter()
        BenchProtokoll.objects.create(id=first_id + i, title=f"Protokoll Nachtrag {i + 1}",
                                      date="2026-11-29", body=f"Neu besprochen: {term} im Werk.")
        while not (hit := [o.pk for o in results_for(backend, query)[:1]]):
            if time.perf_counter() - start > 60:
                break
            time.sleep(0.005)
        latencies.append(time.perf_counter() - start)
        found.append(hit == [first_id + i])
    return latencies, found


def phase(args) -> int:
    """One step of one backend, JSON to ``--out``: ``build`` loads the rows and rebuilds the
    index; ``query`` is a fresh process, like a web process after a restart: queries, then
    save-to-searchable. Their memory is measured apart (the build's heap would hide it)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.search_settings"
    import django

    django.setup()
    from django.core.management import call_command
    from modelsearch.backends import get_search_backend

    if args.step == "build":  # before the backend: SQLite's picks FTS5 only if its table exists
        call_command("migrate", run_syncdb=True, verbosity=0)
        if args.phase == "postgres":
            title_body_index()
    meta = json.loads(Path(args.queries).read_text())
    n = meta["info"]["n"]
    backend = get_search_backend("default")
    rss_setup = rss_mb()
    peak_reset = reset_peak()
    if args.step == "build":
        result = build_step(backend, args, n)
        result["rss_setup_mb"] = rss_setup
        result["peak_build_mb"] = peak_mb(peak_reset)
    else:
        queries = [corpus.Query(**q) for q in meta["queries"]]
        result = {"classes": measure_queries(backend, queries, args.repeat, args.budget, args.limit),
                  "rss_query_start_mb": rss_setup}
        result["peak_query_mb"] = peak_mb(peak_reset)
        result["save_to_searchable_s"], result["save_found"] = save_to_searchable(backend, n + 1)
    Path(args.out).write_text(json.dumps(result))
    return 0


def title_body_index() -> None:
    """The site's GIN index on ``title || body`` (migration om_search 0006) on modelsearch's
    index table of the bench app, so that PostgreSQL is measured as the site runs it."""
    import importlib

    from django.db import connection
    from modelsearch.models import IndexEntry

    migration = importlib.import_module("search.migrations.0006_title_body_index")
    with connection.schema_editor() as editor:
        migration.create_on(editor, IndexEntry._meta.db_table)


def build_step(backend, args, n: int) -> dict:
    from bench.search_app.models import BenchProtokoll

    label = BACKENDS[args.phase]
    start = time.perf_counter()
    fields = ("title", "date", "location", "attendees", "agenda", "body", "attachment_text")
    for chunk in corpus.read(Path(args.corpus)):
        BenchProtokoll.objects.bulk_create(
            [BenchProtokoll(id=row["id"], **{k: row[k] for k in fields}) for row in chunk])
    load = time.perf_counter() - start

    backend.reset_indexes()
    reset_peak()
    start = time.perf_counter()
    # what `manage.py update_index` does: rebuilder start, chunks of 1000, finish
    rebuilder = backend.rebuilder_class(backend.get_index_for_model(BenchProtokoll))
    index = rebuilder.start()
    last = 0
    while chunk := list(BenchProtokoll.objects.filter(pk__gt=last).order_by("pk")[:1000]):
        index.add_items(BenchProtokoll, chunk)
        last = chunk[-1].pk
        if last % 5000 < 1000:
            print(f"  {label}: {last} indexiert ({time.perf_counter() - start:.0f} s)", flush=True)
    rebuilder.finish()
    if args.phase == "postgres":  # as the site's rebuild does (search.backends.postgres)
        from django.db import connection
        from modelsearch.models import IndexEntry

        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {IndexEntry._meta.db_table}")
    backend.refresh_indexes()
    build = time.perf_counter() - start
    print(f"  {label}: {n / build:.0f} Dok./s beim Aufbau ({build:.0f} s)", flush=True)
    return {"backend": args.phase, "n": n, "load_s": load, "build_s": build, "docs_per_s": n / build}


# ---- the run: corpus, one subprocess per backend, report -------------------------------

def pg_settings() -> dict[str, str]:
    return {"host": os.environ.get("OM_BENCH_PG_HOST", "127.0.0.1"),
            "port": os.environ.get("OM_BENCH_PG_PORT", "5432"),
            "user": os.environ.get("OM_BENCH_PG_USER", "postgres")}


def pg_available() -> bool:
    pg = pg_settings()
    try:
        with socket.create_connection((pg["host"], int(pg["port"])), timeout=1):
            return True
    except OSError:
        return False


def pg_database(name: str, create: bool) -> None:
    import psycopg

    pg = pg_settings()
    with psycopg.connect(host=pg["host"], port=pg["port"], user=pg["user"], dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def run_backend(name: str, args, docs: Path, meta: Path, work: Path) -> dict | None:
    env = {**os.environ, "OM_BENCH_BACKEND": name, "PYTHONPATH": str(ROOT)}
    pg_name = f"om_bench_search_{os.getpid()}"
    if name == "postgres":
        pg = pg_settings()
        pg_database(pg_name, create=True)
        env.update(OM_BENCH_PG_NAME=pg_name, OM_BENCH_PG_HOST=pg["host"], OM_BENCH_PG_PORT=pg["port"],
                   OM_BENCH_PG_USER=pg["user"])
    else:
        env["OM_BENCH_SQLITE"] = str(work / f"{name}.sqlite3")
        env["OM_BENCH_WHOOSH_DIR"] = str(work / "whoosh")
    result: dict = {}
    start = time.perf_counter()
    try:
        for step in ("build", "query"):
            out = work / f"{name}-{step}.json"
            command = [sys.executable, str(Path(__file__).resolve()), "--phase", name, "--step", step,
                       "--corpus", str(docs), "--queries", str(meta), "--out", str(out),
                       "--repeat", str(args.repeat), "--budget", str(args.budget), "--limit", str(args.limit)]
            done = subprocess.run(command, env=env, cwd=ROOT)
            if done.returncode or not out.exists():
                print(f"  {BACKENDS[name]}: fehlgeschlagen ({step}, Exit-Code {done.returncode})")
                return None
            result.update(json.loads(out.read_text()))
    finally:
        if name == "postgres":
            pg_database(pg_name, create=False)
    result["wall_s"] = time.perf_counter() - start
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}" if seconds >= 0.1 else f"{seconds * 1000:.1f}"


def mean(values: list[float]) -> str:
    return f"{statistics.fmean(values):.2f}" if values else "–"


def report(results: dict[str, dict | None], limit: float, failed: set[str]) -> list[str]:
    names = list(results)
    width = 22
    lines = ["", f"{'':34}" + "".join(f"{BACKENDS[n]:>{width}}" for n in names)]

    def row(label: str, cell) -> None:
        cells = []
        for name in names:
            result = results[name]
            cells.append(("fehlgeschlagen" if name in failed else "übersprungen") if result is None
                         else cell(result))
        lines.append(f"{label:34}" + "".join(f"{c:>{width}}" for c in cells))

    def mb(value) -> str:
        return "–" if value is None else f"{value:,.0f}"

    row("Index-Aufbau Dok./s", lambda r: f"{r['docs_per_s']:,.0f}")
    row("Index-Aufbau s", lambda r: f"{r['build_s']:,.1f}")
    row("Speichern→auffindbar ms (Median)", lambda r: ms(statistics.median(r["save_to_searchable_s"])))
    row("Speichern→auffindbar ms (max.)", lambda r: ms(max(r["save_to_searchable_s"])))
    row("neu gespeichert, gefunden", lambda r: f"{sum(r['save_found'])} von {len(r['save_found'])}")
    row("RSS nach Start MB", lambda r: mb(r["rss_setup_mb"]))
    row("Spitzen-RSS Aufbau MB", lambda r: mb(r["peak_build_mb"]))
    row("Spitzen-RSS Abfrageprozess MB", lambda r: mb(r["peak_query_mb"]))
    for cls in CLASSES:
        def timing(r, cls=cls):
            c = r["classes"][cls]
            mark = "≥" if c["aborted"] else ""
            return f"{mark}{ms(statistics.median(c['times']))} / {mark}{ms(percentile(c['times'], 0.95))}"

        def quality(r, cls=cls):
            c = r["classes"][cls]
            return f"{mean(c['precision'])} / {mean(c['recall'])} / {mean(c['recall_all'])}"

        def counts(r, cls=cls):
            c = r["classes"][cls]
            measured = [h for h in c["hits"] if h is not None]
            average = f"{statistics.fmean(measured):,.0f}" if measured else "–"
            return f"{len(c['times'])} / {c['aborted']} / {average}"

        lines.append(f"{cls}:")
        row("  p50 / p95 ms", timing)
        if cls != "alt-synthetisch":
            row("  P@10 / R@10 / R alle", quality)
        row("  gemessen / abgebrochen / Ø Treffer", counts)
    lines.append(f"(≥: mindestens eine Abfrage nach {limit:g} s abgebrochen und als {limit:g} s gezählt; "
                 "R alle: Recall über alle Treffer, für Klassen mit ≤ 5.000 Treffern)")

    def median(result: dict, key: str) -> float:
        return statistics.median(result[key])

    def p50(result: dict, cls: str) -> float:
        return statistics.median(result["classes"][cls]["times"])

    whoosh = results.get("whoosh")
    for other in ("postgres", "sqlite"):
        if whoosh is None or results.get(other) is None:
            lines.append(f"Whoosh/{BACKENDS[other]}: "
                         + ("fehlgeschlagen" if failed & {"whoosh", other} else "übersprungen"))
            continue
        base = results[other]
        lines.append(f"Whoosh/{BACKENDS[other]} (Aufbau: Dok./s-Verhältnis, sonst Zeitverhältnis; "
                     "< 1 bei Zeiten = Whoosh schneller):")
        save = median(whoosh, "save_to_searchable_s") / median(base, "save_to_searchable_s")
        lines.append(f"  Index-Aufbau Dok./s {whoosh['docs_per_s'] / base['docs_per_s']:.2f}, "
                     f"Speichern→auffindbar {save:.2f}, "
                     f"Spitzen-RSS Abfragen "
                     + (f"{whoosh['peak_query_mb'] / base['peak_query_mb']:.2f}"
                        if whoosh["peak_query_mb"] and base["peak_query_mb"] else "–"))
        lines.append("  p50 je Klasse: " + ", ".join(
            f"{cls} {p50(whoosh, cls) / p50(base, cls):.3f}"
            for cls in CLASSES))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="number of minutes (default 20000)")
    parser.add_argument("--seed", type=int, default=18, help="corpus seed (default 18)")
    parser.add_argument("--cache", type=Path, default=corpus.DEFAULT_CACHE,
                        help="directory of the cached corpus (default var/bench)")
    parser.add_argument("--backends", default="sqlite,postgres,whoosh",
                        help="comma-separated, of whoosh, sqlite, postgres (default all three)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the query set (default 1)")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds of query time per class and backend before measuring stops "
                             "(default 60)")
    parser.add_argument("--limit", type=float, default=20.0,
                        help="seconds after which one query is aborted (default 20)")
    parser.add_argument("--phase", choices=list(BACKENDS), help=argparse.SUPPRESS)
    parser.add_argument("--step", choices=("build", "query"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--queries", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        return phase(args)

    started = time.perf_counter()
    cpu_started = os.times()
    print(f"Korpus: {args.n} Protokolle (Seed {args.seed}) …", flush=True)
    docs, queries, info = corpus.ensure(args.n, args.seed, args.cache,
                                        progress=lambda text: print(text, flush=True))
    meta = corpus.paths(args.n, args.seed, args.cache)[1]
    origin = f"aus dem Cache {docs}" if info.cached else f"erzeugt in {info.seconds:.0f} s: {docs}"
    print(f"Korpus {origin}\n"
          f"  {info.vocabulary:,} Wortformen im Vokabular (Zipf), Ø {info.words / info.n:,.0f} Wörter je "
          f"Protokoll, Anhänge: {info.pdf} PDF, {info.docx} DOCX; "
          + ", ".join(f"{cls} {sum(q.cls == cls for q in queries)}" for cls in CLASSES) + " Abfragen",
          flush=True)

    results: dict[str, dict | None] = {}
    failed: set[str] = set()
    work = Path(tempfile.mkdtemp(prefix="om-bench-search-"))
    try:
        for name in args.backends.split(","):
            if name == "postgres" and not pg_available():
                print(f"  {BACKENDS[name]}: übersprungen (127.0.0.1:5432 antwortet nicht)", flush=True)
                results[name] = None
                continue
            results[name] = run_backend(name, args, docs, meta, work)
            if results[name] is None:
                failed.add(name)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("\n".join(report(results, args.limit, failed)))
    cpu = os.times()
    children = (cpu.children_user + cpu.children_system
                - cpu_started.children_user - cpu_started.children_system)
    own = (cpu.user + cpu.system) - (cpu_started.user + cpu_started.system)
    print(f"Laufzeit {time.perf_counter() - started:.0f} s, CPU {own + children:.0f} s; "
          "Speicher: Spitzen-RSS (VmHWM, zurückgesetzt über /proc/self/clear_refs) je Prozess; "
          "Aufbau und Abfragen laufen in getrennten Prozessen; der PostgreSQL-Server zählt nicht mit.")
    Path(args.cache).mkdir(parents=True, exist_ok=True)
    (Path(args.cache) / f"search-result-n{args.n}.json").write_text(
        json.dumps({"info": asdict(info), "results": results}, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
