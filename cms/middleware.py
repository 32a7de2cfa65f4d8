"""Reject requests whose path or query string holds a NUL byte (issue 6).

PostgreSQL cannot store or compare text with NUL; a page path or search term carrying one would
reach the database and fail with a server error. No legitimate URL contains it, so such a
request is answered with 400 before any view runs. Form input is covered by Django's own
``ProhibitNullCharactersValidator``.
"""

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
