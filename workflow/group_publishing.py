"""Only a group that was recognised has a public page (R1, R22, R26).

The issue: the Redaktion published the page of a group that was never recognised, and it
appeared among the Fachgruppen of the OM. As for Produkte and Veranstaltungen
(``workflow.publishing``), two layers, so no path publishes such a page:

1. The permission tester of ``FachgruppePage`` answers ``can_publish()`` with *no* for every
   user (also superusers) while the group was never recognised: the publish button, bulk
   publish, scheduling and "revert and publish" ask it.
2. A ``pre_save`` guard refuses to store a ``FachgruppePage`` that goes live, or gets a new
   live revision, while the group was never recognised (``revision.publish()`` in code,
   scheduled publishing, copying "keep live").

A recognised group publishes as before; the page of a withdrawn (R22) or dissolved (R21)
group may stay or be republished as an archive: it was recognised once, and the page then
says how its recognition ended.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from wagtail.actions.publish_page_revision import PublishPagePermissionError
from wagtail.models import Page

from om_pages.extension import group_status, register_permission_tester
from om_pages.models import FachgruppePage
from om_pages.records import RecordPermissionTester
from workflow.publishing import writes_live

MESSAGE = ("Die Seite einer Gruppe, die nie vom Plenum als Fachgruppe anerkannt wurde, kann "
           "nicht veröffentlicht werden (R1, R26): Sie erscheint erst nach der Anerkennung.")


def may_publish_group(page) -> bool:
    """R1, R26: the group is recognised now or was once (withdrawn, dissolved)."""
    return group_status(page).was_recognised


class RecognisedGroupPermissionTester(RecordPermissionTester):
    """The record tester (R21, R22), publishing only for groups that were recognised."""

    def can_publish(self) -> bool:
        return super().can_publish() and may_publish_group(self.page)


def register_group_tester() -> None:
    """Called from ``WorkflowConfig.ready`` through om_pages' hook point."""
    register_permission_tester(FachgruppePage, RecognisedGroupPermissionTester)


def is_group_page(instance) -> bool:
    """A FachgruppePage, also when saved through a plain ``Page`` instance."""
    if isinstance(instance, FachgruppePage):
        return True
    if type(instance) is not Page or instance.content_type_id is None:
        return False
    return instance.content_type_id == ContentType.objects.get_for_model(FachgruppePage).pk


def publishes(instance, update_fields) -> bool:
    """The save makes the page live or gives it another live revision."""
    if not instance.live or not writes_live(update_fields):
        return False
    if instance.pk is None:
        return True
    stored = Page.objects.filter(pk=instance.pk).values("live", "live_revision_id").first()
    return stored is None or not stored["live"] or stored["live_revision_id"] != instance.live_revision_id


def guard_group_publication(sender, instance, **kwargs) -> None:
    """pre_save: refuse publishing the page of a group never recognised (raw loads pass)."""
    if kwargs.get("raw") or not is_group_page(instance):
        return
    if publishes(instance, kwargs.get("update_fields")) and not may_publish_group(instance):
        raise PublishPagePermissionError(MESSAGE)
