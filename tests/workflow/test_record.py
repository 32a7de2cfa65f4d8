"""The record of every decision: complete, in Wagtail's history, never edited or deleted."""

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import PageLogEntry

from tests.workflow.conftest import complete_decision, make_vorgang, user
from workflow.models import Eintrag, Vorgang
from workflow.services import perform_transition


@pytest.fixture
def entry(demo_home):
    vorgang = make_vorgang("produkt", "im_plenum")
    return perform_transition(vorgang, "plenum_beschliessen", user("plenum"),
                              **complete_decision(vorgang, "plenum_beschliessen"))


@pytest.mark.django_db
def test_entry_stores_who_when_from_to_sitzung_top_votes(entry):
    assert entry.user.username == "plenum"
    assert (entry.source, entry.target) == ("im_plenum", "beschlossen")
    assert entry.sitzung.gremium == "plenum"
    assert entry.tagesordnungspunkt.sitzung_id == entry.sitzung_id
    assert entry.tagesordnungspunkt.vorgang_id == entry.vorgang_id
    assert (entry.votes_yes, entry.votes_no, entry.votes_abstain) == (20, 3, 1)
    assert entry.revision_id == entry.vorgang.revision_id
    assert entry.created_at is not None


@pytest.mark.django_db
def test_entry_appears_in_wagtail_page_history(entry, admin_client):
    log = PageLogEntry.objects.filter(page_id=entry.vorgang.page_id, action="om.vorgang").latest("pk")
    assert log.data["label"] == entry.label
    html = admin_client.get(f"/admin/pages/{entry.vorgang.page_id}/history/").content.decode()
    assert "Beschließen (Plenumsbeschluss)" in html
    assert "20 Ja, 3 Nein, 1 Enthaltungen" in html


@pytest.mark.django_db
def test_entry_cannot_be_changed_or_deleted_in_code(entry):
    entry.comment = "geändert"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        Eintrag.objects.filter(pk=entry.pk).update(comment="x")
    with pytest.raises(PermissionDenied):
        Eintrag.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionDenied):
        Vorgang.objects.get(pk=entry.vorgang_id).delete()
    assert Eintrag.objects.get(pk=entry.pk).comment == "Begründung laut Protokoll."


@pytest.mark.django_db
def test_no_ui_edits_or_deletes_the_record(entry, admin_client):
    pk = entry.vorgang_id
    assert admin_client.get("/admin/vorgaenge/").status_code == 200
    inspect = admin_client.get(f"/admin/vorgaenge/inspect/{pk}/")
    assert inspect.status_code == 200 and "Beschließen (Plenumsbeschluss)" in inspect.content.decode()
    for url in (f"/admin/vorgaenge/edit/{pk}/", f"/admin/vorgaenge/delete/{pk}/",
                "/admin/vorgaenge/new/", f"/admin/snippets/workflow/eintrag/edit/{entry.pk}/"):
        assert admin_client.get(url).status_code == 404
        assert admin_client.post(url, {}).status_code == 404
    assert Eintrag.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_listing_filters_by_state_and_body(demo_home, admin_client):
    html = admin_client.get("/admin/vorgaenge/", {"awaiting": "plenum"}).content.decode()
    assert "Leitfaden Gefährdungsbeurteilung im Handwerk" in html  # Produkt im Plenum
    assert "Fachtag Digitale Arbeitswelt" not in html  # in der AG Transfer
    html = admin_client.get("/admin/vorgaenge/", {"state": "in_ag_transfer"}).content.decode()
    assert "Fachtag Digitale Arbeitswelt" in html


@pytest.mark.django_db
def test_dashboard_panel_shows_what_awaits_the_body(demo_home, client):
    client.force_login(user("agtransfer"))
    html = client.get("/admin/").content.decode()
    assert "Zur Entscheidung" in html
    assert "Fachtag Digitale Arbeitswelt" in html
    assert "Leitfaden Gefährdungsbeurteilung im Handwerk" not in html  # awaits the Plenum
    client.force_login(user("plenum"))
    html = client.get("/admin/").content.decode()
    assert "Leitfaden Gefährdungsbeurteilung im Handwerk" in html


@pytest.mark.django_db
def test_demo_has_every_state(demo_home):
    from workflow.models import MACHINES

    for kind, machine in MACHINES.items():
        states = {t.source for t in machine.transitions()} | {t.target for t in machine.transitions()}
        present = set(Vorgang.objects.filter(kind=kind).values_list("state", flat=True))
        assert states <= present, (kind, states - present)
