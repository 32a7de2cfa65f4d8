"""The calendar event of a Sitzung (RFC 5545): one builder for the invitation and the public feed.

The invitation (``workflow.invitation``) and the public iCal feeds (``workflow.sitzung_feed``)
describe the same meeting, so they share the event: the same UID (a subscriber who is also
invited sees one entry), the same SEQUENCE, the same local times with ``TZID=Europe/Berlin``.
What differs is given by the caller: the public event names date, time, place and body only,
never the online link or the agenda (R19); the invitation adds the agenda as DESCRIPTION.
"""

from __future__ import annotations

import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from om_pages.models import MeetingKind
from workflow.sitzung import Sitzung

#: The OM meets in Germany: every time of a Sitzung is written as Berlin local time.
BERLIN = ZoneInfo("Europe/Berlin")
#: A Sitzung without an end is entered for two hours.
DEFAULT_DURATION = datetime.timedelta(hours=2)
PRODID = "-//Offensive Mittelstand//om-records//DE"


def calendar_host() -> str:
    """The host in every Sitzung's UID: the admin's address, the same for mail and feed."""
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"


def sitzung_uid(sitzung: Sitzung) -> str:
    return f"{sitzung.uid}@{calendar_host()}"


def local_start(sitzung: Sitzung) -> datetime.datetime:
    return sitzung.starts_at.astimezone(BERLIN)


def local_end(sitzung: Sitzung) -> datetime.datetime:
    """The stored end, or two hours after the start."""
    return (sitzung.ends_at or sitzung.starts_at + DEFAULT_DURATION).astimezone(BERLIN)


def public_location(sitzung: Sitzung) -> str:
    """The place, or only the kind of an online meeting: its link is for the members (R19)."""
    if sitzung.location:
        return sitzung.location
    if sitzung.meeting_kind != MeetingKind.PRAESENZ:
        return sitzung.get_meeting_kind_display()
    return ""


def member_location(sitzung: Sitzung) -> str:
    """Place and online link, as the invited members read them."""
    return " · ".join(part for part in (sitzung.location, sitzung.online_url) if part)


def sitzung_summary(sitzung: Sitzung) -> str:
    return f"Sitzung {sitzung.body_name}"


def sitzung_event(sitzung: Sitzung, *, location: str, description: str = "", url: str = "",
                  stamp: datetime.datetime | None = None) -> Event:
    """One VEVENT for ``sitzung``; times in Europe/Berlin (the calendar adds the VTIMEZONE)."""
    event = Event()
    event.add("uid", sitzung_uid(sitzung))
    event.add("sequence", sitzung.invitation_sequence)
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", local_start(sitzung))
    event.add("dtend", local_end(sitzung))
    event.add("summary", sitzung_summary(sitzung))
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("categories", ["Sitzung"])
    event.add("status", "CONFIRMED")
    return event


def with_timezones(calendar: Calendar, sitzung: Sitzung) -> Calendar:
    """Add the VTIMEZONE of every TZID the events use (RFC 5545 3.6.5), for the year around
    the Sitzung (the full 1970–2038 table would triple the size of every invitation)."""
    year = datetime.timedelta(days=366)
    calendar.add_missing_timezones(first_date=(local_start(sitzung) - year).date(),
                                   last_date=(local_end(sitzung) + year).date())
    return calendar


def invitation_calendar(sitzung: Sitzung, event: Event, attendee: str = "",
                        method: str = "REQUEST") -> bytes:
    """METHOD:REQUEST (RFC 5546) around ``event``, organised by the sender, for ``attendee``;
    METHOD:CANCEL for a called-off Sitzung (``workflow.cancellation``).

    Calendar programs show a REQUEST as an invitation only with an ORGANIZER; RSVP is off, as
    replies would go to the sender address nobody reads.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'noreply@localhost'}")
    organizer.params["cn"] = name or "om-records"
    event.add("organizer", organizer)
    if attendee:
        guest = vCalAddress(f"mailto:{attendee}")
        guest.params.update({"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION",
                             "rsvp": "FALSE"})
        event.add("attendee", guest)
    calendar.add_component(event)
    return with_timezones(calendar, sitzung).to_ical()
