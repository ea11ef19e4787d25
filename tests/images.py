"""Real image files for upload tests, made with Pillow: a phone photo with its camera and GPS
tags, a picture with transparency, and files that only pretend to be images."""

from __future__ import annotations

import io

from PIL import ExifTags, Image


def phone_photo(size: tuple[int, int] = (64, 48), orientation: int = 1) -> bytes:
    """A JPEG as a phone writes it: camera make, GPS position (St. Louis) and orientation."""
    picture = Image.new("RGB", size, (200, 30, 30))
    picture.paste((30, 30, 200), (0, 0, size[0] // 2, size[1] // 4))  # marks the top left
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (38.0, 37.0, 38.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (90.0, 11.0, 52.0)
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif.tobytes(), comment=b"taken at 1200 Market St")
    return out.getvalue()


def png(size: tuple[int, int] = (8, 8), transparent: bool = False) -> bytes:
    picture = Image.new(
        "RGBA" if transparent else "RGB", size, (0, 128, 0, 0 if transparent else 255)
    )
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def gif_with_page_appended() -> bytes:
    """A real GIF with an HTML page after its last byte (a polyglot a browser may run)."""
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, "GIF")
    return out.getvalue() + b"<html><script>alert(document.cookie)</script></html>"


GIF_HEADER_ONLY = b"GIF89a<html><script>alert(document.cookie)</script></html>"
