"""Uploaded files: what type a file really is (by its bytes, never its name), photos decoded
and written again as a plain image (no metadata, no location, nothing but pixels), and the one
view that serves uploads back, only as the image type its bytes show, with headers that stop a
browser from guessing another type or running anything in it.

Which uploads the public may see is decided by the app that owns them: an app registers a
check for its folder (`media_check`); a file in a folder without one is never served at /media/.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpRequest
from PIL import Image, ImageOps, UnidentifiedImageError

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is refused before it is decoded
LONGEST_SIDE = 2560  # photos are kept at most this wide or tall


def image_type(head: bytes) -> str | None:
    """The image MIME type the first 12 bytes show, or None for anything else."""
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


class PhotoRefused(ValueError):
    """The upload is not a photo this site will keep; the message says why, for the sender."""


@dataclass(frozen=True)
class CleanPhoto:
    file: ContentFile[bytes]
    mime: str
    width: int
    height: int


def photo_clean(data: bytes) -> CleanPhoto:
    """Decode an uploaded JPEG, PNG, GIF or WebP and write its pixels again under a generated
    name: upright (EXIF orientation applied), at most LONGEST_SIDE, with no EXIF, GPS, ICC,
    comments or trailing bytes. A picture with transparency becomes a PNG, any other a JPEG."""
    if image_type(data[:12]) is None:
        raise PhotoRefused("the photo must be a JPEG, PNG, GIF or WebP image")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoRefused("the photo has more than 40 million pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            opened.seek(0)  # an animation keeps its first frame
            picture = ImageOps.exif_transpose(opened)
            picture.load()
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise PhotoRefused("the photo could not be read as an image") from None
    transparent = picture.mode in {"RGBA", "LA", "PA"} or "transparency" in picture.info
    picture = picture.convert("RGBA" if transparent else "RGB")
    picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    picture.info = {}  # nothing carried over: no EXIF, ICC profile or comment
    out = io.BytesIO()
    if transparent:
        picture.save(out, "PNG", optimize=True)
        mime, extension = "image/png", "png"
    else:
        picture.save(out, "JPEG", quality=85, optimize=True)
        mime, extension = "image/jpeg", "jpg"
    name = f"{uuid.uuid4().hex}.{extension}"
    return CleanPhoto(ContentFile(out.getvalue(), name=name), mime, *picture.size)


# folder (first part of the stored name) -> may the public see this stored name?
_PUBLIC_CHECKS: dict[str, Callable[[str], bool]] = {}


def media_check(folder: str, is_public: Callable[[str], bool]) -> None:
    _PUBLIC_CHECKS[folder] = is_public


def image_response(stored: Path | str) -> FileResponse:
    """Serve one stored upload, only as the image its bytes show (404 for anything else)."""
    root = Path(settings.MEDIA_ROOT).resolve()
    found = (root / stored).resolve()
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


def serve_upload(request: HttpRequest, path: str) -> FileResponse:
    folder = path.split("/", 1)[0]
    is_public = _PUBLIC_CHECKS.get(folder)
    if is_public is None or not is_public(path):
        raise Http404("no such file")
    return image_response(path)
