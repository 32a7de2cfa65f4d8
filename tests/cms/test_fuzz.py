"""Fuzzing: random and hostile input never causes a 500, stored script never runs.

Public search page and JSON API, page views, unknown ids, and the admin's Protokoll form
(R19: Fachgruppen type their minutes themselves, so the form is an input surface too).
"""

import json

import pytest
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from wagtail.test.utils.form_data import querydict_from_html

from om_pages.models import FachgruppePage, ProtokollPage

MARKER = "om-xss-probe"
HOSTILE_STRINGS = [
    f"<script>alert('{MARKER}')</script>",
    f"\"><img src=x onerror=alert('{MARKER}')>",
    f"javascript:alert('{MARKER}')",
    f"</textarea><svg onload=alert('{MARKER}')>",
    "' OR 1=1 --",
    "%00%27%22",
    "\x00\x01\x02\x1b[31m\u202e\ufeff",
    "ä" * 5000,
    "x" * 100_000,
    "{{ 7*7 }}{% debug %}",
    "../../../../etc/passwd",
    "😀" * 300,
    "-1", "0", "99999999999999999999", "NaN", "2026-13-45", "0000-00-00", "",
]
hostile = st.sampled_from(HOSTILE_STRINGS) | st.text(max_size=300) | st.text(
    alphabet=st.characters(max_codepoint=0x20), max_size=50
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Admin posts are slow; no shrinking there, so a failure is reported at once instead of after minutes.
FUZZ_SLOW = settings(max_examples=10, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def draftail_text(text: str) -> str:
    """Rich text as the admin's editor posts it: one paragraph holding ``text`` verbatim."""
    block = {"key": "fuzz1", "type": "unstyled", "depth": 0, "text": text,
             "inlineStyleRanges": [], "entityRanges": []}
    return json.dumps({"blocks": [block], "entityMap": {}})


def assert_no_script_from_input(html: str) -> None:
    """The probe may appear as escaped text, never as live markup (script, event handler, js: URL)."""
    from bs4 import BeautifulSoup

    if MARKER not in html:
        return
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        assert MARKER not in script.get_text(), "input became a <script>"
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if MARKER in value:
                assert not name.lower().startswith("on"), f"input became a handler: <{tag.name} {name}>"
                if name.lower() in {"href", "src", "action", "formaction"}:
                    assert not value.strip().lower().startswith("javascript:"), "input became a js: URL"
        assert tag.name not in {"svg", "img"} or not any(MARKER in str(v) for v in tag.attrs.values())


@pytest.mark.django_db
@FUZZ
@given(query=hostile, page=hostile)
def test_search_page_never_fails(client, demo_home, query, page):
    response = client.get("/suche/", {"q": query, "page": page})
    assert response.status_code == (400 if "\x00" in query + page else 200)
    assert_no_script_from_input(response.content.decode())


@pytest.mark.django_db
@FUZZ
@given(params=st.dictionaries(st.sampled_from(["q", "page", "limit", "offset", "typ", "fachgruppe", "von",
                                               "bis", "format"]), hostile, max_size=5))
def test_search_api_never_fails(client, demo_home, params):
    try:
        url = reverse("search_api")
    except NoReverseMatch:
        pytest.skip("the JSON search API (URL name 'search_api', /api/suche/) is not on this branch yet")
    response = client.get(url, params)
    assert response.status_code < 500
    if response.status_code == 200:
        json.loads(response.content)  # always valid JSON
        assert_no_script_from_input(response.content.decode())  # JSON escapes nothing by itself: no HTML


@pytest.mark.django_db
@FUZZ
@given(params=st.dictionaries(hostile, hostile, max_size=4), method=st.sampled_from(["get", "post"]))
def test_public_pages_ignore_hostile_parameters(client, demo_home, params, method):
    protokoll = ProtokollPage.objects.live().first()
    for url in ("/", FachgruppePage.objects.live().first().url, protokoll.url):
        params = {k.replace("\x00", ""): v for k, v in params.items()}
        response = getattr(client, method)(url, params)
        assert response.status_code in {200, 400, 405}, (url, response.status_code)
        assert_no_script_from_input(response.content.decode())


@pytest.mark.django_db
@FUZZ
@given(segment=st.text(min_size=1, max_size=200).filter(lambda s: "/" not in s and s not in {".", ".."}))
def test_unknown_paths_and_ids_are_404(client, demo_home, segment):
    from urllib.parse import quote

    for url in (f"/fachgruppen/{quote(segment)}/", f"/dokumente/987654/{quote(segment)}",
                f"/fachgruppen/{quote(segment)}/protokoll-2099-01-01/"):
        assert client.get(url).status_code == (400 if "\x00" in segment else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/%00/", "/suche/?q=a%00b", "/fachgruppen/?x=%00"])
def test_nul_bytes_are_refused_before_any_view(client, demo_home, url):
    """PostgreSQL cannot handle NUL in text; such a request is a 400, never a 500."""
    assert client.get(url).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    "/admin/pages/987654/edit/", "/admin/pages/987654/delete/",
    "/admin/documents/edit/987654/", "/admin/pages/add/om_pages/protokollpage/987654/",
])
def test_admin_unknown_ids_are_404(admin_client, demo_home, url):
    assert admin_client.get(url).status_code == 404


def protokoll_form(admin_client, fachgruppe: FachgruppePage):
    url = f"/admin/pages/add/om_pages/protokollpage/{fachgruppe.pk}/"
    html = admin_client.get(url).content.decode()
    return url, querydict_from_html(html, form_id="page-edit-form")


@pytest.mark.django_db
@FUZZ_SLOW
@given(title=hostile, attendees=hostile, location=hostile, date=hostile, agenda=hostile, decision=hostile,
       body=hostile)
def test_admin_protokoll_form_never_fails_and_output_is_escaped(
    admin_client, demo_home, title, attendees, location, date, agenda, decision, body
):
    fachgruppe = FachgruppePage.objects.live().first()
    url, data = protokoll_form(admin_client, fachgruppe)
    slug = f"fuzz-{ProtokollPage.objects.count()}"
    data.update({"title": title, "slug": slug, "date": date, "location": location, "attendees": attendees,
                 "body": draftail_text(body), "action-publish": "action-publish"})
    data.update({"agenda_items-TOTAL_FORMS": "1", "agenda_items-0-title": agenda or "TOP",
                 "agenda_items-0-discussion": agenda, "agenda_items-0-decision": decision,
                 "agenda_items-0-ORDER": "1", "agenda_items-0-id": ""})
    response = admin_client.post(url, data)
    assert response.status_code in {200, 302}, response.status_code
    protokoll = ProtokollPage.objects.child_of(fachgruppe).filter(slug=slug).first()
    if response.status_code == 200:
        assert protokoll is None  # re-shown with errors, nothing half-saved
        return
    assert protokoll is not None and protokoll.live
    public = admin_client.get(protokoll.url)
    assert public.status_code == 200
    assert_no_script_from_input(public.content.decode())
    listing = admin_client.get(fachgruppe.url)
    assert_no_script_from_input(listing.content.decode())


@pytest.mark.django_db
def test_stored_script_in_every_text_field_is_shown_escaped(admin_client, demo_home):
    """The same as above without chance: a Protokoll full of script is published and shown as text."""
    fachgruppe = FachgruppePage.objects.live().first()
    url, data = protokoll_form(admin_client, fachgruppe)
    probe = HOSTILE_STRINGS[0]
    data.update({"title": probe, "slug": "skript-probe", "date": "2026-11-20", "location": probe,
                 "attendees": f"{probe}\n{HOSTILE_STRINGS[1]}",
                 "body": draftail_text(f"{probe} {HOSTILE_STRINGS[1]}"),
                 "action-publish": "action-publish",
                 "agenda_items-TOTAL_FORMS": "1", "agenda_items-0-title": probe,
                 "agenda_items-0-discussion": probe, "agenda_items-0-decision": HOSTILE_STRINGS[1],
                 "agenda_items-0-ORDER": "1", "agenda_items-0-id": ""})
    assert admin_client.post(url, data).status_code == 302
    protokoll = ProtokollPage.objects.get(slug="skript-probe")
    for page_url in (protokoll.url, fachgruppe.url, "/"):
        html = admin_client.get(page_url).content.decode()
        assert_no_script_from_input(html)
    html = admin_client.get(protokoll.url).content.decode()
    assert "&lt;script&gt;alert(" in html  # shown as text, so nothing was silently dropped
    search = admin_client.get("/suche/", {"q": probe}).content.decode()
    assert_no_script_from_input(search)
