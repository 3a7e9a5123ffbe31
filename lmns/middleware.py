"""The request-size cap: no request body larger than the largest legitimate post is ever read.

The largest thing anyone posts is a return section with an evidence file for every requirement,
each at its ``EVIDENCE_MAX_UPLOAD_BYTES`` limit; ``REQUEST_MAX_BYTES`` is that plus a margin for
the typed answers (see settings). The production proxy refuses larger bodies with the same
figure; the app refuses them too, so a missing or mistyped proxy limit never lets a 100 MB
anonymous upload be read:

* :class:`RequestSizeLimitMiddleware`, placed before sessions and CSRF, answers 413 from the
  declared ``Content-Length`` before anything reads the body;
* :class:`CappedUploadHandler`, the first upload handler, counts what is actually read and stops
  a body that declared no length (or the wrong one) as soon as it passes the cap.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.cache import patch_cache_control


class RequestTooLarge(RequestDataTooBig):
    """The body passed ``REQUEST_MAX_BYTES`` while it was being read."""


def too_large(request: HttpRequest) -> HttpResponse:
    """413, with the limit in words; the body is not read."""
    context = {
        "limit": filesizeformat(settings.REQUEST_MAX_BYTES),
        "file_limit": filesizeformat(settings.EVIDENCE_MAX_UPLOAD_BYTES),
    }
    return render(request, "413.html", context, status=413)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            return HttpResponseBadRequest("The request's Content-Length is not a number.")
        if length > settings.REQUEST_MAX_BYTES:
            return too_large(request)
        return self.get_response(request)


class CappedUploadHandler(FileUploadHandler):
    """Counts the bytes of every file in the request and stops reading past the cap."""

    def __init__(self, request: HttpRequest | None = None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.REQUEST_MAX_BYTES:
            raise RequestTooLarge(
                f"The upload passed {settings.REQUEST_MAX_BYTES} bytes and was not read further."
            )
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class PrivateResponsesMiddleware:
    """Every answer is the person's own: ``Cache-Control: private`` on any response that does
    not say otherwise, so no shared cache (a proxy between the hospital and the server) keeps
    one person's page to hand to another. Static files, served before this, keep WhiteNoise's
    public headers; an issued board pack adds ``no-cache`` and an ETag of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response
