"""The figures in the API: the statistics page's use case, under the page's access, masked the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask.testing import FlaskClient

from service.api_tokens import service as tokens
from service.models import Role, User
from service.stats import service as stats
from service.stats.figures import Split
from service.stats.period import Period

PROBLEM = "application/problem+json"


def _secret(admin: User, user: User) -> str:
    return tokens.create_token(actor=admin, user_id=user.id, name="Tableau de bord", scopes=["read"])[1]


def _get(client: FlaskClient, path: str, secret: str) -> object:
    return client.get(path, headers={"Authorization": f"Bearer {secret}"})


def test_the_head_of_service_reads_the_figures_of_the_page(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    admin = make_user("ada", Role.ADMIN)
    head = make_user("rachida", Role.RESPONSABLE)
    path = "/api/v1/statistiques?debut=2026-01-01&fin=2026-06-30&repartition=centre"
    response = _get(client, path, _secret(admin, head))
    assert response.status_code == 200, response.get_data(as_text=True)  # type: ignore[attr-defined]
    body = response.get_json()  # type: ignore[attr-defined]
    assert (body["debut"], body["fin"], body["repartition"], body["masquee"]) == (
        "2026-01-01", "2026-06-30", "centre", False
    )  # fmt: skip
    page = stats.page(actor=head, period=Period(date(2026, 1, 1), date(2026, 6, 30)), split=Split.CENTRE)
    assert [figure["cle"] for figure in body["figures"]] == [figure.key for figure in page.figures]
    assert body["figures"][0]["titre"] == page.figures[0].title


def test_the_figures_follow_the_pages_access_and_refuse_a_bad_period_in_french(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    admin = make_user("ada", Role.ADMIN)
    elected = make_user("aicha", Role.ELU)
    agent = make_user("nadia", Role.ACCUEIL, Role.INSTRUCTEUR)
    masked = _get(client, "/api/v1/statistiques", _secret(admin, elected))
    assert masked.status_code == 200  # type: ignore[attr-defined]
    assert masked.get_json()["masquee"] is True  # type: ignore[attr-defined]
    refused = _get(client, "/api/v1/statistiques", _secret(admin, agent))
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert refused.mimetype == PROBLEM  # type: ignore[attr-defined]
    backwards = _get(client, "/api/v1/statistiques?debut=2026-06-30&fin=2026-01-01", _secret(admin, elected))
    assert backwards.status_code == 422  # type: ignore[attr-defined]
    assert "La fin de la période précède son début." in backwards.get_json()["detail"]  # type: ignore[attr-defined]
    far = _get(client, "/api/v1/statistiques?fin=9999-12-31", _secret(admin, elected))
    assert far.status_code == 422  # type: ignore[attr-defined]
