"""What follows every step, as django-fsm-2 ``post_transition`` receivers (like DCWorkflow's
subscribers): the record of the decision and the group's access.

* ``record_transition`` writes an ``Eintrag`` per transition, mirrored in Wagtail's page history;
* ``update_access`` grants (R1, R19) or revokes (R21, R22) the group's own access where the
  step's ``Step.access`` says so.

Both run inside the transition, before the caller saves, so they are written in the same
database transaction as the new state: if the save loses a race (``ConcurrentTransition``),
the entry and the access change are rolled back with it.
"""

from __future__ import annotations

from wagtail.log_actions import LogFormatter, log

from workflow.access import grant_access, revoke_access
from workflow.choices import State
from workflow.digest import content_digest
from workflow.steps import Decision, step_of
from workflow.vorgang import Eintrag, Vorgang

LOG_ACTION = "om.vorgang"


def _taken(instance, kwargs) -> bool:
    return isinstance(instance, Vorgang) and kwargs.get("exception") is None


def record_transition(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    """post_transition receiver for every machine: the ``Eintrag`` of the step.

    The ``Decision`` and the ``user`` are the ones handed to the transition method; the entry
    is left on the Vorgang as ``recorded_entry`` for the caller (e-mail, answer), unsaved state
    and entry belonging together.
    """
    if not _taken(instance, kwargs):
        return None
    data = method_kwargs or {}
    user = data.get("user")
    decision = data.get("decision") or Decision()
    step = step_of(type(instance).transition_meta(name))
    votes = decision.votes or (None, None, None)
    entry = Eintrag.objects.create(
        vorgang=instance, transition=name, label=step.label,
        source=source, target=target,
        user=user if user is not None and user.is_authenticated else None,
        user_name=(user.get_full_name() or user.get_username()) if user is not None
        and user.is_authenticated else "System",
        comment=decision.recorded_comment(),
        tagesordnungspunkt=decision.top,
        sitzung=decision.top.sitzung if decision.top else None,
        protokoll=decision.top.sitzung.protokoll if decision.top else None,
        revision=instance.revision, revision_number=instance.revision_id,
        revision_digest=content_digest(instance.revision) if instance.revision_id else "",
        votes_yes=votes[0], votes_no=votes[1], votes_abstain=votes[2],
        checklist=decision.checklist or {},
    )
    instance.waiting_since = entry.created_at  # saved with the new state by the caller
    instance.recorded_entry = entry
    if instance.page_id is not None:
        log(
            instance=instance.page.specific, action=LOG_ACTION,
            user=entry.user,
            revision=instance.revision,
            data={
                "vorgang": instance.pk, "kind": instance.get_kind_display(), "label": entry.label,
                "source": str(State(source).label), "target": str(State(target).label),
                "comment": entry.comment,
                "sitzung": (f"{entry.sitzung}, TOP {decision.top.number}" if entry.sitzung_id
                            else ""),
                "votes": list(votes) if entry.has_votes else None,
                "checklist": sorted(entry.checklist),
                "revision": instance.revision_id,
            },
        )
    return entry


def update_access(sender, instance, name, source, target, **kwargs) -> None:
    """post_transition receiver: R19 access follows the step's ``Step.access``.

    Recognition (R1) grants the group its Wagtail group and collection; withdrawal (R22) and
    dissolution (R21) revoke every permission, while group, pages and record stay.
    """
    if not _taken(instance, kwargs):
        return
    access = step_of(type(instance).transition_meta(name)).access
    if access == "grant":
        grant_access(instance.fachgruppe)
    elif access == "revoke":
        revoke_access(instance.fachgruppe)


class VorgangLogFormatter(LogFormatter):
    """How a transition reads in the page history (DESIGN.md: shown there, never edited)."""

    label = "Freigabeverfahren"

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        try:
            message = (f"{data['kind']}: {data['label']} – {data['source']} → {data['target']}")
        except (KeyError, TypeError):
            return "Schritt im Freigabeverfahren"
        if data.get("sitzung"):
            message += f"; {data['sitzung']}"
        elif data.get("protokoll"):  # records made before the Sitzungen
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
