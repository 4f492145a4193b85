"""Word (.docx) reports with python-docx: the body's paragraphs and tables in document order
(running headers and footers live in other parts of the file and are not read).

A .docx is a zip of XML parts: the declared sizes are checked before anything is inflated, so
a zip bomb is refused by its directory alone."""

from __future__ import annotations

import io
import zipfile

from ..errors import ReportRejected
from ..rules import limit
from .layout import Page, assemble
from .tables import Table

RULES = "document_rules.yaml"


def _check_zip(data: bytes, source: str) -> None:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReportRejected(source, "the .docx is an OLE file: a password-protected Word document or an old .doc renamed; save an unprotected .docx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReportRejected(source, "the .docx is not a zip archive: the file is damaged or not a Word document") from None
    with archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise ReportRejected(source, "the .docx holds no word/document.xml: it is not a Word document")
        total = sum(info.file_size for info in archive.infolist())
        cap = limit(RULES, "docx_max_unzipped_mb") * 2**20
        if total > cap:
            raise ReportRejected(source, f"the .docx unpacks to {total:,} bytes, over the limit of {cap:,} (a zip bomb?)")


def read_docx(data: bytes, source: str) -> str:
    """The decoded text of a .docx report."""
    _check_zip(data, source)
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str | Table] = []
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                blocks.extend(line for line in item.text.split("\n"))
            elif isinstance(item, DocxTable):
                blocks.append(Table([[cell.text for cell in row.cells] for row in item.rows]))
    except ReportRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - zip and XML errors of a damaged part, said in one line
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise ReportRejected(source, f"the .docx is damaged ({detail})") from None
    return assemble([Page(blocks)])
