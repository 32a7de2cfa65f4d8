"""The deciders read what they decide; the group sees where it stands (R1, R10, R11, R19).

Body members without page rights (AG Transfer, Plenum) open the submitted version of a
Vorgang (its pinned revision, rendered as the public would see it), its files and the
difference to the last decided version; the decision form names the version it decides; the
page editor and the page listing show the group where its item stands. Nobody else sees it.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from om_pages.models import FachgruppePage, ProduktKind, ProduktPage
from tests.workflow.conftest import complete_decision, user
from workflow.models import Produktfreigabe, Vorgang
from workflow.services import current_vorgang, perform_transition

pytestmark = pytest.mark.django_db

SUBMITTED = "Eingereichte Fassung zum Lärmschutz im Handwerk."
NEWER = "Spätere Überarbeitung, nicht eingereicht."
DECIDED = "Beschlossene Fassung zum Lärmschutz."


@pytest.fixture
def produkt(demo_home):
    """A new draft Produkt of the Gefährdungsbeurteilung group, edited by its editor."""
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    page = ProduktPage(title="Leitfaden Lärm", slug="leitfaden-laerm", kind=ProduktKind.LEITFADEN,
                       summary=SUBMITTED, live=False)
    fachgruppe.add_child(instance=page)
    page.save_revision(user=user("fg-gefaehrdung"))
    return ProduktPage.objects.get(pk=page.pk)


def step(vorgang, name: str, username: str):
    perform_transition(vorgang, name, user(username), **complete_decision(vorgang, name))
    return vorgang


def submit(page) -> Produktfreigabe:
    return step(current_vorgang(page), "einreichen", "fg-gefaehrdung")


def edit(page, summary: str):
    draft = ProduktPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    draft.summary = summary
    return draft.save_revision(user=user("fg-gefaehrdung"))


def urls(vorgang) -> dict[str, str]:
    base = f"/admin/vorgaenge/{vorgang.pk}"
    return {"review": f"{base}/fassung/", "render": f"{base}/fassung/ansicht/",
            "compare": f"{base}/vergleich/"}


def refused(response) -> bool:
    """Wagtail answers PermissionDenied in its admin with a redirect to the dashboard (or a 403)."""
    return response.status_code == 403 or (response.status_code == 302 and response.url == "/admin/")


def get(client, username: str, url: str):
    client.force_login(user(username))
    return client.get(url)


# --- (a) the submitted version, as the public would see it ------------------------------------


def test_ag_transfer_member_reads_the_submitted_produkt(produkt, client):
    vorgang = submit(produkt)
    review = get(client, "agtransfer", urls(vorgang)["review"])
    assert review.status_code == 200
    html = review.content.decode()
    assert "Eingereichte Fassung" in html
    assert f'src="{urls(vorgang)["render"]}"' in html
    rendered = client.get(urls(vorgang)["render"])
    assert rendered.status_code == 200
    assert SUBMITTED in rendered.content.decode()
    assert rendered["X-Frame-Options"] == "SAMEORIGIN"  # shown in the review page's frame


def test_the_submitted_text_not_a_newer_draft(produkt, client):
    vorgang = submit(produkt)
    edit(produkt, NEWER)
    rendered = get(client, "agtransfer", urls(vorgang)["render"]).content.decode()
    assert SUBMITTED in rendered
    assert NEWER not in rendered


@pytest.mark.parametrize("username", ["agtransfer", "leitungskreis", "redaktion", "admin",
                                      "fg-gefaehrdung"])
def test_readers(produkt, client, username):
    vorgang = submit(produkt)
    for url in urls(vorgang).values():
        assert get(client, username, url).status_code == 200, url


def test_the_plenum_reads_once_the_vorgang_reaches_it(produkt, client):
    vorgang = submit(produkt)
    assert refused(get(client, "plenum", urls(vorgang)["review"]))  # not yet its turn
    step(vorgang, "ag_zustimmen", "agtransfer")
    assert get(client, "plenum", urls(vorgang)["render"]).status_code == 200
    step(vorgang, "plenum_beschliessen", "plenum")
    assert get(client, "plenum", urls(vorgang)["render"]).status_code == 200  # it took part


@pytest.mark.parametrize("url", ["review", "render", "compare"])
def test_another_groups_editor_is_refused(produkt, client, url):
    vorgang = submit(produkt)
    response = get(client, "fg-digitalisierung", urls(vorgang)[url])
    assert refused(response)
    assert SUBMITTED not in response.content.decode()


def test_anonymous_goes_to_the_login(produkt, client):
    vorgang = submit(produkt)
    response = client.get(urls(vorgang)["render"])
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_no_other_revision_is_readable_through_the_review(produkt, client):
    """Only the pinned revision of a Vorgang: no revision id in the URL, a foreign one refused."""
    vorgang = submit(produkt)
    other = ProduktPage.objects.get(slug="leitfaden-gefaehrdungsbeurteilung-im-handwerk")
    other_draft = other.get_latest_revision_as_object()
    other_draft.summary = "Geheimer Entwurf einer anderen Seite."
    other_revision = other_draft.save_revision()
    client.force_login(user("agtransfer"))
    for url in (f"/admin/vorgaenge/{vorgang.pk}/fassung/{other_revision.pk}/",
                f"/admin/vorgaenge/{vorgang.pk}/fassung/ansicht/{other_revision.pk}/",
                f"/admin/vorgaenge/{vorgang.pk}/vergleich/{other_revision.pk}/live/"):
        assert client.get(url).status_code == 404, url
    for query in ("revision", "revision_id", "id"):
        html = client.get(urls(vorgang)["render"], {query: other_revision.pk}).content.decode()
        assert "Geheimer Entwurf" not in html and SUBMITTED in html
    # a Vorgang whose pinned revision is not a revision of its own page is not shown either
    tampered = Produktfreigabe.objects.create(page=produkt, page_title=produkt.title,
                                              state="in_ag_transfer", revision=other_revision)
    assert client.get(urls(tampered)["render"]).status_code == 404


def test_a_draft_never_submitted_has_nothing_to_read(produkt, client):
    vorgang = Produktfreigabe.objects.create(page=produkt, page_title=produkt.title)
    assert get(client, "fg-gefaehrdung", urls(vorgang)["render"]).status_code == 404


# --- (b) the files of the submitted version ---------------------------------------------------


def test_the_files_of_the_submitted_version_are_linked(produkt, client):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title="Leitfaden Lärm (PDF)", file=ContentFile(b"%PDF-1.4 Laerm", name="leitfaden-laerm.pdf"))
    draft = produkt.get_latest_revision_as_object()
    draft.document = document
    draft.save_revision(user=user("fg-gefaehrdung"))
    vorgang = submit(produkt)
    html = get(client, "agtransfer", urls(vorgang)["review"]).content.decode()
    assert f'href="{document.url}"' in html
    assert "Leitfaden Lärm (PDF)" in html


# --- (c) the difference to the last decided version -------------------------------------------


def decided_and_resubmitted(produkt):
    """Decided and published with DECIDED, then changed to SUBMITTED and submitted again."""
    edit(produkt, DECIDED)
    first = submit(produkt)
    for name, username in (("ag_zustimmen", "agtransfer"), ("plenum_beschliessen", "plenum"),
                           ("veroeffentlichen", "redaktion")):
        step(first, name, username)
    edit(produkt, SUBMITTED)
    return submit(produkt)


def test_the_difference_to_the_last_decided_version(produkt, client):
    vorgang = decided_and_resubmitted(produkt)
    response = get(client, "agtransfer", urls(vorgang)["compare"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kurzbeschreibung" in html
    assert re.search(r"<span class=\"deletion\">[^<]*Beschlossene", html)
    assert re.search(r"<span class=\"addition\">[^<]*Eingereichte", html)
    assert "Zuletzt beschlossen: Stand vom" in html


def test_a_first_submission_has_no_decided_version_to_compare(produkt, client):
    vorgang = submit(produkt)
    html = get(client, "agtransfer", urls(vorgang)["compare"]).content.decode()
    assert "noch keinen beschlossenen Stand" in html


# --- the decision form names the version ------------------------------------------------------


def test_the_decision_form_names_the_version_and_links_it(produkt, client):
    vorgang = submit(produkt)
    revision = Vorgang.objects.get(pk=vorgang.pk).revision
    html = get(client, "agtransfer", f"/admin/freigabe/{produkt.pk}/ag_zustimmen/").content.decode()
    created = timezone.localtime(revision.created_at, ZoneInfo("Europe/Berlin"))
    editor = user("fg-gefaehrdung")
    assert f"Stand vom {created:%d.%m.%Y, %H:%M}, von {editor.get_full_name()}" in html
    assert f'href="{urls(vorgang)["review"]}"' in html
    assert f'href="{urls(vorgang)["compare"]}"' in html
    assert f"Revision {revision.pk}" not in html


def test_the_inspect_view_and_the_dashboard_link_the_version(produkt, client):
    vorgang = submit(produkt)
    inspect = get(client, "agtransfer", f"/admin/vorgaenge/inspect/{vorgang.pk}/").content.decode()
    assert f'href="{urls(vorgang)["review"]}"' in inspect
    dashboard = client.get("/admin/").content.decode()
    assert f'href="{urls(vorgang)["review"]}"' in dashboard


# --- the group sees where it stands -----------------------------------------------------------


def editor_html(client, produkt, username="fg-gefaehrdung") -> str:
    response = get(client, username, f"/admin/pages/{produkt.pk}/edit/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_editor_shows_state_and_body_at_turn(produkt, client):
    submit(produkt)
    html = editor_html(client, produkt)
    assert "Freigabe" in html
    assert "<strong>In der AG Transfer</strong>" in html
    assert "am Zug: <strong>AG Transfer</strong>" in html
    assert "Die aktuelle Fassung ist die eingereichte" in html
    assert "nicht Teil der Entscheidung" not in html


def test_the_editor_says_a_newer_draft_is_not_being_decided(produkt, client):
    vorgang = submit(produkt)
    edit(produkt, NEWER)
    html = editor_html(client, produkt)
    assert "Die aktuelle Fassung ist nicht Teil der Entscheidung; eingereicht ist der Stand vom" in html
    assert "warten Sie die Entscheidung" in html
    assert f'href="{urls(vorgang)["review"]}"' in html


def test_after_a_return_the_editor_says_submit_again(produkt, client):
    vorgang = submit(produkt)
    step(vorgang, "ag_ablehnen", "agtransfer")
    edit(produkt, NEWER)
    html = editor_html(client, produkt)
    assert "nicht Teil der Entscheidung" in html
    assert "reichen Sie sie erneut ein" in html


def test_the_page_listing_shows_the_approval_state(produkt, client):
    submit(produkt)
    html = get(client, "fg-gefaehrdung", f"/admin/pages/{produkt.get_parent().pk}/").content.decode()
    assert "Freigabe: In der AG Transfer" in html


def test_the_status_is_for_readers_only(produkt, rf):
    """Another group's editor gets no status, neither for the editor nor for the listing."""
    from workflow.status import ListingStatus, editor_status

    submit(produkt)
    assert editor_status(produkt, user("fg-digitalisierung")) is None
    assert editor_status(produkt, user("fg-gefaehrdung")) is not None
    for username, shown in (("fg-digitalisierung", False), ("fg-gefaehrdung", True),
                            ("agtransfer", True)):
        request = rf.get("/admin/pages/")
        request.user = user(username)
        assert (ListingStatus.for_request(request).vorgang_for(produkt) is not None) is shown, username


def test_an_applying_fachgruppe_is_read_by_the_leitungskreis(demo_home, client):
    """R1: the Leitungskreis reads the application; the editor shows where it stands."""
    from workflow.models import Anerkennung

    group = FachgruppePage.objects.get(slug="unternehmensnachfolge")
    vorgang = Anerkennung.objects.get(page=group)
    rendered = get(client, "leitungskreis", urls(vorgang)["render"])
    assert rendered.status_code == 200
    assert "Anerkennung als Fachgruppe zum Thema Unternehmensnachfolge" in rendered.content.decode()
    assert client.get(urls(vorgang)["compare"]).status_code == 200
    assert refused(get(client, "fg-digitalisierung", urls(vorgang)["render"]))
    html = get(client, "admin", f"/admin/pages/{group.pk}/edit/").content.decode()
    assert "<strong>Beim Leitungskreis</strong>" in html
    assert "am Zug: <strong>Leitungskreis</strong>" in html


def test_a_submitted_veranstaltung(demo_home, client):
    from om_pages.models import VeranstaltungPage

    page = VeranstaltungPage.objects.get(title="Fachtag Digitale Arbeitswelt")
    vorgang = Vorgang.objects.get(page=page, state="in_ag_transfer")
    rendered = get(client, "agtransfer", urls(vorgang)["render"])
    assert rendered.status_code == 200 and page.title in rendered.content.decode()
    html = get(client, "fg-digitalisierung", f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "Veranstaltungsfreigabe: <strong>In der AG Transfer</strong>" in html


def test_the_vorgaenge_listing_and_record_are_for_bodies_and_the_group(produkt, client):
    """Another group's editor finds neither the Vorgang nor where it stands in the Vorgänge menu."""
    vorgang = submit(produkt)
    inspect = f"/admin/vorgaenge/inspect/{vorgang.pk}/"
    assert refused(get(client, "fg-digitalisierung", inspect))
    assert "Leitfaden Lärm" not in client.get("/admin/vorgaenge/").content.decode()
    for username in ("fg-gefaehrdung", "agtransfer", "plenum", "redaktion"):
        assert get(client, username, inspect).status_code == 200, username
        assert "Leitfaden Lärm" in client.get("/admin/vorgaenge/").content.decode(), username
