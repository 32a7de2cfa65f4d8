"""What was decided is what is published (R10, R11; DESIGN.md "Approval chains").

Two layers, so that no path makes an undecided revision of a Produkt or Veranstaltung live:

1. The permission tester of these page types answers ``can_publish()`` with *no* for every
   user (also superusers): the editor's publish button, bulk publish, scheduling and the
   revisions "revert and publish" all ask it. Publishing happens only through the
   Redaktion's transition ``veroeffentlichen``, which publishes the pinned revision.
2. A ``pre_save`` guard on the page rows refuses to store a live page whose live revision
   is not the pinned revision of a decided Vorgang. Every publish in Wagtail ends in
   ``page.save()`` after setting ``live_revision`` (``PublishRevisionAction``), so this also
   covers ``revision.publish()`` in code, scheduled publishing and copying with "keep live".

The Redaktion publishes the decided revision now or at a time it names (``publish_decided``):
Wagtail stores that time as the revision's ``approved_go_live_at``, and ``publish_scheduled``
(``workflow/management/commands/publish_scheduled.py``) makes it live then; the guard lets it
through because it is the decided revision. A schedule the guard refuses is logged and skipped.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from wagtail.actions.publish_page_revision import PublishPagePermissionError, PublishPageRevisionAction
from wagtail.models import Page, Revision

from om_pages.extension import register_permission_tester
from om_pages.models import ProduktPage, VeranstaltungPage
from om_pages.records import RecordPermissionTester
from workflow.vorgang import Vorgang

GATED_PAGE_TYPES: tuple[type[Page], ...] = (ProduktPage, VeranstaltungPage)

MESSAGE = ("Nur ein beschlossener Stand darf veröffentlicht werden (R10, R11): "
           "die Redaktion veröffentlicht ihn über den Freigabe-Vorgang.")


class DecidedRevisionPermissionTester(RecordPermissionTester):
    """The record tester (R21, R22), minus direct publishing and Wagtail's own moderation."""

    def can_publish(self) -> bool:
        return False

    def can_submit_for_moderation(self) -> bool:
        return False

    def can_unschedule(self) -> bool:
        return self.user.is_active and self.user.is_superuser


def register_permission_testers() -> None:
    """Called from ``WorkflowConfig.ready``, through om_pages' hook point (``om_pages.extension``):
    om_pages knows nothing of the workflow (docs/architecture.md)."""
    for model in GATED_PAGE_TYPES:
        register_permission_tester(model, DecidedRevisionPermissionTester)


class PublishDecidedRevisionAction(PublishPageRevisionAction):
    """Wagtail's publish action with the Redaktion's time instead of the draft's ``go_live_at``.

    The pinned revision is frozen (``workflow.freeze``), so its content cannot carry the time;
    the action sets it on the page object built from the revision: ``None`` publishes now, a
    future time schedules (``approved_go_live_at``, the only revision field that may change).
    """

    def __init__(self, revision: Revision, go_live_at: datetime.datetime | None = None,
                 **kwargs) -> None:
        super().__init__(revision, **kwargs)
        self.object.go_live_at = go_live_at


def publish_decided(revision: Revision, user=None, go_live_at: datetime.datetime | None = None) -> None:
    """R10, R11: publish the decided revision now, or schedule it for ``go_live_at``."""
    PublishDecidedRevisionAction(revision, go_live_at=go_live_at, user=user).execute(
        skip_permission_checks=True)


def approved_revision_ids(page_id: int) -> set[int]:
    return Vorgang.objects.approved_revision_ids(page_id)


def is_gated(instance) -> bool:
    """A Produkt or Veranstaltung, also when saved through a plain ``Page`` instance."""
    if isinstance(instance, GATED_PAGE_TYPES):
        return True
    if not isinstance(instance, Page) or instance.content_type_id is None:
        return False
    gated = ContentType.objects.get_for_models(*GATED_PAGE_TYPES).values()
    return instance.content_type_id in {ct.pk for ct in gated}


def guard_live_revision(sender, instance, **kwargs) -> None:
    """pre_save: a live gated page must show a decided revision, or the save is refused.

    Raw saves (``loaddata`` in ``om_restore``) write back rows that were checked when they
    were first saved, so they pass; everything else is checked.
    """
    if kwargs.get("raw") or not instance.live or not is_gated(instance):
        return
    update_fields = kwargs.get("update_fields")
    # save_revision() stores draft pointers with update_fields from an object rebuilt from the
    # draft's JSON (stale live_revision): only a save that writes live/live_revision publishes.
    if writes_live(update_fields) and (
            instance.pk is None or instance.live_revision_id not in approved_revision_ids(instance.pk)):
        raise PublishPagePermissionError(MESSAGE)
    changed = changed_live_content(instance, update_fields)
    if changed:
        raise PublishPagePermissionError(
            "Der veröffentlichte Inhalt eines Produkts oder einer Veranstaltung ändert sich nur "
            "durch einen neuen Beschluss (R10, R11); bitte als Entwurf speichern. "
            f"Geändert: {', '.join(changed)}.")


LIVE_FIELDS = {"live", "live_revision", "live_revision_id"}


def writes_live(update_fields) -> bool:
    return update_fields is None or bool(LIVE_FIELDS & set(update_fields))


#: Page fields that are content (the rest is tree, revision and publishing bookkeeping).
PAGE_CONTENT_FIELDS = ("title", "slug", "seo_title", "search_description")


def changed_live_content(instance, update_fields) -> list[str]:
    """Content fields of a live gated page that differ from what is live in the database.

    A save that keeps the decided live revision must not change the live content directly
    (e.g. ``page.summary = ...; page.save()`` in a shell): edits go into revisions.
    """
    model = type(instance) if isinstance(instance, GATED_PAGE_TYPES) else Page
    names = list(PAGE_CONTENT_FIELDS) + [
        f.attname for f in model._meta.concrete_fields
        if model is not Page and f.model is model and not f.primary_key
    ]
    if update_fields is not None:
        names = [n for n in names if n in set(update_fields) or n.removesuffix("_id") in set(update_fields)]
    if not names:
        return []
    stored = model.objects.filter(pk=instance.pk).values("live_revision_id", *names).first()
    if stored is None:
        return []
    if writes_live(update_fields) and stored["live_revision_id"] != instance.live_revision_id:
        return []  # publishing another decided revision: its content comes from that revision
    return [n for n in names if getattr(instance, n) != stored[n]]
