"""Log in and out, the language switcher and the menu."""

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_then_my_work(client, desk):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/work/"
    assert b"section-overdue" in response.content


def test_wrong_password_is_refused_with_a_clear_message(client, desk):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Wrong username or password. Please try again." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_login(client):
    response = client.get("/work/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_logout_is_a_post(client, desk):
    client.force_login(desk.alice)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_menu_shows_only_what_the_role_may_open(client, desk):
    client.force_login(desk.alice)
    page = client.get("/work/").content.decode()
    assert "/settings/standard/" not in page
    assert "/work/obligations/" not in page
    client.force_login(desk.ada)
    page = client.get("/work/").content.decode()
    assert "/settings/standard/" in page and "/work/obligations/" in page


def test_language_switcher_on_every_page_sets_the_language(client, desk):
    client.force_login(desk.alice)
    page = client.get("/work/").content.decode()
    assert 'id="language-select"' in page
    # <html lang> in BCP 47 (zh-Hant), not Django's lower-case code: screen readers and
    # translation tools read the script subtag.
    for code, lang in (("zh-hans", "zh-Hans"), ("en", "en"), ("zh-hant", "zh-Hant")):
        client.post("/i18n/setlang/", {"language": code, "next": "/work/"})
        assert f'<html lang="{lang}">' in client.get("/work/").content.decode()
