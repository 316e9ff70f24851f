from datetime import datetime

loaded: list[str] = []


def load(organisation, now: datetime) -> None:
    loaded.append(organisation.name)


def remove(organisation) -> None:
    loaded.remove(organisation.name)
