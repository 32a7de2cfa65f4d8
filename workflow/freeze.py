"""What was submitted can never change (R10, R11): pinned revisions are frozen, and fingerprinted.

A Vorgang pins the revision a group submitted; the bodies decide that revision and the Redaktion
publishes it. Wagtail rewrites a revision in place when the page editor posts
``overwrite_revision_id`` (the editor's autosave does so by itself), so without a guard the
decided text could be exchanged after the decision. Three layers keep it fixed:

1. ``guard_frozen_revision`` (``pre_save`` on ``Revision``) refuses every write to the content of
   a revision that a Vorgang or an Eintrag references, whatever the path (edit view, autosave,
   admin API, code). Only Wagtail's scheduling bookkeeping (``approved_go_live_at``) may change.
2. ``drop_frozen_overwrite`` (the ``before_edit_page`` hook) turns an edit that would overwrite
   a frozen revision into a new revision, so an editor who left the page open loses nothing.
3. ``workflow.digest.content_digest`` (SHA-256 of the serialised content) is recorded on the
   Vorgang at submission and on every Eintrag; the deciding steps and ``veroeffentlichen``
   verify it, which also catches a write that bypassed Django's signals (``QuerySet.update``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError, QuerySet
from wagtail.models import Revision

from workflow.models import Eintrag, Vorgang

FROZEN_MESSAGE = ("Dieser Stand wurde zur Entscheidung eingereicht und kann nicht mehr geändert "
                  "werden (R10, R11). Änderungen werden als neuer Entwurf gespeichert.")

#: Revision fields that are bookkeeping of Wagtail's scheduled publishing, not content.
MUTABLE_FIELDS = frozenset({"approved_go_live_at"})


def is_frozen(revision_id: int | None) -> bool:
    """A revision is frozen once a Vorgang pinned it or an Eintrag recorded it."""
    if revision_id is None:
        return False
    return (Vorgang.objects.pinning(revision_id).exists()
            or Eintrag.objects.filter(revision_id=revision_id).exists())




def guard_frozen_revision(sender, instance: Revision, raw: bool = False, update_fields=None,
                          **kwargs) -> None:
    """pre_save on Revision: no write to the content of a frozen revision.

    Raw saves (``loaddata`` in ``om_restore``) write back rows exactly as they were stored.
    """
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= MUTABLE_FIELDS:
        return
    if is_frozen(instance.pk):
        raise PermissionDenied(FROZEN_MESSAGE)


def guard_frozen_revision_delete(sender, instance: Revision, origin=None, **kwargs) -> None:
    """pre_delete on Revision: a frozen revision is deleted only with its page (superuser purge).

    ``purge_revisions`` deletes old revisions one by one and skips those raising
    ``ProtectedError``; deleting the page itself (``origin`` is the page) takes them along.
    """
    deleting_revisions = isinstance(origin, Revision) or (
        isinstance(origin, QuerySet) and origin.model is Revision)
    if deleting_revisions and is_frozen(instance.pk):
        raise ProtectedError("Eine eingereichte oder beschlossene Revision ist Teil der Akte und "
                             "wird nicht gelöscht (R10, R11).", {instance})


def drop_frozen_overwrite(request, page) -> None:
    """before_edit_page: an edit of a submitted page always makes a new revision.

    Wagtail's editor (and its autosave) asks to overwrite the latest revision when the same
    user wrote it. If that revision is frozen, the request goes on without the overwrite.
    """
    if request.method != "POST":
        return
    revision_id = request.POST.get("overwrite_revision_id")
    if not revision_id or not str(revision_id).isdigit():
        return
    revision = page.revisions.filter(pk=int(revision_id)).first()
    if revision is None or not is_frozen(revision.pk):
        return
    post = request.POST.copy()
    post.pop("overwrite_revision_id", None)
    # The client's content is based on the frozen revision it wrote: not an edit conflict.
    post["loaded_revision_id"] = str(revision.pk)
    post["loaded_revision_created_at"] = revision.created_at.isoformat()
    request.POST = post
