"""Phone numbers, number plates and VINs of mainland China, Taiwan and Hong Kong.

Each `normalise_*` returns the canonical form or raises ValueError with a translated message;
search keys strip separators so `京A·12345`, `京A 12345` and `京a12345` find the same car.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import opencc
import phonenumbers
from django.utils.translation import gettext as _

REGIONS = ("CN", "TW", "HK")
_t2s = opencc.OpenCC("t2s")


@dataclass(frozen=True)
class Phone:
    e164: str  # +8613800138000
    national: str  # 13800138000 (digits only, as dialled at home)
    region: str

    @property
    def last4(self) -> str:
        return self.national[-4:]


# A mainland mobile typed as 11 digits (spaces or hyphens allowed): what phonenumbers would
# answer, ~50 times faster. The pattern is phonenumbers' own, so the two cannot disagree.
_CN_MOBILE = re.compile(
    phonenumbers.PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern, re.ASCII
)
_DIAL_SEPARATORS = re.compile(r"[ \-]+")


@lru_cache(maxsize=50_000)
def display_phone(number: str, home_region: str = "CN") -> str:
    """A stored number as people read it: grouped the national way for the shop's own region
    (136 1985 6055), with the country code for others (+886 912 345 678). Anything that does
    not parse is shown as stored, never hidden."""
    try:
        parsed = phonenumbers.parse(number, None if number.startswith("+") else home_region)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    own = phonenumbers.region_code_for_number(parsed) == home_region
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if own
        else (phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    )
    return phonenumbers.format_number(parsed, style)


@lru_cache(maxsize=50_000)
def normalise_phone(raw: str, default_region: str = "CN") -> Phone:
    """Cached per distinct text (a customer's number is on each of its cars' rows); a refusal
    is not cached, so its message is always in the language of the moment."""
    text = (raw or "").strip()
    if not text:
        raise ValueError(_("Enter a phone number."))
    if default_region == "CN" and len(text) <= 20:
        digits = _DIAL_SEPARATORS.sub("", text)
        if len(digits) == 11 and _CN_MOBILE.fullmatch(digits):
            return Phone(e164=f"+86{digits}", national=digits, region="CN")
    phone = _parsed_phone(text, default_region)
    if phone is None:
        raise ValueError(
            _("“%(value)s” is not a valid phone number of mainland China, Taiwan or Hong Kong.")
            % {"value": raw}
        )
    return phone


@lru_cache(maxsize=50_000)
def _parsed_phone(text: str, default_region: str) -> Phone | None:
    """Archives repeat numbers (a customer per car, a company's switchboard): parse each once."""
    candidates = [None] if text.startswith("+") else [default_region, *REGIONS]
    for region in candidates:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        found = phonenumbers.region_code_for_number(number)
        if phonenumbers.is_valid_number(number) and found in REGIONS:
            national = re.sub(r"\D", "", phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.NATIONAL
            ))  # fmt: skip
            return Phone(
                e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                national=national,
                region=found,
            )
    return None


# Mainland plates: province abbreviation, issuing-authority letter, 5 characters (6 for
# new-energy vehicles). I and O are not used.
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_CN_PLATE = re.compile(
    rf"^([{PROVINCES}])([A-HJ-NP-Z])([A-HJ-NP-Z0-9]{{5}}|[DF][A-HJ-NP-Z0-9]{{5}}|[0-9]{{5}}[DF])$"
)
_CN_SPECIAL = re.compile(rf"^([{PROVINCES}])([A-HJ-NP-Z])([A-HJ-NP-Z0-9]{{4}})([学警港澳挂领])$")
# Taiwan: two blocks of letters/digits joined by a hyphen, 5 to 7 characters (ABC-1234, AB-1234,
# 1234-AB, 123-ABC). Hong Kong: 1–2 letters then 1–4 digits (AB 1234).
_TW_PLATE = re.compile(r"^([A-Z0-9]{2,4})-([A-Z0-9]{2,4})$")
_TW_COMPACT = re.compile(r"^([A-Z]{3})([0-9]{4})$")
_HK_PLATE = re.compile(r"^([A-HJ-NPR-Z]{1,2})([0-9]{1,4})$")
_SEPARATORS = re.compile(r"[\s·•・.\-_]+")


@dataclass(frozen=True)
class Plate:
    display: str
    key: str
    region: str


def plate_key(raw: str) -> str:
    """The search key: simplified script, upper case, no separators."""
    return _SEPARATORS.sub("", _t2s.convert(raw or "").upper())


def normalise_plate(raw: str, region: str | None = None) -> Plate:
    """`region` breaks ties: `AB 1234` is a Hong Kong plate for a Hong Kong shop."""
    text = _t2s.convert((raw or "").strip()).upper()
    key = _SEPARATORS.sub("", text)
    if not key:
        raise ValueError(_("Enter a number plate."))
    for pattern in (_CN_PLATE, _CN_SPECIAL):
        if pattern.match(key):
            return Plate(display=key, key=key, region="CN")
    hk = _HK_PLATE.match(key)
    if hk and region == "HK":
        return Plate(display=f"{hk[1]} {hk[2]}", key=key, region="HK")
    hyphenated = re.sub(r"[\s·•・._]+", "-", text).strip("-")
    match = _TW_PLATE.match(hyphenated)
    if match and 5 <= len(key) <= 7 and not key.isdigit() and not key.isalpha():
        return Plate(display=hyphenated, key=key, region="TW")
    match = _TW_COMPACT.match(key)
    if match:
        return Plate(display=f"{match[1]}-{match[2]}", key=key, region="TW")
    if hk:
        return Plate(display=f"{hk[1]} {hk[2]}", key=key, region="HK")
    raise ValueError(
        _("“%(value)s” is not a number plate of mainland China, Taiwan or Hong Kong.")
        % {"value": raw}
    )


_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalise_vin(raw: str) -> str:
    """17 characters without I, O, Q; the 9th is the check digit (ISO 3779 / GB 16735)."""
    vin = re.sub(r"[\s\-]+", "", (raw or "").upper())
    if len(vin) != 17 or any(c not in _VIN_VALUES for c in vin):
        raise ValueError(
            _("A VIN has 17 letters and digits (no I, O or Q); “%(value)s” does not.")
            % {"value": raw}
        )
    if vin[8] != vin_check_digit(vin):
        raise ValueError(
            _("The VIN “%(value)s” fails its check digit: please check it.") % {"value": raw}
        )
    return vin
