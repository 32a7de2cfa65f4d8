"""R19: a recognised Fachgruppe gets its own access, limited to its own pages and documents.

Recognition creates the group's Wagtail group with add/edit/publish permission on its own
Fachgruppe subtree and its own document collection. Publishing a Produkt or Veranstaltung
stays with the Redaktion even so (``workflow.publishing``). Withdrawal or dissolution removes
every permission; the group, its pages and the record stay.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from workflow.vorgang import FachgruppeZugang

PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")


def group_name(fachgruppe) -> str:
    return f"Fachgruppe: {fachgruppe.title}"[:150]


def _collection_for(fachgruppe) -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=fachgruppe.title).first()
    return existing or root.add_child(name=fachgruppe.title)


def grant_access(fachgruppe) -> FachgruppeZugang:
    """Create (or restore) the group's Wagtail group, page and collection permissions (R19)."""
    zugang = FachgruppeZugang.objects.filter(fachgruppe=fachgruppe).first()
    group = zugang.group if zugang and zugang.group else Group.objects.get_or_create(
        name=group_name(fachgruppe))[0]
    collection = zugang.collection if zugang and zugang.collection else _collection_for(fachgruppe)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                 codename="access_admin"))
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=fachgruppe,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    for codename in DOCUMENT_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection,
            permission=Permission.objects.get(content_type__app_label="wagtaildocs", codename=codename),
        )
    zugang, _ = FachgruppeZugang.objects.update_or_create(
        fachgruppe=fachgruppe, defaults={"group": group, "collection": collection, "active": True})
    return zugang


def revoke_access(fachgruppe) -> None:
    """R21/R22: editing ends; the group, its members, pages, documents and records stay."""
    zugang = FachgruppeZugang.objects.filter(fachgruppe=fachgruppe).first()
    if zugang is None:
        return
    if zugang.group_id:
        GroupPagePermission.objects.filter(group_id=zugang.group_id).delete()
        GroupCollectionPermission.objects.filter(group_id=zugang.group_id).delete()
        zugang.group.permissions.clear()
    zugang.active = False
    zugang.save(update_fields=["active"])
