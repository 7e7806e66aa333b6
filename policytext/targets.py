"""Quantitative targets and commitments: numbers, units, deadlines and zero targets.

:func:`targets` reads every quantity in a units table — numbers in digits
(``1,234.5``), Chinese numerals (``两千``, ``千亩``, ``十余个``) or both (``1.2万``) —
with its unit, normalises the value to the base unit of its kind and records how
exact it is. :func:`itemisation` lines up a stated total (``项目共计14个, 总投资167.83亿元``)
with the named projects and amounts that follow it.

Decisions (each one is tested in ``tests/test_targets.py``; they follow the coding guide
``data/labels/targets_annotation_guide.md``):

* **Kinds and base units.** money in 元 (other currencies keep their own unit, e.g.
  美元, 新卢布), weight in 吨 (also 吨标准煤), area in 亩 (平方公尺 = 平方米), length in km, percent as a number of percent
  (``个百分点`` gets unit 百分点, ``八成`` is 80 %, ``三分之一`` is 33.3 %), counts as
  counts with the measure word as unit (个, 家, 户 …; empty for ``1240万`` without one),
  ``multiple`` for 倍 (``翻两番``, two doublings, is 4 倍), duration in its own unit (年, 月, 天 …), ``other`` for units
  outside these kinds (千瓦, 立方米, 公方), multipliers applied.
* **Dates and deadlines.** A four-digit year (``2018年``, ``二〇一八年``, also after 到)
  and a month (``11月`` in ``截止11月``; 截止 is not part of the surface) are ``date``:
  value is the year, or the month when no year is written; a decade (``九十年代``) is a
  ``date`` with unit 年代 and value 90. ``年底``, ``年内``, ``2018年底前``, ``五年内``,
  ``三个月内``, ``11月底``, ``按期``, ``如期``, ``限期`` are ``deadline``: value is the year or
  the length of the span when one is written, else NaN. A span that tells what happened
  within it (``三年内完成了…``) is a duration, and so is ``十年`` in ``十年内乱``. A year end
  that dates a statistic ("as of", not "by": ``2000年底达1656亿美元``, ``比1995年底增加``,
  ``到一九五三年底，…共有…``, ``2017年底为止``, ``年末存款余额``), a year end before
  which a class of things was made (``2005年底前注册营运的黄标车``) and the end of a
  period (``从一九五〇年七月到一九五三年底``) are ``date`` (guide 1.3). Relative words without a
  numeral (``年初``, ``今年``, ``全年``, ``扩大到年末的…``) are not reported.
* **Ranges and alternatives** (``3至5个``, ``10年甚至20年``, ``2018—2020年``) are one
  row with approx ``range``: ``value`` is the lower bound, ``value_high`` the upper
  bound (equal to ``value`` for a single number).
* **Approximation.** 余, 多, 以上, 超过, 突破, 逾, 过亿, 上千万, 不少于 -> ``more_than``;
  近, 不足, 不到, 以下, 以内, 低于, 不超过 -> ``less_than``; 约, 左右, 上下 -> ``about``;
  otherwise ``exact``. ``近5年`` ("the last five years") stays exact.
* **Zero targets** are ``零记录``, ``零火点``, ``零排放``, ``零增长`` … (``_ZERO_WORDS``;
  value 0), and 不发生/未发生/没有发生/杜绝/防止发生 + what must not occur, up to the
  end of the clause or a 的 (guide 1.3: by wording, whether promised, reported or a
  condition), with or without 一起: ``不发生一起重大安全事故``, ``不发生系统性金融风险``,
  ``杜绝多胎生育`` (no number: value NaN, numeral ``none``; the 一起 is not a count).
  ``防止`` without 发生 (``防止资本无序扩张``) is a direction of policy, not a count of zero
  (guide 1.2). A ban is not a zero target, even when it is
  reported as achieved (``实现全面“禁烧”``): it names a rule, not a count of zero, and
  the annotation guide lists no ban. ``零容忍`` ("zero tolerance") is an attitude, not a
  measurable target: it is never reported.
* **Not quantities.** Numeral slogans and fixed expressions listed in the shipped
  resource ``numeral_slogans.txt`` (五位一体, 一岗双责, 十九大, 七五普法 …), ordinals
  (第一, 第二巡察组), one-X-one-Y slogans (一河一长, 一村一品), X位一体, party
  congresses (党的十大, 十大提出的 …), "N大 + noun" labels (八大工作本领: 大 is not a
  measure word), numbers glued to Latin letters (PM2.5, 5G), vague quantities (数亿,
  亿万, 几个, 十几年), bare numbers without a unit (``党建360``, unless they carry 万/亿:
  ``1000万以上``), list markers (一是, 二要: no unit), and a bare ``一`` with a count or
  duration measure word (``一个``, ``一批``, ``一年``), which reads as an article.
* **Offsets.** ``start``/``end`` index the unit's ``text``; when the units table has
  ``start`` (the unit's span in the raw text) ``raw_start``/``raw_end`` index the raw
  document (normalisation changes punctuation width one-for-one, so offsets carry over).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from . import _resources
from ._phrases import PhraseFinder
from ._numerals import CN_NUMERAL_CHARS, parse_fraction, parse_number, scaled
from .errors import InputError, ResourceError, where
from .segment import default_segmenter

__all__ = ["targets", "itemisation", "targets_validation", "numeral_slogans", "TARGETS"]

TARGETS = {
    "doc_id": "str", "unit_id": "int64", "surface": "str", "start": "int64", "end": "int64",
    "value": "float64", "value_high": "float64", "unit": "str", "kind": "str", "approx": "str",
    "numeral": "str", "object": "str", "status": "str", "context": "str", "stage": "str",
}

_STAGES = {"review": "achieved", "plan": "planned"}


class _Unit(NamedTuple):
    kind: str
    base: str
    factor: float


def _units() -> dict[str, _Unit]:
    """Unit as written -> (kind, base unit, factor to the base unit)."""
    table = {
        "元": _Unit("money", "元", 1.0), "美元": _Unit("money", "美元", 1.0),
        "欧元": _Unit("money", "欧元", 1.0), "港元": _Unit("money", "港元", 1.0),
        "日元": _Unit("money", "日元", 1.0), "英镑": _Unit("money", "英镑", 1.0),
        "卢布": _Unit("money", "卢布", 1.0), "新卢布": _Unit("money", "新卢布", 1.0),
        "吨": _Unit("weight", "吨", 1.0), "千克": _Unit("weight", "吨", 1e-3),
        "公斤": _Unit("weight", "吨", 1e-3), "斤": _Unit("weight", "吨", 5e-4),
        "亩": _Unit("area", "亩", 1.0), "公顷": _Unit("area", "亩", 15.0),
        "平方公里": _Unit("area", "亩", 1500.0), "平方千米": _Unit("area", "亩", 1500.0),
        "平方米": _Unit("area", "亩", 0.0015), "平米": _Unit("area", "亩", 0.0015),
        "平方公尺": _Unit("area", "亩", 0.0015), "公尺": _Unit("length", "km", 1e-3),
        "公里": _Unit("length", "km", 1.0), "千米": _Unit("length", "km", 1.0),
        "km": _Unit("length", "km", 1.0), "米": _Unit("length", "km", 1e-3),
        "%": _Unit("percent", "%", 1.0), "％": _Unit("percent", "%", 1.0),
        "‰": _Unit("percent", "%", 0.1),
        "个百分点": _Unit("percent", "百分点", 1.0), "成": _Unit("percent", "%", 10.0),
        "年": _Unit("duration", "年", 1.0), "个月": _Unit("duration", "月", 1.0),
        "个多月": _Unit("duration", "月", 1.0),
        "天": _Unit("duration", "天", 1.0), "周": _Unit("duration", "周", 1.0),
        "周年": _Unit("duration", "年", 1.0), "岁": _Unit("duration", "岁", 1.0), "小时": _Unit("duration", "小时", 1.0),
        "分钟": _Unit("duration", "分钟", 1.0),
        "千瓦时": _Unit("other", "千瓦时", 1.0), "千瓦": _Unit("other", "千瓦", 1.0),
        "立方米": _Unit("other", "立方米", 1.0), "吨标准煤": _Unit("weight", "吨", 1.0),
        "吨标煤": _Unit("weight", "吨", 1.0), "吨油当量": _Unit("weight", "吨", 1.0),
        "公方": _Unit("other", "公方", 1.0), "担": _Unit("weight", "吨", 0.05),
        "倍": _Unit("multiple", "倍", 1.0),
    }
    counters = ("个 家 户 项 批次 批 人次 次 人 名 位 所 座 条 处 台 辆 套 起 件 宗 份 种 类 片 块 级 "
                "株 棵 头 只 间 栋 幢 张 场 支 队 艘 架 部 册 本 篇 门 轮 届 组 例 家次 户次 笔")
    table.update({word: _Unit("count", word, 1.0) for word in counters.split()})
    return table


_UNITS = _units()
_ARTICLE_KINDS = ("count", "duration")  # a bare 一 with these reads as an article ("一个")
_NOUN_COUNTERS = {"户", "人", "人次", "名", "家次", "户次"}
_PREFIX = {"超过": "more_than", "不少于": "more_than", "不低于": "more_than", "至少": "more_than",
           "多于": "more_than", "高于": "more_than", "逾": "more_than", "不足": "less_than",
           "不到": "less_than", "低于": "less_than", "少于": "less_than", "不超过": "less_than",
           "最多": "less_than", "将近": "less_than", "接近": "less_than", "近": "less_than",
           "突破": "more_than", "大约": "about", "约": "about"}
_SUFFIX = {"余": "more_than", "多": "more_than", "以上": "more_than",
           "之多": "more_than", "有余": "more_than", "以下": "less_than", "以内": "less_than",
           "左右": "about", "上下": "about"}
_POST = ("以上", "之多", "有余", "以下", "以内", "左右", "上下", "多")  # 一年多
# 零碳园区, 零就业家庭: a zero word that names a kind of place or unit, not a target
_KINDS_OF_PLACE = ("园区", "工厂", "社区", "城市", "建筑", "家庭", "示范", "试点", "企业", "学校", "乡村", "村", "镇")
_ZERO_WORDS = ("关税", "记录", "火点", "排放", "事故", "伤亡", "死亡", "污染", "上访", "越级上访", "非访",
               "投诉", "发案", "感染", "增长", "违规", "差错", "欠薪", "碳")
_STATUS = re.compile(
    r"(?:已经|已|正在)(?:全部|基本)?"
    r"(?:完成[\u4e00-\u9fff]{0,4}?(?:选址|会审|审批|签约|备案|环评|征地|立项)"
    r"|开工(?:建设)?|建成(?:投产)?|投产|竣工|签约|落户|完工)|在建")
_CLAUSE_END = "，；。,;！？!?"

_KILO = "千(?![瓦克米])"  # 千 of 千瓦, 千克, 千米 belongs to the unit
_CN = f"(?:[{CN_NUMERAL_CHARS.replace('千', '')}]|{_KILO})+(?:点[〇○零一二三四五六七八九]+)?"
_S = "[ \u3000]?"  # the 1998 report puts spaces between digits: 1 5 ．3 ％, 1 9 9 7 年
_DIGITS = (r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)"
           rf"|\d(?:{_S}\d)*(?:{_S}\.{_S}\d(?:{_S}\d)*)?")
_MULT = f"(?:[十百万亿]|{_KILO})+"
_YEAR = rf"(?:1{_S}9|2{_S}0){_S}\d{_S}\d|[一二][〇○零一二三四五六七八九]{{3}}"
_MONTH = rf"1{_S}[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


# characters that make a one-character prefix the end of a word: 条约, 最近, 附近
_NOT_BEFORE = {"约": "条节合公签预特制契相邀誓违履守失婚集简大", "近": "最附临靠就亲贴邻将接"}


def _prefixes() -> str:
    """The approximation prefixes as a regex alternation, 约 and 近 guarded against 条约, 最近."""
    return "|".join(f"(?<![{_NOT_BEFORE[w]}]){w}" if w in _NOT_BEFORE else re.escape(w)
                    for w in sorted(_PREFIX, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    """The compiled recognisers (built on first use, not at import)."""
    num = rf"(?:{_DIGITS}|{_CN})"

    def one(p: str) -> str:
        return (rf"(?P<{p}num>{num})(?P<{p}mid>余|多)?{_S}"
                rf"(?P<{p}mult>{_MULT})?(?P<{p}mid2>余|多)?")

    units = _alternation(_UNITS)
    non_numeral = rf"(?![{CN_NUMERAL_CHARS}])[\u4e00-\u9fff]"
    # not 数亿, 几十, 若干 (vague); 尾数一千七百万 is a number
    start = rf"(?<![A-Za-z\d.{CN_NUMERAL_CHARS}０-９几若])(?!(?<=数)[十百千万亿])"
    quantity = (
        rf"{start}(?P<pre>{_prefixes()})?{one('')}"
        rf"(?:(?P<unit1>{units})?(?P<conn>至|到|～|~|—|－|-|或|甚至){one('b')})?"
        rf"{_S}(?P<unit>{units})?(?P<post>{_alternation(_POST)})?(?(unit)|(?![A-Za-z\d]))")
    zero = (rf"零(?P<zword>{_alternation(_ZERO_WORDS)})(?!{_alternation(_KINDS_OF_PLACE)})"
            r"|(?:不发生|未发生|没有发生|杜绝|防止发生)(?:一起|任何)?"
            r"(?P<nword>[\u4e00-\u9fff、]+?)(?=的(?:底线|目标|要求|前提|局面|工作)|底线|的?(?:[^\u4e00-\u9fff、]|$))"
            r"|无(?P<wword>(?:重特大|重大|较大)[\u4e00-\u9fff]{0,8}?(?:事故|事件|案件|疫情|火灾))")
    deadline = (
        rf"(?<![\d{CN_NUMERAL_CHARS}几数干多])(?P<ny>\d+|{_CN})(?P<nu>年|个月|天)内(?![乱战])"  # not 十年内乱
        rf"|(?:(?P<ey>{_YEAR})年?|今|明|本|(?<![干几数多\d{CN_NUMERAL_CHARS}]))年(?:底|末|内)(?:前|以前)?(?P<stat>的?(?:统计|統計)|[为為]止|止)?"
        rf"|(?:{_MONTH}|本)?月(?:底|末|内)(?:前|以前)?"
        r"|按期|如期|限期")
    date = (rf"(?<![\d.])(?:(?P<y>{_YEAR}){_S}年)?(?P<m>{_MONTH}){_S}月"
            rf"(?:(?:\d(?:{_S}\d)?|{_CN}){_S}日)?")
    return {
        "quantity": re.compile(quantity),
        "fraction": re.compile(rf"(?P<den>{_CN}|\d+)分之(?P<num>{_CN}|\d+(?:\.\d+)?)"
                               rf"(?P<post>{_alternation(_POST)})?"),
        "over": re.compile(rf"(?P<pre>突破|(?<![经通越度跨不])过|超|(?<![以之向线马北往])上|破)"
                           rf"(?P<mult>[百千万亿]*[万亿千百])(?P<unit>{units})?"),
        "doubling": re.compile(r"翻了?(?P<n>一|两|二|三)番"),
        "decade": re.compile(rf"(?P<n>\d0|[二三四五六七八九]十)年代"),
        "zero": re.compile(zero),
        "deadline": re.compile(deadline),
        "date": re.compile(date),
        "ordinal": re.compile(rf"第(?:\d+|{_CN})(?:个五年|个十年)?"),  # 第一个五年: a plan period
        "pairs": re.compile(rf"一{non_numeral}一{non_numeral}|[一二三四五六七八九十两多]位一体"),
        "congress": re.compile(rf"(?<=党的){_CN}大|{_CN}大(?=精神|提出|以来|报告|确定|通过|召开|决定)"
                               rf"|{_CN}届(?=[一二三四五六七八九]中|全国|全会|人大|中央|政协|代表大会)"
                               rf"|(?<=届){_CN}次(?=会议|全会|全体会议)|(?<=人大|政协){_CN}次(?=会议)"),
        "latin": re.compile(r"[A-Za-z]+\d+(?:\.\d+)?|\d+(?:\.\d+)?(?!km)[A-Za-z]+"),
    }


# Clues of the costly recognisers of _patterns(): characters (or words) of which every match
# holds at least one, so that a text without any is not scanned. Keep them in step with the patterns.
_NUMERAL = rf"[\d{CN_NUMERAL_CHARS}]"  # in every match of date, decade, fraction, doubling, over, quantity
_CLUES = {
    "quantity": _NUMERAL,  # the number
    "fraction": "分之",
    "over": "[百千万亿]",
    "deadline": "[内底末期]",  # …年内, 年底, 年末, 月底, 三十天内, 按期
    "zero": "零|发生|杜绝|无",  # 零排放, 不发生, 杜绝, 无重大…事故
    "pairs": "一",  # 一河一长, 五位一体
    "date": "月",
    "decade": "年代",
    "congress": "[大届次]",
    "latin": "[A-Za-z]",
}


# Starts of the recognisers that open with a lookbehind or an alternation, which the regex
# engine would try at every position of a text: characters at which every match begins, so
# that the pattern is tried only there. Keep them in step with the patterns.
_STARTS = {
    "quantity": rf"[\d{CN_NUMERAL_CHARS}{''.join(sorted({w[0] for w in _PREFIX}))}]",  # number or prefix
    "over": "[突过超上破]",
    "deadline": rf"[\d{CN_NUMERAL_CHARS}今明本年月按如限]",  # 五年内, 2018年底, 今年内, 年底, 11月底, 按期
    "zero": "[零不未没杜防无]",
    "congress": f"[{CN_NUMERAL_CHARS}]",
}


class _Recogniser(NamedTuple):
    """A recogniser's regex, its clue (see ``_CLUES``; None: scan every text) and the
    characters its matches start with (see ``_STARTS``; None: try every position)."""

    pattern: re.Pattern
    clue: re.Pattern | None
    start: re.Pattern | None

    def finditer(self, text: str) -> Iterator[re.Match]:
        """The matches of ``pattern.finditer(text)``, without scanning a text that holds no clue."""
        if self.clue is not None and not self.clue.search(text):
            return iter(())
        if self.start is None:
            return self.pattern.finditer(text)
        return self._matches_at_starts(text)

    def _matches_at_starts(self, text: str) -> Iterator[re.Match]:
        """What ``pattern.finditer`` finds, trying the pattern only where a match can start:
        the leftmost match from ``pos`` on starts at the first start character that gives
        one (these patterns never match the empty string, so the next search is from its end)."""
        match, next_start = self.pattern.match, self.start.search
        pos = 0
        while (start := next_start(text, pos)) is not None:
            found = match(text, start.start())
            if found is None:
                pos = start.start() + 1
            else:
                yield found
                pos = found.end()


@lru_cache(maxsize=1)
def _recognisers() -> dict[str, _Recogniser]:
    """The compiled recognisers with their clues and start characters."""
    def compiled(table: dict[str, str], name: str) -> re.Pattern | None:
        return re.compile(table[name]) if name in table else None

    return {name: _Recogniser(pattern, compiled(_CLUES, name), compiled(_STARTS, name))
            for name, pattern in _patterns().items()}

# --- the slogan list ------------------------------------------------------------------


@dataclass(frozen=True)
class SloganList:
    """The numeral slogans never read as quantities, and the file they came from."""

    resource: _resources.TextResource
    words: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.resource.label

    @cached_property
    def _finder(self) -> PhraseFinder:
        """Finds every occurrence of the slogans in a text."""
        return PhraseFinder(self.words)


def numeral_slogans(name_or_path: str | Path = "default") -> SloganList:
    """The numeral slogans and fixed expressions that are never quantities.

    Args:
        name_or_path: ``"default"`` (the shipped ``numeral_slogans.txt``) or a path to a
            file of one expression per line with ``# key: value`` header lines.

    Returns:
        A :class:`SloganList`; ``words`` is sorted longest first, then by code point.

    Raises:
        ResourceError: the file is missing, or a line holds more than one expression or
            repeats an earlier one (the message names the file and line).

    Example:
        >>> "五位一体" in numeral_slogans().words
        True
    """
    if name_or_path == "default":
        path = _resources.resource_file("numeral_slogans.txt")
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise ResourceError(f"{path}: no such slogan list (use 'default' or a path to a file)")
    return _slogan_list(path)


@lru_cache(maxsize=8)
def _slogan_list(path: Path) -> SloganList:
    resource = _resources.read_resource(path)
    seen: dict[str, int] = {}
    for number, line in resource.lines:
        if len(line.split()) != 1:
            raise ResourceError(f"{where(path, number)}: one expression per line, got {line!r}")
        if line in seen:
            raise ResourceError(f"{where(path, number)}: {line!r} is listed again "
                                f"(first on line {seen[line]}); keep one entry")
        seen[line] = number
    return SloganList(resource, tuple(sorted(seen, key=lambda w: (-len(w), w))))


# --- finding quantities in one text -----------------------------------------------------


@dataclass
class _Found:
    start: int
    end: int
    value: float
    value_high: float
    unit: str
    kind: str
    approx: str = "exact"
    numeral: str = ""  # filled from the surface unless a recogniser knows better
    obj: str = ""


_DIGIT = re.compile(r"\d")
_ANY_NUMERAL = re.compile(_NUMERAL)
_ANY_DIGIT = re.compile(r"[\d０-９]")
_BIG_MULTIPLIER = re.compile("[万亿]")


def _numeral_type(surface: str) -> str:
    if _ANY_DIGIT.search(surface):
        return "digit"
    return "chinese" if any(ch in CN_NUMERAL_CHARS for ch in surface) else "none"


def _masked(text: str, slogans: PhraseFinder) -> list[bool]:
    """Per character: True inside a slogan, an ordinal, a one-X-one-Y phrase or a Latin code."""
    mask = [False] * len(text)
    spans = []
    free_from: dict[str, int] = {}  # occurrences of one slogan never overlap (as re.finditer finds them)
    for start, word in slogans.occurrences(text):
        if start < free_from.get(word, 0):
            continue
        end = free_from[word] = start + len(word)
        glued_left = start > 0 and word[0] in CN_NUMERAL_CHARS and text[start - 1] in CN_NUMERAL_CHARS
        glued_right = end < len(text) and word[-1] in CN_NUMERAL_CHARS and text[end] in CN_NUMERAL_CHARS
        if not (glued_left or glued_right):  # 一五 is a plan inside 一五计划, not inside 二〇一五
            spans.append((start, end))
    pats = _recognisers()
    for name in ("ordinal", "pairs", "congress", "latin"):
        spans.extend(m.span() for m in pats[name].finditer(text))
    for start, end in spans:
        mask[start:end] = [True] * (end - start)
    return mask


def _approx(pre: str | None, mid: str | None, post: str | None) -> str:
    for word, table in ((post, _SUFFIX), (mid, _SUFFIX), (pre, _PREFIX)):
        if word:
            return table[word]
    return "exact"


def _quantity(m: re.Match, text: str) -> _Found | None:
    g = m.groupdict()
    if not (g["unit"] or g["unit1"] or _multiplied(g)):
        return None  # what _bare makes of a number without unit or 万/亿 (most matches: 一, 2018)
    unit_word = g["unit"] or g["unit1"]
    if g["unit1"] and g["unit"] and g["unit1"] != g["unit"]:
        return None
    shared_mult = g["bmult"] if g["bnum"] else None  # 3至5万元: 万 applies to both ends
    low = parse_number(g["num"] + (g["mult"] or shared_mult or ""))
    high = parse_number(g["bnum"] + (g["bmult"] or "")) if g["bnum"] else low
    if low is None or high is None:
        return None
    chinese = not _DIGIT.search(g["num"])
    end = m.end()
    if g["unit"] and not g["unit1"] and not g["post"] and _glued(text, m.start("unit"), m.end("unit")):
        unit_word, end = None, m.start("unit")  # 上千万家庭: 家 starts the word 家庭
    if unit_word is None:
        return _bare(m, text, low, high, chinese, end)
    unit = _UNITS[unit_word]
    plain_one = chinese and g["num"] == "一" and not (g["bnum"] or _mid(g) or g["post"])
    if plain_one and unit.kind in _ARTICLE_KINDS and not _names_a_year(text, m, unit_word):
        return None  # 一个, 一批, 一年: an article
    kind, base, approx = unit.kind, unit.base, _approx(g["pre"], _mid(g), g["post"])
    if "多" in unit_word:
        approx = "more_than"  # 三个多月
    if unit_word == "年" and _is_year(g["num"], g["mult"]) and approx == "exact":
        kind = "date"
    if unit_word == "年" and g["pre"] == "近":
        approx = "exact"  # 近5年: the last five years
    if g["bnum"]:
        approx = "range"
    return _Found(m.start(), m.end(), scaled(low, unit.factor), scaled(high, unit.factor),
                  base, kind, approx)


def _names_a_year(text: str, m: re.Match, unit_word: str) -> bool:
    """一年 as a span of time, not an article: 一九五八年一年, 这一年, 发展最快的一年
    (``一年来`` is a relative time word, like 近年来)."""
    return unit_word == "年" and m.start() > 0 and text[m.start() - 1] in "年的这那"


def _glued(text: str, start: int, end: int) -> bool:
    """True when a one-character measure word begins a word (家庭, 人口, 位数, 成为, 成本)."""
    word = text[start:end]
    if len(word) != 1 or word == "个" or (_UNITS[word].kind != "count" and word != "成"):
        return False
    pair = text[start:end + 1]
    tag = _resources.jieba_tags().get(pair, "")
    return len(pair) == 2 and (tag.startswith("n") or (word == "成" and tag != ""))


def _mid(g: dict) -> str | None:
    return g["mid"] or g["mid2"] or g["bmid"] or g["bmid2"]


_WHOLE_YEAR = re.compile(_YEAR)


def _is_year(num: str, mult: str | None) -> bool:
    return not mult and _WHOLE_YEAR.fullmatch(num.strip()) is not None


def _multiplied(g: dict) -> bool:
    """Whether a quantity match carries 万 or 亿 (its own, or the one shared by a range)."""
    return bool(g["mult"] or (g["bmult"] if g["bnum"] else None) or _BIG_MULTIPLIER.search(g["num"]))


_BILLION_OF = re.compile("企业|产业|级|园区|项目|工程")  # 千亿企业: money
_CN_DIGIT = re.compile("[一二两三四五六七八九]")


def _bare(m: re.Match, text: str, low: float, high: float, chinese: bool, end: int) -> _Found | None:
    """A number without a unit: reported only with 万/亿 (``1000万以上``, ``千亿企业``,
    ``三十万``, ``近千万``; 千万 alone needs an approximation prefix)."""
    g = m.groupdict()
    if not _multiplied(g) or g["unit1"]:
        return None
    approx = _approx(g["pre"], _mid(g), g["post"])
    if text[end - 1] == "亿" and _BILLION_OF.match(text, end):
        return _Found(m.start(), end, low, high, "元", "money", approx)
    if chinese and not g["pre"] and not _CN_DIGIT.search(g["num"]):
        return None  # 千万 and 十万 alone are also words (千万不要, 十万火急); 三十万 and 近千万 are numbers
    return _Found(m.start(), end, low, high, "", "count", approx)


def _candidates(text: str) -> list[tuple[int, _Found]]:
    """(priority, found) for every recogniser hit; lower priority wins a tie in length."""
    pats = _recognisers()
    found = [(0, _zero(m)) for m in pats["zero"].finditer(text)]
    found += [(1, hit) for m in pats["deadline"].finditer(text) if (hit := _deadline(m)) is not None]
    if _ANY_NUMERAL.search(text) is None:
        return found  # no numeral: none of the recognisers below can match (see _NUMERAL)
    for m in pats["date"].finditer(text):
        year, month = m.group("y"), m.group("m")
        value = parse_number(year) if year else parse_number(month)
        found.append((2, _Found(m.start(), m.end(), value, value, "年" if year else "月", "date")))
    for m in pats["decade"].finditer(text):  # 九十年代: value 90, unit 年代
        value = parse_number(m.group("n"))
        found.append((1, _Found(m.start(), m.end(), value, value, "年代", "date")))
    for m in pats["fraction"].finditer(text):
        value = parse_fraction(m.group("den"), m.group("num"))
        if value is not None:
            approx = _approx(None, None, m.group("post"))
            found.append((3, _Found(m.start(), m.end(), value, value, "%", "percent", approx)))
    for m in pats["doubling"].finditer(text):  # 翻两番: two doublings, x4
        times = 2.0 ** parse_number(m.group("n"))
        found.append((3, _Found(m.start(), m.end(), times, times, "倍", "multiple")))
    for m in pats["over"].finditer(text):
        if m.group("unit") or m.group("mult")[-1] in "万亿":  # not 经过千辛万苦
            hit = _over(m, text)
            if hit is not None:
                found.append((3, hit))
    for m in pats["quantity"].finditer(text):
        hit = _quantity(m, text)
        if hit is not None:
            found.append((4, hit))
    return found


def _zero(m: re.Match) -> _Found:
    """零火点 (value 0, numeral chinese) or 不发生一起重大安全事故 (no number: value NaN)."""
    if m.group("zword"):
        return _Found(m.start(), m.end(), 0.0, 0.0, "", "zero_target", numeral="chinese",
                      obj=m.group("zword"))
    return _Found(m.start(), m.end(), math.nan, math.nan, "", "zero_target", numeral="none",
                  obj=m.group("nword") or m.group("wword"))


_MONEY_WORDS = re.compile("税收|投资|产值|收入|资金|营收|销售|利润|元|财政")


def _over(m: re.Match, text: str) -> _Found | None:
    """过亿, 上千万, 突破百万吨: the number named by a multiplier after 过/超/上/破/突破; None for
    上亿万 (亿万 is "countless", not a number)."""
    value, end = parse_number(m.group("mult")), m.end()
    if value is None:
        return None
    if m.group("unit") and _glued(text, m.start("unit"), m.end("unit")):
        end = m.start("unit")
    if m.group("unit") and end == m.end():
        unit = _UNITS[m.group("unit")]
    elif m.group("mult").endswith("亿") and _MONEY_WORDS.search(_clause(text, m.start(), m.end())):
        unit = _UNITS["元"]  # 税收过亿
    else:
        unit = _Unit("count", "", 1.0)  # 上千万家庭
    amount = scaled(value, unit.factor)
    return _Found(m.start(), end, amount, amount, unit.base, unit.kind, "more_than")


def _deadline(m: re.Match) -> _Found | None:
    """年底, 2018年底前 (value 2018), 五年内 (value 5), 按期 (no value); a year end that dates
    a statistic (一九五三年底的统计, 2000年底达…, 比1995年底增加) is a date, or nothing when no
    year is written (扩大到年末的…: a relative time word)."""
    year, span = m.group("ey"), m.group("ny")
    if not (year or span) and _LAST_YEAR.search(m.string, 0, m.start()):
        return None  # 去年底, 上年末, 去年年底: a point in the past, a relative time word
    if _dates_a_statistic(m):
        if not year:
            return None
        end = m.end() - len(m.group("stat") or "")
        return _Found(m.start(), end, parse_number(year), parse_number(year), "年", "date")
    if span and (_SPAN_IN_THE_PAST.match(m.string, m.end()) or _SPAN_LASTS.match(m.string, m.end())
                 or _NAMED_PERIOD.search(m.string, 0, m.start())):
        return None  # 三年内完成了…, 五十年内不变, 从…到…的四年内: a span, not a limit; a duration
    value = parse_number(year or span) if (year or span) else math.nan
    unit = _SPAN_UNITS[m.group("nu")] if span else "年" if year else ""
    return _Found(m.start(), m.end(), value, value, unit, "deadline")


_SPAN_UNITS = {"年": "年", "个月": "月", "天": "天"}

_SPAN_IN_THE_PAST = re.compile(r"[^，,。；;]*?(?:了|已经|已)")
# 从一九七九年到一九八二年的四年内, 前四年内, 最后二十年内: a period named, not a limit from now
_NAMED_PERIOD = re.compile(r"(?:的|(?<!提)前|最后)$")
_SPAN_LASTS = re.compile(r"[^，,。；;]{0,4}?(?:不变|不予改变|不改变)")


# A year end "as of" which a level is measured, not one "by" which a task is due (guide 1.1, 5).
_AS_OF_BEFORE = ("比", "较", "截至", "截止")
_AS_OF_AFTER = re.compile(r"(?:达|共有|已有|有|为|的|比|增加到|增至|增长到|上升到|下降到|减少到|降至|升至)")
_AS_OF_CLAUSE = re.compile(r"[，,][^，,。；;]*?(?:共有|已有|达到)")


_EVENT_THEN = re.compile(r"[\u4e00-\u9fff]{0,2}(?:召开|决定|作出|通过|发生|颁布|公布|提出|举行)的")  # 一九七八年底召开的
_PERIOD_TO = re.compile(rf"(?:至|到|—|－|-){_S}(?:{_YEAR})")  # １９８４年末至１９８５年
_DONE_BY_THEN = re.compile(r"[，,]?(?:已经|已)")  # 到１９５５年底，已经完成…: as of then, done
_LAST_YEAR = re.compile(r"(?:去|上|前)(?:年)?$")
_LEVEL_FOLLOWS = re.compile(r"[^，,。；;]*?(?:[\d０-９]|[一二两三四五六七八九十][十百千万亿])")
_STOCKS = re.compile(r"(?:全国)?(?:存栏|存款|余额|库存|结存|总人口|人口|在校)|[^，,。；;]{0,8}?(?:余额|存栏|库存)")
_CLASS_BEFORE = re.compile(r"[\u4e00-\u9fff]{1,6}?的")  # 2005年底前注册营运的黄标车
_TASK_BEFORE = re.compile(r"计划|要|力争|争取|确保|将|必须")  # 计划在一九八五年底以前全部建成的四百个
_PERIOD_FROM = re.compile(r"[从從][^，,。；;]*到$")  # 从一九五〇年七月到一九五三年底


def _dates_a_statistic(m: re.Match) -> bool:
    """Whether a 年底/年末 match dates a statistic, a stock, a class or a period rather
    than a task (see :func:`_deadline`; guide 1.1 section 5 and 1.3 section 7)."""
    if m.group("stat"):
        return True
    text, start, end = m.string, m.start(), m.end()
    clause_start = _clause_start(text, start)
    if m.group(0).endswith(("年底前", "年底以前", "年末前", "年末以前")):
        return bool(_CLASS_BEFORE.match(text, end)) and not _TASK_BEFORE.search(text, clause_start, start)
    if not m.group(0).endswith(("年底", "年末")):  # 年内, 月底, 按期 …: always limits
        return False
    return (text[max(0, start - 2):start].endswith(_AS_OF_BEFORE)
            or bool(_EVENT_THEN.match(text, end) or _PERIOD_TO.match(text, end) or _DONE_BY_THEN.match(text, end))
            or bool(_PERIOD_FROM.search(text, clause_start, start))
            or bool(_AS_OF_AFTER.match(text, end) or _AS_OF_CLAUSE.match(text, end)
                    or _STOCKS.match(text, end))
            or _names_a_level(text, end))


def _names_a_level(text: str, end: int) -> bool:
    """年末城镇登记失业率4.0%, 年底存栏一亿八千万头: a noun after the year end and a number
    later in the clause — a level measured then, not a task due then (年底建成, 年底基本完成)."""
    tags = _resources.jieba_tags()
    word = next((text[end:end + n] for n in (4, 3, 2) if text[end:end + n] in tags), "")
    return (tags.get(word, "").startswith("n") and word not in _ADVERBS_TAGGED_AS_NOUNS
            and bool(_LEVEL_FOLLOWS.match(text, end)))


_ADVERBS_TAGGED_AS_NOUNS = {"基本", "全部", "全面", "主要"}  # jieba's dictionary tags 基本 as a noun


# full-width digits, and traditional forms of numerals and units (the 1954 report is in
# traditional characters): one character for one, so offsets do not move
_ONE_FOR_ONE = str.maketrans("０１２３４５６７８９萬億兩個噸畝項戶條處輛種類塊隻間張場冊門輪屆組筆點貳參計劃級",
                             "0123456789万亿两个吨亩项户条处辆种类块只间张场册门轮届组笔点贰叁计划级")


_ONE_FOR_ONE_CHARS = re.compile("[" + "".join(map(chr, _ONE_FOR_ONE)) + "]")  # what _ONE_FOR_ONE changes
_WIDE_POINT = re.compile(rf"(?:(?<=\d)|(?<=\d[ \u3000]))[．·](?={_S}\d)")  # 4·3％, 1 5 ．3 ％
_WIDE_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")
_WIDE_THOUSANDS_CLUE = re.compile(r"\d，\d")  # in every text that _WIDE_THOUSANDS changes


def _working_copy(text: str) -> str:
    """The text with full-width digits, decimal points and thousands commas made ASCII
    (``３，２８０个``, ``１．５９％``, ``4·3％``) and traditional numerals and units simplified
    (``三十萬``, ``八個``); one character for one, so offsets are unchanged."""
    # most texts need none of the three replacements: searching first is cheaper than replacing
    if _ONE_FOR_ONE_CHARS.search(text):
        text = text.translate(_ONE_FOR_ONE)
    if "．" in text or "·" in text:  # the characters _WIDE_POINT replaces
        text = _WIDE_POINT.sub(".", text)
    if _WIDE_THOUSANDS_CLUE.search(text):
        text = _WIDE_THOUSANDS.sub(",", text)
    return text


def _find(text: str, slogans: PhraseFinder) -> list[_Found]:
    """Non-overlapping quantities of one text, left to right (longest, then by recogniser)."""
    text = _working_copy(text)
    ranked = sorted(_candidates(text),
                    key=lambda pf: (pf[1].start, -(pf[1].end - pf[1].start), pf[0]))
    if not ranked:  # most texts: no need to mask
        return []
    mask = _masked(text, slogans)
    chosen: list[_Found] = []
    taken = [False] * len(text)
    for _, hit in ranked:
        if any(mask[hit.start:hit.end]) or any(taken[hit.start:hit.end]):
            continue
        taken[hit.start:hit.end] = [True] * (hit.end - hit.start)
        hit.numeral = hit.numeral or _numeral_type(text[hit.start:hit.end])
        chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


# --- context, object, status -------------------------------------------------------------


_CLAUSE_MARK = re.compile(f"[{_CLAUSE_END}]")
_UP_TO_LAST_CLAUSE_MARK = re.compile(f".*[{_CLAUSE_END}]", re.DOTALL)


def _clause_start(text: str, start: int) -> int:
    """Where the clause holding ``text[start]`` starts: after the last clause end before it."""
    last = _UP_TO_LAST_CLAUSE_MARK.match(text, 0, start)
    return last.end() if last else 0


def _clause(text: str, start: int, end: int) -> str:
    """The clause around ``text[start:end]``, with the punctuation that ends it."""
    after = _CLAUSE_MARK.search(text, end)
    return text[_clause_start(text, start):after.end() if after else len(text)]


_NOT_OBJECTS = {"基本", "全部", "目前", "同时", "主要", "全面", "重点", "共"}
_FUNCTION_CHARS = set("的了和与及等共为有达是在将把被")


_HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
_COUNTED_VERB = re.compile(r"(?:共计|共|合计|总计|累计|计|达到|达|为|有)$")  # 项目共计14个
_CLAUSE_OR_LIST_END = re.compile(f"[{_CLAUSE_END}、]")


def _is_nounish(word: str, tag: str) -> bool:
    return (bool(_HAN_WORD.fullmatch(word)) and word not in _NOT_OBJECTS
            and (tag.startswith("n") or tag == "vn"))


def _object(seg, text: str, hit: _Found) -> str:
    """The counted thing (count rows only): up to two nouns right after the measure word
    (``39家企业``), else the nouns right before the number (``项目共计14个``), else the
    measure word itself when it names people or households (``96户``)."""
    if hit.kind == "zero_target":
        return hit.obj
    if hit.kind != "count":
        return ""
    clause_end = _CLAUSE_MARK.search(text, hit.end)
    after = []
    for tok in seg.tag(text[hit.end:clause_end.start() if clause_end else len(text)])[:2]:
        if not _is_nounish(tok.word, tok.tag):
            break
        after.append(tok.word)
    if after:
        return "".join(after)
    if hit.unit in _NOUN_COUNTERS:
        return hit.unit
    before = _COUNTED_VERB.sub("", text[max(0, hit.start - 20):hit.start])
    before = _CLAUSE_OR_LIST_END.split(before)[-1]
    words: list[str] = []
    for tok in reversed(seg.tag(before)):
        head = (not words and len(tok.word) == 1 and "\u4e00" <= tok.word <= "\u9fff"
                and tok.tag[:1] in ("n", "v", "z", "g"))
        keep = _is_nounish(tok.word, tok.tag) or (head and tok.word not in _FUNCTION_CHARS)
        if len(words) == 2 or not keep:
            break
        words.insert(0, tok.word)
    return "".join(words)


def _status(context: str, kind: str) -> str:
    if kind != "money":
        return ""
    m = _STATUS.search(context)
    return m.group(0) if m else ""


# --- the public table --------------------------------------------------------------------


def targets(units: pd.DataFrame, *, slogans: str | Path = "default", segmenter=None) -> pd.DataFrame:
    """Every quantity, deadline and zero target in a units table.

    Args:
        units: a units table; needs ``doc_id``, ``unit_id``, ``text``. Optional: ``part``
            (review/plan, gives ``stage``), ``start`` (the unit's span in the raw text, gives
            ``raw_start``/``raw_end``), ``para_no`` (copied, used by :func:`itemisation`).
            Text may use ASCII or full-width punctuation.
        slogans: ``"default"`` or a path to a slogan list (see :func:`numeral_slogans`).
        segmenter: a :class:`policytext.segment.Segmenter` (anything with its ``tag``
            method) used to name counted objects; default: one shared Segmenter with the
            shipped dictionary, built the first time a count needs its object.

    Returns:
        ``targets``, one row per quantity in text order: doc_id, unit_id, surface (as
        written), start, end (offsets in the unit text), value (in the base unit; lower
        bound of a range), value_high (upper bound), unit, kind (money, count, area,
        length, weight, percent, multiple, duration, date, deadline, zero_target, other),
        approx (exact, more_than, less_than, about, range), numeral (digit, chinese, none),
        object (the counted thing, or what a zero target is about),
        status (investment status phrase in the clause, money rows only), context (the
        clause), stage (achieved for review parts, planned for plan parts, else unknown);
        then para_no, raw_start, raw_end when the units table allows. ``attrs`` records the
        slogan list used.

    Raises:
        InputError: a required column is missing.

    Example:
        >>> u = pd.DataFrame({"doc_id": ["d"], "unit_id": [0], "text": ["总投资4.15亿元,新建160余个"]})
        >>> targets(u)[["surface", "value", "kind", "approx"]].values.tolist()
        [['4.15亿元', 415000000.0, 'money', 'exact'], ['160余个', 160.0, 'count', 'more_than']]
    """
    missing = [c for c in ("doc_id", "unit_id", "text") if c not in units.columns]
    if missing:
        raise InputError(f"<units>: targets() needs columns {missing}; pass a units table (pt.units)")
    slogan_list = numeral_slogans(slogans)
    seg = segmenter if segmenter is not None else _DefaultSegmenter()
    columns = {c: units[c].tolist() for c in ("doc_id", "unit_id", "text", "part", "para_no", "start")
               if c in units.columns}
    rows = []
    for i, text in enumerate(columns["text"]):
        text = str(text)
        hits = _find(text, slogan_list._finder)
        if hits:  # most units hold no quantity
            record = {c: values[i] for c, values in columns.items()}
            rows.extend(_row(record, text, hit, seg) for hit in hits)
    table = _table(rows, units)
    table.attrs["slogans"] = slogan_list.label
    return table


class _DefaultSegmenter:
    """:func:`policytext.segment.default_segmenter`, built on the first :meth:`tag` call
    only (jieba loads only when a count needs its object)."""

    def tag(self, text: str):
        return default_segmenter().tag(text)


def _number(value) -> float:
    """A value as float; NaN where none could be read (e.g. 一两年或两三年: no single number)."""
    return math.nan if value is None else float(value)


def _row(record: dict, text: str, hit: _Found, seg) -> tuple:
    """One row of the targets table, its values in the order of the columns of :func:`_table`."""
    context = _clause(text, hit.start, hit.end)
    row = (str(record["doc_id"]), int(record["unit_id"]), text[hit.start:hit.end], hit.start, hit.end,
           _number(hit.value), _number(hit.value_high), hit.unit, hit.kind, hit.approx, hit.numeral,
           _object(seg, text, hit), _status(context, hit.kind), context,
           _STAGES.get(str(record.get("part", "")), "unknown"))
    if "para_no" in record:
        row += (int(record["para_no"]),)
    if "start" in record:
        row += (int(record["start"]) + hit.start, int(record["start"]) + hit.end)
    return row


def _table(rows: list[tuple], units: pd.DataFrame) -> pd.DataFrame:
    schema = dict(TARGETS)
    if "para_no" in units.columns:
        schema["para_no"] = "int64"
    if "start" in units.columns:
        schema.update(raw_start="int64", raw_end="int64")
    table = pd.DataFrame(rows, columns=list(schema))
    return table.astype(schema).reset_index(drop=True)


# --- totals and their items ----------------------------------------------------------------

_ITEM = re.compile(r"(?:总投资|投资)(?:额)?(?:约|近|达)?$")
_TOTAL = re.compile(r"(?:总投资|计划投资|投资总额|总额|合计|共计)(?:额)?(?:约|近|达|为)?$")


def itemisation(targets: pd.DataFrame) -> pd.DataFrame:
    """Stated investment totals lined up against the named projects that follow them.

    A *total* is a money amount after 总投资/共计/合计 that is not attributive (not followed
    by 的), in a sentence that also counts 项目 (``项目共计14个, 总投资167.83亿元``). Its
    *items* are the later money amounts of the same paragraph (same ``para_no``, or up to
    the next total when there is no ``para_no``) written ``(总)投资X亿元的<name>项目``;
    names and the words around each amount are read from the ``context`` column.

    Args:
        targets: a targets table (:func:`targets`).

    Returns:
        One row per total: doc_id, unit_id, total_surface, total_value, stated_count (the
        number of projects the text states, NaN if none), n_items, items_sum, share_itemised
        (items_sum / total_value), items (``"name 4.15亿元 [status]; …"`` in text order).

    Example:
        >>> u = pd.DataFrame({"doc_id": ["d", "d"], "unit_id": [0, 1], "text": [
        ...     "项目共计2个,总投资3亿元。", "投资1亿元的甲项目已开工。"]})
        >>> itemisation(targets(u))[["total_surface", "n_items", "share_itemised"]].values.tolist()
        [['3亿元', 1, 0.3333333333333333]]
    """
    money = targets[targets["kind"] == "money"]
    rows = []
    for doc_id, doc in money.groupby("doc_id", sort=True):
        doc = doc.sort_values(["unit_id", "start"], kind="mergesort")
        roles = [_role(r, targets) for r in doc.itertuples()]
        for i, (role, row) in enumerate(zip(roles, doc.itertuples())):
            if role[0] == "total":
                rows.append(_total_row(doc, roles, i, row, role[1]))
    columns = ["doc_id", "unit_id", "total_surface", "total_value", "stated_count", "n_items",
               "items_sum", "share_itemised", "items"]
    return pd.DataFrame(rows, columns=columns)


def _role(row, targets: pd.DataFrame) -> tuple[str, object]:
    """("total", stated project count) / ("item", name) / ("other", None) for one money row."""
    at = row.context.find(row.surface)
    before, after = row.context[:at], row.context[at + len(row.surface):]
    if _ITEM.search(before):
        name = re.match(r"的([^，；。,;、]{1,40}?项目)", after)
        if name:
            return "item", name.group(1)
    if _TOTAL.search(before) and not after.startswith("的"):
        same = targets[(targets["doc_id"] == row.doc_id) & (targets["unit_id"] == row.unit_id)
                       & (targets["kind"] == "count") & (targets["object"] == "项目")]
        if len(same):
            before_total = same[same["end"] <= row.start]
            pick = before_total.iloc[-1] if len(before_total) else same.iloc[0]
            return "total", float(pick["value"])
    return "other", None


def _total_row(doc: pd.DataFrame, roles: list, i: int, total, stated: float) -> dict:
    has_para = "para_no" in doc.columns
    items = []
    for role, row in zip(roles[i + 1:], list(doc.itertuples())[i + 1:]):
        if role[0] == "total" or (has_para and row.para_no != total.para_no):
            break
        if role[0] == "item":
            items.append((role[1], row.surface, row.value, row.status))
    items_sum = float(sum(value for _, _, value, _ in items))
    listed = "; ".join(f"{name} {surface}" + (f" [{status}]" if status else "")
                       for name, surface, _, status in items)
    return {"doc_id": total.doc_id, "unit_id": total.unit_id, "total_surface": total.surface,
            "total_value": total.value, "stated_count": stated, "n_items": len(items),
            "items_sum": items_sum,
            "share_itemised": items_sum / total.value if total.value else math.nan,
            "items": listed}


# --- validation against hand-annotated quantities --------------------------------------------

_GROUPS = ("digit", "chinese", "deadline", "zero_target")


def targets_validation(gold: pd.DataFrame, paragraphs: pd.DataFrame, *, key: str = "para_id",
                       text: str = "text") -> pd.DataFrame:
    """Precision and recall of :func:`targets` against hand-annotated quantities.

    A prediction matches a gold quantity of the same paragraph when their character spans
    overlap and their kinds are equal; matching is one-to-one, left to right.

    Args:
        gold: one row per annotated quantity: ``key``, ``start``, ``end`` (span in the
            paragraph text), ``kind``, ``numeral``.
        paragraphs: the annotated texts: ``key`` and ``text``.
        key, text: column names of the paragraph identifier and text.

    Returns:
        One row per group — each kind, each numeral type of the quantities that are neither
        deadlines nor zero targets (``digit``, ``chinese``), ``deadline``, ``zero_target``,
        and ``all`` — with columns group, n_gold, n_pred, matched_gold, matched_pred,
        precision, recall (NaN where there is nothing to divide by).

    Example:
        >>> p = pd.DataFrame({"para_id": ["a"], "text": ["投资3亿元"]})
        >>> g = pd.DataFrame({"para_id": ["a"], "start": [2], "end": [5], "kind": ["money"],
        ...                   "numeral": ["digit"]})
        >>> float(targets_validation(g, p).set_index("group").loc["money", "recall"])
        1.0
    """
    units = pd.DataFrame({"doc_id": paragraphs[key].astype(str), "unit_id": 0,
                          "text": paragraphs[text].astype(str)})
    pred = targets(units).rename(columns={"doc_id": key})
    gold = gold.assign(**{key: gold[key].astype(str)}).reset_index(drop=True)
    gold_hit, pred_hit = _match(gold, pred, key)
    rows = []
    for group in sorted(set(gold["kind"]) | set(pred["kind"])) + list(_GROUPS[:2]) + ["all"]:
        g_in, p_in = _in_group(gold, group), _in_group(pred, group)
        rows.append(_scores(group, g_in, p_in, gold_hit, pred_hit))
    return pd.DataFrame(rows).drop_duplicates("group").reset_index(drop=True)


def _in_group(table: pd.DataFrame, group: str) -> pd.Series:
    if group == "all":
        return pd.Series(True, index=table.index)
    if group in _GROUPS[:2]:
        return (table["numeral"] == group) & ~table["kind"].isin(_GROUPS[2:])
    return table["kind"] == group


def _match(gold: pd.DataFrame, pred: pd.DataFrame, key: str) -> tuple[pd.Series, pd.Series]:
    gold_hit = pd.Series(False, index=gold.index)
    pred_hit = pd.Series(False, index=pred.index)
    for i, g in gold.sort_values([key, "start"], kind="mergesort").iterrows():
        same = pred[(pred[key] == g[key]) & (pred["kind"] == g["kind"]) & ~pred_hit
                    & (pred["start"] < g["end"]) & (pred["end"] > g["start"])]
        if len(same):
            gold_hit[i], pred_hit[same.index[0]] = True, True
    return gold_hit, pred_hit


def _scores(group: str, g_in: pd.Series, p_in: pd.Series, gold_hit: pd.Series,
            pred_hit: pd.Series) -> dict:
    n_gold, n_pred = int(g_in.sum()), int(p_in.sum())
    mg, mp = int((gold_hit & g_in).sum()), int((pred_hit & p_in).sum())
    return {"group": group, "n_gold": n_gold, "n_pred": n_pred, "matched_gold": mg,
            "matched_pred": mp, "precision": mp / n_pred if n_pred else math.nan,
            "recall": mg / n_gold if n_gold else math.nan}


def _not_quantities_reported(not_quantities: pd.DataFrame, paragraphs: pd.DataFrame,
                             gold: pd.DataFrame, *, key: str = "para_id") -> pd.DataFrame:
    """Predictions that overlap a listed not-quantity (slogan, marker, ordinal) and match no gold
    quantity: columns key, surface (the not-quantity), reported (the predicted surface), kind."""
    texts = dict(zip(paragraphs[key].astype(str), paragraphs["text"].astype(str)))
    units = pd.DataFrame({"doc_id": list(texts), "unit_id": 0, "text": list(texts.values())})
    pred = targets(units).rename(columns={"doc_id": key})
    gold = gold.assign(**{key: gold[key].astype(str)}).reset_index(drop=True)
    _, pred_hit = _match(gold, pred, key)
    pred = pred[~pred_hit]
    rows = []
    for pid, surface in zip(not_quantities[key].astype(str), not_quantities["surface"].astype(str)):
        for m in re.finditer(re.escape(surface), texts.get(pid, "")):
            hits = pred[(pred[key] == pid) & (pred["start"] < m.end()) & (pred["end"] > m.start())]
            rows += [(pid, surface, s, k) for s, k in zip(hits["surface"], hits["kind"])]
    return pd.DataFrame(rows, columns=[key, "surface", "reported", "kind"]).drop_duplicates()
