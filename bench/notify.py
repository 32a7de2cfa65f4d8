"""How long one ``om_notify`` run takes for 10,000 subscriptions and 1,000 new Protokolle.

    python bench/notify.py [--subscriptions 10000] [--baseline 100] [--protokolle 1000] [--keep]
    make bench-notify

1. A throwaway installation (own OM_VAR_DIR: SQLite, Whoosh index), migrated: ten recognised
   Fachgruppen, the Plenum and the AG Transfer, and ``--protokolle`` live Protokolle first
   published after every subscription's last digest (90 % in the groups, 10 % in the bodies),
   indexed for the search.
2. Subscriptions, all daily and due, in the mix of the production guess: 40 % a Fachgruppe,
   20 % the Beschlüsse, 40 % a saved search (50 distinct queries and filters, so equal ones
   share one search).
3. Runs ``om_notify`` (locmem mail backend: every message is rendered, nothing leaves the
   machine) for ``--baseline`` subscriptions, then, in the same process against the same
   content, for ``--subscriptions``; then once more for the large set (every digest sent
   already: the cost of an idle rerun). Prints wall time, queries, mails and the
   per-subscription cost, with the ratio against the baseline.

Speed is never asserted; the figures are for reading.
"""

from __future__ import annotations

import argparse
import datetime
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

WORDS = ("Gefährdungsbeurteilung Unterweisung Lärmschutz Arbeitsschutz Fachkräftesicherung "
         "Digitalisierung Datenschutz Ausbildung Gesundheit Prävention Handwerk Checkliste "
         "Leitfaden Werkstatt Beschluss Maßnahme Schulung Mittelstand Betriebsrat Ergonomie").split()


def setup_django(var_dir: str) -> None:
    os.environ.update({
        "DEBUG": "1", "OM_VAR_DIR": var_dir, "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "testserver,127.0.0.1", "DJANGO_SETTINGS_MODULE": "cms.settings",
        "OM_SEARCH_INDEX_DIR": str(Path(var_dir) / "whoosh"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    })
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def build_site(protokolle: int, published_at: datetime.datetime):
    """Ten recognised groups and two bodies with ``protokolle`` live Protokolle; the groups."""
    from om_pages.demo.loader import ensure_home
    from om_pages.models import FachgruppenIndexPage, FachgruppePage, GremiumPage, ProtokollPage
    from workflow.vorgang import Vorgang

    home = ensure_home()
    index = home.add_child(instance=FachgruppenIndexPage(title="Fachgruppen", slug="fachgruppen"))
    groups = []
    for number in range(10):
        group = index.add_child(instance=FachgruppePage(
            title=f"Fachgruppe {WORDS[number]}", slug=f"gruppe-{number}", topic_area=WORDS[number],
            live=False))
        Vorgang.objects.create(kind="anerkennung", page=group, page_title=group.title, state="anerkannt")
        group.save_revision().publish()
        groups.append(FachgruppePage.objects.get(pk=group.pk))
    bodies = []
    for kind, title in (("plenum", "Plenum"), ("ag_transfer", "AG Transfer")):
        body = home.add_child(instance=GremiumPage(title=title, slug=kind.replace("_", "-"), kind=kind))
        body.save_revision().publish()
        bodies.append(GremiumPage.objects.get(pk=body.pk))
    parents = groups * 9 + bodies * 1  # 90 % groups, 10 % bodies, round robin
    for number in range(protokolle):
        parent = parents[number % len(parents)]
        words = " ".join(WORDS[(number + k) % len(WORDS)] for k in range(6))
        parent.add_child(instance=ProtokollPage(
            title=f"Sitzung {number}: {WORDS[number % len(WORDS)]}", slug=f"sitzung-{number}",
            date=datetime.date(2026, 11, 1) + datetime.timedelta(days=number % 28),
            body=f"<p>{words}. Beschluss zu {WORDS[(number * 7) % len(WORDS)]}.</p>",
            live=True, first_published_at=published_at, last_published_at=published_at))
    return groups


def make_subscriptions(count: int, groups, since: datetime.datetime, prefix: str) -> None:
    from workflow.subscriptions import Abonnement, Art

    searches = [f"q={WORDS[i % len(WORDS)]}" + (f"&gruppe={groups[i % 10].pk}" if i >= 25 else "")
                for i in range(50)]
    rows = []
    for number in range(count):
        slot = number % 10
        fields = {}
        if slot < 4:
            fields = {"kind": Art.FACHGRUPPE, "fachgruppe_id": groups[number % len(groups)].pk}
        elif slot < 6:
            fields = {"kind": Art.BESCHLUESSE, "gremium": ("", "plenum", "ag_transfer")[number % 3]}
        else:
            fields = {"kind": Art.SUCHE, "search": searches[number % len(searches)]}
        rows.append(Abonnement(email=f"{prefix}{number}@example.org", frequency="taeglich",
                               confirmed_at=since, last_digest_at=since, **fields))
    Abonnement.objects.bulk_create(rows, batch_size=1000)


def run_notify(today: datetime.date) -> tuple[float, int, int]:
    """(seconds, queries, mails) of one ``om_notify`` run."""
    import io

    from django.core import mail
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    mail.outbox = []
    reset_queries()  # the log keeps 9,000 queries; the site's build filled it
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call_command("om_notify", "--date", today.isoformat(), stdout=io.StringIO(), stderr=io.StringIO())
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), len(mail.outbox)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=100)
    parser.add_argument("--protokolle", type=int, default=1_000)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway installation")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="om-bench-notify-")
    try:
        setup_django(var_dir)
        from django.conf import settings
        from django.core.management import call_command
        from django.utils import timezone

        from workflow.subscriptions import Abonnement

        call_command("migrate", verbosity=0)
        since = timezone.now() - datetime.timedelta(days=2)
        started = time.perf_counter()
        backend = settings.WAGTAILSEARCH_BACKENDS["default"]
        backend["AUTO_UPDATE"] = False  # index once at the end, not page by page
        groups = build_site(args.protokolle, timezone.now() - datetime.timedelta(days=1))
        backend["AUTO_UPDATE"] = True
        call_command("update_index", verbosity=0)
        print(f"Aufbau: {args.protokolle} Protokolle in {time.perf_counter() - started:.1f} s "
              f"(SQLite, Whoosh in {var_dir})")
        today = timezone.localdate() + datetime.timedelta(days=1)

        results = {}
        for label, count, prefix in (("Basis", args.baseline, "basis"),
                                     ("Last", args.subscriptions, "last")):
            Abonnement.objects.all().delete()
            make_subscriptions(count, groups, since, prefix)
            results[label] = (count, *run_notify(today))
        rerun = run_notify(today)

        print(f"\nom_notify, {args.protokolle} neue Protokolle, alle Abonnements täglich und fällig:")
        print(f"{'':<22}{'Abos':>8}{'Zeit (s)':>11}{'Abfragen':>10}{'Mails':>8}{'ms/Abo':>9}")
        for label, (count, seconds, queries, mails) in results.items():
            per = seconds / count * 1000
            print(f"{label:<22}{count:>8}{seconds:>11.2f}{queries:>10}{mails:>8}{per:>9.2f}")
        print(f"{'Last, zweiter Lauf':<22}{args.subscriptions:>8}{rerun[0]:>11.2f}{rerun[1]:>10}"
              f"{rerun[2]:>8}{rerun[0] / args.subscriptions * 1000:>9.2f}")
        base, load = results["Basis"], results["Last"]
        per_base, per_load = base[1] / base[0], load[1] / load[0]
        print(f"\nKosten je Abo, Last ÷ Basis: {per_load / per_base:.2f} "
              f"(Zeit gesamt ×{load[1] / base[1]:.1f} für ×{load[0] / base[0]:.0f} Abos; "
              f"Abfragen ×{load[2] / base[2]:.1f})")
    finally:
        if args.keep:
            print(f"Installation behalten: {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
