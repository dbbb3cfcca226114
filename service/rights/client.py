"""The OpenFisca Web API, reached over HTTP: one POST /calculate per estimate."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any


class OpenFiscaUnavailableError(Exception):
    """OpenFisca did not answer, or answered something else than a calculation; the message is in French."""


def calculate(base_url: str, situation: Mapping[str, Any], *, timeout: float) -> dict[str, Any]:
    """POST the situation to {base_url}/calculate and return the computed situation."""
    request = urllib.request.Request(  # noqa: S310 - the configured OpenFisca URL, http(s) checked at start
        base_url.rstrip("/") + "/calculate",
        data=json.dumps(situation).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - idem
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        detail = error.read()[:500].decode(errors="replace")
        raise OpenFiscaUnavailableError(f"OpenFisca a refusé le calcul ({error.code}) : {detail}") from error
    except (OSError, ValueError) as error:  # refused, timed out, not JSON
        raise OpenFiscaUnavailableError(f"OpenFisca ne répond pas ({error}).") from error
    if not isinstance(answer, dict):
        raise OpenFiscaUnavailableError("OpenFisca a répondu autre chose qu'un calcul.")
    return answer
