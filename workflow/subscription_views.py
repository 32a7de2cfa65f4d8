"""The public pages of the subscriptions (issue 16, R14): ``/abo/`` and its links.

| URL | what |
|---|---|
| ``/abo/`` | GET: the form (a saved search, a Fachgruppe, the Beschlüsse); POST: subscribe |
| ``/abo/angefordert/`` | the same answer for every address (no enumeration) |
| ``/abo/bestaetigen/<signed>/`` | the confirmation link of the mail (double opt-in) |
| ``/abo/abmelden/<token>/`` | GET: a page with a button (link scanners do not unsubscribe); |
| | POST: unsubscribe (RFC 8058 one-click, no CSRF token) |

The subscribe and unsubscribe POSTs are CSRF-exempt: there is no session or account whose
authority a forged request could borrow, the forms sit on cached public pages, and RFC 8058
requires the mail client's one-click POST to work without a token.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import Site

from om_pages.models import FachgruppePage
from om_pages.public import visible
from search.query import parse
from search.results import SORT_RELEVANCE
from search.views import read_filters
from workflow.subscriptions import (
    MAX_SEARCH_LENGTH,
    Abonnement,
    Art,
    BeschlussGremium,
    Haeufigkeit,
    confirm,
    from_confirmation_token,
    subscribe,
    unsubscribe,
)

SEARCH_PARAMS = ("q", "gruppe", "jahr", "typ", "von", "bis", "sort")


def canonical_search(params: QueryDict) -> tuple[str, list[str]]:
    """The saved search as a normalised query string, and German messages for what is wrong.

    Read by the search page's own ``read_filters`` and ``parse``, so the digest runs the same
    search; equal searches give equal strings (``om_notify`` runs each distinct one once).
    """
    parsed = parse(params.get("q", ""))
    filters, problems = read_filters(params)
    if not params.get("q", "").strip():
        return "", ["Bitte geben Sie einen Suchbegriff ein."]
    if not parsed.ok:
        return "", [parsed.error]
    values = {"q": parsed.normalized(), "gruppe": filters.gruppe, "jahr": filters.jahr,
              "typ": filters.typ, "von": filters.von.isoformat() if filters.von else None,
              "bis": filters.bis.isoformat() if filters.bis else None,
              "sort": filters.sort if filters.sort != SORT_RELEVANCE else None}
    return urlencode({k: v for k, v in values.items() if v}), problems


def public_groups():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return FachgruppePage.objects.none()
    return visible(FachgruppePage, site.root_page).order_by("title")


class AboForm(forms.Form):
    email = forms.EmailField(label="E-Mail-Adresse", max_length=254,
                             error_messages={"required": "Bitte geben Sie Ihre E-Mail-Adresse ein.",
                                             "invalid": "Bitte geben Sie eine gültige E-Mail-Adresse ein."})
    kind = forms.ChoiceField(label="Was möchten Sie abonnieren?", choices=Art.choices,
                             widget=forms.RadioSelect, initial=Art.BESCHLUESSE)
    fachgruppe = forms.ModelChoiceField(label="Fachgruppe", queryset=FachgruppePage.objects.none(),
                                        required=False, empty_label="– bitte wählen –")
    gremium = forms.ChoiceField(label="Beschlüsse von", choices=BeschlussGremium.choices,
                                required=False)
    frequency = forms.ChoiceField(label="Wie oft?", choices=Haeufigkeit.choices,
                                  widget=forms.RadioSelect, initial=Haeufigkeit.WOECHENTLICH)
    q = forms.CharField(label="Suchbegriff", required=False, max_length=1000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fachgruppe"].queryset = public_groups()
        self.search = ""

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Art.FACHGRUPPE and not data.get("fachgruppe"):
            self.add_error("fachgruppe", "Bitte wählen Sie eine Fachgruppe.")
        if kind == Art.SUCHE:
            self.search, problems = canonical_search(self.data)
            if len(self.search) > MAX_SEARCH_LENGTH:
                problems.append("Diese Suche ist zu lang, um sie zu abonnieren. Bitte kürzen Sie sie.")
            for problem in problems:
                self.add_error("q", problem)
        return data

    def candidate(self) -> Abonnement:
        data = self.cleaned_data
        kind = data["kind"]
        return Abonnement(
            email=data["email"], kind=kind, frequency=data["frequency"],
            search=self.search if kind == Art.SUCHE else "",
            fachgruppe=data["fachgruppe"] if kind == Art.FACHGRUPPE else None,
            gremium=(data.get("gremium") or "") if kind == Art.BESCHLUESSE else "")


@csrf_exempt
def abo(request: HttpRequest) -> HttpResponse:
    """The subscribe form; a valid POST always ends on the same page, whatever the address."""
    if request.method == "POST":
        form = AboForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    subscribe(form.candidate())
            except Exception:  # the mail server refused: nothing stored, the visitor may retry
                form.add_error(None, "Die Bestätigungs-E-Mail konnte gerade nicht versandt werden. "
                                     "Bitte versuchen Sie es später noch einmal.")
            else:
                return redirect("abo_angefordert")
        status = 400
    else:
        initial = {name: request.GET.get(name) for name in ("kind", "fachgruppe", "gremium", "frequency")
                   if request.GET.get(name)}
        if request.GET.get("q"):
            initial["kind"] = Art.SUCHE
        form, status = AboForm(initial=initial), 200
    params = request.POST if request.method == "POST" else request.GET
    hidden = [(name, params.get(name)) for name in SEARCH_PARAMS[1:] if params.get(name)]
    return TemplateResponse(request, "workflow/abo/abo.html",
                            {"form": form, "hidden": hidden, "query": params.get("q", "")},
                            status=status)


def angefordert(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "workflow/abo/angefordert.html", {})


@csrf_exempt
def bestaetigen(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a button), POST activates: mail providers' link scanners open every link of a
    mail, and would otherwise confirm a subscription its address never asked for. The signed
    link is the secret, so the POST needs no CSRF token."""
    abonnement = from_confirmation_token(token)
    if abonnement is None:
        return TemplateResponse(request, "workflow/abo/ungueltig.html", {}, status=404)
    if request.method == "POST" or abonnement.confirmed_at is not None:
        confirm(abonnement)
        return TemplateResponse(request, "workflow/abo/bestaetigt.html", {"abo": abonnement})
    return TemplateResponse(request, "workflow/abo/bestaetigen.html",
                            {"abo": abonnement, "token": token})


@csrf_exempt
def abmelden(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a button), POST unsubscribes: mail clients' one-click POST (RFC 8058) too."""
    abonnement = Abonnement.objects.filter(token=token).select_related("fachgruppe").first()
    if abonnement is None:
        return TemplateResponse(request, "workflow/abo/ungueltig.html", {}, status=404)
    if request.method == "POST":
        unsubscribe(abonnement)
        return TemplateResponse(request, "workflow/abo/abgemeldet.html", {"abo": abonnement})
    return TemplateResponse(request, "workflow/abo/abmelden.html", {"abo": abonnement})


urlpatterns = [
    path("", abo, name="abo"),
    path("angefordert/", angefordert, name="abo_angefordert"),
    path("bestaetigen/<str:token>/", bestaetigen, name="abo_bestaetigen"),
    path("abmelden/<str:token>/", abmelden, name="abo_abmelden"),
]
