"""The segmented layer: decoded text -> sentences, headings, titles and captions with offsets,
section, review/plan part, source-script text and jieba tokens."""

from __future__ import annotations

from ..decoded.layout import page_of
from ..decoded.stage import Decoded
from .sentences import Segmented, segment
from .tokens import tokenize


def segment_report(report_id: str, decoded: Decoded) -> Segmented:
    """The segmented layer of one report; sentence ids are `<report_id>:<position, 4 digits>`."""
    seg = segment(decoded.text)
    seg.report_id = report_id
    for position, s in enumerate(seg.sentences, start=1):
        s.sentence_id = f"{report_id}:{position:04d}"
        s.position = position
        s.text_source = decoded.source_span(s.start, s.end)
        s.tokens = tokenize(s.text)
        s.page = page_of(decoded.page_starts, s.start) if decoded.page_starts is not None else None
    # the published title is the first title block (the line classes decide what a title is)
    seg.title = next((s.text for s in seg.sentences if s.block == "title"), None)
    return seg
