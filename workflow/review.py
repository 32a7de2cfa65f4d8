"""The deciders read what they decide (R1, R10, R11, R22).

Members of the bodies in a Vorgang and the group itself open, without page edit rights:

* the **submitted version** (the Vorgang's pinned revision) rendered as the public would see it,
  through Wagtail's preview machinery (``revision.as_object()`` and ``make_preview_request``,
  as ``wagtail.admin.views.pages.revisions.RevisionsView`` does);
* the **files** attached in that revision, with links;
* the **difference** to the last decided revision, through Wagtail's compare machinery
  (the page's edit handler's ``get_comparison()``, as ``RevisionsCompareView`` does).

Every URL names a Vorgang, never a revision id: only pinned revisions are readable here, so
the views cannot be used to read an arbitrary revision. Who may: ``may_review``.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from modelcluster.models import get_all_child_relations
from wagtail.admin.views.generic.models import RevisionsCompareView
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.utils.decorators import xframe_options_sameorigin_override

from workflow.models import State, Vorgang
from workflow.permissions import Gremium, is_fachgruppe_member, user_bodies
from workflow.services import current_vorgang, possible_transitions
from workflow.steps import step_of

BERLIN = ZoneInfo("Europe/Berlin")

#: States whose pinned revision counts as decided (baseline of the comparison).
DECIDED_STATES = (State.BESCHLOSSEN, State.VEROEFFENTLICHT, State.ANERKANNT)

#: Bodies that may always read: the Leitungskreis (receives applications, settles conflicts,
#: R1, R20, R22) and the Redaktion (publishes what was decided, R10, R11).
ALWAYS_READING = {Gremium.LEITUNGSKREIS, Gremium.REDAKTION}


# --- who may read ----------------------------------------------------------------------------


def recorded_bodies(vorgang: Vorgang) -> set[str]:
    """The bodies that acted in, or were called by, a recorded step of the Vorgang."""
    bodies: set[str] = set()
    if vorgang.pk:
        machine = type(vorgang)
        for name in set(vorgang.eintraege.values_list("transition", flat=True)):
            meta = machine.transition_meta(name)
            if meta is not None:
                step = step_of(meta)
                bodies.add(step.actor)
                bodies.update(step.notify)
    return bodies


def participating_bodies(vorgang: Vorgang) -> set[str]:
    """Leitungskreis and Redaktion, the body at turn, and the bodies in the record."""
    bodies = set(ALWAYS_READING) | {vorgang.awaiting} | recorded_bodies(vorgang)
    return bodies - {Gremium.FACHGRUPPE, ""}


def _bodies_of(user) -> set[str]:
    """The user's bodies, remembered on the user object (one query per request)."""
    cached = getattr(user, "_om_review_bodies", None)
    if cached is None:
        cached = user._om_review_bodies = set(user_bodies(user))
    return cached


def may_review(user, vorgang: Vorgang) -> bool:
    """Body members taking part, Leitungskreis, Redaktion, superusers and the group's members."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    bodies = _bodies_of(user)
    if bodies & (ALWAYS_READING | {vorgang.awaiting}):
        return True
    if bodies and bodies & recorded_bodies(vorgang):
        return True
    return vorgang.page_id is not None and is_fachgruppe_member(user, vorgang.fachgruppe)


def may_see_record(user, vorgang: Vorgang) -> bool:
    """The Vorgang's inspect view and listing row: superusers, every body's members, the group."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or _bodies_of(user):
        return True
    return vorgang.page_id is not None and is_fachgruppe_member(user, vorgang.fachgruppe)


def readable_vorgaenge(user, queryset):
    """``may_see_record`` as a query: everything for bodies, the own groups' Vorgänge for members."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser or _bodies_of(user):
        return queryset
    return queryset.readable_by(user, _bodies_of(user))


def reviewable_vorgang(request, pk: int) -> Vorgang:
    """The Vorgang ``pk`` if the user may read it and it has a pinned revision of its own page."""
    vorgang = get_object_or_404(Vorgang.objects.select_related("revision", "revision__user"), pk=pk)
    if not may_review(request.user, vorgang):
        raise PermissionDenied("Sie dürfen diesen Vorgang nicht einsehen.")
    revision = vorgang.revision
    if vorgang.page_id is None or revision is None or not is_revision_of_page(revision, vorgang.page_id):
        raise Http404("Zu diesem Vorgang ist noch kein Stand eingereicht.")
    return vorgang


def is_revision_of_page(revision, page_id: int) -> bool:
    """A revision of that page (not of another page, nor of a snippet with the same id)."""
    return (revision.object_id == str(page_id)
            and revision.base_content_type_id == ContentType.objects.get_for_model(Page).pk)


# --- what is shown ---------------------------------------------------------------------------


def user_name(user) -> str:
    if user is None:
        return "unbekannt"
    return user.get_full_name() or user.get_username()


def stand_label(revision) -> str:
    """'Stand vom 29.11.2026, 13:26, von Erika Muster' (local time of the OM, Europe/Berlin)."""
    created = timezone.localtime(revision.created_at, BERLIN)
    return f"Stand vom {created:%d.%m.%Y, %H:%M}, von {user_name(revision.user)}"


def baseline_revision(vorgang: Vorgang):
    """The last decided revision before this Vorgang's: an earlier decided Vorgang's, else the live one."""
    earlier = Vorgang.objects.decided_before(vorgang, DECIDED_STATES)
    if earlier is not None:
        return earlier.revision
    page = Page.objects.select_related("live_revision", "live_revision__user").get(pk=vorgang.page_id)
    if page.live and page.live_revision_id and page.live_revision_id != vorgang.revision_id:
        return page.live_revision
    return None


DOCUMENT_LINK = re.compile(r"<a\b[^>]*\blinktype=\"document\"[^>]*>")
LINK_ID = re.compile(r"\bid=\"(\d+)\"")


def _document_ids(obj, document_model) -> list[int]:
    ids = []
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model is document_model:
            value = getattr(obj, field.attname)
            if value:
                ids.append(value)
        elif isinstance(field, RichTextField):
            for link in DOCUMENT_LINK.findall(getattr(obj, field.attname) or ""):
                match = LINK_ID.search(link)
                if match:
                    ids.append(int(match.group(1)))
    return ids


def revision_documents(obj) -> list:
    """The documents the revision's object refers to: its fields, its inlines, its rich text."""
    document_model = get_document_model()
    ids = _document_ids(obj, document_model)
    for relation in get_all_child_relations(obj):
        for child in getattr(obj, relation.get_accessor_name()).all():
            ids += _document_ids(child, document_model)
    found = document_model.objects.in_bulk(set(ids))
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def review_context(vorgang: Vorgang, user, with_steps: bool = False) -> dict:
    """Links and labels for templates; ``with_steps``: also the user's possible steps (review pages)."""
    revision = vorgang.revision
    current = current_vorgang(vorgang.page) if with_steps and vorgang.page_id else None
    steps = (possible_transitions(current, user)
             if current is not None and current.pk == vorgang.pk else [])
    return {
        "vorgang": vorgang,
        "revision": revision,
        "stand": stand_label(revision),
        "review_url": reverse("workflow_review", args=(vorgang.pk,)),
        "render_url": reverse("workflow_review_render", args=(vorgang.pk,)),
        "compare_url": reverse("workflow_review_compare", args=(vorgang.pk,)),
        "inspect_url": reverse("vorgaenge:inspect", args=(vorgang.pk,)),
        "steps": steps,
    }


# --- views -----------------------------------------------------------------------------------


def review_view(request, pk: int):
    """The submitted version: label, files, links to the comparison and the steps, the rendering."""
    vorgang = reviewable_vorgang(request, pk)
    submitted = vorgang.revision.as_object()
    context = review_context(vorgang, request.user, with_steps=True)
    context.update({
        "page_title": submitted.title,
        "documents": revision_documents(submitted),
        "baseline": baseline_revision(vorgang),
    })
    return TemplateResponse(request, "workflow/review.html", context)


@xframe_options_sameorigin_override
def review_render_view(request, pk: int):
    """The pinned revision as the public would see it (Wagtail's preview of that revision)."""
    vorgang = reviewable_vorgang(request, pk)
    submitted = vorgang.revision.as_object()
    return submitted.make_preview_request(request, submitted.default_preview_mode)


class VorgangCompareView(RevisionsCompareView):
    """Wagtail's revision comparison, for the Vorgang's readers instead of the page's editors."""

    template_name = "workflow/review_compare.html"
    header_icon = "doc-empty-inverse"
    page_title = "Unterschied zum zuletzt beschlossenen Stand"

    def setup(self, request, pk, *args, **kwargs):
        super().setup(request, pk, "beschlossen", "eingereicht", *args, **kwargs)

    def get_object(self, queryset=None):
        self.vorgang = reviewable_vorgang(self.request, self.pk)
        self.baseline = baseline_revision(self.vorgang)
        return self.vorgang.page.specific

    def get_edit_handler(self):
        return self.object.get_edit_handler()

    def get_page_subtitle(self):
        return self.vorgang.page_title or self.object.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("vorgaenge:index"), "label": "Vorgänge"},
            {"url": reverse("vorgaenge:inspect", args=(self.vorgang.pk,)), "label": str(self.vorgang)},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def _get_revision_and_heading(self, revision_id):
        if revision_id == "eingereicht":
            return self.vorgang.revision.as_object(), f"Eingereicht: {stand_label(self.vorgang.revision)}"
        if self.baseline is None:
            return None, "Noch kein beschlossener Stand"
        return self.baseline.as_object(), f"Zuletzt beschlossen: {stand_label(self.baseline)}"

    def _get_comparison(self, revision_a, revision_b):
        if revision_a is None:
            return []
        return super()._get_comparison(revision_a, revision_b)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(review_context(self.vorgang, self.request.user, with_steps=True))
        context["baseline"] = self.baseline
        return context


def review_urls() -> list:
    """Admin URLs, registered by ``workflow/wagtail_hooks.py``; every one names a Vorgang only."""
    return [
        path("vorgaenge/<int:pk>/fassung/", review_view, name="workflow_review"),
        path("vorgaenge/<int:pk>/fassung/ansicht/", review_render_view, name="workflow_review_render"),
        path("vorgaenge/<int:pk>/vergleich/", VorgangCompareView.as_view(),
             name="workflow_review_compare"),
    ]

