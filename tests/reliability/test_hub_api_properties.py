"""Property-based tests of the hub API: whatever arrives, no 500, and every refusal is a
clear 4xx (``{"error": {"code", "message", "field"}}`` with a message).

- **schemathesis** against the OpenAPI description the hub serves (``/openapi.json``,
  with the two bodies it reads itself and its bearer scheme): every operation, examples
  generated from the schema, a supervisor's token (so the supervisor endpoints are
  reached too).
- **hypothesis**: valid records with one to three fields replaced by arbitrary JSON and
  their content hash recomputed, so they pass the hash check and reach validation and
  ingest: each must come back ``accepted`` or ``rejected`` with a code, never a 500.
- **hypothesis**: the booth's record search with any text (wildcards, quotes, SQL) never
  fails, and finds a business name stored verbatim by typing it.

In process (Starlette's TestClient over the real app and a real SQLite file) for speed;
the real-server behaviour of the same app is covered in tests/hub and test_security.py.
``OUTREACH_API_EXAMPLES`` sets the examples per property (40 in CI, 400 under
``make reliability``).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach_tui.domain import wire
from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub.app import create_app
from outreach_tui.hub.auth import enroll
from outreach_tui.hub.storage import Storage, open_storage
from outreach_tui.store import Store
from tests.hub.hub_builders import batch, lead_data, record, registration_data
from tests.reliability.harness import loops

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2; the client works as it is
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.reliability
EXAMPLES = loops("OUTREACH_API_EXAMPLES", 40)
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=False, suppress_health_check=list(HealthCheck)
)


def clear_refusal(response: Any) -> None:
    """No server error; a refusal names its reason in the protocol's error shape."""
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
        assert set(body["error"]) == {"code", "message", "field"}, body
        assert body["error"]["code"] and body["error"]["message"], body


class HubInProcess:
    def __init__(self, folder: Path) -> None:
        self.storage: Storage = open_storage(str(folder / "hub.db"))
        _, supervisor = enroll(self.storage, officer="PLG-01", name="supervisor", role="supervisor")
        _, device = enroll(self.storage, officer="PLG-01", name="laptop")
        self.supervisor = {"Authorization": f"Bearer {supervisor}"}
        self.device = {"Authorization": f"Bearer {device}"}
        self.app = create_app(self.storage)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubInProcess]:
    made = HubInProcess(tmp_path_factory.mktemp("hub-properties"))
    yield made
    made.storage.close()


@pytest.fixture(scope="module")
def client(hub: HubInProcess) -> Iterator[TestClient]:
    with TestClient(hub.app, raise_server_exceptions=False) as http:
        yield http


# -- schemathesis over the OpenAPI description --------------------------------------------


def operations(hub: HubInProcess) -> list[Any]:
    schemathesis = pytest.importorskip("schemathesis")
    schema = schemathesis.openapi.from_asgi("/openapi.json", hub.app)
    return [result.ok() for result in schema.get_all_operations()]


def test_schemathesis_every_operation_answers_without_server_errors(hub: HubInProcess) -> None:
    ops = operations(hub)
    assert {op.label for op in ops} >= {
        "GET /api/v1/capabilities",
        "POST /api/v1/batches",
        "GET /api/v1/reconcile",
        "GET /api/v1/downlink",
        "GET /api/v1/tallies",
        "POST /api/v1/reviews",
    }
    seen: dict[str, set[int]] = {}

    def property_of(op: Any) -> Callable[[], None]:
        @SETTINGS
        @given(case=op.as_strategy())
        def call(case: Any) -> None:
            response = case.call(headers=hub.supervisor)
            clear_refusal(response)
            seen.setdefault(op.label, set()).add(response.status_code)

        return call

    for op in ops:
        property_of(op)()
    print(seen)  # which statuses each operation produced (pytest -s)
    assert seen["POST /api/v1/batches"] & {200, 422}, seen


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer otk_" + "A" * 43}, {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["none", "unknown", "basic"],
)
def test_schemathesis_without_a_valid_token_everything_but_capabilities_is_401(
    hub: HubInProcess, headers: dict[str, str]
) -> None:

    def property_of(op: Any) -> Callable[[], None]:
        @settings(
            max_examples=max(5, EXAMPLES // 8),
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=op.as_strategy())
        def call(case: Any) -> None:
            case.headers = {
                k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"
            }
            response = case.call(headers=headers)
            clear_refusal(response)
            if op.path != "/api/v1/capabilities":
                assert response.status_code == 401, (op.label, response.text)
                assert response.json()["error"]["code"] == "auth.invalid"

        return call

    for op in operations(hub):
        property_of(op)()


# -- valid records, damaged one field at a time --------------------------------------------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e309",
            "2026-02-30",
            "9999-12-31T23:59:59Z",
            "'; DROP TABLE records; --",
            "%",
            "_",
            "\\",
            "\u202e",
            "𝕊𝕚𝕥𝕚",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@pytest.mark.parametrize("programs", [1, True, 1.5])
def test_a_number_as_programs_is_rejected_not_a_500(
    client: TestClient, hub: HubInProcess, programs: Any
) -> None:
    laptop = new_uuid()
    bad = record({**registration_data(device_id=laptop), "programs": programs})
    response = client.post("/api/v1/batches", json=batch(laptop, [bad]), headers=hub.device)
    clear_refusal(response)


@pytest.mark.parametrize("entity", ["registration", "lead"])
def test_a_created_at_at_the_end_of_time_is_rejected_not_a_500(
    client: TestClient, hub: HubInProcess, entity: str
) -> None:
    laptop = new_uuid()
    make = registration_data if entity == "registration" else lead_data
    bad = record({**make(device_id=laptop), "created_at": "9999-12-31T23:59:59Z"}, entity=entity)
    response = client.post("/api/v1/batches", json=batch(laptop, [bad]), headers=hub.device)
    clear_refusal(response)


@SETTINGS
@given(
    entity=st.sampled_from(["registration", "lead"]),
    changes=st.dictionaries(
        st.sampled_from(wire.REGISTRATION_FIELDS + wire.LEAD_FIELDS), _json, min_size=1, max_size=3
    ),
    version=st.sampled_from([(1, None), (2, 1), (3, 1)]),
)
def test_damaged_fields_are_rejected_per_record_never_a_500(
    client: TestClient,
    hub: HubInProcess,
    entity: str,
    changes: dict[str, Any],
    version: tuple[int, int | None],
) -> None:
    laptop = new_uuid()
    make = registration_data if entity == "registration" else lead_data
    good = make(device_id=laptop)
    bad = {**good, **changes}
    sent = [
        record(good, entity=entity),
        {**record(bad, entity=entity, version=version[0], base_version=version[1])},
    ]
    response = client.post("/api/v1/batches", json=batch(laptop, sent), headers=hub.device)
    clear_refusal(response)
    if response.status_code == 200:
        first, second = response.json()["results"]
        assert first["outcome"] == "accepted", first
        assert second["outcome"] in ("accepted", "rejected"), second
        if second["outcome"] == "rejected":
            assert second["code"] and second["message"], second


@SETTINGS
@given(body=_json)
def test_any_json_body_is_a_clear_refusal(client: TestClient, hub: HubInProcess, body: Any) -> None:
    for path in ("/api/v1/batches", "/api/v1/reviews"):
        headers = {**hub.supervisor, "Content-Type": "application/json"}
        clear_refusal(client.post(path, content=json.dumps(body), headers=headers))


# -- the booth's search ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def booth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, str]]:
    from datetime import date

    with Store(tmp_path_factory.mktemp("booth") / "booth.db") as store:
        store.setup.upsert_branch("PLG", "Palembang", "Palembang")
        store.setup.upsert_officer("PLG-01", "Rina", "PLG")
        store.setup.create_event(
            code="EXPO",
            name="Expo",
            venue="PIM",
            city="Palembang",
            branch_code="PLG",
            starts_on=date(2026, 11, 23),
            ends_on=date(2026, 11, 25),
        )
        event = store.setup.event("EXPO")
        assert event is not None
        yield store, event["id"]


_business = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Co", "Cs", "Zl", "Zp")),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() and not s.replace(" ", "").isdigit())


@SETTINGS
@given(
    business=st.one_of(
        _business,
        st.sampled_from(
            [
                "50% Diskon_Toko",
                "Warung 'Bu Siti'; DROP TABLE registrations; --",
                "a\\b%c_d",
                "Robert'); DELETE FROM leads WHERE ('1' = '1",
                '"quoted" name',
                "100%",
            ]
        ),
    ),
    search=st.text(max_size=30),
)
def test_search_never_fails_and_finds_text_stored_verbatim(
    booth: tuple[Store, str], business: str, search: str
) -> None:
    from outreach_tui.domain.models import RegistrationDraft
    from outreach_tui.domain.typed_input import clean_text
    from outreach_tui.domain.validation import validate_registration
    from tests.conftest import TODAY, synthetic_nik

    store, event_id = booth
    page = store.queries.page("registrations", search=search, limit=20)  # anything at all
    assert len(page.rows) <= 20 and page.total >= len(page.rows)
    draft = RegistrationDraft(
        nik=synthetic_nik(),
        full_name="Siti Aminah",
        sector="kuliner",
        business_name=business,
        declared_income="2.000.000",
        consent_version="2026.1",
    )
    checked = validate_registration(draft, today=TODAY)
    if checked.record is None:
        return  # not storable (too long after cleaning, etc.): the form would say so
    saved = store.registrations.save(checked.record, officer_code="PLG-01", event_id=event_id)
    stored = store.registrations.get(saved.owner.uuid)
    assert stored is not None and stored["business_name"] == clean_text(business)
    found = store.queries.page("registrations", search=stored["business_name"], limit=500)
    assert saved.owner.uuid in {r["uuid"] for r in found.rows} or found.total > 500
