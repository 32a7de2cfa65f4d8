"""The group sees where it stands (R1, R10, R11, R19).

What the page editor's status side panel and the page listing say about a page's Vorgang:
its state, who acts next, and whether the current draft is the submitted one. Only readers
of the Vorgang (``workflow.review.may_review``) see it; another group's editor sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.models import Kind, State, Vorgang
from workflow.permissions import is_fachgruppe_member, user_bodies
from workflow.querysets import KIND_FOR_PAGE, kind_for_page
from workflow.review import may_review, stand_label

#: States of a recognition after which the group maintains its page itself (R19, R23):
#: a newer draft is not waiting for a decision there.
RECOGNITION_SETTLED = {State.ANERKANNT, State.ABERKENNUNG_VORGESCHLAGEN, State.ABERKANNT,
                       State.AUFGELOEST}
#: States in which the chain is still running (the pinned revision is being decided).
RUNNING = {State.BEIM_LEITUNGSKREIS, State.IN_AG_TRANSFER, State.IM_PLENUM}

SUBMIT_LABEL = {
    Kind.ANERKENNUNG: "Anerkennung beantragen",
    Kind.PRODUKT: "Zur Beratung in der AG Transfer einreichen",
    Kind.VERANSTALTUNG: "Zur Zustimmung in der AG Transfer einreichen",
}


@dataclass
class EditorStatus:
    vorgang: Vorgang | None
    submitted: str = ""  # "Stand vom …" of the pinned revision
    draft_is_submitted: bool = False
    draft_is_newer: bool = False
    advice: str = ""


def latest_vorgang(page) -> Vorgang | None:
    """The page's newest Vorgang of its kind (also a finished one), or None."""
    if page.pk is None or kind_for_page(page) is None:
        return None
    return Vorgang.objects.select_related("revision", "revision__user").latest_of_page(page)


def resubmit_advice(vorgang: Vorgang) -> str:
    """How a newer draft gets decided, in the Vorgang's state."""
    submit = f"„{SUBMIT_LABEL[vorgang.kind]}“ im Aktionsmenü unten"
    if vorgang.state == State.ENTWURF:
        return f"um sie beraten zu lassen, reichen Sie sie erneut ein ({submit})."
    if vorgang.state in RUNNING:
        withdraw = (" oder ziehen Sie den Vorgang zurück („Zurückziehen“)"
                    if vorgang.kind != Kind.ANERKENNUNG else "")
        return ("um sie beraten zu lassen, warten Sie die Entscheidung über den eingereichten Stand "
                f"ab{withdraw} und reichen Sie sie danach erneut ein ({submit}).")
    if vorgang.state == State.BESCHLOSSEN:
        return ("um sie beraten zu lassen, reichen Sie sie nach der Veröffentlichung des beschlossenen "
                f"Stands durch die Redaktion erneut ein ({submit}).")
    return f"um sie beraten zu lassen, reichen Sie sie erneut ein ({submit})."


def editor_status(page, user) -> EditorStatus | None:
    """What the page editor shows, or None (other page types, or a user who may not read it)."""
    if kind_for_page(page) is None or page.pk is None:
        return None
    vorgang = latest_vorgang(page)
    if vorgang is None:
        unsaved = Vorgang.objects.current_for(page)
        if not (user_bodies(user) or is_fachgruppe_member(user, unsaved.fachgruppe)):
            return None
        label = SUBMIT_LABEL[unsaved.kind]
        return EditorStatus(vorgang=None, advice=(
            f"Noch nicht eingereicht; zur Entscheidung: „{label}“ im Aktionsmenü unten."))
    if not may_review(user, vorgang):
        return None
    status = EditorStatus(vorgang=vorgang)
    if vorgang.revision_id is None:
        status.advice = f"Noch nicht eingereicht; zur Entscheidung: „{SUBMIT_LABEL[vorgang.kind]}“."
        return status
    status.submitted = stand_label(vorgang.revision)
    latest_id = type(page).objects.filter(pk=page.pk).values_list("latest_revision_id", flat=True).first()
    status.draft_is_submitted = latest_id == vorgang.revision_id
    settled = vorgang.kind == Kind.ANERKENNUNG and vorgang.state in RECOGNITION_SETTLED
    status.draft_is_newer = not status.draft_is_submitted and not settled
    if status.draft_is_newer:
        status.advice = resubmit_advice(vorgang)
    return status


class ListingStatus:
    """The listing's labels, with the queries shared by all rows of one request."""

    def __init__(self, request) -> None:
        self.user = request.user
        self.by_parent: dict[str, dict[tuple[int, str], Vorgang]] = {}

    @classmethod
    def for_request(cls, request) -> ListingStatus:
        cache = getattr(request, "_om_listing_status", None)
        if cache is None:
            cache = request._om_listing_status = cls(request)
        return cache

    def _siblings(self, page) -> dict[tuple[int, str], Vorgang]:
        """The newest Vorgang of each page under the same parent (one query per parent)."""
        parent_path = page.path[:-page.steplen]
        if parent_path not in self.by_parent:
            latest: dict[tuple[int, str], Vorgang] = {}
            rows = (Vorgang.objects.filter(page__path__startswith=parent_path, page__depth=page.depth)
                    .select_related("page").order_by("-created_at", "-pk"))
            for vorgang in rows:
                latest.setdefault((vorgang.page_id, vorgang.kind), vorgang)
            self.by_parent[parent_path] = latest
        return self.by_parent[parent_path]

    def vorgang_for(self, page) -> Vorgang | None:
        kind = kind_for_page_class(page.specific_class)
        if kind is None:
            return None
        vorgang = self._siblings(page).get((page.pk, kind))
        if vorgang is None or not may_review(self.user, vorgang):
            return None
        return vorgang


def kind_for_page_class(model) -> str | None:
    return KIND_FOR_PAGE.get(model)
