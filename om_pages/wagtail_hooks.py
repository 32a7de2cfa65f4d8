"""Admin registration of the content snippets (Wagtail's snippet viewsets)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from om_pages.models import Organisation, Person


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisationen"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "kind", "is_om_partner", "parent"]
    list_filter = ["kind", "is_om_partner"]
    search_fields = ["name"]


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "Personen"
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["full_name", "organisation", "email"]
    search_fields = ["first_name", "last_name"]


register_snippet(OrganisationViewSet)
register_snippet(PersonViewSet)

# Records are never lost (R21, R22): hooks in om_pages/records_admin.py,
# rules in om_pages/records.py. No page is served below an unpublished page
# (om_pages/serving.py); other groups' drafts stay out of the chooser (om_pages/admin_visibility.py).
# Files follow the page they belong to (om_pages/file_hooks.py).
from om_pages import admin_visibility, file_hooks, records_admin, serving  # noqa: E402,F401
