"""Benchmark: the search page's backend step on Whoosh and on PostgreSQL, same pages, same run.

Creates N live Protokoll pages in a scratch PostgreSQL database (``--corpus old``: 120 words
each from the old bench's 60 nouns, every page has nearly every word, the worst case for
"Meinten Sie"; ``--corpus zipf``: three paragraphs from ``bench/corpus.py``'s Zipf-distributed
vocabulary of about 42,000 forms, as real minutes), rebuilds each index the way
``update_index`` does, and prints per backend: index build documents/s, the search page's
backend step (``search.service.run``: hits, visibility re-check, facets; "Meinten Sie" for few
hits) median/p95 per query, and "Meinten Sie …?" alone, with the ratio Whoosh/PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/om_bench_pg python bench/pg_search.py --n 2000
    DATABASE_URL=… python bench/pg_search.py --n 2000 --corpus zipf

The database named in DATABASE_URL is dropped and created again. Speed is printed, never
asserted (issue 18, "Several hosts").
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

QUERIES = ["Gefährdungsbeurteilung", "Gefaehrdung", "Arbeitsschutz Leitfaden", '"psychische Belastung"',
           "Plenum -Beschluss", "Digitalisierung ODER Demografie", "Unterweisung"]
MISSPELT = ["Gefährdungsbeurteilunk", "Arbeitschutz", "Qualifizirung"]


FILLER = "der die das und mit für im auf wird wurde werden nach zur zum bei".split()


def old_minutes(rng: random.Random, i: int) -> tuple[str, str]:
    """The old bench's minutes (bench/search.py before issue 18's corpus): 60 nouns, 120 words."""
    from bench.corpus import OLD_WORDS

    title = f"Protokoll {i}: {' '.join(rng.sample(OLD_WORDS, 3))}"
    body = " ".join(rng.choice(OLD_WORDS) if rng.random() < 0.6 else rng.choice(FILLER) for _ in range(120))
    return title, body


def zipf_minutes(rng: random.Random):
    """Minutes from bench/corpus.py's vocabulary: a title of four words, three paragraphs."""
    from bench.corpus import Writer, vocabulary

    writer = Writer(rng, vocabulary(rng))

    def minutes(rng: random.Random, i: int) -> tuple[str, str]:
        title = f"Protokoll {i}: {writer.sentence(4).rstrip('.')}"
        return title, "</p><p>".join(writer.paragraph() for _ in range(3))

    return minutes


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--corpus", choices=["old", "zipf"], default="old")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL=postgres://… (a scratch database: it is dropped and created again)")
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ.setdefault("OM_VAR_DIR", tempfile.mkdtemp(prefix="om-bench-pg-"))
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    whoosh = {"BACKEND": "search.backends.whoosh", "PATH": str(Path(os.environ["OM_VAR_DIR"]) / "wh"),
              "AUTO_UPDATE": False}
    postgres = {"BACKEND": "search.backends.postgres", "SEARCH_CONFIG": "german", "AUTO_UPDATE": False}
    settings.WAGTAILSEARCH_BACKENDS = {"default": whoosh, "postgres": postgres}
    call_command("migrate", verbosity=0)

    from om_pages.demo.loader import ensure_home
    from om_pages.models import FachgruppenIndexPage, FachgruppePage, ProtokollPage
    from search import service
    from search.query import parse
    from search.results import Filters
    from workflow.vorgang import Vorgang

    rng = random.Random(18)
    minutes = old_minutes if args.corpus == "old" else zipf_minutes(rng)
    home = ensure_home()
    index = home.add_child(instance=FachgruppenIndexPage(title="Fachgruppen", slug="fachgruppen"))
    group = index.add_child(instance=FachgruppePage(title="Fachgruppe Bench", slug="bench",
                                                    topic_area="Bench", live=False))
    Vorgang.objects.create(kind="anerkennung", page=group, page_title=group.title, state="anerkannt")
    group.save_revision().publish()  # only a group the Plenum recognised is published (R1, R26)
    group = FachgruppePage.objects.get(pk=group.pk)
    start = time.perf_counter()
    for i in range(args.n):
        title, body = minutes(rng, i)
        group.add_child(instance=ProtokollPage(title=title, slug=f"p{i}", date=f"2025-{i % 12 + 1:02d}-01",
                                               body=f"<p>{body}</p>", live=True))
    print(f"{args.n} pages created in {time.perf_counter() - start:.0f} s")

    rows = {}
    for label, config in [("Whoosh", whoosh), ("PostgreSQL", postgres)]:
        with override_settings(WAGTAILSEARCH_BACKENDS={"default": config}):
            start = time.perf_counter()
            call_command("update_index", verbosity=0)
            build = args.n / (time.perf_counter() - start)
            from wagtail.search.backends import get_search_backend

            backend = get_search_backend()
            service.run(parse(QUERIES[0]), Filters(), None)  # warm up
            all_times = [t for q in QUERIES
                         for t in timed(lambda q=q: service.run(parse(q), Filters(), None), args.repeat)]
            suggest = [t for q in MISSPELT
                       for t in timed(lambda q=q, b=backend: b.suggest(q), args.repeat)]
            proposals = [backend.suggest(q) for q in MISSPELT]
        rows[label] = {
            "build docs/s": build,
            "page step p50 ms": statistics.median(all_times),
            "page step p95 ms": statistics.quantiles(all_times, n=20)[18],
            "suggest p50 ms": statistics.median(suggest),
        }
        print(label, "proposals:", proposals)
    print(f"\nN = {args.n}, corpus {args.corpus}")
    print(f"{'':22}{'Whoosh':>12}{'PostgreSQL':>12}{'Whoosh/PG':>11}")
    for key in rows["Whoosh"]:
        w, p = rows["Whoosh"][key], rows["PostgreSQL"][key]
        print(f"{key:22}{w:12.1f}{p:12.1f}{w / p:11.2f}")


if __name__ == "__main__":
    main()
