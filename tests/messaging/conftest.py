"""A real SMTP server (aiosmtpd) and a real HTTP SMS gateway, both on 127.0.0.1, per test."""

import json
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from aftercare.customers import actions as customers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps every message the server accepted."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append({"from": envelope.mail_from, "to": envelope.rcpt_tos, "mail": parsed})
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """Point Django's SMTP backend at a local server for the test."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "service@beifeng.test"
    yield inbox
    controller.stop()


@dataclass
class Gateway:
    """What the fake provider received, and the status codes it answers with, in turn."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)


@pytest.fixture
def sms_gateway(settings):
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            gateway.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
            )
            status = gateway.statuses.pop(0) if gateway.statuses else 200
            if 200 <= status < 300:
                answer = {"result": {"message_id": f"sms-{len(gateway.requests)}"}}
            else:
                answer = {"error": "provider unavailable"}
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/v1/sms"
    settings.AFTERCARE_SMS_BACKEND = "http"
    settings.AFTERCARE_SMS_URL = gateway.url
    settings.AFTERCARE_SMS_TOKEN = "secret-token"
    settings.AFTERCARE_SMS_BODY_TEMPLATE = (
        '{"sender": "BEIFENG", "messages": [{"mobile": "{to}", "content": "{text}"}]}'
    )
    settings.AFTERCARE_SMS_ID_KEY = "result.message_id"
    settings.AFTERCARE_SMS_TIMEOUT = 5
    yield gateway
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _delivery_defaults(settings, tmp_path):
    """Known retry settings and quiet hours, whatever the environment says."""
    settings.AFTERCARE_MESSAGE_MAX_ATTEMPTS = 4
    settings.AFTERCARE_MESSAGE_BACKOFF_MINUTES = [1, 5, 25]
    settings.AFTERCARE_QUIET_HOURS = "21:00-08:00"
    settings.AFTERCARE_SMS_BACKEND = "file"
    settings.AFTERCARE_SMS_LOG = str(tmp_path / "sms.log")
    settings.AFTERCARE_MAINTENANCE_MESSAGES = True
    settings.AFTERCARE_MAINTENANCE_LEAD_DAYS = 7


@pytest.fixture
def zhang(desk):
    """A customer of branch A who agreed to SMS and has an e-mail address."""
    return customers.create_customer(
        branch=desk.branch_a, by=desk.alice, name="張三", phones=["13800138000"],
        email="zhang@example.test", consents_to_sms=True, followup_advisor=desk.alice,
    )  # fmt: skip
