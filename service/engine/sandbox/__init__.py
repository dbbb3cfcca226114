"""The sandbox of diagram expressions: what they may do (policy), how they travel (wire), where they run
(worker), and the service's side of the worker processes (pool).

Every module here imports only the standard library and RestrictedPython: the worker loads the package in a
fresh interpreter that never imports the application (no settings, no database, no secret).
"""
