"""Wagtail hooks of the Kriterien-Check: admin URLs, the Reports menu item, page buttons.

Imported by ``workflow/wagtail_hooks.py`` so that the approval-chain hooks stay in their own
module.
"""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button

from om_pages.models import FachgruppePage
from workflow import compliance_views as views
from workflow.querysets import own_fachgruppen

app_name = "workflow_compliance"
urlpatterns = [
    path("", views.ComplianceReportView.as_view(), name="report"),
    path("ergebnisse/", views.ComplianceReportView.as_view(results_only=True), name="report_results"),
    path("<int:pk>/", views.GroupComplianceView.as_view(), name="group"),
    path("<int:pk>/ergebnisse/", views.GroupComplianceView.as_view(results_only=True),
         name="group_results"),
]


@hooks.register("register_admin_urls")
def register_compliance_urls():
    return [path("kriterien-check/", include((urlpatterns, app_name), namespace=app_name))]


class ComplianceMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return views.can_view_compliance_report(request.user)


@hooks.register("register_reports_menu_item")
def register_compliance_menu_item():
    return ComplianceMenuItem("Kriterien-Check", reverse("workflow_compliance:report"),
                              name="kriterien-check", icon_name="tasks", order=100)


def group_check_url(page) -> str:
    """The group's Kriterien-Check; of the newest draft while the page has unpublished changes
    (an applicant's draft, R1: what the application would be checked against)."""
    url = reverse("workflow_compliance:group", args=[page.pk])
    return f"{url}?fassung=entwurf" if not page.live or page.has_unpublished_changes else url


def _group_button(page, user, priority: int):
    is_group = issubclass(page.specific_class or type(page), FachgruppePage)
    if is_group and views.can_view_group_report(user, page):
        draft = not page.live or page.has_unpublished_changes
        yield Button("Kriterien-Check (Entwurf)" if draft else "Kriterien-Check",
                     group_check_url(page), icon_name="tasks", priority=priority)


@hooks.register("register_page_header_buttons")
def compliance_page_header_button(page, user, view_name=None, next_url=None):
    """On a Fachgruppe's edit view and explorer header: the group's own Kriterien-Check."""
    yield from _group_button(page, user, priority=64)


@hooks.register("register_page_listing_more_buttons")
def compliance_page_listing_button(page, user, next_url=None):
    yield from _group_button(page, user, priority=64)


def own_groups(user):
    """The Fachgruppen the user belongs to (R19: the group maintains its own pages)."""
    if not user.is_authenticated or user.is_superuser or views.can_view_compliance_report(user):
        return []
    return list(own_fachgruppen(user).order_by("title"))


class OwnGroupsPanel(Component):
    """Dashboard: a Fachgruppe's editors reach their own pages and Kriterien-Check."""

    name = "eigene_fachgruppen"
    order = 60
    template_name = "workflow/compliance/panel_own_groups.html"

    def __init__(self, request) -> None:
        self.groups = own_groups(request.user)
        self.user_id = request.user.pk

    def get_context_data(self, parent_context):
        return {"groups": self.groups, "user_id": self.user_id}

    def render_html(self, parent_context=None) -> str:
        return super().render_html(parent_context) if self.groups else ""


@hooks.register("construct_homepage_panels")
def add_own_groups_panel(request, panels):
    panels.append(OwnGroupsPanel(request))
