"""Who may do what: one row per page route and per API operation.

`roles` are the role codes that may use the route on records of their own branch (the
administrator: of their organisation). Everyone else must be refused — 302 to the login page or
401 when signed out, 403 or 404 when signed in — and a refusal must write nothing.

A route that acts on a record of branch A (`on_record=True`) must refuse the same role of branch
B and the administrator of another organisation too; a list or a form without a record is
answered for their own branch instead, so for them it follows the role.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from aftercare.org.roles import Role

ADVISOR = Role.ADVISOR.value
FOLLOWUP = Role.FOLLOWUP_ADVISOR.value
SUPERVISOR = Role.SUPERVISOR.value
ENGINEER = Role.ENGINEER.value
COORDINATOR = Role.TRAINING_COORDINATOR.value
PARTS = Role.PARTS_CLERK.value
ADMIN = Role.ADMINISTRATOR.value

EVERYONE = frozenset(role.value for role in Role if role != Role.OWNER)  # the staff
OWNERS = frozenset({Role.OWNER.value})  # owners' representatives: the portal only
SIGNED_IN = EVERYONE | OWNERS  # signing in and out, one's password, the language
DESK = frozenset({ADVISOR, FOLLOWUP, SUPERVISOR, ADMIN})
SUPERVISORS = frozenset({SUPERVISOR, ADMIN})
ADMINS = frozenset({ADMIN})
BUILDING_READ = frozenset({SUPERVISOR, ENGINEER, COORDINATOR, PARTS, ADMIN})
SITES_FIELD = frozenset({SUPERVISOR, ENGINEER, ADMIN})  # who adds and replaces equipment
WITH_WORK = frozenset({ADVISOR, FOLLOWUP, SUPERVISOR, ENGINEER, COORDINATOR, ADMIN})
NOBODY: frozenset[str] = frozenset()

HOTLINE_READ = BUILDING_READ  # tickets and suspensions
HOTLINE_FIELD = frozenset({SUPERVISOR, ENGINEER, ADMIN})  # who takes calls and works tickets
PARTS_READ = frozenset({SUPERVISOR, ENGINEER, PARTS, ADMIN})  # the catalogue and stock
PARTS_FIELD = PARTS_READ  # who reserves and fits parts
PARTS_STORE = frozenset({SUPERVISOR, PARTS, ADMIN})  # who keeps the catalogue and the ledger
BILLS_READ = frozenset({SUPERVISOR, PARTS, ADMIN})
TRAINING = frozenset({SUPERVISOR, COORDINATOR, ADMIN})  # who manages owner training
TRAINING_READ = frozenset({SUPERVISOR, ENGINEER, COORDINATOR, ADMIN})
MAINTENANCE = SUPERVISORS  # who drafts plans and keeps the checklists (BS-9)
MAINTENANCE_FIELD = frozenset({SUPERVISOR, ENGINEER, ADMIN})  # who records and moves visits
MAINTENANCE_READ = BUILDING_READ

TODAY = timezone.localdate()
PERIOD = {"from": (TODAY - timedelta(days=30)).isoformat(), "to": TODAY.isoformat()}


@dataclass(frozen=True)
class Call:
    """One request of a row: method, the URL's arguments and the body, from the world's ids."""

    method: str = "GET"
    kwargs: Any = None  # ids -> URL kwargs (pages) / path parameters (API)
    data: Any = None  # ids -> form data (pages) or JSON body (API)
    query: Any = None  # ids -> query string
    path: str = ""  # for a route that cannot be reversed (a catch-all)
    multipart: bool = False  # API: send `data` as multipart/form-data (an upload)


@dataclass(frozen=True)
class Row:
    roles: frozenset[str]
    calls: tuple[Call, ...] = (Call(),)
    on_record: bool = False
    public: bool = False  # answered to anyone, signed in or not
    note: str = ""
    # Allowed callers may meet a 404 here for a reason that is not access (stated in `note`).
    allowed_may_miss: bool = False


def get(**kw) -> Call:
    return Call("GET", **kw)


def post(**kw) -> Call:
    return Call("POST", **kw)


def patch(**kw) -> Call:
    return Call("PATCH", **kw)


def pk(name: str):
    return lambda ids: {"pk": ids[name]}


# documents: who uploads (the desk's engineers too), a small file, an acceptance body.
UPLOADERS = frozenset({SUPERVISOR, ENGINEER, ADMIN})
ACCEPTANCE = {"accepted_on": "2026-03-16", "accepted_by": "周先生"}


def an_upload(**fields) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"kind": "other", "title": "現場照片", "file": SimpleUploadedFile("a.pdf", b"%PDF")}
    return {**data, **fields}


YESTERDAY = (TODAY - timedelta(days=1)).isoformat()


def contract_form(ids):
    return {
        "systems": [ids["contract_system"]],
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=364)).isoformat(),
        "service_calendar": ids["service_calendar"],
        "price": "36000",
        "visits_per_year": "4",
        "line_fault_arrival": "2",
        "line_fault_fix": "4",
    }


def a_call(ids):
    """The call form of the hotline, for branch A's building site."""
    return {
        "site": ids["bs_site"],
        "system": ids["bs_system"],
        "caller_name": "李經理",
        "category": "line_fault",
        "description": "監控黑屏",
    }


def contract_body(ids):
    return {
        "customer_id": ids["contract_owner"],
        "site_id": ids["contract_site"],
        "system_ids": [ids["contract_system"]],
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=364)).isoformat(),
        "service_calendar_id": ids["service_calendar"],
        "targets": [{"category": "line_fault", "arrival_hours": 2, "fix_hours": 4}],
        "emergency": {
            "arrival_hours": 1,
            "fix_hours": 4,
            "escalation": [{"after_minutes": 30, "user_id": ids["supervisor_a"]}],
        },
        "price": "36000.00",
    }


NO_CUSTOMER_FORM = {"name": "新客戶", "kind": "person", "phones": "13900001111"}

PAGES: dict[str, Row] = {
    "home": Row(SIGNED_IN, public=True, note="redirects to My work (which asks for a login)"),
    "login": Row(SIGNED_IN, public=True),
    "logout": Row(SIGNED_IN, (post(),), public=True),
    "set_language": Row(SIGNED_IN, (post(data=lambda ids: {"language": "en"}),), public=True),
    # obligations
    "obligations:my-work": Row(
        SIGNED_IN, note="an owner, landing here after signing in, goes to the portal"
    ),
    "obligations:list": Row(SUPERVISORS),
    "obligations:fulfil": Row(
        frozenset({ADVISOR, SUPERVISOR, ADMIN}),
        (post(kwargs=pk("duty"), data=lambda ids: {"outcome": "done"}),),
        on_record=True,
        note="the owner (advisor@A), the branch's supervisor and the administrator",
    ),
    "obligations:notifications-read": Row(EVERYONE, (post(),)),
    "obligations:detail": Row(
        frozenset({ADVISOR, SUPERVISOR, ADMIN}),
        (get(kwargs=pk("duty")),),
        on_record=True,
        note="whoever sees the work; only supervisors and administrators get the two forms",
    ),
    "obligations:reassign": Row(
        SUPERVISORS,
        (post(kwargs=pk("duty"), data=lambda ids: {"owner": ids["followup_a"], "reason": "休假"}),),
        on_record=True,
    ),
    "obligations:cancel": Row(
        SUPERVISORS, (post(kwargs=pk("duty"), data=lambda ids: {"reason": "賣車"}),), on_record=True
    ),
    # customers
    "customers:list": Row(DESK),
    "customers:create": Row(DESK, (get(), post(data=lambda ids: NO_CUSTOMER_FORM))),
    "customers:detail": Row(DESK, (get(kwargs=pk("customer")),), on_record=True),
    "customers:edit": Row(
        DESK,
        (
            get(kwargs=pk("customer")),
            post(kwargs=pk("customer"), data=lambda ids: NO_CUSTOMER_FORM),
        ),
        on_record=True,
    ),
    "customers:contact-add": Row(
        DESK,
        (
            get(kwargs=pk("bs_customer")),
            post(kwargs=pk("bs_customer"), data=lambda ids: {"name": "王工", "role": "保安"}),
        ),
        on_record=True,
    ),
    "customers:contact-edit": Row(
        DESK,
        (
            get(kwargs=pk("bs_contact")),
            post(kwargs=pk("bs_contact"), data=lambda ids: {"name": "李經理", "role": "總經理"}),
        ),
        on_record=True,
    ),
    "customers:vehicle-add": Row(
        DESK,
        (
            get(kwargs=pk("customer")),
            post(kwargs=pk("customer"), data=lambda ids: {"plate": "京B77777"}),
        ),
        on_record=True,
    ),
    "customers:vehicle-edit": Row(
        DESK,
        (
            get(kwargs=pk("vehicle")),
            post(kwargs=pk("vehicle"), data=lambda ids: {"plate": "京B88888"}),
        ),
        on_record=True,
    ),
    # workshop
    "workshop:board": Row(DESK, (get(), get(query=lambda ids: {"q": "京"}))),
    "workshop:check-in-start": Row(DESK, (get(), get(query=lambda ids: {"q": "京"}))),
    "workshop:ready": Row(DESK, (post(kwargs=pk("order")),), on_record=True),
    "workshop:order-number": Row(
        DESK,
        (post(kwargs=pk("order"), data=lambda ids: {"shop_order_number": "RO-1"}),),
        on_record=True,
    ),  # fmt: skip
    "workshop:check-in": Row(
        DESK,
        (
            get(kwargs=lambda ids: {"vehicle_id": ids["vehicle"]}),
            post(
                kwargs=lambda ids: {"vehicle_id": ids["vehicle"]},
                data=lambda ids: {"mileage": "1000"},
            ),
        ),
        on_record=True,
    ),
    "workshop:pickup": Row(DESK, (post(kwargs=pk("order")),), on_record=True),
    "workshop:consultation": Row(
        DESK,
        (
            get(kwargs=lambda ids: {"customer_id": ids["customer"]}),
            post(
                kwargs=lambda ids: {"customer_id": ids["customer"]},
                data=lambda ids: {"channel": "phone"},
            ),
        ),
        on_record=True,
    ),
    # follow-ups
    "followups:call-new": Row(
        DESK,
        (
            get(query=lambda ids: {"customer": ids["customer"]}),
            post(
                query=lambda ids: {"customer": ids["customer"]},
                data=lambda ids: {
                    "direction": "out",
                    "purpose": "other",
                    "reached": "on",
                    "notes": "矩陣",
                    "items-TOTAL_FORMS": "0",
                    "items-INITIAL_FORMS": "0",
                },
            ),
        ),
        on_record=True,
    ),
    "followups:call-check": Row(
        DESK,
        (post(query=lambda ids: {"customer": ids["customer"]}, data=lambda ids: {}),),
        on_record=True,
    ),
    "followups:item-row": Row(DESK),
    "followups:register": Row(DESK),
    "followups:detail": Row(DESK, (get(kwargs=pk("call")),), on_record=True),
    "followups:amend": Row(
        DESK,
        (
            post(
                kwargs=pk("call"),
                data=lambda ids: {"field": "notes", "value_text": "改", "reason": "打錯"},
            ),
        ),
        on_record=True,
    ),
    "followups:close-unreachable": Row(DESK, (post(kwargs=pk("duty")),), on_record=True),
    "followups:plan-confirm": Row(
        DESK,
        (
            get(kwargs=pk("plan")),
            post(kwargs=pk("plan"), data=lambda ids: {"topics": ["satisfaction"]}),
        ),
        on_record=True,
    ),
    # raised items
    "cases:list": Row(DESK),
    "cases:queue": Row(SUPERVISORS),
    "cases:detail": Row(DESK, (get(kwargs=pk("item_open")),), on_record=True),
    "cases:move": Row(
        DESK,
        (
            post(
                kwargs=lambda ids: {"pk": ids["item_open"], "action": "research"},
                data=lambda ids: {"note": "查"},
            ),
        ),
        on_record=True,
    ),
    # team
    "team:absences": Row(SUPERVISORS),
    # imports
    "imports:list": Row(DESK),
    "imports:new": Row(DESK),
    "imports:template": Row(DESK),
    "imports:detail": Row(DESK, (get(kwargs=pk("job")),), on_record=True),
    "imports:errors": Row(DESK, (get(kwargs=pk("job")),), on_record=True),
    "imports:import-valid": Row(DESK, (post(kwargs=pk("job")),), on_record=True),
    "imports:cancel": Row(DESK, (post(kwargs=pk("job")),), on_record=True),
    # outreach
    "outreach:list": Row(DESK),
    "outreach:new": Row(SUPERVISORS),
    "outreach:preview": Row(
        SUPERVISORS, (post(data=lambda ids: {"name": "x", "kind": "free_inspection"}),)
    ),
    "outreach:detail": Row(DESK, (get(kwargs=pk("campaign")),), on_record=True),
    "outreach:edit": Row(
        SUPERVISORS,
        (
            get(kwargs=pk("campaign_draft")),
            post(
                kwargs=pk("campaign_draft"),
                data=lambda ids: {"name": "改名", "kind": "free_inspection"},
            ),
        ),
        on_record=True,
    ),
    "outreach:schedule": Row(SUPERVISORS, (post(kwargs=pk("campaign_draft")),), on_record=True),
    "outreach:attendance": Row(
        DESK,
        (
            post(
                kwargs=lambda ids: {"pk": ids["campaign"], "target_id": ids["target"]},
                data=lambda ids: {"attended": "yes"},
            ),
        ),
        on_record=True,
    ),
    "outreach:batch-new": Row(
        DESK, (post(kwargs=pk("campaign"), data=lambda ids: {"who": "owed"}),), on_record=True
    ),
    "outreach:batch": Row(
        DESK,
        (get(kwargs=lambda ids: {"pk": ids["campaign"], "batch_id": ids["batch"]}),),
        on_record=True,
    ),
    "outreach:batch-sent": Row(
        DESK,
        (post(kwargs=lambda ids: {"pk": ids["campaign"], "batch_id": ids["batch"]}),),
        on_record=True,
    ),
    "outreach:batch-file": Row(
        DESK,
        (get(kwargs=lambda ids: {"pk": ids["campaign"], "batch_id": ids["batch"], "name": "pdf"}),),
        on_record=True,
        allowed_may_miss=True,
        note="the world's batch has no drawn files: allowed callers get 404 for the file",
    ),
    "outreach:letters": Row(DESK),
    "outreach:letter-new": Row(
        DESK, (get(query=lambda ids: {"customer": ids["customer"]}),), on_record=True
    ),
    "outreach:letter-preview": Row(
        DESK,
        (
            post(
                kwargs=lambda ids: {"fmt": "docx"},
                data=lambda ids: {"customer": ids["customer"], "kind": "notice"},
            ),
        ),
        on_record=True,
        note="prints a draft and writes nothing, even for allowed callers",
    ),
    "outreach:letter": Row(
        DESK,
        (
            get(kwargs=pk("letter")),
            post(
                kwargs=pk("letter"),
                data=lambda ids: {"field": "subject", "value": "更正", "reason": "錯字"},
            ),
        ),
        on_record=True,
    ),
    "outreach:letter-document": Row(
        DESK, (get(kwargs=lambda ids: {"pk": ids["letter"], "fmt": "docx"}),), on_record=True
    ),
    # messaging
    "messaging:list": Row(SUPERVISORS),
    "messaging:retry": Row(SUPERVISORS, (post(kwargs=pk("message")),), on_record=True),
    "messaging:calendar": Row(
        WITH_WORK | {PARTS}, (get(), post(data=lambda ids: {"action": "create"}))
    ),
    "messaging:feed": Row(
        EVERYONE,
        (get(kwargs=lambda ids: {"token": ids["feed_token"]}),),
        public=True,
        note="the token is the key: anyone holding it reads advisor@A's feed",
    ),
    # sites (building-systems desk)
    "sites:list": Row(
        BUILDING_READ, (get(), get(query=lambda ids: {"q": "浦江", "serial": "hk0"}))
    ),
    "sites:create": Row(
        SUPERVISORS,
        (get(), post(data=lambda ids: {"customer": ids["bs_customer"], "name": "新大樓"})),
        note="branch B's supervisor cannot choose branch A's owner: the form answers 200",
    ),
    "sites:site": Row(BUILDING_READ, (get(kwargs=pk("bs_site")),), on_record=True),
    "sites:system-add": Row(
        SUPERVISORS,
        (
            get(kwargs=pk("bs_site")),
            post(kwargs=pk("bs_site"), data=lambda ids: {"kind": "bms", "name": "樓控"}),
        ),
        on_record=True,
    ),
    "sites:system": Row(BUILDING_READ, (get(kwargs=pk("bs_system")),), on_record=True),
    "sites:equipment-add": Row(
        SITES_FIELD,
        (post(kwargs=pk("bs_system"), data=lambda ids: {"name": "硬盤錄像機", "serial": "NVR-1"}),),
        on_record=True,
    ),
    "sites:system-labels": Row(BUILDING_READ, (get(kwargs=pk("bs_system")),), on_record=True),
    "sites:equipment-import": Row(SITES_FIELD, (get(kwargs=pk("bs_system")),), on_record=True),
    "sites:equipment": Row(BUILDING_READ, (get(kwargs=pk("bs_equipment")),), on_record=True),
    "sites:equipment-label": Row(BUILDING_READ, (get(kwargs=pk("bs_equipment")),), on_record=True),
    "sites:equipment-replace": Row(
        SITES_FIELD,
        (
            get(kwargs=pk("bs_equipment")),
            post(
                kwargs=pk("bs_equipment"),
                data=lambda ids: {"name": "攝像機", "installed_on": "2026-06-10"},
            ),
        ),
        on_record=True,
    ),
    # documents (building-systems desk: handover archive BS-14, acceptance BS-5)
    "documents:handover": Row(BUILDING_READ, (get(kwargs=pk("doc_system")),), on_record=True),
    "documents:upload": Row(
        UPLOADERS, (post(kwargs=pk("doc_system"), data=lambda ids: an_upload()),), on_record=True
    ),
    "documents:equipment-list": Row(UPLOADERS, (post(kwargs=pk("doc_system")),), on_record=True),
    "documents:acceptance": Row(
        SUPERVISORS,
        (post(kwargs=pk("doc_system"), data=lambda ids: ACCEPTANCE),),
        on_record=True,
        note="the handover is incomplete: allowed callers meet the 422 naming what is missing",
    ),
    "documents:handover-list": Row(BUILDING_READ, (get(kwargs=pk("doc_system")),), on_record=True),
    "documents:handover-list-pdf": Row(
        BUILDING_READ, (get(kwargs=pk("doc_system")),), on_record=True
    ),
    "documents:file": Row(BUILDING_READ, (get(kwargs=pk("document")),), on_record=True),
    # contracts (building-systems desk, BS-6)
    "contracts:list": Row(BUILDING_READ),
    "contracts:new": Row(
        SUPERVISORS,
        (
            get(query=lambda ids: {"site": ids["contract_site"]}),
            post(query=lambda ids: {"site": ids["contract_site"]}, data=contract_form),
        ),
        on_record=True,
        note="for a site of branch A (without ?site= it lists the caller's own sites)",
    ),
    "contracts:detail": Row(BUILDING_READ, (get(kwargs=pk("contract")),), on_record=True),
    "contracts:sign": Row(
        SUPERVISORS,
        (post(kwargs=pk("contract"), data=lambda ids: {"signed_on": YESTERDAY}),),
        on_record=True,
    ),
    "contracts:calendars": Row(BUILDING_READ),
    "contracts:calendar-new": Row(
        SUPERVISORS, (get(), post(data=lambda ids: {"name": "新日曆", "monday": "09:00-18:00"}))
    ),
    "contracts:calendar": Row(
        BUILDING_READ,
        (get(kwargs=pk("service_calendar")),),
        note="calendars are the organisation's: branch B sees them too",
    ),
    # the hotline (building-systems desk, BS-7/BS-8/BS-13): the desk takes calls, supervisors
    # dispatch and declare suspensions, the engineers work tickets on their phone pages
    "servicedesk:board": Row(HOTLINE_READ, (get(), get(query=lambda ids: {"state": "dispatched"}))),
    "servicedesk:new": Row(
        HOTLINE_FIELD,
        (get(), post(data=lambda ids: a_call(ids))),
        note="not on a record: branch B cannot choose branch A's site, the form answers 422",
    ),
    "servicedesk:ticket": Row(HOTLINE_READ, (get(kwargs=pk("ticket")),), on_record=True),
    "servicedesk:dispatch": Row(
        SUPERVISORS,
        (post(kwargs=pk("ticket"), data=lambda ids: {"engineer": ids["engineer_a"]}),),
        on_record=True,
        note="engineer@A is dispatched already: allowed callers meet the 409",
    ),
    "servicedesk:change": Row(
        SUPERVISORS,
        (post(kwargs=pk("ticket"), data=lambda ids: {"category": "equipment_fault"}),),
        on_record=True,
    ),
    "servicedesk:report_pdf": Row(
        HOTLINE_READ, (get(kwargs=pk("ticket_resolved")),), on_record=True
    ),
    # spare parts (BS-12): the catalogue is the organisation's; stock, reservations and
    # installations are a branch's (a caller of branch B names A's ticket or item in vain: 422)
    "parts:list": Row(PARTS_READ, (get(), get(query=lambda ids: {"q": "CAM"}))),
    "parts:new": Row(
        PARTS_STORE,
        (
            get(),
            post(
                data=lambda ids: {
                    "code": "PG-1",
                    "name": "電源",
                    "unit": "piece",
                    "unit_cost": "80.00",
                    "warranty_months": "6",
                }
            ),
        ),
        note="the organisation's catalogue; a second allowed caller meets the 422 (code taken)",
    ),  # fmt: skip
    "parts:part": Row(
        PARTS_READ, (get(kwargs=pk("part")),), note="the organisation's catalogue: branch B too"
    ),
    "parts:change": Row(
        PARTS_STORE,
        (
            post(
                kwargs=pk("part"),
                data=lambda ids: {
                    "name": "半球攝像機",
                    "unit_cost": "360.00",
                    "warranty_months": "12",
                    "active": "on",
                },
            ),
        ),
    ),  # fmt: skip
    "parts:movement": Row(
        PARTS_STORE,
        (post(kwargs=pk("part"), data=lambda ids: {"kind": "receipt", "quantity": "1"}),),
        note="a receipt into the caller's own branch store",
    ),
    "parts:reserve": Row(
        PARTS_FIELD,
        (
            post(
                kwargs=pk("part"),
                data=lambda ids: {"ticket": ids["ticket_number"], "quantity": "1"},
            ),
        ),
        note="branch B finds no ticket of its own with A's number: 422, nothing written",
    ),  # fmt: skip
    "parts:cancel": Row(
        PARTS_FIELD,
        (post(kwargs=lambda ids: {"pk": ids["part"], "reservation_pk": ids["reservation"]}),),
        on_record=True,
        note="cancelled by the first allowed caller: the others meet the 409",
    ),
    "parts:install": Row(
        PARTS_FIELD,
        (post(kwargs=pk("part"), data=lambda ids: {"equipment": "HK-0001", "serial": "S-2"}),),
        note="branch B has no item with A's serial: 422, nothing written",
    ),
    # owner training (BS-1…BS-3, BS-11): branch A's trainees, plans, sessions and coverage (a
    # caller of branch B names A's owner or system in vain: the form refuses it, 422)
    "training:list": Row(TRAINING_READ),
    "training:trainees": Row(TRAINING_READ),
    "training:trainee_new": Row(
        TRAINING,
        (
            get(),
            post(
                data=lambda ids: {
                    "customer": ids["bs_customer"],
                    "name": "張小明",
                    "education": "secondary",
                    "english_level": "none",
                }
            ),
        ),
        note="branch B may not choose A's owner: 422, nothing written",
    ),  # fmt: skip
    "training:trainee": Row(TRAINING_READ, (get(kwargs=pk("trainee")),), on_record=True),
    "training:assessment": Row(
        TRAINING,
        (
            get(kwargs=pk("trainee")),
            post(
                kwargs=pk("trainee"),
                data=lambda ids: {
                    "system": ids["bs_system"],
                    "track": "operator",
                    "passed": "yes",
                },
            ),
        ),
        on_record=True,
    ),  # fmt: skip
    "training:departure": Row(
        TRAINING,
        (
            get(kwargs=pk("trainee_leaving")),
            post(kwargs=pk("trainee_leaving"), data=lambda ids: {"left_on": YESTERDAY}),
        ),
        on_record=True,
        note="recorded by the first allowed caller: the others meet the 409",
    ),  # fmt: skip
    "training:trainee_record": Row(TRAINING_READ, (get(kwargs=pk("trainee")),), on_record=True),
    "training:plan_new": Row(
        TRAINING,
        (
            get(),
            post(
                data=lambda ids: {
                    "system": ids["bs_system"],
                    "track": "manager",
                    "min_education": "none",
                    "min_english_level": "none",
                }
            ),
        ),
        note="one plan per system and track: later allowed callers meet the 409; branch B "
        "may not choose A's system (422)",
    ),  # fmt: skip
    "training:plan": Row(TRAINING_READ, (get(kwargs=pk("training_plan")),), on_record=True),
    "training:session_new": Row(
        TRAINING,
        (
            get(kwargs=pk("training_plan")),
            post(
                kwargs=pk("training_plan"),
                data=lambda ids: {
                    "topics": ["operator.principles"],
                    "trainees": [ids["trainee"]],
                    "trainer": "李工",
                },
            ),
        ),
        on_record=True,
    ),  # fmt: skip
    "training:attendance_sheet": Row(
        TRAINING_READ, (get(kwargs=pk("training_session")),), on_record=True
    ),
    "training:coverage": Row(TRAINING_READ, (get(kwargs=pk("bs_site")),), on_record=True),
    "training:site_record": Row(TRAINING_READ, (get(kwargs=pk("bs_site")),), on_record=True),
    # plans agreed with owners (BS-4), on maintenance plans of branch A: the workflow's moves
    # need the kind's change permission on the plan's branch, reading needs its view permission
    "agreements:plan": Row(MAINTENANCE_READ, (get(kwargs=pk("maintenance_plan")),), on_record=True),
    "agreements:submit": Row(MAINTENANCE, (post(kwargs=pk("plan_draft")),), on_record=True),
    "agreements:confirm": Row(
        MAINTENANCE,
        (
            get(kwargs=pk("plan_submitted")),
            post(
                kwargs=pk("plan_submitted"),
                data=lambda ids: {
                    "confirmed_by": "李經理",
                    "at": f"{YESTERDAY}T10:00",
                    "signature_png": ids["maintenance_signature"],
                },
            ),
        ),
        on_record=True,
    ),
    "agreements:reject": Row(
        MAINTENANCE,
        (
            get(kwargs=pk("plan_submitted")),
            post(
                kwargs=pk("plan_submitted"),
                data=lambda ids: {"person": "李經理", "reason": "日期不合適"},
            ),
        ),
        on_record=True,
    ),
    "agreements:edit": Row(
        MAINTENANCE,
        (
            get(kwargs=pk("plan_draft")),
            post(kwargs=pk("plan_draft"), data=lambda ids: {"every_months": "4"}),
        ),
        on_record=True,
    ),
    "agreements:revise": Row(
        MAINTENANCE,
        (
            get(kwargs=pk("maintenance_plan")),
            post(
                kwargs=pk("maintenance_plan"),
                data=lambda ids: {"every_months": "2", "reason": "業主要求加密"},
            ),
        ),
        on_record=True,
    ),
    "agreements:compare": Row(
        MAINTENANCE_READ, (get(kwargs=pk("maintenance_plan")),), on_record=True
    ),
    "agreements:signature": Row(
        MAINTENANCE_READ,
        (get(kwargs=lambda ids: {"pk": ids["maintenance_plan"], "number": 1}),),
        on_record=True,
    ),
    "agreements:scan": Row(
        MAINTENANCE_READ,
        (get(kwargs=lambda ids: {"pk": ids["maintenance_plan"], "number": 1}),),
        on_record=True,
        allowed_may_miss=True,
        note="the plan was confirmed with a drawn signature: there is no scan (404)",
    ),
    # preventive maintenance (BS-9): branch A's plans and visits; the checklists are the
    # organisation's (branch B's supervisor edits them too; another organisation's meets 404)
    "maintenance:list": Row(
        MAINTENANCE_READ, (get(), get(query=lambda ids: {"state": "confirmed"}))
    ),
    "maintenance:new": Row(
        MAINTENANCE,
        (
            get(),
            get(query=lambda ids: {"site": ids["bs_site"]}),
            post(
                query=lambda ids: {"site": ids["bs_site"]},
                data=lambda ids: {
                    "systems": [ids["bs_system"]],
                    "every_months": "3",
                    "starts_on": TODAY.isoformat(),
                    "ends_on": (TODAY + timedelta(days=300)).isoformat(),
                    "non_working_day": "previous",
                },
            ),
        ),
        note="branch B cannot name A's site: it is offered its own sites, nothing written",
    ),  # fmt: skip
    "maintenance:plan": Row(
        MAINTENANCE_READ, (get(kwargs=pk("maintenance_plan")),), on_record=True
    ),
    "maintenance:engineer": Row(
        MAINTENANCE,
        (post(kwargs=pk("maintenance_plan"), data=lambda ids: {"engineer": ""}),),
        on_record=True,
    ),
    "maintenance:visit_worker": Row(
        EVERYONE, public=True, note="the visit pages' service worker: the same script for all"
    ),
    "maintenance:visit": Row(
        MAINTENANCE_READ, (get(kwargs=pk("maintenance_visit")),), on_record=True
    ),
    "maintenance:result": Row(
        MAINTENANCE_FIELD,
        (
            post(
                kwargs=pk("maintenance_visit"),
                data=lambda ids: {
                    "done_at": (TODAY - timedelta(days=1)).isoformat() + "T10:00",
                    "signed_by": "李經理",
                    "signature_png": "",
                    **{f"result_{row['check_id']}": "ok" for row in ids["maintenance_items"]},
                },
            ),
        ),
        on_record=True,
        note="without a signature allowed callers meet the 422",
    ),  # fmt: skip
    "maintenance:reschedule": Row(
        MAINTENANCE_FIELD,
        (
            post(
                kwargs=pk("maintenance_visit"),
                data=lambda ids: {
                    "to": (TODAY + timedelta(days=40)).isoformat(),
                    "reason": "業主要求",
                },
            ),
        ),
        on_record=True,
        note="moved by the first allowed caller: the others meet the 422 (already that day)",
    ),  # fmt: skip
    "maintenance:report_pdf": Row(
        MAINTENANCE_READ, (get(kwargs=pk("maintenance_visit_done")),), on_record=True
    ),
    "maintenance:photo": Row(
        MAINTENANCE_READ,
        (
            get(
                kwargs=lambda ids: {
                    "pk": ids["maintenance_visit_done"],
                    "check_pk": ids["maintenance_check_photo"],
                }
            ),
        ),
        on_record=True,
    ),  # fmt: skip
    "maintenance:checklists": Row(MAINTENANCE_FIELD),
    "maintenance:item_add": Row(
        MAINTENANCE,
        (
            post(
                kwargs=pk("checklist"),
                data=lambda ids: {
                    f"add-{ids['checklist']}-text": "機櫃除塵",
                    f"add-{ids['checklist']}-kind": "check",
                },
            ),
        ),
    ),  # fmt: skip
    "maintenance:item_change": Row(
        MAINTENANCE,
        (
            post(
                kwargs=pk("checklist_item"),
                data=lambda ids: {
                    f"item-{ids['checklist_item']}-text": "畫面清晰",
                    f"item-{ids['checklist_item']}-kind": "check",
                },
            ),
        ),
        allowed_may_miss=True,
        note="once an allowed caller removed the item (its own row), the others meet 404",
    ),  # fmt: skip
    "maintenance:item_remove": Row(
        MAINTENANCE,
        (post(kwargs=pk("checklist_item")),),
        allowed_may_miss=True,
        note="removed by the first allowed caller: the others meet 404",
    ),  # fmt: skip
    # bills (BS-10): branch A's; supervisors review, issue and credit, administrators set fees
    "billing:list": Row(BILLS_READ, (get(), get(query=lambda ids: {"state": "draft"}))),
    "billing:list_xlsx": Row(BILLS_READ),
    "billing:bill": Row(BILLS_READ, (get(kwargs=pk("bill")),), on_record=True),
    "billing:pdf": Row(BILLS_READ, (get(kwargs=pk("bill")),), on_record=True),
    "billing:xlsx": Row(BILLS_READ, (get(kwargs=pk("bill")),), on_record=True),
    "billing:review": Row(
        SUPERVISORS,
        (post(kwargs=pk("bill"), data=lambda ids: {"note": "已核對", "labour_minutes": "45"}),),
        on_record=True,
        note="once the draft is issued (its own row), allowed callers meet the 409",
    ),
    "billing:issue": Row(
        SUPERVISORS,
        (post(kwargs=pk("bill")),),
        on_record=True,
        note="issued by the first allowed caller: the others meet the 409",
    ),  # fmt: skip
    "billing:withdraw": Row(
        SUPERVISORS,
        (post(kwargs=pk("bill_to_withdraw"), data=lambda ids: {"reason": "重複"}),),
        on_record=True,
        note="withdrawn by the first allowed caller: the others meet the 409",
    ),
    "billing:credit": Row(
        SUPERVISORS,
        (
            post(
                kwargs=pk("bill_issued"),
                data=lambda ids: {"reason": "折讓", f"amount_{ids['bill_issued_line']}": "5.00"},
            ),
        ),
        on_record=True,
    ),  # fmt: skip
    "billing:settings": Row(SUPERVISORS),
    "billing:settings_save": Row(
        ADMINS,
        (
            post(
                data=lambda ids: {
                    "currency": "CNY",
                    "labour_mode": "per_hour",
                    "labour_rate": "120.00",
                    "labour_minimum": "100.00",
                    "labour_rounding": "hour",
                }
            ),
        ),
    ),  # fmt: skip
    "servicedesk:field": Row(HOTLINE_FIELD),
    "servicedesk:field_worker": Row(
        EVERYONE, public=True, note="the field pages' service worker: the same script for all"
    ),
    "servicedesk:field_ticket": Row(HOTLINE_FIELD, (get(kwargs=pk("ticket")),), on_record=True),
    "servicedesk:arrive": Row(
        HOTLINE_FIELD,
        (post(kwargs=pk("ticket"), data=lambda ids: {"latitude": "31.23", "longitude": "121.47"}),),
        on_record=True,
        note="the dispatched engineer, or a supervisor for them",
    ),
    "servicedesk:pause": Row(
        HOTLINE_FIELD,
        (post(kwargs=pk("ticket"), data=lambda ids: {"reason": "parts"}),),
        on_record=True,
    ),  # fmt: skip
    "servicedesk:resume": Row(
        HOTLINE_FIELD,
        (post(kwargs=pk("ticket")),),
        on_record=True,
        note="the ticket is not paused: allowed callers meet the 409",
    ),
    "servicedesk:resolve": Row(
        HOTLINE_FIELD,
        (
            post(
                kwargs=pk("ticket"),
                data=lambda ids: {
                    "work_done": "換電源",
                    "labour_minutes": "30",
                    "signed_by": "李經理",
                },
            ),
        ),
        on_record=True,
        note="no signature: allowed callers meet the 422",
    ),  # fmt: skip
    "servicedesk:suspensions": Row(HOTLINE_READ),
    "servicedesk:declare_suspension": Row(
        SUPERVISORS,
        (
            post(
                data=lambda ids: {
                    "branch": ids["branch_a"],
                    "reason": "black_rainstorm",
                    "starts_at": "2026-07-01T08:00",
                }
            ),
        ),
        note="branch B cannot choose branch A: the form answers 422",
    ),  # fmt: skip
    "servicedesk:end_suspension": Row(
        SUPERVISORS,
        (post(kwargs=pk("suspension"), data=lambda ids: {}),),
        on_record=True,
        note="no end given: allowed callers meet the 422",
    ),
    "servicedesk:settings": Row(
        SUPERVISORS,
        (
            get(),
            post(data=lambda ids: {"emergency_arrival_hours": "1.5", "emergency_fix_hours": "3"}),
        ),
        note="the organisation's own settings: each administrator reads and writes theirs",
    ),  # fmt: skip
    # safety
    "safety:register": Row(DESK),
    "safety:place-add": Row(
        SUPERVISORS, (get(), post(data=lambda ids: {"name": "新地點", "min_count": "1"}))
    ),
    "safety:place-minimum": Row(
        SUPERVISORS,
        (get(kwargs=pk("place")), post(kwargs=pk("place"), data=lambda ids: {"min_count": "3"})),
        on_record=True,
    ),
    "safety:bin-add": Row(
        SUPERVISORS,
        (
            get(kwargs=pk("place")),
            post(kwargs=pk("place"), data=lambda ids: {"label": "桶", "owner": ids["advisor_a"]}),
        ),
        on_record=True,
    ),
    "safety:equipment-add": Row(
        SUPERVISORS,
        (get(kwargs=pk("place")), post(kwargs=pk("place"), data=lambda ids: {"kind": "powder"})),
        on_record=True,
    ),
    "safety:bin": Row(
        DESK,
        (get(kwargs=pk("bin")), post(kwargs=pk("bin"), data=lambda ids: {"note": "清"})),
        on_record=True,
    ),
    "safety:bin-retire": Row(
        SUPERVISORS, (post(kwargs=pk("bin"), data=lambda ids: {"reason": "搬走"}),), on_record=True
    ),
    "safety:equipment": Row(
        DESK,
        (
            get(kwargs=pk("equipment")),
            post(
                kwargs=pk("equipment"),
                data=lambda ids: {"result": "ok", "pressure_ok": "True", "seal_ok": "True"},
            ),
        ),
        on_record=True,
    ),
    "safety:equipment-replace": Row(
        SUPERVISORS,
        (get(kwargs=pk("equipment")), post(kwargs=pk("equipment"), data=lambda ids: {})),
        on_record=True,
    ),
    "safety:equipment-remove": Row(
        SUPERVISORS,
        (post(kwargs=pk("equipment"), data=lambda ids: {"reason": "報廢"}),),
        on_record=True,
    ),
    # reviews
    "reviews:list": Row(SUPERVISORS),
    "reviews:dashboard": Row(SUPERVISORS),
    "reviews:detail": Row(SUPERVISORS, (get(kwargs=pk("review")),), on_record=True),
    "reviews:save": Row(
        frozenset({SUPERVISOR}),
        (post(kwargs=pk("review"), data=lambda ids: {"summary": "本月準時"}),),
        on_record=True,
        note="DS-11: only the branch's own supervisor writes its review",
    ),
    "reviews:print": Row(SUPERVISORS, (get(kwargs=pk("review")),), on_record=True),
    "reviews:pdf": Row(SUPERVISORS, (get(kwargs=pk("review")),), on_record=True),
    "reviews:xlsx": Row(SUPERVISORS, (get(kwargs=pk("review")),), on_record=True),
    # paperwork (the four forms)
    "paperwork:index": Row(DESK),
    "paperwork:form1": Row(DESK, (get(kwargs=pk("customer")),), on_record=True),
    "paperwork:form1-pdf": Row(DESK, (get(kwargs=pk("customer")),), on_record=True),
    "paperwork:form1-xlsx": Row(DESK, (get(kwargs=pk("customer")),), on_record=True),
    "paperwork:form2": Row(DESK, (get(kwargs=pk("call")),), on_record=True),
    "paperwork:form2-pdf": Row(DESK, (get(kwargs=pk("call")),), on_record=True),
    "paperwork:form2-xlsx": Row(DESK, (get(kwargs=pk("call")),), on_record=True),
    "paperwork:form3": Row(DESK, (get(query=lambda ids: PERIOD),)),
    "paperwork:form3-pdf": Row(DESK, (get(query=lambda ids: PERIOD),)),
    "paperwork:form3-xlsx": Row(DESK, (get(query=lambda ids: PERIOD),)),
    "paperwork:form4": Row(DESK, (get(query=lambda ids: PERIOD),)),
    "paperwork:form4-pdf": Row(DESK, (get(query=lambda ids: PERIOD),)),
    "paperwork:form4-xlsx": Row(DESK, (get(query=lambda ids: PERIOD),)),
    "paperwork:export-start": Row(
        DESK,
        (post(data=lambda ids: {"form": "3", "branch": ids["branch_a"], **PERIOD}),),
        on_record=True,
        note="the export names branch A",
    ),
    "paperwork:export": Row(
        frozenset({ADVISOR, SUPERVISOR, ADMIN}),
        (get(kwargs=pk("export")),),
        on_record=True,
        note="who asked for it (advisor@A), the branch's supervisor and the administrator",
    ),
    "paperwork:export-file": Row(
        frozenset({ADVISOR, SUPERVISOR, ADMIN}),
        (get(kwargs=pk("export")),),
        on_record=True,
        allowed_may_miss=True,
        note="the world's export is not drawn yet: allowed callers get 404 for the file",
    ),
    # the service standard's settings
    "standard:settings": Row(ADMINS),
    "standard:edit-rule": Row(
        ADMINS, (post(kwargs=lambda ids: {"rule_id": "DS-3"}, data=lambda ids: {"due_after": "3"}),)
    ),
    "standard:add-day": Row(
        ADMINS, (post(data=lambda ids: {"day": "2031-01-03", "kind": "closure"}),)
    ),
    "standard:remove-day": Row(ADMINS, (post(kwargs=lambda ids: {"day": ids["day"]}),)),
    "standard:organisation": Row(
        ADMINS, (post(data=lambda ids: {"time_zone": "Asia/Taipei", "region": "TW"}),)
    ),
    # one's own password (issue 10): changed when signed in, reset by e-mail by anyone
    "password_change": Row(SIGNED_IN),
    "password_change_done": Row(SIGNED_IN),
    "password_reset": Row(SIGNED_IN, public=True),
    "password_reset_done": Row(SIGNED_IN, public=True),
    "password_reset_confirm": Row(
        SIGNED_IN,
        (get(kwargs=lambda ids: {"uidb64": "MQ", "token": "not-a-token"}),),
        public=True,
        note="a wrong link answers a page saying so",
    ),
    "password_reset_complete": Row(SIGNED_IN, public=True),
    # setting the shop up (issue 10): administrators manage; supervisors read their staff
    "orgsettings:branches": Row(
        ADMINS, (get(), post(data=lambda ids: {"code": "east", "name": "東區店"}))
    ),
    "orgsettings:branch-edit": Row(
        ADMINS,
        (
            get(kwargs=pk("branch_a")),
            post(kwargs=pk("branch_a"), data=lambda ids: {"name": "北區新店"}),
        ),
        on_record=True,
    ),
    "orgsettings:staff": Row(SUPERVISORS, note="supervisors read their branch's list"),
    "orgsettings:staff-new": Row(
        ADMINS,
        (
            get(),
            post(
                data=lambda ids: {
                    "username": "newbie",
                    "display_name": "新人",
                    "branch": ids["branch_a"],
                    "roles": ["advisor"],
                    "password1": "a-long-Secret-2026",
                    "password2": "a-long-Secret-2026",
                }
            ),
        ),
    ),
    "orgsettings:staff-edit": Row(
        ADMINS,
        (
            get(kwargs=pk("advisor_a")),
            post(
                kwargs=pk("advisor_a"),
                data=lambda ids: {
                    "display_name": "改名",
                    "branch": ids["branch_a"],
                    "roles": ["advisor", "supervisor"],
                },
            ),
        ),
        on_record=True,
    ),
    "orgsettings:staff-active": Row(
        ADMINS, (post(kwargs=pk("advisor_a"), data=lambda ids: {"active": "0"}),), on_record=True
    ),
    "orgsettings:staff-password": Row(
        ADMINS,
        (
            get(kwargs=pk("advisor_a")),
            post(
                kwargs=pk("advisor_a"),
                data=lambda ids: {
                    "password1": "b-long-Secret-2026",
                    "password2": "b-long-Secret-2026",
                },
            ),
        ),
        on_record=True,
    ),
    "catalogue:list": Row(
        ADMINS,
        (
            get(),
            post(data=lambda ids: {"code": "ac-check", "name": "冷氣檢查", "kind": "inspection"}),
        ),
    ),
    "catalogue:edit": Row(
        ADMINS,
        (
            get(kwargs=pk("service_item")),
            post(
                kwargs=pk("service_item"),
                data=lambda ids: {"code": "oil-x", "name": "機油", "kind": "maintenance"},
            ),
        ),
        on_record=True,
    ),
}

# Monthly service reports of branch A's site (supervisors and administrators); "generate now"
# is a form without a record, so the supervisor of branch B generates their own branch's.
PAGES.update({
    "servicereports:list": Row(SUPERVISORS),
    "servicereports:generate": Row(
        SUPERVISORS, (post(data=lambda ids: {"month": ids["report_month"]}),)
    ),
    "servicereports:run": Row(SUPERVISORS, (get(kwargs=pk("report_run")),), on_record=True),
    "servicereports:report": Row(
        SUPERVISORS, (get(kwargs=pk("monthly_report")),), on_record=True
    ),
    "servicereports:pdf": Row(SUPERVISORS, (get(kwargs=pk("monthly_report")),), on_record=True),
    "servicereports:regenerate": Row(
        SUPERVISORS, (post(kwargs=pk("monthly_report")),), on_record=True
    ),
})  # fmt: skip

# The owner's portal: owners' representatives read and answer their own company's records
# (owner@A: the building owner of branch A's `bs_site`); supervisors invite them.
PAGES.update({
    "portal:home": Row(OWNERS),
    "portal:report": Row(
        OWNERS,
        (
            get(),
            post(data=lambda ids: {
                "site": ids["bs_site"], "system": ids["bs_system"], "category": "line_fault",
                "description": "大堂攝像機無畫面", "caller_name": "李經理",
            }),
        ),
        note="owner@B's own form: another owner's site is not among its choices (422)",
    ),
    "portal:tickets": Row(OWNERS),
    "portal:ticket": Row(OWNERS, (get(kwargs=pk("ticket")),), on_record=True),
    "portal:visit_report": Row(OWNERS, (get(kwargs=pk("ticket_resolved")),), on_record=True),
    "portal:plans": Row(OWNERS),
    "portal:plan": Row(OWNERS, (get(kwargs=pk("plan_submitted")),), on_record=True),
    "portal:confirm": Row(
        OWNERS,
        (
            get(kwargs=pk("plan_submitted")),
            post(kwargs=pk("plan_submitted"), data=lambda ids: {
                "confirmed_by": "李經理",
                "signature_png": "data:image/png;base64," + ids["maintenance_signature"],
            }),
        ),
        on_record=True,
    ),
    "portal:reject": Row(
        OWNERS,
        (
            get(kwargs=pk("plan_submitted")),
            post(kwargs=pk("plan_submitted"),
                 data=lambda ids: {"person": "李經理", "reason": "改期"}),
        ),
        on_record=True,
    ),
    "portal:signature": Row(
        OWNERS,
        (get(kwargs=lambda ids: {"pk": ids["maintenance_plan"], "number": 1}),),
        on_record=True,
    ),
    "portal:equipment": Row(OWNERS),
    "portal:documents": Row(OWNERS),
    "portal:document": Row(OWNERS, (get(kwargs=pk("portal_document")),), on_record=True),
    "portal:training": Row(OWNERS),
    "portal:bills": Row(OWNERS),
    "portal:bill_pdf": Row(OWNERS, (get(kwargs=pk("bill_issued")),), on_record=True),
    "portal:reports": Row(OWNERS),
    "portal:report_pdf": Row(OWNERS, (get(kwargs=pk("monthly_report")),), on_record=True),
    "portal:invitations": Row(
        SUPERVISORS,
        (get(), post(data=lambda ids: {"customer": ids["bs_customer"], "email": "a@own.example"})),
        note="a supervisor of branch B: branch A's owner is not among the choices (422)",
    ),
    "portal:revoke": Row(SUPERVISORS, (post(kwargs=pk("invitation")),), on_record=True),
    "portal:accept": Row(
        SIGNED_IN,
        (get(kwargs=lambda ids: {"token": ids["invitation_token"]}),),
        public=True,
        note="the invitation's link: its token is the key",
    ),
})  # fmt: skip

# The Django admin is for superusers only (no role reaches it); its routes are generated per
# model, so the namespace has one row, checked on its index and one change list.
ADMIN_SITE = Row(NOBODY, (get(),), note="Django admin: superusers only")
ADMIN_SITE_SAMPLES = ["admin:index", "admin:auth_group_changelist"]

# Routes served outside the product's own pages.
API_SITE: dict[str, Row] = {
    "api:openapi-json": Row(EVERYONE, public=True, note="the API's description is public"),
    "api:openapi-view": Row(EVERYONE, public=True, note="the API's docs page is public"),
    "api:api-root": Row(EVERYONE, public=True, allowed_may_miss=True, note="/api/v1/ itself"),
    "api:unknown": Row(
        EVERYONE,
        (Call("GET", path="/api/v1/no-such-route"), Call("POST", path="/api/v1/no-such-route")),
        public=True,
        allowed_may_miss=True,
        note="the catch-all: every unknown /api/v1/ route answers a JSON 404",
    ),
}


def body(**values):
    return lambda ids: values


API: dict[str, Row] = {
    "GET /me": Row(EVERYONE),
    "GET /users": Row(SUPERVISORS),
    "POST /absences": Row(
        SUPERVISORS,
        (
            post(
                data=lambda ids: {
                    "user_id": ids["advisor_a"],
                    "stand_in_id": ids["followup_a"],
                    "starts_at": "2031-01-05T09:00:00+08:00",
                    "ends_at": "2031-01-06T09:00:00+08:00",
                }
            ),
        ),
        on_record=True,
    ),
    "GET /worklist": Row(EVERYONE),
    "GET /obligations": Row(EVERYONE, note="everyone lists the work they may see (their own)"),
    "GET /obligations/{obligation_id}": Row(
        frozenset({ADVISOR, SUPERVISOR, ADMIN}),
        (get(kwargs=lambda ids: {"obligation_id": ids["duty"]}),),
        on_record=True,
        note="the owner (advisor@A), the branch's supervisor and the administrator",
    ),
    "POST /obligations/{obligation_id}/fulfil": Row(
        frozenset({ADVISOR, SUPERVISOR, ADMIN}),
        (post(kwargs=lambda ids: {"obligation_id": ids["duty"]}, data=body(outcome="done")),),
        on_record=True,
    ),
    "POST /obligations/{obligation_id}/cancel": Row(
        SUPERVISORS,
        (post(kwargs=lambda ids: {"obligation_id": ids["duty"]}, data=body(reason="賣車")),),
        on_record=True,
    ),
    "POST /obligations/{obligation_id}/reassign": Row(
        SUPERVISORS,
        (
            post(
                kwargs=lambda ids: {"obligation_id": ids["duty"]},
                data=lambda ids: {"owner_id": ids["followup_a"]},
            ),
        ),
        on_record=True,
    ),
    "POST /customers": Row(
        DESK,
        (
            post(
                data=lambda ids: {
                    "name": "新客戶",
                    "phones": ["13900001111"],
                    "branch_id": ids["branch_a"],
                }
            ),
        ),
        on_record=True,
        note="names branch A",
    ),
    "GET /customers": Row(DESK),
    "GET /customers/{customer_id}": Row(
        DESK, (get(kwargs=lambda ids: {"customer_id": ids["customer"]}),), on_record=True
    ),
    "PATCH /customers/{customer_id}": Row(
        DESK,
        (patch(kwargs=lambda ids: {"customer_id": ids["customer"]}, data=body(notes="改")),),
        on_record=True,
    ),
    "POST /vehicles": Row(
        DESK,
        (post(data=lambda ids: {"customer_id": ids["customer"], "plate": "京B99999"}),),
        on_record=True,
    ),
    "GET /vehicles/{vehicle_id}": Row(
        DESK, (get(kwargs=lambda ids: {"vehicle_id": ids["vehicle"]}),), on_record=True
    ),
    "PATCH /vehicles/{vehicle_id}": Row(
        DESK,
        (patch(kwargs=lambda ids: {"vehicle_id": ids["vehicle"]}, data=body(model="凱美瑞")),),
        on_record=True,
    ),
    "GET /service-items": Row(DESK),
    "POST /repair-orders": Row(
        DESK,
        (post(data=lambda ids: {"vehicle_id": ids["vehicle"], "mileage": 1000}),),
        on_record=True,
    ),
    "GET /repair-orders": Row(DESK),
    "GET /repair-orders/{order_id}": Row(
        DESK, (get(kwargs=lambda ids: {"order_id": ids["order"]}),), on_record=True
    ),
    "POST /repair-orders/{order_id}/ready": Row(
        DESK, (post(kwargs=lambda ids: {"order_id": ids["order"]}, data=body()),), on_record=True
    ),
    "POST /repair-orders/{order_id}/pickup": Row(
        DESK, (post(kwargs=lambda ids: {"order_id": ids["order"]}, data=body()),), on_record=True
    ),
    "POST /consultations": Row(
        DESK,
        (post(data=lambda ids: {"customer_id": ids["customer"], "channel": "phone"}),),
        on_record=True,
    ),
    "POST /calls": Row(
        DESK,
        (
            post(
                data=lambda ids: {
                    "customer_id": ids["customer"],
                    "direction": "out",
                    "purpose": "other",
                }
            ),
        ),
        on_record=True,
        note="issue 9: an engineer of branch A got 201 here",
    ),
    "GET /calls": Row(DESK),
    "GET /calls/{call_id}": Row(
        DESK, (get(kwargs=lambda ids: {"call_id": ids["call"]}),), on_record=True
    ),
    "POST /calls/{call_id}/amendments": Row(
        DESK,
        (
            post(
                kwargs=lambda ids: {"call_id": ids["call"]},
                data=body(field="notes", value="改", reason="打錯"),
            ),
        ),
        on_record=True,
    ),
    "GET /plans": Row(DESK),
    "POST /plans/{plan_id}/confirm": Row(
        DESK,
        (post(kwargs=lambda ids: {"plan_id": ids["plan"]}, data=body(topics=["satisfaction"])),),
        on_record=True,
    ),
    "POST /obligations/{obligation_id}/close-unreachable": Row(
        DESK,
        (post(kwargs=lambda ids: {"obligation_id": ids["duty"]}, data=body()),),
        on_record=True,
    ),
    "GET /raised-items": Row(DESK),
    "GET /raised-items/queue": Row(SUPERVISORS),
    "GET /raised-items/{item_id}": Row(
        DESK, (get(kwargs=lambda ids: {"item_id": ids["item_open"]}),), on_record=True
    ),
    "POST /raised-items/{item_id}/research": Row(
        DESK,
        (post(kwargs=lambda ids: {"item_id": ids["item_open"]}, data=body(note="查")),),
        on_record=True,
    ),
    "POST /raised-items/{item_id}/escalate": Row(
        DESK,
        (post(kwargs=lambda ids: {"item_id": ids["item_open"]}, data=body(note="升")),),
        on_record=True,
    ),
    "POST /raised-items/{item_id}/solution": Row(
        SUPERVISORS,
        (post(kwargs=lambda ids: {"item_id": ids["item_escalated"]}, data=body(text="換冷媒")),),
        on_record=True,
        note="DS-5: what was escalated is solved by the supervisor",
    ),
    "POST /raised-items/{item_id}/inform": Row(
        DESK,
        (post(kwargs=lambda ids: {"item_id": ids["item_open"]}, data=body(satisfied=True)),),
        on_record=True,
        note="the open item cannot be told yet (409) for allowed callers",
    ),
    "POST /campaigns": Row(
        SUPERVISORS,
        (
            post(
                data=lambda ids: {
                    "branch_id": ids["branch_a"],
                    "name": "夏季",
                    "kind": "free_inspection",
                    "starts_at": "2031-06-01T09:00:00+08:00",
                    "ends_at": "2031-06-02T17:00:00+08:00",
                }
            ),
        ),
        on_record=True,
    ),
    "GET /campaigns": Row(DESK),
    "GET /campaigns/{campaign_id}": Row(
        DESK, (get(kwargs=lambda ids: {"campaign_id": ids["campaign"]}),), on_record=True
    ),
    "POST /campaigns/{campaign_id}/schedule": Row(
        SUPERVISORS,
        (post(kwargs=lambda ids: {"campaign_id": ids["campaign_draft"]}, data=body()),),
        on_record=True,
    ),
    "GET /campaigns/{campaign_id}/targets": Row(
        DESK, (get(kwargs=lambda ids: {"campaign_id": ids["campaign"]}),), on_record=True
    ),
    "POST /letters": Row(
        DESK,
        (post(data=lambda ids: {"customer_id": ids["customer"], "kind": "notice"}),),
        on_record=True,
    ),
    "GET /letters": Row(DESK),
    "POST /letters/{letter_id}/amendments": Row(
        DESK,
        (
            post(
                kwargs=lambda ids: {"letter_id": ids["letter"]},
                data=body(field="subject", value="更正", reason="錯字"),
            ),
        ),
        on_record=True,
    ),
    "GET /messages": Row(SUPERVISORS),
    "POST /messages/{message_id}/retry": Row(
        SUPERVISORS, (post(kwargs=lambda ids: {"message_id": ids["message"]}),), on_record=True
    ),
    "POST /message-opt-outs": Row(
        DESK,
        (post(data=lambda ids: {"customer_id": ids["customer"], "channel": "sms"}),),
        on_record=True,
    ),
    "GET /safety/places": Row(DESK),
    "GET /safety/equipment": Row(DESK),
    "POST /safety/equipment": Row(
        SUPERVISORS,
        (
            post(
                data=lambda ids: {
                    "place_id": ids["place"],
                    "kind": "powder",
                    "label": "MFZ-9",
                    "capacity": "4",
                    "unit": "kg",
                    "installed_on": "2026-01-01",
                    "expires_on": "2030-01-01",
                }
            ),
        ),
        on_record=True,
    ),
    "POST /safety/equipment/{item_id}/inspections": Row(
        DESK,
        (post(kwargs=lambda ids: {"item_id": ids["equipment"]}, data=body(result="ok")),),
        on_record=True,
    ),
    "POST /safety/bins/{bin_id}/clearances": Row(
        DESK,
        (post(kwargs=lambda ids: {"bin_id": ids["bin"]}, data=body(note="清")),),
        on_record=True,
    ),
    # documents (BS-14, BS-5)
    "POST /documents": Row(
        UPLOADERS,
        (Call("POST", data=lambda ids: an_upload(system_id=ids["doc_system"]), multipart=True),),
        on_record=True,
    ),
    "GET /documents": Row(BUILDING_READ),
    "GET /documents/{document_id}/file": Row(
        BUILDING_READ, (get(kwargs=lambda ids: {"document_id": ids["document"]}),), on_record=True
    ),
    "GET /systems/{system_id}/handover": Row(
        BUILDING_READ, (get(kwargs=lambda ids: {"system_id": ids["doc_system"]}),), on_record=True
    ),
    "POST /systems/{system_id}/acceptance": Row(
        SUPERVISORS,
        (post(kwargs=lambda ids: {"system_id": ids["doc_system"]}, data=lambda ids: ACCEPTANCE),),
        on_record=True,
        note="the handover is incomplete: allowed callers meet the 422 naming what is missing",
    ),
    # contracts (building-systems desk, BS-6)
    "POST /service-calendars": Row(
        SUPERVISORS,
        (
            post(
                data=body(
                    name="新日曆", weekly=[[["09:00", "18:00"]]] * 5 + [[], []], holidays=True
                )
            ),
        ),
    ),
    "GET /service-calendars": Row(BUILDING_READ),
    "GET /service-calendars/{calendar_id}/due": Row(
        BUILDING_READ,
        (
            get(
                kwargs=lambda ids: {"calendar_id": ids["service_calendar"]},
                query=lambda ids: {"at": "2026-05-15T17:00:00+08:00", "hours": 4},
            ),
        ),
        note="calendars are the organisation's: branch B sees them too",
    ),
    "POST /contracts": Row(SUPERVISORS, (post(data=contract_body),), on_record=True),
    "GET /contracts": Row(BUILDING_READ),
    "GET /contracts/{contract_id}": Row(
        BUILDING_READ, (get(kwargs=lambda ids: {"contract_id": ids["contract"]}),), on_record=True
    ),
    "POST /contracts/{contract_id}/sign": Row(
        SUPERVISORS,
        (
            post(
                kwargs=lambda ids: {"contract_id": ids["contract"]},
                data=body(signed_on=YESTERDAY),
            ),
        ),
        on_record=True,
    ),
    # the hotline (BS-7, BS-8, BS-13)
    "POST /tickets": Row(
        HOTLINE_FIELD,
        (
            post(
                data=lambda ids: {
                    "site_id": ids["bs_site"],
                    "system_id": ids["bs_system"],
                    "caller_name": "李經理",
                    "category": "line_fault",
                    "description": "監控黑屏",
                }
            ),
        ),
        on_record=True,
    ),
    "GET /tickets": Row(HOTLINE_READ),
    "GET /tickets/{ticket_id}": Row(
        HOTLINE_READ, (get(kwargs=lambda ids: {"ticket_id": ids["ticket"]}),), on_record=True
    ),
    "PATCH /tickets/{ticket_id}": Row(
        SUPERVISORS,
        (
            patch(
                kwargs=lambda ids: {"ticket_id": ids["ticket"]},
                data=body(category="equipment_fault"),
            ),
        ),
        on_record=True,
    ),
    "POST /tickets/{ticket_id}/dispatch": Row(
        SUPERVISORS,
        (
            post(
                kwargs=lambda ids: {"ticket_id": ids["ticket"]},
                data=lambda ids: {"engineer_id": ids["engineer_a"]},
            ),
        ),
        on_record=True,
        note="engineer@A is dispatched already: allowed callers meet the 409",
    ),
    "POST /tickets/{ticket_id}/arrival": Row(
        HOTLINE_FIELD,
        (
            post(
                kwargs=lambda ids: {"ticket_id": ids["ticket"]},
                data=body(latitude=31.23, longitude=121.47),
            ),
        ),
        on_record=True,
        note="the dispatched engineer, or a supervisor for them",
    ),  # fmt: skip
    "POST /tickets/{ticket_id}/pause": Row(
        HOTLINE_FIELD,
        (post(kwargs=lambda ids: {"ticket_id": ids["ticket"]}, data=body(reason="parts")),),
        on_record=True,
    ),
    "POST /tickets/{ticket_id}/resume": Row(
        HOTLINE_FIELD,
        (post(kwargs=lambda ids: {"ticket_id": ids["ticket"]}, data=body()),),
        on_record=True,
        note="the ticket is not paused: allowed callers meet the 409",
    ),
    "POST /tickets/{ticket_id}/resolve": Row(
        HOTLINE_FIELD,
        (
            post(
                kwargs=lambda ids: {"ticket_id": ids["ticket"]},
                data=body(
                    work_done="換電源",
                    labour_minutes=30,
                    signed_by="李經理",
                    signature_png="bm90IGEgcG5n",
                ),
            ),
        ),
        on_record=True,
        note="not a PNG: allowed callers meet the 422",
    ),  # fmt: skip
    # spare parts (BS-12): the catalogue is the organisation's (branch B reads it and its own
    # store's stock); reservations, installations and ledger lines of a ticket are branch A's
    "POST /parts": Row(
        PARTS_STORE,
        (post(data=lambda ids: {"code": "NEW-1", "name": "電源", "unit_cost": "80.00"}),),
        note="the catalogue is the organisation's; a second allowed caller meets the 422 "
        "(the code is taken)",
    ),
    "GET /parts": Row(PARTS_READ),
    "GET /parts/{part_id}": Row(
        PARTS_READ,
        (get(kwargs=lambda ids: {"part_id": ids["part"]}),),
        note="the organisation's catalogue: branch B reads it (with its own store's stock)",
    ),  # fmt: skip
    "PATCH /parts/{part_id}": Row(
        PARTS_STORE,
        (patch(kwargs=lambda ids: {"part_id": ids["part"]}, data=body(unit_cost="360.00")),),
    ),
    "POST /stock-movements": Row(
        PARTS_STORE,
        (post(data=lambda ids: {"part_id": ids["part"], "quantity": 2, "kind": "receipt"}),),
        note="a receipt into the caller's own branch store",
    ),
    "GET /stock-movements": Row(PARTS_READ, (get(query=lambda ids: {"part_id": ids["part"]}),)),
    "POST /reservations": Row(
        PARTS_FIELD,
        (
            post(
                data=lambda ids: {"part_id": ids["part"], "quantity": 1, "ticket_id": ids["ticket"]}
            ),
        ),
        on_record=True,
    ),  # fmt: skip
    "GET /parts/{part_id}/reservations": Row(
        PARTS_READ,
        (get(kwargs=lambda ids: {"part_id": ids["part"]}),),
        note="branch B sees its own stores' queue (empty here)",
    ),  # fmt: skip
    "POST /reservations/{reservation_id}/cancel": Row(
        PARTS_FIELD,
        (post(kwargs=lambda ids: {"reservation_id": ids["reservation"]}, data=body()),),
        on_record=True,
        note="cancelled by the first allowed caller: the others meet the 409",
    ),
    "POST /installations": Row(
        PARTS_FIELD,
        (
            post(
                data=lambda ids: {
                    "part_id": ids["part"],
                    "equipment_id": ids["bs_equipment"],
                    "serial": "S-1",
                }
            ),
        ),
        on_record=True,
    ),  # fmt: skip
    # owner training (BS-1…BS-3, BS-11): branch A's; a caller of branch B names A's owner or
    # system in vain (422) and A's trainee, plan or site not at all (404)
    "POST /trainees": Row(
        TRAINING,
        (post(data=lambda ids: {"customer_id": ids["bs_customer"], "name": "張小明"}),),
        note="branch B cannot name A's owner: 422, nothing written",
    ),
    "GET /trainees": Row(TRAINING_READ),
    "GET /trainees/{trainee_id}": Row(
        TRAINING_READ, (get(kwargs=lambda ids: {"trainee_id": ids["trainee"]}),), on_record=True
    ),
    "POST /trainees/{trainee_id}/assessments": Row(
        TRAINING,
        (
            post(
                kwargs=lambda ids: {"trainee_id": ids["trainee"]},
                data=lambda ids: {
                    "system_id": ids["bs_system"],
                    "track": "operator",
                    "passed": True,
                },
            ),
        ),
        on_record=True,
    ),  # fmt: skip
    "POST /trainees/{trainee_id}/departure": Row(
        TRAINING,
        (
            post(
                kwargs=lambda ids: {"trainee_id": ids["trainee_leaving"]},
                data=body(left_on=YESTERDAY),
            ),
        ),
        on_record=True,
        note="recorded by the first allowed caller: the others meet the 409",
    ),  # fmt: skip
    "POST /training-plans": Row(
        TRAINING,
        (post(data=lambda ids: {"system_id": ids["bs_system"], "track": "manager"}),),
        note="one plan per system and track: later allowed callers meet the 409; branch B "
        "cannot name A's system (422)",
    ),
    "GET /training-plans": Row(TRAINING_READ),
    "GET /training-plans/{plan_id}": Row(
        TRAINING_READ,
        (get(kwargs=lambda ids: {"plan_id": ids["training_plan"]}),),
        on_record=True,
    ),  # fmt: skip
    "POST /training-sessions": Row(
        TRAINING,
        (
            post(
                data=lambda ids: {
                    "plan_id": ids["training_plan"],
                    "topics": ["operator.principles"],
                    "trainee_ids": [ids["trainee"]],
                }
            ),
        ),
        on_record=True,
    ),  # fmt: skip
    "GET /sites/{site_id}/training-coverage": Row(
        TRAINING_READ, (get(kwargs=lambda ids: {"site_id": ids["bs_site"]}),), on_record=True
    ),
    # plans agreed with owners (BS-4): the moves of branch A's maintenance plans
    "GET /plans/{kind}/{plan_id}": Row(
        MAINTENANCE_READ,
        (get(kwargs=lambda ids: {"kind": "maintenance", "plan_id": ids["maintenance_plan"]}),),
        on_record=True,
    ),
    "POST /plans/{kind}/{plan_id}/edit": Row(
        MAINTENANCE,
        (
            post(
                kwargs=lambda ids: {"kind": "maintenance", "plan_id": ids["plan_draft"]},
                data=lambda ids: {"changes": {"every_months": 4}},
            ),
        ),
        on_record=True,
    ),
    "POST /plans/{kind}/{plan_id}/submit": Row(
        MAINTENANCE,
        (post(kwargs=lambda ids: {"kind": "maintenance", "plan_id": ids["plan_draft"]}),),
        on_record=True,
    ),
    "POST /plans/{kind}/{plan_id}/confirm": Row(
        MAINTENANCE,
        (
            post(
                kwargs=lambda ids: {"kind": "maintenance", "plan_id": ids["plan_submitted"]},
                data=lambda ids: {
                    "confirmed_by": "李經理",
                    "signature_png": ids["maintenance_signature"],
                },
            ),
        ),
        on_record=True,
    ),
    "POST /plans/{kind}/{plan_id}/reject": Row(
        MAINTENANCE,
        (
            post(
                kwargs=lambda ids: {"kind": "maintenance", "plan_id": ids["plan_submitted"]},
                data=lambda ids: {"person": "李經理", "reason": "日期不合適"},
            ),
        ),
        on_record=True,
    ),
    "POST /plans/{kind}/{plan_id}/revise": Row(
        MAINTENANCE,
        (
            post(
                kwargs=lambda ids: {"kind": "maintenance", "plan_id": ids["maintenance_plan"]},
                data=lambda ids: {"reason": "業主要求加密", "changes": {"every_months": 2}},
            ),
        ),
        on_record=True,
    ),
    # preventive maintenance (BS-9): branch A's plans and visits; a caller of branch B names
    # A's site in vain (422) and A's plan or visit not at all (404)
    "POST /maintenance-plans": Row(
        MAINTENANCE,
        (
            post(
                data=lambda ids: {
                    "site_id": ids["bs_site"],
                    "system_ids": [ids["bs_system"]],
                    "every_months": 3,
                    "starts_on": TODAY.isoformat(),
                    "ends_on": (TODAY + timedelta(days=300)).isoformat(),
                }
            ),
        ),
        note="branch B cannot name A's site: 422, nothing written",
    ),  # fmt: skip
    "GET /maintenance-plans": Row(MAINTENANCE_READ),
    "GET /maintenance-plans/{plan_id}": Row(
        MAINTENANCE_READ,
        (get(kwargs=lambda ids: {"plan_id": ids["maintenance_plan"]}),),
        on_record=True,
    ),  # fmt: skip
    "GET /maintenance-visits": Row(
        MAINTENANCE_READ,
        (get(query=lambda ids: {"plan_id": ids["maintenance_plan"]}),),
        on_record=True,
    ),  # fmt: skip
    "GET /maintenance-visits/{visit_id}": Row(
        MAINTENANCE_READ,
        (get(kwargs=lambda ids: {"visit_id": ids["maintenance_visit"]}),),
        on_record=True,
    ),  # fmt: skip
    "POST /maintenance-visits/{visit_id}/result": Row(
        MAINTENANCE_FIELD,
        (
            post(
                kwargs=lambda ids: {"visit_id": ids["maintenance_visit"]},
                data=lambda ids: {
                    "items": ids["maintenance_items"],
                    "signed_by": "李經理",
                    "signature_png": ids["maintenance_signature"],
                },
            ),
        ),
        on_record=True,
        note="recorded by the first allowed caller: the others meet the 409",
    ),  # fmt: skip
    "POST /maintenance-visits/{visit_id}/reschedule": Row(
        MAINTENANCE_FIELD,
        (
            post(
                kwargs=lambda ids: {"visit_id": ids["maintenance_visit"]},
                data=body(to=(TODAY + timedelta(days=45)).isoformat(), reason="業主要求"),
            ),
        ),
        on_record=True,
        note="moved by the first allowed caller: the others meet the 422 (already that day)",
    ),  # fmt: skip
    "GET /checklist-templates": Row(MAINTENANCE_FIELD),
    # bills (BS-10): branch A's; supervisors review, issue and credit them
    "GET /bills": Row(BILLS_READ),
    "GET /bills/{bill_id}": Row(
        BILLS_READ, (get(kwargs=lambda ids: {"bill_id": ids["bill"]}),), on_record=True
    ),
    "PATCH /bills/{bill_id}": Row(
        SUPERVISORS,
        (patch(kwargs=lambda ids: {"bill_id": ids["bill"]}, data=body(note="已核對")),),
        on_record=True,
        note="after the first issue the draft is issued: allowed callers meet the 409",
    ),
    "POST /bills/{bill_id}/issue": Row(
        SUPERVISORS,
        (post(kwargs=lambda ids: {"bill_id": ids["bill"]}, data=body()),),
        on_record=True,
        note="issued by the first allowed caller: the others meet the 409",
    ),
    "POST /bills/{bill_id}/withdraw": Row(
        SUPERVISORS,
        (post(kwargs=lambda ids: {"bill_id": ids["bill_to_withdraw"]}, data=body(reason="重複")),),
        on_record=True,
        note="withdrawn by the first allowed caller: the others meet the 409",
    ),  # fmt: skip
    "POST /bills/{bill_id}/credit-notes": Row(
        SUPERVISORS,
        (
            post(
                kwargs=lambda ids: {"bill_id": ids["bill_issued"]},
                data=lambda ids: {
                    "reason": "折讓",
                    "lines": [{"bill_line_id": ids["bill_issued_line"], "amount": "10.00"}],
                },
            ),
        ),
        on_record=True,
    ),  # fmt: skip
    "POST /suspensions": Row(
        SUPERVISORS,
        (
            post(
                data=lambda ids: {
                    "branch_id": ids["branch_a"],
                    "reason": "black_rainstorm",
                    "starts_at": "2026-07-01T08:00:00+08:00",
                }
            ),
        ),
        on_record=True,
        note="the body names branch A: branch B's supervisor is refused by the action",
    ),
    "GET /suspensions": Row(HOTLINE_READ),
    "POST /suspensions/{suspension_id}/end": Row(
        SUPERVISORS,
        (
            post(
                kwargs=lambda ids: {"suspension_id": ids["suspension"]},
                data=body(ends_at="2026-07-01T12:00:00+08:00"),
            ),
        ),
        on_record=True,
    ),
    "GET /coverage": Row(
        BUILDING_READ,
        (
            get(query=lambda ids: {"system_id": ids["contract_system"]}),
            get(query=lambda ids: {"equipment_id": ids["contract_equipment"], "at": "2027-01-01"}),
        ),
        on_record=True,
    ),
    "GET /compliance": Row(SUPERVISORS),
    "GET /reviews": Row(SUPERVISORS),
    "POST /reviews": Row(
        frozenset({SUPERVISOR}),
        (
            post(
                data=lambda ids: {
                    "branch_id": ids["branch_a"],
                    "kind": "monthly",
                    "period": "2026-01",
                }
            ),
        ),
        on_record=True,
        note="DS-11: only the branch's own supervisor writes its review",
    ),
    "GET /reviews/{review_id}": Row(
        SUPERVISORS, (get(kwargs=lambda ids: {"review_id": ids["review"]}),), on_record=True
    ),
    "PATCH /reviews/{review_id}": Row(
        frozenset({SUPERVISOR}),
        (patch(kwargs=lambda ids: {"review_id": ids["review"]}, data=body(summary="準時")),),
        on_record=True,
    ),
    "POST /reviews/{review_id}/finalise": Row(
        frozenset({SUPERVISOR}),
        (post(kwargs=lambda ids: {"review_id": ids["review"]}, data=body(summary="準時")),),
        on_record=True,
    ),
    # sites (building-systems desk)
    "POST /sites": Row(
        SUPERVISORS,
        (post(data=lambda ids: {"customer_id": ids["bs_customer"], "name": "新大樓"}),),
        on_record=True,
    ),
    "GET /sites": Row(BUILDING_READ),
    "GET /sites/{site_id}": Row(
        BUILDING_READ, (get(kwargs=lambda ids: {"site_id": ids["bs_site"]}),), on_record=True
    ),
    "POST /systems": Row(
        SUPERVISORS,
        (post(data=lambda ids: {"site_id": ids["bs_site"], "kind": "bms", "name": "樓控"}),),
        on_record=True,
    ),
    "GET /systems": Row(BUILDING_READ),
    "GET /systems/{system_id}": Row(
        BUILDING_READ, (get(kwargs=lambda ids: {"system_id": ids["bs_system"]}),), on_record=True
    ),
    "POST /equipment": Row(
        SITES_FIELD,
        (post(data=lambda ids: {"system_id": ids["bs_system"], "name": "硬盤錄像機"}),),
        on_record=True,
    ),
    "GET /equipment": Row(BUILDING_READ),
    "GET /equipment/{equipment_id}": Row(
        BUILDING_READ,
        (get(kwargs=lambda ids: {"equipment_id": ids["bs_equipment"]}),),
        on_record=True,
    ),
}

# Monthly service reports: the latest versions and one report's figures (branch A's site).
API.update({
    "GET /monthly-reports": Row(SUPERVISORS),
    "GET /monthly-reports/{report_id}": Row(
        SUPERVISORS,
        (get(kwargs=lambda ids: {"report_id": ids["monthly_report"]}),),
        on_record=True,
    ),
})  # fmt: skip
