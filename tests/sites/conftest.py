"""A building-systems desk: two branches of an ELV integrator (Asia/Shanghai) with named staff
and a company owner in each (made through the customer actions)."""

from dataclasses import dataclass

import pytest

from aftercare.customers import actions as customers
from tests.factories import BranchFactory, OrganisationFactory, UserFactory


@dataclass
class Building:
    org: object
    branch_a: object
    branch_b: object
    vera: object  # supervisor, branch A
    eric: object  # engineer, branch A
    tina: object  # training coordinator, branch A
    walt: object  # supervisor, branch B
    ada: object  # administrator
    owner_a: object  # company customer of branch A
    owner_b: object  # company customer of branch B
    person_a: object  # a person customer of branch A


@pytest.fixture
def building(db) -> Building:
    org = OrganisationFactory(name="華東弱電", time_zone="Asia/Shanghai")
    desks = {"runs_dealership": False, "runs_building_systems": True}
    a = BranchFactory(organisation=org, code="elv-a", name="弱電工程部", **desks)
    b = BranchFactory(organisation=org, code="elv-b", name="弱電二部", **desks)
    vera = UserFactory(username="vera", branch=a, roles=["supervisor"])
    walt = UserFactory(username="walt", branch=b, roles=["supervisor"])
    return Building(
        org=org,
        branch_a=a,
        branch_b=b,
        vera=vera,
        eric=UserFactory(username="eric", branch=a, roles=["engineer"]),
        tina=UserFactory(username="tina", branch=a, roles=["training_coordinator"]),
        walt=walt,
        ada=UserFactory(username="ada", branch=None, organisation=org, roles=["administrator"]),
        owner_a=customers.create_customer(
            branch=a, by=vera, kind="company", name="上海浦江置業有限公司", phones=["021-63001234"]
        ),
        owner_b=customers.create_customer(
            branch=b, by=walt, kind="company", name="杭州西湖醫院", phones=["0571-87001234"]
        ),
        person_a=customers.create_customer(branch=a, by=vera, kind="person", name="錢小明"),
    )
