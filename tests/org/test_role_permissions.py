"""The role groups' permissions, frozen as they were when each app began declaring its own.

The table moved from one dict in ``org/roles.py`` into every app's ``AppConfig``; this test is
the proof that the move changed no role's rights. Change it together with a declaration, on
purpose, when a role's rights change.
"""

from aftercare.org.roles import role_permissions

EXPECTED = {
    "advisor": {
        "cases.add_raiseditem",
        "cases.change_raiseditem",
        "cases.view_raiseditem",
        "customers.add_customer",
        "customers.add_vehicle",
        "customers.change_customer",
        "customers.change_vehicle",
        "customers.view_customer",
        "customers.view_vehicle",
        "followups.add_call",
        "followups.add_callamendment",
        "followups.change_nextserviceplan",
        "followups.view_call",
        "followups.view_nextserviceplan",
        "messaging.add_optout",
        "obligations.change_obligation",
        "obligations.view_obligation",
        "outreach.add_letter",
        "outreach.add_letteramendment",
        "outreach.change_campaigntarget",
        "outreach.view_campaign",
        "outreach.view_letter",
        "safety.add_clearance",
        "safety.add_inspection",
        "safety.view_place",
        "workshop.add_consultation",
        "workshop.add_repairorder",
        "workshop.change_repairorder",
        "workshop.view_repairorder",
    },
    "followup_advisor": {
        "cases.add_raiseditem",
        "cases.change_raiseditem",
        "cases.view_raiseditem",
        "customers.add_customer",
        "customers.add_vehicle",
        "customers.change_customer",
        "customers.change_vehicle",
        "customers.view_customer",
        "customers.view_vehicle",
        "followups.add_call",
        "followups.add_callamendment",
        "followups.change_nextserviceplan",
        "followups.view_call",
        "followups.view_nextserviceplan",
        "messaging.add_optout",
        "obligations.change_obligation",
        "obligations.view_obligation",
        "outreach.add_letter",
        "outreach.add_letteramendment",
        "outreach.change_campaigntarget",
        "outreach.view_campaign",
        "outreach.view_letter",
        "safety.add_clearance",
        "safety.add_inspection",
        "safety.view_place",
        "workshop.add_consultation",
        "workshop.add_repairorder",
        "workshop.change_repairorder",
        "workshop.view_repairorder",
    },
    "supervisor": {
        "cases.add_raiseditem",
        "cases.change_raiseditem",
        "cases.solve_escalated",
        "cases.view_raiseditem",
        "customers.add_customer",
        "customers.add_vehicle",
        "customers.change_customer",
        "customers.change_vehicle",
        "customers.view_customer",
        "customers.view_vehicle",
        "followups.add_call",
        "followups.add_callamendment",
        "followups.change_nextserviceplan",
        "followups.view_call",
        "followups.view_nextserviceplan",
        "messaging.add_optout",
        "messaging.retry_message",
        "messaging.view_message",
        "obligations.cancel_obligation",
        "obligations.change_obligation",
        "obligations.reassign_obligation",
        "obligations.view_branch_obligations",
        "obligations.view_obligation",
        "org.add_absence",
        "org.change_absence",
        "org.manage_branch_staff",
        "org.view_absence",
        "org.view_user",
        "outreach.add_campaign",
        "outreach.add_letter",
        "outreach.add_letteramendment",
        "outreach.change_campaign",
        "outreach.change_campaigntarget",
        "outreach.view_campaign",
        "outreach.view_letter",
        "paperwork.view_branch_exports",
        "reviews.add_review",
        "reviews.change_review",
        "reviews.finalise_review",
        "reviews.view_review",
        "safety.add_clearance",
        "safety.add_equipment",
        "safety.add_inspection",
        "safety.add_place",
        "safety.add_ragbin",
        "safety.change_equipment",
        "safety.change_place",
        "safety.change_ragbin",
        "safety.view_place",
        "workshop.add_consultation",
        "workshop.add_repairorder",
        "workshop.change_repairorder",
        "workshop.view_repairorder",
    },
    "engineer": {
        "obligations.change_obligation",
        "obligations.view_obligation",
    },
    "training_coordinator": {
        "obligations.change_obligation",
        "obligations.view_obligation",
    },
    "parts_clerk": {
        "obligations.view_obligation",
    },
    "administrator": {
        # Setting the shop up (issue 10): branches and the service-item catalogue.
        "org.add_branch",
        "org.change_branch",
        "workshop.add_serviceitem",
        "workshop.change_serviceitem",
        "workshop.view_serviceitem",
        "cases.add_raiseditem",
        "cases.change_raiseditem",
        "cases.solve_escalated",
        "cases.view_raiseditem",
        "customers.add_customer",
        "customers.add_vehicle",
        "customers.change_customer",
        "customers.change_vehicle",
        "customers.view_customer",
        "customers.view_vehicle",
        "followups.add_call",
        "followups.add_callamendment",
        "followups.change_nextserviceplan",
        "followups.view_call",
        "followups.view_nextserviceplan",
        "messaging.add_optout",
        "messaging.retry_message",
        "messaging.view_message",
        "obligations.cancel_obligation",
        "obligations.change_obligation",
        "obligations.reassign_obligation",
        "obligations.view_all_obligations",
        "obligations.view_branch_obligations",
        "obligations.view_obligation",
        "org.act_in_any_branch",
        "org.add_absence",
        "org.add_user",
        "org.change_absence",
        "org.change_organisation",
        "org.change_user",
        "org.manage_branch_staff",
        "org.view_absence",
        "org.view_user",
        "outreach.add_campaign",
        "outreach.add_letter",
        "outreach.add_letteramendment",
        "outreach.change_campaign",
        "outreach.change_campaigntarget",
        "outreach.view_campaign",
        "outreach.view_letter",
        "paperwork.view_branch_exports",
        "reviews.view_review",
        "safety.add_clearance",
        "safety.add_equipment",
        "safety.add_inspection",
        "safety.add_place",
        "safety.add_ragbin",
        "safety.change_equipment",
        "safety.change_place",
        "safety.change_ragbin",
        "safety.view_place",
        "standard.add_calendarday",
        "standard.add_rulesetting",
        "standard.change_rulesetting",
        "standard.delete_calendarday",
        "standard.view_calendarday",
        "standard.view_rulesetting",
        "workshop.add_consultation",
        "workshop.add_repairorder",
        "workshop.change_repairorder",
        "workshop.view_repairorder",
    },
}

# The building-systems desk (issue 11). Each later app adds its block here.
BUILDING_DESK = {
    "sites": {
        "read": {"sites.view_site", "sites.view_system", "sites.view_equipment"},
        "field": {"sites.add_equipment", "sites.change_equipment"},
        "manage": {
            "sites.add_site",
            "sites.change_site",
            "sites.add_system",
            "sites.change_system",
        },
    },
    "documents": {
        "read": {"documents.view_documentversion"},
        "field": {"documents.add_documentversion"},
    },
    "contracts": {
        "read": {"contracts.view_contract", "contracts.view_servicecalendar"},
        "manage": {
            "contracts.add_contract",
            "contracts.sign_contract",
            "contracts.add_servicecalendar",
        },
    },
    "servicedesk": {
        "read": {"servicedesk.view_ticket", "servicedesk.view_suspension"},
        "field": {"servicedesk.add_ticket", "servicedesk.work_ticket"},
        "manage": {
            "servicedesk.dispatch_ticket",
            "servicedesk.add_suspension",
            "servicedesk.view_hotlinesettings",
            "servicedesk.change_hotlinesettings",
        },
    },
}
for _app, _levels in BUILDING_DESK.items():
    for _role, _granted in {
        "supervisor": ("read", "field", "manage"),
        "administrator": ("read", "field", "manage"),
        "engineer": ("read", "field"),
        "training_coordinator": ("read",),
        "parts_clerk": ("read",),
    }.items():
        for _level in _granted:
            EXPECTED[_role] |= _levels.get(_level, set())


# Spare parts and bills (issue 13): the parts clerk keeps the store; engineers reserve and fit
# parts; supervisors and administrators do both and bill; only administrators set the labour
# fee and the letterhead.
_PARTS_READ = {"parts.view_part", "parts.view_stockmovement", "parts.view_reservation"}
_PARTS_FIELD = {"parts.add_reservation", "parts.add_installation"}
_PARTS_STORE = {
    "parts.add_part", "parts.change_part", "parts.add_stockmovement", "parts.view_installation",
}  # fmt: skip
_BILLS_READ = {"billing.view_bill", "billing.view_creditnote"}
_BILLS_MANAGE = {"billing.change_bill", "billing.issue_bill", "billing.view_billingsettings"}
EXPECTED["parts_clerk"] |= _PARTS_READ | _PARTS_FIELD | _PARTS_STORE | _BILLS_READ
EXPECTED["engineer"] |= _PARTS_READ | _PARTS_FIELD
for _role in ("supervisor", "administrator"):
    EXPECTED[_role] |= _PARTS_READ | _PARTS_FIELD | _PARTS_STORE | _BILLS_READ | _BILLS_MANAGE
EXPECTED["administrator"] |= {"billing.change_billingsettings"}

# Owner training (BS-1…BS-3, BS-11): training coordinators, supervisors and administrators
# manage trainees, plans, sessions and assessments; engineers read them.
_TRAINING_READ = {
    "training.view_trainee", "training.view_trainingplan", "training.view_trainingsession",
    "training.view_assessment",
}  # fmt: skip
_TRAINING_MANAGE = {
    "training.add_trainee", "training.change_trainee", "training.add_trainingplan",
    "training.change_trainingplan", "training.add_trainingsession", "training.add_assessment",
}  # fmt: skip
for _role in ("training_coordinator", "supervisor", "administrator"):
    EXPECTED[_role] |= _TRAINING_READ | _TRAINING_MANAGE
EXPECTED["engineer"] |= _TRAINING_READ

# Preventive maintenance (BS-9): supervisors and administrators manage plans and checklists;
# engineers record and move visits and read the checklists; coordinators and clerks read plans.
_MAINTENANCE_READ = {"maintenance.view_maintenanceplan", "maintenance.view_maintenancevisit"}
_MAINTENANCE_FIELD = {"maintenance.change_maintenancevisit", "maintenance.record_visit"}
_MAINTENANCE_MANAGE = {
    "maintenance.add_maintenanceplan", "maintenance.change_maintenanceplan",
    "maintenance.change_checklisttemplate",
}  # fmt: skip
for _role in ("supervisor", "administrator"):
    EXPECTED[_role] |= _MAINTENANCE_READ | _MAINTENANCE_FIELD | _MAINTENANCE_MANAGE
    EXPECTED[_role] |= {"maintenance.view_checklisttemplate"}
EXPECTED["engineer"] |= _MAINTENANCE_READ | _MAINTENANCE_FIELD
EXPECTED["engineer"] |= {"maintenance.view_checklisttemplate"}
for _role in ("training_coordinator", "parts_clerk"):
    EXPECTED[_role] |= _MAINTENANCE_READ

# Monthly service reports: supervisors and administrators read, generate and follow batches.
for _role in ("supervisor", "administrator"):
    EXPECTED[_role] |= {
        "servicereports.view_monthlyreport", "servicereports.generate_monthlyreport",
        "servicereports.view_reportrun",
    }  # fmt: skip

# The owner's portal: supervisors and administrators invite owners' contacts and revoke
# invitations; the owner's own role holds no permission at all (its reads are its customer's).
for _role in ("supervisor", "administrator"):
    EXPECTED[_role] |= {
        "portal.view_ownerinvitation", "portal.add_ownerinvitation",
        "portal.change_ownerinvitation",
    }  # fmt: skip


def test_every_role_keeps_exactly_its_permissions():
    merged = {role: set(names) for role, names in role_permissions().items()}
    assert merged == EXPECTED


def test_no_app_grants_a_permission_twice_to_one_role():
    for role, names in role_permissions().items():
        assert len(names) == len(set(names)), role
