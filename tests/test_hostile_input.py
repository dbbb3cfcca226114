"""Every form of every page, as each role that sees it, with hostile values: never a 5xx, and a refused
submission changes nothing.

The forms are found as a person finds them: each role signs in and follows the links of the pages, and
every form posting somewhere is collected with its fields. Hypothesis then fills each field with what an
attacker or a tired agent types (empty, 100 KB, NUL and control characters, right-to-left text, emoji,
huge, negative and non-numeric numbers, impossible dates, another centre's ids, ids beyond an integer
column), sends fields twice, drops the CSRF token, and points the form at another centre's ids. Each
attempt runs inside a savepoint rolled back afterwards, so every attempt meets the same data.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound

from service import demo
from service.audit.actions import READS
from service.extensions import db
from service.models import AuditEvent
from service.models.base import Base
from tests import hostile_world
from tests.conftest import login

EXAMPLES_PER_FORM = 24
MAX_VISITS_PER_ENDPOINT = {
    "tasks.show": 60,
    "dossiers.show": 30,
    "people.show": 4,
    "workshops.show": 8,
    "orientation.person_page": 8,  # the people of the pages above, then the oriented ones of the world
}
MAX_VISITS_DEFAULT = 3
MAX_PAGES_PER_ROLE = 200
SKIPPED_LINKS = (".pdf", ".ics", ".csv", ".zip", "/static/", "/deconnexion")

# POST routes the run does not post to, each with its reason; every other POST route must be reached.
NOT_FUZZED = {
    # Signing out with hostile values would end the session the run works in; it reads no field.
    "auth.logout": "ne lit aucun champ",
}
# The API's routes take JSON with a bearer token, not a page's form: schemathesis sends them what their
# OpenAPI document allows and what it does not (tests/test_api_schema.py).
API_BLUEPRINTS = ("api_",)

_HUGE = "9" * 30
HOSTILE_VALUES = (
    "",
    " ",
    "\x00",
    "Nom\x00avec NUL",
    "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f\x85",
    "\u202egnp.exe",  # right-to-left override
    "مرحبا بكم في المركز",
    "😀🏳️‍🌈" * 40,
    "x" * 100_000,
    "<script>alert(1)</script>",
    "'; DROP TABLE person; --",
    "-1",
    "0",
    "-99999999999",
    "2147483647",
    "2147483648",
    "9223372036854775808",
    _HUGE,
    "1e309",
    "NaN",
    "12,50",
    "-0,01",
    "1 000 000 000,00",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "31/12/2026",
    "25:61",
    "P99999Y",
    "a@b",
    "camille.aubert@exemple.fr",
)


@dataclass(frozen=True)
class FormField:
    name: str
    default: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class FoundForm:
    role: str
    page: str
    action: str
    endpoint: str
    fields: tuple[FormField, ...]

    @property
    def key(self) -> tuple[str, frozenset[str]]:
        return self.endpoint, frozenset(f.name for f in self.fields)


def _endpoint(app: Flask, path: str, method: str = "GET") -> str | None:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(urlsplit(path).path, method=method)
    except (NotFound, MethodNotAllowed):
        return None
    return str(endpoint)


def _forms_of(page: str, html: str, role: str, app: Flask) -> Iterator[FoundForm]:
    document = lxml.html.fromstring(html)
    for form in document.forms:
        if (form.method or "GET").upper() != "POST":
            continue
        action = urljoin(page, form.action or page)
        endpoint = _endpoint(app, action, "POST")
        if endpoint is None:
            continue
        fields: dict[str, FormField] = {}
        for element in form.inputs:
            name = element.name
            if not name or name in fields:
                continue
            options: tuple[str, ...] = ()
            if element.tag == "select":
                options = tuple(str(o) for o in element.value_options)
                default = str(element.value or (options[0] if options else ""))
            elif getattr(element, "type", "") in {"checkbox", "radio"}:
                default = str(element.get("value") or "on")
                options = tuple(
                    str(other.get("value") or "on") for other in form.inputs if other.name == name
                )
            else:
                default = str(element.value or "")
            fields[name] = FormField(name, default, options)
        yield FoundForm(role, page, urlsplit(action).path, endpoint, tuple(fields.values()))
        if endpoint in hostile_world.CONFIRMED_ENDPOINTS and "confirme" not in fields:
            confirmed = (*fields.values(), FormField("confirme", "oui", ("oui",)))
            yield FoundForm(role, page, urlsplit(action).path, endpoint, confirmed)


def _crawl(app: Flask, client: FlaskClient, role: str, starts: list[str]) -> list[FoundForm]:
    """Follow the links a role sees from its dashboard, then the given pages; return the forms that post."""
    queue = ["/tableau-de-bord"]
    later = list(starts)  # once the links are exhausted
    seen: set[str] = set()
    visits: dict[str, int] = defaultdict(int)
    found: list[FoundForm] = []
    while (queue or later) and len(seen) < MAX_PAGES_PER_ROLE:
        page = queue.pop(0) if queue else later.pop(0)
        if page in seen:
            continue
        endpoint = _endpoint(app, page)
        if endpoint is None or visits[endpoint] >= MAX_VISITS_PER_ENDPOINT.get(endpoint, MAX_VISITS_DEFAULT):
            continue
        seen.add(page)
        visits[endpoint] += 1
        response = client.get(page)
        assert response.status_code < 500, f"{role} GET {page} → {response.status_code}"
        if response.status_code != 200 or not response.mimetype.startswith("text/html"):
            continue
        html = response.get_data(as_text=True)
        found.extend(_forms_of(page, html, role, app))
        for href in [*_links(html), *_searches(html)]:
            target = urljoin(page, str(href)).split("#")[0]
            parts = urlsplit(target)
            if parts.netloc not in {"", "localhost"} or any(skip in target for skip in SKIPPED_LINKS):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path not in seen:
                queue.append(path)
    return found


def _links(html: str) -> list[str]:
    return [str(href) for href in lxml.html.fromstring(html).xpath("//a/@href")]


def _searches(html: str) -> list[str]:
    """Search forms (GET) submitted with a name the demo knows, as an agent looking someone up would."""
    found = []
    for form in lxml.html.fromstring(html).forms:
        if (form.method or "GET").upper() == "GET" and "q" in form.fields:
            found.append(f"{form.action or ''}?{urlencode({'q': 'Martin'})}")
    return found


def _counts() -> tuple[int, ...]:
    """One statement counting every table: what a refused submission must leave as it was.

    A refused form shows its page again, and reading a social file is traced (a consultation, a person
    listed by a search): those reads are the one thing a refusal adds to the audit log; every other event
    counts.
    """
    counted = []
    for table in Base.metadata.sorted_tables:
        count = select(func.count()).select_from(table)
        if table is AuditEvent.__table__:
            count = count.where(AuditEvent.action.not_in(sorted(READS)))
        counted.append(count.scalar_subquery())
    return tuple(int(value) for value in db.session.execute(select(*counted)).one())


@dataclass(frozen=True)
class Attempt:
    path: str
    data: MultiDict[str, str]
    note: str


def _attempts(form: FoundForm, foreign_ids: list[str]) -> st.SearchStrategy[Attempt]:
    hostile = st.one_of(
        st.sampled_from(HOSTILE_VALUES),
        st.sampled_from(foreign_ids),
        st.text(max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )

    def value_for(field: FormField) -> st.SearchStrategy[str]:
        sane = st.sampled_from((field.default, *field.options)) if field.options else st.just(field.default)
        return st.one_of(sane, hostile)

    fields = [f for f in form.fields if f.name != "csrf_token"]
    token = next((f.default for f in form.fields if f.name == "csrf_token"), "")
    segments = [segment for segment in form.action.split("/") if segment.isdigit()]

    @st.composite
    def attempt(draw: st.DrawFn) -> Attempt:
        pairs: list[tuple[str, str]] = []
        notes: list[str] = []
        # One field is the target of the attack; the others mostly hold what the page offered, so that
        # the hostile value gets past the first check and reaches the use case.
        target = draw(st.integers(0, max(len(fields) - 1, 0)))
        for index, field in enumerate(fields):
            hostile_here = index == target or draw(st.integers(0, 5)) == 0
            value = draw(hostile if hostile_here else value_for(field))
            pairs.append((field.name, value))
            if draw(st.integers(0, 9)) == 0:
                pairs.append((field.name, draw(hostile)))
                notes.append(f"{field.name} en double")
        if token and draw(st.integers(0, 9)) != 0:
            pairs.append(("csrf_token", token))
        else:
            notes.append("sans jeton CSRF")
        path = form.action
        if segments and draw(st.integers(0, 5)) == 0:
            replaced = draw(st.sampled_from(segments))
            stranger = draw(st.sampled_from([*foreign_ids, str(2**31), _HUGE, "0"]))
            path = "/".join(stranger if part == replaced else part for part in path.split("/"))
            notes.append(f"id {replaced} → {stranger}")
        return Attempt(path, MultiDict(pairs), ", ".join(notes))

    return attempt()


def _fuzz(app: Flask, client: FlaskClient, form: FoundForm, foreign_ids: list[str]) -> int:
    """Post hostile attempts at one form; return how many were made."""
    made = 0
    audited_by_design = form.endpoint == "auth.login"  # a refused sign-in is recorded, by design

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        derandomize=True,  # the same attempts at every run: a failure is reproduced by running again
        phases=(Phase.explicit, Phase.generate),  # report the attempt as made: shrinking costs minutes
        suppress_health_check=list(HealthCheck),
    )
    @given(attempt=_attempts(form, foreign_ids))
    def post(attempt: Attempt) -> None:
        nonlocal made
        made += 1
        db.session.remove()
        savepoint = db.session.get_bind().begin_nested()  # the test's connection: undone after the attempt
        try:
            before = _counts()
            response = client.post(attempt.path, data=attempt.data)
            status = response.status_code
            assert status < 500, (
                f"{form.role} POST {attempt.path} ({attempt.note or 'champs hostiles'}) → {status}"
            )
            if status >= 400 and not audited_by_design:
                db.session.remove()
                assert _counts() == before, (
                    f"{form.role} POST {attempt.path} refusé ({status}) mais la base a changé"
                )
        finally:
            db.session.remove()
            savepoint.rollback()

    post()
    return made


def test_every_form_of_every_page_survives_hostile_input_as_each_role(app: Flask) -> None:
    started = time.monotonic()
    world = hostile_world.build()
    forms: dict[tuple[str, frozenset[str]], FoundForm] = {}
    clients: dict[str, FlaskClient] = {}
    anonymous = app.test_client()
    for form in _forms_of("/connexion", anonymous.get("/connexion").get_data(as_text=True), "anonyme", app):
        forms[form.key] = form
    clients["anonyme"] = anonymous
    for role in hostile_world.DEMO_ROLES:
        client = app.test_client()
        assert login(client, role, demo.DEMO_PASSWORD).status_code == 302
        clients[role] = client
        for form in _crawl(app, client, role, world.pages):
            forms.setdefault(form.key, form)

    reached = {form.endpoint for form in forms.values()}
    post_routes = {
        rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())
    } - set(NOT_FUZZED)
    post_routes = {endpoint for endpoint in post_routes if not endpoint.startswith(API_BLUEPRINTS)}
    assert post_routes <= reached, (
        f"routes POST jamais atteintes par les pages : {sorted(post_routes - reached)}"
    )

    requests = 0
    failures: list[str] = []
    for form in sorted(forms.values(), key=lambda f: (f.endpoint, f.role)):
        if form.endpoint in NOT_FUZZED:
            continue
        client = clients[form.role]
        try:
            requests += _fuzz(app, client, form, world.foreign_ids)
        except Exception as failure:  # every form is tried; all that fail are reported together
            failures.append(f"{form.role} {form.action} ({form.page}) : {type(failure).__name__} {failure}")
        if form.role != "anonyme":  # an attempt that signed the role out would blind every later one
            assert client.get("/tableau-de-bord").status_code == 200, (
                f"{form.role} déconnecté par {form.action}"
            )
    elapsed = time.monotonic() - started
    print(f"\nformulaires : {len(forms)}, requêtes hostiles : {requests}, durée : {elapsed:.1f} s")
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # The demo's letters print in the test's own process.
    return {"PDF_WORKERS": 1}
