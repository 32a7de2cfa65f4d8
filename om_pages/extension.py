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

Wagtail reads ``base_form_class`` when it first builds a page type's edit handler (on the first
edit view, after every app's ``ready``); ``om_pages`` comes before the registering apps in
``INSTALLED_APPS``, so registrations are in place by then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_permission_testers: dict[type, type] = {}
_base_forms: dict[type, type] = {}
#: (request, fachgruppe or None) → public calendar events
CalendarSource = Callable[..., Iterable]
_calendar_sources: list[CalendarSource] = []


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


class RegisteredBaseForm:
    """A page type's ``base_form_class`` that another app may replace (``register_base_form``).

    Read on the class, as Wagtail does, it is the registered form or ``default``.
    """

    def __init__(self, default: type) -> None:
        self.default = default

    def __get__(self, instance, owner: type) -> type:
        return base_form_for(owner, self.default)
