"""Login brute-force protection (django-axes): five wrong passwords for one username from one
address lock that pair out for a while, with a message on the login page in the reader's
language; a successful login starts the count afresh; API tokens are never locked out."""

import os
import subprocess
import sys

import pytest
from django.test import Client

from aftercare.org.actions import create_api_token
from tests.factories import UserFactory

PASSWORD = "the-right-password-42"
LOCKED_EN = "Too many failed logins for this username from this computer."


@pytest.fixture
def alice(db):
    user = UserFactory(username="alice", roles=["advisor"])
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client: Client, password: str, username: str = "alice", **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_fifth_wrong_password_locks_and_then_the_right_one_is_refused(client, alice, settings):
    for _ in range(4):
        response = attempt(client, "wrong")
        assert response.status_code == 200
        assert b"Wrong username or password" in response.content
    response = attempt(client, "wrong")
    assert response.status_code == 429
    assert LOCKED_EN in response.content.decode()

    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED_EN in page
    assert "15 minutes" in page
    assert 'name="password"' in page  # the login page itself, not a bare text
    assert 'value="alice"' in page
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hant", "登入失敗次數過多"), ("zh-hans", "登录失败次数过多")],
)
def test_lockout_message_is_translated(client, alice, language, expected):
    client.cookies["django_language"] = language
    for _ in range(5):
        response = attempt(client, "wrong")
    assert response.status_code == 429
    assert expected in response.content.decode()


def test_a_successful_login_resets_the_count(client, alice):
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200
    assert attempt(client, PASSWORD).status_code == 302


def test_lockout_is_per_username_and_address(client, alice):
    """A colleague at the same desk, or the same user elsewhere, is not locked out."""
    bob = UserFactory(username="bob", roles=["advisor"])
    bob.set_password(PASSWORD)
    bob.save()
    for _ in range(5):
        attempt(client, "wrong")
    assert attempt(Client(), PASSWORD, username="bob").status_code == 302
    assert attempt(Client(), PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 302
    assert attempt(Client(), PASSWORD).status_code == 429


def test_limit_and_cool_off_come_from_the_environment(tmp_path):
    env = {
        **os.environ,
        "AFTERCARE_HOME": str(tmp_path),
        "AFTERCARE_LOGIN_FAILURE_LIMIT": "3",
        "AFTERCARE_LOGIN_COOLOFF_MINUTES": "60",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    result = subprocess.run(
        [sys.executable, "-m", "aftercare.cli", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.splitlines()[-1].split() == ["3", "1:00:00"], result.stderr


def test_bearer_token_works_while_the_login_is_locked(client, alice):
    token = create_api_token(alice, name="integration")
    for _ in range(5):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 429
    response = Client().get("/api/v1/worklist", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
