"""The operator's commands: users and demo data."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from service.demo import DEMO_CENTRE_CODE, DEMO_USERS
from service.extensions import db
from service.models import Authority, Centre, ChequeBook, Role, User, WorkshopSession


def test_users_create_then_list(app: Flask, centre: Centre) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--centre",
            centre.code,
            "--username",
            "Sophie.L",
            "--full-name",
            "Sophie Lambert",
            "--role",
            "secretariat",
            "--role",
            "elu",
            "--password",
            "un-mot-de-passe-solide",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Utilisateur « sophie.l » créé (elu, secretariat)." in result.output

    listing = runner.invoke(args=["users", "list"])
    assert f"{centre.code}\tsophie.l\tSophie Lambert\telu, secretariat" in listing.output
    user = db.session.scalars(select(User).where(User.username == "sophie.l")).one()
    assert user.roles == {Role.SECRETARIAT, Role.ELU}


def test_users_create_explains_a_refusal(app: Flask, centre: Centre) -> None:
    runner = app.test_cli_runner()
    base = ["users", "create", "--centre", centre.code, "--full-name", "X", "--role", "elu"]
    short = runner.invoke(args=[*base, "--username", "xavier", "--password", "court"])
    assert short.exit_code == 1
    assert "Le mot de passe doit compter au moins 12 caractères." in short.output

    unknown_centre = runner.invoke(
        args=[
            "users",
            "create",
            "--centre",
            "nulle-part",
            "--full-name",
            "X",
            "--role",
            "elu",
            "--username",
            "xavier",
            "--password",
            "un-mot-de-passe-solide",
        ]
    )
    assert "Centre inconnu : « nulle-part »." in unknown_centre.output

    bad_role = runner.invoke(args=[*base, "--username", "xavier", "--role", "pape", "--password", "x" * 12])
    assert bad_role.exit_code == 2


def test_usernames_are_unique_across_centres(app: Flask, centre: Centre) -> None:
    runner = app.test_cli_runner()
    args = [
        "users",
        "create",
        "--centre",
        centre.code,
        "--full-name",
        "A",
        "--role",
        "elu",
        "--username",
        "alice",
        "--password",
        "un-mot-de-passe-solide",
    ]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert "L'identifiant « alice » est déjà utilisé." in again.output


def test_demo_seed_creates_one_user_per_role_once(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert "Données de démonstration créées" in first.output
    users = db.session.scalars(select(User).join(Centre).where(Centre.code == DEMO_CENTRE_CODE)).all()
    assert {role for user in users for role in user.roles} == set(Role)
    assert len(users) == len(DEMO_USERS)
    books = db.session.scalars(select(ChequeBook)).all()
    assert {(book.series, book.size) for book in books} == {("CAP-ALIM-2026", 100), ("CAP-HYG-2026", 100)}
    assert {authority.kind.value for authority in db.session.scalars(select(Authority))} == {
        "conseil_departemental", "cpam", "prefet",
    }  # fmt: skip
    workshops = db.session.scalars(select(WorkshopSession).order_by(WorkshopSession.starts_at)).all()
    assert [session.theme.name for session in workshops] == ["Numérique", "Budget", "Numérique", "Numérique",
                                                             "Numérique"]  # fmt: skip
    assert workshops[0].seats_taken == 2

    second = runner.invoke(args=["demo", "seed"])
    assert "rien n'a été ajouté" in second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == len(DEMO_USERS)
