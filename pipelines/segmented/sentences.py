"""Segmentation rules: decoded text -> blocks, sentences and clauses with offsets and context.

Offsets always refer to the decoded Simplified text, so `text[start:end] == sentence.text`.
A sentence joined across a page break keeps the break's whitespace (the slice is exact);
extraction reads clauses with that whitespace removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..rules import any_match, compiled, limit

RULES = "segment_rules.yaml"

TERMINATORS = "。！？!?…"
CLOSERS = "”’」』)）\"'"
#: a line ending with one of these (and optional closers) is complete; otherwise it may continue
LINE_END = re.compile(r"[。！？!?；;…:：][”’」』)）\"]*$")
MD_HEADING = re.compile(r"^#{1,6}\s*")
BOLD_LEADIN = re.compile(r"^\*\*(.+?)\*\*\s*")
CLAUSE_SPLIT = re.compile(r"[；;]")


@dataclass
class Line:
    start: int
    end: int
    text: str
    cls: str  # heading | boilerplate | title_like | body


@dataclass
class Block:
    kind: str  # title | heading | caption | body
    start: int
    end: int
    seams: list[tuple[int, int, bool]] = field(default_factory=list)  # (gap start, gap end, truncated)


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    block: str  # title | heading | caption | body
    paragraph: int
    section: str | None
    part: str | None  # review | plan | None
    truncated: bool = False
    page: int | None = None  # the PDF page the sentence starts on, set by the segmented stage
    # filled by the segmented stage (stage.py): the published identity of the sentence
    sentence_id: str = ""
    position: int = 0
    text_source: str = ""
    tokens: list[str] = field(default_factory=list)

    def clauses(self) -> list[tuple[int, int]]:
        """(start, end) offsets of the clauses (split on ；;) in the decoded text."""
        out, pos = [], 0
        for m in CLAUSE_SPLIT.finditer(self.text):
            out.append((self.start + pos, self.start + m.end()))
            pos = m.end()
        if pos < len(self.text):
            out.append((self.start + pos, self.end))
        return out


@dataclass
class Segmented:
    title: str | None
    sentences: list[Sentence]
    boilerplate: list[str]
    blocks: list[Block]
    report_id: str = ""


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _unquoted(line: str) -> str:
    return re.sub(r"“[^”]*”", "", line)


def is_boilerplate(line: str) -> bool:
    return len(line) <= limit(RULES, "boilerplate_line") and any_match(compiled(RULES, "boilerplate"), line) is not None


def classify_line(line: str) -> str:
    if MD_HEADING.match(line):
        return "heading"
    if is_boilerplate(line):
        return "boilerplate"
    if len(line) <= limit(RULES, "numbered_heading") and not re.search(r"[。；;]", line) and any_match(compiled(RULES, "heading_numbered"), line):
        return "heading"
    if len(line) <= limit(RULES, "title_like") and not LINE_END.search(line) and not re.search(r"[,，;；]", _unquoted(line)):
        return "title_like"
    return "body"


def split_lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        start, end = _strip_span(text, pos, pos + len(raw))
        pos += len(raw) + 1
        if start == end:
            continue
        content = text[start:end]
        m = MD_HEADING.match(content)
        if m:
            lines.append(Line(start + m.end(), end, content[m.end():], "heading"))
            continue
        cls = classify_line(content)
        bold = BOLD_LEADIN.match(content) if cls in ("body", "title_like") else None
        if bold:
            lines.append(Line(start + 2, start + 2 + len(bold.group(1)), bold.group(1), "heading"))
            rest = start + bold.end()
            if rest < end:
                lines.append(Line(rest, end, text[rest:end], "body"))
            continue
        lines.append(Line(start, end, content, cls))
    return lines


def _opens_with_unmatched_closer(line: str) -> bool:
    """`设)项目。`: a closing bracket before any opener means the start of the passage is lost."""
    pairs = {")": "(", "）": "（", "”": "“", "」": "「", "》": "《"}
    depth = {opener: 0 for opener in pairs.values()}
    for ch in line:
        if ch in depth:
            depth[ch] += 1
        elif ch in pairs:
            if depth[pairs[ch]] == 0:
                return True
            depth[pairs[ch]] -= 1
    return False


def build_blocks(text: str, lines: list[Line]) -> tuple[list[Block], list[str], str | None]:
    """Group lines into blocks: join body lines across page breaks, label titles and captions."""
    blocks: list[Block] = []
    boilerplate: list[str] = []
    title = None
    content_lines = [ln for ln in lines if ln.cls != "boilerplate"]
    boilerplate = [ln.text for ln in lines if ln.cls == "boilerplate"]
    if content_lines:
        first = content_lines[0]
        if first.cls in ("title_like", "body") and not LINE_END.search(first.text) and len(first.text) <= limit(RULES, "joined_title"):
            first.cls = "title"
            title = first.text
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.cls == "boilerplate":
            i += 1
            continue
        if ln.cls == "title":
            blocks.append(Block("title", ln.start, ln.end))
        elif ln.cls == "heading":
            blocks.append(Block("heading", ln.start, ln.end))
        elif ln.cls == "title_like":
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            blocks.append(Block("heading" if nxt is not None and nxt.cls == "body" else "caption", ln.start, ln.end))
        else:
            block = Block("body", ln.start, ln.end)
            while not LINE_END.search(text[block.start:block.end]) and i + 1 < len(lines) and lines[i + 1].cls == "body":
                nxt = lines[i + 1]
                block.seams.append((block.end, nxt.start, _opens_with_unmatched_closer(nxt.text)))
                block.end = nxt.end
                i += 1
            blocks.append(block)
        i += 1
    return blocks, boilerplate, title


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in text[start:end]: after a run of 。！？!?… and the closers that follow,
    never on `.`, and not while a “ is open (unless the closers close it)."""
    spans = []
    depth = 0
    s = start
    i = start
    while i < end:
        ch = text[i]
        if ch == "“":
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
        if ch in TERMINATORS:
            j = i + 1
            while j < end and text[j] in TERMINATORS:
                j += 1
            while j < end and text[j] in CLOSERS:
                if text[j] == "”" and depth:
                    depth -= 1
                j += 1
            if depth == 0:
                spans.append(_strip_span(text, s, j))
                s = j
            i = j
            continue
        i += 1
    if s < end:
        spans.append(_strip_span(text, s, end))
    return [(a, b) for a, b in spans if b > a]


def _part_cue(kind: str, text: str) -> str | None:
    if kind == "heading":
        if any_match(compiled(RULES, "part_cues.heading_review"), text):
            return "review"
        if any_match(compiled(RULES, "part_cues.heading_plan"), text):
            return "plan"
        return None
    # lead-ins: at the start of the sentence or of one of its first comma-separated pieces
    for piece in re.split(r"[,，:：]", text)[: limit(RULES, "part_cue_pieces")]:
        piece = piece.strip()
        if any_match(compiled(RULES, "part_cues.leadin_review"), piece):
            return "review"
        if any_match(compiled(RULES, "part_cues.leadin_plan"), piece):
            return "plan"
    return None


def segment(text: str) -> Segmented:
    lines = split_lines(text)
    blocks, boilerplate, title = build_blocks(text, lines)
    sentences: list[Sentence] = []
    section: str | None = None
    part: str | None = None
    for paragraph, block in enumerate(blocks, start=1):
        block_text = text[block.start:block.end]
        if block.kind == "heading":
            section = block_text
            part = _part_cue("heading", block_text) or part
            sentences.append(Sentence(block.start, block.end, block_text, "heading", paragraph, section, part))
            continue
        if block.kind in ("title", "caption"):
            sentences.append(Sentence(block.start, block.end, block_text, block.kind, paragraph, section, part))
            continue
        # body: cut at truncation seams first, so that no sentence spans one
        pieces, cursor, truncated_at = [], block.start, set()
        for gap_start, gap_end, truncated in block.seams:
            if truncated:
                pieces.append((cursor, gap_start))
                truncated_at.update({gap_start, gap_end})
                cursor = gap_end
        pieces.append((cursor, block.end))
        for piece_start, piece_end in pieces:
            for s, e in split_sentences(text, piece_start, piece_end):
                sent_text = text[s:e]
                if e == block.end and is_boilerplate(sent_text):
                    boilerplate.append(sent_text)
                    continue
                part = _part_cue("body", sent_text) or part
                touches = (e == piece_end and piece_end in truncated_at) or (s == piece_start and piece_start in truncated_at)
                sentences.append(Sentence(s, e, sent_text, "body", paragraph, section, part, touches))
    return Segmented(title, sentences, boilerplate, blocks)


def clause_text(text: str) -> str:
    """A clause or sentence with layout whitespace (page-break seams) removed."""
    return re.sub(r"\s*\n\s*", "", text)
