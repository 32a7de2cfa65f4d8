"""R19: a recognised Fachgruppe gets its own access, limited to its own pages and documents.

Recognition creates the group's Wagtail group with add/edit/publish permission on its own
Fachgruppe subtree and its own document collection. Publishing a Produkt or Veranstaltung
stays with the Redaktion even so (``workflow.publishing``). Withdrawal or dissolution removes
every permission; the group, its pages and the record stay.

A group being founded (R1, ``workflow.founding``) gets the same Wagtail group and collection
*without* ``publish_page`` (``publish=False``): its editors work on the draft concept, nobody
of them makes it live; recognition later adds the publish permission to the same group.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from workflow.vorgang import FachgruppeZugang

PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
#: Before recognition (R1): editing the draft, never publishing it.
APPLICANT_PAGE_PERMISSIONS = ("add_page", "change_page")
DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")


def group_name(fachgruppe) -> str:
    return f"Fachgruppe: {fachgruppe.title}"[:150]


def _taken(model_field: str):
    """Groups or collections that already belong to a Fachgruppe's access."""
    return FachgruppeZugang.objects.exclude(**{model_field: None}).values(model_field)


def _group_for(fachgruppe) -> Group:
    """The group named after the Fachgruppe; never one that is another group's access (a new
    group may carry an old group's title: its founders must not inherit that group's rights)."""
    name = group_name(fachgruppe)
    if Group.objects.filter(name=name, pk__in=_taken("group")).exists():
        name = f"{name[:140]} ({fachgruppe.pk})"
    return Group.objects.get_or_create(name=name)[0]


def _collection_for(fachgruppe) -> Collection:
    """The collection named after the Fachgruppe, never another group's (see ``_group_for``)."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=fachgruppe.title).exclude(
        pk__in=_taken("collection")).first()
    if existing is not None:
        return existing
    name = fachgruppe.title
    if root.get_children().filter(name=name).exists():
        name = f"{name} ({fachgruppe.pk})"
    return root.add_child(name=name)


def grant_access(fachgruppe, publish: bool = True) -> FachgruppeZugang:
    """Create (or restore) the group's Wagtail group, page and collection permissions (R19).

    ``publish=False`` is the access of a group being founded (R1): add and change, no publish.
    """
    zugang = FachgruppeZugang.objects.filter(fachgruppe=fachgruppe).first()
    group = zugang.group if zugang and zugang.group else _group_for(fachgruppe)
    collection = zugang.collection if zugang and zugang.collection else _collection_for(fachgruppe)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                 codename="access_admin"))
    for codename in PAGE_PERMISSIONS if publish else APPLICANT_PAGE_PERMISSIONS:
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
