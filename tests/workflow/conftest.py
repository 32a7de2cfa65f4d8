"""Shared helpers for the workflow tests: the demo's role users and Vorgänge in a given state."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from om_pages.models import FachgruppePage, GremiumPage, ProduktPage, ProtokollPage, VeranstaltungPage
from tests.workflow.mailserver import flaky, smtp_server  # noqa: F401 (fixtures: failing backend, SMTP)
from workflow.models import (
    CHECKLIST,
    MACHINES,
    Kind,
    Sitzung,
    SitzungState,
    Tagesordnungspunkt,
    TopKind,
)

#: role → demo username (None: anonymous); the item under test belongs to 'Gefährdungsbeurteilung'
ROLES = {
    "anonym": None,
    "fremde_fachgruppe": "fg-digitalisierung",
    "eigene_fachgruppe": "fg-gefaehrdung",
    "ag_transfer": "agtransfer",
    "plenum": "plenum",
    "leitungskreis": "leitungskreis",
    "redaktion": "redaktion",
    "superuser": "admin",
}
#: actor of a transition → roles allowed (superusers act for every body)
ALLOWED = {
    "nobody": {"superuser"},
    "fachgruppe": {"eigene_fachgruppe", "superuser"},
    "ag_transfer": {"ag_transfer", "superuser"},
    "plenum": {"plenum", "superuser"},
    "leitungskreis": {"leitungskreis", "superuser"},
    "redaktion": {"redaktion", "superuser"},
}

SUBJECTS = {
    Kind.ANERKENNUNG: (FachgruppePage, "gefaehrdungsbeurteilung"),
    Kind.PRODUKT: (ProduktPage, "leitfaden-gefaehrdungsbeurteilung-im-handwerk"),
    Kind.VERANSTALTUNG: (VeranstaltungPage, "praxisseminar-gefaehrdungsbeurteilung"),
}


#: The specification (R1, R10, R11, R21, R22), written out independently of the code:
#: who records each step. The matrix test fails if the code's permissions differ.
SPEC = {
    ("anerkennung", "beantragen"): "fachgruppe",
    ("anerkennung", "lk_weiterleiten"): "leitungskreis",
    ("anerkennung", "lk_zurueckverweisen"): "leitungskreis",
    ("anerkennung", "ag_vorschlagen"): "ag_transfer",
    ("anerkennung", "ag_zurueckverweisen"): "ag_transfer",
    ("anerkennung", "plenum_anerkennen"): "plenum",
    ("anerkennung", "plenum_ablehnen"): "plenum",
    ("anerkennung", "aberkennung_vorschlagen"): "leitungskreis",
    ("anerkennung", "plenum_aberkennen"): "plenum",
    ("anerkennung", "plenum_aberkennung_ablehnen"): "plenum",
    ("anerkennung", "aufloesung_bekanntgeben"): "ag_transfer",
    ("anerkennung", "themenwechsel_bekanntgeben"): "ag_transfer",  # R21 (issue 14)
    ("produkt", "einreichen"): "fachgruppe",
    ("produkt", "ag_zustimmen"): "ag_transfer",
    ("produkt", "ag_ablehnen"): "ag_transfer",
    ("produkt", "plenum_beschliessen"): "plenum",
    ("produkt", "plenum_ablehnen"): "plenum",
    ("produkt", "veroeffentlichen"): "redaktion",
    ("produkt", "zurueckziehen"): "fachgruppe",
    ("veranstaltung", "einreichen"): "fachgruppe",
    ("veranstaltung", "ohne_zustimmung_freigeben"): "fachgruppe",
    ("veranstaltung", "ag_zustimmen"): "ag_transfer",
    ("veranstaltung", "ag_an_plenum_verweisen"): "ag_transfer",
    ("veranstaltung", "ag_ablehnen"): "ag_transfer",
    ("veranstaltung", "plenum_zustimmen"): "plenum",
    ("veranstaltung", "plenum_ablehnen"): "plenum",
    ("veranstaltung", "veroeffentlichen"): "redaktion",
    ("veranstaltung", "zurueckziehen"): "fachgruppe",
}


def all_transitions() -> list[tuple[str, str, str, str]]:
    """(kind, name, first source, actor from SPEC) for every transition of every machine."""
    result = []
    for kind, machine in MACHINES.items():
        for t in machine.transitions():
            result.append((kind, t.name, t.source, SPEC.get((kind, t.name), "nobody")))
    return result


def user(username: str | None):
    return None if username is None else get_user_model().objects.get(username=username)


def subject_page(kind: str, name: str = ""):
    model, slug = SUBJECTS[kind]
    if name == "ohne_zustimmung_freigeben":
        slug = "erprobungsworkshop-checkliste"
    return model.objects.get(slug=slug)


def make_vorgang(kind: str, state: str, page=None, name: str = ""):
    """A fresh Vorgang of ``kind`` in ``state`` for the subject page (the newest, so the current)."""
    page = page or subject_page(kind, name)
    return MACHINES[kind].objects.create(page=page, page_title=page.title, state=state,
                                         revision=page.latest_revision)


def protokoll(kind: str) -> ProtokollPage:
    """The newest Protokoll filed under the body's page."""
    return ProtokollPage.objects.child_of(GremiumPage.objects.get(kind=kind)).order_by("-date").first()


def held_top(vorgang, body: str):
    """A TOP for ``vorgang`` in a Sitzung of ``body`` held just now (after the Vorgang arrived)."""
    sitzung = Sitzung.objects.create(gremium=body, starts_at=timezone.now(),
                                     state=SitzungState.GEHALTEN)
    return Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=0, kind=TopKind.VORGANG,
                                             vorgang=vorgang, title=vorgang.page_title)


def complete_decision(vorgang, name: str) -> dict:
    """Model-level kwargs for ``perform_transition`` that make the record complete."""
    custom = type(vorgang).transition_meta(name).custom
    data = {"comment": "Begründung laut Protokoll."}
    if custom["protokoll"]:
        if vorgang.pk is None:
            vorgang.save()
        data["top"] = held_top(vorgang, custom["protokoll"])
    if custom["votes"]:
        data["votes"] = (20, 3, 1) if custom["approves"] else (2, 20, 1)
    if custom["checklist"]:
        data["checklist"] = dict.fromkeys(CHECKLIST, True)
    return data


def form_data(vorgang, name: str) -> dict:
    """The same decision as POST data of the admin transition form."""
    data = complete_decision(vorgang, name)
    post = {"comment": data["comment"]}
    if "top" in data:
        post["top"] = data["top"].pk
    if "votes" in data:
        post["votes_yes"], post["votes_no"], post["votes_abstain"] = data["votes"]
    for rule in data.get("checklist", {}):
        post[f"check_{rule}"] = "on"
    if type(vorgang).transition_meta(name).custom.get("final"):
        post["confirm"] = "on"  # final steps ask for an explicit confirmation
    return post


@pytest.fixture
def users(demo_home):
    return {role: user(name) for role, name in ROLES.items()}
