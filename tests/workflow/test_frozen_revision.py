"""What was submitted and decided can never change (R10, R11).

The attack these tests repeat: a group editor submits a Produkt (revision N pinned), the
AG Transfer and the Plenum decide it, then the editor posts its edit form with
``overwrite_revision_id=N`` (what Wagtail's autosave does by itself) and a new text. Before
the fix the Redaktion then published the rewritten text under the record of revision N.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from wagtail.models import Revision

from om_pages.models import FachgruppePage, ProduktKind, ProduktPage
from tests.workflow.conftest import complete_decision, user
from workflow.digest import content_digest
from workflow.models import Produktfreigabe
from workflow.services import TransitionError, perform_transition

DECIDED_TEXT = "Beschlossene Fassung des Leitfadens"
ATTACK_TEXT = "Nach dem Beschluss untergeschobener Text"


@pytest.fixture
def produkt(demo_home):
    """A draft Produkt written by the group's editor (so Wagtail lets that editor overwrite it)."""
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    page = ProduktPage(title="Leitfaden Lärm", slug="leitfaden-laerm", kind=ProduktKind.LEITFADEN,
                       summary=DECIDED_TEXT, live=False)
    fachgruppe.add_child(instance=page)
    page.save_revision(user=user("fg-gefaehrdung"))
    return ProduktPage.objects.get(pk=page.pk)


def take(vorgang, *steps: tuple[str, str]) -> None:
    for name, username in steps:
        perform_transition(vorgang, name, user(username), **complete_decision(vorgang, name))


def decided(page) -> Produktfreigabe:
    vorgang = Produktfreigabe(page=page, page_title=page.title)
    take(vorgang, ("einreichen", "fg-gefaehrdung"), ("ag_zustimmen", "agtransfer"),
         ("plenum_beschliessen", "plenum"))
    return vorgang


def edit_form_data(client, page) -> dict[str, str]:
    """Every field of the page editor as the browser would post it (hidden ones included)."""
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    form = BeautifulSoup(html, "html.parser").find("form", id="page-edit-form")
    data: dict[str, str] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "button", "file"}:
            continue
        if field.get("type") in {"checkbox", "radio"} and not field.has_attr("checked"):
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True)
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.name == "textarea":
            data[name] = field.text
        else:
            data[name] = field.get("value", "")
    return data


@pytest.mark.django_db
def test_overwrite_attack_through_the_edit_view_does_not_change_what_is_published(produkt, client):
    vorgang = decided(produkt)
    pinned = vorgang.revision_id
    client.force_login(user("fg-gefaehrdung"))
    data = edit_form_data(client, produkt)
    data.update(summary=ATTACK_TEXT, overwrite_revision_id=str(pinned))
    response = client.post(f"/admin/pages/{produkt.pk}/edit/", data)
    assert response.status_code in (200, 302)

    assert Revision.objects.get(pk=pinned).content["summary"] == DECIDED_TEXT
    page = ProduktPage.objects.get(pk=produkt.pk)
    assert page.latest_revision_id != pinned  # the edit became a new revision, nothing lost
    assert page.latest_revision.content["summary"] == ATTACK_TEXT

    take(vorgang, ("veroeffentlichen", "redaktion"))
    page = ProduktPage.objects.get(pk=produkt.pk)
    assert page.live and page.live_revision_id == pinned and page.summary == DECIDED_TEXT
    html = client.get(page.url).content.decode()
    assert DECIDED_TEXT in html and ATTACK_TEXT not in html


@pytest.mark.django_db
def test_autosave_request_after_submission_makes_a_new_revision(produkt, client):
    """The editor's autosave (JSON) after submitting keeps the submitted revision as it was."""
    vorgang = Produktfreigabe(page=produkt, page_title=produkt.title)
    take(vorgang, ("einreichen", "fg-gefaehrdung"))
    pinned = vorgang.revision_id
    client.force_login(user("fg-gefaehrdung"))
    data = edit_form_data(client, produkt)
    data.update(summary="Autosave nach dem Einreichen", overwrite_revision_id=str(pinned))
    response = client.post(f"/admin/pages/{produkt.pk}/edit/", data,
                           headers={"Accept": "application/json"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] and body["revision_id"] != pinned
    assert Revision.objects.get(pk=pinned).content["summary"] == DECIDED_TEXT
    assert Revision.objects.get(pk=body["revision_id"]).content["summary"] == "Autosave nach dem Einreichen"


@pytest.mark.django_db
def test_pinned_revision_refuses_every_write_in_code(produkt):
    vorgang = Produktfreigabe(page=produkt, page_title=produkt.title)
    take(vorgang, ("einreichen", "fg-gefaehrdung"))
    revision = Revision.objects.get(pk=vorgang.revision_id)
    revision.content = {**revision.content, "summary": ATTACK_TEXT}
    with pytest.raises(PermissionDenied, match="eingereicht"):
        revision.save()
    draft = ProduktPage.objects.get(pk=produkt.pk).get_latest_revision_as_object()
    draft.summary = ATTACK_TEXT
    with pytest.raises(PermissionDenied, match="eingereicht"):
        draft.save_revision(user=user("fg-gefaehrdung"), overwrite_revision=revision)
    assert Revision.objects.get(pk=vorgang.revision_id).content["summary"] == DECIDED_TEXT


@pytest.mark.django_db
def test_unpinned_revision_may_still_be_overwritten_by_its_author(produkt):
    """Autosave keeps working for drafts nobody has submitted (the guard is not a blanket ban)."""
    revision = produkt.latest_revision
    draft = produkt.get_latest_revision_as_object()
    draft.summary = "Noch nicht eingereicht"
    assert draft.save_revision(user=user("fg-gefaehrdung"), overwrite_revision=revision).pk == revision.pk


@pytest.mark.django_db
def test_digest_recorded_at_submission_and_on_every_entry(produkt):
    vorgang = decided(produkt)
    digest = content_digest(vorgang.revision)
    assert len(vorgang.revision_digest) == 64 and vorgang.revision_digest == digest
    assert [e.revision_digest for e in vorgang.entries()] == [digest] * 3


@pytest.mark.django_db
def test_publishing_refuses_a_revision_changed_behind_the_guards(produkt, client):
    """A write that bypasses signals (QuerySet.update) is caught by the digest (R10, R11)."""
    vorgang = decided(produkt)
    Revision.objects.filter(pk=vorgang.revision_id).update(
        content={**vorgang.revision.content, "summary": ATTACK_TEXT})
    with pytest.raises(TransitionError, match="Prüfsumme"):
        take(vorgang, ("veroeffentlichen", "redaktion"))
    assert not ProduktPage.objects.get(pk=produkt.pk).live
    assert Produktfreigabe.objects.get(pk=vorgang.pk).state == "beschlossen"


@pytest.mark.django_db
def test_deciding_refuses_a_revision_changed_after_submission(produkt):
    vorgang = Produktfreigabe(page=produkt, page_title=produkt.title)
    take(vorgang, ("einreichen", "fg-gefaehrdung"))
    Revision.objects.filter(pk=vorgang.revision_id).update(
        content={**vorgang.revision.content, "summary": ATTACK_TEXT})
    with pytest.raises(TransitionError, match="Prüfsumme"):
        take(vorgang, ("ag_zustimmen", "agtransfer"))


@pytest.mark.django_db
def test_transition_form_shows_the_digest_refusal_in_german(produkt, client):
    vorgang = decided(produkt)
    Revision.objects.filter(pk=vorgang.revision_id).update(
        content={**vorgang.revision.content, "summary": ATTACK_TEXT})
    client.force_login(user("redaktion"))
    response = client.post(f"/admin/freigabe/{produkt.pk}/veroeffentlichen/", {})
    assert response.status_code == 400
    assert "Prüfsumme stimmt nicht" in response.content.decode()
    assert not ProduktPage.objects.get(pk=produkt.pk).live


@pytest.mark.django_db
def test_editor_says_a_later_draft_is_not_part_of_the_decision(produkt, client):
    vorgang = Produktfreigabe(page=produkt, page_title=produkt.title)
    take(vorgang, ("einreichen", "fg-gefaehrdung"))
    client.force_login(user("fg-gefaehrdung"))
    data = edit_form_data(client, produkt)
    data.update(summary="Weitergearbeitet")
    response = client.post(f"/admin/pages/{produkt.pk}/edit/", data, follow=True)
    html = response.content.decode()
    assert "nicht Teil der Entscheidung" in html
    assert "ziehen Sie den Vorgang zurück" in html



@pytest.mark.django_db(transaction=True)
def test_purge_revisions_keeps_the_decided_revision(produkt):
    """Wagtail's purge_revisions must not take the record's revision away (R10, R11).

    Transactional: like in production, each delete runs in its own transaction, so the
    refusal of one revision does not spoil the command's other deletes.
    """
    from django.core.management import call_command
    from django.db.models import ProtectedError

    vorgang = decided(produkt)
    draft = ProduktPage.objects.get(pk=produkt.pk).get_latest_revision_as_object()
    draft.summary = "Spätere Fassung"
    draft.save_revision(user=user("fg-gefaehrdung"))  # the pinned one is no longer the latest
    with pytest.raises(ProtectedError):
        Revision.objects.get(pk=vorgang.revision_id).delete()
    call_command("purge_revisions", days=0, verbosity=0)
    assert Revision.objects.filter(pk=vorgang.revision_id).exists()
