"""R19: the bodies write their own Protokolle, and nothing else.

Each ``GremiumPage`` carries Wagtail ``GroupPagePermission`` rows for its body: the body's
group (Leitungskreis, AG Transfer, Plenum) may add and change pages under it, the body's
Schriftführung may also publish. Wagtail's permissions reach the page they are granted on and
its whole subtree; the subtree of a ``GremiumPage`` holds only Protokolle (its
``subpage_types``), but the page itself (the body's public description) stays with the
Redaktion. ``GremiumPagePermissionTester`` therefore reads the grants made on the
``GremiumPage`` itself as grants for its Protokolle only: on the ``GremiumPage`` they allow
adding a Protokoll (and publishing it in one go, for the Schriftführung), no edit, publish,
unpublish, delete, move, copy, lock, privacy setting or reordering. Grants from above (the
Redaktion's on the homepage) keep their full effect.

The rows are made by a data migration for existing pages and by ``sync_body_page_rights``
(post_save of ``GremiumPage``, connected in ``WorkflowConfig.ready``) for new ones.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from om_pages.extension import register_permission_tester
from om_pages.models import GremiumPage
from om_pages.records import RecordPermissionTester
from workflow.permissions import BODY_GROUP_NAMES, SCHRIFTFUEHRUNG_GROUP_NAMES

#: What the body's group may do under its GremiumPage: write Protokolle (R19).
BODY_PAGE_PERMISSIONS = ("add_page", "change_page")
#: The Schriftführung also publishes them (the minutes are approved in the next Sitzung).
SCHRIFTFUEHRUNG_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def body_page_grants(kind: str) -> dict[str, tuple[str, ...]]:
    """Group name → page permission codenames on the ``GremiumPage`` of body ``kind``."""
    return {BODY_GROUP_NAMES[kind]: BODY_PAGE_PERMISSIONS,
            SCHRIFTFUEHRUNG_GROUP_NAMES[kind]: SCHRIFTFUEHRUNG_PAGE_PERMISSIONS}


def _meeting_body_group_names() -> set[str]:
    return {name for kind in SCHRIFTFUEHRUNG_GROUP_NAMES for name in body_page_grants(kind)}


def grant_body_page_rights(page: GremiumPage) -> None:
    """The page's body and its Schriftführung get their rights on it; other bodies' rows go
    (a page whose ``kind`` was changed). The Redaktion's and other groups' rows stay."""
    grants = body_page_grants(page.kind)
    GroupPagePermission.objects.filter(
        page=page, group__name__in=_meeting_body_group_names() - set(grants)).delete()
    permissions = {p.codename: p for p in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=SCHRIFTFUEHRUNG_PAGE_PERMISSIONS)}
    for group_name, codenames in grants.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(group=group, page=page,
                                                      permission=permissions[codename])


def sync_body_page_rights(sender, instance: GremiumPage, created: bool = False, raw: bool = False,
                          update_fields=None, **kwargs) -> None:
    """post_save of ``GremiumPage``: a new page (or one whose ``kind`` changed) gets its rights."""
    if raw:
        return
    if created or update_fields is None or "kind" in update_fields:
        grant_body_page_rights(instance)


class GremiumPagePermissionTester(RecordPermissionTester):
    """A ``GremiumPage`` answers for itself only with grants from above it (R19).

    Grants made on the page itself are for the Protokolle under it: they still allow adding a
    Protokoll (``can_add_subpage``) and, with publish, creating it published
    (``can_publish_subpage``); everything that acts on the ``GremiumPage`` itself is judged by
    ``self.page_itself``, a tester holding the inherited grants only.
    """

    def __init__(self, user, page) -> None:
        super().__init__(user, page)
        self.page_itself = RecordPermissionTester(user, page)
        if hasattr(self, "permissions"):  # active non-superusers
            self.page_itself.permissions = {
                perm.permission.codename.rsplit("_", maxsplit=1)[0]
                for perm in self.permission_policy.get_cached_permissions_for_user(user)
                if page.path.startswith(perm.page.path) and page.path != perm.page.path
            }

    def can_edit(self) -> bool:
        return self.page_itself.can_edit()

    def can_delete(self, ignore_bulk=False) -> bool:
        return self.page_itself.can_delete(ignore_bulk=ignore_bulk)

    def can_unpublish(self) -> bool:
        return self.page_itself.can_unpublish()

    def can_publish(self) -> bool:
        return self.page_itself.can_publish()

    def can_set_view_restrictions(self) -> bool:
        return self.page_itself.can_set_view_restrictions()

    def can_unschedule(self) -> bool:
        return self.page_itself.can_unschedule()

    def can_lock(self) -> bool:
        return self.page_itself.can_lock()

    def can_unlock(self) -> bool:
        return self.page_itself.can_unlock()

    def can_reorder_children(self) -> bool:
        return self.page_itself.can_reorder_children()

    def can_move(self) -> bool:
        return self.page_itself.can_move()

    def can_copy(self) -> bool:
        return self.page_itself.can_copy()

    def can_move_to(self, destination) -> bool:
        return self.page_itself.can_move_to(destination)

    def can_copy_to(self, destination, recursive=False) -> bool:
        return self.page_itself.can_copy_to(destination, recursive=recursive)


def register_body_page_tester() -> None:
    """Called from ``WorkflowConfig.ready`` through om_pages' hook point (``om_pages.extension``)."""
    register_permission_tester(GremiumPage, GremiumPagePermissionTester)
