"""Helpers for tests that run real processes: a throwaway PostgreSQL cluster
(``postgres.py``) and the hub under uvicorn (``hub_server.py``).

The repository root is on ``sys.path`` under pytest (tests/conftest.py), so import them as
``tests.support.postgres`` / ``tests.support.hub_server`` from any test module or conftest.
"""
