"""R19: the bodies write their own Protokolle and nothing else (workflow.body_pages).

Tried as an attacker with a body member's login would: the edit view, adding pages, copy,
move, delete, unpublish, privacy, reordering, bulk actions (plain ``Page`` instances), the
admin API's page actions and the revisions of another body's draft.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from om_pages.models import FachgruppePage, GremiumPage, ProduktPage, ProtokollPage
from workflow.body_pages import GremiumPagePermissionTester
from workflow.choices import Gremium
from workflow.permissions import BODY_GROUP_NAMES, SCHRIFTFUEHRUNG_GROUP_NAMES

BODIES = (Gremium.LEITUNGSKREIS, Gremium.AG_TRANSFER, Gremium.PLENUM)


def assert_denied(response) -> None:
    """Wagtail turns PermissionDenied in the admin into a redirect to the dashboard."""
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


def gremium(kind: str) -> GremiumPage:
    return GremiumPage.objects.get(kind=kind)


def protokoll_of(kind: str) -> ProtokollPage:
    return ProtokollPage.objects.child_of(gremium(kind)).order_by("-date").first()


@pytest.fixture
def member(demo_home, django_user_model):
    """A plain member of the AG Transfer (not in its Schriftführung)."""
    user = django_user_model.objects.create_user("ag-mitglied", "ag-mitglied@example.org", "pw")
    user.groups.add(Group.objects.get(name=BODY_GROUP_NAMES[Gremium.AG_TRANSFER]))
    return user


@pytest.fixture
def schriftfuehrung(demo_home, django_user_model):
    """The AG Transfer's Schriftführung (member of both groups)."""
    user = django_user_model.objects.create_user("ag-schrift", "ag-schrift@example.org", "pw")
    user.groups.add(Group.objects.get(name=BODY_GROUP_NAMES[Gremium.AG_TRANSFER]),
                    Group.objects.get(name=SCHRIFTFUEHRUNG_GROUP_NAMES[Gremium.AG_TRANSFER]))
    return user


def grants(page) -> set[tuple[str, str]]:
    return set(GroupPagePermission.objects.filter(page=page)
               .values_list("group__name", "permission__codename"))


def protokoll_form(title: str, **extra) -> dict:
    return nested_form_data({
        "title": title, "slug": extra.pop("slug", "protokoll-test"), "date": "12.01.2027",
        "meeting_kind": "praesenz", "location": "Berlin", "attendees": "Anna Beispiel",
        "agenda_items": inline_formset([{"title": "Genehmigung", "discussion": "",
                                         "decision": "Genehmigt."}]),
        "body": rich_text("<p>Text</p>"), "documents": inline_formset([]), **extra,
    })


# --- the rows ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", BODIES)
def test_each_gremium_page_grants_its_body_and_schriftfuehrung(demo_home, kind):
    body, schrift = BODY_GROUP_NAMES[kind], SCHRIFTFUEHRUNG_GROUP_NAMES[kind]
    own = {(name, codename) for name, codename in grants(gremium(kind))
           if name not in (BODY_GROUP_NAMES[Gremium.REDAKTION],)}
    assert own == {(body, "add_page"), (body, "change_page"), (schrift, "add_page"),
                   (schrift, "change_page"), (schrift, "publish_page")}


@pytest.mark.django_db
def test_migration_grants_the_existing_gremium_pages(demo_home):
    GroupPagePermission.objects.filter(page__in=GremiumPage.objects.all()).delete()
    migration = importlib.import_module("workflow.migrations.0007_body_page_rights")
    migration.grant(apps, None)
    for kind in BODIES:
        assert (BODY_GROUP_NAMES[kind], "change_page") in grants(gremium(kind))
        assert (SCHRIFTFUEHRUNG_GROUP_NAMES[kind], "publish_page") in grants(gremium(kind))


@pytest.mark.django_db
def test_a_saved_gremium_page_gets_its_rights_back(demo_home):
    page = gremium(Gremium.PLENUM)
    GroupPagePermission.objects.filter(page=page).delete()
    page.save()
    assert (SCHRIFTFUEHRUNG_GROUP_NAMES[Gremium.PLENUM], "publish_page") in grants(page)
    # a row of another body on this page goes (a page whose kind was changed)
    GroupPagePermission.objects.create(group=Group.objects.get(name="AG Transfer"), page=page,
                                       permission_type="change")
    page.save()
    assert not any(name == "AG Transfer" for name, _ in grants(page))


# --- what a plain member may do: write the own body's Protokolle -------------------------------


@pytest.mark.django_db
def test_member_adds_and_edits_own_protokoll_but_cannot_publish(member, client):
    client.force_login(member)
    parent = gremium(Gremium.AG_TRANSFER)
    response = client.post(f"/admin/pages/add/om_pages/protokollpage/{parent.pk}/",
                           protokoll_form("Protokoll der AG Transfer vom 12.01.2027"))
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ProtokollPage.objects.child_of(parent).get(slug="protokoll-test")
    assert not page.live

    response = client.post(f"/admin/pages/{page.pk}/edit/", protokoll_form("Geänderter Titel"))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().title == "Geänderter Titel"

    perms = page.permissions_for_user(member)
    assert perms.can_edit() and not perms.can_publish() and not perms.can_unpublish()
    client.post(f"/admin/pages/{page.pk}/edit/", protokoll_form("Veröffentlicht?",
                                                                **{"action-publish": "1"}))
    page.refresh_from_db()
    assert not page.live
    response = client.post(f"/admin/api/main/pages/{page.pk}/action/publish/", {})
    assert response.status_code in (400, 403)
    page.refresh_from_db()
    assert not page.live


@pytest.mark.django_db
def test_member_may_edit_a_published_protokoll_of_the_own_body(member):
    perms = protokoll_of(Gremium.AG_TRANSFER).permissions_for_user(member)
    assert perms.can_edit()
    assert not perms.can_publish() and not perms.can_unpublish() and not perms.can_delete()


@pytest.mark.django_db
def test_schriftfuehrung_publishes_the_own_protokolle(schriftfuehrung):
    perms = protokoll_of(Gremium.AG_TRANSFER).permissions_for_user(schriftfuehrung)
    assert perms.can_edit() and perms.can_publish() and perms.can_unpublish()
    assert not perms.can_delete()  # Protokolle are records (R21, R22)
    parent_perms = gremium(Gremium.AG_TRANSFER).permissions_for_user(schriftfuehrung)
    assert parent_perms.can_add_subpage() and parent_perms.can_publish_subpage()


# --- the GremiumPage itself stays with the Redaktion --------------------------------------------

PAGE_ITSELF = ("can_edit", "can_publish", "can_unpublish", "can_delete", "can_move", "can_copy",
               "can_lock", "can_set_view_restrictions", "can_reorder_children", "can_unschedule")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "schriftfuehrung"])
def test_body_members_get_nothing_on_the_gremium_page_itself(request, who):
    user = request.getfixturevalue(who)
    page = gremium(Gremium.AG_TRANSFER)
    for instance in (page, Page.objects.get(pk=page.pk)):  # bulk actions load plain Pages
        perms = instance.permissions_for_user(user)
        assert isinstance(perms, GremiumPagePermissionTester)
        assert {name: getattr(perms, name)() for name in PAGE_ITSELF} == dict.fromkeys(
            PAGE_ITSELF, False)
        assert perms.can_add_subpage()  # only Protokolle (GremiumPage.subpage_types)


@pytest.mark.django_db
def test_redaktion_keeps_the_gremium_page(demo_home, django_user_model):
    redaktion = django_user_model.objects.get(username="redaktion")
    perms = gremium(Gremium.AG_TRANSFER).permissions_for_user(redaktion)
    assert perms.can_edit() and perms.can_publish() and perms.can_unpublish()


@pytest.mark.django_db
def test_a_member_of_body_and_redaktion_edits_the_gremium_page(member):
    member.groups.add(Group.objects.get(name=BODY_GROUP_NAMES[Gremium.REDAKTION]))
    assert gremium(Gremium.AG_TRANSFER).permissions_for_user(member).can_edit()


def attacks(page: Page, other_gremium: Page) -> list[tuple[str, str, dict]]:
    """(method, url, data) of every admin path that acts on ``page`` itself."""
    return [
        ("get", f"/admin/pages/{page.pk}/edit/", {}),
        ("post", f"/admin/pages/{page.pk}/edit/", {"title": "Übernommen", "slug": page.slug,
                                                   "kind": "ag_transfer", "intro": "",
                                                   "action-publish": "1"}),
        ("post", f"/admin/pages/{page.pk}/unpublish/", {}),
        ("post", f"/admin/pages/{page.pk}/delete/", {}),
        ("get", f"/admin/pages/{page.pk}/move/", {}),
        ("post", f"/admin/pages/{page.pk}/copy/", {"new_title": "Kopie", "new_slug": "kopie",
                                                   "new_parent_page": page.get_parent().pk}),
        ("get", f"/admin/pages/{page.pk}/privacy/", {}),
        ("post", f"/admin/pages/{page.pk}/lock/", {}),
        ("get", f"/admin/pages/{page.pk}/history/", {}),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "schriftfuehrung"])
def test_admin_views_refuse_the_gremium_page_to_body_members(request, client, who):
    client.force_login(request.getfixturevalue(who))
    page = gremium(Gremium.AG_TRANSFER)
    before = (page.title, page.live, page.locked, page.latest_revision_id)
    for method, url, data in attacks(page, gremium(Gremium.PLENUM)):
        assert_denied(getattr(client, method)(url, data))
    page.refresh_from_db()
    assert (page.title, page.live, page.locked, page.latest_revision_id) == before
    assert not Page.objects.filter(slug="kopie").exists()


@pytest.mark.django_db
def test_bulk_actions_and_admin_api_refuse_the_gremium_page(schriftfuehrung, client):
    client.force_login(schriftfuehrung)
    page = gremium(Gremium.AG_TRANSFER)
    client.post(f"/admin/bulk/wagtailcore/page/unpublish/?id={page.pk}", {})
    client.post(f"/admin/bulk/wagtailcore/page/delete/?id={page.pk}", {})
    for action in ("unpublish", "delete", "publish", "copy", "move"):
        data = {"destination_page_id": gremium(Gremium.PLENUM).pk}
        response = client.post(f"/admin/api/main/pages/{page.pk}/action/{action}/", data)
        assert response.status_code in (400, 403), (action, response.status_code)
    page.refresh_from_db()
    assert page.live and GremiumPage.objects.filter(pk=page.pk).exists()
    assert GremiumPage.objects.count() == 3


@pytest.mark.django_db
def test_reordering_the_gremium_pages_protokolle_is_refused(schriftfuehrung, client):
    client.force_login(schriftfuehrung)
    first = ProtokollPage.objects.child_of(gremium(Gremium.AG_TRANSFER)).first()
    assert_denied(client.post(f"/admin/pages/{first.pk}/set_position/?position=5"))


# --- other bodies and the Fachgruppen are out of reach ----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "schriftfuehrung"])
def test_other_bodies_protokolle_are_out_of_reach(request, client, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for kind in (Gremium.PLENUM, Gremium.LEITUNGSKREIS):
        other = protokoll_of(kind)
        perms = other.permissions_for_user(user)
        assert not (perms.can_edit() or perms.can_publish() or perms.can_unpublish())
        assert not gremium(kind).permissions_for_user(user).can_add_subpage()
        assert_denied(client.get(f"/admin/pages/{other.pk}/edit/"))
        revision = other.latest_revision
        assert_denied(client.get(f"/admin/pages/{other.pk}/revisions/{revision.pk}/view/"))
        assert_denied(client.get(f"/admin/pages/add/om_pages/protokollpage/{gremium(kind).pk}/"))
        # copying another body's Protokoll into the own page needs the right to edit it
        own = gremium(Gremium.AG_TRANSFER)
        assert not perms.can_copy_to(own)
        before = ProtokollPage.objects.child_of(own).count()
        response = client.post(f"/admin/api/main/pages/{other.pk}/action/copy/",
                               {"destination_page_id": own.pk})
        assert response.status_code in (400, 403, 404)  # 404: not among the user's pages
        assert ProtokollPage.objects.child_of(own).count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "schriftfuehrung"])
def test_fachgruppe_pages_are_out_of_reach(request, client, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    group = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    pages = [group, ProduktPage.objects.child_of(group).first(),
             ProtokollPage.objects.child_of(group).first()]
    for page in pages:
        perms = page.permissions_for_user(user)
        assert not (perms.can_edit() or perms.can_publish() or perms.can_add_subpage())
        assert_denied(client.get(f"/admin/pages/{page.pk}/edit/"))
    assert_denied(client.get(f"/admin/pages/add/om_pages/protokollpage/{group.pk}/"))


@pytest.mark.django_db
def test_no_page_rights_anywhere_else(member):
    """The body's rows stand on its GremiumPage only (and the Redaktion's on the homepage)."""
    groups = [Group.objects.get(name=name) for name in
              (BODY_GROUP_NAMES[Gremium.AG_TRANSFER], SCHRIFTFUEHRUNG_GROUP_NAMES[Gremium.AG_TRANSFER])]
    pages = set(GroupPagePermission.objects.filter(group__in=groups).values_list("page_id", flat=True))
    assert pages == {gremium(Gremium.AG_TRANSFER).pk}
    assert not Permission.objects.filter(group__in=groups, codename__endswith="_page").exists()
