"""The hook points om_pages offers to apps built on it; om_pages itself imports none of them.

An app that decides about pages (``workflow``: R10, R11, R19, R21) registers here from its
``AppConfig.ready``, and the page types look the registration up when Wagtail asks them:

* ``register_permission_tester(model, tester_class)``: ``Page.permissions_for_user``
  (``om_pages.records``) answers with ``tester_class`` for pages of ``model``; it should
  extend ``RecordPermissionTester``, so records stay undeletable (R21, R22).
* ``register_base_form(model, form_class)``: the ``base_form_class`` of ``model`` (declared
  ``RegisteredBaseForm(default)`` in ``om_pages.models.pages``) is ``form_class``; it should
  extend the default (``OMPageForm``: only choosable files, R19).
* ``register_calendar_source(source)``: the public iCal feeds (``om_pages.feeds``) add the
  ``icalendar.Event`` objects that ``source(request, fachgruppe)`` returns: ``fachgruppe`` is
  None for the site-wide ``/veranstaltungen.ics``, else the (public) Fachgruppe of its own
  feed. A source returns only what any visitor may see (R19): the workflow adds upcoming
  Sitzungen with date, time, place and body, never their agenda.
* ``register_group_status(source)``: ``source(fachgruppen)`` answers, for many
  ``FachgruppePage``s at once (one lookup, not one per group), each one's public
  ``GroupStatus``: recognised, withdrawn (R22), dissolved (R21) or never recognised (R1).
  The public list (R26) shows recognised groups, and dissolved ones apart as former groups;
  a group's page says when it was withdrawn or dissolved. Without a source every group
  counts as recognised (om_pages alone knows no decisions).

Wagtail reads ``base_form_class`` when it first builds a page type's edit handler (on the first
edit view, after every app's ``ready``); ``om_pages`` comes before the registering apps in
``INSTALLED_APPS``, so registrations are in place by then.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_permission_testers: dict[type, type] = {}
_base_forms: dict[type, type] = {}
#: (request, fachgruppe or None) → public calendar events
CalendarSource = Callable[..., Iterable]
_calendar_sources: list[CalendarSource] = []
#: fachgruppen → {page id: GroupStatus}
GroupStatusSource = Callable[[Iterable], dict]
_group_status_source: list[GroupStatusSource] = []


def _lookup(registry: dict[type, type], model: type, default: type) -> type:
    for klass in model.__mro__:
        if klass in registry:
            return registry[klass]
    return default


def register_permission_tester(model: type, tester_class: type) -> None:
    """Pages of ``model`` (and its subclasses) answer permission questions with ``tester_class``."""
    _permission_testers[model] = tester_class


def permission_tester_for(model: type, default: type) -> type:
    return _lookup(_permission_testers, model, default)


def register_base_form(model: type, form_class: type) -> None:
    """The admin form of ``model`` (and its subclasses) is ``form_class``."""
    _base_forms[model] = form_class


def base_form_for(model: type, default: type) -> type:
    return _lookup(_base_forms, model, default)


def register_calendar_source(source: CalendarSource) -> None:
    """The public iCal feeds add the events ``source(request, fachgruppe)`` returns (once each)."""
    if source not in _calendar_sources:
        _calendar_sources.append(source)


def extra_calendar_events(request, fachgruppe=None) -> list:
    """Every registered source's events for this feed, in registration order."""
    return [event for source in _calendar_sources for event in source(request, fachgruppe)]


@dataclass(frozen=True)
class GroupStatus:
    """A Fachgruppe's public standing (R1, R21, R22, R26) and the date it ended, if it did."""

    RECOGNISED = "anerkannt"
    WITHDRAWN = "aberkannt"
    DISSOLVED = "aufgeloest"
    NEVER = "nie_anerkannt"

    kind: str
    date: datetime.date | None = None

    @property
    def is_recognised(self) -> bool:
        return self.kind == self.RECOGNISED

    @property
    def is_withdrawn(self) -> bool:
        return self.kind == self.WITHDRAWN

    @property
    def is_dissolved(self) -> bool:
        return self.kind == self.DISSOLVED

    @property
    def was_recognised(self) -> bool:
        """Recognised now or once (R21, R22): only such a group's page may be published."""
        return self.kind != self.NEVER


RECOGNISED = GroupStatus(GroupStatus.RECOGNISED)


def register_group_status(source: GroupStatusSource) -> None:
    """The public status of Fachgruppen comes from ``source`` (the last one registered)."""
    _group_status_source[:] = [source]


def group_statuses(fachgruppen: Iterable) -> dict[int, GroupStatus]:
    """Each group's ``GroupStatus`` by page id; recognised where no source knows better."""
    fachgruppen = [group for group in fachgruppen if group.pk is not None]
    found = _group_status_source[0](fachgruppen) if _group_status_source else {}
    return {group.pk: found.get(group.pk, RECOGNISED) for group in fachgruppen}


def group_status(fachgruppe) -> GroupStatus:
    """One group's ``GroupStatus`` (a page not yet saved was never recognised)."""
    if fachgruppe.pk is None:
        return GroupStatus(GroupStatus.NEVER) if _group_status_source else RECOGNISED
    return group_statuses([fachgruppe])[fachgruppe.pk]


class RegisteredBaseForm:
    """A page type's ``base_form_class`` that another app may replace (``register_base_form``).

    Read on the class, as Wagtail does, it is the registered form or ``default``.
    """

    def __init__(self, default: type) -> None:
        self.default = default

    def __get__(self, instance, owner: type) -> type:
        return base_form_for(owner, self.default)
