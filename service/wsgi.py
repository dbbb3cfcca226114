"""WSGI entry for gunicorn: `gunicorn service.wsgi:app`; bad settings stop the start with one line."""

import sys

from service.app import create_app
from service.errors import ConfigError

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"Configuration invalide : {error.message}")
