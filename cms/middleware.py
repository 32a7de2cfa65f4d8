"""Reject requests whose path or query string holds a NUL byte.

PostgreSQL cannot store or compare text with NUL; a page path or search term carrying one would
reach the database and fail with a server error. No legitimate URL contains it, so such a
request is answered with 400 before any view runs. Form input is covered by Django's own
``ProhibitNullCharactersValidator``.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "Ungültige Anfrage: unzulässiges Zeichen.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send a Content-Security-Policy with every HTML response.

    Two policies from the settings: ``OM_CSP_PUBLIC`` for the public site, which runs no script
    and no inline style, and ``OM_CSP_ADMIN`` for everything under ``OM_CSP_ADMIN_PREFIX``,
    where Wagtail 8 still writes inline ``<script>`` blocks (date widgets, inline panels).
    ``OM_CSP_EXTRA`` adds sources or directives to both (``report-uri``, a video host for
    embeds). ``frame-ancestors`` follows the response's ``X-Frame-Options``: ``DENY`` (the
    default) becomes ``'none'``, Wagtail's preview (``SAMEORIGIN``) becomes ``'self'``, so the
    preview panel's iframe still loads. Responses that carry a policy of their own (Wagtail's
    document and image views) and responses that are not HTML (documents, feeds, JSON) are left
    as they are, and so are error pages under ``DEBUG`` (Django's technical pages are inline).
    With ``OM_CSP_REPORT_ONLY`` the policy is only reported, not enforced.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "is_dummy", False):
            # Wagtail's preview renders the page through the middleware once more with a dummy
            # request for the page's public URL; the real admin request around it sets the policy.
            return response
        header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "OM_CSP_REPORT_ONLY", False) else "Content-Security-Policy"
        )
        content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type != "text/html" or response.has_header(header) or response.has_header(
            "Content-Security-Policy"
        ):
            return response
        if settings.DEBUG and response.status_code >= 400:
            return response  # Django's technical error pages need their inline style and script
        admin = request.path.startswith(getattr(settings, "OM_CSP_ADMIN_PREFIX", "/admin/"))
        policy = policy_for(admin, response.get("X-Frame-Options", ""))
        if policy:
            response[header] = policy
        return response


def policy_for(admin: bool, x_frame_options: str = "") -> str:
    """The header value: the public or admin policy, plus OM_CSP_EXTRA, plus frame-ancestors."""
    directives: dict[str, list[str]] = {}
    for source in (
        getattr(settings, "OM_CSP_ADMIN" if admin else "OM_CSP_PUBLIC", {}),
        parse_policy(getattr(settings, "OM_CSP_EXTRA", "")),
    ):
        for name, values in source.items():
            merged = directives.setdefault(name.lower(), [])
            merged.extend(value for value in values if value not in merged)
    if "frame-ancestors" not in directives:
        directives["frame-ancestors"] = ["'none'"] if x_frame_options.upper() == "DENY" else ["'self'"]
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


def parse_policy(text: str) -> dict[str, list[str]]:
    """``"frame-src https://a.example; report-uri /csp/"`` → ``{"frame-src": [...], ...}``."""
    directives: dict[str, list[str]] = {}
    for part in text.split(";"):
        if part.strip():
            name, *values = part.split()
            directives.setdefault(name.lower(), []).extend(values)
    return directives
