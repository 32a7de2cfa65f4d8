"""Records stay records: every delete and move path, hidden ancestors, admin leaks.

Checked with a group editor's login (R19: the group maintains its own pages):

1. the admin API deleted a published Protokoll (204, no purge entry) → every delete and move
   path refuses records (R21, R22; R19 for moves), only the logged superuser purge stays;
2. a live Protokoll below an unpublished Fachgruppe was still served → 404 (R1, R21, R22);
3. other groups' draft titles showed in the page chooser and the page-types report (R19, R23).
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page, PageLogEntry, PageViewRestriction

from om_pages.models import FachgruppePage, GremiumPage, ProduktPage, ProtokollPage
from om_pages.records import PURGE_ACTION

API = "/admin/api/main/pages/{pk}/action/{action}/"
SECRET_DRAFT = "Geheimer Entwurf Zwischenstand Quartalsplanung"


def user(username: str):
    return get_user_model().objects.get(username=username)


def own_group() -> FachgruppePage:
    return FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")


def other_group() -> FachgruppePage:
    return FachgruppePage.objects.get(slug="digitalisierung")


def live_protokoll(group: FachgruppePage) -> ProtokollPage:
    return ProtokollPage.objects.child_of(group).live().order_by("-date").first()


def api_post(client, page: Page, action: str, data: dict | None = None):
    return client.post(API.format(pk=page.pk, action=action), data=json.dumps(data or {}),
                       content_type="application/json")


@pytest.fixture
def group_editor(demo_home):
    """The demo editor of the Fachgruppe Gefährdungsbeurteilung (add, change, publish there)."""
    return user("fg-gefaehrdung")


@pytest.fixture
def site_editor(demo_home, django_user_model):
    """A Redaktion-like editor with every page permission on the whole site, delete included."""
    group = Group.objects.create(name="Test-Redaktion mit Löschrecht")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page", "delete_page", "bulk_delete_page"):
        GroupPagePermission.objects.create(
            group=group, page=demo_home, permission=Permission.objects.get(codename=codename))
    editor = django_user_model.objects.create_user("redakteur-loeschen", "rl@example.org", "pw")
    editor.groups.add(group)
    return editor


@pytest.fixture
def superuser(demo_home):
    return get_user_model().objects.filter(is_superuser=True).order_by("pk").first()


# --- delete and move -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_group_editor_cannot_delete_a_protokoll_through_the_admin_api(client, group_editor):
    """R21, R22: the API must not answer 204 and drop the Protokoll unlogged."""
    protokoll = live_protokoll(own_group())
    client.force_login(group_editor)
    response = api_post(client, protokoll, "delete")
    assert response.status_code == 403
    assert "kann nicht gelöscht werden" in response.json()["detail"]
    assert ProtokollPage.objects.filter(pk=protokoll.pk).exists()


@pytest.mark.django_db
def test_site_editor_cannot_delete_a_fachgruppe_through_the_admin_api(client, site_editor):
    fachgruppe = other_group()
    client.force_login(site_editor)
    response = api_post(client, fachgruppe, "delete")
    assert response.status_code == 403
    assert "Akten" in response.json()["detail"]
    assert FachgruppePage.objects.filter(pk=fachgruppe.pk).exists()


@pytest.mark.django_db
def test_site_editor_cannot_move_a_protokoll_to_another_group_through_the_admin_api(client, site_editor):
    """R19, R21: a Protokoll belongs to its group; the API moved it (200)."""
    protokoll = live_protokoll(own_group())
    protokoll.slug = "protokoll-sondersitzung-api"  # free in the destination: only the rule stops it
    protokoll.save(update_fields=["slug"])
    client.force_login(site_editor)
    response = api_post(client, protokoll, "move",
                        {"destination_page_id": other_group().pk, "position": "last-child"})
    assert response.status_code == 403
    assert "kann nicht verschoben werden" in response.json()["detail"]
    assert Page.objects.get(pk=protokoll.pk).get_parent().pk == own_group().pk


@pytest.mark.django_db
def test_group_editor_may_still_reorder_protokolle_in_the_own_group(client, group_editor):
    """Reordering keeps a record where it belongs, so it is no move (wagtail.reorder)."""
    protokoll = live_protokoll(own_group())
    client.force_login(group_editor)
    response = client.post(f"/admin/pages/{protokoll.pk}/set_position/?position=0")
    assert response.status_code == 200
    assert own_group().get_children().first().pk == protokoll.pk


@pytest.mark.django_db
def test_superuser_purge_through_the_admin_api_is_logged(client, superuser):
    protokoll = live_protokoll(own_group())
    client.force_login(superuser)
    response = api_post(client, protokoll, "delete")
    assert response.status_code == 204
    assert not Page.objects.filter(pk=protokoll.pk).exists()
    entry = PageLogEntry.objects.get(action=PURGE_ACTION, page_id=protokoll.pk)
    assert entry.user == superuser


@pytest.mark.django_db
def test_permission_tester_refuses_delete_and_move_of_records(group_editor, site_editor):
    protokoll = live_protokoll(own_group())
    for editor in (group_editor, site_editor):
        tester = protokoll.permissions_for_user(editor)
        assert not tester.can_delete()
        assert not tester.can_move()
        assert not tester.can_move_to(other_group())
    # the same answer through a plain Page instance (bulk actions use those)
    assert not Page.objects.get(pk=protokoll.pk).permissions_for_user(site_editor).can_delete()
    assert not own_group().permissions_for_user(site_editor).can_delete()  # holds records


@pytest.mark.django_db
def test_permission_tester_allows_deleting_an_undecided_produkt_draft(site_editor, superuser):
    draft = ProduktPage(title="Entwurf einer Checkliste", slug="entwurf-checkliste",
                        kind="checkliste", live=False)
    own_group().add_child(instance=draft)
    assert draft.permissions_for_user(site_editor).can_delete()
    assert live_protokoll(own_group()).permissions_for_user(superuser).can_delete()  # purge


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["specific", "plain page", "queryset", "specific queryset"])
def test_deleting_a_record_in_code_is_refused(how):
    """The model-level guard (pre_delete) covers code paths and any admin path left over."""
    from om_pages.records import RecordProtectedError

    protokoll = live_protokoll(own_group())
    delete = {
        "specific": lambda: protokoll.delete(),
        "plain page": lambda: Page.objects.get(pk=protokoll.pk).delete(),
        "queryset": lambda: Page.objects.filter(pk=protokoll.pk).delete(),
        "specific queryset": lambda: ProtokollPage.objects.filter(pk=protokoll.pk).delete(),
    }[how]
    if how in {"specific", "plain page"}:
        # page.delete() refuses before Wagtail logs or touches the tree: nothing to roll back
        with pytest.raises(RecordProtectedError):
            delete()
        assert not PageLogEntry.objects.filter(page_id=protokoll.pk, action="wagtail.delete").exists()
        assert own_group().numchild == own_group().get_children().count()
    else:
        with pytest.raises(RecordProtectedError), transaction.atomic():  # the refusal aborts it
            delete()
    assert ProtokollPage.objects.filter(pk=protokoll.pk).exists()


@pytest.mark.django_db
def test_deleting_a_container_of_records_in_code_is_refused():
    gremium = GremiumPage.objects.first()
    with pytest.raises(PermissionDenied), transaction.atomic():  # RecordProtectedError is one
        Page.objects.get(pk=gremium.pk).delete()
    assert ProtokollPage.objects.child_of(gremium).exists()


@pytest.mark.django_db
def test_purge_in_code_needs_a_superuser_and_is_logged(group_editor, superuser):
    from om_pages.records import RecordProtectedError, purge

    fachgruppe = other_group()
    protokolle = list(ProtokollPage.objects.child_of(fachgruppe).values_list("pk", flat=True))
    with pytest.raises(RecordProtectedError):
        purge(fachgruppe, group_editor)
    purge(fachgruppe, superuser)
    assert not Page.objects.filter(pk__in=[fachgruppe.pk, *protokolle]).exists()
    entry = PageLogEntry.objects.get(action=PURGE_ACTION, page_id=fachgruppe.pk)
    assert entry.data["records"] >= 1 + len(protokolle)


@pytest.mark.django_db
def test_non_records_are_still_deleted_in_code():
    draft = ProduktPage(title="Verworfener Entwurf", slug="verworfener-entwurf", kind="checkliste",
                        live=False)
    own_group().add_child(instance=draft)
    draft.delete()
    assert not ProduktPage.objects.filter(pk=draft.pk).exists()


# --- nothing is served below a hidden ancestor ---------------------------------------


@pytest.mark.django_db
def test_protokoll_below_an_unpublished_fachgruppe_is_not_served(client):
    """After the group is unpublished its live Protokolle must not answer 200."""
    fachgruppe = own_group()
    protokoll = live_protokoll(fachgruppe)
    url = protokoll.get_url()
    assert client.get(url).status_code == 200
    fachgruppe.unpublish()
    assert client.get(url).status_code == 404
    assert client.get(fachgruppe.get_url()).status_code == 404


@pytest.mark.django_db
def test_editors_preview_below_an_unpublished_fachgruppe_still_works(client, group_editor):
    fachgruppe = own_group()
    protokoll = live_protokoll(fachgruppe)
    fachgruppe.unpublish()
    client.force_login(group_editor)
    response = client.get(f"/admin/pages/{protokoll.pk}/view_draft/")
    assert response.status_code == 200
    assert protokoll.title in response.content.decode()


@pytest.mark.django_db
def test_restricted_ancestor_protects_its_protokolle(client):
    """Wagtail applies an ancestor's PageViewRestriction to descendants (verified, not added)."""
    fachgruppe = own_group()
    protokoll = live_protokoll(fachgruppe)
    PageViewRestriction.objects.create(page=fachgruppe, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(protokoll.get_url())
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
def test_feeds_drop_an_unpublished_fachgruppe(client):
    fachgruppe = own_group()
    link = f"/fachgruppen/{fachgruppe.slug}/"  # titles repeat across groups, links do not
    assert link in client.get("/feeds/protokolle.atom").content.decode()
    fachgruppe.unpublish()
    assert link not in client.get("/feeds/protokolle.atom").content.decode()
    assert client.get(f"/feeds/fachgruppen/{fachgruppe.slug}/protokolle.atom").status_code == 404
    assert client.get(f"/feeds/fachgruppen/{fachgruppe.slug}/veranstaltungen.ics").status_code == 404


@pytest.mark.django_db
def test_is_publicly_visible():
    from om_pages.public import has_unpublished_ancestor, is_publicly_visible

    fachgruppe = own_group()
    protokoll = live_protokoll(fachgruppe)
    assert is_publicly_visible(protokoll) and not has_unpublished_ancestor(protokoll)
    restriction = PageViewRestriction.objects.create(
        page=fachgruppe, restriction_type=PageViewRestriction.PASSWORD, password="geheim")
    assert not is_publicly_visible(protokoll)
    restriction.delete()
    fachgruppe.unpublish()
    assert has_unpublished_ancestor(protokoll)
    assert not is_publicly_visible(Page.objects.get(pk=protokoll.pk))
    assert not is_publicly_visible(FachgruppePage.objects.get(pk=fachgruppe.pk))


# --- drafts of other groups stay hidden in the admin ---------------------------------


@pytest.fixture
def foreign_draft(demo_home):
    """A draft Produkt of another group, the newest edit of its type."""
    draft = ProduktPage(title=SECRET_DRAFT, slug="geheimer-entwurf", kind="checkliste", live=False)
    other_group().add_child(instance=draft)
    draft.save_revision()
    ProduktPage.objects.filter(pk=draft.pk).update(latest_revision_created_at=timezone.now())
    return draft


@pytest.fixture
def own_draft(demo_home):
    draft = ProduktPage(title="Eigener Entwurf Prüfliste", slug="eigener-entwurf", kind="checkliste",
                        live=False)
    own_group().add_child(instance=draft)
    draft.save_revision()
    return draft


@pytest.mark.django_db
def test_page_chooser_browse_hides_other_groups_drafts(client, group_editor, foreign_draft, own_draft):
    client.force_login(group_editor)
    foreign = client.get(f"/admin/choose-page/{other_group().pk}/").json()["html"]
    assert SECRET_DRAFT not in foreign
    assert live_protokoll(other_group()).title in foreign  # live pages stay choosable
    own = client.get(f"/admin/choose-page/{own_group().pk}/").json()["html"]
    assert own_draft.title in own


@pytest.mark.django_db
def test_page_chooser_does_not_browse_into_another_groups_draft(client, group_editor):
    applicant = FachgruppePage.objects.get(slug="unternehmensnachfolge")  # a draft, still applying
    client.force_login(group_editor)
    response = client.get(f"/admin/choose-page/{applicant.pk}/")
    assert response.status_code == 404
    assert applicant.title not in response.content.decode()
    index = applicant.get_parent()
    assert applicant.title not in client.get(f"/admin/choose-page/{index.pk}/").json()["html"]


@pytest.mark.django_db
def test_page_chooser_search_hides_other_groups_drafts(client, group_editor, foreign_draft, own_draft):
    client.force_login(group_editor)
    found = client.get("/admin/choose-page/search/", {"q": "Entwurf"}).content.decode()
    assert SECRET_DRAFT not in found
    assert own_draft.title in found


@pytest.mark.django_db
def test_superuser_chooser_shows_every_draft(client, superuser, foreign_draft):
    client.force_login(superuser)
    assert SECRET_DRAFT in client.get(f"/admin/choose-page/{other_group().pk}/").json()["html"]


@pytest.mark.django_db
def test_page_types_usage_report_hides_other_groups_drafts(client, group_editor, foreign_draft):
    client.force_login(group_editor)
    response = client.get("/admin/reports/page-types-usage/")
    assert response.status_code == 200
    assert SECRET_DRAFT not in response.content.decode()
    results = client.get("/admin/reports/page-types-usage/results/")
    assert SECRET_DRAFT not in results.content.decode()


@pytest.mark.django_db
def test_page_types_usage_report_still_shows_everything_to_a_superuser(client, superuser, foreign_draft):
    client.force_login(superuser)
    assert SECRET_DRAFT in client.get("/admin/reports/page-types-usage/").content.decode()


@pytest.mark.django_db
def test_page_type_listing_and_admin_search_hide_other_groups_drafts(client, group_editor, foreign_draft):
    client.force_login(group_editor)
    listing = client.get("/admin/pages/usage/om_pages/produktpage/")
    assert SECRET_DRAFT not in listing.content.decode()
    search = client.get("/admin/pages/search/", {"q": "Geheimer"})
    assert SECRET_DRAFT not in search.content.decode()


@pytest.mark.django_db
def test_page_chooser_for_a_body_member_without_page_permissions(client, demo_home, foreign_draft):
    """AG Transfer members have no page permissions: they see the live site only."""
    client.force_login(user("agtransfer"))
    html = client.get(f"/admin/choose-page/{other_group().pk}/").json()["html"]
    assert SECRET_DRAFT not in html
    assert live_protokoll(other_group()).title in html


@pytest.mark.django_db
def test_explorer_and_its_api_hide_other_groups_drafts(client, group_editor, foreign_draft):
    """Verified, not added: Wagtail limits both to the editor's explorable pages."""
    client.force_login(group_editor)
    explorer = client.get(f"/admin/pages/{other_group().pk}/", follow=True)
    assert SECRET_DRAFT not in explorer.content.decode()
    listing = client.get("/admin/api/main/pages/", {"child_of": other_group().pk, "for_explorer": 1})
    assert SECRET_DRAFT not in listing.content.decode()


@pytest.mark.django_db
def test_only_a_recent_purge_by_a_superuser_lets_a_record_go(group_editor, superuser):
    from om_pages.records import PURGE_WINDOW, RecordProtectedError

    protokoll = live_protokoll(own_group())
    entry = PageLogEntry.objects.log_action(protokoll, PURGE_ACTION, user=group_editor)
    with pytest.raises(RecordProtectedError), transaction.atomic():
        Page.objects.filter(pk=protokoll.pk).delete()
    entry.user = superuser
    entry.timestamp = timezone.now() - PURGE_WINDOW - PURGE_WINDOW
    entry.save()
    with pytest.raises(RecordProtectedError), transaction.atomic():
        Page.objects.filter(pk=protokoll.pk).delete()
    entry.timestamp = timezone.now()
    entry.save()
    Page.objects.filter(pk=protokoll.pk).delete()
    assert not Page.objects.filter(pk=protokoll.pk).exists()
