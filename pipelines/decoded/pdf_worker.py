"""Reads a PDF's text layer with pdfplumber, in a child process of its own (see pdf.py).

Input: the PDF's bytes on stdin; argv: the page limit, the memory limit (MB), the CPU seconds. Output: one JSON object on
stdout, either {"pages": [...]} with each page's lines and ruled tables and their positions,
or {"refused": "<one-line reason>"}. Layout decisions are made by the parent, not here.
"""

from __future__ import annotations

import io
import json
import sys


def _bbox_contains(bbox: tuple[float, float, float, float], obj: dict) -> bool:
    x0, top, x1, bottom = bbox
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def read_page(page) -> dict:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    body = page.filter(lambda obj: obj.get("object_type") != "char" or not any(_bbox_contains(b, obj) for b in boxes)) if boxes else page
    lines = []
    for line in body.extract_text_lines(strip=False, return_chars=True):
        chars = [c for c in line["chars"] if not c["text"].isspace()]
        if not chars:
            continue
        lines.append({
            "text": line["text"].strip(),
            # leading spaces count: an indent typed as 　　 marks a paragraph like a moved margin
            "x0": min(c["x0"] for c in line["chars"]),
            "x1": max(c["x1"] for c in chars),
            "top": min(c["top"] for c in chars),
            "bottom": max(c["bottom"] for c in chars),
            "size": max(c["size"] for c in chars),
            "first_width": chars[0]["x1"] - chars[0]["x0"],
        })
    return {
        "width": float(page.width),
        "height": float(page.height),
        "lines": lines,
        "tables": [{"top": t.bbox[1], "bottom": t.bbox[3], "rows": t.extract()} for t in tables],
        "images": len(page.images),
    }


def read(data: bytes, max_pages: int) -> dict:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdftypes import resolve1
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            return {"refused": "the PDF is encrypted with a password; save an unprotected copy"}
        return {"refused": f"the PDF is damaged ({_one_line(cause)})"}
    with pdf:
        # the page tree's own count, read before any page is parsed
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count", 0)) if pdf.doc.catalog.get("Pages") else 0
        if isinstance(count, int) and count > max_pages:
            return {"refused": f"the PDF declares {count:,} pages, over the limit of {max_pages:,}"}
        pages = []
        for number, page in enumerate(pdf.pages, start=1):
            if number > max_pages:
                return {"refused": f"the PDF has more than {max_pages:,} pages"}
            pages.append(read_page(page))
            page.close()
    return {"pages": pages}


def _one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return " ".join(text.split())[:200]


def _out_of_memory(exc: BaseException | None) -> bool:
    """MemoryError, or zlib's "Unable to allocate" that pdfminer wraps, at any depth."""
    while exc is not None:
        if isinstance(exc, MemoryError) or "allocate" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None)
    return False


def main() -> None:
    max_pages, memory_mb, seconds = (int(a) for a in sys.argv[1:4])
    import resource

    # the bounds apply to this process only: a bomb fails here, not in the build
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    data = sys.stdin.buffer.read()
    try:
        result = read(data, max_pages)
    except Exception as exc:  # noqa: BLE001 - any parser failure is a damaged file, said in one line
        if _out_of_memory(exc):
            result = {"refused": f"reading the PDF needs more than the limit of {memory_mb} MB of memory; it may be a PDF bomb"}
        else:
            result = {"refused": f"the PDF is damaged ({_one_line(exc)})"}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
