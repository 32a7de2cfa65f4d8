"""„Protokoll entwerfen“ (workflow.minutes): the minutes of a held Sitzung, completed and published
by the Schriftführung (R1, R10, R11, R19); R24 counts held Sitzungen with published minutes.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from om_pages.models import FachgruppePage, GremiumPage, ProtokollPage
from tests.workflow.conftest import make_vorgang, user
from workflow import compliance, rule_inputs, rules
from workflow.choices import CHECKLIST, Gremium, Kind, State
from workflow.minutes import UNDECIDED, decision_text, draft_minutes
from workflow.models import MACHINES, Eintrag, Sitzung, SitzungState, Tagesordnungspunkt, TopKind
from workflow.querysets import HELD_STATES
from workflow.services import TransitionError, perform_transition
from workflow.steps import step_of

PRODUKT_TITLE = "Leitfaden Gefährdungsbeurteilung im Handwerk"
ALL_CONFIRMED = dict.fromkeys(CHECKLIST, True)


def url(sitzung: Sitzung) -> str:
    return reverse("workflow_sitzung_protokoll", args=(sitzung.pk,))


def assert_denied(response) -> None:
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


def ag_sitzung(starts_at=None, state=SitzungState.GEHALTEN, **fields) -> Sitzung:
    return Sitzung.objects.create(
        gremium=Gremium.AG_TRANSFER, starts_at=starts_at or timezone.now(), state=state,
        location="Geschäftsstelle, Heidelberg", attendees="Anna Beispiel\nBernd Muster", **fields)


def top(sitzung: Sitzung, kind: str, title: str, vorgang=None) -> Tagesordnungspunkt:
    return Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=sitzung.tops.count(),
                                             kind=kind, title=title, vorgang=vorgang)


@pytest.fixture
def held(demo_home):
    """A held AG Transfer Sitzung after one whose minutes exist; the Produkt's consent under TOP 2."""
    vorgang = make_vorgang(Kind.PRODUKT, State.IN_AG_TRANSFER)
    # Both later than the demo's Sitzungen, so ``previous`` is the one before ``sitzung``.
    previous = ag_sitzung()
    previous_minutes = draft_minutes(previous, user("agtransfer"))
    sitzung = ag_sitzung()
    assert sitzung.previous() == previous
    top(sitzung, TopKind.PROTOKOLL, "Genehmigung des Protokolls der letzten Sitzung")
    decided = top(sitzung, TopKind.VORGANG, f"Produkt: {PRODUKT_TITLE}", vorgang)
    top(sitzung, TopKind.VORGANG, "Vertagte Vorlage")
    top(sitzung, TopKind.VERSCHIEDENES, "Verschiedenes")
    perform_transition(vorgang, "ag_zustimmen", user("agtransfer"), top=decided,
                       checklist=ALL_CONFIRMED, notify=False)
    return sitzung, previous, previous_minutes


@pytest.fixture
def member(demo_home, django_user_model):
    """A plain member of the AG Transfer, not in its Schriftführung."""
    account = django_user_model.objects.create_user("ag-mitglied", "m@example.org", "pw")
    account.groups.add(Group.objects.get(name="AG Transfer"))
    return account


def edit_form(page: ProtokollPage, **extra) -> dict:
    """The edit form of a Protokoll as it stands, with ``extra`` changes."""
    items = [{"id": item.pk, "title": item.title, "discussion": item.discussion,
              "decision": item.decision} for item in page.agenda_items.all()]
    return nested_form_data({
        "title": page.title, "slug": page.slug, "date": f"{page.date:%d.%m.%Y}",
        "meeting_kind": page.meeting_kind, "location": page.location,
        "attendees": page.attendees, "agenda_items": inline_formset(items, initial=len(items)),
        "body": rich_text(extra.pop("body", "<p>Ergänzt.</p>")), "documents": inline_formset([]),
        **extra,
    })


# --- the draft ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_draft_holds_attendees_tops_and_the_decision_sentence(held, client):
    sitzung, previous, previous_minutes = held
    client.force_login(user("agtransfer"))
    response = client.post(url(sitzung))
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    page = sitzung.protokoll
    assert page is not None
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=(page.pk,))
    page = ProtokollPage.objects.get(pk=page.pk)
    assert not page.live and page.latest_revision is not None
    assert page.get_parent().specific == GremiumPage.objects.get(kind=Gremium.AG_TRANSFER)
    assert page.title == f"Protokoll der Sitzung der AG Transfer vom {sitzung.date_local}"
    assert page.date == timezone.localdate(sitzung.starts_at)
    assert page.attendee_list() == ["Anna Beispiel", "Bernd Muster"]
    assert page.location == "Geschäftsstelle, Heidelberg"
    items = list(page.agenda_items.order_by("sort_order"))
    assert [item.title for item in items] == [
        "Genehmigung des Protokolls der letzten Sitzung", f"Produkt: {PRODUKT_TITLE}",
        "Vertagte Vorlage", "Verschiedenes"]
    assert items[0].decision == (f"Das Protokoll der Sitzung vom {previous.date_local} "
                                 f"(„{previous_minutes.title}“) wird genehmigt.")
    # The sentence, exactly.
    assert items[1].decision == (f"Die AG Transfer stimmt dem Produkt „{PRODUKT_TITLE}“ zu "
                                 "(R6, R8, R9, R15, R23 bestätigt) und legt es dem Plenum vor.")
    assert items[2].decision == UNDECIDED  # proposed again for the next Sitzung
    assert items[3].decision == ""


@pytest.mark.django_db
def test_a_second_request_leads_to_the_existing_protokoll(held, client):
    sitzung, _, _ = held
    client.force_login(user("agtransfer"))
    client.post(url(sitzung))
    count = ProtokollPage.objects.count()
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    response = client.post(url(sitzung))
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=(sitzung.protokoll_id,))
    assert ProtokollPage.objects.count() == count


@pytest.mark.django_db
def test_member_writes_schriftfuehrung_publishes_and_the_sitzung_closes(held, member, client):
    sitzung, _, _ = held
    page = draft_minutes(sitzung, user("agtransfer"))

    client.force_login(member)
    response = client.post(f"/admin/pages/{page.pk}/edit/", edit_form(page, body="<p>Von M.</p>"))
    assert response.status_code == 302
    assert "Von M." in ProtokollPage.objects.get(pk=page.pk).get_latest_revision_as_object().body
    client.post(f"/admin/pages/{page.pk}/edit/", edit_form(page, **{"action-publish": "1"}))
    page.refresh_from_db()
    assert not page.live  # a plain member cannot publish
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    assert sitzung.state == SitzungState.GEHALTEN

    client.force_login(user("agtransfer"))
    response = client.post(f"/admin/pages/{page.pk}/edit/",
                           edit_form(page, **{"action-publish": "1"}))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    assert sitzung.state == SitzungState.ABGESCHLOSSEN

    # A closed Sitzung takes no more decisions.
    veranstaltung = make_vorgang(Kind.VERANSTALTUNG, State.IN_AG_TRANSFER)
    late = top(sitzung, TopKind.VORGANG, "Nachzügler", veranstaltung)
    with pytest.raises(TransitionError):
        perform_transition(veranstaltung, "ag_zustimmen", user("agtransfer"), top=late,
                           checklist=ALL_CONFIRMED, notify=False)


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", [SitzungState.GEPLANT, SitzungState.EINGELADEN])
def test_refused_for_a_sitzung_not_held(demo_home, client, state):
    sitzung = ag_sitzung(timezone.now() + datetime.timedelta(days=3), state=state)
    client.force_login(user("agtransfer"))
    response = client.post(url(sitzung), HTTP_REFERER="/admin/")
    assert response.status_code == 302
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    assert sitzung.protokoll is None
    message = [str(m) for m in response.wsgi_request._messages][0]
    assert "gehaltene Sitzung" in message


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["member", "plenum", "redaktion", "fg-gefaehrdung"])
def test_refused_for_anyone_but_the_schriftfuehrung(held, member, client, username):
    sitzung, _, _ = held
    client.force_login(member if username == "member" else user(username))
    assert_denied(client.post(url(sitzung)))
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    assert sitzung.protokoll is None


@pytest.mark.django_db
def test_only_post_and_only_logged_in(held, client):
    sitzung, _, _ = held
    assert client.post(url(sitzung)).status_code == 302  # to the login
    client.force_login(user("agtransfer"))
    assert client.get(url(sitzung)).status_code == 405
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    assert sitzung.protokoll is None


@pytest.mark.django_db
def test_fachgruppe_members_draft_their_groups_minutes(demo_home, client):
    group = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    sitzung = Sitzung.objects.create(gremium=Gremium.FACHGRUPPE, fachgruppe=group,
                                     starts_at=timezone.now(), state=SitzungState.GEHALTEN)
    client.force_login(user("fg-gefaehrdung"))
    response = client.post(url(sitzung))
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=(sitzung.protokoll_id,))
    page = sitzung.protokoll
    assert page.get_parent().pk == group.pk and not page.live
    assert page.title == f"Protokoll der Sitzung der {group.title} vom {sitzung.date_local}"
    assert page.permissions_for_user(user("fg-gefaehrdung")).can_publish()


# --- the decision sentences ---------------------------------------------------------------------


def record(kind: str, name: str, **fields) -> Eintrag:
    """An unsaved record of step ``name`` about an item titled „X“."""
    vorgang = MACHINES[kind](kind=kind, page_title="X")
    return Eintrag(vorgang=vorgang, transition=name, label=name, **fields)


def test_every_step_decided_in_a_sitzung_has_its_sentence():
    for kind, machine in MACHINES.items():
        for transition in machine.transitions():
            step = step_of(transition)
            if not step.protokoll:
                assert not step.minutes, transition.name
                continue
            assert step.minutes, (kind, transition.name)
            text = decision_text(record(kind, transition.name, votes_yes=24, votes_no=2,
                                        votes_abstain=3, checklist=ALL_CONFIRMED,
                                        comment="Weil es so ist"))
            assert "{" not in text and "  " not in text and "„X“" in text, text
            assert ("Abstimmung: 24 Ja, 2 Nein, 3 Enthaltungen." in text) == step.votes, text
            assert ("Begründung: Weil es so ist." in text) == step.reasons, text
            assert ("R6, R8, R9, R15, R23 bestätigt" in text) == step.checklist, text


@pytest.mark.parametrize(("kind", "name", "fields", "expected"), [
    (Kind.VERANSTALTUNG, "ag_an_plenum_verweisen", {"checklist": ALL_CONFIRMED},
     "Die AG Transfer stimmt der Veranstaltung „X“ zu (R6, R8, R9, R15, R23 bestätigt) und legt "
     "sie dem Plenum vor."),
    (Kind.PRODUKT, "plenum_beschliessen", {"votes_yes": 24, "votes_no": 2, "votes_abstain": 3},
     "Das Plenum beschließt die Freigabe des Produkts „X“ (R11). "
     "Abstimmung: 24 Ja, 2 Nein, 3 Enthaltungen."),
    (Kind.PRODUKT, "ag_ablehnen", {"comment": "Wirbt für ein Seminar (R8)."},
     "Die AG Transfer lehnt das Produkt „X“ ab und gibt es an die Fachgruppe zurück. "
     "Begründung: Wirbt für ein Seminar (R8)."),
    (Kind.ANERKENNUNG, "plenum_aberkennen",
     {"votes_yes": 20, "votes_no": 5, "votes_abstain": 1, "comment": "Verstöße gegen R8"},
     "Das Plenum erkennt der Fachgruppe „X“ die Anerkennung ab (R22). "
     "Abstimmung: 20 Ja, 5 Nein, 1 Enthaltung. Begründung: Verstöße gegen R8."),
    (Kind.VERANSTALTUNG, "plenum_zustimmen",
     {"votes_yes": 9, "votes_no": 0, "votes_abstain": 0, "comment": "Mit Dank an die Gruppe."},
     "Das Plenum stimmt der Veranstaltung „X“ zu (R10). Abstimmung: 9 Ja, 0 Nein, "
     "0 Enthaltungen. Anmerkung: Mit Dank an die Gruppe."),
])
def test_decision_sentences_in_german(kind, name, fields, expected):
    assert decision_text(record(kind, name, **fields)) == expected


# --- R24: held Sitzungen with published minutes -------------------------------------------------


def r24_group() -> FachgruppePage:
    return FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")


def group_sitzung(group, day: datetime.date, state=SitzungState.GEHALTEN) -> Sitzung:
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    return Sitzung.objects.create(gremium=Gremium.FACHGRUPPE, fachgruppe=group, starts_at=starts,
                                  state=state)


def protokoll_for(sitzung: Sitzung, live: bool) -> ProtokollPage:
    page = ProtokollPage(title=f"Protokoll {sitzung.pk}", slug=f"protokoll-r24-{sitzung.pk}",
                         date=timezone.localdate(sitzung.starts_at), live=live)
    page.for_sitzung = sitzung
    sitzung.fachgruppe.add_child(instance=page)
    return page


def test_held_states_are_the_sitzung_states():
    assert set(HELD_STATES) == {SitzungState.GEHALTEN, SitzungState.ABGESCHLOSSEN}


@pytest.mark.django_db
def test_r24_counts_held_sitzungen_with_published_minutes_and_cites_them(demo_home):
    group = r24_group()
    dates = sorted(rule_inputs.held_meeting_dates([group])[group.pk])
    year = dates[-1].year
    [row] = compliance.build_rows(compliance.prepare(FachgruppePage.objects.filter(pk=group.pk)),
                                  year=year, today=datetime.date(year, 11, 25))
    cell = row.cell("R24-jahr")
    days = [d for d in dates if d.year == year]
    assert len(days) >= 2 and cell.findings == ()
    assert cell.evidence == f"Sitzungen mit Protokoll {year}: " + ", ".join(
        f"{d:%d.%m.%Y}" for d in days)
    assert cell.evidence in cell.explanation


@pytest.mark.django_db
def test_r24_ignores_planned_sitzungen_and_draft_protokolle(demo_home):
    """A year with one planned Sitzung (its Protokoll published) and one held Sitzung with a
    draft Protokoll has no Sitzung with minutes: R24 is not met."""
    group, year = r24_group(), 2020
    planned = group_sitzung(group, datetime.date(year, 3, 1), state=SitzungState.GEPLANT)
    protokoll_for(planned, live=True)
    drafted = group_sitzung(group, datetime.date(year, 6, 1))
    protokoll_for(drafted, live=False)
    group_sitzung(group, datetime.date(year, 9, 1))  # held, no Protokoll at all
    Sitzung.objects.filter(pk=planned.pk).update(state=SitzungState.GEPLANT)
    today = datetime.date(2026, 11, 25)
    findings = rules.check_r24_meets_twice(
        group, year, rule_inputs.held_meeting_dates([group])[group.pk], today=today)
    assert [f.message for f in findings] == [
        f"0 Protokoll(e) für {year}; mindestens 2 Sitzungen im Jahr."]
    [row] = compliance.build_rows(compliance.prepare(FachgruppePage.objects.filter(pk=group.pk)),
                                  year=year + 1, today=today)
    assert row.cell("R24-vorjahr").evidence == ""

    # Held, with its Protokoll published: these count.
    Sitzung.objects.filter(pk=planned.pk).update(state=SitzungState.ABGESCHLOSSEN)
    ProtokollPage.objects.get(pk=drafted.protokoll_id).save_revision().publish()
    assert rules.check_r24_meets_twice(
        group, year, rule_inputs.held_meeting_dates([group])[group.pk], today=today) == []
    [row] = compliance.build_rows(compliance.prepare(FachgruppePage.objects.filter(pk=group.pk)),
                                  year=year + 1, today=today)
    assert row.cell("R24-vorjahr").evidence == "Sitzungen mit Protokoll 2020: 01.03.2020, 01.06.2020"


@pytest.mark.django_db
def test_r24_report_loads_the_sitzungen_in_a_fixed_number_of_queries(
        demo_home, django_assert_max_num_queries, django_assert_num_queries):
    groups = compliance.prepare(FachgruppePage.objects.all())
    with django_assert_num_queries(1, info="R24: one query for the Sitzungen of all groups"):
        meetings = rule_inputs.held_meeting_dates(groups)
    assert set(meetings) == {group.pk for group in groups}
    context = compliance.Context(year=2026, today=datetime.date(2026, 11, 25), live_groups=(),
                                 meetings=meetings)
    with django_assert_max_num_queries(0, info="R24 reads what was loaded"):
        for group in groups:
            rules.check_r24_meets_twice(group, 2026, context.meetings_of(group))


@pytest.mark.django_db
def test_action_template_offers_draft_then_edit(held, rf):
    sitzung, _, _ = held
    request = rf.get("/admin/")
    html = render_to_string("workflow/sitzung/protokoll_action.html", {"sitzung": sitzung},
                            request=request)
    assert url(sitzung) in html and "Protokoll entwerfen" in html
    page = draft_minutes(sitzung, user("agtransfer"))
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    html = render_to_string("workflow/sitzung/protokoll_action.html", {"sitzung": sitzung},
                            request=request)
    assert reverse("wagtailadmin_pages:edit", args=(page.pk,)) in html
    assert "Protokoll entwerfen" not in html
