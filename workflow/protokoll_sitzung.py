"""Every Protokoll belongs to a Sitzung; publishing the Protokoll closes its Sitzung (R19, R24).

Receivers: a Protokoll created anywhere (admin, import of legacy minutes, demo, code) without a
Sitzung gets one from its own facts (date, place, attendees; state "gehalten"); when a
Protokoll is published, its Sitzung is "abgeschlossen" and takes no more decisions.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from om_pages.models import FachgruppePage, GremiumPage, ProtokollPage
from workflow.choices import Gremium
from workflow.sitzung import Sitzung, SitzungState

#: The time a Sitzung made from a bare Protokoll starts (the Protokoll has a date only).
DEFAULT_START = datetime.time(10, 0)


def owner_fields(protokoll: ProtokollPage) -> dict | None:
    """``gremium`` (and ``fachgruppe``) of the body or group the Protokoll is filed under."""
    parent = protokoll.get_parent().specific
    if isinstance(parent, GremiumPage):
        return {"gremium": parent.kind}
    if isinstance(parent, FachgruppePage):
        return {"gremium": Gremium.FACHGRUPPE, "fachgruppe": parent}
    return None


def sitzung_for(protokoll: ProtokollPage) -> Sitzung | None:
    """The Protokoll's Sitzung, made from the Protokoll's facts if it has none yet."""
    existing = Sitzung.objects.filter(protokoll_id=protokoll.pk).first()
    if existing is not None:
        return existing
    fields = owner_fields(protokoll)
    if fields is None:
        return None
    starts_at = timezone.make_aware(datetime.datetime.combine(protokoll.date, DEFAULT_START))
    state = SitzungState.GEHALTEN if starts_at <= timezone.now() else SitzungState.GEPLANT
    return Sitzung.objects.create(
        starts_at=starts_at, meeting_kind=protokoll.meeting_kind, location=protokoll.location,
        attendees=protokoll.attendees, protokoll=protokoll, state=state, **fields)


def attach_sitzung(sender, instance: ProtokollPage, created: bool = False, raw: bool = False,
                   **kwargs) -> None:
    """post_save of ProtokollPage: a new Protokoll gets its Sitzung.

    Minutes drafted for a Sitzung (``workflow.minutes``) name it as ``for_sitzung`` on the
    unsaved page, so the Protokoll joins that Sitzung instead of getting a new one.
    """
    if not created or raw:
        return
    planned = getattr(instance, "for_sitzung", None)
    if planned is not None:
        Sitzung.objects.filter(pk=planned.pk, protokoll=None).update(protokoll=instance)
        planned.protokoll = instance
    elif instance.get_parent() is not None:
        sitzung_for(instance)


def close_sitzung(sender, instance, **kwargs) -> None:
    """page_published: the Sitzung of a published Protokoll is closed."""
    if not isinstance(instance, ProtokollPage):
        return
    sitzung = sitzung_for(instance)
    if sitzung is not None and sitzung.state != SitzungState.ABGESCHLOSSEN \
            and sitzung.has_taken_place:
        sitzung.abschliessen()
        sitzung.save()
