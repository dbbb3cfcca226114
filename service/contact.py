"""What a phone number and an e-mail address typed into a form must look like, checked alike everywhere: the
person's, a town hall's, a partner's, an authority's, the centre's own."""

from __future__ import annotations

import re

EMAIL_MAX_LENGTH = 200
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 .()-]+")


def is_email(text: str) -> bool:
    """Something, an at sign, a domain with a dot: the mail server says the rest."""
    return len(text) <= EMAIL_MAX_LENGTH and _EMAIL.fullmatch(text) is not None


def is_phone(text: str, *, shortest: int = 6) -> bool:
    """Digits, spaces, dots, dashes and brackets after an optional +, from `shortest` to 40 characters
    (a partner's short number, « 32 30 », counts with shortest=4)."""
    return (
        shortest <= len(text) <= 40 and _PHONE.fullmatch(text) is not None and any(c.isdigit() for c in text)
    )
