"""The transition form: what the record of a decision needs (comment, Protokoll, votes, checklist)."""

from __future__ import annotations

from django import forms

from om_pages.models import GremiumPage, ProtokollPage
from workflow.models import CHECKLIST
from workflow.services import Decision


class TransitionForm(forms.Form):
    comment = forms.CharField(label="Kommentar / Begründung", required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, custom: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.custom = custom
        if custom.get("reasons"):
            self.fields["comment"].required = True
            self.fields["comment"].label = "Begründung"
            self.fields["comment"].error_messages["required"] = "Bitte eine Begründung angeben."
        if custom.get("protokoll"):
            gremium = GremiumPage.objects.filter(kind=custom["protokoll"]).first()
            queryset = (ProtokollPage.objects.child_of(gremium).order_by("-date")
                        if gremium else ProtokollPage.objects.none())
            self.fields["protokoll"] = forms.ModelChoiceField(
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

    def decision(self) -> Decision:
        data = self.cleaned_data
        votes = None
        if self.custom.get("votes"):
            votes = (data["votes_yes"], data["votes_no"], data["votes_abstain"])
        checklist = {rule: bool(data.get(f"check_{rule}")) for rule in CHECKLIST} \
            if self.custom.get("checklist") else {}
        return Decision(comment=data.get("comment", ""), protokoll=data.get("protokoll"),
                        votes=votes, checklist=checklist)
