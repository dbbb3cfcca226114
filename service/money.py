"""Money is integer cents; these read and write it the French way."""

from __future__ import annotations

import re

_EUROS = re.compile(r"^(?P<sign>-?)(?P<units>\d+)(?:[,.](?P<cents>\d{1,2}))?$")
# Ten million euros: far above any aid, and within what an integer column holds in cents.
MAX_CENTS = 10_000_000 * 100 - 1
_SPACES = str.maketrans("", "", " \u00a0\u202f€")


def parse_euros(raw: str, *, allow_negative: bool = False) -> int:
    """'1 234,5 €' → 123450 cents; raise ValueError with a French message otherwise."""
    match = _EUROS.match(raw.strip().translate(_SPACES))
    if not match or (match.group("sign") and not allow_negative):
        raise ValueError("Saisissez un montant en euros, par exemple 120,50.")
    cents = int(match.group("units")) * 100 + int((match.group("cents") or "0").ljust(2, "0"))
    if cents > MAX_CENTS:
        raise ValueError("Ce montant dépasse ce que le service enregistre (10 millions d'euros).")
    return -cents if match.group("sign") else cents


def euros_input(cents: int) -> str:
    """123450 → '1234,50', the way an input field shows it."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units},{rest:02d}"


def euros(cents: int) -> str:
    """123450 → '1 234,50 €', with narrow no-break spaces between thousands."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    grouped = f"{units:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rest:02d}\u00a0€"
