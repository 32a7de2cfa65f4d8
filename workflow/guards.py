"""Transition conditions built on the pure rule checks (workflow/rules.py).

django-fsm-2 calls a condition as ``condition(vorgang) -> bool``. Each guard here is also
able to say *why* it fails (``findings``), so the editor sees every reason at once (R1).
"""

from __future__ import annotations

from workflow import rule_inputs, rules
from workflow.digest import content_digest
from workflow.rules import Finding
from workflow.vorgang import Vorgang


class Guard:
    """A condition with reasons: true when ``findings`` returns no blocking finding."""

    def __init__(self, name: str, findings) -> None:
        self.__name__ = name
        self._findings = findings

    def findings(self, vorgang) -> list[Finding]:
        return rules.blocking(self._findings(vorgang))

    def __call__(self, vorgang) -> bool:
        return not self.findings(vorgang)

    def __repr__(self) -> str:
        return self.__name__


def _application(vorgang) -> list[Finding]:
    """R2, R3, R4, R5, R17 on the content being submitted (the latest revision)."""
    return rules.check_application(vorgang.submitted_object(), rule_inputs.active_fachgruppen())


def _has_content(vorgang) -> list[Finding]:
    if vorgang.page_id is None:
        return [Finding("R11", "Die Seite zu diesem Vorgang gibt es nicht mehr.")]
    return []


def _recognised(vorgang) -> list[Finding]:
    """Only a recognised Fachgruppe submits products and events (R1, R19)."""
    fachgruppe = vorgang.fachgruppe
    if fachgruppe is None or not Vorgang.objects.is_recognised(fachgruppe):
        return [Finding("R1", "Die Fachgruppe ist nicht (mehr) anerkannt; nur anerkannte "
                              "Fachgruppen reichen Produkte und Veranstaltungen ein.")]
    return []


def _needs_consent(vorgang) -> list[Finding]:
    if not vorgang.submitted_object().needs_consent:
        return [Finding("R10", "Workshops zur Entwicklung und Erprobung brauchen keine Zustimmung; "
                               "bitte „Ohne Zustimmung freigeben“ wählen.")]
    return []


def _exempt(vorgang) -> list[Finding]:
    if vorgang.submitted_object().needs_consent:
        return [Finding("R10", "Diese Veranstaltung braucht die Zustimmung der AG Transfer "
                               "(nur Workshops zur Entwicklung und Erprobung sind ausgenommen).")]
    return []


def _decided_revision(vorgang) -> list[Finding]:
    if vorgang.revision_id is None:
        return [Finding("R11", "Es ist kein beschlossener Stand festgehalten.")]
    return []


TAMPERED = ("Der eingereichte Stand wurde nach der Einreichung verändert: seine Prüfsumme stimmt "
            "nicht mit der bei der Einreichung festgehaltenen überein. Er wird weder beraten noch "
            "veröffentlicht (R10, R11); bitte die Administration informieren und den Vorgang von "
            "der Fachgruppe neu einreichen lassen.")


def _revision_intact(vorgang) -> list[Finding]:
    """R10, R11: the pinned revision still has the content that was submitted."""
    if vorgang.revision_id is None:
        return []
    if not vorgang.revision_digest or content_digest(vorgang.revision) != vorgang.revision_digest:
        return [Finding("R11", TAMPERED)]
    return []


application_ok = Guard("application_ok", lambda v: _has_content(v) or _application(v))
fachgruppe_recognised = Guard("fachgruppe_recognised", lambda v: _has_content(v) or _recognised(v))
needs_consent = Guard("needs_consent", lambda v: _has_content(v) or _recognised(v) + _needs_consent(v))
consent_exempt = Guard("consent_exempt", lambda v: _has_content(v) or _recognised(v) + _exempt(v))
revision_decided = Guard("revision_decided",
                         lambda v: _has_content(v) or _decided_revision(v) or _revision_intact(v))
revision_intact = Guard("revision_intact", _revision_intact)
