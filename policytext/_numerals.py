"""Reading numbers written in digits, Chinese numerals, or both ("1.2万", "十余", "两千").

Private helpers of :mod:`policytext.targets`. Every function takes the numeral as
written and returns a float, or ``None`` when the string is not a number.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

__all__ = ["CN_DIGITS", "CN_NUMERAL_CHARS", "parse_number", "parse_chinese", "parse_fraction", "scaled"]

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

# full-width digits, decimal points and commas as ASCII (the table changes no ASCII character)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，·", "0123456789.,.")
_DIGITS_THEN_CN = re.compile(r"^(\d+(?:,\d{3})*(?:\.\d+)?)([" + CN_NUMERAL_CHARS + r"]*)$")
_SPACES = re.compile(r"[ \u3000]")


def _below_ten_thousand(text: str) -> float | None:
    """Value of a numeral without 万/亿 ("三千二百", "十五", "二〇一八")."""
    if not text:
        return 0.0
    if all(ch in CN_DIGITS for ch in text) and len(text) > 1:
        if len(text) != 4:
            return None  # only years are written digit by digit (二〇一八); 一二三 is a list
        return float("".join(str(CN_DIGITS[ch]) for ch in text))  # 二〇一八 -> 2018
    total, digit = 0, None
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None and digit != 0 and CN_DIGITS[ch] != 0:
                return None  # two digits in a row without a unit: 三五 is not a number here
            digit = CN_DIGITS[ch]
        elif ch in _SMALL_UNITS:
            total += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        else:
            return None
    return float(total + (digit or 0))


def parse_chinese(text: str) -> float | None:
    """Value of a Chinese numeral: "一百二十" -> 120.0, "千" -> 1000.0, "1.2万" is not handled here.

    Example:
        >>> parse_chinese("三万五千"), parse_chinese("千亿"), parse_chinese("两")
        (35000.0, 100000000000.0, 2.0)
    """
    whole, point, decimals = text.partition("点")
    if point:  # 二十一点七 -> 21.7
        if not decimals or any(CN_DIGITS.get(ch) is None or ch == "两" for ch in decimals):
            return None
        high = parse_chinese(whole)
        return None if high is None else float(f"{high:.0f}." + "".join(str(CN_DIGITS[c]) for c in decimals))
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    if "亿万" in text:
        return None  # 亿万 is "countless", not a number
    for big in ("亿", "万"):
        head, sep, tail = text.rpartition(big)
        if sep:
            high = parse_chinese(head) if head else 1.0
            low = parse_chinese(tail) if tail else 0.0
            if high is None or low is None:
                return None
            return high * _BIG_UNITS[big] + low
    return _below_ten_thousand(text)


def parse_number(text: str) -> float | None:
    """Value of a numeral in digits, Chinese, or digits with Chinese multipliers.

    Thousands separators (``1,234.5``) and full-width digits are accepted.

    Example:
        >>> parse_number("167.83亿"), parse_number("1,234.5"), parse_number("十")
        (16783000000.0, 1234.5, 10.0)
    """
    if not text.isascii():
        text = text.translate(_FULL_WIDTH)
    if " " in text or "\u3000" in text:
        text = _SPACES.sub("", text)  # 3 5 0万
    match = _DIGITS_THEN_CN.match(text)
    if match is None:
        return parse_chinese(text)
    value = Decimal(match.group(1).replace(",", ""))  # exact: 167.83亿 -> 16783000000, not ...0002
    for ch in match.group(2):
        if ch not in _SMALL_UNITS and ch not in _BIG_UNITS:
            return None
        value *= _SMALL_UNITS.get(ch) or _BIG_UNITS[ch]
    return float(value)


def parse_fraction(denominator: str, numerator: str) -> float | None:
    """Percent value of "<denominator>分之<numerator>": ("三", "一") -> 33.33…; ("百", "八十二") -> 82.0."""
    low, high = parse_number(numerator), parse_number(denominator)
    if low is None or not high:
        return None
    return 100.0 * low / high


def scaled(value: float, factor: float) -> float:
    """``value * factor`` computed in decimal, so 0.5 * 0.0015 gives 0.00075 exactly as written."""
    if factor == 1.0 and type(value) is float and math.isfinite(value):
        return value  # what the decimal product gives: repr reads back as the same float
    return float(Decimal(repr(value)) * Decimal(repr(factor)))
