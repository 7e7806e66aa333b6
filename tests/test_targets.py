"""Tests for policytext.targets: quantities, deadlines, zero targets, slogans, itemisation."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from policytext._numerals import parse_chinese, parse_number
from policytext.errors import InputError, ResourceError
from policytext.targets import TARGETS, itemisation, numeral_slogans, targets, targets_validation

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "raw" / "qianjiang-quzhen-2017-work-report-excerpt.txt"
PLAN_STARTS = 7  # line 7 ("2018年,是…") opens the 2018 plan; lines 0-6 review 2017


def _units(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": "d", "unit_id": range(len(texts)), "text": texts})


def _reference_units(full_width: bool = False) -> pd.DataFrame:
    """Sentences of the reference document with raw spans, built here by a plain split on 。."""
    raw = REFERENCE.read_text(encoding="utf-8")
    rows, offset = [], 0
    for para_no, line in enumerate(raw.split("\n")):
        for m in re.finditer(r"[^。]+。?", line):
            text = m.group(0).translate(str.maketrans(",;:()", "，；：（）")) if full_width else m.group(0)
            rows.append({"doc_id": "ref", "unit_id": len(rows), "para_no": para_no,
                         "part": "review" if para_no < PLAN_STARTS else "plan", "text": text,
                         "start": offset + m.start(), "end": offset + m.end()})
        offset += len(line) + 1
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def ref() -> tuple[pd.DataFrame, pd.DataFrame]:
    units = _reference_units()
    return units, targets(units)


def one(text: str) -> dict:
    """The single row found in ``text`` (fails when there is not exactly one)."""
    found = targets(_units([text]))
    assert len(found) == 1, found[["surface", "kind"]].values.tolist()
    return found.iloc[0].to_dict()


# --- numerals ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("一百零五", 105), ("两千", 2000),
    ("三万五千", 35000), ("千", 1000), ("千亿", 1e11), ("一千三百八十七亿四千万", 138740000000),
    ("二〇一八", 2018), ("一九八○", 1980), ("二十一点七", 21.7),
])
def test_parse_chinese(text, value):
    assert parse_chinese(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["一二三", "亿万", "三五", "点", "abc"])
def test_parse_chinese_rejects_non_numbers(text):
    assert parse_chinese(text) is None


@pytest.mark.parametrize("text, value", [
    ("167.83亿", 16783000000.0), ("1,234.5", 1234.5), ("1.2万", 12000.0), ("１．５９", 1.59),
    ("3 5 0万", 3500000.0), ("1.3万亿", 1.3e12),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


# --- single quantities ---------------------------------------------------------------------


@pytest.mark.parametrize("text, surface, value, unit, kind, approx, numeral", [
    ("总投资4.15亿元", "4.15亿元", 415000000.0, "元", "money", "exact", "digit"),
    ("产能达到1,234.5吨", "1,234.5吨", 1234.5, "吨", "weight", "exact", "digit"),
    ("建成1.2万亩基地", "1.2万亩", 12000.0, "亩", "area", "exact", "digit"),
    ("建立千亩示范基地", "千亩", 1000.0, "亩", "area", "exact", "chinese"),
    ("新建2公顷", "2公顷", 30.0, "亩", "area", "exact", "digit"),
    ("共129.5km长", "129.5km", 129.5, "km", "length", "exact", "digit"),
    ("修路800米", "800米", 0.8, "km", "length", "exact", "digit"),
    ("产地蔬菜82%外销", "82%", 82.0, "%", "percent", "exact", "digit"),
    ("提高到百分之八十二", "百分之八十二", 82.0, "%", "percent", "exact", "chinese"),
    ("高达百分之二十一点七", "百分之二十一点七", 21.7, "%", "percent", "exact", "chinese"),
    ("降低0.4个百分点", "0.4个百分点", 0.4, "百分点", "percent", "exact", "digit"),
    ("增长３．４倍", "３．４倍", 3.4, "倍", "multiple", "exact", "digit"),
    ("淘汰项目十余个", "十余个", 10.0, "个", "count", "more_than", "chinese"),
    ("接待客商160余批次", "160余批次", 160.0, "批次", "count", "more_than", "digit"),
    ("拥有600多年历史", "600多年", 600.0, "年", "duration", "more_than", "digit"),
    ("覆盖近3万人", "近3万人", 30000.0, "人", "count", "less_than", "digit"),
    ("占比约40%", "约40%", 40.0, "%", "percent", "about", "digit"),
    ("增长超过5%", "超过5%", 5.0, "%", "percent", "more_than", "digit"),
    ("控制在3%以内", "3%以内", 3.0, "%", "percent", "less_than", "digit"),
    ("保持在15%左右", "15%左右", 15.0, "%", "percent", "about", "digit"),
    ("新增就业1000万以上", "1000万以上", 1e7, "", "count", "more_than", "digit"),
    ("建成税收过亿的企业", "过亿", 1e8, "元", "money", "more_than", "chinese"),
    ("惠及上千万家庭", "上千万", 1e7, "", "count", "more_than", "chinese"),
    ("迈步“千亿企业”", "千亿", 1e11, "元", "money", "exact", "chinese"),
    ("粮食产量1.2万亿斤", "1.2万亿斤", 6e8, "吨", "weight", "exact", "digit"),
    ("根据１９５５年的统计", "１９５５年", 1955.0, "年", "date", "exact", "digit"),
    ("二〇一八年计划", "二〇一八年", 2018.0, "年", "date", "exact", "chinese"),
    ("根据对３，２８０个单位的统计", "３，２８０个", 3280.0, "个", "count", "exact", "digit"),
    ("物价上涨7 2 ％", "7 2 ％", 72.0, "%", "percent", "exact", "digit"),
    ("编制10年规划", "10年", 10.0, "年", "duration", "exact", "digit"),
    ("大约三分之一的村", "三分之一", 100 / 3, "%", "percent", "exact", "chinese"),
    ("实际增长4·3％", "4·3％", 4.3, "%", "percent", "exact", "digit"),
    ("装机5055万千瓦", "5055万千瓦", 50550000.0, "千瓦", "other", "exact", "digit"),
    ("货运量共增加了一亿一千二百万吨", "一亿一千二百万吨", 112000000.0, "吨", "weight", "exact", "chinese"),
    ("产量七亿七千多万吨", "七亿七千多万吨", 770000000.0, "吨", "weight", "more_than", "chinese"),
    ("一九五三年的计划", "一九五三年", 1953.0, "年", "date", "exact", "chinese"),
    ("２００２年１月１日起施行", "２００２年１月１日", 2002.0, "年", "date", "exact", "digit"),
    ("一年多来", "一年多", 1.0, "年", "duration", "more_than", "chinese"),
    ("增加3 5 0 万", "3 5 0 万", 3500000.0, "", "count", "exact", "digit"),
    ("实现国民生产总值翻两番", "翻两番", 4.0, "倍", "multiple", "exact", "chinese"),
    ("已經有三十萬手工業者", "三十萬", 300000.0, "", "count", "exact", "chinese"),
    ("拼湊了八個國家", "八個", 8.0, "个", "count", "exact", "chinese"),
    ("近千万知识青年上山下乡", "近千万", 1e7, "", "count", "less_than", "chinese"),
    ("據一九五三年底的統計", "一九五三年底", 1953.0, "年", "date", "exact", "chinese"),
    ("澳门将于1 9 9 9 年1 2 月2 0 日回归", "1 9 9 9 年1 2 月2 0 日", 1999.0, "年", "date", "exact", "digit"),
    ("支出７５９，２２７，０００元", "７５９，２２７，０００元", 759227000.0, "元", "money", "exact", "digit"),
    ("降到１０．０６‰", "１０．０６‰", 1.006, "%", "percent", "exact", "digit"),
    ("增长1 5 ．3 ％", "1 5 ．3 ％", 15.3, "%", "percent", "exact", "digit"),
    ("参加国际条约1 8 7 个", "1 8 7 个", 187.0, "个", "count", "exact", "digit"),
    ("降低成本三成", "三成", 30.0, "%", "percent", "exact", "chinese"),
    ("经过千辛万苦,建成1.5万座水库", "1.5万座", 15000.0, "座", "count", "exact", "digit"),
    # guide 1.2: old and foreign units, standard coal, decades, 尾数 is not the vague 数
    ("住宅四千六百万平方公尺", "四千六百万平方公尺", 69000.0, "亩", "area", "exact", "chinese"),
    ("借款十四亿零六百万新卢布", "十四亿零六百万新卢布", 1406000000.0, "新卢布", "money", "exact", "chinese"),
    ("能耗5万吨标准煤以上的企业", "5万吨标准煤以上", 50000.0, "吨", "weight", "more_than", "digit"),
    ("为九十年代的发展", "九十年代", 90.0, "年代", "date", "exact", "chinese"),
    ("剩下的尾数一千七百万卢布", "一千七百万卢布", 17000000.0, "卢布", "money", "exact", "chinese"),
    ("城乡居民人均收入翻一番", "翻一番", 2.0, "倍", "multiple", "exact", "chinese"),
    ("技术交易额翻了一番", "翻了一番", 2.0, "倍", "multiple", "exact", "chinese"),
    ("健全县、乡、村三级医疗卫生服务体系", "三级", 3.0, "级", "count", "exact", "chinese"),
])
def test_quantity(text, surface, value, unit, kind, approx, numeral):
    row = one(text)
    assert (row["surface"], row["unit"], row["kind"], row["approx"], row["numeral"]) == (
        surface, unit, kind, approx, numeral)
    assert row["value"] == pytest.approx(value)
    assert text[row["start"]:row["end"]] == surface


def test_one_year_after_a_year_is_a_duration_not_an_article():
    found = targets(_units(["一九五八年一年的增长"]))
    assert found[["surface", "kind"]].values.tolist() == [["一九五八年", "date"], ["一年", "duration"]]


@pytest.mark.parametrize("text", ["这一年继续施工", "是发展最快的一年"])
def test_a_year_named_as_a_period_is_a_duration(text):
    row = one(text)
    assert (row["surface"], row["kind"], row["value"]) == ("一年", "duration", 1.0)


@pytest.mark.parametrize("text", ["在数十个国家", "投资数亿元", "一年来,我们建成一个体系", "百年罕见",
                                  "第一个五年計划最后一年", "十几年来", "在今后若干年内", "建立一批零碳园区",
                                  "去年年底波及若干城市", "实现第一个百年奋斗目标", "如果不在今后几十年内",
                                  "按照五届人大四次会议的要求", "第一个五年的基本建设计划", "这是四十条纲要的中心",
                                  "全国政协五次会议", "推进九年制义务教育", "我们要用百倍的努力",
                                  "带动上亿万农民增收", "超亿万元"])
def test_vague_amounts_and_relative_time_are_not_quantities(text):
    assert targets(_units([text])).empty


def test_ascii_comma_is_a_clause_break_not_a_thousands_separator():
    found = targets(_units(["组织外出招商活动50次,接待客商赴潜参观考察160余批次"]))
    assert found["surface"].tolist() == ["50次", "160余批次"]
    assert found["value"].tolist() == [50.0, 160.0]


@pytest.mark.parametrize("text, surface, low, high, unit", [
    ("新建3至5个", "3至5个", 3.0, 5.0, "个"),
    ("考虑未来10年甚至20年的发展", "10年甚至20年", 10.0, 20.0, "年"),
    ("投资3至5万元", "3至5万元", 30000.0, 50000.0, "元"),
])
def test_range_is_one_row_with_lower_bound(text, surface, low, high, unit):
    row = one(text)
    assert (row["surface"], row["value"], row["value_high"], row["unit"], row["approx"]) == (
        surface, low, high, unit, "range")


@pytest.mark.parametrize("text, surface, value", [
    ("按照年底建成的要求", "年底", math.nan), ("确保年内完成", "年内", math.nan),
    ("2018年底前完成整改", "2018年底前", 2018.0), ("五年内全部完成", "五年内", 5.0),
    ("确保按期脱贫出列", "按期", math.nan), ("限期整改到位", "限期", math.nan),
    ("如期实现目标", "如期", math.nan), ("11月底前完成", "11月底前", math.nan),
    ("三个月内把新部委组建起来", "三个月内", 3.0), ("三十天内办结", "三十天内", 30.0),
])
def test_deadlines(text, surface, value):
    row = one(text)
    assert (row["surface"], row["kind"]) == (surface, "deadline")
    assert row["value"] == pytest.approx(value, nan_ok=True)


@pytest.mark.parametrize("text, surface", [
    ("由于十年内乱，我们的传统受到破坏", "十年"),  # 内乱 is a word: no 年内
    ("三年内完成了全部改造", "三年"),  # what happened within the span (guide 1.2)
    ("并在五十年内不予改变", "五十年"),  # a promise that lasts (guide 1.4)
    ("调整时期的四年内，轻工业平均每年增长", "四年"),  # a named period (dev: set 6)
    ("尽管前四年内我国能源消费总量平均", "四年"),
])
def test_spans_that_are_not_deadlines_are_durations(text, surface):
    row = one(text)
    assert (row["surface"], row["kind"]) == (surface, "duration")


def test_month_after_截止_is_a_date_without_the_verb():
    row = one("今年(截止11月)区镇")
    assert (row["surface"], row["kind"], row["value"], row["unit"]) == ("11月", "date", 11.0, "月")


@pytest.mark.parametrize("text, surface, value, numeral", [
    ("保持进京非访“零记录”目标", "零记录", 0.0, "chinese"),
    ("基本实现“零火点”", "零火点", 0.0, "chinese"),
    ("化肥使用量零增长", "零增长", 0.0, "chinese"),
    ("力争全年不发生一起重大安全事故", "不发生一起重大安全事故", math.nan, "none"),
    ("守住不发生系统性金融风险的底线", "不发生系统性金融风险", math.nan, "none"),
    ("坚决杜绝重特大安全事故", "杜绝重特大安全事故", math.nan, "none"),
])
def test_zero_targets(text, surface, value, numeral):
    row = one(text)
    assert (row["surface"], row["kind"], row["numeral"]) == (surface, "zero_target", numeral)
    assert row["value"] == pytest.approx(value, nan_ok=True)


@pytest.mark.parametrize("text, surface", [
    ("坚决杜绝多胎生育。", "杜绝多胎生育"),  # guide 1.3: by wording, whatever must not occur
    ("全面给予零关税待遇", "零关税"),
    ("只要不发生抢购现象，是可以满足供应的", "不发生抢购现象"),
    ("守住不发生系统性和区域性金融风险底线", "不发生系统性和区域性金融风险"),
])
def test_zero_targets_by_wording(text, surface):
    row = one(text)
    assert (row["surface"], row["kind"]) == (surface, "zero_target")


@pytest.mark.parametrize("text", ["做好防止返贫的工作", "防止资本无序扩张", "国家明令禁止的收费"])
def test_prevention_and_bans_are_not_zero_targets(text):
    assert "zero_target" not in set(targets(_units([text]))["kind"])


@pytest.mark.parametrize("text, kept", [
    ("年底存栏一亿八千万头", ["一亿八千万头"]),
    ("年末城镇登记失业率4.0%", ["4.0%"]),  # a level measured at the year end (guide 1.4)
    ("去年末居民储蓄存款余额增长8.5%", ["8.5%"]),
])
def test_a_level_at_a_year_end_without_a_year_is_not_reported(text, kept):
    assert targets(_units([text]))["surface"].tolist() == kept


@pytest.mark.parametrize("text", ["力争年底基本完成", "确保年底全面建成", "年底投产"])
def test_a_year_end_before_a_task_is_a_deadline(text):
    assert targets(_units([text]))[["surface", "kind"]].values.tolist() == [["年底", "deadline"]]


def test_zero_tolerance_is_not_a_target():
    assert targets(_units(["对腐败零容忍,坚持无禁区、全覆盖"])).empty


@pytest.mark.parametrize("text, surface, kind, value", [
    ("外汇储备2010年底达2.8万亿美元", "2010年底", "date", 2010.0),
    ("比2012年底增加5000万人", "2012年底", "date", 2012.0),
    ("到一九六五年底，全国共有学校三百所", "一九六五年底", "date", 1965.0),
    ("1956年末增加到二千四百万", "1956年末", "date", 1956.0),
    # guide 1.3: a year end before which a class of things was made, the end of a period
    ("2005年底前注册营运的黄标车今年要全部淘汰", "2005年底前", "date", 2005.0),
    ("从一九五〇年七月到一九五三年底，共介绍", "一九五三年底", "date", 1953.0),
    ("计划在一九八五年底以前全部建成的四百个", "一九八五年底以前", "deadline", 1985.0),
    # an event at the year end, a period, "by then already done" (dev: fifth held-back set)
    ("一九七八年底召开的中国共产党十一届三中全会", "一九七八年底", "date", 1978.0),
    ("把１９８４年末至１９８５年一度出现的过热现象", "１９８４年末", "date", 1984.0),
    ("到１９５５年底，已经完成铺轨", "１９５５年底", "date", 1955.0),
    ("2002年末消费贷款余额达1.04万亿元", "2002年末", "date", 2002.0),
    ("到2020年底，全面完成改造任务", "2020年底", "deadline", 2020.0),
    ("力争2019年底前建成投产", "2019年底前", "deadline", 2019.0),
    ("按照年底建成的要求推进", "年底", "deadline", math.nan),
])
def test_a_year_end_dates_a_statistic_or_limits_a_task(text, surface, kind, value):
    hits = targets(_units([text]))
    row = hits[hits["surface"] == surface].iloc[0]
    assert row["kind"] == kind
    assert row["value"] == pytest.approx(value, nan_ok=True)


def test_a_year_end_without_year_dating_a_statistic_is_not_reported():
    assert not targets(_units(["人数由年初的200万扩大到年末的500万"]))["surface"].str.contains("年末").any()


@pytest.mark.parametrize("text", ["加大秸秆禁烧实时监控能力建设", "三是实现全面“禁烧”"])
def test_a_ban_is_not_a_zero_target(text):
    assert targets(_units([text])).empty


@pytest.mark.parametrize("text", [
    "一是园区短板正在加快补齐。二要开展新活动。第一责任。",
    "认真落实“一河一长、一河一治、一河一策”等治理措施",
    "完善水、路、铁三位一体的交通网络",
    "提升党员干部的政治能力和八大工作本领",
    "大力培育化工新材料、生物医药两大战略性新兴产业",
    "进一步做亮区镇“党建360”的品牌创建工作",
    "按照“五位一体”的总体布局,贯彻党的十九大精神",
    "开展“七五”普法宣传,深化“一感两度两率”工作",
    "推进一大批高新技术小企业,建成又一个企业,一方民心安定",
    "加强PM2.5治理,建设5G基站",
    "数亿元资金,亿万人民,几个方面",
    "实施第六个五年计划",
    "市委第二巡察组巡察反馈问题",
    "贯彻党的十五届三中全会精神,中共十一届三中全会以后,党的十大提出的任务",
    "一年来,我们建成一个体系",
    "保持两位数增长,使三成为现实,一成不变",
    "千万不要忘记,十万火急,坚持党的一元化领导",
])
def test_not_quantities(text):
    found = targets(_units([text]))
    assert found.empty, found[["surface", "kind"]].values.tolist()


def test_no_shipped_slogan_is_reported():
    words = numeral_slogans().words
    assert len(words) >= 60
    texts = [f"坚持{word}要求" for word in words]
    found = targets(_units(texts))
    assert found.empty, found[["surface", "context"]].values.tolist()


def test_slogan_list_has_a_header():
    header = numeral_slogans().resource.header
    assert {"version", "source", "how built"} <= set(header)


def test_bad_slogan_list_names_file_and_line(tmp_path):
    path = tmp_path / "slogans.txt"
    path.write_text("# version: 1\n# source: test\n五位一体\n五位一体\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"slogans.txt:4"):
        targets(_units(["x"]), slogans=path)
    with pytest.raises(ResourceError, match="no such slogan list"):
        numeral_slogans(tmp_path / "missing.txt")


def test_missing_columns_raise_input_error():
    with pytest.raises(InputError, match="text"):
        targets(pd.DataFrame({"doc_id": ["d"], "unit_id": [0]}))


# --- object, status, context, stage ---------------------------------------------------------


@pytest.mark.parametrize("text, surface, obj", [
    ("纳入调度范围的项目共计14个,总投资167.83亿元", "14个", "项目"),
    ("区镇与辖区39家企业签订承诺书", "39家", "企业"),
    ("将9条河湖、13个支渠共129.5km长的河湖断面责任到人", "9条", "河湖"),
    ("完成畜禽禁养所有任务共96户", "96户", "户"),
])
def test_object(text, surface, obj):
    found = targets(_units([text])).set_index("surface")
    assert found.loc[surface, "object"] == obj


def test_context_is_the_clause_with_ascii_or_full_width_punctuation():
    for text in ("今年,区镇联合执法,督促6家企业完成淘汰;", "今年，区镇联合执法，督促6家企业完成淘汰；"):
        assert one(text)["context"][:-1] == "督促6家企业完成淘汰"


# --- the reference document ------------------------------------------------------------------


def test_reference_money_normalised_to_yuan(ref):
    _, found = ref
    money = found[found["kind"] == "money"]
    # hand-computed: 1 亿 = 100000000 元
    assert list(zip(money["surface"], money["value"])) == [
        ("167.83亿元", 16783000000.0), ("4.15亿元", 415000000.0), ("10亿元", 1000000000.0),
        ("1.2亿元", 120000000.0), ("1.3亿元", 130000000.0), ("0.5亿元", 50000000.0),
        ("1.5亿元", 150000000.0), ("千亿", 100000000000.0), ("过亿", 100000000.0),
    ]
    assert set(money["unit"]) == {"元"}


def test_reference_investment_status(ref):
    _, found = ref
    status = dict(zip(found["surface"], found["status"]))
    assert status["4.15亿元"].startswith("已开工")
    assert status["1.3亿元"] == "已完成选址"
    assert status["0.5亿元"] == status["1.5亿元"] == "已完成项目会审"
    assert status["167.83亿元"] == ""


def test_reference_spans_index_the_raw_text(ref):
    _, found = ref
    raw = REFERENCE.read_text(encoding="utf-8")
    assert [raw[a:b] for a, b in zip(found["raw_start"], found["raw_end"])] == found["surface"].tolist()


def test_reference_key_rows(ref):
    _, found = ref
    kinds = found.groupby("surface")["kind"].agg(lambda k: sorted(set(k))).to_dict()
    expected = {"11月": ["date"], "50次": ["count"], "14个": ["count"], "10余个": ["count"],
                "年底": ["deadline"], "129.5km": ["length"], "5000亩": ["area"], "千亩": ["area"],
                "82%": ["percent"], "零火点": ["zero_target"], "2018年": ["date"],
                "零记录": ["zero_target"], "不发生一起重大安全事故": ["zero_target"],
                "按期": ["deadline"], "10年甚至20年": ["duration"], "600多年": ["duration"]}
    assert {s: kinds.get(s) for s in expected} == expected
    assert (found["surface"] == "年底").sum() == 2


def test_reference_stage_follows_part(ref):
    units, found = ref
    part = found.merge(units[["unit_id", "part"]], on="unit_id")["part"]
    assert (found["stage"] == part.map({"review": "achieved", "plan": "planned"})).all()
    assert set(found["stage"]) == {"achieved", "planned"}


def test_full_width_punctuation_gives_the_same_quantities(ref):
    _, ascii_found = ref
    full = targets(_reference_units(full_width=True))
    cols = ["unit_id", "surface", "start", "end", "value", "kind", "approx"]
    pd.testing.assert_frame_equal(full[cols], ascii_found[cols])


def test_reference_itemisation(ref):
    _, found = ref
    table = itemisation(found)
    assert len(table) == 1
    row = table.iloc[0]
    items = [4.15, 10, 1.2, 1.3, 0.5, 1.5]  # 亿元, read off the document by hand
    assert row["total_surface"] == "167.83亿元"
    assert row["stated_count"] == 14
    assert row["n_items"] == len(items)
    assert row["items_sum"] == pytest.approx(sum(items) * 1e8)
    assert row["share_itemised"] == pytest.approx(sum(items) / 167.83)
    assert "方圆钛白新材料系列项目 10亿元" in row["items"]
    assert row["items"].startswith("年产7000吨锂离子电池添加剂项目 4.15亿元")


def test_itemisation_needs_a_stated_project_count():
    units = _units(["总投资3亿元。", "投资1亿元的甲项目已开工。"])
    assert itemisation(targets(units)).empty


# --- table contract ----------------------------------------------------------------------------


def test_schema_and_determinism(ref):
    units, found = ref
    assert list(found.columns[: len(TARGETS)]) == list(TARGETS)
    assert {c: str(found[c].dtype) for c in TARGETS} == {
        c: str(pd.Series(dtype=d).dtype) for c, d in TARGETS.items()}
    assert list(found.columns[len(TARGETS):]) == ["para_no", "raw_start", "raw_end"]
    pd.testing.assert_frame_equal(targets(units), found)
    assert found.attrs["slogans"].startswith("numeral_slogans.txt v1.5")


def test_empty_input_gives_an_empty_table_with_the_schema():
    found = targets(_units([]))
    assert found.empty and list(found.columns) == list(TARGETS)


def test_itemisation_with_full_width_punctuation():
    table = itemisation(targets(_reference_units(full_width=True)))
    assert table[["total_surface", "stated_count", "n_items"]].values.tolist() == [["167.83亿元", 14.0, 6]]


# --- validation helper ---------------------------------------------------------------------------


def test_validation_matches_by_overlap_and_kind():
    paragraphs = pd.DataFrame({"para_id": ["a", "b"], "text": ["投资3亿元,年底建成", "建成两个指标,五位一体"]})
    gold = pd.DataFrame({"para_id": ["a", "a", "b", "b"], "start": [2, 7, 2, 7],
                         "end": [5, 9, 4, 11], "kind": ["money", "duration", "count", "count"],
                         "numeral": ["digit", "none", "chinese", "chinese"]})
    scores = targets_validation(gold, paragraphs).set_index("group")
    # 年底 is predicted as a deadline, annotated (wrongly, for this test) as a duration:
    # one unmatched prediction and one unmatched gold row; 五位一体 is never predicted.
    assert scores.loc["money", ["precision", "recall"]].tolist() == [1.0, 1.0]
    assert scores.loc["deadline", ["n_pred", "matched_pred"]].tolist() == [1, 0]
    assert scores.loc["duration", ["n_gold", "matched_gold"]].tolist() == [1, 0]
    assert scores.loc["chinese", ["precision", "recall"]].tolist() == [1.0, 0.5]
    assert scores.loc["all", ["n_gold", "n_pred", "matched_gold"]].tolist() == [4, 3, 2]


def test_same_quantities_from_the_structure_units(ref, reference_units):
    """pt.units (normalised, full-width punctuation) gives the same rows, spans into the raw text."""
    _, hand = ref
    found = targets(reference_units)
    raw = REFERENCE.read_text(encoding="utf-8")
    assert [raw[a:b] for a, b in zip(found["raw_start"], found["raw_end"])] == found["surface"].tolist()
    cols = ["surface", "value", "kind", "approx", "raw_start"]
    pd.testing.assert_frame_equal(found[cols], hand[cols])
    assert found["stage"].tolist() == hand["stage"].tolist()


def test_alternative_chinese_numerals_without_one_value_do_not_crash():
    # 一两年或两三年 in a national report gave a quantity without a value and crashed targets().
    import policytext as pt

    from .conftest import NATIONAL

    corpus = pt.load_corpus(NATIONAL)
    doc = corpus[corpus["text"].str.contains("一两年或两三年")].head(1)
    units = pt.units(doc)
    table = targets(units[units["text"].str.contains("一两年或两三年")])
    # 在一两年或两三年内迅速地…改变了面貌 tells what happened within the span: not a deadline
    assert "deadline" not in set(table["kind"]) and table["value"].dtype == "float64"
    planned = targets(_units(["争取在两三年内完成改造"]))
    assert planned[["surface", "kind"]].values.tolist() == [["两三年内", "deadline"]]
    assert planned["value"].isna().all()
