"""Report metadata: table-driven texts in -> area, type, years and byline out."""

import datetime as dt

import pytest

from pipelines.extracted.report_meta import infer_metadata, url_date
from pipelines.segmented.sentences import segment


def meta(text: str, sidecar: dict | None = None) -> dict:
    seg = segment(text)
    seg.title = next((s.text for s in seg.sentences if s.block == "title"), None)
    return infer_metadata(seg, text, sidecar or {})


AREAS = [
    # a district named in full and by its short form, in its city
    ("南京市鼓楼区召开会议。\n\n鼓楼区全年新增就业2万人,鼓楼经济稳步增长。", ("江苏省", "南京市", "鼓楼区")),
    # several cities of one province named alike: the text is about the province
    ("湖南省重大项目集中开工\n\n长沙市、岳阳市、益阳市同步举行开工仪式,长沙、岳阳、益阳各有项目开工。", ("湖南省", None, None)),
    # a municipality is its own city
    ("北京市政府工作报告发布。\n\n北京全年地区生产总值增长6%。", ("北京市", "北京市", None)),
    # an autonomous county by its common short form
    ("维西县一季度经济运行平稳。\n\n维西县地区生产总值增长9%。", ("云南省", "迪庆藏族自治州", "维西傈僳族自治县")),
    # an outlet's name is not the area (香港商报 reports on a district of 绵阳)
    ("【香港商报网讯】绵阳市涪城区人代会开幕。\n\n涪城区地区生产总值增长9%,涪城全区经济向好。", ("四川省", "绵阳市", "涪城区")),
]


@pytest.mark.parametrize("text,expected", AREAS)
def test_area(text, expected):
    m = meta(text)
    assert (m["province"], m["city"], m["district"]) == expected


def test_a_development_zone_is_the_area_without_a_code():
    m = meta("德州经济技术开发区召开经济工作会议\n\n会议部署今年工作。")
    assert (m["district"], m["admin_code"], m["city"]) == ("德州经济技术开发区", None, "德州市")


TYPES = [
    ("某县2019年国民经济和社会发展统计公报\n\n2019年,全县生产总值增长6%。", "other"),
    ("某市2022年国民经济和社会发展计划执行情况与2023年计划草案的报告\n\n一、执行情况", "plan_report"),
    ("某区召开经济工作会议\n\n会议总结2023年工作,部署2024年工作。", "work_conference"),
    ("本报讯(记者 张三)某区重大项目集中开工,总投资12亿元。", "news"),
    ("1月11日,某市第十五届人民代表大会第一次会议开幕,市长作政府工作报告。", "government_work_report"),
]


@pytest.mark.parametrize("text,expected", TYPES)
def test_report_type(text, expected):
    assert meta(text)["report_type"] == expected


YEARS = [
    # a communiqué reviews the year its title names and plans nothing
    ("某县2019年国民经济和社会发展统计公报\n\n全县生产总值增长6%。", {}, (2019, None)),
    # a work report delivered in February plans that year and reviews the one before
    ("2021-02-03 来源:某某日报\n\n某市人民代表大会第五次会议开幕,市长作政府工作报告。", {}, (2020, 2021)),
    # a conference held in December plans the next year
    ("2015-12-20 来源:某某日报\n\n某区召开经济工作会议。", {}, (2015, 2016)),
    # news reports the year it appeared in; the source URL's date settles it when the text has none
    ("某县一季度地区生产总值增长9%。", {"source_url": "http://example.org/news/2016-04/25/content_1.htm"}, (2016, None)),
    ("某县今年一季度地区生产总值增长9%。", {}, (None, None)),
]


@pytest.mark.parametrize("text,sidecar,expected", YEARS)
def test_years(text, sidecar, expected):
    m = meta(text, sidecar)
    assert (m["review_year"], m["plan_year"]) == expected


def test_byline_from_the_opening_lines():
    m = meta("发布时间:2022-01-12 15:53 来源:湖北日报\n\n某市新增就业22万人。")
    assert (m["published_date"], m["outlet"]) == (dt.date(2022, 1, 12), "湖北日报")
    m = meta("香格里拉网讯(记者 杨某某)某县地区生产总值增长9%。")
    assert (m["outlet"], m["authors"]) == ("香格里拉网", "杨某某")


def test_url_dates():
    assert url_date("http://example.org/2016-04/25/x.htm") == (2016, 4)
    assert url_date("http://example.org/html/2011/ABC_0111/4637.html") == (2011, None)
    assert url_date("http://example.org/system/2012/10/11/054287106.shtml") == (2012, 10)
    assert url_date(None) is None and url_date("http://example.org/a/b.html") is None


TITLES = [
    # captions, breadcrumbs, bylines and datelines are not the title
    ("大会现场 张三 摄\n\n某区人代会开幕,区长作政府工作报告。", None),
    ("[ 索引号 ] 115001/2025-00014\n\n关于某区2024年计划执行情况的报告\n\n一、执行情况", "关于某区2024年计划执行情况的报告"),
    ("某县重大项目集中开工\n\n全县新开工项目28个。", "某县重大项目集中开工"),
]


@pytest.mark.parametrize("text,expected", TITLES)
def test_title(text, expected):
    assert meta(text)["title"] == expected


def test_authors_without_roles_and_outlets():
    m = meta("海口网讯(记者 谢某 实习生胡某某)全市规模以上工业完成产值277亿元。")
    assert m["authors"] == "谢某 胡某某"
    m = meta("中新网南京2月20日电 (记者 陆某某)某市地区生产总值增长13%。")
    assert m["outlet"] == "中新网"
