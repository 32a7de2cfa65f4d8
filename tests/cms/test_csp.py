"""Content-Security-Policy on every HTML page: strict on the public site, what the
Wagtail 8 admin needs under /admin/, and nothing added to documents, feeds or JSON."""

import re

import pytest
from django.test import override_settings
from wagtail.documents import get_document_model

from cms.middleware import parse_policy, policy_for
from om_pages.models import FachgruppePage, ProtokollPage

PUBLIC_PAGES = ["/", "/fachgruppen/", "/fachgruppen/gefaehrdungsbeurteilung/", "/suche/?q=Unterweisung"]


def directives(header: str) -> dict[str, list[str]]:
    return parse_policy(header)


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_send_the_strict_policy(demo_home, client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval on the public site
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]  # as X-Frame-Options: DENY


@pytest.mark.django_db
def test_public_html_needs_nothing_the_strict_policy_forbids(demo_home, client):
    """A template change that adds inline script or style would break under the policy: caught here."""
    protokoll = ProtokollPage.objects.live().first()
    for url in [*PUBLIC_PAGES, protokoll.url]:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)", html), url
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=|javascript:", html, re.IGNORECASE), url


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/", "/admin/pages/", "/admin/login/"])
def test_admin_pages_send_the_admin_policy(demo_home, admin_client, url):
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy["script-src"]  # Wagtail 8: date widgets, inline panels
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_page_editor_and_its_preview_may_be_framed_by_the_admin_only(demo_home, admin_client, rf):
    fachgruppe = FachgruppePage.objects.get(slug="digitalisierung")
    response = admin_client.get(f"/admin/pages/{fachgruppe.pk}/edit/")
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
    # Wagtail renders the preview through the middleware with a dummy request for the public URL:
    # that inner response gets no policy, or its frame-ancestors 'none' would block the preview
    # panel; the admin preview view around it answers SAMEORIGIN, hence frame-ancestors 'self'.
    inner = fachgruppe.make_preview_request(original_request=rf.get("/admin/"))
    assert inner.status_code == 200 and "Content-Security-Policy" not in inner
    assert "frame-ancestors 'self'" in policy_for(admin=True, x_frame_options="SAMEORIGIN")


@pytest.mark.django_db
def test_feeds_and_json_get_no_html_policy(demo_home, client):
    for url in ["/feeds/protokolle.atom", "/feeds/veranstaltungen.ics", "/api/suche/?q=Unterweisung"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "text/html" not in response["Content-Type"], url
        assert "Content-Security-Policy" not in response, url


@pytest.mark.django_db
def test_documents_keep_wagtails_own_policy(demo_home, client):
    document = get_document_model().objects.order_by("pk").first()
    response = client.get(document.url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body  # still served
    assert response.get("Content-Security-Policy", "default-src 'none'") == "default-src 'none'"


@pytest.mark.django_db
def test_extra_directives_and_report_only_from_the_settings(demo_home, client):
    with override_settings(OM_CSP_EXTRA="report-uri https://csp.example.org/r; img-src https://img.example.org"):
        policy = directives(client.get("/")["Content-Security-Policy"])
        assert policy["report-uri"] == ["https://csp.example.org/r"]
        assert policy["img-src"] == ["'self'", "data:", "https://img.example.org"]
    with override_settings(OM_CSP_REPORT_ONLY=True):
        response = client.get("/")
        assert "Content-Security-Policy" not in response
        assert directives(response["Content-Security-Policy-Report-Only"])["script-src"] == ["'self'"]


def test_parse_policy_ignores_blank_parts():
    assert parse_policy(" ; frame-src https://a.example ;; ") == {"frame-src": ["https://a.example"]}
