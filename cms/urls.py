"""URL routes: admin, documents, search, then Wagtail's page tree."""

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from om_pages import admin_visibility  # page-types report without others' drafts
from om_pages import urls as om_pages_urls  # public feeds
from search import urls as search_urls
from workflow import (
    public_sitzungen,  # a Sitzung's public page (R19)
    subscription_views,  # subscriptions by e-mail (R14, issue 16)
)

urlpatterns = [
    # Wagtail's page-types report, limited to the pages the user may see (R19);
    # before the admin's own route to the same paths
    path("admin/reports/", include(admin_visibility.urlpatterns)),
    path("admin/", include(wagtailadmin_urls)),
    path("dokumente/", include(wagtaildocs_urls)),
    path("", include(search_urls)),
    # Atom and iCal feeds (before Wagtail's page catch-all)
    path("", include(om_pages_urls)),
    # a Sitzung's public page, addressed by its calendar UID (not the guessable pk)
    path("sitzungen/<uuid:uid>/", public_sitzungen.sitzung_detail, name="sitzung_public"),
    # subscriptions by e-mail: subscribe, confirm, unsubscribe (R14)
    path("abo/", include(subscription_views)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
