"""Gunicorn settings of the OpenFisca Web API beside Entraide: one worker kept warm, long calculations.

The port comes from OPENFISCA_PORT (default 5011, the default of ENTRAIDE_OPENFISCA_URL).
"""

import os

bind = f"127.0.0.1:{os.environ.get('OPENFISCA_PORT', '5011')}"
workers = 1
timeout = 300
preload_app = True
