"""Records are never lost (R21, R22): deletion is refused in the admin, only a superuser purges."""

import logging

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page, PageLogEntry

from om_pages.models import FachgruppePage, GremiumPage, HomePage, ProduktPage, ProtokollPage
from om_pages.records import PURGE_ACTION


@pytest.fixture
def editor(demo_home, django_user_model):
    """A Redaktion-like editor with every page permission on the whole site, delete included."""
    group = Group.objects.create(name="Test-Redaktion")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page", "delete_page", "bulk_delete_page"):
        GroupPagePermission.objects.create(
            group=group, page=demo_home, permission=Permission.objects.get(codename=codename)
        )
    user = django_user_model.objects.create_user("redakteurin", "r@example.org", "pw")
    user.groups.add(group)
    return user


def delete_via_admin(client, page: Page):
    return client.post(f"/admin/pages/{page.pk}/delete/", follow=True)


def bulk_delete(client, pages: list[Page]):
    ids = "&".join(f"id={page.pk}" for page in pages)
    return client.post(f"/admin/bulk/wagtailcore/page/delete/?{ids}", follow=True)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [ProtokollPage, FachgruppePage, GremiumPage, HomePage])
def test_editor_cannot_delete_a_record_or_its_container(client, editor, model):
    page = model.objects.first()
    client.force_login(editor)
    # the permission tester refuses first, so Wagtail hides "Löschen" and turns
    # the view away with its own message; the German reason is given by the API and bulk hooks
    assert not page.permissions_for_user(editor).can_delete()
    delete_via_admin(client, page)
    assert Page.objects.filter(pk=page.pk).exists()
    # the confirmation page is refused too, not only the POST
    assert client.get(f"/admin/pages/{page.pk}/delete/").status_code == 302


@pytest.mark.django_db
def test_editor_cannot_delete_a_decided_produkt(client, editor):
    produkt = ProduktPage.objects.filter(first_published_at__isnull=False).first()
    produkt.unpublish()  # even unpublished: it was published once, so it was decided (R11)
    client.force_login(editor)
    assert not produkt.permissions_for_user(editor).can_delete()
    delete_via_admin(client, produkt)
    assert ProduktPage.objects.filter(pk=produkt.pk).exists()


@pytest.mark.django_db
def test_editor_may_delete_a_never_published_produkt_draft(client, editor):
    fachgruppe = FachgruppePage.objects.first()
    draft = ProduktPage(
        title="Entwurf einer Checkliste", slug="entwurf-checkliste", kind="checkliste", live=False
    )
    fachgruppe.add_child(instance=draft)
    client.force_login(editor)
    delete_via_admin(client, draft)
    assert not ProduktPage.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_editor_cannot_bulk_delete_protokolle(client, editor):
    protokolle = list(ProtokollPage.objects.all()[:2])
    client.force_login(editor)
    bulk_delete(client, protokolle)  # Wagtail lists them as "no permission"
    assert ProtokollPage.objects.filter(pk__in=[p.pk for p in protokolle]).count() == 2


@pytest.mark.django_db
def test_superuser_purge_is_logged(admin_client, demo_home, caplog):
    protokoll = ProtokollPage.objects.first()
    with caplog.at_level(logging.WARNING, logger="om_pages.records"):
        delete_via_admin(admin_client, protokoll)
    assert not ProtokollPage.objects.filter(pk=protokoll.pk).exists()
    entry = PageLogEntry.objects.get(action=PURGE_ACTION, page_id=protokoll.pk)
    assert entry.user.is_superuser
    assert entry.data["title"] == protokoll.title
    assert protokoll.title in caplog.text


@pytest.mark.django_db
def test_superuser_bulk_purge_is_logged(admin_client, demo_home):
    protokolle = list(ProtokollPage.objects.all()[:2])
    bulk_delete(admin_client, protokolle)
    assert not ProtokollPage.objects.filter(pk__in=[p.pk for p in protokolle]).exists()
    purged = PageLogEntry.objects.filter(action=PURGE_ACTION, page_id__in=[p.pk for p in protokolle])
    assert purged.count() == 2


@pytest.mark.django_db
def test_editor_cannot_move_a_protokoll_to_another_fachgruppe(client, editor):
    first, second = FachgruppePage.objects.all()[:2]
    protokoll = ProtokollPage.objects.child_of(first).first()
    protokoll.slug = "protokoll-sondersitzung"  # a slug free in the destination, so only R19/R21 stop it
    protokoll.save()
    client.force_login(editor)
    response = client.post(f"/admin/pages/{protokoll.pk}/move/{second.pk}/confirm/", follow=True)
    assert "kann nicht verschoben werden" in response.content.decode()
    assert ProtokollPage.objects.get(pk=protokoll.pk).get_parent().pk == first.pk
