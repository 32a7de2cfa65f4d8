"""Admin of „Fachgruppe gründen“ (R1, R19): the form, the menu item and the dashboard panel.

The rules and the act are in ``workflow.founding``; this module only asks and answers. Imported
by ``workflow/wagtail_hooks.py`` so that its hooks register.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from workflow.founding import found_group, founding_problems, name_problems


class FoundingForm(forms.Form):
    title = forms.CharField(
        label="Name der Fachgruppe", max_length=255,
        help_text="Das Thema muss im Namen erkennbar sein (R2), "
                  "z. B. „Fachgruppe Arbeitsschutz im Handwerk“.")
    topic_area = forms.CharField(
        label="Themenbereich", max_length=255,
        help_text="Nur eine Fachgruppe je Themenbereich (R17).")
    summary = forms.CharField(label="Kurzbeschreibung", required=False, widget=forms.Textarea(
        attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for field, problems in name_problems(data["title"], data["topic_area"]).items():
            for problem in problems:
                self.add_error(field, problem)
        return data


def founding_view(request):
    """GET: the form (or why the user may not found a group); POST: found it, then the editor."""
    problems = founding_problems(request.user)
    if problems:  # refused on the server, GET and POST alike, with the German reason
        return TemplateResponse(request, "workflow/refused.html",
                                {"title": "Fachgruppe gründen", "problems": problems}, status=403)
    form = FoundingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                page = found_group(request.user, form.cleaned_data["title"],
                                   form.cleaned_data["topic_area"], form.cleaned_data["summary"])
            except PermissionDenied as exc:  # a second tab founded a group meanwhile
                return TemplateResponse(request, "workflow/refused.html", {
                    "title": "Fachgruppe gründen", "problems": [str(exc)]}, status=403)
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, (
                    f"Die Fachgruppe „{page.title}“ ist als Entwurf angelegt; Sie bearbeiten sie als "
                    "Koordination. Tragen Sie Ziele, Vorgehensweise, Moderation und die beteiligten "
                    "Organisationen ein; der Kriterien-Check (Fassung: neuester Entwurf) zeigt, was "
                    "noch fehlt. Danach: „Anerkennung beantragen“ im Aktionsmenü unten (R1)."))
                return redirect("wagtailadmin_pages:edit", page.pk)
        status = 400
    return TemplateResponse(request, "workflow/founding_form.html", {"form": form}, status=status)


def admin_urls():
    return [path("fachgruppe-gruenden/", founding_view, name="workflow_founding")]


@hooks.register("register_admin_urls")
def register_founding_urls():
    return admin_urls()


class FoundingMenuItem(MenuItem):
    """Shown only to those who may found a group now (a partner's person without a group)."""

    def is_shown(self, request) -> bool:
        return not founding_problems(request.user)


@hooks.register("register_admin_menu_item")
def register_founding_menu_item():
    return FoundingMenuItem("Fachgruppe gründen", reverse("workflow_founding"),
                            name="fachgruppe-gruenden", icon_name="group", order=250)


class FoundingPanel(Component):
    """Dashboard: invites a partner's person without a group to found one (R1)."""

    name = "fachgruppe_gruenden"
    order = 55
    template_name = "workflow/founding_panel.html"

    def __init__(self, request) -> None:
        self.shown = not founding_problems(request.user)

    def render_html(self, parent_context=None) -> str:
        return super().render_html(parent_context) if self.shown else ""


@hooks.register("construct_homepage_panels")
def add_founding_panel(request, panels):
    panels.append(FoundingPanel(request))
