"""R19: recognition gives a group its own access; withdrawal/dissolution removes editing only."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from om_pages.models import FachgruppePage, ProduktPage, ProtokollPage
from tests.workflow.conftest import complete_decision, user
from workflow.models import Anerkennung, Eintrag, FachgruppeZugang
from workflow.services import perform_transition


def step(vorgang, name, username):
    return perform_transition(vorgang, name, user(username), **complete_decision(vorgang, name))


@pytest.fixture
def recognised(demo_home):
    """The demo applicant 'Arbeitszeitgestaltung' (im Plenum) recognised by the Plenum."""
    page = FachgruppePage.objects.get(slug="arbeitszeit")
    vorgang = Anerkennung.objects.get(page=page)
    step(vorgang, "plenum_anerkennen", "plenum")
    return page, vorgang


@pytest.mark.django_db
def test_recognition_creates_group_permissions_and_collection(recognised):
    page, _ = recognised
    zugang = FachgruppeZugang.objects.get(fachgruppe=page)
    assert zugang.active and zugang.group.name == "Fachgruppe: Fachgruppe Arbeitszeitgestaltung"
    perms = set(GroupPagePermission.objects.filter(group=zugang.group)
                .values_list("page_id", "permission__codename"))
    assert perms == {(page.pk, "add_page"), (page.pk, "change_page"), (page.pk, "publish_page")}
    docs = set(GroupCollectionPermission.objects.filter(group=zugang.group)
               .values_list("collection__name", "permission__codename"))
    assert docs == {(page.title, c) for c in ("add_document", "change_document", "choose_document")}


@pytest.mark.django_db
def test_editor_edits_own_pages_only(demo_home, client):
    own = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    other = FachgruppePage.objects.get(slug="digitalisierung")
    client.force_login(user("fg-gefaehrdung"))
    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200
    own_protokoll = ProtokollPage.objects.child_of(own).first()
    assert client.get(f"/admin/pages/{own_protokoll.pk}/edit/").status_code == 200
    other_protokoll = ProtokollPage.objects.child_of(other).first()
    for pk in (other.pk, other_protokoll.pk):
        response = client.get(f"/admin/pages/{pk}/edit/")
        assert response.status_code in (302, 403)
    response = client.post(f"/admin/pages/{other_protokoll.pk}/edit/", {"title": "Übernommen"})
    assert response.status_code in (302, 403)
    assert ProtokollPage.objects.get(pk=other_protokoll.pk).title != "Übernommen"


@pytest.mark.django_db
def test_editor_publishes_own_protokoll_but_never_a_produkt(demo_home):
    editor = user("fg-gefaehrdung")
    own = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    assert ProtokollPage.objects.child_of(own).first().permissions_for_user(editor).can_publish()
    for produkt in ProduktPage.objects.child_of(own):
        assert produkt.permissions_for_user(editor).can_edit()
        assert not produkt.permissions_for_user(editor).can_publish()
    other = ProduktPage.objects.child_of(FachgruppePage.objects.get(slug="digitalisierung")).first()
    assert not other.permissions_for_user(editor).can_edit()


@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    [("aberkennung_vorschlagen", "leitungskreis"), ("plenum_aberkennen", "plenum")],
    [("aufloesung_bekanntgeben", "agtransfer")],
], ids=["aberkannt_R22", "aufgeloest_R21"])
def test_withdrawal_or_dissolution_removes_editing_keeps_pages_and_records(recognised, client, path):
    page, vorgang = recognised
    editor = user("fg-nachhaltigkeit")  # any account joining the group
    zugang = FachgruppeZugang.objects.get(fachgruppe=page)
    editor.groups.add(zugang.group)
    client.force_login(editor)
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    entries_before = Eintrag.objects.filter(vorgang=vorgang).count()
    for name, username in path:
        step(vorgang, name, username)
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code in (302, 403)
    assert not GroupPagePermission.objects.filter(group=zugang.group).exists()
    assert not GroupCollectionPermission.objects.filter(group=zugang.group).exists()
    assert FachgruppePage.objects.filter(pk=page.pk).exists()
    assert Group.objects.filter(pk=zugang.group_id).exists()
    assert Eintrag.objects.filter(vorgang=vorgang).count() == entries_before + len(path)
    assert not FachgruppeZugang.objects.get(fachgruppe=page).active
