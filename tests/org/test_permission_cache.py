"""Permissions are read once and cached between requests (org/permissions.py): the cache must
never answer for somebody else, nor for the same person before their roles changed."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftercare.obligations.actions import open_obligation
from aftercare.org.backends import StaffBackend
from aftercare.org.models import ApiToken, Organisation, User
from aftercare.org.permissions import cache_key
from tests.factories import BranchFactory, CustomerFactory, OrganisationFactory, UserFactory

VIEW_STAFF = "org.view_user"


def as_a_request_reads_it(user: User) -> User:
    """The user object a new request gets: read afresh, nothing held from before."""
    loaded = StaffBackend().get_user(user.pk)
    assert loaded is not None
    return loaded


def test_two_users_asking_in_turn_each_get_their_own_permissions(desk, client):
    staff_page = "/settings/staff/"
    for _round in range(3):
        client.force_login(desk.sam)  # supervisor: reads the branch's staff list
        assert client.get(staff_page).status_code == 200
        client.force_login(desk.alice)  # advisor: may not
        assert client.get(staff_page).status_code == 403
    sam, alice = as_a_request_reads_it(desk.sam), as_a_request_reads_it(desk.alice)
    assert sam.has_perm(VIEW_STAFF) and not alice.has_perm(VIEW_STAFF)
    assert cache.get(cache_key(sam)) != cache.get(cache_key(alice))


def test_the_second_request_reads_no_permission_statement(desk):
    as_a_request_reads_it(desk.sam).has_perm(VIEW_STAFF)  # the first one fills the cache
    again = as_a_request_reads_it(desk.sam)
    with CaptureQueriesContext(transaction.get_connection()) as captured:
        assert again.has_perm(VIEW_STAFF)
        assert again.role_codes == ["supervisor"]
    assert captured.captured_queries == []


def test_a_role_change_is_seen_at_once_although_the_old_set_is_still_cached(desk):
    before = as_a_request_reads_it(desk.alice)
    assert not before.has_perm(VIEW_STAFF)
    old_key = cache_key(before)
    # Another process (here: another object) gives alice the supervisor's role.
    elsewhere = User.objects.get(pk=desk.alice.pk)
    elsewhere.groups.add(Group.objects.get(name="supervisor"))
    assert cache.get(old_key) is not None  # nobody could clear every process's cache
    after = as_a_request_reads_it(desk.alice)
    assert cache_key(after) != old_key
    assert after.has_perm(VIEW_STAFF)
    assert "supervisor" in after.role_codes


def test_a_copy_read_before_the_change_and_saved_after_does_not_bring_the_old_set_back(desk):
    stale = User.objects.get(pk=desk.alice.pk)
    as_a_request_reads_it(desk.alice).has_perm(VIEW_STAFF)
    User.objects.get(pk=desk.alice.pk).groups.set([Group.objects.get(name="supervisor")])
    stale.display_name = "王小美"
    stale.save()  # writes the name, not the key it read before the change
    after = as_a_request_reads_it(desk.alice)
    assert after.display_name == "王小美"
    assert after.has_perm(VIEW_STAFF)


def test_a_change_of_a_roles_permissions_reaches_every_member(desk):
    view_staff = Permission.objects.get(codename="view_user", content_type__app_label="org")
    supervisors = Group.objects.get(name="supervisor")
    for user in (desk.sam, desk.sue):
        assert as_a_request_reads_it(user).has_perm(VIEW_STAFF)
    supervisors.permissions.remove(view_staff)
    assert not any(as_a_request_reads_it(u).has_perm(VIEW_STAFF) for u in (desk.sam, desk.sue))
    view_staff.group_set.add(supervisors)  # from the permission's side
    assert all(as_a_request_reads_it(u).has_perm(VIEW_STAFF) for u in (desk.sam, desk.sue))


def test_a_rolled_back_administrator_lends_nothing_to_the_next_user_of_the_same_id(desk):
    """SQLite hands a rolled-back row's id to the next row: the key must still differ."""
    branch = desk.branch_a
    with pytest.raises(RuntimeError), transaction.atomic():
        boss = UserFactory(username="boss", branch=branch, roles=["administrator"])
        assert as_a_request_reads_it(boss).has_perm("org.act_in_any_branch")  # now cached
        boss_id = boss.pk
        raise RuntimeError("rolled back")
    newcomer = UserFactory(username="newcomer", branch=branch, roles=["advisor"])
    loaded = as_a_request_reads_it(newcomer)
    assert not loaded.has_perm("org.act_in_any_branch")
    assert loaded.role_codes == ["advisor"]
    assert newcomer.pk >= boss_id  # (equal on SQLite, larger on PostgreSQL)


def test_an_inactive_user_holds_no_permission_whatever_is_cached(desk):
    assert as_a_request_reads_it(desk.sam).has_perm(VIEW_STAFF)
    User.objects.filter(pk=desk.sam.pk).update(is_active=False)
    assert StaffBackend().get_user(desk.sam.pk) is None  # no session survives
    sam = User.objects.get(pk=desk.sam.pk)
    assert not sam.has_perm(VIEW_STAFF)


# Statements of an API request: what the answer needs, plus at most three of its own.


def token_for(user: User, *, used: bool = True) -> str:
    raw, prefix, digest = ApiToken.generate()
    ApiToken.objects.create(
        user=user, prefix=prefix, digest=digest, last_used_at=timezone.now() if used else None
    )
    return raw


def work_for(desk, n: int = 3) -> None:
    customer = CustomerFactory(branch=desk.branch_a, name="陳先生")
    for day in range(n):
        open_obligation(
            "DS-1", branch=desk.branch_a, owner=desk.alice, customer=customer,
            event_at=timezone.now() + timedelta(days=day), title=f"第{day}件",
        )  # fmt: skip


def test_a_worklist_request_with_a_token_is_three_statements(desk, client):
    work_for(desk)
    raw = token_for(desk.alice)
    headers = {"Authorization": f"Bearer {raw}"}
    client.get("/api/v1/worklist", headers=headers)  # statements compiled, caches warm
    with CaptureQueriesContext(transaction.get_connection()) as captured:
        response = client.get("/api/v1/worklist", headers=headers)
    assert response.status_code == 200 and response.json()["count"] == 3
    # The token with its user (1), who stands in for whom (1), the page with its length (1).
    assert len(captured.captured_queries) == 3, [q["sql"][:80] for q in captured]


def test_a_token_not_used_for_a_minute_is_marked_used_once(desk, client):
    raw = token_for(desk.alice, used=False)
    headers = {"Authorization": f"Bearer {raw}"}
    client.get("/api/v1/worklist", headers=headers)
    first = ApiToken.objects.get(user=desk.alice).last_used_at
    assert first is not None
    with CaptureQueriesContext(transaction.get_connection()) as captured:
        client.get("/api/v1/worklist", headers=headers)
    assert not any(q["sql"].startswith("UPDATE") for q in captured.captured_queries)
    assert ApiToken.objects.get(user=desk.alice).last_used_at == first


def test_a_worklist_request_with_a_session_is_four_statements(desk, client):
    work_for(desk)
    client.force_login(desk.alice)
    client.get("/api/v1/worklist")
    with CaptureQueriesContext(transaction.get_connection()) as captured:
        response = client.get("/api/v1/worklist")
    assert response.status_code == 200 and response.json()["count"] == 3
    # The session (1) and its user (1) — no permission statement —, then the answer (2).
    assert len(captured.captured_queries) == 4, [q["sql"][:80] for q in captured]


def test_a_token_request_answers_in_the_token_owners_time_zone(db, client):
    """The time zone middleware runs before the token is read: the answer still shows the
    organisation's offset, not the server's default (Asia/Shanghai)."""
    org: Organisation = OrganisationFactory(name="Harbour Ltd", time_zone="UTC")
    branch = BranchFactory(organisation=org, code="h1")
    owner = UserFactory(username="uma", branch=branch, roles=["advisor", "followup_advisor"])
    open_obligation(
        "DS-1", branch=branch, owner=owner, customer=CustomerFactory(branch=branch),
        event_at=timezone.now(), title="x",
    )  # fmt: skip
    response = client.get(
        "/api/v1/worklist", headers={"Authorization": f"Bearer {token_for(owner)}"}
    )
    assert response.json()["items"][0]["due_at"].endswith("+00:00")


def test_the_menu_follows_a_role_change_and_a_change_of_the_branchs_desks(desk, client):
    """The menu's layout is kept per user between requests: a new role, or a desk the
    branch starts or stops running, shows on the very next page."""

    def menu_urls() -> set[str]:
        response = client.get("/work/")
        assert response.status_code == 200
        urls = set()
        for item in response.context["menu"]:
            urls |= {child["url"] for child in item.get("children", [])} or {item["url"]}
        return urls

    client.force_login(desk.alice)
    before = menu_urls()
    assert "/settings/staff/" not in before and "/customers/" in before
    assert menu_urls() == before  # the kept layout
    User.objects.get(pk=desk.alice.pk).groups.add(Group.objects.get(name="supervisor"))
    assert "/settings/staff/" in menu_urls()
    desk.branch_a.runs_building_systems = True
    desk.branch_a.save()
    assert "/sites/" in menu_urls()
    client.force_login(desk.bob)  # another advisor of the same branch: his own roles
    assert "/settings/staff/" not in menu_urls()
