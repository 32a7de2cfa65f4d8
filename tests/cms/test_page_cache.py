"""The anonymous page cache (issue 18, cms/page_cache.py): fast, and never a leak (R19).

No restricted or draft content is ever served from the cache: restricted pages, pages below a
restricted or unpublished page, pages using a restricted collection's documents, previews and
signed-in users never fill it or get it; publish, unpublish, move, view restrictions,
collections and the workflow's records are visible to the very next anonymous request.
"""

from __future__ import annotations

import datetime
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from cms.page_cache import HEADER, bump_generation
from om_pages.models import FachgruppePage, JahresberichtPage, Person, ProtokollPage
from tests.files.conftest import protokoll_with, upload

pytestmark = pytest.mark.django_db

GROUP = "/fachgruppen/gefaehrdungsbeurteilung/"


@pytest.fixture(autouse=True)
def page_cache(settings, demo_home):
    """The cache on (the suite runs with it off), empty, and a fresh generation."""
    settings.OM_PAGE_CACHE_SECONDS = 300
    cache.clear()
    bump_generation()
    yield
    cache.clear()


def fachgruppe() -> FachgruppePage:
    return FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")


def live_protokoll() -> ProtokollPage:
    return ProtokollPage.objects.child_of(fachgruppe()).live().order_by("-date").first()


def cached(response) -> str:
    return response.get(HEADER, "")


def warm(client, url: str) -> str:
    """Fill the cache for ``url`` and prove the next request is a hit; the page's HTML."""
    first = client.get(url)
    assert first.status_code == 200 and cached(first) == "miss", url
    second = client.get(url)
    assert cached(second) == "hit", url
    assert second.content == first.content
    return second.content.decode()


# --- the cache is used -----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/fachgruppen/", GROUP, "/feeds/protokolle.atom",
                                 "/veranstaltungen/"])
def test_a_second_anonymous_request_runs_no_query(client, django_assert_num_queries, url):
    first = client.get(url)
    assert first.status_code == 200 and cached(first) == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert cached(second) == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # the CSP middleware outside the cache adds the same static policy (no nonce) to a hit
    assert second.get("Content-Security-Policy") == first.get("Content-Security-Policy")
    assert second["X-Frame-Options"] == "DENY"


def test_a_protokoll_page_is_cached_and_head_is_answered_from_it(client):
    url = live_protokoll().url
    html = warm(client, url)
    head = client.head(url)
    assert cached(head) == "hit" and head.content == b""
    assert int(head["Content-Length"]) == len(html.encode())


def test_off_when_the_setting_is_zero(client, settings):
    settings.OM_PAGE_CACHE_SECONDS = 0
    client.get(GROUP)
    assert cached(client.get(GROUP)) == ""


@pytest.mark.parametrize("url", ["/?utm_source=x", "/suche/?q=Unterweisung", "/api/suche/?q=Unterweisung",
                                 "/admin/login/"])
def test_query_strings_search_and_admin_are_never_cached(client, url):
    client.get(url)
    assert cached(client.get(url)) == ""


# --- restricted pages never fill the cache ---------------------------------------------------


@pytest.mark.parametrize("kind", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN,
                                  PageViewRestriction.GROUPS])
def test_a_restricted_page_is_never_cached(client, kind):
    group = fachgruppe()
    PageViewRestriction.objects.create(page=group, restriction_type=kind, password="geheim")
    for _ in range(2):
        response = client.get(GROUP)
        assert cached(response) == ""
        assert group.goals[:40] not in response.content.decode()


def test_a_page_below_a_restricted_parent_is_never_cached(client):
    protokoll = live_protokoll()
    PageViewRestriction.objects.create(page=fachgruppe(), restriction_type=PageViewRestriction.PASSWORD,
                                       password="geheim")
    for _ in range(2):
        response = client.get(protokoll.url)
        assert cached(response) == ""
        assert protokoll.title not in response.content.decode()


def test_a_password_once_entered_does_not_put_the_restricted_page_in_the_cache(client):
    """The visitor who knows the password sees the page; the next visitor must not get it."""
    group = fachgruppe()
    restriction = PageViewRestriction.objects.create(
        page=group, restriction_type=PageViewRestriction.PASSWORD, password="geheim")
    client.post(f"/_util/authenticate_with_password/{restriction.pk}/{group.pk}/",
                {"password": "geheim", "return_url": GROUP})
    for _ in range(2):
        response = client.get(GROUP)
        assert response.status_code == 200 and cached(response) == ""
        assert group.title in response.content.decode()  # the password holder sees it
    stranger = type(client)()
    page = stranger.get(GROUP).content.decode()
    assert "Passwort" in page and group.goals[:40] not in page


def test_restricting_a_cached_page_takes_it_out_at_once(client):
    protokoll = live_protokoll()
    warm(client, protokoll.url)
    warm(client, GROUP)
    restriction = PageViewRestriction.objects.create(page=fachgruppe(),
                                                     restriction_type=PageViewRestriction.LOGIN)
    for url in (protokoll.url, GROUP):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"] and cached(response) == ""
    restriction.delete()  # public again
    assert protokoll.title in client.get(protokoll.url).content.decode()


def test_a_changed_view_restriction_is_followed_at_once(client):
    restriction = PageViewRestriction.objects.create(page=fachgruppe(),
                                                     restriction_type=PageViewRestriction.LOGIN)
    assert client.get(GROUP).status_code == 302
    restriction.restriction_type = PageViewRestriction.PASSWORD
    restriction.password = "geheim"
    restriction.save()
    assert "Passwort" in client.get(GROUP).content.decode()


@pytest.fixture
def protokoll_with_file(demo_home):
    intern = Collection.get_first_root_node().add_child(name="Intern")
    document = upload(intern, "intern.txt", b"Vertraulich\n", title="Interne Kalkulation")
    return protokoll_with(fachgruppe(), document, slug="kalkulation", publish=True), intern


def test_a_page_using_a_restricted_collections_document_is_never_cached(client, protokoll_with_file):
    protokoll, intern = protokoll_with_file
    warm(client, protokoll.url)
    CollectionViewRestriction.objects.create(collection=intern,
                                             restriction_type=CollectionViewRestriction.LOGIN)
    for _ in range(2):
        assert cached(client.get(protokoll.url)) == ""


def test_a_restriction_on_a_parent_collection_counts_too(client, protokoll_with_file):
    protokoll, intern = protokoll_with_file
    document = protokoll.documents.get().document
    document.collection = intern.add_child(name="Vorstand")
    document.save()
    CollectionViewRestriction.objects.create(collection=intern,
                                             restriction_type=CollectionViewRestriction.LOGIN)
    client.get(protokoll.url)
    assert cached(client.get(protokoll.url)) == ""
    CollectionViewRestriction.objects.all().delete()  # public again: cached again
    warm(client, protokoll.url)


@pytest.mark.parametrize("change", ["cookie", "private", "no-store", "vary-cookie", "status", "csrf",
                                    "session", "signed-in", "not-public-view", "json"])
def test_responses_that_are_not_the_same_for_everyone_are_never_stored(rf, change, django_user_model):
    """The response rules of ``may_store``, each on its own, against a feed response that is stored."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse
    from django.urls import resolve

    from cms.page_cache import may_store

    request = rf.get("/feeds/protokolle.atom")
    request.user, request.session = AnonymousUser(), SessionStore()
    request.resolver_match = resolve("/feeds/protokolle.atom")
    response = HttpResponse(b"<feed/>", content_type="application/atom+xml")
    assert may_store(request, response)
    if change == "cookie":
        response.set_cookie("merkmal", "1")
    elif change in {"private", "no-store"}:
        response["Cache-Control"] = f"max-age=0, {change}"
    elif change == "vary-cookie":
        response["Vary"] = "Accept-Encoding, Cookie"
    elif change == "status":
        response.status_code = 203
    elif change == "csrf":
        from django.middleware.csrf import get_token

        get_token(request)
    elif change == "session":
        request.session["gesehen"] = True
    elif change == "signed-in":
        request.user = django_user_model.objects.get(username="fg-gefaehrdung")
    elif change == "not-public-view":
        request.resolver_match = resolve("/suche/")
    elif change == "json":
        response["Content-Type"] = "application/json"
    assert not may_store(request, response)


# --- drafts and previews ---------------------------------------------------------------------


def test_a_draft_is_never_served_and_a_publish_is_visible_at_once(client):
    protokoll = live_protokoll()
    warm(client, protokoll.url)
    warm(client, GROUP)
    protokoll.title = "Entwurfstitel, noch nicht veröffentlicht"
    revision = protokoll.save_revision()
    for url in (protokoll.url, GROUP):
        assert "Entwurfstitel" not in client.get(url).content.decode()
    revision.publish()
    for url in (protokoll.url, GROUP):
        response = client.get(url)
        assert "Entwurfstitel" in response.content.decode() and cached(response) == "miss"


def test_unpublishing_is_visible_at_once(client):
    protokoll = live_protokoll()
    warm(client, protokoll.url)
    warm(client, "/feeds/protokolle.atom")
    fachgruppe().unpublish()
    assert client.get(protokoll.url).status_code == 404  # nothing is served below an unpublished page
    assert client.get(GROUP).status_code == 404
    assert GROUP not in client.get("/feeds/protokolle.atom").content.decode()
    assert client.get("/fachgruppen/gefaehrdungsbeurteilung/protokolle.atom").status_code == 404


def test_a_preview_never_reads_nor_fills_the_cache(client, admin_client):
    protokoll = live_protokoll()
    live_html = warm(client, protokoll.url)
    protokoll.title = "Vorschautitel des Entwurfs"
    protokoll.save_revision()
    # Wagtail's preview: a dummy request for the page's public address through the middleware
    draft = ProtokollPage.objects.get(pk=protokoll.pk).get_latest_revision_as_object()
    preview = draft.make_preview_request()
    assert "Vorschautitel" in preview.content.decode() and cached(preview) == ""
    assert admin_client.get(f"/admin/pages/{protokoll.pk}/view_draft/").status_code == 200
    # saving the draft invalidated (generously); the public page is still the live one, cached again
    for expected in ("miss", "hit"):
        response = client.get(protokoll.url)
        assert cached(response) == expected and response.content.decode() == live_html
    assert "Vorschautitel" not in live_html


def test_moving_a_page_is_visible_at_once(client):
    source, target = fachgruppe(), FachgruppePage.objects.get(slug="digitalisierung")
    bericht = JahresberichtPage(title="Jahresbericht Umzugstest", slug="jahresbericht-umzugstest", year=2025)
    source.add_child(instance=bericht)
    bericht.save_revision().publish()
    old_url = JahresberichtPage.objects.get(pk=bericht.pk).url
    warm(client, old_url)
    assert "Jahresbericht Umzugstest" in warm(client, GROUP)
    warm(client, target.url)
    JahresberichtPage.objects.get(pk=bericht.pk).move(target, pos="last-child")  # Wagtail's MovePageAction
    moved = client.get(old_url)  # not the cached page: Wagtail's automatic redirect to the new address
    assert moved.status_code == 301 and moved["Location"] == JahresberichtPage.objects.get(pk=bericht.pk).url
    assert "Jahresbericht Umzugstest" not in client.get(GROUP).content.decode()
    assert "Jahresbericht Umzugstest" in client.get(target.url).content.decode()


def test_a_change_of_a_record_shown_publicly_is_visible_at_once(client):
    """Generous invalidation: a contact's name on the group page (a snippet, no page publish)."""
    person = Person.objects.get(pk=fachgruppe().koordination_id)
    assert person.last_name in warm(client, GROUP)
    person.last_name = "Umbenannt-Koordination"
    person.save()
    response = client.get(GROUP)
    assert cached(response) == "miss" and "Umbenannt-Koordination" in response.content.decode()


def test_a_sitzung_change_is_visible_at_once(client):
    from workflow.sitzung import Sitzung

    sitzung = Sitzung.objects.first()
    warm(client, "/")
    Sitzung.objects.get(pk=sitzung.pk).save()
    assert cached(client.get("/")) == "miss"


# --- signed-in users never fill nor get the cache --------------------------------------------


def test_a_signed_in_user_never_gets_the_cache(client, django_user_model, django_assert_max_num_queries):
    warm(client, GROUP)
    client.force_login(django_user_model.objects.get(username="fg-gefaehrdung"))
    for _ in range(2):
        response = client.get(GROUP)
        assert response.status_code == 200 and cached(response) == ""


def test_a_signed_in_users_page_never_reaches_the_anonymous(client, django_user_model):
    """The signed-in user passes the login restriction; the anonymous visitor after must not."""
    group = fachgruppe()
    PageViewRestriction.objects.create(page=group, restriction_type=PageViewRestriction.LOGIN)
    member = type(client)()
    member.force_login(django_user_model.objects.get(username="fg-gefaehrdung"))
    assert group.title in member.get(GROUP).content.decode()
    response = client.get(GROUP)
    assert response.status_code == 302 and cached(response) == ""


def test_a_group_editors_login_and_logout(client):
    """A real login through the admin form: no cache while signed in, the cache again after logout."""
    warm(client, GROUP)
    response = client.post("/admin/login/", {"username": "fg-gefaehrdung", "password": "om-demo-2026"})
    assert response.status_code == 302, "the demo editor's login failed"
    for _ in range(2):
        assert cached(client.get(GROUP)) == ""
    client.post("/admin/logout/")
    assert cached(client.get(GROUP)) == "hit"


def test_a_stale_session_cookie_gets_the_cache_and_loses_the_cookie(client):
    warm(client, GROUP)
    client.cookies["sessionid"] = "abgelaufen0000000000000000000000"
    response = client.get(GROUP)
    assert cached(response) == "hit"
    assert response.cookies["sessionid"].value == ""  # Django deletes the stale cookie
    assert response.cookies["sessionid"]["max-age"] == 0


def test_an_unused_session_of_a_user_who_left_is_anonymous(client, django_user_model):
    user = django_user_model.objects.get(username="fg-gefaehrdung")
    client.force_login(user)
    client.logout()
    warm(client, GROUP)


def test_the_response_of_a_signed_in_user_is_never_stored(client, admin_client):
    assert cached(admin_client.get(GROUP)) == ""
    assert cached(client.get(GROUP)) == "miss"  # the anonymous visitor renders afresh


# --- the generation is shared, also through Redis --------------------------------------------


def test_the_generation_is_shared_by_every_process(client, settings, tmp_path):
    """Local memory is per process: the generation lives in a file all processes read."""
    settings.OM_PAGE_CACHE_GENERATION_FILE = tmp_path / "generation"
    warm(client, GROUP)
    (tmp_path / "generation").write_text("andere-generation")  # as another process's bump does
    assert cached(client.get(GROUP)) == "miss"


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server fehlt")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_with_redis_the_generation_lives_in_redis(client, settings, redis_url, django_assert_num_queries):
    from django.core.cache import caches

    from cms.settings import cache_from_url

    original = settings.CACHES
    settings.CACHES = {"default": cache_from_url(redis_url)}
    try:
        protokoll = live_protokoll()
        first = client.get(protokoll.url)
        assert cached(first) == "miss"
        with django_assert_num_queries(0):
            assert cached(client.get(protokoll.url)) == "hit"
        fachgruppe().unpublish()
        assert client.get(protokoll.url).status_code == 404
    finally:
        caches["default"].clear()
        settings.CACHES = original  # before the server stops and the autouse fixture clears


def test_a_protokoll_shown_on_the_home_page_appears_at_once(client):
    home_html = warm(client, "/")
    page = ProtokollPage(title="Ganz neues Protokoll vom Cache-Test", slug="cache-test",
                         date=datetime.date(2026, 11, 24), body="<p>Neu.</p>", live=False)
    fachgruppe().add_child(instance=page)
    assert "Ganz neues Protokoll" not in home_html
    assert "Ganz neues Protokoll" not in client.get("/").content.decode()  # a draft: never public
    page.save_revision().publish()
    assert "Ganz neues Protokoll" in client.get("/").content.decode()
