"""Phone numbers and e-mail addresses are checked alike on every form that takes them."""

from __future__ import annotations

import pytest

from service import contact


@pytest.mark.parametrize(
    "text", ["01 23 45 67 89", "+33 1 23 45 67 89", "01.23.45.67.89", "(0)1-23-45-67-89", "0123456789"]
)
def test_a_phone_number_as_people_write_it(text: str) -> None:
    assert contact.is_phone(text)


@pytest.mark.parametrize(
    "text", ["12345", "appelez-moi", "01 23 45 67 89 poste 12", "+" * 8, "1" * 41, "<b>0123</b>"]
)
def test_what_is_not_a_phone_number(text: str) -> None:
    assert not contact.is_phone(text)


def test_a_partner_short_number_counts_where_asked() -> None:
    assert contact.is_phone("32 30", shortest=4)
    assert not contact.is_phone("32 30")


@pytest.mark.parametrize("text", ["lea.durand@exemple.fr", "mairie+ccas@ville.exemple.fr"])
def test_an_email_address(text: str) -> None:
    assert contact.is_email(text)


@pytest.mark.parametrize(
    "text",
    [
        "lea.durand",
        "lea@exemple",
        "lea durand@exemple.fr",
        "a@b@c.fr",
        "x" * 200 + "@exemple.fr",
        "@exemple.fr",
    ],
)
def test_what_is_not_an_email_address(text: str) -> None:
    assert not contact.is_email(text)
