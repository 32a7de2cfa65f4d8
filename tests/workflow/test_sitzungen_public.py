"""The public face of the Sitzungen (issue 13, R19): the body's and the group's page list the
upcoming Sitzungen with their public agenda and the past ones with their published Protokoll
and Beschlüsse; ``/sitzungen/<uid>/`` shows one. Drafts, notes and undecided titles stay inside.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.models import PageViewRestriction

from om_pages.models import (
    FachgruppePage,
    GremiumPage,
    MeetingKind,
    ProduktKind,
    ProduktPage,
    ProtokollPage,
)
from tests.approval import publish_decided
from tests.workflow.conftest import make_vorgang
from workflow.models import (
    Eintrag,
    Gremium,
    Kind,
    Sitzung,
    SitzungState,
    State,
    Tagesordnungspunkt,
    TopKind,
)

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Leitfaden Vertrauliche Vorlage"
SECRET_SUMMARY = "Zusammenfassung nur für die AG Transfer"
NOTE = "Interne Erläuterung: bitte Rückfrage bei der Koordination"


def body_page(kind: str = Gremium.AG_TRANSFER) -> GremiumPage:
    return GremiumPage.objects.get(kind=kind)


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def detail_url(sitzung: Sitzung) -> str:
    return f"/sitzungen/{sitzung.uid}/"


def new_sitzung(days: int, state: str = SitzungState.GEPLANT, body: str = Gremium.AG_TRANSFER,
                **fields) -> Sitzung:
    """A Sitzung ``days`` from now (negative: in the past)."""
    start = (timezone.localtime() + datetime.timedelta(days=days)).replace(
        hour=14, minute=30, second=0, microsecond=0)
    return Sitzung.objects.create(gremium=body, starts_at=start, state=state, **fields)


def add_top(sitzung: Sitzung, title: str, vorgang=None, notes: str = "") -> Tagesordnungspunkt:
    return Tagesordnungspunkt.objects.create(
        sitzung=sitzung, sort_order=sitzung.tops.count(), title=title, notes=notes,
        kind=TopKind.VORGANG if vorgang is not None else TopKind.FREI, vorgang=vorgang)


def unpublished_produkt(title: str = SECRET_TITLE, slug: str = "vertrauliche-vorlage") -> ProduktPage:
    """A Produkt of a public Fachgruppe, never published, with a summary the public must not read."""
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    produkt = ProduktPage(title=title, slug=slug, kind=ProduktKind.LEITFADEN,
                          summary=SECRET_SUMMARY, live=False)
    fachgruppe.add_child(instance=produkt)
    produkt.save_revision()
    return ProduktPage.objects.get(pk=produkt.pk)


def record(vorgang, sitzung: Sitzung, top: Tagesordnungspunkt, name: str, label: str,
           target: str) -> Eintrag:
    """The Eintrag of a body's decision under ``top`` (the record as the transition writes it)."""
    return Eintrag.objects.create(vorgang=vorgang, transition=name, label=label,
                                  source=vorgang.state, target=target, sitzung=sitzung,
                                  tagesordnungspunkt=top)


def section(html: str) -> str:
    """The page's "Sitzungen" section only."""
    start = html.index('id="sitzungen"')
    return html[start:html.index("</section>", start)]


# --- upcoming: date, place, public agenda --------------------------------------------------------

def test_upcoming_sitzung_shows_date_place_and_agenda(demo_home, client):
    sitzung = new_sitzung(10, meeting_kind=MeetingKind.VIDEO,
                          online_url="https://konferenz.example.org/geheimer-raum")
    add_top(sitzung, "Bericht der Geschäftsstelle")
    add_top(sitzung, TopKind.VERSCHIEDENES.label)
    with translation.override("de"):
        when = date_format(timezone.localtime(sitzung.starts_at), "l, j. F Y, H:i")
    for html in (section(html_of(client, body_page().url)), html_of(client, detail_url(sitzung))):
        assert f"{when} Uhr" in html  # Europe/Berlin, German: "Dienstag, 8. Dezember 2026, 14:30"
        assert "Bericht der Geschäftsstelle" in html and "Verschiedenes" in html
        assert "online" in html
        assert "geheimer-raum" not in html  # the online link is for the members only
    assert detail_url(sitzung) in html_of(client, body_page().url)


def test_upcoming_sitzung_in_person_shows_its_place(demo_home, client):
    sitzung = new_sitzung(5, location="Haus der Wirtschaft, Stuttgart")
    add_top(sitzung, "Jahresplanung")
    html = section(html_of(client, body_page().url))
    assert "Haus der Wirtschaft, Stuttgart" in html and "Jahresplanung" in html


def test_a_sitzung_of_another_body_is_not_on_the_page(demo_home, client):
    sitzung = new_sitzung(5, body=Gremium.PLENUM)
    add_top(sitzung, "Nur im Plenum")
    assert "Nur im Plenum" not in html_of(client, body_page(Gremium.AG_TRANSFER).url)
    assert "Nur im Plenum" in html_of(client, body_page(Gremium.PLENUM).url)


def test_a_fachgruppe_page_lists_its_own_sitzungen(demo_home, client):
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    sitzung = new_sitzung(7, body=Gremium.FACHGRUPPE, fachgruppe=fachgruppe,
                          location="Dortmund")
    add_top(sitzung, "Arbeitsplanung der Fachgruppe")
    html = section(html_of(client, fachgruppe.url))
    assert "Arbeitsplanung der Fachgruppe" in html and detail_url(sitzung) in html
    other = FachgruppePage.objects.get(slug="digitalisierung")
    assert "Arbeitsplanung der Fachgruppe" not in html_of(client, other.url)


# --- R19: the agenda never tells what is not public -----------------------------------------------

def test_undecided_unpublished_produkt_shows_no_title_without_public_agenda_titles(demo_home, client):
    produkt = unpublished_produkt()
    vorgang = make_vorgang(Kind.PRODUKT, State.IN_AG_TRANSFER, page=produkt)
    sitzung = new_sitzung(10)
    add_top(sitzung, f"Produktfreigabe: {SECRET_TITLE}", vorgang=vorgang)
    for html in (html_of(client, body_page().url), html_of(client, detail_url(sitzung))):
        assert "Beratung einer Produktfreigabe" in html
        assert "Fachgruppe Gefährdungsbeurteilung" in html  # the group is public, the item not
        assert SECRET_TITLE not in html and SECRET_SUMMARY not in html
        assert produkt.url not in html and "/admin/" not in html


def test_public_agenda_titles_shows_the_title_never_the_content(demo_home, client):
    produkt = unpublished_produkt()
    vorgang = make_vorgang(Kind.PRODUKT, State.IN_AG_TRANSFER, page=produkt)
    sitzung = new_sitzung(10, public_agenda_titles=True)
    add_top(sitzung, f"Produktfreigabe: {SECRET_TITLE}", vorgang=vorgang)
    for html in (html_of(client, body_page().url), html_of(client, detail_url(sitzung))):
        assert SECRET_TITLE in html
        assert SECRET_SUMMARY not in html
        assert produkt.url not in html and "/admin/" not in html  # no link to the draft


def test_an_item_approved_in_an_earlier_sitzung_is_named_on_the_next_agenda(demo_home, client):
    """Its title is public knowledge: the AG Transfer's Beschluss names it (R19)."""
    produkt = unpublished_produkt()
    vorgang = make_vorgang(Kind.PRODUKT, State.IN_AG_TRANSFER, page=produkt)
    held = new_sitzung(-3, state=SitzungState.GEHALTEN)
    record(vorgang, held, add_top(held, "x", vorgang), "ag_zustimmen",
           "Zustimmen und dem Plenum vorlegen", State.IM_PLENUM)
    plenum = new_sitzung(10, body=Gremium.PLENUM)
    add_top(plenum, f"Produktfreigabe: {SECRET_TITLE}", vorgang=vorgang)
    html = html_of(client, detail_url(plenum))
    assert SECRET_TITLE in html and SECRET_SUMMARY not in html and produkt.url not in html


def test_anonymous_visitors_see_no_internal_notes(demo_home, client):
    produkt = unpublished_produkt()
    vorgang = make_vorgang(Kind.PRODUKT, State.IN_AG_TRANSFER, page=produkt)
    upcoming = new_sitzung(10, public_agenda_titles=True)
    add_top(upcoming, "Bericht", notes=NOTE)
    add_top(upcoming, "Vorlage", vorgang=vorgang, notes=NOTE)
    held = new_sitzung(-2, state=SitzungState.GEHALTEN)
    add_top(held, "Rückblick", notes=NOTE)
    for url in (body_page().url, detail_url(upcoming), detail_url(held)):
        html = html_of(client, url)
        assert "Bericht" in html or "Rückblick" in html
        assert NOTE not in html


# --- past: the published Protokoll, never a draft ------------------------------------------------

def draft_protokoll(sitzung: Sitzung, title: str) -> ProtokollPage:
    """The Sitzung's Protokoll, saved as a draft under the body's page."""
    protokoll = ProtokollPage(title=title, slug="protokoll-entwurf-test", live=False,
                              date=timezone.localdate(sitzung.starts_at),
                              body="<p>Noch nicht abgestimmter Text.</p>")
    protokoll.for_sitzung = sitzung
    body_page(sitzung.gremium).add_child(instance=protokoll)
    protokoll.save_revision()
    assert Sitzung.objects.get(pk=sitzung.pk).protokoll_id == protokoll.pk
    return ProtokollPage.objects.get(pk=protokoll.pk)


def test_past_sitzung_links_its_live_protokoll_never_a_draft(demo_home, client):
    sitzung = new_sitzung(-2, state=SitzungState.GEHALTEN)
    protokoll = draft_protokoll(sitzung, "Protokoll der Testsitzung")
    for html in (section(html_of(client, body_page().url)), html_of(client, detail_url(sitzung))):
        assert "Protokoll der Testsitzung" not in html and protokoll.url not in html
        assert "Das Protokoll ist noch nicht veröffentlicht." in html
    protokoll.save_revision().publish()
    protokoll.refresh_from_db()
    assert Sitzung.objects.get(pk=sitzung.pk).state == SitzungState.ABGESCHLOSSEN
    for html in (section(html_of(client, body_page().url)), html_of(client, detail_url(sitzung))):
        assert f'href="{protokoll.url}"' in html and "Protokoll der Testsitzung" in html


def test_a_groups_sitzung_is_gone_once_the_group_is_unpublished(demo_home, client):
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    sitzung = Sitzung.objects.filter(fachgruppe=fachgruppe, protokoll__live=True).first()
    protokoll = sitzung.protokoll
    assert f'href="{protokoll.url}"' in html_of(client, detail_url(sitzung))
    fachgruppe.unpublish()  # its live Protokolle are no longer served either (om_pages.serving)
    assert client.get(detail_url(sitzung)).status_code == 404


# --- Beschlüsse: linked only to what a visitor may open ------------------------------------------

def test_beschluss_links_the_published_produkt(demo_home, client):
    produkt = publish_decided(unpublished_produkt("Leitfaden Beschlossen", "leitfaden-beschlossen"))
    entry = Eintrag.objects.get(vorgang__page_id=produkt.pk, transition="ag_zustimmen")
    html = html_of(client, body_page().url)
    assert f'href="{produkt.url}">Leitfaden Beschlossen</a>' in html
    assert "Zustimmen und dem Plenum vorlegen" in html
    detail = html_of(client, detail_url(entry.sitzung))
    assert f'href="{produkt.url}">Leitfaden Beschlossen</a>' in detail
    assert SECRET_SUMMARY not in detail  # the summary stays on the Produkt's own page


def test_approved_unpublished_produkt_is_named_but_never_linked(demo_home, client):
    produkt = unpublished_produkt()
    vorgang = make_vorgang(Kind.PRODUKT, State.IN_AG_TRANSFER, page=produkt)
    held = new_sitzung(-1, state=SitzungState.GEHALTEN)
    record(vorgang, held, add_top(held, "Vorlage", vorgang), "ag_zustimmen",
           "Zustimmen und dem Plenum vorlegen", State.IM_PLENUM)
    for html in (html_of(client, body_page().url), html_of(client, detail_url(held))):
        assert f"Produktfreigabe „{SECRET_TITLE}“" in html
        assert produkt.url not in html and SECRET_SUMMARY not in html


def test_refusal_of_an_unpublished_produkt_names_kind_and_group_only(demo_home, client):
    produkt = unpublished_produkt()
    vorgang = make_vorgang(Kind.PRODUKT, State.IN_AG_TRANSFER, page=produkt)
    held = new_sitzung(-1, state=SitzungState.GEHALTEN)
    record(vorgang, held, add_top(held, f"Produktfreigabe: {SECRET_TITLE}", vorgang),
           "ag_ablehnen", "Ablehnen (zurück an die Fachgruppe)", State.ENTWURF)
    html = html_of(client, detail_url(held))
    assert "Ablehnen (zurück an die Fachgruppe)</strong>: Produktfreigabe " \
           "(Fachgruppe Gefährdungsbeurteilung)" in html
    assert SECRET_TITLE not in html and SECRET_SUMMARY not in html and produkt.url not in html
    assert SECRET_TITLE not in html_of(client, body_page().url)
    Sitzung.objects.filter(pk=held.pk).update(public_agenda_titles=True)  # the body chose so
    html = html_of(client, detail_url(held))
    assert SECRET_TITLE in html and produkt.url not in html


def test_refused_application_of_an_unpublished_group_is_not_named(demo_home, client):
    applicant = FachgruppePage.objects.filter(live=False).first()
    vorgang = make_vorgang(Kind.ANERKENNUNG, State.IM_PLENUM, page=applicant)
    held = new_sitzung(-1, state=SitzungState.GEHALTEN, body=Gremium.PLENUM)
    record(vorgang, held, add_top(held, applicant.title, vorgang), "plenum_ablehnen",
           "Ablehnen (Plenumsbeschluss)", State.ABGELEHNT)
    for html in (html_of(client, body_page(Gremium.PLENUM).url), html_of(client, detail_url(held))):
        assert "Ablehnen (Plenumsbeschluss)</strong>: Anerkennung einer Fachgruppe</li>" in html
        assert applicant.title not in html


# --- the detail page ------------------------------------------------------------------------------

def test_detail_page_is_404_for_an_unknown_uid(demo_home, client):
    assert client.get(f"/sitzungen/{uuid.uuid4()}/").status_code == 404
    sitzung = new_sitzung(3)
    assert client.get(f"/sitzungen/{sitzung.pk}/").status_code == 404  # never by the pk


def test_detail_page_is_404_for_a_group_whose_page_is_not_public(demo_home, client):
    applicant = FachgruppePage.objects.filter(live=False).first()
    sitzung = new_sitzung(3, body=Gremium.FACHGRUPPE, fachgruppe=applicant)
    assert client.get(detail_url(sitzung)).status_code == 404
    fachgruppe = FachgruppePage.objects.get(slug="digitalisierung")
    public = new_sitzung(3, body=Gremium.FACHGRUPPE, fachgruppe=fachgruppe)
    assert client.get(detail_url(public)).status_code == 200
    fachgruppe.unpublish()
    assert client.get(detail_url(public)).status_code == 404


def test_detail_page_is_404_when_the_bodys_page_is_not_public(demo_home, client):
    sitzung = new_sitzung(3)
    body_page().unpublish()
    assert client.get(detail_url(sitzung)).status_code == 404


# --- query counts -------------------------------------------------------------------------------

#: Upper bound for the body's page and the detail page, whatever the number of TOPs and Beschlüsse.
MAX_QUERIES = 30


def crowded_sitzungen() -> tuple[Sitzung, Sitzung]:
    """An upcoming and a held Sitzung of the AG Transfer, still without TOPs."""
    return new_sitzung(4), new_sitzung(-4, state=SitzungState.GEHALTEN)


def add_tops(upcoming: Sitzung, held: Sitzung, numbers: range) -> None:
    """TOPs about published and unpublished Produkte, every held TOP with its Beschluss."""
    published = ProduktPage.objects.live().first()
    hidden = (ProduktPage.objects.filter(slug="vertrauliche-vorlage").first()
              or unpublished_produkt())
    for number in numbers:
        vorgang = make_vorgang(Kind.PRODUKT, State.IN_AG_TRANSFER,
                               page=published if number % 2 else hidden)
        add_top(upcoming, f"Vorlage {number}", vorgang)
        record(vorgang, held, add_top(held, f"Vorlage {number}", vorgang), "ag_zustimmen",
               "Zustimmen und dem Plenum vorlegen", State.IM_PLENUM)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("count", [5, 50])
def test_query_count_is_bounded_whatever_the_number_of_tops(demo_home, client, count,
                                                           django_assert_max_num_queries):
    upcoming, held = crowded_sitzungen()
    add_tops(upcoming, held, range(count))
    for url in (body_page().url, detail_url(upcoming), detail_url(held)):
        client.get(url)  # warm per-process caches (content types, site root paths)
        with django_assert_max_num_queries(MAX_QUERIES):
            html = html_of(client, url)
        assert f"Vorlage {count - 1}" in html


def test_query_count_does_not_grow_with_tops(demo_home, client):
    upcoming, held = crowded_sitzungen()
    add_tops(upcoming, held, range(5))
    urls = (body_page().url, detail_url(upcoming), detail_url(held))
    for url in urls:
        client.get(url)
    before = [queries(client, url) for url in urls]
    add_tops(upcoming, held, range(5, 50))
    assert [queries(client, url) for url in urls] == before


def test_a_restricted_protokoll_is_not_linked(demo_home, client):
    """View restrictions count like an unpublished page (om_pages.public.publicly_visible_ids)."""
    sitzung = new_sitzung(-2, state=SitzungState.GEHALTEN)
    protokoll = draft_protokoll(sitzung, "Protokoll hinter Passwort")
    protokoll.save_revision().publish()
    PageViewRestriction.objects.create(page=protokoll, restriction_type="password",
                                       password="geheim")
    html = html_of(client, detail_url(sitzung))
    assert "Protokoll hinter Passwort" not in html and protokoll.url not in html


def test_a_sitzung_ending_on_another_day_names_both_days(demo_home, client):
    sitzung = new_sitzung(10)
    sitzung.ends_at = sitzung.starts_at + datetime.timedelta(days=1)
    sitzung.save()
    with translation.override("de"):
        end = date_format(timezone.localtime(sitzung.ends_at), "j. F Y, H:i")
    assert f"–{end} Uhr" in html_of(client, detail_url(sitzung))
