"""Reading the text files cities publish: UTF-8 with or without a BOM, else Windows-1252."""

from __future__ import annotations

from pathlib import Path


def decode_any(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # SLMPD's older exports carry cp1252 bytes (e.g. 0x92 apostrophes) in free text.
        return raw.decode("cp1252", errors="replace")


def read_text_any(path: Path) -> str:
    return decode_any(path.read_bytes())
