"""Issue 14, applying (R1, R19): a partner's person founds a group, edits only its draft and
applies; the Koordination shares editing (logged); the AG Transfer confirms the checklist."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, PageLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from om_pages.models import FachgruppePage, Organisation, Person
from tests.workflow.conftest import complete_decision, form_data, make_vorgang, user
from workflow.access import grant_access
from workflow.models import Anerkennung, FachgruppeZugang, State
from workflow.permissions import APPLICANTS_GROUP_NAME
from workflow.services import TransitionError, perform_transition
from workflow.sharing import SHARING_ACTION

FOUND_URL = "/admin/fachgruppe-gruenden/"
TITLE, TOPIC = "Fachgruppe Barrierefreiheit im Betrieb", "Barrierefreiheit"


def can_edit(page, account) -> bool:
    """Fresh page and user: Wagtail caches page permissions on the user object."""
    fresh = get_user_model().objects.get(pk=account.pk)
    return FachgruppePage.objects.get(pk=page.pk).permissions_for_user(fresh).can_edit()


def found(client, title=TITLE, topic=TOPIC):
    return client.post(FOUND_URL, {"title": title, "topic_area": topic, "summary": "Neu."})


@pytest.fixture
def founder(demo_home):
    """The demo's partner person with a login and no group (DGB-Bildungswerk)."""
    return user("fg-gruendung")


@pytest.fixture
def founded(founder, client):
    client.force_login(founder)
    response = found(client)
    page = FachgruppePage.objects.get(title=TITLE)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{page.pk}/edit/"
    return page


def edit_data(page, **changes) -> dict:
    """The Fachgruppe editor's POST: the concept (R1) and the facts behind R2–R5."""
    members = ["DGB-Bildungswerk", "RKW Kompetenzzentrum", "Zentralverband des Deutschen Handwerks"]
    data = {
        "title": page.title, "slug": page.slug, "topic_area": page.topic_area,
        "summary": "Barrierefreie Arbeitsplätze in KMU.",
        "goals": rich_text("<p>Barrierefreie Arbeitsplätze in KMU verbreiten.</p>"),
        "approach": rich_text("<p>Zwei Sitzungen im Jahr, Praxisbeispiele der Partner.</p>"),
        "open_to_all_partners": "on",
        "koordination": page.koordination_id,
        "moderation": Person.objects.get(last_name="Yılmaz").pk,
        "members": inline_formset(
            [{"id": member.pk, "organisation": member.organisation_id}
             for member in page.members.all()]
            + [{"organisation": Organisation.objects.get(name=name).pk} for name in members
               if not page.members.filter(organisation__name=name).exists()],
            initial=page.members.count()),
        "kooperationen": inline_formset([]),  # R16: none yet
        "comment_notifications": "",
    }
    data.update(changes)
    return nested_form_data(data)


# --- founding ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_and_menu_offer_founding_to_a_partner_person_without_group(founder, client):
    client.force_login(founder)
    dashboard = client.get("/admin/").content.decode()
    assert "Fachgruppe gründen" in dashboard and FOUND_URL in dashboard
    assert client.get(FOUND_URL).status_code == 200
    client.force_login(user("fg-gefaehrdung"))  # has a group already
    assert FOUND_URL not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_founder_becomes_koordination_and_first_editor_without_publish(founder, founded):
    page = founded
    assert not page.live and page.koordination.user_id == founder.pk
    assert [m.organisation.name for m in page.members.all()] == ["DGB-Bildungswerk"]
    zugang = FachgruppeZugang.objects.get(fachgruppe=page)
    assert founder.groups.filter(pk=zugang.group_id).exists()
    assert set(GroupPagePermission.objects.filter(group=zugang.group).values_list(
        "page_id", "permission__codename")) == {(page.pk, "add_page"), (page.pk, "change_page")}
    permissions = page.permissions_for_user(founder)
    assert permissions.can_edit() and not permissions.can_publish()
    entry = PageLogEntry.objects.get(page=page, action=SHARING_ACTION)
    assert entry.user == founder and entry.data["founding"]


@pytest.mark.django_db
def test_recognition_adds_publish_to_the_founders_group(founder, founded):
    """R1, R19: the Plenum's recognition (``access="grant"``) completes the same group's access."""
    page = founded
    group_id = FachgruppeZugang.objects.get(fachgruppe=page).group_id
    make_vorgang("anerkennung", "anerkannt", page=page)  # what the Plenum's step records
    grant_access(page)
    assert FachgruppeZugang.objects.get(fachgruppe=page).group_id == group_id
    assert GroupPagePermission.objects.filter(group_id=group_id, page=page,
                                              permission__codename="publish_page").exists()
    fresh = get_user_model().objects.get(pk=founder.pk)
    assert FachgruppePage.objects.get(pk=page.pk).permissions_for_user(fresh).can_publish()


@pytest.mark.django_db
def test_applicant_edits_draft_sees_check_applies_but_cannot_publish(founder, founded, client):
    page = founded
    edit_url = f"/admin/pages/{page.pk}/edit/"
    editor = client.get(edit_url)
    assert editor.status_code == 200
    check_url = f"/admin/kriterien-check/{page.pk}/?fassung=entwurf"
    assert check_url.replace("&", "&amp;") in editor.content.decode()  # header and side panel
    response = client.post(edit_url, edit_data(page))
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    draft = FachgruppePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert "Barrierefreie Arbeitsplätze" in draft.goals and draft.members.count() == 3
    report = client.get(check_url)
    assert report.status_code == 200 and "Kriterien-Check" in report.content.decode()
    # Publishing is refused: no publish permission before recognition (R1, R19).
    client.post(edit_url, edit_data(page, action_publish="action-publish"))
    assert not FachgruppePage.objects.get(pk=page.pk).live
    # „Anerkennung beantragen“ (R1): the draft meets R2–R5 and R17 now.
    response = client.post(f"/admin/freigabe/{page.pk}/beantragen/", {"comment": ""})
    assert response.status_code == 302
    assert Anerkennung.objects.get(page=page).state == State.BEIM_LEITUNGSKREIS


@pytest.mark.django_db
def test_applicant_edits_only_own_draft(founded, client):
    for slug in ("gefaehrdungsbeurteilung", "nachhaltigkeit"):
        other = FachgruppePage.objects.get(slug=slug)
        assert client.get(f"/admin/pages/{other.pk}/edit/").status_code in (302, 403)
        client.post(f"/admin/pages/{other.pk}/edit/", edit_data(other, title="Übernommen"))
        assert FachgruppePage.objects.get(pk=other.pk).get_latest_revision_as_object().title != "Übernommen"
    index = FachgruppePage.objects.get(pk=founded.pk).get_parent()
    assert client.get(f"/admin/pages/{index.pk}/edit/").status_code in (302, 403)


@pytest.mark.django_db
def test_second_founding_refused_while_first_is_pending(founded, client):
    assert client.get(FOUND_URL).status_code == 403
    assert found(client, "Fachgruppe Inklusion", "Inklusion").status_code == 403
    assert not FachgruppePage.objects.filter(title="Fachgruppe Inklusion").exists()


@pytest.mark.django_db
def test_founding_refused_without_partner_person(demo_home, client):
    applicants = Group.objects.get(name=APPLICANTS_GROUP_NAME)
    lonely = get_user_model().objects.create_user("ohne-person", password="x")
    lonely.groups.add(applicants)
    client.force_login(lonely)
    response = client.get(FOUND_URL)
    assert response.status_code == 403 and "keiner Ansprechperson" in response.content.decode()
    assert found(client).status_code == 403
    outsider = get_user_model().objects.create_user("berater", password="x")
    outsider.groups.add(applicants)
    Person.objects.filter(last_name="Özdemir").update(user=outsider)  # Schmidt Software: no partner
    client.force_login(outsider)
    assert found(client).status_code == 403
    assert not FachgruppePage.objects.filter(title=TITLE).exists()


@pytest.mark.django_db
def test_founding_checks_name_and_topic(founder, client):
    client.force_login(founder)
    response = found(client, "Fachgruppe Gefährdungsbeurteilung", "Gefährdungsbeurteilung")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "gibt es bereits" in " ".join(errors["title"]) and "R17" not in errors.get("title", [])
    assert found(client, "Fachgruppe Vielfalt", "Barrierefreiheit").status_code == 400  # R2


@pytest.mark.django_db
def test_new_group_with_an_old_title_never_inherits_its_rights(demo_home):
    """A page carrying an existing group's title gets its own Wagtail group and collection."""
    old = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    twin = FachgruppePage(title=old.title, slug="zwilling", topic_area="Zwilling", live=False)
    old.get_parent().add_child(instance=twin)
    zugang = grant_access(twin, publish=False)
    old_zugang = FachgruppeZugang.objects.get(fachgruppe=old)
    assert zugang.group_id != old_zugang.group_id
    assert zugang.collection_id != old_zugang.collection_id


# --- sharing (Bearbeitende) ----------------------------------------------------------------


@pytest.fixture
def group_and_colleague(demo_home):
    """Gefährdungsbeurteilung (Koordination: fg-gefaehrdung) and a person of a member organisation."""
    page = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    organisation = page.members.first().organisation
    account = get_user_model().objects.create_user("kollegin", password="x", first_name="Karla",
                                                   last_name="Kollegin")
    person = Person.objects.create(first_name="Karla", last_name="Kollegin",
                                   organisation=organisation, user=account)
    return page, person


def sharing_url(page) -> str:
    return f"/admin/fachgruppe/{page.pk}/bearbeitende/"


@pytest.mark.django_db
def test_koordination_adds_and_removes_a_coeditor_logged(group_and_colleague, client):
    page, person = group_and_colleague
    colleague = person.user
    assert not can_edit(page, colleague)
    client.force_login(user("fg-gefaehrdung"))
    listing = client.get(sharing_url(page))
    assert listing.status_code == 200 and "Karla Kollegin" in listing.content.decode()
    assert sharing_url(page) in client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    client.post(sharing_url(page), {"action": "add", "person": person.pk})
    assert can_edit(page, colleague)
    client.post(sharing_url(page), {"action": "remove", "user": colleague.pk})
    assert not can_edit(page, colleague)
    entries = list(PageLogEntry.objects.filter(page=page, action=SHARING_ACTION).order_by("pk"))
    assert [(e.data["added"], e.data["editor"], e.user.username) for e in entries] == [
        (True, "Karla Kollegin", "fg-gefaehrdung"), (False, "Karla Kollegin", "fg-gefaehrdung")]
    history = client.get(f"/admin/pages/{page.pk}/history/").content.decode()
    assert "Karla Kollegin bearbeitet die Seiten der Fachgruppe mit" in history
    assert "Karla Kollegin bearbeitet die Seiten der Fachgruppe nicht mehr" in history


@pytest.mark.django_db
def test_only_the_koordination_changes_the_sharing(group_and_colleague, client):
    page, person = group_and_colleague
    member = get_user_model().objects.create_user("mitglied", password="x")
    member.groups.add(FachgruppeZugang.objects.get(fachgruppe=page).group)
    client.force_login(member)  # edits the group's pages, is not its Koordination
    assert client.get(sharing_url(page)).status_code == 403
    assert client.post(sharing_url(page), {"action": "add", "person": person.pk}).status_code == 403
    coordinator = user("fg-gefaehrdung")
    assert client.post(sharing_url(page), {"action": "remove", "user": coordinator.pk}).status_code == 403
    assert not can_edit(page, person.user)
    assert can_edit(page, coordinator)
    client.force_login(user("fg-digitalisierung"))  # another group's Koordination
    assert client.post(sharing_url(page), {"action": "add", "person": person.pk}).status_code == 403
    assert not PageLogEntry.objects.filter(page=page, action=SHARING_ACTION).exists()


@pytest.mark.django_db
def test_koordination_cannot_remove_itself_nor_add_outsiders(group_and_colleague, client):
    page, _ = group_and_colleague
    coordinator = user("fg-gefaehrdung")
    client.force_login(coordinator)
    client.post(sharing_url(page), {"action": "remove", "user": coordinator.pk})
    assert can_edit(page, coordinator)
    outsider = Person.objects.get(last_name="Özdemir")  # no member organisation
    outsider.user = get_user_model().objects.create_user("aussen", password="x")
    outsider.save()
    client.post(sharing_url(page), {"action": "add", "person": outsider.pk})
    assert not can_edit(page, outsider.user)
    assert not PageLogEntry.objects.filter(page=page, action=SHARING_ACTION).exists()


# --- recognition: the checklist (R6, R8, R9, R15, R23) --------------------------------------


@pytest.mark.django_db
def test_ag_vorschlagen_refused_without_checklist(demo_home, client):
    vorgang = make_vorgang("anerkennung", State.IN_AG_TRANSFER)
    decision = complete_decision(vorgang, "ag_vorschlagen")
    assert set(decision["checklist"]) == {"R6", "R8", "R9", "R15", "R23"}
    without = {key: value for key, value in decision.items() if key != "checklist"}
    with pytest.raises(TransitionError, match="R6, R8, R9, R15, R23"):
        perform_transition(vorgang, "ag_vorschlagen", user("agtransfer"), **without)
    client.force_login(user("agtransfer"))
    post = {k: v for k, v in form_data(vorgang, "ag_vorschlagen").items() if not k.startswith("check_")}
    response = client.post(f"/admin/freigabe/{vorgang.page_id}/ag_vorschlagen/", post)
    assert response.status_code == 400
    vorgang.refresh_from_db()
    assert vorgang.state == State.IN_AG_TRANSFER
    entry = perform_transition(vorgang, "ag_vorschlagen", user("agtransfer"), **decision)
    assert vorgang.state == State.IM_PLENUM and set(entry.checklist) == set(decision["checklist"])
