"""R2, R17, R21 on every edit of a Fachgruppe page, not only when the group applies (R19).

The application chain checks R2 and R17 as guards when a group applies (``workflow.guards``).
Once recognised, the group's members edit and publish their own ``FachgruppePage``
(``workflow.access`` grants ``change_page`` and ``publish_page``, and the page type is not
gated by ``workflow.publishing``), so without this form they could rename the group until the
topic no longer shows (R2), take over another group's topic (R17) or change their topic area
without the AG Transfer (R21).

The form is the page type's ``base_form_class``, registered from ``WorkflowConfig.ready``
through om_pages' hook point (``om_pages.extension.register_base_form``), like
``workflow.publishing``'s permission tester: ``om_pages`` imports nothing from ``workflow``
(docs/architecture.md). It refuses on every admin save, draft and publish alike,
so a refused value cannot reach the page through a later publish of the draft either.
Superusers are not restricted. A change of topic (R21) is a recorded step: the AG Transfer
announces it under a TOP of its Sitzung (``themenwechsel_bekanntgeben`` on the group's
Anerkennung, the Plenum informed by e-mail), naming the new topic area in the comment; for
``TOPIC_CHANGE_DAYS`` after that a member of the AG Transfer may enter exactly that topic area
(and a name showing it) on the page. The page form keeps checking R2 and R17 together with the
title, which a step could not do (a new topic often needs a new name).
"""

from __future__ import annotations

import copy
import datetime

from django.utils import timezone
from django.utils.formats import date_format

from om_pages.extension import register_base_form
from om_pages.forms import OMPageForm
from om_pages.models import FachgruppePage
from workflow import rule_inputs, rules
from workflow.choices import Gremium
from workflow.permissions import is_body_member
from workflow.vorgang import Eintrag, Vorgang

R21_MESSAGE = ("Der Themenbereich einer anerkannten Fachgruppe wird nur über die AG Transfer "
               "geändert (R21): Die neue Aufteilung wird dort bekanntgegeben, das Plenum wird "
               "informiert. Bisheriger Themenbereich: „{topic}“.")


R21_ANNOUNCE_MESSAGE = ("Ein neuer Themenbereich wird zuerst in einer Sitzung der AG Transfer "
                        "bekanntgegeben (R21): Schritt „Themenwechsel bekanntgeben“ im "
                        "Anerkennungs-Vorgang der Fachgruppe, mit dem neuen Themenbereich im "
                        "Kommentar; das Plenum wird informiert. Danach kann er {days} Tage lang "
                        "eingetragen werden. Bisheriger Themenbereich: „{topic}“.")
R21_MISMATCH_MESSAGE = ("Der Themenbereich „{new}“ wurde nicht bekanntgegeben (R21). Die AG Transfer "
                        "gab am {date} bekannt: „{announced}“.")
#: How long after the announcement (R21) the AG Transfer may enter the new topic area.
TOPIC_CHANGE_DAYS = 30
ANNOUNCEMENT_STEP = "themenwechsel_bekanntgeben"


def may_change_topic_freely(user) -> bool:
    """R21: superusers and AG Transfer members (``is_body_member`` counts superusers in)."""
    return is_body_member(user, Gremium.AG_TRANSFER)


def latest_announcement(fachgruppe: FachgruppePage):
    """R21: the group's newest announced change of topic within ``TOPIC_CHANGE_DAYS``, or None."""
    since = timezone.now() - datetime.timedelta(days=TOPIC_CHANGE_DAYS)
    return (Eintrag.objects.filter(vorgang__page_id=fachgruppe.pk, transition=ANNOUNCEMENT_STEP,
                                   created_at__gte=since)
            .order_by("-created_at", "-pk").first())


def topic_change_refusal(user, fachgruppe: FachgruppePage, topic: str) -> str:
    """Why ``user`` may not set ``topic`` on an established group (R21), or "" when allowed."""
    if user.is_superuser:
        return ""
    if not may_change_topic_freely(user):
        return R21_MESSAGE.format(topic=fachgruppe.topic_area)
    announcement = latest_announcement(fachgruppe)
    if announcement is None:
        return R21_ANNOUNCE_MESSAGE.format(days=TOPIC_CHANGE_DAYS, topic=fachgruppe.topic_area)
    if topic.strip().casefold() not in announcement.comment.casefold():
        return R21_MISMATCH_MESSAGE.format(
            new=topic, announced=announcement.comment,
            date=date_format(timezone.localtime(announcement.created_at), "d.m.Y"))
    return ""


def is_established(fachgruppe: FachgruppePage) -> bool:
    """A group that holds its topic: live, or recognised by the Plenum (R1)."""
    return fachgruppe.pk is not None and (fachgruppe.live or Vorgang.objects.is_recognised(fachgruppe))


class FachgruppePageForm(OMPageForm):
    """The admin form of ``FachgruppePage``: field errors in German, the rest of the form kept.

    Extends om_pages' form, so referenced files are checked too (R19).
    """

    def clean(self):
        cleaned_data = super().clean()
        if self.for_user.is_superuser:
            return cleaned_data
        changed = set(self.changed_data) & {"title", "topic_area"}
        if not changed or self.has_error("title") or self.has_error("topic_area"):
            return cleaned_data
        # In clean() the instance still holds the values the form was opened with.
        title, topic = cleaned_data["title"], cleaned_data["topic_area"]
        if "topic_area" in changed and is_established(self.instance):
            # Announced in the AG Transfer (R21): allowed, and still checked against R2, R17.
            refusal = topic_change_refusal(self.for_user, self.instance, topic)
            if refusal:
                self.add_error("topic_area", refusal)
                topic = self.instance.topic_area  # what stays; R17 has nothing new to check
                changed.discard("topic_area")
                if not changed:
                    return cleaned_data
        elif may_change_topic_freely(self.for_user):
            return cleaned_data
        candidate = self.candidate(title, topic)
        for finding in rules.blocking(rules.check_r2_topic_in_name(candidate)):
            self.add_error("title" if "title" in changed else "topic_area", str(finding))
        if "topic_area" in changed:
            for finding in rules.blocking(rules.check_r17_one_group_per_topic(
                    candidate, rule_inputs.active_fachgruppen())):
                self.add_error("topic_area", str(finding))
        return cleaned_data

    def candidate(self, title: str, topic: str) -> FachgruppePage:
        """The unsaved page as it would be stored, for the rule checks; the instance stays untouched."""
        candidate = copy.copy(self.instance)
        candidate.title, candidate.topic_area = title, topic
        return candidate


def register_fachgruppe_form() -> None:
    """Called from ``WorkflowConfig.ready``, like ``publishing.register_permission_testers``.

    Wagtail builds the edit handler (and reads ``base_form_class``) on the first edit view,
    after every app's ``ready``: no handler holds the plain form by then.
    """
    register_base_form(FachgruppePage, FachgruppePageForm)
