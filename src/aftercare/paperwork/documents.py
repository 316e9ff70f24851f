"""The four forms of the standard as data: one Document feeds the page, the PDF and the .xlsx.

Each builder reads records the caller has already scoped (queries.py) and turns them into
labelled fields, checklists and numbered tables in the active language, with moments in the
organisation's time zone. The renderings only lay the Document out, so they cannot disagree.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftercare.customers.identifiers import display_phone
from aftercare.paperwork.rendering import Sheet

# The standard's own names of the forms (Traditional Chinese, as printed in the standard).
FORM_TITLES = {
    1: "客戶檔案基本資料表",
    2: "跟蹤服務電話記錄表",
    3: "跟蹤服務電話登記表",
    4: "跟蹤服務信函登記表",
}
# The reader's name of each form, shown beside (never instead of) the standard's Chinese title.
FORM_NAMES = {
    1: gettext_lazy("Customer archive"),
    2: gettext_lazy("Follow-up call record"),
    3: gettext_lazy("Follow-up call register"),
    4: gettext_lazy("Follow-up letter register"),
}
TICKED, UNTICKED = "☑", "☐"
WIDE_FIELD = 24  # characters: a longer value gets a row of its own


@dataclass
class Field:
    """A labelled value; `original` is set when an amendment replaced what was first recorded."""

    label: str
    value: object
    original: object = None

    @property
    def amended(self) -> bool:
        return self.original is not None

    @property
    def text(self) -> str:
        return shown(self.value)

    @property
    def original_text(self) -> str:
        return shown(self.original)

    @property
    def wide(self) -> bool:
        return self.amended or "\n" in self.text or len(self.text) > WIDE_FIELD


@dataclass
class Checklist:
    label: str
    items: list[tuple[bool, str]]
    note: str = ""


def header_html(header: str) -> SafeString:
    """A column header that breaks only between words: at spaces and before a bracket.

    Narrow columns broke Chinese headers one character per line (服/務/顧/問, issue 10), and
    WeasyPrint ignores `word-break: keep-all`; so each word is a `white-space: nowrap` span:
    "里程（公里）" may break before its bracket, "服務顧問" nowhere.
    """
    words = [
        format_html_join(
            mark_safe("<wbr>"), '<span class="word">{}</span>', ([part] for part in chunk)
        )
        for chunk in (re.split(r"(?=[（(])", word) for word in str(header).split())
    ]
    return mark_safe(" ".join(words))  # noqa: S308 - every part is escaped by format_html_join


@dataclass
class Table:
    """A numbered table: the renderings add the 序號 column in front of `headers`."""

    title: str
    headers: list[str]
    rows: list[list]
    empty: str = ""
    # Columns of free text, given the room on paper; columns never broken (plates, numbers).
    wide: tuple[int, ...] = ()
    nowrap: tuple[int, ...] = ()
    # The 序號 of the first row: a long register is drawn in parts that keep counting.
    first_number: int = 1

    def _css(self, index: int) -> str:
        return "wide" if index in self.wide else "nowrap" if index in self.nowrap else ""

    @property
    def columns(self) -> list[tuple[SafeString, str]]:
        """Each header (as HTML that breaks only between words) with the column's CSS class."""
        return [
            (header_html(header), self._css(index)) for index, header in enumerate(self.headers)
        ]

    @property
    def display_rows(self) -> list[list[tuple[str, str]]]:
        """Each cell as (text, CSS class) for the page and the PDF."""
        return [
            [(shown(value), self._css(index)) for index, value in enumerate(row)]
            for row in self.rows
        ]


def form_name(form: int) -> str:
    """The form's name in the active language, or "" where that is the Chinese title itself
    (zh-Hant): the standard's title stays as printed, the reader's name goes beside it."""
    name = str(FORM_NAMES[form])
    return "" if name == FORM_TITLES[form] else name


@dataclass
class Document:
    form: int
    title: str  # in the active language
    organisation: str
    branch: str
    printed_at: datetime  # aware
    tz: object
    filename: str
    lines: list[str] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    checklists: list[Checklist] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    landscape: bool = False

    @property
    def title_zh(self) -> str:
        return FORM_TITLES[self.form]

    @property
    def subtitle(self) -> str:
        """The form's name in the active language, when that is not the Chinese title itself."""
        return "" if self.title == self.title_zh else self.title

    @property
    def printed(self) -> str:
        return shown(local(self.printed_at, self.tz))

    def field_rows(self) -> list[list[Field]]:
        """Two short fields side by side, a long one across the row, in the fields' order."""
        rows: list[list[Field]] = []
        pending: list[Field] = []
        for item in self.fields:
            if item.wide:
                if pending:
                    rows.append(pending)
                    pending = []
                rows.append([item])
                continue
            pending.append(item)
            if len(pending) == 2:
                rows.append(pending)
                pending = []
        if pending:
            rows.append(pending)
        return rows

    def title_lines(self) -> list[str]:
        head = [self.title_zh] + ([self.subtitle] if self.subtitle else [])
        printed = _("Printed %(moment)s") % {"moment": self.printed}
        return [*head, f"{self.organisation} · {self.branch}", *self.lines, printed]


def local(moment: datetime | None, tz) -> datetime | None:
    """A naive local datetime, to the minute: what the form shows and Excel can hold."""
    if moment is None:
        return None
    return timezone.localtime(moment, tz).replace(tzinfo=None, second=0, microsecond=0)


def shown(value) -> str:
    """How a cell reads on paper (the .xlsx keeps dates and numbers as they are)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def _labels(codes, choices) -> list[str]:
    names = dict(choices)
    return [str(names.get(code, code)) for code in codes or []]


def _head(form: int, title: str, branch, *, at: datetime, filename: str, **kwargs) -> Document:
    organisation = branch.organisation
    return Document(
        form=form,
        title=title,
        organisation=organisation.name,
        branch=branch.name,
        printed_at=at,
        tz=organisation.tz,
        filename=filename,
        **kwargs,
    )


# ---------------------------------------------------------------- Form 1 客戶檔案基本資料表


def customer_archive(customer, *, orders, consultations, at: datetime) -> Document:
    """Form 1: every archive field, the vehicles and the service history of one customer."""
    from aftercare.customers.choices import WantedService

    tz = customer.branch.organisation.tz
    region = customer.branch.organisation.region
    phones = [
        f"{display_phone(phone.number, region)} ({phone.get_label_display()})"
        for phone in customer.phones.all()
    ]
    wanted = _labels(customer.wanted_services, WantedService.choices)
    if customer.wanted_services_note:
        wanted.append(customer.wanted_services_note)
    consents = _("SMS: %(sms)s · Letters: %(letters)s") % {
        "sms": yes_no(customer.consents_to_sms),
        "letters": yes_no(customer.consents_to_letters),
    }
    doc = _head(
        1,
        _("Customer archive"),
        customer.branch,
        at=at,
        filename=f"{FORM_TITLES[1]}-{customer.name}",
        lines=[_("Customer: %(name)s") % {"name": customer.name}],
    )
    doc.fields = [
        Field(_("Customer name"), customer.name),
        Field(_("Kind"), customer.get_kind_display()),
        Field(_("Contact person"), customer.contact_person),
        Field(_("Address"), customer.address),
        Field(_("Phones"), "\n".join(phones)),
        Field(_("E-mail"), customer.email),
        Field(_("Preferred contact time"), customer.get_contact_time_display()),
        Field(_("Preferred channel"), customer.get_contact_channel_display()),
        Field(_("Services hoped for"), "\n".join(wanted)),
        Field(_("Consents"), consents),
        Field(_("Prefers letters"), yes_no(customer.prefers_letters)),
        Field(_("Follow-up advisor"), str(customer.followup_advisor or "")),
        Field(_("Branch"), customer.branch.name),
        Field(_("On file since"), local(customer.created_at, tz).date()),
        Field(_("Archive complete"), yes_no(customer.archive_complete)),
        Field(_("Notes"), customer.notes),
    ]
    doc.tables = [
        Table(
            _("Vehicles"),
            [
                _("Number plate"),
                _("Model"),
                _("Vehicle type"),
                _("VIN"),
                _("Purchase date"),
                _("Mileage (km)"),
                _("Maintenance cycle"),
                _("Next maintenance date"),
                _("Next maintenance (km)"),
            ],
            [_vehicle_row(vehicle) for vehicle in customer.vehicles.all()],
            empty=_("No vehicle on file."),
            nowrap=(0, 4, 7),
        ),  # fmt: skip
        Table(
            _("Service history"),
            [
                _("Checked in"),
                _("Picked up"),
                _("Vehicle"),
                _("Mileage (km)"),
                _("Items"),
                _("Customer's description"),
                _("Service advisor"),
            ],
            [
                [
                    local(order.checked_in_at, tz),
                    local(order.picked_up_at, tz),
                    order.vehicle.plate,
                    order.mileage,
                    "\n".join(order.item_names),
                    order.description,
                    str(order.advisor),
                ]
                for order in orders
            ],
            empty=_("No repair orders."),
            wide=(4, 5),
            nowrap=(2,),
        ),  # fmt: skip
        Table(
            _("Consultations"),
            [_("Date"), _("Channel"), _("Notes"), _("Service advisor")],
            [
                [local(c.occurred_at, tz), c.get_channel_display(), c.notes, str(c.advisor)]
                for c in consultations
            ],
            empty=_("No consultations."),
            wide=(2,),
        ),
    ]
    return doc


def _vehicle_row(vehicle) -> list:
    cycle = []
    if vehicle.maintenance_months:
        cycle.append(_("%(n)s months") % {"n": vehicle.maintenance_months})
    if vehicle.maintenance_km:
        cycle.append(_("%(n)s km") % {"n": vehicle.maintenance_km})
    model = " ".join(part for part in (vehicle.make, vehicle.model) if part)
    return [
        vehicle.plate, model, vehicle.vehicle_type, vehicle.vin, vehicle.purchase_date,
        vehicle.mileage, " / ".join(cycle), vehicle.next_maintenance_on,
        vehicle.next_maintenance_km,
    ]  # fmt: skip


# ---------------------------------------------------------------- Form 2 跟蹤服務電話記錄表


def _amended(call) -> dict:
    """The last correction of each field, from the prefetched amendments (oldest first)."""
    latest = {}
    for amendment in call.amendments.all():
        latest[amendment.field] = amendment
    return latest


def _call_value(field: str, value) -> str:
    from aftercare.followups.choices import Direction, Purpose, Topic

    if field == "topics":
        return "; ".join(_labels(value, Topic.choices))
    if field == "reached":
        return yes_no(value)
    if field == "purpose":
        return _labels([value], Purpose.choices)[0] if value else ""
    if field == "direction":
        return _labels([value], Direction.choices)[0] if value else ""
    return value or ""


def effective(call, field: str, latest: dict | None = None):
    """A call field as last amended (or as first recorded)."""
    latest = _amended(call) if latest is None else latest
    return latest[field].new_value if field in latest else getattr(call, field)


def call_record(call, *, at: datetime) -> Document:
    """Form 2: one call with its seven topics ticked, what was raised and every correction."""
    from aftercare.followups.choices import Topic

    tz = call.branch.organisation.tz
    latest = _amended(call)

    def amendable(label, name):
        value = _call_value(name, effective(call, name, latest))
        original = _call_value(name, getattr(call, name)) if name in latest else None
        return Field(label, value, original)

    doc = _head(
        2,
        _("Follow-up call record"),
        call.branch,
        at=at,
        filename=f"{FORM_TITLES[2]}-{call.register_number}",
        lines=[_("Register no. %(number)s") % {"number": call.register_number}],
    )
    region = call.branch.organisation.region
    phones = ", ".join(display_phone(p.number, region) for p in call.customer.phones.all())
    doc.fields = [
        Field(_("Register no."), call.register_number),
        Field(_("Customer"), call.customer.name),
        Field(
            _("Phone"), display_phone(call.phone_number, region) if call.phone_number else phones
        ),
        Field(_("Vehicle"), _vehicle_label(call.vehicle)),
        Field(_("Advisor"), str(call.advisor)),
        amendable(_("Direction"), "direction"),
        amendable(_("Purpose"), "purpose"),
        Field(_("Moment"), local(call.occurred_at, tz)),
        amendable(_("Reached"), "reached"),
        amendable(_("Other topics"), "other_topics"),
        amendable(_("Key points"), "notes"),
        Field(_("Recorded at"), local(call.recorded_at, tz)),
    ]
    topics = set(effective(call, "topics", latest) or [])
    note = ""
    if "topics" in latest:
        note = _("Amended; first recorded: %(topics)s") % {
            "topics": _call_value("topics", call.topics) or "—"
        }
    doc.checklists = [
        Checklist(
            _("Topics covered"),
            [(code in topics, str(label)) for code, label in Topic.choices],
            note=note,
        )
    ]
    doc.tables = [
        Table(
            _("Raised items"),
            [_("Kind"), _("What was raised"), _("Answered in the call"), _("State"), _("Owner")],
            [
                [
                    item.get_kind_display(),
                    item.text,
                    yes_no(item.answered_in_call),
                    item.get_state_display(),
                    str(item.owner),
                ]
                for item in call.raised_items.all()
            ],
            empty=_("Nothing was raised."),
            wide=(1,),
        ),  # fmt: skip
        Table(
            _("Amendments"),
            [_("When"), _("Field"), _("Original"), _("Correction"), _("Reason"), _("By")],
            [
                [
                    local(a.amended_at, tz),
                    _field_label(a.field),
                    _call_value(a.field, a.old_value),
                    _call_value(a.field, a.new_value),
                    a.reason,
                    str(a.amended_by),
                ]
                for a in call.amendments.all()
            ],
            empty=_("No corrections."),
            wide=(2, 3, 4),
        ),  # fmt: skip
    ]
    return doc


def _vehicle_label(vehicle) -> str:
    if vehicle is None:
        return ""
    return " ".join(part for part in (vehicle.plate, vehicle.make, vehicle.model) if part)


def _field_label(name: str) -> str:
    labels = {
        "reached": _("Reached"),
        "topics": _("Topics"),
        "other_topics": _("Other topics"),
        "notes": _("Key points"),
        "purpose": _("Purpose"),
        "direction": _("Direction"),
    }
    return str(labels.get(name, name))


# ---------------------------------------------------------------- Forms 3 and 4: registers


def _period_line(start: date, end: date) -> str:
    return _("Period: %(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}


def _period_name(start: date, end: date) -> str:
    return f"{start:%Y%m%d}-{end:%Y%m%d}"


def call_register(branch, calls, *, start: date, end: date, at: datetime) -> Document:
    """Form 3: one line per call of the branch in the period, as amended (DS-8)."""
    tz = branch.organisation.tz
    region = branch.organisation.region
    rows = []
    for call in calls:
        latest = _amended(call)
        topics = _call_value("topics", effective(call, "topics", latest))
        notes = effective(call, "notes", latest)
        summary = "\n".join(part for part in (notes, topics) if part)
        phones = call.customer.phones.all()
        rows.append(
            [
                call.register_number, local(call.occurred_at, tz), call.customer.name,
                display_phone(call.phone_number or (phones[0].number if phones else ""), region),
                _call_value("purpose", effective(call, "purpose", latest)),
                _call_value("direction", effective(call, "direction", latest)),
                _call_value("reached", effective(call, "reached", latest)),
                str(call.advisor), summary,
                ", ".join(_field_label(name) for name in latest),
            ]
        )  # fmt: skip
    doc = _head(
        3,
        _("Follow-up call register"),
        branch,
        at=at,
        filename=f"{FORM_TITLES[3]}-{branch.code}-{_period_name(start, end)}",
        lines=[_period_line(start, end)],
        landscape=True,
    )
    doc.tables = [
        Table(
            _("Calls"),
            [
                _("Register no."),
                _("Date and time"),
                _("Customer"),
                _("Phone"),
                _("Purpose"),
                _("Direction"),
                _("Reached"),
                _("Advisor"),
                _("Summary"),
                _("Corrected"),
            ],
            rows,
            empty=_("No calls in this period."),
            wide=(8,),
            nowrap=(0, 3),
        )  # fmt: skip
    ]
    return doc


def letter_register(branch, letters, *, start: date, end: date, at: datetime) -> Document:
    """Form 4: one line per letter of the branch in the period, as amended (DS-9)."""
    tz = branch.organisation.tz
    rows = []
    for letter in letters:
        latest = _amended(letter)
        sent_at = effective(letter, "sent_at", latest)
        if isinstance(sent_at, str):  # amendments keep moments as ISO text
            sent_at = datetime.fromisoformat(sent_at)
        rows.append(
            [
                letter.register_number, local(sent_at, tz), letter.customer.name,
                effective(letter, "address", latest),
                _letter_kind(effective(letter, "kind", latest)),
                effective(letter, "subject", latest), str(letter.sent_by or ""),
                _letter_remarks(letter, latest),
            ]
        )  # fmt: skip
    doc = _head(
        4,
        _("Follow-up letter register"),
        branch,
        at=at,
        filename=f"{FORM_TITLES[4]}-{branch.code}-{_period_name(start, end)}",
        lines=[_period_line(start, end)],
        landscape=True,
    )
    doc.tables = [
        Table(
            _("Letters"),
            [
                _("Register no."),
                _("Date sent"),
                _("Customer"),
                _("Address"),
                _("Kind"),
                _("Subject"),
                _("Sent by"),
                _("Remarks"),
            ],
            rows,
            empty=_("No letters in this period."),
            wide=(3, 5, 7),
            nowrap=(0,),
        )  # fmt: skip
    ]
    return doc


def _letter_kind(code: str) -> str:
    from aftercare.outreach.choices import LetterKind

    return _labels([code], LetterKind.choices)[0] if code else ""


def _letter_remarks(letter, latest: dict) -> str:
    remarks = []
    if letter.campaign_id:
        remarks.append(_("Campaign: %(name)s") % {"name": letter.campaign.name})
    if letter.raised_item_id:
        remarks.append(_("Reply to: %(item)s") % {"item": letter.raised_item})
    if latest:
        labels = ", ".join(_letter_field_label(name) for name in latest)
        remarks.append(_("Corrected: %(fields)s") % {"fields": labels})
    return "\n".join(remarks)


def _letter_field_label(name: str) -> str:
    labels = {
        "kind": _("Kind"),
        "sent_at": _("Date sent"),
        "subject": _("Subject"),
        "body": _("Body"),
        "address": _("Address"),
    }
    return str(labels.get(name, name))


# ---------------------------------------------------------------- the .xlsx rendering


def sheets(doc: Document) -> list[Sheet]:
    """The workbook of a form: the fields (if any), then one sheet per table.

    The title lines head the first sheet only, so every other sheet starts at its header row.
    """
    number = _("No.")
    result = []
    if doc.fields or doc.checklists:
        rows = [[f.label, f.value, f.original] for f in doc.fields]
        for checklist in doc.checklists:
            rows += [
                [label, TICKED if ticked else UNTICKED, None] for ticked, label in checklist.items
            ]
            if checklist.note:
                rows.append([checklist.label, checklist.note, None])
        result.append(Sheet(doc.title, [_("Field"), _("Value"), _("Original")], rows))
    for table in doc.tables:
        rows = [[index, *row] for index, row in enumerate(table.rows, start=1)]
        result.append(Sheet(table.title, [number, *table.headers], rows))
    result[0].title_lines = doc.title_lines()
    return result
