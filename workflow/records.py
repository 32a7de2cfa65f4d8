"""The record of every decision: an ``Eintrag`` per transition, mirrored in Wagtail's page history.

Fed by django-fsm-2's ``post_transition`` (sent inside the transition, before the caller saves),
so it is written in the same database transaction as the new state: if the save loses a race
(``ConcurrentTransition``), the entry is rolled back with it.
"""

from __future__ import annotations

from wagtail.log_actions import LogFormatter, log

from workflow.digest import content_digest

LOG_ACTION = "om.vorgang"


def record_transition(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    """post_transition receiver for every machine."""
    from workflow.models import Eintrag, State, Vorgang

    if not isinstance(instance, Vorgang) or kwargs.get("exception") is not None:
        return
    data = method_kwargs or {}
    user = data.get("user")
    meta = type(instance).transition_meta(name)
    votes = data.get("votes") or (None, None, None)
    entry = Eintrag.objects.create(
        vorgang=instance, transition=name, label=meta.custom.get("label", name),
        source=source, target=target,
        user=user if user is not None and user.is_authenticated else None,
        user_name=(user.get_full_name() or user.get_username()) if user is not None
        and user.is_authenticated else "System",
        comment=data.get("comment") or "",
        protokoll=data.get("protokoll"),
        revision=instance.revision, revision_number=instance.revision_id,
        revision_digest=content_digest(instance.revision) if instance.revision_id else "",
        votes_yes=votes[0], votes_no=votes[1], votes_abstain=votes[2],
        checklist=data.get("checklist") or {},
    )
    instance.waiting_since = entry.created_at  # saved with the new state by the caller
    if instance.page_id is not None:
        log(
            instance=instance.page.specific, action=LOG_ACTION,
            user=entry.user,
            revision=instance.revision,
            data={
                "vorgang": instance.pk, "kind": instance.get_kind_display(), "label": entry.label,
                "source": str(State(source).label), "target": str(State(target).label),
                "comment": entry.comment,
                "protokoll": entry.protokoll.title if entry.protokoll else "",
                "votes": list(votes) if entry.has_votes else None,
                "checklist": sorted(entry.checklist),
                "revision": instance.revision_id,
            },
        )
    return entry


class VorgangLogFormatter(LogFormatter):
    """How a transition reads in the page history (DESIGN.md: shown there, never edited)."""

    label = "Freigabeverfahren"

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        try:
            message = (f"{data['kind']}: {data['label']} – {data['source']} → {data['target']}")
        except (KeyError, TypeError):
            return "Schritt im Freigabeverfahren"
        if data.get("protokoll"):
            message += f"; Protokoll: {data['protokoll']}"
        if data.get("votes"):
            yes, no, abstain = data["votes"]
            message += f"; Abstimmung: {yes} Ja, {no} Nein, {abstain} Enthaltungen"
        if data.get("checklist"):
            message += "; bestätigt: " + ", ".join(data["checklist"])
        if data.get("revision"):
            message += f"; Revision {data['revision']}"
        return message

    def format_comment(self, log_entry) -> str:
        return (log_entry.data or {}).get("comment", "")
