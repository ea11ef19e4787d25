"""Uploaded files: what type a file really is (by its bytes, never its name), and the one view
that serves uploads back, only as the image type its bytes show, with headers that stop a
browser from guessing another type or running anything in it."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(head: bytes) -> str | None:
    """The image MIME type the first 12 bytes show, or None for anything else."""
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def serve_upload(request: HttpRequest, path: str) -> FileResponse:
    root = Path(settings.MEDIA_ROOT).resolve()
    found = (root / path).resolve()
    if root not in found.parents or not found.is_file():
        raise Http404("no such file")
    with found.open("rb") as handle:
        mime = image_type(handle.read(12))
    if mime is None:
        raise Http404("no such image")  # only files whose bytes are an image are ever served
    response = FileResponse(found.open("rb"), content_type=mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
