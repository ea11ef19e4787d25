"""Reading the text files cities publish: UTF-8 with or without a BOM, else Windows-1252."""

from __future__ import annotations

import gzip
from pathlib import Path


def decode_any(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # SLMPD's older exports carry cp1252 bytes (e.g. 0x92 apostrophes) in free text.
        return raw.decode("cp1252", errors="replace")


def read_text_any(path: Path) -> str:
    return decode_any(path.read_bytes())


# A compressed file is read only up to this size once decompressed (a "zip bomb" is refused).
GZIP_LIMIT = 2 * 1024**3


def read_bytes_maybe_gzip(path: Path, limit: int = GZIP_LIMIT) -> bytes:
    """A file's bytes, decompressed when it is gzip (by its first bytes, whatever its name).
    ValueError when the archive is broken or too large once decompressed."""
    with path.open("rb") as raw:
        magic = raw.read(2)
    if magic != b"\x1f\x8b":
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as packed:
            data = packed.read(limit + 1)
    except (OSError, EOFError) as error:
        raise ValueError(f"{path.name}: a broken gzip file ({error})") from None
    if len(data) > limit:
        raise ValueError(f"{path.name}: more than {limit:,} bytes once decompressed")
    return data
