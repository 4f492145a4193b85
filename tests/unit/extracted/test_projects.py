"""Projects: table-driven clauses in -> names (and status) out, rejections, the unique table."""

import pandas as pd
import pytest

from pipelines.extracted.project_names import project_id, project_key
from pipelines.extracted.projects import build_projects, extract_mentions, mentions_in_clause
from pipelines.segmented.sentences import segment


def names(clause: str, part: str | None = "review") -> list[str]:
    return [m[0].strip("“”") for m in mentions_in_clause(clause, part)]


def mentions(text: str) -> list:
    seg = segment(text)
    return extract_mentions(text, [(f"r:{i:04d}", s) for i, s in enumerate(seg.sentences, 1)])


ENUMERATIONS = [
    # one mention per item; `等项目` keeps the items as written
    ("推动中智、五龙口智慧农批物流园、山西航空装备制造产业园等项目落地", ["中智", "五龙口智慧农批物流园", "山西航空装备制造产业园"]),
    ("狄村等城改项目回迁安置36万平方米", ["狄村"]),
    ("协调推进南屯北街、玉河街等23条街巷改造项目", ["南屯北街", "玉河街"]),
    ("重点推动漪汾街西延、西山大道以及玉门河街等道路建设", ["漪汾街西延", "西山大道", "玉门河街"]),
    # unseen districts, same shapes
    ("推进鼓楼湾、三坊七巷等历史街区保护项目", ["鼓楼湾", "三坊七巷"]),
    ("加快滨江新城、龙湖天街等综合体建设", ["滨江新城", "龙湖天街"]),
]

SUFFIXES = [
    # a specific head after the count is shared by the items
    ("加快小井峪、上庄等5个消防站建设", ["小井峪消防站", "上庄消防站"]),
    ("建成东坝、西湖等3个污水处理厂", ["东坝污水处理厂", "西湖污水处理厂"]),
    # a short bare first item takes the suffix of the next, cut at a word boundary
    ("加快学府、龙城社区卫生服务中心建设", ["学府社区卫生服务中心", "龙城社区卫生服务中心"]),
    # a kind word (学校) or a 项目 head is not restored
    ("完成万柏林七中、区特殊教育学校等5个学校提质改造工程", ["万柏林七中", "区特殊教育学校"]),
]

NAMES = [
    ("全面启动中国(太原)农产品加工园项目建设", ["中国(太原)农产品加工园项目"]),
    ("推动“均和云谷·太原智能电机港”开工建设", ["均和云谷·太原智能电机港"]),
    ("谋划启动建设北寒公园二期、东社带状公园", ["北寒公园二期", "东社带状公园"]),
    ("促成泰康之家太原长寿社区、5G+智慧医养康项目落地", ["5G+智慧医养康项目"]),
    ("将山西智创城NO.8打造为科技创新中心", ["山西智创城NO.8"]),
    ("推进春光锻造轨道交通及特殊装备零部件扩产项目当年建成投产", ["春光锻造轨道交通及特殊装备零部件扩产项目"]),
    ("全力保障武宿机场三期改扩建、地铁1号线建设", ["武宿机场三期改扩建", "地铁1号线"]),
    # heads beyond parks and roads: motorways, waterways, locks, wharves, branch lines, resettlement sites
    ("开工建设京港澳高速", ["京港澳高速"]),
    ("加快湘江一级航道建设", ["湘江一级航道"]),
    ("推进东平湖船闸、南阳港区码头建设", ["东平湖船闸", "南阳港区码头"]),
    ("建成平江港铁路专用线", ["平江港铁路专用线"]),
    # an introducing word is not part of the name
    ("主要有东湖纺织服装集聚区、西岭物流园", ["东湖纺织服装集聚区", "西岭物流园"]),
]

LISTS = [
    # an explicit list closed by 等: each item as written, whatever its last word
    ("包括沪昆高速金华至衢州段、杭绍台高速绍兴至台州段等2个高速公路项目", ["沪昆高速金华至衢州段", "杭绍台高速绍兴至台州段"]),
    ("主要包括清江大桥、白马湖水库工程等", ["清江大桥", "白马湖水库工程"]),
    ("主要有宜宾医学院(二期)、南溪滨江公园项目、翠屏大饭店升级改造项目等", ["宜宾医学院(二期)", "南溪滨江公园项目", "翠屏大饭店升级改造项目"]),
    # 和 splits two items that each end in a head noun, not one name joined by 及
    ("包括安庆港区长风码头和巢湖三期工程等水运项目", ["安庆港区长风码头", "巢湖三期工程"]),
    ("包括镇海炼化乙烯一体化及配套改造项目、宁波北仑港区码头等", ["镇海炼化乙烯一体化及配套改造项目", "宁波北仑港区码头"]),
    # a list without a list cue falls back to the head-noun names; the 等 of 高等 opens no list
    ("推动湖州师范高等专科学校建设", ["湖州师范高等专科学校"]),
]

EDGES = [
    # a capacity inside a name does not cut it
    ("开工建设华能岳阳2×66万千瓦燃煤发电工程", ["华能岳阳2×66万千瓦燃煤发电工程"]),
    ("推动金沙30万吨再生铝项目、红河15万平方米标准厂房项目建设", ["金沙30万吨再生铝项目", "红河15万平方米标准厂房项目"]),
    # a section between two places
    ("加快赣江南昌至湖口一级航道建设", ["赣江南昌至湖口一级航道"]),
    # 建设项目, 工程, S1线, (二期) stay with the name
    ("九江市濂溪区电子产业园建设项目开工", ["九江市濂溪区电子产业园建设项目"]),
    ("总投资80亿元的温州机场S2线宣布开建", ["温州机场S2线"]),
    # a name opening with a place name may hold more verbs than the limit
    ("开工活动在赣州市章贡区地质灾害治理搬迁避让安置点项目现场举行", ["赣州市章贡区地质灾害治理搬迁避让安置点项目"]),
    # a list word or a copula glued to an unknown name is cut off
    ("特别是美岭科技新城前期工作扎实", ["美岭科技新城"]),
    ("与中铁集团签订滨海中心港区建设合同", ["滨海中心港区"]),
]

REJECTED = [
    # roads named as places, not projects
    "项目一期位于金湖大道以西、金湖西环路以东",
    # a kind of project before 项目: 产业项目, 招商引资项目
    "宜春市产业项目建设迎来收获期",
    "推动招商引资和产业项目建设",
    "抓好特色产业项目开发",
    # numbered programmes and slogans with a strategic position
    "补短板“982”工程项目完成投资2395亿元",
    "实施百千万工程",
    "锚定“智造创新城”战略定位",
    # kinds without a specific name
    "新建3所以上公办幼儿园,推进商业综合体建设",
    "实施优质学校硬件提升工程",
    "持续推进老旧小区改造",
    # campaigns, slogans, designations and numbered slogans
    "大力实施“数商兴农”工程",
    "建设“四好农村路”",
    "积极创建国家食品安全示范城",
    "强化“抓项目就是抓发展”理念",
    # words where a head is only part of a common word
    "完善城市功能,形成新的工作思路",
    "推进项目库建设",
    # kinds of projects and ordinals
    "内资项目12个,外资项目3个,异地项目36个",
    "一是大项目建设加快",
    "加强基础设施和民生工程建设",
]


@pytest.mark.parametrize("clause,expected", ENUMERATIONS + SUFFIXES + NAMES + LISTS + EDGES)
def test_names(clause, expected):
    assert names(clause) == expected


@pytest.mark.parametrize("clause", REJECTED)
def test_rejections(clause):
    assert names(clause) == []


def test_partners_named_as_actors_are_not_projects():
    text = "一年来,与山西省实验小学、太原市实验小学等名校对接合作,光华小学和开成小学顺利开学。"
    assert [m.name for m in mentions(text)] == ["光华小学", "开成小学"]


STATUS = [
    ("一年来,草莓小镇如期开园。", "operating"),
    ("一年来,北京华联胜利购物广场主体完工。", "under_construction"),
    ("一年来,古圆通寺、镇远桥回迁复原完成。", "completed"),
    ("一年来,京东数字经济产业园成功落地。", "started"),
    ("一年来,签约联合U谷项目。", "signed"),
    ("一年来,太原铁路枢纽客运环线力争开工建设。", "planned"),
    ("今年,谋划启动建设北寒公园二期。", "planned"),
    ("今年,推进春光锻造扩产项目当年建成投产。", "under_construction"),
    ("今年,推动新城吾悦广场开业投运。", "under_construction"),
    ("今年,加快小井峪消防站建设。", "under_construction"),
    # a stage reached later is no cue; another name's words are no cue; 开竣工 is an opening
    ("在分会场集中开工的项目包括漳州至龙岩段等高速公路项目,项目建成后将缩短时空距离。", "started"),
    ("一年来,总投资5亿元的龙岩高新电子产业园建设项目、总投资3亿元的武夷山游客服务中心项目等均在集中开工项目之列。", "started"),
    ("日前,全市重大项目集中开竣工暨三明200万吨钢铁技改项目开工仪式举行。", "started"),
    ("一年来,漳浦30万吨饲料项目顺利建成投产。", "operating"),
    ("一年来,美岭科技新城前期工作扎实。", "planned"),
    ("一年来,闽清根雕生产基地等7个项目正式动建。", "started"),
]


@pytest.mark.parametrize("text,expected", STATUS)
def test_status_from_the_verbs_around_the_mention(text, expected):
    found = mentions(text)
    assert found and found[0].status == expected, [(m.name, m.status) for m in found]


def test_status_comes_from_the_mentions_own_comma_piece():
    text = "一年来,晋商博物院正式对外开放,府城广场建设加快,古圆通寺回迁复原完成。"
    assert [(m.name, m.status) for m in mentions(text)] == [
        ("晋商博物院", "operating"), ("府城广场", "under_construction"), ("古圆通寺", "completed")]


def test_investment_only_when_tied_to_one_project():
    one = mentions("今年,开工建设东山昆仑燃气项目,总投资12.5亿元。")
    assert [(m.name, m.investment_value, m.investment_unit) for m in one] == [("东山昆仑燃气项目", 12.5, "亿元")]
    many = mentions("一年来,签约联合U谷等总投资220.9亿元的10个优质项目。")
    assert all(m.investment_value is None for m in many)


def test_one_project_with_or_without_trailing_xiangmu_and_bracket_width():
    assert project_key("晶科能源项目") == project_key("晶科能源")
    assert project_key("万柏林三中新校区建设项目") == project_key("万柏林三中新校区")
    assert project_key("京东（山西）数字经济产业园") == project_key("京东(山西)数字经济产业园")
    assert project_id("某区", "晶科能源项目") == project_id("某区", "晶科能源")
    assert project_id("甲区", "新建路小学") != project_id("乙区", "新建路小学")


def test_unique_table_counts_mentions_across_reports():
    men = pd.DataFrame([
        {"project_id": project_id("某区", "晶科能源"), "name": "晶科能源", "district": "某区", "category": "other", "status": "signed", "report_id": "b", "start": 5},
        {"project_id": project_id("某区", "晶科能源项目"), "name": "晶科能源项目", "district": "某区", "category": "other", "status": "operating", "report_id": "c", "start": 9},
        {"project_id": project_id("某区", "杏花公园"), "name": "杏花公园", "district": "某区", "category": "public_facility", "status": None, "report_id": "a", "start": 1},
    ])
    table = build_projects(men).set_index("name")
    assert table.loc["晶科能源项目", "n_mentions"] == 2
    assert table.loc["晶科能源项目", "first_report_id"] == "b"
    assert table.loc["晶科能源项目", "status"] == "operating"  # the latest report's stage
    assert len(table) == 2
