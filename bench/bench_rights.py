"""The rights check: one household's estimate by the OpenFisca Web API on loopback, warm.

Starts the OpenFisca Web API from .venv-openfisca (make setup-dev), sends the situation the service builds
for a single adult renting (one month, the variables the page shows) once to warm the model, then ROUNDS
times, alternating with a baseline: the same rights asked for the three months a naive client would ask.
Prints BENCH rights_check_ms (median, warm), BENCH rights_check_cold_ms (the first call after start) and
RATIO rights_check_vs_three_months.
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.models import Housing
from service.rights import client, situation
from tools.openfisca.local import OPENFISCA, openfisca_server

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
TIMEOUT = 600.0


def household() -> dict[str, Any]:
    facts = situation.Facts(
        month=date(2026, 11, 1),
        birth_date=date(1986, 6, 15),
        members=[],
        resources_cents={"salaire": 60000},
        rent_cents=45000,
        housing=Housing.LOCATAIRE_VIDE,
        disability=False,
        depcom="69123",
    )
    return situation.build(facts)


def three_months(body: dict[str, Any]) -> dict[str, Any]:
    naive = copy.deepcopy(body)
    family = naive["familles"]["famille"]
    for name, periods in family.items():
        if isinstance(periods, dict):
            family[name] = {month: None for month in ("2026-09", "2026-10", "2026-11")}
    return naive


def timed(url: str, body: dict[str, Any]) -> float:
    started = time.perf_counter()
    client.calculate(url, body, timeout=TIMEOUT)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    if not OPENFISCA.exists():
        print("BENCH rights_check skipped: .venv-openfisca missing (make setup-dev installs it)")
        return
    body = household()
    naive = three_months(body)
    with openfisca_server() as url:
        cold = timed(url, body)
        timed(url, naive)
        ours, baseline = [], []
        for _ in range(ROUNDS):
            ours.append(timed(url, body))
            baseline.append(timed(url, naive))
    print(f"BENCH rights_check_cold_ms {cold:.0f}")
    print(f"BENCH rights_check_ms {statistics.median(ours):.0f}")
    print(f"BENCH rights_check_three_months_ms {statistics.median(baseline):.0f}")
    print(f"RATIO rights_check_vs_three_months {statistics.median(ours) / statistics.median(baseline):.2f}")


if __name__ == "__main__":
    main()
