"""The Sitzung admin (issue 13): plan a Sitzung, edit its agenda, mark it held, decide per TOP.

Through the admin views with the demo's users, as the Schriftführung would click: the agenda
proposal on create (R18), who sees and runs which Sitzungen (R19), what a TOP may hold and
keep (R10, R11), recording a decision from the detail view's link, and the refusals.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from om_pages.models import FachgruppePage
from tests.workflow.conftest import form_data, make_vorgang, user
from workflow.models import (
    Eintrag,
    Kind,
    Sitzung,
    SitzungState,
    Tagesordnungspunkt,
    TopKind,
    Vorgang,
)
from workflow.permissions import may_run_sitzung
from workflow.sitzung_access import sitzung_rights

pytestmark = pytest.mark.django_db

NO_ACCESS = "Sie haben leider keinen Zugang zu diesem Bereich."
ADMIN_FORMAT = "%d.%m.%Y %H:%M"  # WAGTAIL_DATETIME_FORMAT


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime(ADMIN_FORMAT)


def create_data(gremium: str = "ag_transfer", fachgruppe=None, starts_at=None) -> dict:
    starts_at = starts_at or timezone.now() + datetime.timedelta(days=14)
    return {"gremium": gremium, "fachgruppe": fachgruppe.pk if fachgruppe else "",
            "starts_at": local(starts_at), "ends_at": "", "meeting_kind": "praesenz",
            "location": "Geschäftsstelle, Heidelberg", "online_url": "", "attendees": ""}


def edit_data(sitzung: Sitzung, **changes) -> dict:
    """The edit form as the browser posts it: the Sitzung and every TOP in its order;
    ``changes`` maps a TOP's index to the fields to change (``{"DELETE": "on"}``)."""
    tops = list(sitzung.agenda())
    data = {"gremium": sitzung.gremium,
            "fachgruppe": sitzung.fachgruppe_id or "",
            "starts_at": local(sitzung.starts_at),
            "ends_at": local(sitzung.ends_at) if sitzung.ends_at else "",
            "meeting_kind": sitzung.meeting_kind, "location": sitzung.location,
            "online_url": sitzung.online_url, "attendees": sitzung.attendees,
            "tops-TOTAL_FORMS": str(len(tops)), "tops-INITIAL_FORMS": str(len(tops)),
            "tops-MIN_NUM_FORMS": "0", "tops-MAX_NUM_FORMS": "1000"}
    if sitzung.public_agenda_titles:
        data["public_agenda_titles"] = "on"
    for i, top in enumerate(tops):
        data.update({f"tops-{i}-id": str(top.pk), f"tops-{i}-kind": top.kind,
                     f"tops-{i}-title": top.title, f"tops-{i}-vorgang": top.vorgang_id or "",
                     f"tops-{i}-notes": top.notes, f"tops-{i}-ORDER": str(i + 1),
                     f"tops-{i}-DELETE": ""})
    for key, value in changes.items():
        index, _, name = key.partition("__")
        data[f"tops-{index}-{name}"] = value
    return data


def add_top(data: dict, **fields) -> dict:
    """A new TOP at the end of ``edit_data``'s form."""
    i = int(data["tops-TOTAL_FORMS"])
    data.update({f"tops-{i}-id": "", f"tops-{i}-kind": fields.get("kind", TopKind.FREI),
                 f"tops-{i}-title": fields.get("title", ""),
                 f"tops-{i}-vorgang": fields.get("vorgang", ""), f"tops-{i}-notes": "",
                 f"tops-{i}-ORDER": str(i + 1), f"tops-{i}-DELETE": ""})
    data["tops-TOTAL_FORMS"] = str(i + 1)
    return data


def awaiting(gremium: str) -> list[int]:
    return list(Vorgang.objects.awaiting_body(gremium).values_list("pk", flat=True))


def arrived_days_ago(days: int = 3) -> None:
    """The demo's pending Vorgänge came before their bodies some days ago (the demo ran now)."""
    Vorgang.objects.exclude(awaiting="").update(
        waiting_since=timezone.now() - datetime.timedelta(days=days))


def group_page(slug: str) -> FachgruppePage:
    return FachgruppePage.objects.get(slug=slug)


@pytest.fixture
def ag_member(demo_home):
    """A member of the AG Transfer who is not its Schriftführung."""
    member = get_user_model().objects.create_user("ag-mitglied", password="x")
    member.groups.add(Group.objects.get(name="AG Transfer"))
    return member


def create(client, **kwargs) -> Sitzung:
    response = client.post("/admin/sitzungen/new/", create_data(**kwargs))
    assert response.status_code == 302, response.content.decode()[-3000:]
    sitzung = Sitzung.objects.order_by("-pk").first()
    assert response.url == f"/admin/sitzungen/edit/{sitzung.pk}/"
    return sitzung


def vorgang_tops(sitzung: Sitzung) -> list[int]:
    return [top.vorgang_id for top in sitzung.agenda() if top.vorgang_id]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- the agenda proposal on create (R18) -------------------------------------------------------


def test_creating_a_sitzung_proposes_every_pending_vorgang_once_oldest_first(demo_home, client):
    client.force_login(user("agtransfer"))
    Vorgang.objects.filter(pk=awaiting("ag_transfer")[-1]).update(
        waiting_since=timezone.now() - datetime.timedelta(days=30))  # the longest waiting now
    expected = awaiting("ag_transfer")
    assert len(expected) >= 3

    response = client.post("/admin/sitzungen/new/", create_data(), follow=True)

    sitzung = Sitzung.objects.order_by("-pk").first()
    assert response.redirect_chain == [(f"/admin/sitzungen/edit/{sitzung.pk}/", 302)]
    assert vorgang_tops(sitzung) == expected  # each once, the one waiting longest first
    kinds = [top.kind for top in sitzung.agenda()]
    assert kinds[:2] == [TopKind.PROTOKOLL, TopKind.BERICHTE]  # minutes, reports (R18)
    assert kinds[-1] == TopKind.VERSCHIEDENES
    assert [top.sort_order for top in sitzung.agenda()] == list(range(len(kinds)))
    assert (f"Tagesordnung vorgeschlagen: {len(expected)} Vorlagen"
            in " ".join(messages_of(response)))
    page = response.content.decode()
    assert 'name="tops-0-kind"' in page  # the edit form shows the agenda


def test_a_vorgang_not_decided_is_proposed_again_for_the_next_sitzung(demo_home, client):
    client.force_login(user("plenum"))
    first = create(client, gremium="plenum")
    assert first.gremium == "plenum"
    pending = vorgang_tops(first)
    assert pending == awaiting("plenum")

    later = create(client, gremium="plenum",
                   starts_at=first.starts_at + datetime.timedelta(days=30))

    assert vorgang_tops(later) == pending  # nothing was decided: all again
    assert later.agenda()[0].kind == TopKind.PROTOKOLL  # approval of the minutes of the first


def test_a_decided_vorgang_is_not_proposed_to_the_same_body_again(demo_home, client):
    arrived_days_ago()
    client.force_login(user("agtransfer"))
    produkt = Vorgang.objects.get(kind=Kind.PRODUKT, awaiting="ag_transfer")
    sitzung = Sitzung.objects.create(gremium="ag_transfer", state=SitzungState.GEHALTEN,
                                     starts_at=timezone.now() - datetime.timedelta(hours=2))
    top = Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=0, kind=TopKind.VORGANG,
                                            vorgang=produkt, title=produkt.page_title)
    data = form_data(produkt, "ag_zustimmen") | {"top": top.pk}
    assert client.post(f"/admin/freigabe/{produkt.page_id}/ag_zustimmen/", data).status_code == 302

    next_one = create(client)

    assert produkt.pk not in vorgang_tops(next_one)
    client.force_login(user("plenum"))
    assert produkt.pk in vorgang_tops(create(client, gremium="plenum"))  # now the Plenum's turn


def test_a_fachgruppe_sitzung_gets_only_the_standing_items(demo_home, client):
    client.force_login(user("fg-gefaehrdung"))
    own = group_page("gefaehrdungsbeurteilung")

    sitzung = create(client, gremium="fachgruppe", fachgruppe=own)

    assert sitzung.fachgruppe_id == own.pk
    assert vorgang_tops(sitzung) == []  # no other group's draft reaches its agenda (R19)
    assert [top.kind for top in sitzung.agenda()] == [TopKind.PROTOKOLL, TopKind.VERSCHIEDENES]


# --- who sees and who runs which Sitzungen (R19) -----------------------------------------------


def test_a_plain_body_member_sees_but_cannot_create_or_edit(ag_member, client):
    client.force_login(ag_member)
    upcoming = Sitzung.objects.of_body("ag_transfer").upcoming().first()
    before = Sitzung.objects.count()

    listing = client.get("/admin/sitzungen/")
    assert listing.status_code == 200
    assert f"/admin/sitzungen/inspect/{upcoming.pk}/" in listing.content.decode()
    assert f"/admin/sitzungen/edit/{upcoming.pk}/" not in listing.content.decode()
    assert "/admin/sitzungen/new/" not in listing.content.decode()

    assert NO_ACCESS in " ".join(messages_of(client.get("/admin/sitzungen/new/", follow=True)))
    client.post("/admin/sitzungen/new/", create_data())
    assert Sitzung.objects.count() == before

    edit = client.get(f"/admin/sitzungen/edit/{upcoming.pk}/", follow=True)
    assert 'name="tops-0-kind"' not in edit.content.decode()
    assert NO_ACCESS in " ".join(messages_of(edit))
    client.post(f"/admin/sitzungen/edit/{upcoming.pk}/",
                edit_data(upcoming, **{"0__title": "Umbenannt"}))
    assert upcoming.agenda()[0].title != "Umbenannt"

    detail = client.get(f"/admin/sitzungen/inspect/{upcoming.pk}/").content.decode()
    assert "Vorlage lesen" in detail  # members read what is decided
    assert "Sitzung und Tagesordnung bearbeiten" not in detail
    assert "Als gehalten vermerken" not in detail


def test_the_schriftfuehrung_edits_only_its_own_bodys_sitzungen(demo_home, client):
    client.force_login(user("agtransfer"))
    plenum = Sitzung.objects.of_body("plenum").upcoming().first()
    listing = client.get("/admin/sitzungen/").content.decode()
    assert f"/admin/sitzungen/inspect/{plenum.pk}/" not in listing  # not an AG member
    assert client.get(f"/admin/sitzungen/inspect/{plenum.pk}/").status_code == 404
    assert client.get(f"/admin/sitzungen/edit/{plenum.pk}/").status_code == 404
    response = client.post("/admin/sitzungen/new/", create_data(gremium="plenum"))
    assert response.status_code == 200
    assert not Sitzung.objects.filter(gremium="plenum", location="Geschäftsstelle, Heidelberg").exists()


def test_the_redaktion_sees_every_sitzung_and_edits_none(demo_home, client):
    client.force_login(user("redaktion"))
    listing = client.get("/admin/sitzungen/?per_page=100").content.decode()
    for sitzung in Sitzung.objects.order_by("-starts_at")[:10]:
        assert f"/admin/sitzungen/inspect/{sitzung.pk}/" in listing
    upcoming = Sitzung.objects.of_body("plenum").upcoming().first()
    assert client.get(f"/admin/sitzungen/inspect/{upcoming.pk}/").status_code == 200
    assert client.get(f"/admin/sitzungen/edit/{upcoming.pk}/").status_code == 302
    assert "/admin/sitzungen/new/" not in listing


def test_a_fachgruppe_editor_sees_and_edits_only_its_own_groups_sitzungen(demo_home, client):
    editor = user("fg-gefaehrdung")
    client.force_login(editor)
    own = group_page("gefaehrdungsbeurteilung")
    other = FachgruppePage.objects.filter(sitzungen__isnull=False,
                                          title__icontains="Digitalisierung").distinct().get()
    mine = Sitzung.objects.of_body("fachgruppe", own)
    theirs = Sitzung.objects.of_body("fachgruppe", other).first()
    body = Sitzung.objects.of_body("ag_transfer").upcoming().first()

    listing = client.get("/admin/sitzungen/").content.decode()
    assert all(f"/admin/sitzungen/inspect/{s.pk}/" in listing for s in mine)
    assert f"/admin/sitzungen/inspect/{theirs.pk}/" not in listing
    assert f"/admin/sitzungen/inspect/{body.pk}/" not in listing
    for sitzung in (theirs, body):
        assert client.get(f"/admin/sitzungen/inspect/{sitzung.pk}/").status_code == 404
        assert client.get(f"/admin/sitzungen/edit/{sitzung.pk}/").status_code == 404
        assert client.post(f"/admin/sitzungen/edit/{sitzung.pk}/", edit_data(sitzung)).status_code == 404
        assert client.post(f"/admin/sitzungen/held/{sitzung.pk}/").status_code == 404
    assert other.title not in client.get("/admin/sitzungen/new/").content.decode()

    planned = create(client, gremium="fachgruppe", fachgruppe=own)
    response = client.post(f"/admin/sitzungen/edit/{planned.pk}/",
                           edit_data(planned, **{"1__title": "Austausch mit den Partnern"})
                           | {"gremium": "ag_transfer", "fachgruppe": other.pk})
    assert response.status_code == 302
    planned = Sitzung.objects.get(pk=planned.pk)
    assert (planned.gremium, planned.fachgruppe_id) == ("fachgruppe", own.pk)  # fixed
    assert planned.agenda()[1].title == "Austausch mit den Partnern"


@pytest.mark.parametrize(("gremium", "group_slug", "field", "message"), [
    ("ag_transfer", None, "gremium", "deren Schriftführung Sie sind"),
    ("leitungskreis", None, "gremium", "deren Schriftführung Sie sind"),
    ("fachgruppe", "other", "fachgruppe", "Sie können nur Sitzungen Ihrer eigenen Fachgruppe planen."),
    ("fachgruppe", None, "fachgruppe", "Bitte die Fachgruppe wählen"),
])
def test_a_fachgruppe_editor_cannot_forge_gremium_or_fachgruppe(demo_home, client, gremium,
                                                                group_slug, field, message):
    client.force_login(user("fg-gefaehrdung"))
    group = (FachgruppePage.objects.exclude(slug="gefaehrdungsbeurteilung").first()
             if group_slug else None)
    before = Sitzung.objects.count()

    response = client.post("/admin/sitzungen/new/", create_data(gremium, fachgruppe=group))

    assert response.status_code == 200
    assert Sitzung.objects.count() == before
    assert any(message in error for error in response.context["form"].errors[field])


def test_the_rights_say_what_may_run_sitzung_says_for_every_demo_user(demo_home, ag_member):
    """``SitzungRights`` is ``permissions.may_run_sitzung`` as a query: both agree everywhere."""
    sitzungen = list(Sitzung.objects.select_related("fachgruppe"))
    for person in get_user_model().objects.all():
        rights = sitzung_rights(person)
        for sitzung in sitzungen:
            assert rights.may_run(sitzung) == may_run_sitzung(sitzung, person), (person, sitzung)


def test_the_choices_offer_only_what_the_user_runs(demo_home, client):
    client.force_login(user("agtransfer"))
    form = client.get("/admin/sitzungen/new/").context["form"]
    assert [value for value, _ in form.fields["gremium"].choices if value] == ["ag_transfer"]
    assert not form.fields["fachgruppe"].queryset.exists()
    client.force_login(user("admin"))
    form = client.get("/admin/sitzungen/new/").context["form"]
    assert {value for value, _ in form.fields["gremium"].choices if value} == {
        "leitungskreis", "ag_transfer", "plenum", "fachgruppe"}


def test_the_listing_filters_by_gremium_and_state(demo_home, client):
    client.force_login(user("admin"))
    page = client.get("/admin/sitzungen/?gremium=plenum&state=gehalten").content.decode()
    held = Sitzung.objects.filter(gremium="plenum", state="gehalten")
    assert held and all(f"/admin/sitzungen/inspect/{s.pk}/" in page for s in held)
    others = Sitzung.objects.exclude(gremium="plenum", state="gehalten")
    assert not any(f"/admin/sitzungen/inspect/{s.pk}/" in page for s in others)


def test_the_listing_shows_date_body_state_and_number_of_tops(demo_home, client):
    client.force_login(user("agtransfer"))
    sitzung = Sitzung.objects.of_body("ag_transfer").upcoming().first()
    sitzung.starts_at = datetime.datetime(2027, 1, 12, 9, 0, tzinfo=datetime.UTC)
    sitzung.save()
    page = client.get("/admin/sitzungen/?state=geplant").content.decode()
    row = page[page.index(f"/admin/sitzungen/inspect/{sitzung.pk}/"):]
    row = row[:row.index("</tr>")]
    assert "12.01.2027, 10:00" in row  # Europe/Berlin
    assert "AG Transfer" in row and "Geplant" in row
    assert re.search(rf">\s*{sitzung.tops.count()}\s*<", row)


# --- the agenda in the edit form (R10, R11) ----------------------------------------------------


def test_the_schriftfuehrung_reorders_adds_and_removes_tops(demo_home, client):
    client.force_login(user("agtransfer"))
    sitzung = create(client)
    tops = list(sitzung.agenda())
    data = edit_data(sitzung, **{"0__ORDER": "3", "2__ORDER": "1", "3__DELETE": "on"})
    data = add_top(data, title="Termine 2027")

    response = client.post(f"/admin/sitzungen/edit/{sitzung.pk}/", data)

    assert response.status_code == 302, response.context["form"].errors
    agenda = list(sitzung.agenda())
    assert agenda[0].pk == tops[2].pk
    assert tops[3].pk not in [top.pk for top in agenda]
    assert agenda[-1].title == "Termine 2027"
    assert [top.sort_order for top in agenda] == list(range(len(agenda)))


def test_vorgang_choices_are_limited_to_what_awaits_the_body(demo_home, client):
    client.force_login(user("agtransfer"))
    sitzung = create(client)
    form = client.get(f"/admin/sitzungen/edit/{sitzung.pk}/").context["form"]
    offered = set(form.formsets["tops"].forms[0].fields["vorgang"].queryset.values_list("pk", flat=True))
    assert offered == set(awaiting("ag_transfer"))

    plenum_item = awaiting("plenum")[0]
    response = client.post(f"/admin/sitzungen/edit/{sitzung.pk}/",
                           add_top(edit_data(sitzung), kind=TopKind.VORGANG, vorgang=plenum_item))

    assert response.status_code == 200
    assert not sitzung.tops.filter(vorgang_id=plenum_item).exists()
    errors = response.context["form"].formsets["tops"].errors[-1]
    assert "wartet nicht auf dieses Gremium" in " ".join(errors["vorgang"])


def test_a_vorgang_already_on_a_top_stays_choosable_and_is_not_listed_twice(demo_home, client):
    client.force_login(user("agtransfer"))
    sitzung = Sitzung.objects.get(pk=Eintrag.objects.filter(
        sitzung__gremium="ag_transfer", sitzung__state="gehalten").values("sitzung")[:1])
    decided = Eintrag.objects.filter(sitzung=sitzung).first().tagesordnungspunkt
    form = client.get(f"/admin/sitzungen/edit/{sitzung.pk}/").context["form"]
    index = [f.instance.pk for f in form.formsets["tops"].forms].index(decided.pk)
    assert decided.vorgang_id in form.formsets["tops"].forms[index].fields["vorgang"].queryset.values_list(
        "pk", flat=True)  # it no longer awaits the AG Transfer, yet stays on its TOP

    pending = awaiting("ag_transfer")[0]
    sitzung_data = edit_data(Sitzung.objects.of_body("ag_transfer").upcoming().first())
    target = Sitzung.objects.of_body("ag_transfer").upcoming().first()
    response = client.post(f"/admin/sitzungen/edit/{target.pk}/",
                           add_top(sitzung_data, kind=TopKind.VORGANG, vorgang=pending))
    assert response.status_code == 200
    assert "steht zweimal auf der Tagesordnung" in " ".join(
        response.context["form"].formsets["tops"].non_form_errors())


def test_a_top_with_a_recorded_decision_cannot_be_removed_or_changed(demo_home, client):
    client.force_login(user("agtransfer"))
    entry = Eintrag.objects.filter(sitzung__gremium="ag_transfer", sitzung__state="gehalten").first()
    sitzung, decided = entry.sitzung, entry.tagesordnungspunkt
    index = [top.pk for top in sitzung.agenda()].index(decided.pk)

    removed = client.post(f"/admin/sitzungen/edit/{sitzung.pk}/",
                          edit_data(sitzung, **{f"{index}__DELETE": "on"}))
    assert removed.status_code == 200  # a German error, not a 500 from PROTECT
    assert "kann nicht entfernt werden: unter ihm ist ein Beschluss erfasst" in " ".join(
        removed.context["form"].formsets["tops"].non_form_errors())
    assert Tagesordnungspunkt.objects.filter(pk=decided.pk).exists()

    other = awaiting("ag_transfer")[0]
    changed = client.post(f"/admin/sitzungen/edit/{sitzung.pk}/",
                          edit_data(sitzung, **{f"{index}__vorgang": str(other)}))
    assert changed.status_code == 200
    assert "kann nicht mehr gewechselt werden" in " ".join(
        changed.context["form"].formsets["tops"].errors[index]["vorgang"])
    decided.refresh_from_db()
    assert decided.vorgang_id == entry.vorgang_id

    renamed = client.post(f"/admin/sitzungen/edit/{sitzung.pk}/",
                          edit_data(sitzung, **{f"{index}__notes": "Einstimmig."}))
    assert renamed.status_code == 302  # its notes may still be completed
    decided.refresh_from_db()
    assert decided.notes == "Einstimmig."


def test_a_closed_sitzung_can_no_longer_be_edited(demo_home, client):
    client.force_login(user("fg-gefaehrdung"))
    closed = Sitzung.objects.filter(fachgruppe=group_page("gefaehrdungsbeurteilung"),
                                    state=SitzungState.ABGESCHLOSSEN).first()
    response = client.post(f"/admin/sitzungen/edit/{closed.pk}/",
                           edit_data(closed, location="Anderswo") | {"location": "Anderswo"},
                           follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/sitzungen/inspect/{closed.pk}/"
    assert "abgeschlossen" in " ".join(messages_of(response))
    closed = Sitzung.objects.get(pk=closed.pk)
    assert closed.location != "Anderswo"
    assert "Sitzung und Tagesordnung bearbeiten" not in response.content.decode()


# --- held, and the decision per TOP through the admin (R1, R10, R11) --------------------------


def test_als_gehalten_vermerken_is_refused_for_a_future_sitzung(demo_home, client):
    client.force_login(user("agtransfer"))
    upcoming = Sitzung.objects.of_body("ag_transfer").upcoming().first()

    response = client.post(f"/admin/sitzungen/held/{upcoming.pk}/", follow=True)

    upcoming = Sitzung.objects.get(pk=upcoming.pk)
    assert upcoming.state == SitzungState.GEPLANT
    assert "liegt in der Zukunft" in " ".join(messages_of(response))


def test_als_gehalten_vermerken_needs_the_schriftfuehrung(ag_member, client):
    sitzung = Sitzung.objects.create(gremium="ag_transfer",
                                     starts_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(ag_member)
    client.post(f"/admin/sitzungen/held/{sitzung.pk}/")
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    assert sitzung.state == SitzungState.GEPLANT
    assert client.get(f"/admin/sitzungen/held/{sitzung.pk}/").status_code == 405


def test_the_schriftfuehrung_records_a_decision_from_the_detail_view(demo_home, client):
    """Plan, mark held, follow "Beschluss erfassen", post the form: the record names the TOP."""
    arrived_days_ago()
    client.force_login(user("agtransfer"))
    produkt = Vorgang.objects.get(kind=Kind.PRODUKT, awaiting="ag_transfer")
    sitzung = create(client, starts_at=timezone.now() - datetime.timedelta(hours=2))
    top = sitzung.tops.get(vorgang=produkt)
    detail_url = f"/admin/sitzungen/inspect/{sitzung.pk}/"
    assert "Beschluss erfassen" not in client.get(detail_url).content.decode()  # not yet held

    held = client.post(f"/admin/sitzungen/held/{sitzung.pk}/", follow=True)
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    assert sitzung.state == SitzungState.GEHALTEN
    assert "als gehalten vermerkt" in " ".join(messages_of(held))

    detail = client.get(detail_url).content.decode()
    link = f"/admin/freigabe/{produkt.page_id}/ag_zustimmen/?top={top.pk}"
    assert f'href="{link}"' in detail
    assert "Beschluss erfassen: Zustimmen und dem Plenum vorlegen" in detail
    assert f'href="/admin/vorgaenge/{produkt.pk}/fassung/"' in detail  # read what is decided

    form = client.get(link)
    assert form.status_code == 200
    assert form.context["form"]["top"].value() == str(top.pk)
    assert re.search(rf'<option value="{top.pk}" selected>', form.content.decode())

    data = form_data(produkt, "ag_zustimmen") | {"top": top.pk}
    assert client.post(link, data).status_code == 302

    entry = Eintrag.objects.get(vorgang=produkt, transition="ag_zustimmen")
    assert (entry.sitzung_id, entry.tagesordnungspunkt_id) == (sitzung.pk, top.pk)
    detail = client.get(detail_url).content.decode()
    assert "Zustimmen und dem Plenum vorlegen, erfasst am" in detail
    assert f"?top={top.pk}" not in detail  # decided: now the Plenum's turn


def test_plenum_votes_are_shown_under_the_top(demo_home, client):
    arrived_days_ago()
    client.force_login(user("plenum"))
    produkt = Vorgang.objects.get(kind=Kind.PRODUKT, awaiting="plenum")
    sitzung = Sitzung.objects.create(gremium="plenum", state=SitzungState.GEHALTEN,
                                     starts_at=timezone.now() - datetime.timedelta(hours=1))
    top = Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=0, kind=TopKind.VORGANG,
                                            vorgang=produkt, title=produkt.page_title)
    detail = client.get(f"/admin/sitzungen/inspect/{sitzung.pk}/").content.decode()
    assert "Beschluss erfassen: Beschließen (Plenumsbeschluss)" in detail
    assert "Beschluss erfassen: Ablehnen (Plenumsbeschluss)" in detail

    url = f"/admin/freigabe/{produkt.page_id}/plenum_beschliessen/?top={top.pk}"
    assert client.post(url, form_data(produkt, "plenum_beschliessen") | {"top": top.pk}).status_code == 302
    detail = client.get(f"/admin/sitzungen/inspect/{sitzung.pk}/").content.decode()
    assert "Beschließen (Plenumsbeschluss) (20 Ja / 3 Nein / 1 Enth.)" in detail


def test_no_decision_links_for_a_member_who_is_not_the_schriftfuehrung(ag_member, client):
    arrived_days_ago()
    sitzung = Sitzung.objects.create(gremium="ag_transfer", state=SitzungState.GEHALTEN,
                                     starts_at=timezone.now() - datetime.timedelta(hours=1))
    produkt = Vorgang.objects.get(kind=Kind.PRODUKT, awaiting="ag_transfer")
    Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=0, kind=TopKind.VORGANG,
                                      vorgang=produkt, title=produkt.page_title)
    client.force_login(ag_member)
    detail = client.get(f"/admin/sitzungen/inspect/{sitzung.pk}/").content.decode()
    assert "Vorlage lesen" in detail
    assert "Beschluss erfassen" not in detail


def _sitzung_of(gremium: str, state: str, starts_in: datetime.timedelta) -> Sitzung:
    return Sitzung.objects.create(gremium=gremium, state=state, starts_at=timezone.now() + starts_in)


HOUR = datetime.timedelta(hours=1)


@pytest.mark.parametrize(("gremium", "state", "starts_in", "message"), [
    ("plenum", SitzungState.GEHALTEN, -HOUR, "Bitte einen Tagesordnungspunkt dieser Vorlage"),
    ("ag_transfer", SitzungState.GEPLANT, -HOUR, "noch nicht als gehalten vermerkt"),
    ("ag_transfer", SitzungState.EINGELADEN, -HOUR, "noch nicht als gehalten vermerkt"),
    ("ag_transfer", SitzungState.GEHALTEN, 24 * HOUR, "liegt in der Zukunft"),
    ("ag_transfer", SitzungState.ABGESCHLOSSEN, -HOUR, "ist abgeschlossen"),
], ids=["other-body", "planned", "invited", "future", "closed"])
def test_a_decision_is_refused_through_the_admin(demo_home, client, gremium, state, starts_in,
                                                 message):
    arrived_days_ago()
    produkt = Vorgang.objects.get(kind=Kind.PRODUKT, awaiting="ag_transfer")
    sitzung = _sitzung_of(gremium, state, starts_in)
    top = Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=0, kind=TopKind.VORGANG,
                                            vorgang=produkt, title=produkt.page_title)
    client.force_login(user("agtransfer"))
    url = f"/admin/freigabe/{produkt.page_id}/ag_zustimmen/?top={top.pk}"

    response = client.post(url, form_data(produkt, "ag_zustimmen") | {"top": top.pk})

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["top"])
    assert not Eintrag.objects.filter(vorgang=produkt, transition="ag_zustimmen").exists()
    produkt.refresh_from_db()
    assert produkt.awaiting == "ag_transfer"
    detail = client.get(f"/admin/sitzungen/inspect/{sitzung.pk}/")
    if gremium == "ag_transfer":
        assert "Beschluss erfassen" not in detail.content.decode()  # no link offered either


def test_only_a_sitzung_not_yet_held_is_deleted_by_its_schriftfuehrung(demo_home, client):
    client.force_login(user("agtransfer"))
    planned = create(client)
    held = Eintrag.objects.filter(sitzung__gremium="ag_transfer").first().sitzung

    refused = client.post(f"/admin/sitzungen/delete/{held.pk}/", follow=True)
    assert "kann nicht gelöscht werden" in " ".join(messages_of(refused))
    assert Sitzung.objects.filter(pk=held.pk).exists()

    assert client.post(f"/admin/sitzungen/delete/{planned.pk}/").status_code == 302
    assert not Sitzung.objects.filter(pk=planned.pk).exists()
    assert not Tagesordnungspunkt.objects.filter(sitzung_id=planned.pk).exists()


# --- query bound of the detail view ------------------------------------------------------------

#: Session, user, permissions, the user's groups and Fachgruppen, the Sitzung, its TOPs with
#: their Vorgänge, its entries, one check per body permission, Wagtail's menu: not per TOP.
QUERY_BOUND = 18


@pytest.mark.parametrize("count", [5, 50])
def test_the_detail_view_queries_do_not_grow_with_the_agenda(demo_home, client, count,
                                                             django_assert_max_num_queries):
    arrived_days_ago()
    sitzung = Sitzung.objects.create(gremium="ag_transfer", state=SitzungState.GEHALTEN,
                                     starts_at=timezone.now() - HOUR)
    for number in range(count):
        vorgang = make_vorgang(Kind.PRODUKT, "in_ag_transfer")
        Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=number, kind=TopKind.VORGANG,
                                          vorgang=vorgang, title=f"Vorlage {number}")
    client.force_login(user("agtransfer"))
    url = f"/admin/sitzungen/inspect/{sitzung.pk}/"
    client.get(url)  # warm caches that are not per request

    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(url)

    assert response.content.decode().count("Beschluss erfassen: ") == 2 * count
    assert response.content.decode().count("Vorlage lesen") == count
