"""The API's blueprints read their JSON bodies with webargs, which answers 400 to a body it cannot read; a
body nested deeper than Python's JSON reader can follow (thousands of « [ ») is answered 400 too, not 500."""

from __future__ import annotations

from typing import Any

import flask
import flask_smorest
from webargs.flaskparser import FlaskParser, abort


class _Parser(FlaskParser):
    def _raw_load_json(self, req: flask.Request) -> Any:
        try:
            return super()._raw_load_json(req)
        except RecursionError as exc:
            abort(400, exc=exc, messages={"json": ["Corps JSON imbriqué trop profondément."]})


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """flask-smorest's blueprint, reading bodies with the parser above."""

    ARGUMENTS_PARSER = _Parser()
