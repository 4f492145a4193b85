"""Tables of PDF, Word and HTML reports as sentences: rows in, lines out (and tables that give
no sentence: layout tables, cells without a number)."""

import pytest

from pipelines.decoded.tables import render_table, split_header

COMMUNIQUE = [
    ["指标", "绝对值", "比上年增长%"],
    ["地区生产总值", "1234.5", "6.5"],
    ["#第一产业", "100.2", "-3.2"],
]


@pytest.mark.parametrize(
    "rows, before, lines",
    [
        # the statistical communiqué: unit from the `单位:` line above, % from the header
        (COMMUNIQUE, ["单位:亿元"], ["地区生产总值1234.5亿元。", "地区生产总值比上年增长6.5%。",
                                  "第一产业100.2亿元。", "第一产业比上年增长下降3.2%。"]),
        # the unit in a header cell, wrapped header text, full-width digits and thousands commas
        ([["项目", "金额\n(万元)", "增速(%)"], ["一般公共预算收入", "１2,345", "８.1"]], [],
         ["一般公共预算收入12345万元。", "一般公共预算收入增速8.1%。"]),
        # a unit column; an empty cell and a dash give nothing; a group row stays a line
        ([["指标", "单位", "2023年", "2022年"], ["农业", "", "", ""], ["粮食产量", "万吨", "120.5", "—"]], [],
         ["农业", "2023年,粮食产量120.5万吨。"]),
        # years down the first column, the metric in the header
        ([["年份", "地区生产总值(亿元)"], ["2022", "1100"], ["2023", "1234.5"]], [],
         ["2022年,地区生产总值1100亿元。", "2023年,地区生产总值1234.5亿元。"]),
        # a title row and a `单位` row inside the table; the header's unit-caption cell
        ([["表1 主要指标", "表1 主要指标"], ["单位:万人", "单位:万人"], ["指标", "数量"], ["常住人口", "45.2"]], [],
         ["表1 主要指标", "常住人口45.2万人。"]),
        # a cell written with its unit reads as it stands; a cell of words alone gives nothing
        ([["指标", "完成情况", "备注"], ["新增就业", "1.2万人", "超额完成"]], [], ["新增就业完成情况1.2万人。"]),
        # a layout table (no number outside the first column): cells as lines, each once
        ([["首页", "首页", "新闻"], ["区政府工作报告", "", ""]], [], ["首页", "新闻", "区政府工作报告"]),
        # nothing at all
        ([["", ""], [None, ""]], [], []),
    ],
)
def test_render_table(rows, before, lines):
    assert render_table(rows, before) == lines


@pytest.mark.parametrize(
    "header, split",
    [
        ("比上年增长%", ("比上年增长", "%")),
        ("绝对值(亿元)", ("绝对值", "亿元")),
        ("绝对值（亿元）", ("绝对值", "亿元")),
        ("增长率", ("增长率", None)),
        ("地区生产总值(按可比价格计算的增长速度)", ("地区生产总值(按可比价格计算的增长速度)", None)),
    ],
)
def test_split_header(header, split):
    assert split_header(header) == split
