"""The HTML interface: blueprints that parse input, call one use case, and render."""

from __future__ import annotations

from flask import Flask

from service.web import (
    account,
    admin,
    aid_templates,
    appointments,
    auth,
    authorities,
    cheques,
    committee,
    documents,
    domiciliation,
    dossiers,
    errors,
    formatting,
    home,
    inputs,
    liaisons,
    navigation,
    organisation,
    orientation,
    people,
    people_import,
    rights,
    security,
    statistics,
    tasks,
    workshops,
)


def init_app(app: Flask) -> None:
    inputs.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    formatting.init_app(app)
    aid_templates.init_app(app)
    navigation.init_app(app)
    blueprints = (
        auth.bp,
        home.bp,
        people.bp,
        people_import.bp,
        rights.bp,
        appointments.bp,
        orientation.bp,
        dossiers.bp,
        tasks.bp,
        documents.bp,
        cheques.bp,
        authorities.bp,
        domiciliation.bp,
        liaisons.bp,
        committee.bp,
        workshops.bp,
        organisation.bp,
        organisation.centre_bp,
        statistics.bp,
        account.bp,
        admin.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
