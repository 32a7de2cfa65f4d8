"""What an editor sees of other groups in the admin (R19, R23).

A Fachgruppe maintains its own pages (R19) and decides on its own responsibility (R23): its
drafts are nobody else's business until published. Wagtail's page chooser and its "page types
usage" report list every page of the site, drafts included, to anyone with some page
permission. Here a user who is not a superuser sees

* every live page that is not below an unpublished page (what the public may see anyway,
  less view restrictions, which the admin shows to editors), and
* every page the user may edit (Wagtail's page permissions: change or publish, or add and
  owner).

The explorer, the admin page search and the per-type listing already show only a user's
explorable pages (``WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS``); the chooser is filtered
through ``construct_page_chooser_queryset``, the report by its subclass below, which
``cms/urls.py`` routes in place of Wagtail's (Wagtail has no hook for the report).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404
from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.models import Page
from wagtail.permissions import page_permission_policy


def sees_everything(user) -> bool:
    return bool(user.is_active and user.is_superuser)


def visible_page_q(user, prefix: str = "") -> Q:
    """The pages ``user`` may see in the admin, as a ``Q`` (``prefix`` for related lookups)."""
    hidden = Page.objects.filter(depth__gt=1, live=False, numchild__gt=0).values_list("path", flat=True)
    public = Q(**{f"{prefix}live": True})
    for hidden_path in hidden:
        public &= ~Q(**{f"{prefix}path__startswith": hidden_path})
    editable = page_permission_policy.instances_user_has_any_permission_for(user, {"change", "publish"})
    return public | Q(**{f"{prefix}pk__in": editable.values("pk")})


@hooks.register("construct_page_chooser_queryset")
def show_only_visible_pages_in_chooser(pages, request):
    if sees_everything(request.user):
        return pages
    visible = visible_page_q(request.user)
    # Browsing into a page by its id would show its title and its ancestors' as the header.
    match = request.resolver_match
    parent_id = match.kwargs.get("parent_page_id") if match else None
    if parent_id and not Page.objects.filter(visible, pk=parent_id).exists():
        raise Http404("Diese Seite gibt es nicht oder sie ist nicht sichtbar.")
    return pages.filter(visible)


class VisiblePageTypesUsageReportView(PageTypesUsageReportView):
    """Wagtail's report, counting and naming only the pages the user may see."""

    def get_queryset(self):
        if sees_everything(self.request.user):
            return super().get_queryset()
        queryset = ContentType.objects.filter(model__in=self.page_models)
        page_type = ContentType.objects.get_for_model(Page)
        if not Page.objects.filter(depth__gt=1, content_type=page_type).exists():
            queryset = queryset.exclude(pk=page_type.pk)  # as Wagtail: no row for unused Page
        self.queryset = queryset
        queryset = self.filter_queryset(queryset)
        language_code = self.filters.form.cleaned_data.get("page_locale", None)
        site_root_path = self.filters.form.cleaned_data.get("site", None)

        latest = Page.objects.filter(visible_page_q(self.request.user), content_type=OuterRef("pk"))
        counted = visible_page_q(self.request.user, prefix="pages__")
        if language_code:
            latest = latest.filter(locale__language_code=language_code)
            counted &= Q(pages__locale__language_code=language_code)
        if site_root_path:
            latest = latest.filter(path__startswith=site_root_path)
            counted &= Q(pages__path__startswith=site_root_path)
        latest = latest.order_by(F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk")
        queryset = queryset.annotate(
            count=Count("pages", filter=counted, distinct=True),
            last_edited_page_id=Subquery(latest.values("pk")[:1]),
        )
        return queryset.order_by("-count", "app_label", "model")


def _admin_view(view):
    return never_cache(require_admin_access(view))


#: Included by ``cms/urls.py`` at ``admin/reports/`` before Wagtail's admin URLs.
urlpatterns = [
    path("page-types-usage/", _admin_view(VisiblePageTypesUsageReportView.as_view())),
    path("page-types-usage/results/",
         _admin_view(VisiblePageTypesUsageReportView.as_view(results_only=True))),
]
