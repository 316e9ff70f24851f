"""Amounts in Chinese capital numerals (大寫), as a bill states them beside the figures.

The figures can be altered with a stroke (1 → 7); capitals cannot, which is why Chinese
invoices and receipts carry both. Rules followed (the People's Bank of China's practice for
bills): digits 零壹貳參肆伍陸柒捌玖 with 拾佰仟 inside each group of four and 萬, 億 between
groups; one 零 for any run of zeros inside the number; 元 after the units, then 角 and 分;
整 when the amount ends at 元 or at 角; "零" before 分 when 角 is zero (壹拾元零伍分).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_DIGITS = {
    "hant": "零壹貳參肆伍陸柒捌玖",
    "hans": "零壹贰叁肆伍陆柒捌玖",
}
_SMALL = ("", "拾", "佰", "仟")
_GROUPS = {"hant": ("", "萬", "億", "萬億"), "hans": ("", "万", "亿", "万亿")}
_WORDS = {
    "hant": {"yuan": "元", "jiao": "角", "fen": "分", "whole": "整", "minus": "負"},
    "hans": {"yuan": "元", "jiao": "角", "fen": "分", "whole": "整", "minus": "负"},
}


def _integer(value: int, script: str) -> str:
    digits = _DIGITS[script]
    if value == 0:
        return digits[0]
    groups: list[int] = []
    while value:
        value, rest = divmod(value, 10_000)
        groups.append(rest)
    text = ""
    zero_pending = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(text)
            continue
        part = ""
        for place in range(3, -1, -1):
            digit = group // 10**place % 10
            if digit == 0:
                zero_pending = bool(text or part)
                continue
            if zero_pending:
                part += digits[0]
                zero_pending = False
            part += digits[digit] + _SMALL[place]
        # A group below 1000 after a higher group needs its zero (壹萬零伍佰).
        if text and group < 1000 and not part.startswith(digits[0]):
            part = digits[0] + part
        text += part + _GROUPS[script][index]
        zero_pending = False
    return text


def in_capitals(amount: Decimal, script: str = "hant") -> str:
    """952.50 → 玖佰伍拾貳元伍角整; script "hant" (traditional) or "hans" (simplified)."""
    words = _WORDS[script]
    digits = _DIGITS[script]
    cents = int((abs(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    sign = words["minus"] if amount < 0 and cents else ""
    if cents == 0:
        return f"{digits[0]}{words['yuan']}{words['whole']}"
    text = ""
    if yuan:
        text = _integer(yuan, script) + words["yuan"]
    if jiao:
        text += digits[jiao] + words["jiao"]
    elif fen and yuan:
        text += digits[0]
    if fen:
        text += digits[fen] + words["fen"]
    else:
        text += words["whole"]
    return sign + text
