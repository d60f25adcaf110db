"""Sending gateways: how a campaign message leaves the system, per channel.

settings.CAMPAIGN_GATEWAYS maps a channel (email, sms, webhook) to a class path; the default
for every channel is FileGateway, which appends one JSON line per message to
VALUECRM_HOME/outbox/<channel>.jsonl (so nothing leaves a fresh install by accident).
A real gateway (an SMS provider, the company's messaging webhook) implements `send`.
"""

import json
from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_GATEWAY = "valuecrm.campaigns.gateways.FileGateway"


@dataclass(frozen=True)
class Message:
    send_id: int
    channel: str
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class Outcome:
    send_id: int
    ok: bool
    delivered: bool = False
    error: str = ""


class Gateway:
    def send(self, messages: list[Message]) -> list[Outcome]:
        raise NotImplementedError


class FileGateway(Gateway):
    def send(self, messages):
        folder = settings.HOME / "outbox"
        folder.mkdir(parents=True, exist_ok=True)
        outcomes = []
        for channel in {m.channel for m in messages}:
            with open(folder / f"{channel}.jsonl", "a", encoding="utf-8") as out:
                for message in (m for m in messages if m.channel == channel):
                    out.write(json.dumps(asdict(message), ensure_ascii=False) + "\n")
                    outcomes.append(Outcome(message.send_id, ok=True, delivered=True))
        return outcomes


class ConsoleGateway(Gateway):
    def send(self, messages):
        for message in messages:
            print(f"[{message.channel}] to {message.to}: {message.subject} {message.body}")
        return [Outcome(m.send_id, ok=True, delivered=True) for m in messages]


def gateway_for(channel: str) -> Gateway:
    paths = getattr(settings, "CAMPAIGN_GATEWAYS", {})
    return import_string(paths.get(channel, DEFAULT_GATEWAY))()
