"""The transition form: what the record of a decision needs (comment, Protokoll, votes, checklist)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from om_pages.models import GremiumPage, ProtokollPage
from workflow.models import CHECKLIST
from workflow.services import Decision, decision_problems


class ProtokollChoiceField(forms.ModelChoiceField):
    """A Protokoll by id; an id beyond the database's integers is an invalid choice, not a 500.

    Django guards integer lookups against overflow only on plain integer fields; a page type's
    pk is its ``page_ptr`` link, so SQLite raised OverflowError for ids beyond 64 bits (issue 6).
    """

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class TransitionForm(forms.Form):
    comment = forms.CharField(label="Kommentar / Begründung", required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, custom: dict, vorgang=None, name: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.custom = custom
        self.vorgang, self.name = vorgang, name
        if custom.get("reasons"):
            self.fields["comment"].required = True
            self.fields["comment"].label = "Begründung"
            self.fields["comment"].error_messages["required"] = "Bitte eine Begründung angeben."
        if custom.get("protokoll"):
            gremium = GremiumPage.objects.filter(kind=custom["protokoll"]).first()
            queryset = (ProtokollPage.objects.child_of(gremium).order_by("-date")
                        if gremium else ProtokollPage.objects.none())
            self.fields["protokoll"] = ProtokollChoiceField(
                queryset=queryset, label="Protokoll der entscheidenden Sitzung",
                error_messages={"required": "Bitte das Protokoll der entscheidenden Sitzung angeben.",
                                "invalid_choice": "Bitte ein Protokoll dieses Gremiums wählen."},
            )
        if custom.get("votes"):
            for name, label in (("votes_yes", "Ja-Stimmen"), ("votes_no", "Nein-Stimmen"),
                                ("votes_abstain", "Enthaltungen")):
                self.fields[name] = forms.IntegerField(
                    label=label, min_value=0, max_value=10_000,
                    error_messages={"required": f"Bitte die Zahl der {label} angeben.",
                                    "invalid": "Bitte eine ganze Zahl angeben.",
                                    "min_value": "Die Zahl darf nicht negativ sein."},
                )
        if custom.get("checklist"):
            for rule, text in CHECKLIST.items():
                self.fields[f"check_{rule}"] = forms.BooleanField(label=text, required=False)
        if custom.get("final"):
            self.fields["confirm"] = forms.BooleanField(
                label="Ja, endgültig: der Vorgang endet hier; für eine spätere Entscheidung muss "
                      "die Seite neu eingereicht werden.",
                error_messages={"required": "Bitte bestätigen, dass dieser Schritt endgültig ist."},
            )

    def clean(self) -> dict:
        """Issue 15: every missing piece of the record at once, each at its own field."""
        data = super().clean()
        if self.vorgang is None:
            return data
        votes_incomplete = any(f in self.errors for f in ("votes_yes", "votes_no", "votes_abstain"))
        for problem in decision_problems(self.vorgang, self.name, self.decision()):
            if problem.field not in self.fields or problem.field in self.errors:
                continue
            if problem.field == "votes_yes" and votes_incomplete:
                continue  # the missing number is already named at its own field
            self.add_error(problem.field, problem.message)
        return data

    def decision(self) -> Decision:
        data = self.cleaned_data
        votes = None
        if self.custom.get("votes"):
            votes = (data.get("votes_yes"), data.get("votes_no"), data.get("votes_abstain"))
        checklist = {rule: bool(data.get(f"check_{rule}")) for rule in CHECKLIST} \
            if self.custom.get("checklist") else {}
        return Decision(comment=data.get("comment", ""), protokoll=data.get("protokoll"),
                        votes=votes, checklist=checklist)
