"""Admin integration with Wagtail's own means: action menu, listing, panel, history (top layer)."""

from __future__ import annotations

from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem

# These register themselves: the Kriterien-Check; deciding bodies read the files of their
# Vorgänge (R19); the invitation to a Sitzung and „Protokoll entwerfen“ (R19, R24).
# „Fachgruppe gründen“ and the group's „Bearbeitende“ (R1, R19); conflicts between groups with
# their record in the groups' histories (R20).
from workflow import (  # noqa: F401
    compliance_hooks,
    files,
    founding_admin,
    invitation_hooks,
    konflikt_hooks,
    minutes_admin,
    sharing_admin,
)
from workflow.editor_notice import submitted_draft_notice
from workflow.freeze import drop_frozen_overwrite
from workflow.publishing import GATED_PAGE_TYPES
from workflow.records import LOG_ACTION, VorgangLogFormatter
from workflow.review import review_urls
from workflow.services import current_vorgang, kind_for_page, possible_transitions
from workflow.sitzung_admin import SitzungViewSet
from workflow.steps import step_of
from workflow.subscription_admin import AbonnementViewSet
from workflow.views import VorgangViewSet, ZurEntscheidungPanel, admin_urls


class TransitionMenuItem(ActionMenuItem):
    """A link in the editor's action menu to the form of one step the user may take."""

    icon_name = "tasks"

    def __init__(self, page, transition, order: int, label: str = "") -> None:
        super().__init__(order=order)
        self.page = page
        self.transition = transition
        self.name = f"action-workflow-{transition.name}"
        self.label = label or step_of(transition).label

    def is_shown(self, context) -> bool:
        return True

    def get_url(self, parent_context) -> str:
        return reverse("workflow_transition", args=(self.page.pk, self.transition.name))


@hooks.register("construct_page_action_menu")
def add_transition_items(menu_items, request, context):
    page = context.get("page")
    if context.get("view") != "edit" or page is None:
        return
    page = page.specific
    if isinstance(page, GATED_PAGE_TYPES):
        # Wagtail's own moderation is not used for these page types (one source of truth).
        menu_items[:] = [item for item in menu_items if item.name != "action-submit"]
    if kind_for_page(page) is None:
        return
    vorgang = current_vorgang(page)
    for i, transition in enumerate(possible_transitions(vorgang, request.user)):
        step = step_of(transition)
        if step.final:
            if vorgang.pk is None:
                continue  # nothing submitted yet: nothing to withdraw
            # A final step sits apart at the end of the menu, named as final.
            menu_items.append(TransitionMenuItem(page, transition, order=900,
                                                 label=f"{step.label} (endgültig) …"))
            continue
        menu_items.append(TransitionMenuItem(page, transition, order=200 + i))


@hooks.register("register_admin_urls")
def register_workflow_urls():
    return admin_urls()


@hooks.register("register_admin_urls")
def register_review_urls():
    """The submitted version, its files and the comparison, for the Vorgang's readers (R10, R11, R19)."""
    return review_urls()


@hooks.register("register_admin_viewset")
def register_vorgang_viewset():
    return VorgangViewSet()


@hooks.register("register_admin_viewset")
def register_abonnement_viewset():
    """The Redaktion's read-only list of subscriptions (R14, issue 16)."""
    return AbonnementViewSet()


@hooks.register("register_admin_viewset")
def register_sitzung_viewset():
    """Sitzungen: plan, agenda, held, the decisions per TOP (R1, R10, R11, R18, R24)."""
    return SitzungViewSet()


@hooks.register("construct_homepage_panels")
def add_zur_entscheidung_panel(request, panels):
    panels.append(ZurEntscheidungPanel(request))


@hooks.register("register_log_actions")
def register_vorgang_log_action(actions):
    actions.register_action(LOG_ACTION)(VorgangLogFormatter)


@hooks.register("before_edit_page")
def keep_submitted_revision(request, page):
    """R10, R11: an edit (or autosave) of a submitted page never overwrites the pinned revision."""
    drop_frozen_overwrite(request, page)


@hooks.register("after_edit_page")
def say_draft_is_not_submitted(request, page):
    """R10, R11: after a save, say plainly that the new draft is not what is being decided."""
    if "application/json" in request.headers.get("Accept", ""):
        return  # autosave: the side panel says it (no message pile-up)
    notice = submitted_draft_notice(page)
    if notice:
        messages.warning(request, notice)


@hooks.register("insert_global_admin_css")
def workflow_admin_css():
    """The record and the dashboard panel stack into cards on a phone."""
    return format_html('<link rel="stylesheet" href="{}">', static("workflow/admin.css"))
