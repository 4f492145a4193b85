"""Render report texts to PDF (fpdf2, a CJK font from the system) and .docx (python-docx) inside
a test run, the way government sites publish them: A4 pages with a running header, page
numbers in the footer, paragraphs indented two characters, ruled tables."""

from __future__ import annotations

from pathlib import Path

import pytest

#: Debian's fonts-wqy-zenhei (.ci/run installs it); TrueType outlines, which fpdf2 embeds
CJK_FONTS = [
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
]


def cjk_font() -> Path:
    for path in CJK_FONTS:
        if path.exists():
            return path
    pytest.skip("no CJK font installed (apt-get install fonts-wqy-zenhei): PDFs of Chinese text cannot be rendered")


Block = str | list[list[str]]  # a paragraph, or a table as rows of cells


def blocks_of_text(text: str) -> list[Block]:
    """The paragraphs of a plain-text report (sub/superscript digits as plain digits: the
    font has no glyph for them and a PDF would drop them)."""
    from pipelines.chars import fold_width

    return [fold_width(line).strip() for line in text.splitlines() if line.strip()]


def render_pdf(blocks: list[Block], path: Path, header: str = "政府信息公开", *, encrypt: str | None = None) -> Path:
    from fpdf import FPDF
    from fpdf.enums import WrapMode, XPos, YPos

    font = cjk_font()

    class Report(FPDF):
        def header(self):
            self.set_font("cjk", size=9)
            self.cell(0, 6, header, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(4)

        def footer(self):
            self.set_y(-15)
            self.set_font("cjk", size=9)
            self.cell(0, 8, f"- {self.page_no()} -", align="C")

    pdf = Report(format="A4")
    pdf.add_font("cjk", fname=str(font))
    pdf.add_font("cjk", style="B", fname=str(font))  # table headings ask for bold; the same face serves
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=22)
    if encrypt is not None:
        pdf.set_encryption(owner_password="owner", user_password=encrypt)
    pdf.add_page()
    pdf.set_font("cjk", size=12)
    for block in blocks:
        if isinstance(block, str):
            pdf.multi_cell(0, 7, "\u3000\u3000" + block, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
        else:
            pdf.ln(2)
            with pdf.table(first_row_as_headings=True, line_height=7) as table:
                for row in block:
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell)
            pdf.ln(2)
    pdf.output(str(path))
    return path


def render_docx(blocks: list[Block], path: Path) -> Path:
    import docx

    doc = docx.Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = "政府信息公开"
    for block in blocks:
        if isinstance(block, str):
            doc.add_paragraph(block)
        else:
            table = doc.add_table(rows=len(block), cols=len(block[0]))
            table.style = "Table Grid"
            for i, row in enumerate(block):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
    doc.save(str(path))
    return path


def render_scan(path: Path) -> Path:
    """A scanned report: each page one image, no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(image)
    for y in range(60, 760, 24):
        draw.line((60, y, 540, y), fill=40, width=6)  # lines of "print"
    pdf = FPDF(format="A4")
    for _ in range(2):
        pdf.add_page()
        pdf.image(image, x=10, y=10, w=190)
    pdf.output(str(path))
    return path


def write_pdf(objects: list[bytes], path: Path) -> Path:
    """A PDF from numbered object bodies (object 1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def page_bomb(path: Path, pages: int = 5000) -> Path:
    """A PDF whose page tree holds thousands of (empty) pages."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return write_pdf(objects, path)


def stream_bomb(path: Path, inflated_mb: int) -> Path:
    """A one-page PDF whose content stream is ~1 MB of zlib per GB it inflates to. One block of
    1 MB of spaces is compressed once after a full flush and repeated (a full flush resets the
    compressor, so every repeat is the same bytes), then the zlib trailer closes the stream."""
    import zlib

    chunk = b" " * 2**20
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.flush()
    checksum = 1
    for _ in range(inflated_mb):
        checksum = zlib.adler32(chunk, checksum)
    data = b"\x78\xda" + block * inflated_mb + end + checksum.to_bytes(4, "big")
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream,
    ]
    return write_pdf(objects, path)
