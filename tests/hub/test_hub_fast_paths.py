"""The hub's shortcuts give exactly what the long way gives (no server needed).

- a batch's digest, assembled from each record's canonical data, equals the canonical
  JSON of the whole parsed body (stored digests of earlier batches must keep matching);
- a body whose text cannot hold a NUL or a lone surrogate is only checked for depth;
- a batch's digest is the one earlier hubs stored;
- a quote from the shipped dataset (memoised) equals one computed afresh, and repeated
  calls still refuse bad input; ASCII text is cleaned as the NFC path cleans it.
"""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from datetime import date
from typing import Any

import pytest
from hub_builders import batch, edited, lead_data, record, registration_data

from outreach_tui.domain import contributions, origin, wire
from outreach_tui.domain.ids import new_uuid
from outreach_tui.domain.reference import load_reference
from outreach_tui.domain.typed_input import clean_text
from outreach_tui.hub.batches import batch_digest
from outreach_tui.hub.body import parse_json, parse_model
from outreach_tui.hub.errors import HubError
from outreach_tui.protocol.requests import BatchIn, BundleIn, as_json


def long_way(model: BatchIn) -> str:
    body = as_json(model, exclude=("kind", "protocol", "signature"))
    # time_zone (events, officer) came later: when not sent it is left out, so a batch
    # stored before it keeps its digest.
    for context in [*(body.get("events") or []), body.get("officer") or {}]:
        if context.get("time_zone", "") is None:
            del context["time_zone"]
    # So are a relay's fields (issue 17): a record's unit_code, the batch's officers and
    # withdrawals, when not sent.
    for item in body.get("records") or []:
        if item.get("unit_code", "") is None:
            del item["unit_code"]
    for name in ("officers", "withdrawals"):
        if not body.get(name):
            body.pop(name, None)
    return hashlib.sha256(wire.canonical_json(body)).hexdigest()


def parsed(body: dict, model: type[BatchIn] = BatchIn) -> BatchIn:
    raw = json.dumps(body, ensure_ascii=False).encode()
    return parse_model(model, raw, max_records=1000, max_bytes=10_000_000)


def test_the_batch_digest_is_the_canonical_json_of_the_body() -> None:
    laptop = new_uuid()
    owner = record(registration_data(device_id=laptop, full_name="Ñoño Ünal"))
    lead = record(lead_data(device_id=laptop, notes='quote " and \\ and 🙂'), entity="lead")
    edit = record(edited(owner["data"], full_name="Siti"), uuid=owner["uuid"], version=2,
                  base_version=1)  # fmt: skip
    bodies = [
        batch(laptop, [owner, lead, edit]),
        batch(laptop, []),
        {**batch(laptop, [lead]), "officer": None, "events": []},
        {k: v for k, v in batch(laptop, [owner]).items() if k not in ("officer", "events")},
    ]
    # A relay's batch (a record filed under a unit, the officers of its records): never a
    # signed bundle, so only the hub's two ways must agree.
    relayed = parsed({**batch(laptop, [{**owner, "unit_code": "KC-SKA"}, lead]),
                      "officers": [{"code": "PLG-01", "name": "Rina"}]})  # fmt: skip
    assert batch_digest(relayed) == long_way(relayed) != batch_digest(parsed(bodies[0]))
    for body in bodies:
        model = parsed(body)
        # The laptop signs its bundles over origin.batch_digest of the body it wrote.
        assert batch_digest(model) == long_way(model) == origin.batch_digest(body)
    bundle = parsed({**bodies[0], "kind": "outreach-bundle", "protocol": 1}, BundleIn)
    assert batch_digest(bundle) == long_way(bundle) == batch_digest(parsed(bodies[0]))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"a": "x\\u0000y"}', "request.bad_text"),
        ('{"a": ["\\ud800"]}', "request.bad_text"),
        ('{"a": {"\\uDC00": 1}}', "request.bad_text"),
        ('{"a": ' + "[" * 33 + "1" + "]" * 33 + "}", "request.too_deep"),
        ('{"a": ' + "[" * 31 + "{}" + "]" * 31 + "}", None),
        ('{"a": "\\ud83d\\ude00 \\u00e9"}', None),  # an escaped emoji pair is fine
    ],
)
def test_bad_text_and_depth_are_still_refused(text: str, code: str | None) -> None:
    if code is None:
        assert isinstance(parse_json(text.encode()), dict)
        return
    with pytest.raises(HubError) as caught:
        parse_json(text.encode())
    assert caught.value.code == code


@pytest.mark.parametrize("path", ["batch_id", "records", "records.0.uuid", "events.0.code"])
def test_a_missing_field_is_named(path: str) -> None:
    laptop = new_uuid()
    body = batch(laptop, [record(registration_data(device_id=laptop))])
    *parents, name = path.split(".")
    holder: Any = body
    for part in parents:
        holder = holder[int(part)] if part.isdigit() else holder[part]
    del holder[name]
    with pytest.raises(HubError) as caught:
        parsed(body)
    assert (caught.value.code, caught.value.field) == ("request.invalid", path)


def test_batch_digests_are_the_ones_earlier_hubs_stored() -> None:
    # Computed by the hub before the models moved from pydantic to msgspec: a re-sent
    # batch must still match its stored digest, or it would be refused as a reused id.
    from tests.hub.golden_body import BODY

    raw = json.dumps(BODY).encode()
    assert batch_digest(parsed(BODY)) == (
        "0f24de81a8941fd058dbccb9606df07a40813b2ec8577d54a17856eabdd929e0"
    )
    bare = {k: v for k, v in BODY.items() if k not in ("events", "officer")}
    assert batch_digest(parsed(bare)) == (
        "fb7f6c109639e7b2a0f50715327e9024e2445d5b317c4b08c30ea704c56b694a"
    )
    tagged = raw.replace(b"{", b'{"kind": "outreach-bundle", "protocol": 1, ', 1)
    bundle = parse_model(BundleIn, tagged, max_records=10, max_bytes=10**6)
    assert batch_digest(bundle) == batch_digest(parsed(BODY))


def _outcome(**args: object) -> object:
    """The quote, or the error it raised (its text)."""
    try:
        return contributions.quote(**args)  # type: ignore[arg-type]
    except ValueError as exc:
        return f"ValueError: {exc}"


def test_a_memoised_quote_equals_a_fresh_one() -> None:
    ref = load_reference()
    rng = random.Random(5)
    sectors = [s.code for s in ref.sectors] + ["no-such-sector"]
    for _ in range(400):
        path = rng.choice(["bpu", "pu_micro", "xx"])
        programs = ["JKK", "JKM"] + (["JHT"] if rng.random() < 0.4 else [])
        programs += ["XYZ"] if rng.random() < 0.1 else []
        args = {
            "income": rng.choice([0, 500_000, 1_000_000, 2_500_000, rng.randint(1, 20_000_000)]),
            "sector": rng.choice(sectors),
            "month": date(rng.choice([2025, 2026, 2027]), rng.randint(1, 12), rng.randint(1, 28)),
            # a list, a tuple, one code as a string, a comma list (refused: as before)
            "programs": rng.choice([programs, tuple(programs), "JHT", ",".join(programs)]),
            "path": path,
        }
        fresh = _outcome(**args, reference=ref)
        assert _outcome(**args) == _outcome(**args) == fresh  # errors are never remembered


@pytest.mark.parametrize(
    "value", ["", "  a  b ", "Budi\tSantoso\n", "x" * 300, "Ñoño  Ünal", "e\u0301", None, 12]
)
def test_ascii_text_is_cleaned_as_the_nfc_path_cleans_it(value: object) -> None:
    slow = " ".join(unicodedata.normalize("NFC", str(value or "")).split())
    assert clean_text(value) == slow
