"""The branch hub: an HTTP API (FastAPI under uvicorn) over SQLite or PostgreSQL.

Implements the server side of docs/SYNC_PROTOCOL.md. Imports only the domain, the
message catalogue and the shipped data (tests/unit/test_layering.py): never Textual,
never the officer's store.
"""
