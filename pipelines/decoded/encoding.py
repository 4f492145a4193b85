"""Raw bytes -> Unicode text, with the encoding recorded.

Order (see docs/decisions.md): BOM -> strict UTF-8 -> UTF-16 without BOM (NUL pattern) ->
a detector on the whole file -> strict decode with the superset codec of what it found.
Never "try gb18030, then big5": Big5 bytes decode as GB18030 without error, into garbage.
"""

from __future__ import annotations

import codecs
import re

from ..chars import HAN
from ..errors import ReportRejected

# Magic numbers of binary formats people save under a .txt name by mistake.
_BINARY_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a zip archive (or an Office document)",
    b"PK\x05\x06": "an empty zip archive",
    b"%PDF": "a PDF document (convert it to text first)",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Office document",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7z archive",
}

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# Detector answer -> (codec used to decode, name recorded in reports.source_encoding).
_SUPERSETS = {
    "gb2312": ("gb18030", "gb18030"),
    "gbk": ("gb18030", "gb18030"),
    "gb18030": ("gb18030", "gb18030"),
    "hz": ("gb18030", "gb18030"),
    "big5": ("cp950", "big5"),
    "cp950": ("cp950", "big5"),
    "big5hkscs": ("big5hkscs", "big5"),
}

_CJK = re.compile(f"[{HAN}]")


def sniff_binary(head: bytes) -> str | None:
    """Name the binary format of a file from its first bytes, or None."""
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            return what
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Guess UTF-16 from where the NUL bytes fall (ASCII digits and punctuation give many)."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:8192]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    # ASCII digits, commas and line breaks give NULs on one side only; CJK text gives few.
    # (a CJK code point like U+4E00 also puts a NUL on the other side, but rarely)
    if odd >= max(2, 0.005 * half) and odd >= 4 * even:
        candidate = "utf-16-le"
    elif even >= max(2, 0.005 * half) and even >= 4 * odd:
        candidate = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(candidate)
    except UnicodeDecodeError:
        return None
    visible = [c for c in text if not c.isspace()]
    cjk = sum(1 for c in visible if _CJK.match(c))
    return candidate if visible and cjk >= 0.3 * len(visible) and _looks_like_text(text) else None


def _looks_like_text(text: str) -> bool:
    """Decoded text of a Chinese report: mostly CJK or printable, few control characters."""
    if not text:
        return False
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
    return controls <= 0.01 * len(text) and "\x00" not in text


def decode_bytes(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Decode a report's bytes. Returns (text, encoding name). Raises ReportRejected."""
    if not data.strip():
        raise ReportRejected(source, "the file is empty or holds only whitespace")
    what = sniff_binary(data[:16])
    if what:
        raise ReportRejected(source, f"the file is {what}, not a text report")

    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise ReportRejected(source, f"the file starts with a {name} byte-order mark but is not valid {name} ({exc.reason} at byte {exc.start})") from None

    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16), "utf-16"

    if data.count(0) > 0.01 * len(data):
        raise ReportRejected(source, "the file holds NUL bytes and is not UTF-16 text: it looks binary")

    from charset_normalizer import from_bytes  # deferred: ~0.1 s import

    best = from_bytes(data).best()
    found = best.encoding.lower().replace("_", "") if best else None
    codec_name, recorded = _SUPERSETS.get(found or "", (None, None))
    if codec_name:
        for codec in (codec_name, "big5hkscs") if recorded == "big5" else (codec_name,):
            try:
                return data.decode(codec), recorded
            except UnicodeDecodeError:
                continue
    # Mixed files: UTF-8 with some lines in GB18030 (a paragraph pasted from another page).
    mixed = _decode_mixed_lines(data)
    if mixed is not None:
        return mixed, "mixed(utf-8+gb18030)"
    raise ReportRejected(
        source,
        f"no text encoding decodes the bytes cleanly (detector answer: {found or 'none'})",
    )


def _decode_mixed_lines(data: bytes) -> str | None:
    """Decode line by line as UTF-8, falling back to GB18030 for lines that are not UTF-8.

    Accepted only when most lines are UTF-8 and every fallback line decodes to CJK text, so a
    Big5 file (which also decodes as GB18030) is never taken for a mixed one.
    """
    lines = data.split(b"\n")
    out: list[str] = []
    fallback = 0
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                decoded = line.decode("gb18030")
            except UnicodeDecodeError:
                return None
            fallback += 1
            out.append(decoded)
    if fallback == 0 or fallback * 2 > len([line for line in lines if line.strip()]):
        return None
    text = "\n".join(out)
    return text if _looks_like_text(text) else None


_HTML_START = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<meta|<div|<p[ >])", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:512]))
