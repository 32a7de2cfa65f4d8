"""The transition form: what the record of a decision needs (comment, TOP, votes, checklist)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.admin.widgets import AdminDateTimeInput

from workflow.choices import CHECKLIST
from workflow.services import decision_problems
from workflow.sitzung import Tagesordnungspunkt
from workflow.steps import Decision, Step


class TopChoiceField(forms.ModelChoiceField):
    """A TOP by id; an id beyond the database's integers is an invalid choice, not a 500."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None

    def label_from_instance(self, top: Tagesordnungspunkt) -> str:
        return f"{top.sitzung}, TOP {top.number}: {top.title} ({top.sitzung.get_state_display()})"


class TransitionForm(forms.Form):
    """The fields the ``Step`` asks for; ``decision()`` is the one ``Decision`` of the request."""

    comment = forms.CharField(label="Kommentar / Begründung", required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, step: Step, vorgang=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        self.vorgang = vorgang
        if step.reasons:
            self.fields["comment"].required = True
            self.fields["comment"].label = "Begründung"
            self.fields["comment"].error_messages["required"] = "Bitte eine Begründung angeben."
        if step.protokoll:
            queryset = (Tagesordnungspunkt.objects.filter(
                vorgang_id=vorgang.pk, sitzung__gremium=step.protokoll)
                .select_related("sitzung").order_by("-sitzung__starts_at", "sort_order")
                if vorgang is not None and vorgang.pk else Tagesordnungspunkt.objects.none())
            self.fields["top"] = TopChoiceField(
                queryset=queryset, label="Tagesordnungspunkt der entscheidenden Sitzung",
                help_text="Die Vorlage muss auf der Tagesordnung einer gehaltenen Sitzung stehen.",
                error_messages={
                    "required": "Bitte den Tagesordnungspunkt der Sitzung angeben, in der "
                                "entschieden wurde.",
                    "invalid_choice": "Bitte einen Tagesordnungspunkt dieser Vorlage in einer "
                                      "Sitzung dieses Gremiums wählen."},
            )
        if step.votes:
            for name, label in (("votes_yes", "Ja-Stimmen"), ("votes_no", "Nein-Stimmen"),
                                ("votes_abstain", "Enthaltungen")):
                self.fields[name] = forms.IntegerField(
                    label=label, min_value=0, max_value=10_000,
                    error_messages={"required": f"Bitte die Zahl der {label} angeben.",
                                    "invalid": "Bitte eine ganze Zahl angeben.",
                                    "min_value": "Die Zahl darf nicht negativ sein."},
                )
        if step.checklist:
            for rule, text in CHECKLIST.items():
                self.fields[f"check_{rule}"] = forms.BooleanField(label=text, required=False)
        if step.schedule:
            self.fields["go_live_at"] = forms.DateTimeField(
                label="Veröffentlichen am (optional)", required=False, widget=AdminDateTimeInput,
                help_text="Leer lassen, um sofort zu veröffentlichen. Mit Datum und Uhrzeit "
                          "(deutsche Zeit) geht genau der beschlossene Stand dann online.",
                error_messages={"invalid": "Bitte Datum und Uhrzeit angeben, z. B. 2026-05-12 09:00."},
            )
        if step.final:
            self.fields["confirm"] = forms.BooleanField(
                label="Ja, endgültig: der Vorgang endet hier; für eine spätere Entscheidung muss "
                      "die Seite neu eingereicht werden.",
                error_messages={"required": "Bitte bestätigen, dass dieser Schritt endgültig ist."},
            )

    def clean(self) -> dict:
        """Every missing piece of the record at once, each at its own field (R1, R10, R11)."""
        data = super().clean()
        go_live_at = data.get("go_live_at")
        if go_live_at is not None and go_live_at <= timezone.now():
            self.add_error("go_live_at", "Der Zeitpunkt der Veröffentlichung muss in der Zukunft "
                                         "liegen; für sofort das Feld leer lassen.")
        votes_incomplete = any(f in self.errors for f in ("votes_yes", "votes_no", "votes_abstain"))
        for problem in decision_problems(self.step, self.decision(), self.vorgang):
            if problem.field not in self.fields or problem.field in self.errors:
                continue
            if problem.field == "votes_yes" and votes_incomplete:
                continue  # the missing number is already named at its own field
            self.add_error(problem.field, problem.message)
        return data

    def decision(self) -> Decision:
        data = self.cleaned_data
        votes = None
        if self.step.votes:
            votes = (data.get("votes_yes"), data.get("votes_no"), data.get("votes_abstain"))
        checklist = {rule: bool(data.get(f"check_{rule}")) for rule in CHECKLIST} \
            if self.step.checklist else {}
        return Decision(comment=data.get("comment", ""), top=data.get("top"),
                        votes=votes, checklist=checklist, go_live_at=data.get("go_live_at"))
