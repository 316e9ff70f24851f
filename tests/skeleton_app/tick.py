from datetime import datetime

runs: list[datetime] = []


def run(now: datetime) -> dict[str, int]:
    runs.append(now)
    return {"skeleton_ticks": len(runs)}
