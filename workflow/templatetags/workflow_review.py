"""Template tags for the readers of a Vorgang (R19).

Links to the submitted version, the editor's and the listing's status.
"""

from __future__ import annotations

from django import template
from wagtail.models import Page

from om_pages.models import FachgruppePage
from workflow.compliance_hooks import group_check_url
from workflow.compliance_views import can_view_group_report
from workflow.review import may_review, review_context, stand_label
from workflow.status import ListingStatus, editor_status

register = template.Library()


@register.inclusion_tag("workflow/includes/review_links.html", takes_context=True)
def vorgang_review_links(context, vorgang, compact=False):
    """'Stand vom …, von …' with links to the submitted version and the comparison (readers only)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if vorgang is None or not vorgang.pk or not vorgang.revision_id or not may_review(user, vorgang):
        return {"show": False}
    data = review_context(vorgang, user)
    data.update({"show": True, "compact": compact})
    return data


@register.inclusion_tag("workflow/includes/editor_status.html", takes_context=True)
def vorgang_editor_status(context, page):
    """The status side panel of the page editor: state, who acts next, draft vs. submitted."""
    request = context.get("request")
    if request is None or not isinstance(page, Page):
        return {"status": None}
    specific = page.specific
    status = editor_status(specific, request.user)
    data = {"status": status, "request": request}
    if isinstance(specific, FachgruppePage) and can_view_group_report(request.user, specific):
        # R1: the applicant sees the live check of the draft next to the editor.
        data["check_url"] = group_check_url(specific)
    if status is not None and status.vorgang is not None and status.vorgang.revision_id:
        data.update(review_context(status.vorgang, request.user))
    return data


@register.inclusion_tag("workflow/includes/listing_status.html", takes_context=True)
def vorgang_listing_status(context, page):
    """The Freigabe label in the page listing's status column (readers of the Vorgang only)."""
    request = context.get("request")
    if request is None:
        return {"vorgang": None}
    return {"vorgang": ListingStatus.for_request(request).vorgang_for(page)}


@register.filter
def stand(revision) -> str:
    """A revision as people name it: 'Stand vom 29.11.2026, 13:26, von …'."""
    return stand_label(revision) if revision is not None else ""
