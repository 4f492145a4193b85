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
    # an event reported from its date is news; a bureau or an office's credit does not make news
    ("3月4日下午,某区召开2016年第一批重点项目集中开工仪式。\n\n项目总投资55亿元。", "news"),
    ("某市统计局\n(2018年4月16日)\n\n2017年,全市地区生产总值增长6%。", "other"),
    ("某市1-9月主要统计数据\n\n规模以上工业增加值增长8%。(统计局工业处:詹某)", "other"),
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
    # a review of a five-year period as a whole reviews its last year; the conference plans the next
    ("2月15日上午,某开发区经济工作会议召开。\n\n会议全面总结了“十二五”期间取得的各项成绩,部署了今年各项工作。", {}, (2015, 2016)),
    # the year whose work is honoured; `刚刚过去的` a year; the year a text opens as a plan year
    ("某区召开经济工作会议。\n\n会议首先表彰了2014年度先进集体和先进个人。", {}, (2014, 2015)),
    ("某市人民代表大会开幕,市长作政府工作报告。\n\n刚刚过去的2024年,是不平凡的一年。2025年是“十四五”规划收官之年。", {}, (2024, 2025)),
    # a government's own 开局之年 is said of a year under review too: not a plan year
    ("某市人民代表大会开幕,市长作政府工作报告。\n\n报告说,2017年是本届政府的开局之年。2017年,预计全市生产总值增长7.5%,比上年增长7.5%。", {}, (2017, 2018)),
    # years in the middle of a line, after a comma, set targets and estimates
    ("昨天,某市人民代表大会第五次会议召开,2021年,某市将经济增长目标设为6%以上。\n\n2020年,某市预计实现地区生产总值4250亿元、比上年增长5%。", {}, (2020, 2021)),
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
    # a column tag before the title and a stray year after it are cut; a field label or a menu bullet is no title
    ("【报告摘编】经济运行总体平稳\n\n全市生产总值增长6%。", "经济运行总体平稳"),
    ("某县2020年国民经济和社会发展统计公报 2020\n\n全县生产总值增长6%。", "某县2020年国民经济和社会发展统计公报"),
    ("[ 发文字号 ]\n\n全市生产总值增长6%。", None),
    ("• 主题分类\n\n全市生产总值增长6%。", None),
]


@pytest.mark.parametrize("text,expected", TITLES)
def test_title(text, expected):
    assert meta(text)["title"] == expected


def test_authors_without_roles_and_outlets():
    m = meta("海口网讯(记者 谢某 实习生胡某某)全市规模以上工业完成产值277亿元。")
    assert m["authors"] == "谢某 胡某某"
    m = meta("中新网南京2月20日电 (记者 陆某某)某市地区生产总值增长13%。")
    assert m["outlet"] == "中新网"


BYLINES = [
    # a publication stamp with the outlet after it, or before it
    ("sina.com.cn  2011年05月16日17:45  中国新闻网\n\n中新网福州5月16日电 (张某 陈某某)某县举办项目开工仪式。", ("中国新闻网", "张某 陈某某")),
    ("某某图数馆 2018-03-20 10:33:06\n\n某市人代会开幕,市长作政府工作报告。", ("某某图数馆", None)),
    # a bracketed wire line; a station's dateline (讯) and a 消息 line
    ("【某某商报网讯】2月19日,某区人代会开幕。", ("某某商报网", None)),
    ("红网吉首站1月23日讯 1月22日,某市经济工作会议召开。", ("红网", None)),
    ("某某网4月28日讯 (记者 李某)记者从28日召开的会议上获悉。", ("某某网", "李某")),
    # a source line followed by page furniture; the reporter's own site named in the text is no outlet
    ("发布时间:2019-01-28 08:55:00来源:某某日报访问量:1024\n\n某市人代会开幕。", ("某某日报", None)),
    ("某某网1月28日讯 “2018年,某区经济稳中有进。”在接受本网记者专访时,区委书记说。", ("某某网", None)),
    # a credit closing a paragraph, and an office's credit
    ("某市人代会开幕,市长作政府工作报告。\n\n城镇新增就业118万人,大学毕业生留汉就业173万人。(张某某 严某某 费某某)", (None, "张某某 严某某 费某某")),
    ("某市1-9月主要统计数据\n\n规模以上工业增加值增长8%。(统计局工业处:詹某)", (None, "詹某")),
    # one name in brackets closing the text; names before an editor's credit; an outlet in an author list
    ("某区人代会开幕。\n\n大力推进现代农业产业园建设。(黄某某)", (None, "黄某某")),
    ("日期: 2023-01-05 来源:某某新闻中心 记者:向某 杨某某 罗某某编辑:郑某某\n\n某市人代会开幕。", ("某某新闻中心", "向某 杨某某 罗某某")),
    ("2012-10-11 来源:某某日报 作者:李某某 张某 某某日报\n\n某市项目集中开工。", ("某某日报", "李某某 张某")),
    # a bureau signing a communiqué
    ("某某市统计局\n(2018年4月16日)\n\n2017年,全市生产总值增长6%。", ("某某市统计局", None)),
    # nothing stated: nothing inferred (a unit line in brackets is no credit)
    ("某区经济运行平稳。\n\n全区生产总值增长6%。(单位:亿元)", (None, None)),
]


@pytest.mark.parametrize("text,expected", BYLINES)
def test_outlet_and_authors(text, expected):
    m = meta(text)
    assert (m["outlet"], m["authors"]) == expected


def test_area_from_the_publishing_body_when_the_text_names_none():
    table = "1-9月进度数据发布\n\n本地生产总值(亿元) | 2527.54 | 11.5 |"
    m = meta(table, {"source_publisher": "绍兴市统计局"})
    assert (m["province"], m["city"], m["district"]) == ("浙江省", "绍兴市", None)
    # the text's own area wins, and an outlet names no area
    assert meta("嵊州市召开会议。\n\n嵊州市生产总值增长6%。", {"source_publisher": "绍兴市统计局"})["district"] == "嵊州市"
    assert meta(table, {"source_publisher": "香港商报网"})["province"] is None
