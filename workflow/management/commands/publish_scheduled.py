"""Wagtail's ``publish_scheduled``, which never stops at a refused page (R10, R11).

Wagtail's command publishes the due revisions one after another; the first one our gate
refuses (``workflow.publishing``: an undecided Produkt or Veranstaltung) raised out of the
loop, so every page due after it — a Protokoll too — stayed offline. This command publishes
each due revision on its own, in its own savepoint: a refused one is logged (warning, German)
and its schedule is dropped, so the next run does not refuse it again; the others go live.
Then Wagtail's own command runs unchanged: it unpublishes expired objects and publishes what
is still due (nothing, unless a revision became due in between). ``--dryrun`` is Wagtail's.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.management.commands import publish_scheduled
from wagtail.models import Revision

logger = logging.getLogger("workflow.publishing")

REFUSED = ("Geplante Veröffentlichung verweigert: „%s“ (Seite %s, Revision %s) ist kein "
           "beschlossener Stand (R10, R11). Die Planung wurde verworfen; die übrigen Seiten "
           "werden veröffentlicht. Grund: %s")


def due_revisions():
    """The revisions whose approved go-live time has passed, the earliest first (as Wagtail)."""
    return Revision.objects.filter(approved_go_live_at__lt=timezone.now()).order_by("approved_go_live_at")


def publish_due_revision(revision: Revision) -> bool:
    """Publish one due revision; on refusal log it, drop its schedule and answer False."""
    try:
        with transaction.atomic():
            revision.publish(log_action="wagtail.publish.scheduled")
    except PermissionDenied as refusal:
        Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
        logger.warning(REFUSED, revision.object_str, revision.object_id, revision.pk, refusal)
        return False
    return True


class Command(publish_scheduled.Command):
    help = ("Veröffentlicht geplante Seiten; eine verweigerte Seite (R10, R11) wird protokolliert "
            "und übersprungen.")

    def handle(self, *args, **options):
        if not options.get("dryrun"):
            for revision in list(due_revisions()):
                publish_due_revision(revision)
        return super().handle(*args, **options)
