"""„Fachgruppe gründen“: a partner's person starts a group's draft page and edits it (R1, R19).

Before, the contacts of a group that had not applied yet could neither create nor edit their
draft Fachgruppe page: someone of the Redaktion typed their concept. Now a person of a partner
organisation with a CMS account (``Person.user``; an admin login through the group
„Antragstellende“) founds the group here:

* the draft ``FachgruppePage`` is created under the FachgruppenIndexPage, not live, with the
  founder's Person as Koordination (R5) and the founder's organisation as first partner (R4);
* the group gets its own Wagtail group and collection (``workflow.access.grant_access``) with
  add and change permission on that page only, **no publish** (``publish=False``); the founder
  joins that group as its first editor (logged like every change of the editors,
  ``workflow.sharing``). Recognition (R1) later adds the publish permission to the same group.

One founding at a time: a person who already belongs to a Fachgruppe whose recognition has not
ended (refused, withdrawn or dissolved) founds no second one; a group that someone founds for
someone else goes through the Redaktion as before.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify
from wagtail.log_actions import log

from om_pages.models import FachgruppeMember, FachgruppenIndexPage, FachgruppePage, Person
from workflow import rule_inputs, rules
from workflow.access import grant_access
from workflow.choices import ENDED_STATES, Kind
from workflow.querysets import own_fachgruppen
from workflow.sharing import log_change
from workflow.vorgang import Vorgang

NO_PERSON = ("Ihr Zugang ist mit keiner Ansprechperson der Offensive Mittelstand verbunden. "
             "Bitte wenden Sie sich an die Geschäftsstelle.")
NO_PARTNER = ("Eine Fachgruppe gründen Personen einer Partnerorganisation der Offensive "
              "Mittelstand (R1, R3). Ihre Organisation ist nicht als OM-Partner eingetragen.")
ALREADY = ("Sie gehören bereits zur Fachgruppe „{title}“, deren Anerkennung noch nicht "
           "abgeschlossen ist. Eine weitere Fachgruppe können Sie erst gründen, wenn über diese "
           "entschieden ist.")


def founder_person(user) -> Person | None:
    """The Person (contact) linked to the user's account, with its organisation."""
    if user is None or not user.is_authenticated:
        return None
    return Person.objects.select_related("organisation", "organisation__parent").filter(
        user=user).first()


def is_partner(person: Person) -> bool:
    """A person of an OM partner, or of a regional unit of a national partner (R13)."""
    organisation = person.organisation
    return organisation is not None and (
        organisation.is_om_partner or organisation.is_regional_unit_of_partner)


def open_groups(user) -> list[FachgruppePage]:
    """The user's Fachgruppen whose recognition has not ended (pending or recognised)."""
    groups = list(own_fachgruppen(user))
    newest: dict[int, str] = {}
    for page_id, state in (Vorgang.objects.filter(kind=Kind.ANERKENNUNG, page__in=groups)
                           .order_by("-created_at", "-pk").values_list("page_id", "state")):
        newest.setdefault(page_id, state)
    return [g for g in groups if newest.get(g.pk) not in ENDED_STATES]


def founding_problems(user) -> list[str]:
    """Why ``user`` may not found a Fachgruppe now (empty: they may), in German."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ["Bitte melden Sie sich an."]
    person = founder_person(user)
    if person is None:
        return [NO_PERSON]
    if not is_partner(person):
        return [NO_PARTNER]
    pending = open_groups(user)
    if pending:
        return [ALREADY.format(title=pending[0].title)]
    return []


def may_found(user) -> bool:
    return not founding_problems(user)


def name_problems(title: str, topic_area: str) -> dict[str, list[str]]:
    """R2 and R17 for the new group's name and topic, and a name no other group carries."""
    problems: dict[str, list[str]] = {}
    candidate = FachgruppePage(title=title, topic_area=topic_area)
    for finding in rules.blocking(rules.check_r2_topic_in_name(candidate)):
        problems.setdefault("title", []).append(str(finding))
    for finding in rules.blocking(rules.check_r17_one_group_per_topic(
            candidate, rule_inputs.active_fachgruppen())):
        problems.setdefault("topic_area", []).append(str(finding))
    if FachgruppePage.objects.filter(title__iexact=title.strip()).exists():
        problems.setdefault("title", []).append(
            f"Eine Fachgruppe mit dem Namen „{title.strip()}“ gibt es bereits.")
    return problems


def _free_slug(index: FachgruppenIndexPage, title: str) -> str:
    base = slugify(title.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
                   .replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue").replace("ß", "ss"))
    base = (base or "fachgruppe")[:240]
    taken = set(index.get_children().values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def found_group(user, title: str, topic_area: str, summary: str = "") -> FachgruppePage:
    """Create the draft Fachgruppe with ``user`` as Koordination and first editor (R1, R19).

    Raises PermissionDenied (German) when the user may not found a group, ValueError when the
    name or topic breaks R2 or R17.
    """
    with transaction.atomic():
        person = founder_person(user)
        if person is not None:  # two tabs at once: the second waits and sees the first group
            Person.objects.select_for_update().filter(pk=person.pk).first()
        problems = founding_problems(user)
        if problems:
            raise PermissionDenied(" ".join(problems))
        title, topic_area = title.strip(), topic_area.strip()
        wrong = name_problems(title, topic_area)
        if wrong:
            raise ValueError(" ".join(m for messages in wrong.values() for m in messages))
        index = FachgruppenIndexPage.objects.first()
        page = FachgruppePage(title=title, slug=_free_slug(index, title), topic_area=topic_area,
                              summary=summary, live=False, koordination=person, owner=user)
        page.members = [FachgruppeMember(organisation=person.organisation, sort_order=0)]
        index.add_child(instance=page)
        page.save_revision(user=user)
        log(instance=page, action="wagtail.create", user=user)
        zugang = grant_access(page, publish=False)
        user.groups.add(zugang.group)
        log_change(page, user, user, added=True, founding=True)
    return page
