"""The vocabulary of the approval chains: machines, states, bodies, routing (bottom layer).

Imports nothing of ``workflow``; every other module of the app may import it. The bodies
that keep Protokolle (Leitungskreis, AG Transfer, Plenum) take their values from om_pages'
``GremiumKind``, so a step's deciding Protokoll and the ``GremiumPage`` it belongs to are
named by one vocabulary (R1, R10, R11).
"""

from __future__ import annotations

from django.db import models

from om_pages.models import GremiumKind


class Kind(models.TextChoices):
    ANERKENNUNG = "anerkennung", "Anerkennung einer Fachgruppe"
    PRODUKT = "produkt", "Produktfreigabe"
    VERANSTALTUNG = "veranstaltung", "Veranstaltungsfreigabe"


class State(models.TextChoices):
    """The states of all three machines (each machine uses its own subset)."""

    ENTWURF = "entwurf", "Entwurf"
    BEIM_LEITUNGSKREIS = "beim_leitungskreis", "Beim Leitungskreis"
    IN_AG_TRANSFER = "in_ag_transfer", "In der AG Transfer"
    IM_PLENUM = "im_plenum", "Im Plenum"
    ANERKANNT = "anerkannt", "Anerkannt"
    ABGELEHNT = "abgelehnt", "Abgelehnt"
    ABERKENNUNG_VORGESCHLAGEN = "aberkennung_vorgeschlagen", "Aberkennung vorgeschlagen"
    ABERKANNT = "aberkannt", "Aberkannt"
    AUFGELOEST = "aufgeloest", "Aufgelöst"
    BESCHLOSSEN = "beschlossen", "Beschlossen"
    VEROEFFENTLICHT = "veroeffentlicht", "Veröffentlicht"
    ZURUECKGEZOGEN = "zurueckgezogen", "Zurückgezogen"


class Gremium(models.TextChoices):
    """The bodies that act in the approval chains; the Fachgruppe itself acts too.

    The three bodies with Protokolle share their values with ``om_pages.GremiumKind``.
    """

    FACHGRUPPE = "fachgruppe", "Fachgruppe"
    LEITUNGSKREIS = GremiumKind.LEITUNGSKREIS.value, GremiumKind.LEITUNGSKREIS.label
    AG_TRANSFER = GremiumKind.AG_TRANSFER.value, GremiumKind.AG_TRANSFER.label
    PLENUM = GremiumKind.PLENUM.value, GremiumKind.PLENUM.label
    REDAKTION = "redaktion", "Redaktion"


S = State
G = Gremium

#: Who must act next, per machine and state (drives the listing filter, dashboard and e-mail).
AWAITING: dict[str, dict[str, str]] = {
    Kind.ANERKENNUNG: {
        S.ENTWURF: G.FACHGRUPPE, S.BEIM_LEITUNGSKREIS: G.LEITUNGSKREIS,
        S.IN_AG_TRANSFER: G.AG_TRANSFER, S.IM_PLENUM: G.PLENUM,
        S.ABERKENNUNG_VORGESCHLAGEN: G.PLENUM,
    },
    Kind.PRODUKT: {
        S.ENTWURF: G.FACHGRUPPE, S.IN_AG_TRANSFER: G.AG_TRANSFER, S.IM_PLENUM: G.PLENUM,
        S.BESCHLOSSEN: G.REDAKTION,
    },
    Kind.VERANSTALTUNG: {
        S.ENTWURF: G.FACHGRUPPE, S.IN_AG_TRANSFER: G.AG_TRANSFER, S.IM_PLENUM: G.PLENUM,
        S.BESCHLOSSEN: G.REDAKTION,
    },
}

#: States after which a new Vorgang is needed for the page.
FINAL_STATES = {S.ABGELEHNT, S.ABERKANNT, S.AUFGELOEST, S.VEROEFFENTLICHT, S.ZURUECKGEZOGEN}
#: States in which a pinned revision may be live (R10, R11).
APPROVED_STATES = (S.BESCHLOSSEN, S.VEROEFFENTLICHT)
#: States of a recognised Fachgruppe (R1); a pending withdrawal does not end it yet (R22).
RECOGNISED_STATES = (S.ANERKANNT, S.ABERKENNUNG_VORGESCHLAGEN)
#: Latest Anerkennung states that free the group's topic again (R17, R21, R22).
ENDED_STATES = (S.ABGELEHNT, S.ABERKANNT, S.AUFGELOEST)

#: The checklist the AG Transfer confirms when it approves a Produkt or Veranstaltung, and
#: when it proposes a group to the Plenum for recognition (R1, issue 14).
CHECKLIST: dict[str, str] = {
    "R6": "Im Konsens der Partner der OM und der Fachgruppe erarbeitet (R6).",
    "R8": "Wirbt nicht für kommerzielle Produkte oder Dienstleistungen (R8).",
    "R9": "Steht nicht in Konkurrenz zu Angeboten der Partner (R9).",
    "R15": "Baut keine Förderstrukturen auf, die mit der Stiftung der OM konkurrieren (R15).",
    "R23": "Die Fachgruppe handelt in eigener Verantwortung innerhalb dieses Rahmens (R23).",
}

#: The order in which menus and diagrams list the steps.
TRANSITION_ORDER = {name: i for i, name in enumerate([
    "beantragen", "einreichen", "ohne_zustimmung_freigeben", "lk_weiterleiten",
    "lk_zurueckverweisen", "ag_vorschlagen", "ag_zurueckverweisen", "ag_zustimmen",
    "ag_an_plenum_verweisen", "ag_ablehnen", "plenum_anerkennen", "plenum_beschliessen",
    "plenum_zustimmen", "plenum_ablehnen", "veroeffentlichen", "zurueckziehen",
    "aberkennung_vorschlagen", "plenum_aberkennen", "plenum_aberkennung_ablehnen",
    "aufloesung_bekanntgeben", "themenwechsel_bekanntgeben",
])}
