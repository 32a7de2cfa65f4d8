"""Publish latency with a 20 MB PDF attached.

    python bench/publish.py [--runs 7] [--size-mb 20] [--pages 200] [--keep]
    make bench-publish

1. A throwaway installation (own OM_VAR_DIR: SQLite, media, Whoosh index), migrated, with a
   home page and one Fachgruppe; a superuser logged in with Django's test client.
2. Each run publishes a new Protokoll through the admin's "add page" view (the whole
   request: form, save, revision, publish, search index), three ways, interleaved so that
   machine load hits all alike:

   * ``ohne Anhang``: no attachment;
   * ``PDF, Warteschlange``: a 20 MB PDF attached, extraction queued (the production set-up:
     database queue, worker elsewhere);
   * ``PDF, im Request``: the same with the immediate backend, i.e. extraction (child process,
     limits) inside the request, as the code once did — for comparison only.

   Every run attaches a PDF with different bytes, so no run profits from the text cache.
   The PDF is ``--pages`` pages of German text plus one image of random bytes filling it up
   to ``--size-mb``, like a scanned annex.
3. Prints the median (and min/max) per way, the ratios against "ohne Anhang", and how long
   the worker then takes for one queued extraction.

Speed is never asserted; the figures are for reading.
"""

from __future__ import annotations

import argparse
import json
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

from tests.search.files import assemble_pdf  # noqa: E402 - needs the path above


def stream_object(content: bytes) -> bytes:
    return b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream"


def make_pdf(pages: int, size_bytes: int, marker: str) -> bytes:
    """``pages`` text pages plus one page with a random-byte image up to ``size_bytes``."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    words = ("Sitzung Beschluss Gefaehrdungsbeurteilung Unterweisung Arbeitsschutz Massnahme "
             "Termin Plenum Fachgruppe Protokoll").split()
    for number in range(pages):
        lines = [f"Seite {number + 1} Kennung {marker}"] + [
            " ".join(words[(number + line + k) % len(words)] for k in range(8)) for line in range(40)]
        content = b"BT /F1 10 Tf 50 800 Td 12 TL " + b" ".join(
            b"(" + line.encode("cp1252") + b") '" for line in lines) + b" ET"
        stream = add(stream_object(content))
        kids.append(add(f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 595 842] "
                        f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {stream} 0 R >>".encode()))
    used = sum(len(body) for body in objects)
    side = max(1, int(((size_bytes - used - 4096) / 3) ** 0.5))
    pixels = os.urandom(side * side * 3)
    image = add(f"<< /Type /XObject /Subtype /Image /Width {side} /Height {side} /ColorSpace /DeviceRGB "
                f"/BitsPerComponent 8 /Length {len(pixels)} >>\nstream\n".encode() + pixels + b"\nendstream")
    draw = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    draw_stream = add(stream_object(draw))
    kids.append(add(f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 595 842] /Resources "
                    f"<< /XObject << /Im1 {image} 0 R >> >> /Contents {draw_stream} 0 R >>".encode()))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode()
    objects[pages_obj - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                              f"/Count {len(kids)} >>").encode()
    return assemble_pdf(objects, root=catalog)


def setup_django(var_dir: str) -> None:
    os.environ.update({
        "DEBUG": "1", "OM_VAR_DIR": var_dir, "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "testserver,127.0.0.1", "OM_EXTRACTION_BACKEND": "database",
        "DJANGO_SETTINGS_MODULE": "cms.settings",
    })
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def publish(client, parent, number: int, document) -> float:
    from wagtail.test.utils.form_data import querydict_from_html

    url = f"/admin/pages/add/om_pages/protokollpage/{parent.pk}/"
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    body = {"blocks": [{"key": "b1", "type": "unstyled", "depth": 0, "inlineStyleRanges": [],
                        "entityRanges": [], "text": f"Sitzung {number}: Beschluss zur Unterweisung."}],
            "entityMap": {}}
    data.update({"title": f"Sitzung {number}", "slug": f"sitzung-{number}", "date": "2025-09-01",
                 "body": json.dumps(body), "action-publish": "action-publish"})
    if document is not None:
        data.update({"documents-TOTAL_FORMS": "1", "documents-0-document": str(document.pk),
                     "documents-0-ORDER": "1", "documents-0-id": ""})
    started = time.perf_counter()
    response = client.post(url, data)
    elapsed = time.perf_counter() - started
    if response.status_code != 302:
        raise SystemExit(f"Veröffentlichen fehlgeschlagen ({response.status_code})")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size-mb", type=float, default=20)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway installation")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="om-bench-publish-")
    try:
        setup_django(var_dir)
        from django.contrib.auth import get_user_model
        from django.core.files.base import ContentFile
        from django.core.management import call_command
        from django.test import Client, override_settings
        from wagtail.documents import get_document_model

        from om_pages.demo.loader import ensure_home
        from om_pages.models import FachgruppenIndexPage, FachgruppePage
        from workflow.vorgang import Vorgang

        call_command("migrate", verbosity=0)
        home = ensure_home()
        index = home.add_child(instance=FachgruppenIndexPage(title="Fachgruppen", slug="fachgruppen"))
        group = index.add_child(instance=FachgruppePage(title="Fachgruppe Benchmark", slug="benchmark",
                                                        topic_area="Benchmark", live=False))
        # only a group the Plenum recognised is published (R1, R26): its decided Anerkennung
        Vorgang.objects.create(kind="anerkennung", page=group, page_title=group.title,
                               state="anerkannt")
        group.save_revision().publish()
        user = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
        client = Client()
        client.force_login(user)
        Document = get_document_model()
        size = int(args.size_mb * 1024 * 1024)

        def new_document(number: int):
            document = Document(title=f"Anlage {number}")
            document.file.save(f"anlage-{number}.pdf",
                               ContentFile(make_pdf(args.pages, size, f"lauf{number}")), save=False)
            document.save()
            return document

        immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
                     "extraction": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        publish(client, group, 0, None)  # warm-up: templates, first index write
        timings: dict[str, list[float]] = {"ohne Anhang": [], "PDF, Warteschlange": [], "PDF, im Request": []}
        number = 1
        for _ in range(args.runs):
            timings["ohne Anhang"].append(publish(client, group, number, None))
            queued = new_document(number + 1)
            timings["PDF, Warteschlange"].append(publish(client, group, number + 1, queued))
            inline = new_document(number + 2)
            with override_settings(TASKS=immediate):
                timings["PDF, im Request"].append(publish(client, group, number + 2, inline))
            number += 3
            print(".", end="", flush=True)
        print()

        attached = Document.objects.get(title="Anlage 2")
        print(f"PDF: {attached.file.size / 1024 / 1024:.1f} MB, {args.pages} Textseiten + 1 Bild; "
              f"{args.runs} Läufe je Variante (Median, min–max):")
        base = statistics.median(timings["ohne Anhang"])
        for name, values in timings.items():
            median = statistics.median(values)
            low, high = min(values) * 1000, max(values) * 1000
            print(f"  {name:<20} {median * 1000:8.0f} ms  ({low:.0f}–{high:.0f} ms)  "
                  f"Faktor {median / base:5.2f}")

        from django_tasks_db.models import DBTaskResult

        queued = DBTaskResult.objects.filter(backend_name="extraction", status="READY").count()
        started = time.perf_counter()
        call_command("db_worker", "--backend", "extraction", "--batch", "--no-startup-delay", "--no-reload",
                     "--max-tasks", "1", verbosity=0)
        print(f"Worker: eine Extraktion der Warteschlange ({queued} wartend) in "
              f"{time.perf_counter() - started:.2f} s, außerhalb jedes Requests")
        return 0
    finally:
        if args.keep:
            print(f"Installation bleibt: {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
