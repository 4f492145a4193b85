"""The decoded layer: a report's raw bytes -> clean Simplified text plus the repaired source text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..chars import MARK
from ..errors import ReportRejected
from ..raw.stage import RawReport, read_report_bytes
from .encoding import decode_bytes, looks_like_html
from .formats import HTML, PAGED, TEXT, document_format, read_document
from .html_page import html_page_text
from .layout import page_starts
from .repair import repair
from .script import script_of, to_simplified


@dataclass
class Decoded:
    text: str  # Simplified, normalised: what every later stage reads and what offsets refer to
    text_source: str  # the same text in the source script after repair
    encoding: str
    script: str
    offset_map: list[int] | None  # Simplified position -> source position; None when identical
    repairs_pinyin: int = 0
    repairs_mojibake: int = 0
    repairs_punctuation: int = 0
    repairs_dropped_lines: int = 0
    repairs_invisible: int = 0  # control and format characters removed (NUL, zero-width, bidi marks, ...)
    unrecoverable_chars: int = 0
    html_stripped: bool = False
    notes: list[str] = field(default_factory=list)
    page_starts: list[int] | None = None  # offsets where pages 2, 3, ... begin (PDF); None: no pages

    def source_span(self, start: int, end: int) -> str:
        if self.offset_map is None:
            return self.text_source[start:end]
        return self.text_source[self.offset_map[start] : self.offset_map[end]]


def decode_report(data: bytes, source: str = "<bytes>") -> Decoded:
    fmt = document_format(data, source)
    if fmt in (HTML, TEXT):
        text, encoding = decode_bytes(data, source)
        html_stripped = fmt == HTML or looks_like_html(text)
        if html_stripped:
            text = html_page_text(text)
    else:
        # PDF and .docx: Unicode from the document itself; the format is recorded as the encoding
        text, encoding, html_stripped = read_document(data, source, fmt), fmt, False
    repaired, log = repair(text)
    if not repaired.strip():
        raise ReportRejected(source, "the file holds no text after decoding")
    script, _share = script_of(repaired)
    simplified, offset_map = to_simplified(repaired)
    return Decoded(
        text=simplified,
        text_source=repaired,
        encoding=encoding,
        script=script,
        offset_map=offset_map,
        repairs_pinyin=log.pinyin,
        repairs_mojibake=log.mojibake,
        repairs_punctuation=log.punctuation,
        repairs_dropped_lines=log.dropped_lines,
        repairs_invisible=log.invisible,
        unrecoverable_chars=simplified.count(MARK),
        html_stripped=html_stripped,
        notes=log.notes,
        page_starts=page_starts(simplified) if fmt in PAGED else None,
    )


def decode(raw: RawReport) -> Decoded:
    """The decoded layer of one report."""
    return decode_report(raw.data, raw.source_file)


def decode_file(path: Path, max_bytes: int) -> Decoded:
    return decode_report(read_report_bytes(path, max_bytes), path.name)
