"""The columns of the import file: Chinese headers (English and simplified aliases accepted)
and how each cell is read into the value the customer actions expect."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache

import opencc
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from aftercare.customers.choices import VEHICLE_TYPES, ContactChannel, ContactTime, WantedService
from aftercare.customers.models import Customer, Vehicle

_t2s = opencc.OpenCC("t2s")
_SPACES = re.compile(r"[\s_]+")
_PHONE_SPLIT = re.compile(r"[/;；,，、\n]+")
_LIST_SPLIT = re.compile(r"[/;；,，、\n]+")
_NUMBER_NOISE = re.compile(r"[,，\s]|km$|公里$|公裡$", re.IGNORECASE)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def fold(text) -> str:
    """Script-, case- and spacing-insensitive form used to match headers and labels."""
    return _fold(str(text or ""))


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """Cells of a choice or yes/no column repeat on every row: convert each text once."""
    text = _t2s.convert(text).lower().replace("（", "(").replace("）", ")")
    return _SPACES.sub("", text)


@dataclass(frozen=True)
class Column:
    key: str  # the keyword of the customer action, or "phones" / "followup_advisor"
    header: str  # the template's header (traditional Chinese)
    kind: str  # text, int, date, bool, kind, choice:<name>, list, email, phones, username
    target: str  # customer or vehicle
    aliases: tuple[str, ...] = field(default=())
    example: object = ""


def _max_length(model, name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "客戶名稱",
        "text",
        "customer",
        ("name", "customer", "customer name", "姓名", "客戶姓名"),
        "張偉",
    ),
    Column("kind", "類型", "kind", "customer", ("kind", "type", "客戶類型"), "個人"),
    Column("contact_person", "聯絡人", "text", "customer", ("contact person", "聯繫人"), ""),
    Column(
        "phones",
        "電話",
        "phones",
        "customer",
        ("phone", "phones", "telephone", "手機", "電話號碼"),
        "13800138000 / 010-62345678",
    ),
    Column("address", "地址", "text", "customer", ("address",), "北京市朝陽區建國路 88 號"),
    Column(
        "email",
        "電郵",
        "email",
        "customer",
        ("email", "e-mail", "電子郵件", "郵箱"),
        "zhangwei@example.com",
    ),
    Column(
        "contact_time",
        "方便聯絡時間",
        "choice:contact_time",
        "customer",
        ("contact time", "preferred contact time"),
        "上午",
    ),
    Column(
        "contact_channel",
        "聯絡方式",
        "choice:contact_channel",
        "customer",
        ("contact channel", "channel", "preferred channel"),
        "電話",
    ),
    Column(
        "wanted_services",
        "希望的服務",
        "list",
        "customer",
        ("wanted services", "services", "services hoped for"),
        "保養提醒; 免費檢測",
    ),
    Column("wanted_services_note", "其他希望", "text", "customer", ("other wishes",), ""),
    Column(
        "consents_to_sms",
        "接受簡訊",
        "bool",
        "customer",
        ("sms", "consents to sms", "接受短信"),
        "是",
    ),
    Column(
        "consents_to_letters",
        "接受信函",
        "bool",
        "customer",
        ("letters", "consents to letters"),
        "是",
    ),
    Column("prefers_letters", "偏好信函", "bool", "customer", ("prefers letters",), "否"),
    Column(
        "followup_advisor",
        "跟蹤服務顧問",
        "username",
        "customer",
        ("follow-up advisor", "followup advisor", "advisor", "跟進顧問"),
        "",
    ),
    Column("notes", "備註", "text", "customer", ("notes", "note", "備注"), ""),
    Column(
        "plate",
        "車牌",
        "text",
        "vehicle",
        ("plate", "number plate", "車牌號碼", "車牌號"),
        "京A12345",
    ),
    Column("vin", "VIN", "text", "vehicle", ("vin", "車架號", "車輛識別代號"), ""),
    Column("make", "品牌", "text", "vehicle", ("make", "brand"), "豐田"),
    Column("model", "車型", "text", "vehicle", ("model", "vehicle model"), "凱美瑞"),
    Column("vehicle_type", "車輛類型", "vehicle_type", "vehicle", ("vehicle type",), "轎車"),
    Column("purchase_date", "購車日期", "date", "vehicle", ("purchase date",), date(2021, 5, 20)),
    Column("mileage", "里程", "int", "vehicle", ("mileage", "mileage (km)", "里程(公里)"), 45000),
    Column(
        "maintenance_months",
        "保養週期(月)",
        "int",
        "vehicle",
        ("maintenance months", "maintenance cycle (months)"),
        6,
    ),
    Column(
        "maintenance_km",
        "保養週期(公里)",
        "int",
        "vehicle",
        ("maintenance km", "maintenance cycle (km)"),
        5000,
    ),
    Column(
        "last_maintenance_on",
        "上次保養日期",
        "date",
        "vehicle",
        ("last maintenance", "last maintenance date"),
        date(2025, 3, 1),
    ),
    Column(
        "last_maintenance_km",
        "上次保養里程",
        "int",
        "vehicle",
        ("last maintenance km", "mileage at last maintenance"),
        40000,
    ),
    Column(
        "next_maintenance_on",
        "下次保養日期",
        "date",
        "vehicle",
        ("next maintenance", "next maintenance date"),
        "",
    ),
    Column(
        "next_maintenance_km",
        "下次保養里程",
        "int",
        "vehicle",
        ("next maintenance km", "next maintenance mileage"),
        "",
    ),
)
BY_KEY = {column.key: column for column in COLUMNS}
HEADERS = [column.header for column in COLUMNS]
REQUIRED = ("name",)


@cache
def _header_index() -> dict[str, Column]:
    index = {}
    for column in COLUMNS:
        for name in (column.header, column.key, *column.aliases):
            index[fold(name)] = column
    return index


def match_headers(header_row) -> tuple[dict[int, Column], list[str], list[str]]:
    """(position → column, unknown headers, missing required headers) of a file's first row."""
    index = _header_index()
    found, unknown, seen = {}, [], set()
    for position, raw in enumerate(header_row):
        text = str(raw or "").strip()
        if not text:
            continue
        column = index.get(fold(text))
        if column is None or column.key in seen:
            unknown.append(text)
            continue
        seen.add(column.key)
        found[position] = column
    missing = [BY_KEY[key].header for key in REQUIRED if key not in seen]
    return found, unknown, missing


@cache
def _choice_index(name: str) -> dict[str, str]:
    """Codes and labels in every language of the site, folded, to the stored code."""
    choices = {
        "kind": Customer.Kind.choices,
        "contact_time": ContactTime.choices,
        "contact_channel": ContactChannel.choices,
        "wanted_services": WantedService.choices,
        "vehicle_type": VEHICLE_TYPES,
    }[name]
    index = {}
    for code, label in choices:
        index[fold(code)] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                index.setdefault(fold(str(label)), code)
    return index


def text(value) -> str:
    """A cell as text: numbers from spreadsheets lose their trailing `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "要"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "無", "无", "不", "不要"}


def parse(column: Column, value):
    """The value of one cell for the action; raises ValueError with the reason."""
    kind = column.kind
    if kind == "date":
        return _date(value)
    raw = text(value)
    if not raw:
        return None
    if kind == "int":
        cleaned = _NUMBER_NOISE.sub("", raw)
        if not cleaned.isdigit():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": raw})
        return int(cleaned)
    if kind == "bool":
        folded = fold(raw)
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
        raise ValueError(_("Write 是 or 否 (yes or no), not “%(value)s”.") % {"value": raw})
    if kind in ("kind", "vehicle_type") or kind.startswith("choice:"):
        name = kind.split(":")[-1]
        code = _choice_index(name).get(fold(raw))
        if code is None and kind == "vehicle_type":
            code = raw  # free text is allowed, as on the form
        if code is None:
            raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": raw})
        return _fits(column, code)
    if kind == "list":
        index = _choice_index("wanted_services")
        codes, unknown = [], []
        for item in filter(None, (part.strip() for part in _LIST_SPLIT.split(raw))):
            code = index.get(fold(item))
            (codes if code else unknown).append(code or item)
        if unknown:
            raise ValueError(_("Unknown services: %(codes)s") % {"codes": ", ".join(unknown)})
        return codes
    if kind == "phones":
        return [part.strip() for part in _PHONE_SPLIT.split(raw) if part.strip()]
    if kind == "email":
        try:
            validate_email(raw)
        except ValidationError:
            raise ValueError(_("“%(value)s” is not an e-mail address.") % {"value": raw}) from None
    return _fits(column, raw)


def _fits(column: Column, value: str) -> str:
    model = Customer if column.target == "customer" else Vehicle
    limit = _max_length(model, column.key)
    if limit and len(value) > limit:
        raise ValueError(
            _("At most %(limit)d characters (this one has %(count)d).")
            % {"limit": limit, "count": len(value)}
        )
    return value


def _date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 1 < value < 2_958_466:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    raw = text(value)
    parsed = _date_text(raw)
    if parsed is None:
        raise ValueError(_("“%(value)s” is not a date: write it as 2025-03-31.") % {"value": raw})
    return parsed


parse_date = _date  # for other apps' imports (sites.importing): the same date reading


@lru_cache(maxsize=4096)
def _date_text(raw: str) -> date | None:
    """A sheet holds a few thousand distinct dates at most, and strptime is slow: once each."""
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    return None
