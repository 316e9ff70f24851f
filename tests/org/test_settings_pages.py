"""Administrators set the shop up in the pages: branches, staff, the service-item catalogue."""

import pytest
from django.core import mail

from aftercare.org.models import Branch, User
from aftercare.workshop.models import ServiceItem
from tests.factories import PASSWORD, ServiceItemFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-Secret-2026"


def can_log_in(client, username: str, password: str) -> bool:
    """Through the login form, as a person would (django-axes wants the request)."""
    client.logout()
    client.post("/accounts/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


def staff_form(desk, **overrides):
    return {
        "username": "dora", "display_name": "朵拉", "email": "dora@example.test",
        "branch": desk.branch_a.pk, "roles": ["advisor", "followup_advisor"],
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **overrides,
    }  # fmt: skip


def test_administrator_creates_a_branch_and_renames_it(client, desk):
    client.force_login(desk.ada)
    response = client.post(
        "/settings/branches/",
        {"code": "east", "name": "東區店", "runs_dealership": "on"},
        follow=True,
    )
    assert "Branch 東區店 created." in response.content.decode()
    east = Branch.objects.get(organisation=desk.org, code="east")
    client.post(f"/settings/branches/{east.pk}/", {"name": "東區旗艦店", "runs_dealership": "on"})
    east.refresh_from_db()
    assert east.name == "東區旗艦店"
    assert [h.history_user for h in east.history.order_by("history_date")] == [desk.ada, desk.ada]


def test_a_taken_branch_code_is_a_form_error_and_writes_nothing(client, desk):
    client.force_login(desk.ada)
    response = client.post("/settings/branches/", {"code": "a", "name": "重複"})
    assert response.status_code == 200
    assert "Another branch already has this code." in response.content.decode()
    assert Branch.objects.filter(organisation=desk.org).count() == 2


def test_administrator_creates_an_advisor_who_can_log_in(client, desk):
    client.force_login(desk.ada)
    response = client.post("/settings/staff/new/", staff_form(desk), follow=True)
    assert "朵拉 can now log in as “dora”." in response.content.decode()
    dora = User.objects.get(username="dora")
    assert (dora.organisation, dora.branch) == (desk.org, desk.branch_a)
    assert dora.role_codes == ["advisor", "followup_advisor"]
    client.logout()
    assert can_log_in(client, "dora", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"password1": "12345678", "password2": "12345678"}, "password1", "too common"),
        ({"password2": "something-else-2026"}, "password2", "The two passwords differ."),
        ({"username": "alice"}, "username", "This username is taken."),
        ({"branch": ""}, "branch", "Staff other than administrators work in a branch"),
        ({"roles": []}, "roles", "This field is required."),
    ],
)
def test_bad_staff_input_is_shown_on_the_form_and_writes_nothing(client, desk, change, field,
                                                                 message):  # fmt: skip
    client.force_login(desk.ada)
    before = User.objects.count()
    response = client.post("/settings/staff/new/", staff_form(desk, **change))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in text for text in errors.get(field, [])), errors
    assert User.objects.count() == before


def test_roles_and_branch_change_and_stay_in_the_history(client, desk):
    client.force_login(desk.ada)
    data = {"display_name": "Alice", "branch": desk.branch_b.pk, "roles": ["supervisor"]}
    client.post(f"/settings/staff/{desk.alice.pk}/", data)
    alice = User.objects.get(pk=desk.alice.pk)
    assert (alice.branch, alice.role_codes) == (desk.branch_b, ["supervisor"])
    latest = alice.history.latest()
    assert latest.history_user == desk.ada
    assert [g.group.name for g in latest.groups.all()] == ["supervisor"]
    page = client.get(f"/settings/staff/{alice.pk}/").content.decode()
    assert 'id="staff-history"' in page


def test_deactivated_staff_cannot_log_in_until_reactivated(client, desk):
    client.force_login(desk.ada)
    client.post(f"/settings/staff/{desk.bob.pk}/active/", {"active": "0"})
    assert not User.objects.get(pk=desk.bob.pk).is_active
    assert "bob can no longer log in." in client.get("/settings/staff/").content.decode()
    client.logout()
    assert not can_log_in(client, "bob", PASSWORD)
    client.force_login(desk.ada)
    client.post(f"/settings/staff/{desk.bob.pk}/active/", {"active": "1"})
    assert can_log_in(client, "bob", PASSWORD)


def test_an_administrator_cannot_lock_themselves_out(client, desk):
    client.force_login(desk.ada)
    response = client.post(f"/settings/staff/{desk.ada.pk}/active/", {"active": "0"}, follow=True)
    assert "You cannot deactivate your own account." in response.content.decode()
    data = {"display_name": "Ada", "branch": "", "roles": ["supervisor"]}
    response = client.post(f"/settings/staff/{desk.ada.pk}/", data)
    assert "You cannot take the administrator role from yourself." in response.content.decode()
    ada = User.objects.get(pk=desk.ada.pk)
    assert ada.is_active and ada.role_codes == ["administrator"]


def test_administrator_sets_a_new_password(client, desk):
    client.force_login(desk.ada)
    client.post(
        f"/settings/staff/{desk.bob.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert User.objects.get(pk=desk.bob.pk).check_password(NEW_PASSWORD)


def test_staff_of_another_organisation_are_not_found(client, desk):
    stranger = UserFactory(username="stranger")
    client.force_login(desk.ada)
    assert client.get(f"/settings/staff/{stranger.pk}/").status_code == 404
    response = client.post(f"/settings/staff/{stranger.pk}/active/", {"active": "0"})
    assert response.status_code == 404
    assert User.objects.get(pk=stranger.pk).is_active


def test_the_supervisor_reads_their_branch_staff_but_cannot_manage(client, desk):
    client.force_login(desk.sam)
    page = client.get("/settings/staff/").content.decode()
    assert 'data-username="alice"' in page and 'data-username="carol"' not in page
    assert "/settings/staff/new/" not in page
    assert client.post("/settings/staff/new/", staff_form(desk)).status_code == 403
    assert not User.objects.filter(username="dora").exists()


def test_service_items_are_created_edited_and_deactivated(client, desk):
    client.force_login(desk.ada)
    client.post(
        "/settings/service-items/", {"code": "oil", "name": "換機油", "kind": "maintenance"}
    )
    item = ServiceItem.objects.get(organisation=desk.org, code="oil")
    data = {"code": "oil", "name": "換機油及濾芯", "kind": "maintenance"}  # "active" unticked
    client.post(f"/settings/service-items/{item.pk}/", data)
    item.refresh_from_db()
    assert (item.name, item.active) == ("換機油及濾芯", False)
    assert item.history.count() == 2


def test_a_service_item_code_is_unique_in_the_organisation_only(client, desk):
    ServiceItemFactory(organisation=desk.org, code="oil")
    elsewhere = ServiceItemFactory(code="tyres")  # another organisation may use any code
    client.force_login(desk.ada)
    response = client.post(
        "/settings/service-items/", {"code": "oil", "name": "重複", "kind": "maintenance"}
    )
    assert "Another service item already has this code." in response.content.decode()
    client.post("/settings/service-items/", {"code": "tyres", "name": "輪胎", "kind": "repair"})
    assert ServiceItem.objects.filter(code="tyres").count() == 2
    assert client.get(f"/settings/service-items/{elsewhere.pk}/").status_code == 404


def test_the_menu_shows_the_organisation_pages_to_administrators_only(client, desk):
    client.force_login(desk.ada)
    page = client.get("/work/").content.decode()
    for url in ("/settings/staff/", "/settings/branches/", "/settings/service-items/"):
        assert url in page
    client.force_login(desk.alice)
    page = client.get("/work/").content.decode()
    assert "/settings/branches/" not in page and "/settings/service-items/" not in page


# ------------------------------------------------------------------------ one's own password


def test_everyone_changes_their_own_password(client, desk):
    client.force_login(desk.alice)
    assert "/accounts/password/" in client.get("/work/").content.decode()
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password was changed." in response.content.decode()
    assert User.objects.get(pk=desk.alice.pk).check_password(NEW_PASSWORD)


def test_a_wrong_old_password_changes_nothing(client, desk):
    client.force_login(desk.alice)
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert User.objects.get(pk=desk.alice.pk).check_password(PASSWORD)


def test_reset_by_email_sends_a_link_in_the_language_of_the_request(client, desk):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    client.post("/accounts/password/reset/", {"email": "alice@example.test"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.test"]
    assert "重置" in message.subject + message.body  # Django's own zh-hans wording
    link = next(word for word in message.body.split() if "/accounts/password/reset/" in word)
    path = link.split("testserver", 1)[1]
    page = client.get(path, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else path
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert User.objects.get(pk=desk.alice.pk).check_password(NEW_PASSWORD)


def test_without_mail_the_reset_page_says_to_ask_an_administrator(client, desk, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    page = client.get("/accounts/password/reset/").content.decode()
    assert "This server does not send e-mail." in page
    client.post("/accounts/password/reset/", {"email": "alice@example.test"})
    assert mail.outbox == []


# -------------------------------------------------------- users without an organisation; admin


def test_a_user_without_an_organisation_gets_a_clear_page_not_a_500(client):
    root = User.objects.create_superuser("root", "root@example.test", PASSWORD)
    client.force_login(root)
    for url in ("/settings/standard/", "/work/", "/customers/", "/settings/staff/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Your account is not attached to an organisation" in response.content.decode()
        assert "aftercare setup" in response.content.decode()
    assert client.get("/admin/").status_code == 200


def test_the_django_admin_works_for_superusers_with_archives_read_only(client, desk):
    from aftercare.followups.actions import record_call

    call = record_call(desk.branch_a.customers.create(name="客"), by=desk.alice,
                       direction="out", purpose="other")  # fmt: skip
    root = User.objects.create_superuser("root", "root@example.test", PASSWORD)
    client.force_login(root)
    for url in ("/admin/", "/admin/org/user/", "/admin/org/branch/", "/admin/workshop/serviceitem/",
                "/admin/followups/call/", f"/admin/org/user/{desk.alice.pk}/history/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/followups/call/{call.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert (
        client.post(f"/admin/followups/call/{call.pk}/delete/", {"post": "yes"}).status_code == 403
    )


def test_the_administrator_role_is_pointed_to_the_settings_pages_by_the_admin(client, desk):
    client.force_login(desk.ada)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    page = response.content.decode()
    assert "The Django admin is for the people who run the server" in page
    assert "/settings/staff/" in page
    assert 'id="django-admin"' not in client.get("/work/").content.decode()


def test_every_admin_page_lists_and_history_cannot_be_rolled_back(client, desk):
    from django.contrib import admin

    root = User.objects.create_superuser("root", "root@example.test", PASSWORD)
    client.force_login(root)
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
    version = desk.alice.history.earliest()
    url = f"/admin/org/user/{desk.alice.pk}/history/{version.history_id}/"
    assert client.get(url).status_code == 200
    before = desk.alice.history.count()
    assert client.post(url, {"username": "renamed"}).status_code == 403
    assert desk.alice.history.count() == before
