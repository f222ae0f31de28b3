"""The sync protocol's messages, shared by the laptop (``sync/``) and the hub (``hub/``).

``requests``: what the laptop sends (batch, bundle, laptop binding, review), strict.
``replies``: what the hub answers (capabilities, receipt, reconciliation, downlink,
tallies, errors), which the client decodes before believing any of it.
The record format itself (each entity's ``data``, the canonical JSON its content hash is
computed over) is ``domain/wire.py``: the officer's file computes hashes too, and the store
depends on the domain only. This package depends on the domain only.
"""
