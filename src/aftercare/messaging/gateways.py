"""SMS gateways: one small interface, a generic HTTP JSON gateway and the embedded file log.

A gateway either returns the provider's id for the message or raises `DeliveryError`; the
caller records the outcome and decides about retries.
"""

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests
from django.conf import settings
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """The message did not go out; `str(error)` is what the supervisor reads."""


class SmsGateway(ABC):
    """Send one text to one number; return the provider's id (may be empty)."""

    name = "base"

    @abstractmethod
    def send(self, to: str, text: str) -> str:
        """Deliver `text` to `to` or raise DeliveryError."""

    def describe(self) -> dict[str, str]:
        """What the settings page shows (never secrets)."""
        return {"backend": self.name}


@dataclass
class FileGateway(SmsGateway):
    """The embedded default: one JSON line per SMS in $AFTERCARE_HOME/var/sms.log."""

    path: str
    name = "file"

    def send(self, to: str, text: str) -> str:
        sent_at = datetime.now(UTC).isoformat()
        line = json.dumps({"at": sent_at, "to": to, "text": text}, ensure_ascii=False)
        try:
            with Path(self.path).open("a", encoding="utf-8") as log:
                log.write(line + "\n")
        except OSError as error:
            raise DeliveryError(f"cannot write {self.path}: {error}") from error
        return f"file:{sent_at}"

    def describe(self) -> dict[str, str]:
        return {"backend": self.name, "path": self.path}


def fill(template, values: dict[str, str]):
    """Put the values into every string of a parsed JSON template (so escaping stays right)."""
    if isinstance(template, str):
        for key, value in values.items():
            template = template.replace("{" + key + "}", value)
        return template
    if isinstance(template, list):
        return [fill(item, values) for item in template]
    if isinstance(template, dict):
        return {key: fill(item, values) for key, item in template.items()}
    return template


def dig(data, dotted: str):
    """`data["a"]["b"]` for "a.b"; None when a step is missing."""
    for part in dotted.split(".") if dotted else []:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


@dataclass
class HttpJsonGateway(SmsGateway):
    """Any provider with a JSON HTTP API: success is a 2xx, the id is read from `id_key`."""

    url: str
    method: str = "POST"
    token: str = ""
    auth_header: str = "Authorization"
    auth_scheme: str = "Bearer"
    headers: dict | None = None
    body_template: str = '{"to": "{to}", "text": "{text}"}'
    id_key: str = "id"
    timeout: float = 10.0
    name = "http"

    def send(self, to: str, text: str) -> str:
        body = fill(json.loads(self.body_template), {"to": to, "text": text})
        headers = {"Content-Type": "application/json", **(self.headers or {})}
        if self.token:
            scheme = f"{self.auth_scheme} " if self.auth_scheme else ""
            headers[self.auth_header] = scheme + self.token
        try:
            response = requests.request(
                self.method, self.url, json=body, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise DeliveryError(f"{type(error).__name__}: {error}"[:500]) from error
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"HTTP {response.status_code}: {response.text[:300]}")
        try:
            provider_id = dig(response.json(), self.id_key)
        except ValueError:
            provider_id = None
        return "" if provider_id is None else str(provider_id)

    def describe(self) -> dict[str, str]:
        return {
            "backend": self.name,
            "url": self.url,
            "method": self.method,
            "token": "••••" if self.token else "",
            "id_key": self.id_key,
        }


def configured_gateway() -> SmsGateway:
    """The gateway the settings name (AFTERCARE_SMS_*)."""
    backend = settings.AFTERCARE_SMS_BACKEND
    if backend == "file":
        return FileGateway(path=settings.AFTERCARE_SMS_LOG)
    if backend == "http":
        return HttpJsonGateway(
            url=settings.AFTERCARE_SMS_URL,
            method=settings.AFTERCARE_SMS_METHOD,
            token=settings.AFTERCARE_SMS_TOKEN,
            auth_header=settings.AFTERCARE_SMS_AUTH_HEADER,
            auth_scheme=settings.AFTERCARE_SMS_AUTH_SCHEME,
            headers=json.loads(settings.AFTERCARE_SMS_HEADERS or "{}"),
            body_template=settings.AFTERCARE_SMS_BODY_TEMPLATE,
            id_key=settings.AFTERCARE_SMS_ID_KEY,
            timeout=settings.AFTERCARE_SMS_TIMEOUT,
        )
    return import_string(backend)()
