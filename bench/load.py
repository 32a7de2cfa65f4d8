"""Load benchmark: scaled demo content under 50 concurrent clients against gunicorn.

    python bench/load.py [--fachgruppen 50] [--protokolle 200] [--clients 50] [--requests 400]
                         [--duration 90] [--database-url URL] [--keep] [--reuse DIR] [--pages-only]

1. A throwaway installation (own OM_VAR_DIR, SQLite unless --database-url) with the
   production settings (DEBUG off, whitenoise, gunicorn config of `make serve`; only TLS
   redirect and secure cookies are off, since the benchmark speaks plain http on 127.0.0.1).
2. The demo content scaled to N Fachgruppen x M Protokolle by a fast generator: Fachgruppen
   through Wagtail's API, Protokolle as bulk inserts with correct treebeard paths (checked
   with ``find_problems`` afterwards); then the search index is rebuilt. Each step is timed.
3. gunicorn on 127.0.0.1 at a free port; a threaded keep-alive client drives the home page, a
   Fachgruppe page, a Protokoll page, ``/suche/?q=…`` with five popular words (answered from
   the search backend's hit cache after the first time) and ``suche-kalt``: broad searches
   never asked before (every one scores all 10,000 Protokolle), bounded by --requests per
   page and --duration seconds per phase.
4. Prints requests/s, median and p95 per page and the error count (non-200 or failure), plus
   two baselines measured in the same run: a static file served by whitenoise at the same
   concurrency, and each page at 1 client.
5. Anonymous pages (issue 18): the home page, the Fachgruppen list, Fachgruppe and Protokoll
   pages, mixed, at full concurrency, once on a gunicorn with the page cache off
   (``OM_PAGE_CACHE_SECONDS=0``) and once with it as configured (default 300 s), each against
   a static file on the same server just before. Prints the ratio mixed/static and p95/median
   per page for both. The cached run is measured after a warm-up that asks every address on
   fresh connections, so every worker process holds it (local memory is per process): the
   steady state, not the first visitor after a publish. ``--pages-only`` runs just this part.

Speed is never asserted; the figures are for reading. The exit code is 1 if any error occurred.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
SINGLE_CLIENT_REQUESTS = 30
SEARCH_TERMS = ["Unterweisung", "Gefährdungsbeurteilung", "Digitalisierung", "Sitzung", "Beschluss"]


# --- the generator, run inside Django (``load.py _scale``) ------------------------------------

def scale_content(fachgruppen: int, protokolle: int) -> dict:
    """Grow the demo site to ``fachgruppen`` Fachgruppen with ``protokolle`` Protokolle each."""
    import datetime
    import uuid

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from om_pages.models import AgendaItem, FachgruppenIndexPage, FachgruppePage, ProtokollPage
    from workflow.choices import Kind, State
    from workflow.vorgang import Vorgang

    timings = {}
    started = time.perf_counter()
    index = FachgruppenIndexPage.objects.get()
    existing = FachgruppePage.objects.child_of(index).count()
    for number in range(existing, fachgruppen):
        page = FachgruppePage(
            title=f"Fachgruppe Lastthema {number:02d}", slug=f"lastthema-{number:02d}",
            topic_area=f"Lastthema {number:02d}", summary="Fachgruppe für den Lasttest.", live=False,
        )
        index.add_child(instance=page)
        # Only a recognised group is published and listed (R1, R26): its Anerkennung, decided,
        # stored directly (the approval chain itself is not what this benchmark measures).
        Vorgang.objects.bulk_create([Vorgang(kind=Kind.ANERKENNUNG, state=State.ANERKANNT, page=page,
                                             group_page=page, page_title=page.title)])
        page.save_revision().publish()
        index.refresh_from_db()
    timings["fachgruppen_s"] = time.perf_counter() - started

    started = time.perf_counter()
    content_type = ContentType.objects.get_for_model(ProtokollPage)
    locale = Locale.get_default()
    now = timezone.now()
    table = ProtokollPage._meta.db_table
    created = 0
    for fachgruppe in FachgruppePage.objects.child_of(index).order_by("path"):
        with transaction.atomic():
            fachgruppe.refresh_from_db()
            have = ProtokollPage.objects.child_of(fachgruppe).count()
            missing = protokolle - have
            if missing <= 0:
                continue
            last = fachgruppe.get_last_child()
            step = Page._str2int(last.path[-Page.steplen:]) if last else 0
            pages = []
            for offset in range(missing):
                step += 1
                number = have + offset
                date = datetime.date(2000 + number // 12 % 27, 1 + number % 12, 1 + number % 28)
                slug = f"lastprotokoll-{number:04d}"
                pages.append(Page(
                    path=Page._get_path(fachgruppe.path, fachgruppe.depth + 1, step),
                    depth=fachgruppe.depth + 1, numchild=0,
                    title=f"Protokoll {fachgruppe.title} Nr. {number}", draft_title="",
                    slug=slug, url_path=f"{fachgruppe.url_path}{slug}/",
                    content_type=content_type, locale=locale, translation_key=uuid.uuid4(),
                    live=True, has_unpublished_changes=False,
                    first_published_at=now, last_published_at=now,
                ))
                pages[-1].draft_title = pages[-1].title
                pages[-1]._om_date = date
            Page.objects.bulk_create(pages, batch_size=500)
            ids = dict(
                Page.objects.filter(path__in=[p.path for p in pages]).values_list("path", "pk")
            )
            with connection.cursor() as cursor:
                cursor.executemany(
                    f'INSERT INTO "{table}" (page_ptr_id, date, meeting_kind, location, attendees, body) '
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    [
                        (ids[p.path], p._om_date, "praesenz", "Berlin", "Andrea Keller\nJörg Weißmann",
                         f"<p>{p.title}: Unterweisung, Gefährdungsbeurteilung und Beschlüsse.</p>")
                        for p in pages
                    ],
                )
            AgendaItem.objects.bulk_create(
                [
                    AgendaItem(page_id=ids[p.path], sort_order=i, title=title,
                               discussion="Beratung im Lasttest.", decision="Beschluss im Lasttest.")
                    for p in pages for i, title in enumerate(["Begrüßung", "Schwerpunkt", "Verschiedenes"])
                ],
                batch_size=1000,
            )
            Page.objects.filter(pk=fachgruppe.pk).update(numchild=fachgruppe.numchild + missing)
            created += missing
    timings["protokolle_s"] = time.perf_counter() - started
    problems = Page.find_problems()
    if any(problems):
        raise SystemExit(f"treebeard found problems after the bulk insert: {problems}")
    timings["protokolle_created"] = created
    timings["pages_total"] = Page.objects.count()
    return timings


# --- the load client ------------------------------------------------------------------------

@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    started: float = 0.0
    finished: float = 0.0

    def record(self, seconds: float, ok: bool, detail: str = "") -> None:
        self.latencies.append(seconds)
        if not ok:
            self.errors += 1
            self.first_error = self.first_error or detail

    def summary(self) -> dict:
        lat = sorted(self.latencies)
        elapsed = max(self.finished - self.started, 1e-9)
        return {
            "requests": len(lat),
            "rps": len(lat) / elapsed,
            "median_ms": statistics.median(lat) * 1000 if lat else float("nan"),
            "p95_ms": lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000 if lat else float("nan"),
            "errors": self.errors,
        }


def drive(port: int, targets: dict[str, list[str]], clients: int, per_target: int, duration: float,
          fresh_connections: bool = False) -> dict[str, Samples]:
    """``clients`` threads, each with one keep-alive connection, cycling over the targets until each
    target got ``per_target`` requests or ``duration`` seconds passed. ``fresh_connections``: a
    new connection per request (spreads a warm-up over all worker processes)."""
    headers = {"Host": "127.0.0.1", **({"Connection": "close"} if fresh_connections else {})}
    samples = {name: Samples() for name in targets}
    budget = {name: per_target for name in targets}
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    names = list(targets)

    def take(turn: int) -> tuple[str, str] | None:
        with lock:
            for shift in range(len(names)):
                name = names[(turn + shift) % len(names)]
                if budget[name] > 0:
                    budget[name] -= 1
                    urls = targets[name]
                    return name, urls[budget[name] % len(urls)]
        return None

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        turn = number
        while time.monotonic() < deadline:
            job = take(turn)
            if job is None:
                break
            turn += 1
            name, url = job
            begin = time.perf_counter()
            try:
                connection.request("GET", url, headers=headers)
                response = connection.getresponse()
                response.read()
                ok, detail = response.status == 200, f"{url}: HTTP {response.status}"
                if fresh_connections or response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            except Exception as error:  # noqa: BLE001 - every failure is an error in the count
                ok, detail = False, f"{url}: {error!r}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with lock:
                samples[name].record(time.perf_counter() - begin, ok, detail)
        connection.close()

    start = time.perf_counter()
    for sample in samples.values():
        sample.started = start
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    end = time.perf_counter()
    for sample in samples.values():
        sample.finished = end
    return samples


def cold_search_urls(phase: int, count: int) -> list[str]:
    """Broad searches that no earlier request asked: ``Beschluss`` (in every Protokoll) without a
    made-up word, so Whoosh scores all 10,000 hits afresh instead of answering from its cache."""
    return [f"/suche/?q={quote(f'Beschluss -lastwort{phase}x{number}')}" for number in range(count)]


# --- orchestration ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(var_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        OM_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url or f"sqlite:///{var_dir / 'bench.sqlite3'}",
        SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0", LOG_LEVEL="ERROR",
    )
    return env


def timed(label: str, command: list[str], env: dict[str, str]) -> tuple[float, str]:
    begin = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - begin
    if result.returncode != 0:
        raise SystemExit(f"{label} failed:\n{result.stdout}\n{result.stderr}")
    print(f"  {label}: {seconds:.1f} s", flush=True)
    return seconds, result.stdout


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn ended during start-up")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/", headers={"Host": "127.0.0.1"})
            status = connection.getresponse().status
            if status == 200:
                return
            raise SystemExit(f"gunicorn answers / with HTTP {status}")
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def print_table(title: str, summaries: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"  {'page':<12} {'requests':>8} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'errors':>6}")
    for name, s in summaries.items():
        print(f"  {name:<12} {s['requests']:>8} {s['rps']:>8.1f} {s['median_ms']:>10.1f} "
              f"{s['p95_ms']:>8.1f} {s['errors']:>6}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fachgruppen", type=int, default=50)
    parser.add_argument("--protokolle", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=400, help="requests per page in the load phase")
    parser.add_argument("--duration", type=float, default=90, help="time cap per phase in seconds")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: config)")
    parser.add_argument("--database-url", default=None, help="e.g. a PostgreSQL database of your own")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway installation")
    parser.add_argument("--reuse", default=None, help="installation kept by --keep: skip the setup")
    parser.add_argument("--page-requests", type=int, default=2000,
                        help="requests per page in the anonymous-pages phases (cached pages are fast)")
    parser.add_argument("--pages-only", action="store_true",
                        help="only the anonymous pages without and with the page cache (issue 18)")
    args = parser.parse_args()

    var_dir = Path(args.reuse) if args.reuse else Path(tempfile.mkdtemp(prefix="om-bench-load-"))
    env = bench_env(var_dir, args.database_url)
    python = sys.executable
    print(f"Installation: {var_dir}")
    if args.reuse:
        args.keep = True
        _, out = timed("pick URLs", [python, str(Path(__file__).resolve()), "_urls"], env)
        return run_load(args, env, json.loads(out.strip().splitlines()[-1]), var_dir)
    print("Setup (timed):")
    timed("migrate", [python, "manage.py", "migrate", "--noinput", "-v0"], env)
    timed("load_demo", [python, "manage.py", "load_demo"], env)
    _, out = timed(
        f"scale to {args.fachgruppen} x {args.protokolle}",
        [python, str(Path(__file__).resolve()), "_scale", str(args.fachgruppen), str(args.protokolle)], env,
    )
    scaled = json.loads(out.strip().splitlines()[-1])
    print(f"    Fachgruppen {scaled['fachgruppen_s']:.1f} s, {scaled['protokolle_created']} Protokolle "
          f"{scaled['protokolle_s']:.1f} s "
          f"({scaled['protokolle_created'] / max(scaled['protokolle_s'], 1e-9):.0f}/s), "
          f"{scaled['pages_total']} pages in all; treebeard find_problems: none")
    timed("update_index", [python, "manage.py", "update_index"], env)
    timed("collectstatic", [python, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    _, out = timed("pick URLs", [python, str(Path(__file__).resolve()), "_urls"], env)
    urls = json.loads(out.strip().splitlines()[-1])
    return run_load(args, env, urls, var_dir)


def start_server(args: argparse.Namespace, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    """gunicorn with the config of `make serve` on a free port, in its own process group."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "cms/gunicorn.conf.py",
               "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "--max-requests", "0"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    # own process group, so the master and every worker it forked can be ended together
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_up(port, server)
    except BaseException:
        stop_server(server)
        raise
    return server, port


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=40)  # gunicorn's graceful_timeout is 30 s
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(server.pid, signal.SIGKILL)  # workers still busy (e.g. slow searches)
    except ProcessLookupError:
        pass


def anonymous_pages(urls: dict) -> dict[str, list[str]]:
    return {"home": ["/"], "liste": [urls.get("fachgruppen_index", "/fachgruppen/")],
            "fachgruppe": urls["fachgruppen"], "protokoll": urls["protokolle"]}


def measure_pages(args: argparse.Namespace, env: dict[str, str], urls: dict, cache_seconds: str
                  ) -> dict[str, tuple[dict, dict, list[Samples]]]:
    """Static file, then the anonymous pages mixed, on one server with the page cache as given;
    once with keep-alive clients and once with a new connection per request (as nginx's default
    upstream does): {variant: (static summary, page summaries, samples)}."""
    server, port = start_server(args, {**env, "OM_PAGE_CACHE_SECONDS": cache_seconds})
    results = {}
    try:
        pages = anonymous_pages(urls)
        every_url = [url for page_urls in pages.values() for url in page_urls]
        # every address on fresh connections, so each worker process has rendered (and kept) it;
        # without the cache once each (code paths and database pages warm)
        rounds = worker_count(args) * 3 if cache_seconds != "0" else 1
        drive(port, {"warmup": every_url}, 4, len(every_url) * rounds, args.duration, fresh_connections=True)
        requests = getattr(args, "page_requests", args.requests)
        for variant, fresh in (("keep-alive", False), ("connection per request", True)):
            static = drive(port, {"static": [urls["static"]]}, args.clients, requests, args.duration,
                           fresh_connections=fresh)["static"]
            mixed = drive(port, pages, args.clients, requests, args.duration, fresh_connections=fresh)
            results[variant] = (static.summary(), {name: s.summary() for name, s in mixed.items()},
                                [static, *mixed.values()])
    finally:
        stop_server(server)
    return results


def worker_count(args: argparse.Namespace) -> int:
    """The workers gunicorn starts: --workers, else as cms/gunicorn.conf.py computes them."""
    import multiprocessing

    return args.workers or int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))


def print_pages(title: str, static: dict, mixed: dict) -> tuple[float, float]:
    """The table with p95/median per page; returns (mixed/static ratio, worst page p95/median)."""
    print(f"\n{title}")
    print(f"  {'page':<12} {'requests':>8} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'p95/med':>8} "
          f"{'errors':>6}")
    for name, s in {"static": static, **mixed}.items():
        print(f"  {name:<12} {s['requests']:>8} {s['rps']:>8.1f} {s['median_ms']:>10.1f} {s['p95_ms']:>8.1f} "
              f"{s['p95_ms'] / s['median_ms']:>8.1f} {s['errors']:>6}")
    rps = sum(s["requests"] for s in mixed.values()) / max(
        max(s["requests"] / s["rps"] for s in mixed.values() if s["rps"]), 1e-9)
    ratio = rps / static["rps"]
    print(f"  anonymous pages mixed: {rps:.1f} req/s; mixed/static ratio: {ratio:.3f}")
    return ratio, max(s["p95_ms"] / s["median_ms"] for s in mixed.values())


def run_pages(args: argparse.Namespace, env: dict[str, str], urls: dict) -> tuple[int, list[Samples]]:
    """Issue 18's figures: anonymous pages without and with the page cache, in the same run."""
    configured = env.get("OM_PAGE_CACHE_SECONDS", "300")
    off = measure_pages(args, env, urls, "0")
    on = measure_pages(args, env, urls, configured)
    print(f"\nAnonymous pages, {args.clients} clients, mixed (home, Fachgruppen list, "
          f"{len(urls['fachgruppen'])} Fachgruppen, {len(urls['protokolle'])} Protokolle):")
    summary = []
    for variant in on:
        before, _ = print_pages(f"  {variant}, without page cache (OM_PAGE_CACHE_SECONDS=0)",
                                *off[variant][:2])
        after, spread = print_pages(f"  {variant}, with page cache (OM_PAGE_CACHE_SECONDS={configured})",
                                    *on[variant][:2])
        summary.append(f"  {variant:<23} mixed/static {before:.3f} -> {after:.3f} "
                       f"({after / max(before, 1e-9):.0f}x); worst p95/median with cache {spread:.1f}")
    print("\nPage cache (same run):")
    print("\n".join(summary))
    samples = [sample for result in (off, on) for variant in result.values() for sample in variant[2]]
    return 0, samples


def run_load(args: argparse.Namespace, env: dict[str, str], urls: dict, var_dir: Path) -> int:
    _, page_samples = run_pages(args, env, urls)
    if args.pages_only:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)
        return report_errors(page_samples)
    server, port = start_server(args, env)
    try:
        phases = iter(range(1, 100))

        def targets_for_phase() -> dict[str, list[str]]:
            phase = next(phases)
            return {
                "home": ["/"],
                "fachgruppe": urls["fachgruppen"],
                "protokoll": urls["protokolle"],
                "suche": [f"/suche/?q={quote(term)}" for term in SEARCH_TERMS],
                "suche-kalt": cold_search_urls(phase, max(args.requests, SINGLE_CLIENT_REQUESTS)),
            }

        targets = targets_for_phase()
        print(f"\ngunicorn on 127.0.0.1:{port}; Fachgruppe pages list {args.protokolle} Protokolle each")
        drive(port, {"warmup": [u for name, us in targets.items() if name != "suche-kalt" for u in us]},
              4, 40, 30)

        static = drive(port, {"static": [urls["static"]]}, args.clients, args.requests, args.duration)
        single = {
            name: drive(port, {name: targets_for_phase()[name]}, 1, SINGLE_CLIENT_REQUESTS,
                        args.duration)[name]
            for name in targets
        }
        # each page alone at full concurrency, so one slow page does not hide the others
        alone = {
            name: drive(port, {name: targets_for_phase()[name]}, args.clients, args.requests,
                        args.duration)[name]
            for name in targets
        }
        load = drive(port, targets_for_phase(), args.clients, args.requests, args.duration)
    finally:
        stop_server(server)
    if not args.keep:
        shutil.rmtree(var_dir, ignore_errors=True)

    load_summary = {name: s.summary() for name, s in load.items()}
    single_summary = {name: s.summary() for name, s in single.items()}
    static_summary = static["static"].summary()
    print_table(f"Baseline: static file via whitenoise, {args.clients} clients", {"static": static_summary})
    print_table("Baseline: each page at 1 client", single_summary)
    alone_summary = {name: s.summary() for name, s in alone.items()}
    print_table(f"Load: {args.clients} concurrent clients, one page at a time", alone_summary)
    print_table(f"Load: {args.clients} concurrent clients, mixed pages", load_summary)
    total_requests = sum(s["requests"] for s in load_summary.values())
    any_sample = next(iter(load.values()))
    total_rps = total_requests / max(any_sample.finished - any_sample.started, 1e-9)
    print(f"\n  all pages together: {total_requests} requests, {total_rps:.1f} req/s")
    print("\nRatios (same run):")
    print(f"  mixed page throughput / static-file throughput: {total_rps / static_summary['rps']:.3f}")
    for name in targets:
        print(f"  {name:<12} median at {args.clients} clients / median at 1 client: "
              f"{load_summary[name]['median_ms'] / single_summary[name]['median_ms']:.1f}x")
    print(f"  suche-kalt median / suche median at 1 client (what the hit cache saves): "
          f"{single_summary['suche-kalt']['median_ms'] / single_summary['suche']['median_ms']:.1f}x")
    return report_errors([*load.values(), *alone.values(), *single.values(), static["static"], *page_samples])


def report_errors(every: list[Samples]) -> int:
    errors = sum(s.errors for s in every)
    first = next((s.first_error for s in every if s.first_error), "")
    print(f"\nErrors: {errors}" + (f" (first: {first})" if first else ""))
    return 1 if errors else 0


def django_main(task: str, *args: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if task == "_scale":
        print(json.dumps(scale_content(int(args[0]), int(args[1]))))
    elif task == "_urls":
        from django.conf import settings

        from om_pages.models import FachgruppenIndexPage, FachgruppePage, ProtokollPage

        fachgruppen = list(FachgruppePage.objects.live().order_by("-numchild", "path")[:5])
        protokolle = list(ProtokollPage.objects.live().order_by("-path")[:20])
        manifest = json.loads((Path(settings.STATIC_ROOT) / "staticfiles.json").read_text())["paths"]
        static = next(hashed for name, hashed in sorted(manifest.items()) if name.endswith(".css"))
        print(json.dumps({
            "fachgruppen_index": FachgruppenIndexPage.objects.live().get().url,
            "fachgruppen": [page.url for page in fachgruppen],
            "protokolle": [page.url for page in protokolle],
            "static": settings.STATIC_URL + static,
        }))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        django_main(sys.argv[1], *sys.argv[2:])
    else:
        sys.exit(main())
