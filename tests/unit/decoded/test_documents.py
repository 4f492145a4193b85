"""Reading PDF, Word and HTML reports: which reader a file needs, page chrome and line joins of a
PDF (on the positioned lines the reader returns), tables and layout of web pages, Word files
made with python-docx, and bad files refused with one line."""

import io
import zipfile

import pytest

from pipelines.decoded import pdf as pdf_reader
from pipelines.decoded.formats import DOCX, HTML, PDF, TEXT, document_format
from pipelines.decoded.html_page import html_page_text
from pipelines.decoded.layout import Page, assemble, page_of, page_starts
from pipelines.decoded.stage import decode_report
from pipelines.decoded.word import read_docx
from pipelines.errors import ReportRejected


@pytest.mark.parametrize(
    "name, data, fmt",
    [
        ("a.pdf", b"%PDF-1.7\n...", PDF),
        ("a.txt", b"%PDF-1.4\n...", PDF),  # a PDF saved under a text name is still a PDF
        ("a.docx", b"PK\x03\x04....", DOCX),
        ("a.docx", b"not a zip", DOCX),  # refused by the Word reader, which says why
        ("a.html", b"<!-- saved from url=(0040)http://example.org/ -->\n<html>", HTML),
        ("a.htm", b"<p>x</p>", HTML),
        ("a.txt", "报告".encode(), TEXT),
        ("a.txt", b"PK\x03\x04" + b"\x14\x00" * 100, TEXT),  # a zip that is no Word file: decode_bytes names it
    ],
)
def test_document_format(name, data, fmt):
    assert document_format(data, name) == fmt


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("a.pdf", "一份报告".encode(), "does not start like a PDF"),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "save it as .docx"),
        ("a.docx", b"not a zip", "not a zip archive"),
        ("a.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "password-protected"),
    ],
)
def test_bad_documents_are_refused_with_one_line(name, data, reason):
    with pytest.raises(ReportRejected) as err:
        decode_report(data, name)
    assert reason in err.value.reason and "\n" not in str(err.value)


def _line(text, x0, top, x1=None, size=12.0):
    """A positioned line as the PDF worker returns it (CJK text, one em per character)."""
    return {"text": text, "x0": x0, "x1": x1 if x1 is not None else x0 + size * len(text), "top": top,
            "bottom": top + size, "size": size, "first_width": size}


def _page(lines, tables=()):
    return {"width": 600.0, "height": 840.0, "lines": lines, "tables": list(tables), "images": 0}


def test_running_headers_footers_and_page_numbers_are_removed():
    pages = [
        _page([_line("某区人民政府文件", 240, 30), _line(f"正文第{n}页的内容。", 100, 300), _line(f"- {n} -", 290, 800)])
        for n in range(1, 4)
    ]
    pages[1]["lines"].append(_line("第2页", 280, 780))  # a page number of another form, once
    kept = pdf_reader.remove_page_chrome(pages)
    assert [[ln["text"] for ln in p["lines"]] for p in kept] == [["正文第1页的内容。"], ["正文第2页的内容。"], ["正文第3页的内容。"]]


def test_a_small_line_at_the_top_of_a_one_page_document_is_a_running_header():
    page = _page([_line("某区人民政府门户网站", 240, 30, size=9.0), _line("某区政府工作报告", 200, 80, size=16.0),
                  _line("正文。", 100, 300), _line("(注:数据为初步统计)", 100, 790, size=9.0)])
    kept = pdf_reader.remove_page_chrome([page])
    assert [ln["text"] for ln in kept[0]["lines"]] == ["某区政府工作报告", "正文。", "(注:数据为初步统计)"]


def test_a_line_in_the_body_or_on_one_page_only_is_kept():
    pages = [_page([_line("一、总体要求", 100, 300)]), _page([_line("一、总体要求", 100, 300), _line("附件", 100, 30)])]
    kept = pdf_reader.remove_page_chrome(pages)
    assert [[ln["text"] for ln in p["lines"]] for p in kept] == [["一、总体要求"], ["一、总体要求", "附件"]]


def test_wrapped_lines_are_joined_and_paragraphs_kept_apart():
    # text block 60..540: a full line wraps into the next flush-left line; a paragraph starts indented
    full = "全" * 40
    pages = [
        _page([_line("标题", 270, 100), _line(full, 60, 130), _line("续完。", 60, 150), _line(full[:38], 84, 170, x1=540),
               _line("跨页", 60, 190, x1=540 - 12)]),
        _page([_line("接上页。", 60, 100), _line("二、下一节", 84, 120)]),
    ]
    laid = pdf_reader.lay_out(pages)
    assert laid[0].blocks == ["标题", full + "续完。", full[:38] + "跨页"]
    assert laid[1].continues and laid[1].blocks == ["接上页。", "二、下一节"]
    text = assemble(laid)
    # a sentence running on to the next page is one line with the page break inside it
    assert text == f"标题\n{full}续完。\n{full[:38]}跨页\f接上页。\n二、下一节"
    starts = page_starts(text)
    assert [page_of(starts, text.index(s)) for s in ("标题", "接上页", "二、下一节")] == [1, 2, 2]


def test_a_short_last_line_does_not_join_the_next_paragraph():
    pages = [_page([_line("全" * 40, 60, 100), _line("短。", 60, 120), _line("新段落从左边开始。", 60, 140)])]
    assert pdf_reader.lay_out(pages)[0].blocks == ["全" * 40 + "短。", "新段落从左边开始。"]


def test_pages_apart_on_lines_of_their_own():
    text = assemble([Page(["第一页。"]), Page(["第二页。"]), Page([])])
    assert text == "第一页。\n\f\n第二页。\n\f\n"
    assert page_starts(text) == [6, 13]


PAGE = """<!-- saved from url=(0040)http://www.example.gov.cn/ -->
<html><head><title>统计公报</title><style>p{color:red}</style></head><body>
<table><tr><td><a href="/">首页</a></td><td>
  <p>2023年某区统计公报</p>
  <p>单位:亿元</p>
  <table border="1">
    <tr><th rowspan="2">指标</th><th colspan="2">2023年</th></tr>
    <tr><th>绝对值</th><th>比上年增长%</th></tr>
    <tr><td>地区生产总值</td><td>1,234.5</td><td>-0.5</td></tr>
  </table>
  <p>全年新增就业1.2万人。</p>
</td></tr></table>
<script>var hits = 12;</script>
</body></html>"""


def test_html_page_tables_and_layout():
    lines = [ln for ln in html_page_text(PAGE).split("\n") if ln]
    assert lines == [
        "统计公报",
        "首页",
        "2023年某区统计公报",
        "单位:亿元",
        "2023年,地区生产总值1234.5亿元。",
        "2023年,地区生产总值比上年增长下降0.5%。",
        "全年新增就业1.2万人。",
    ]


def test_html_file_is_read_as_html_even_without_a_leading_tag():
    d = decode_report(PAGE.encode("utf-8"), "page.html")
    assert d.html_stripped and "首页" in d.text and "hits" not in d.text and d.page_starts is None


def _docx(blocks) -> bytes:
    import docx

    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "页眉不读"
    for block in blocks:
        if isinstance(block, str):
            doc.add_paragraph(block)
        else:
            table = doc.add_table(rows=len(block), cols=len(block[0]))
            for i, row in enumerate(block):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_docx_paragraphs_and_tables_in_document_order():
    data = _docx(["某区统计公报", "单位:万吨", [["指标", "产量", "增长%"], ["粮食", "45.6", "2.1"]], "全年完成投资12亿元。"])
    assert read_docx(data, "a.docx") == "某区统计公报\n单位:万吨\n粮食产量45.6万吨。\n粮食增长2.1%。\n全年完成投资12亿元。"


def test_docx_without_document_part_and_zip_bomb_are_refused(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(ReportRejected, match="no word/document.xml"):
        read_docx(out.getvalue(), "a.docx")
    monkeypatch.setattr("pipelines.decoded.word.limit", lambda name, key: 1)  # 1 MB
    big = _docx(["报告。" * 200_000])  # ~1.8 MB of XML, a few KB zipped
    with pytest.raises(ReportRejected, match="over the limit"):
        read_docx(big, "a.docx")


def test_damaged_docx_part_is_refused():
    data = _docx(["报告。"])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            dst.writestr(item, body[: len(body) // 2] if item.filename == "word/document.xml" else body)
    with pytest.raises(ReportRejected, match="the .docx is damaged"):
        read_docx(out.getvalue(), "a.docx")


def test_a_table_broken_by_a_page_keeps_its_header_and_unit():
    header = [["指标", "绝对值", "比上年增长%"], ["地区生产总值", "234.5", "6.5"]]
    rest = [["第一产业增加值", "30.2", "3.1"]]
    pages = [
        _page([_line("单位:亿元", 100, 600)], [{"top": 620, "bottom": 780, "rows": header}]),
        _page([_line("全年财政收入12亿元。", 84, 300)], [{"top": 80, "bottom": 120, "rows": rest}]),
    ]
    laid = pdf_reader.lay_out(pages)
    assert laid[1].blocks[0].continued
    text = assemble(laid)
    assert text.split("\f")[1].split("\n")[1:4] == ["第一产业增加值30.2亿元。", "第一产业增加值比上年增长3.1%。", "全年财政收入12亿元。"]
    # a table that starts a page with its own header is a new table
    pages[1]["tables"][0]["rows"] = [["指标", "数量"], ["学校", "12"]]
    assert not pdf_reader.lay_out(pages)[1].blocks[0].continued
