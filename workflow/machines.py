"""The three approval chains as django-fsm-2 machines: proxies of ``Vorgang`` (R1, R10, R11, R21, R22).

One method per step; ``conditions`` are the guards (``workflow.guards``), ``permission`` is
the acting body (``workflow.permissions``), ``custom`` is the step's ``Step``. A method only
changes the Vorgang in memory (django-fsm-2: the caller saves); what follows a step — the
record, the group's access (R19), e-mail — is done by ``post_transition`` receivers
(``workflow.records``) and by ``workflow.services``.

Every method takes the acting ``user`` and the ``Decision``; the record receiver reads them
from django-fsm-2's ``method_kwargs``.
"""

from __future__ import annotations

from django_fsm import transition

from workflow import guards, publishing
from workflow.choices import Gremium as G
from workflow.choices import Kind
from workflow.choices import State as S
from workflow.permissions import (
    ag_transfer_permission,
    fachgruppe_permission,
    leitungskreis_permission,
    plenum_permission,
    redaktion_permission,
)
from workflow.steps import Step
from workflow.vorgang import MACHINES, Vorgang

AG, PL = G.AG_TRANSFER, G.PLENUM  # the bodies whose Protokolle record decisions

#: The AG Transfer's consent that puts an item before the Plenum (R10, R11).
AG_CONSENT_TO_PLENUM = Step(
    "Zustimmen und dem Plenum vorlegen", AG, protokoll=AG, checklist=True, notify=(PL,),
    minutes="Die AG Transfer stimmt {subject} zu ({checklist}) und legt {pronoun} dem Plenum vor.")


class Anerkennung(Vorgang):
    """R1 recognition, R22 withdrawal, R21 dissolution of a Fachgruppe."""

    KIND = Kind.ANERKENNUNG

    class Meta:
        proxy = True
        app_label = "workflow"
        verbose_name = "Anerkennung"
        verbose_name_plural = "Anerkennungen"

    @transition(field="state", source=S.ENTWURF, target=S.BEIM_LEITUNGSKREIS,
                conditions=[guards.application_ok], permission=fachgruppe_permission,
                custom=Step("Anerkennung beantragen", G.FACHGRUPPE, notify=(G.LEITUNGSKREIS,)))
    def beantragen(self, user=None, decision=None) -> None:
        """R1: the group applies to the Leitungskreis; R2-R5, R17 must hold."""
        self.pin_revision()

    @transition(field="state", source=S.BEIM_LEITUNGSKREIS, target=S.IN_AG_TRANSFER,
                conditions=[guards.revision_intact], permission=leitungskreis_permission,
                custom=Step("In der AG Transfer vorstellen", G.LEITUNGSKREIS, notify=(AG,)))
    def lk_weiterleiten(self, user=None, decision=None) -> None:
        """R1: the application is presented in the AG Transfer."""

    @transition(field="state", source=S.BEIM_LEITUNGSKREIS, target=S.ENTWURF,
                permission=leitungskreis_permission,
                custom=Step("Zur Überarbeitung zurückgeben", G.LEITUNGSKREIS, reasons=True))
    def lk_zurueckverweisen(self, user=None, decision=None) -> None:
        """R1: the Leitungskreis returns the application, with its reasons."""

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.IM_PLENUM,
                conditions=[guards.revision_intact], permission=ag_transfer_permission,
                custom=Step("Dem Plenum zur Anerkennung vorschlagen", AG, protokoll=AG,
                            checklist=True, notify=(PL, G.LEITUNGSKREIS),
                            minutes="Die AG Transfer schlägt dem Plenum vor, {object} "
                                    "anzuerkennen (R1; {checklist})."))
    def ag_vorschlagen(self, user=None, decision=None) -> None:
        """R1: on the proposal of AG Transfer and Leitungskreis the group goes to the Plenum;
        the AG Transfer confirms the same checklist as for products (R6, R8, R9, R15, R23)."""

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.ENTWURF,
                permission=ag_transfer_permission,
                custom=Step("Zur Überarbeitung zurückgeben", AG, protokoll=AG, reasons=True,
                            minutes="Die AG Transfer gibt den Antrag {genitive} auf Anerkennung "
                                    "zur Überarbeitung zurück (R1). {reasons}"))
    def ag_zurueckverweisen(self, user=None, decision=None) -> None:
        """R1: the AG Transfer returns the application, with its reasons."""

    @transition(field="state", source=S.IM_PLENUM, target=S.ANERKANNT,
                conditions=[guards.revision_intact], permission=plenum_permission,
                custom=Step("Anerkennen (Plenumsbeschluss)", PL, protokoll=PL, votes=True,
                            approves=True, access="grant",
                            minutes="Das Plenum erkennt {object} an (R1). {votes}."))
    def plenum_anerkennen(self, user=None, decision=None) -> None:
        """R1 recognition; R19: the group gets its own access and collection (``access``)."""

    @transition(field="state", source=S.IM_PLENUM, target=S.ABGELEHNT,
                permission=plenum_permission,
                custom=Step("Ablehnen (Plenumsbeschluss)", PL, protokoll=PL, votes=True,
                            approves=False, reasons=True,
                            minutes="Das Plenum lehnt die Anerkennung {genitive} ab (R1). "
                                    "{votes}. {reasons}"))
    def plenum_ablehnen(self, user=None, decision=None) -> None:
        """R1: the Plenum refuses; a new application starts a new Vorgang."""

    @transition(field="state", source=S.ANERKANNT, target=S.ABERKENNUNG_VORGESCHLAGEN,
                permission=leitungskreis_permission,
                custom=Step("Aberkennung vorschlagen", G.LEITUNGSKREIS, reasons=True, notify=(PL,)))
    def aberkennung_vorschlagen(self, user=None, decision=None) -> None:
        """R22: only on the Leitungskreis' proposal."""

    @transition(field="state", source=S.ABERKENNUNG_VORGESCHLAGEN, target=S.ABERKANNT,
                permission=plenum_permission,
                custom=Step("Aberkennen (Plenumsbeschluss)", PL, protokoll=PL, votes=True,
                            approves=True, reasons=True, notify=(G.LEITUNGSKREIS,),
                            access="revoke",
                            minutes="Das Plenum erkennt {subject} die Anerkennung ab (R22). "
                                    "{votes}. {reasons}"))
    def plenum_aberkennen(self, user=None, decision=None) -> None:
        """R22: the Plenum withdraws the name; R19: editing ends, pages and records stay."""

    @transition(field="state", source=S.ABERKENNUNG_VORGESCHLAGEN, target=S.ANERKANNT,
                permission=plenum_permission,
                custom=Step("Aberkennung ablehnen (Plenumsbeschluss)", PL, protokoll=PL,
                            votes=True, approves=False, notify=(G.LEITUNGSKREIS,),
                            minutes="Das Plenum lehnt die Aberkennung {genitive} ab; {pronoun} "
                                    "bleibt anerkannt (R22). {votes}."))
    def plenum_aberkennung_ablehnen(self, user=None, decision=None) -> None:
        """R22: the group keeps its recognition and its access."""

    @transition(field="state", source=S.ANERKANNT, target=S.AUFGELOEST,
                permission=ag_transfer_permission,
                custom=Step("Auflösung bekanntgeben", AG, protokoll=AG, notify=(PL,),
                            access="revoke",
                            minutes="Die AG Transfer gibt die Auflösung {genitive} bekannt "
                                    "(R21)."))
    def aufloesung_bekanntgeben(self, user=None, decision=None) -> None:
        """R21: dissolution is announced in the AG Transfer; the Plenum is informed by e-mail."""

    @transition(field="state", source=S.ANERKANNT, target=S.ANERKANNT,
                permission=ag_transfer_permission,
                custom=Step("Themenwechsel bekanntgeben", AG, protokoll=AG, reasons=True,
                            notify=(PL,),
                            minutes="Die AG Transfer gibt einen neuen Themenbereich {genitive} "
                                    "bekannt (R21); das Plenum wird informiert. {reasons}"))
    def themenwechsel_bekanntgeben(self, user=None, decision=None) -> None:
        """R21: a change of topic is announced in the AG Transfer, the Plenum informed; the
        comment names the new topic area, which the AG Transfer may then enter on the page
        (``workflow.page_forms``, for ``TOPIC_CHANGE_DAYS``)."""


class _Freigabe:
    """Steps that Produkt- and Veranstaltungsfreigabe share: refuse, publish the decision, withdraw."""

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.ENTWURF,
                permission=ag_transfer_permission,
                custom=Step("Ablehnen (zurück an die Fachgruppe)", AG, protokoll=AG, reasons=True,
                            minutes="Die AG Transfer lehnt {object} ab und gibt {pronoun} an "
                                    "die Fachgruppe zurück. {reasons}"))
    def ag_ablehnen(self, user=None, decision=None) -> None:
        """R10, R11: the AG Transfer refuses, with reasons; the group may submit again."""

    @transition(field="state", source=S.IM_PLENUM, target=S.ENTWURF,
                permission=plenum_permission,
                custom=Step("Ablehnen (Plenumsbeschluss)", PL, protokoll=PL, votes=True,
                            approves=False, reasons=True,
                            minutes="Das Plenum lehnt {object} ab und gibt {pronoun} an die "
                                    "Fachgruppe zurück. {votes}. {reasons}"))
    def plenum_ablehnen(self, user=None, decision=None) -> None:
        """R10, R11: the Plenum refuses, with reasons; the group may submit again."""

    @transition(field="state", source=S.BESCHLOSSEN, target=S.VEROEFFENTLICHT,
                conditions=[guards.revision_decided], permission=redaktion_permission,
                custom=Step("Beschlossenen Stand veröffentlichen", G.REDAKTION, schedule=True))
    def veroeffentlichen(self, user=None, decision=None) -> None:
        """R11/R10: the Redaktion publishes exactly the decided revision, now or at the time it
        names; the Vorgang is 'veröffentlicht' from then on, the page goes live at that time."""
        publishing.publish_decided(self.revision, user=user,
                                   go_live_at=decision.go_live_at if decision else None)

    @transition(field="state", source=[S.ENTWURF, S.IN_AG_TRANSFER, S.IM_PLENUM, S.BESCHLOSSEN],
                target=S.ZURUECKGEZOGEN, permission=fachgruppe_permission,
                custom=Step("Zurückziehen", G.FACHGRUPPE, reasons=True, final=True))
    def zurueckziehen(self, user=None, decision=None) -> None:
        """The group withdraws its item; the Vorgang ends (R23: it acts on its own account)."""


class Produktfreigabe(_Freigabe, Vorgang):
    """R11: products are decided in the AG Transfer and in the Plenum."""

    KIND = Kind.PRODUKT

    class Meta:
        proxy = True
        app_label = "workflow"
        verbose_name = "Produktfreigabe"
        verbose_name_plural = "Produktfreigaben"

    @transition(field="state", source=S.ENTWURF, target=S.IN_AG_TRANSFER,
                conditions=[guards.fachgruppe_recognised], permission=fachgruppe_permission,
                custom=Step("Zur Beratung in der AG Transfer einreichen", G.FACHGRUPPE,
                            notify=(AG,)))
    def einreichen(self, user=None, decision=None) -> None:
        """R11: a recognised group submits; the submitted revision is pinned."""
        self.pin_revision()

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.IM_PLENUM,
                conditions=[guards.revision_intact], permission=ag_transfer_permission,
                custom=AG_CONSENT_TO_PLENUM)
    def ag_zustimmen(self, user=None, decision=None) -> None:
        """R11: the AG Transfer consents; the Plenum decides."""

    @transition(field="state", source=S.IM_PLENUM, target=S.BESCHLOSSEN,
                conditions=[guards.revision_intact], permission=plenum_permission,
                custom=Step("Beschließen (Plenumsbeschluss)", PL, protokoll=PL, votes=True,
                            approves=True, notify=(G.REDAKTION,),
                            minutes="Das Plenum beschließt die Freigabe {genitive} (R11). {votes}."))
    def plenum_beschliessen(self, user=None, decision=None) -> None:
        """R11: the Plenum decides; the Redaktion publishes the decided revision."""


class Veranstaltungsfreigabe(_Freigabe, Vorgang):
    """R10: consent of the AG Transfer, and of the Plenum where the AG Transfer says so."""

    KIND = Kind.VERANSTALTUNG

    class Meta:
        proxy = True
        app_label = "workflow"
        verbose_name = "Veranstaltungsfreigabe"
        verbose_name_plural = "Veranstaltungsfreigaben"

    @transition(field="state", source=S.ENTWURF, target=S.IN_AG_TRANSFER,
                conditions=[guards.needs_consent], permission=fachgruppe_permission,
                custom=Step("Zur Zustimmung in der AG Transfer einreichen", G.FACHGRUPPE,
                            notify=(AG,)))
    def einreichen(self, user=None, decision=None) -> None:
        """R10: a recognised group submits an event that needs consent; the revision is pinned."""
        self.pin_revision()

    @transition(field="state", source=S.ENTWURF, target=S.BESCHLOSSEN,
                conditions=[guards.consent_exempt], permission=fachgruppe_permission,
                custom=Step("Ohne Zustimmung freigeben (Erprobungsworkshop, R10)", G.FACHGRUPPE,
                            notify=(G.REDAKTION,)))
    def ohne_zustimmung_freigeben(self, user=None, decision=None) -> None:
        """R10: workshops for development and testing need no consent."""
        self.pin_revision()

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.BESCHLOSSEN,
                conditions=[guards.revision_intact], permission=ag_transfer_permission,
                custom=Step("Zustimmen (ohne Plenum)", AG, protokoll=AG, checklist=True,
                            notify=(G.REDAKTION,),
                            minutes="Die AG Transfer stimmt {subject} zu ({checklist}); die "
                                    "Zustimmung des Plenums ist nicht erforderlich (R10)."))
    def ag_zustimmen(self, user=None, decision=None) -> None:
        """R10: the AG Transfer's consent suffices."""

    @transition(field="state", source=S.IN_AG_TRANSFER, target=S.IM_PLENUM,
                conditions=[guards.revision_intact], permission=ag_transfer_permission,
                custom=AG_CONSENT_TO_PLENUM)
    def ag_an_plenum_verweisen(self, user=None, decision=None) -> None:
        """R10: the AG Transfer says where the Plenum's consent is needed too."""

    @transition(field="state", source=S.IM_PLENUM, target=S.BESCHLOSSEN,
                conditions=[guards.revision_intact], permission=plenum_permission,
                custom=Step("Zustimmen (Plenumsbeschluss)", PL, protokoll=PL, votes=True,
                            approves=True, notify=(G.REDAKTION,),
                            minutes="Das Plenum stimmt {subject} zu (R10). {votes}."))
    def plenum_zustimmen(self, user=None, decision=None) -> None:
        """R10: the Plenum consents; the Redaktion publishes the decided revision."""


MACHINES.update({
    Kind.ANERKENNUNG: Anerkennung,
    Kind.PRODUKT: Produktfreigabe,
    Kind.VERANSTALTUNG: Veranstaltungsfreigabe,
})
