"""Irreversible actions ask first: a page that states what will happen, and a form that does it.

The page works without JavaScript. A GET of the action's address shows it; a POST without the `confirme`
field shows it too, with what was typed kept, and changes nothing; only a POST carrying `confirme=oui` acts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import render_template, request

CONFIRMED = "confirme"
_KEPT_ASIDE = frozenset({CONFIRMED, "csrf_token"})


@dataclass(frozen=True)
class Typed:
    """A field the person still fills or corrects on the confirmation page (a reason, for instance)."""

    name: str
    label: str
    required: bool = False
    hint: str = ""


def is_confirmed() -> bool:
    """True only for a POST that carries the confirmation."""
    return request.method == "POST" and request.form.get(CONFIRMED) == "oui"


def ask(
    *,
    title: str,
    consequences: Sequence[str],
    button: str,
    back: str,
    typed: Sequence[Typed] = (),
    hidden: Mapping[str, str] | None = None,
    status: int = 200,
    final: bool = True,
) -> tuple[str, int]:
    """The confirmation page of the action at this address: what it does, then one button that does it."""
    sent = request.form if request.method == "POST" else request.args
    typed_names = {field.name for field in typed}
    kept = {
        name: value
        for name, value in sent.items()
        if name not in _KEPT_ASIDE and name not in typed_names and len(value) <= 2000
    }
    kept.update(hidden or {})
    return render_template(
        "confirmation/confirm.html",
        title=title,
        consequences=consequences,
        button=button,
        back=back,
        typed=typed,
        values={field.name: sent.get(field.name, "") for field in typed},
        kept=kept,
        action=request.path,
        confirmed_field=CONFIRMED,
        final=final,
    ), status
