"""Which reader a report file needs: PDF, Word (.docx), an HTML page or plain text.

The file's first bytes decide for PDF and zip (a PDF saved as `.txt` is still read as a PDF);
the name decides for HTML, and a name that promises a format the bytes do not hold is refused.
"""

from __future__ import annotations

from ..errors import ReportRejected

PDF, DOCX, HTML, TEXT = "pdf", "docx", "html", "text"
#: formats whose decoded text is split into pages (by form feeds, see layout.py)
PAGED = {PDF}


def document_format(data: bytes, source: str) -> str:
    suffix = source.rsplit(".", 1)[-1].lower() if "." in source else ""
    head = data[:1024]
    if head.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        return PDF
    if suffix == "pdf":
        raise ReportRejected(source, "the file is named .pdf but does not start like a PDF (no %PDF- header): it is damaged or not a PDF")
    if suffix == "docx" or (head.startswith(b"PK\x03\x04") and b"word/" in data[:65536]):
        return DOCX
    if suffix == "doc":
        raise ReportRejected(source, "a Word 97-2003 .doc file is not read: save it as .docx")
    if suffix in ("htm", "html"):
        return HTML
    return TEXT


def read_document(data: bytes, source: str, fmt: str) -> str:
    """The text of a PDF or .docx report, in the layout.py form."""
    if fmt == PDF:
        from .pdf import read_pdf

        return read_pdf(data, source)
    from .word import read_docx

    return read_docx(data, source)
