"""Issue 17: a unit chooses which known-participant digests its laptops learn — their own
branch's (the default) or their whole region's, never beyond — with `outreach hub unit
downlink CODE branch|region|inherit` or `unit add --downlink`; hub schema v11. On SQLite
and PostgreSQL, through the real hub under uvicorn (the ``org`` of test_hub_units: two
regions, KW-JATENG with KC-SKA, its KCP-SKA-1 and KC-KLT; KW-SUMSEL with KC-PLG; one
laptop per branch and sub-branch that pushed one registration)."""

from __future__ import annotations

import json

import httpx
from test_hub_units import Org, cli, feed, org  # noqa: F401 - org is a fixture

from outreach_tui.cli.output import EXIT_INVALID
from outreach_tui.hub.downlink import REPLAY
from outreach_tui.hub.storage import open_storage


def _digests_of(hub: Org) -> dict[str, str]:
    """nik digest -> the unit of the record (what the hub holds)."""
    with open_storage(hub.db) as storage, storage.read() as tx:
        rows = tx.all("SELECT nik_digest, unit_code FROM records WHERE entity = 'registration'")
    return {r["nik_digest"]: r["unit_code"] for r in rows}


def _learnt(hub: Org, unit: str) -> set[str]:
    """The units whose digests the laptop of ``unit`` learns, paging from the start."""
    where = _digests_of(hub)
    with httpx.Client(base_url=hub.url, timeout=60) as http:
        known, _ = feed(http, hub.laptops[unit][1])
    digests = [k["nik_digest"] for k in known]
    assert len(digests) == len(set(digests))
    return {where[d] for d in digests}


def test_a_region_downlink_shares_the_regions_digests_and_never_another_regions(
    org: Org,  # noqa: F811 - the fixture
) -> None:
    jateng = {"KC-SKA", "KCP-SKA-1", "KC-KLT"}
    # The default: each laptop its own branch (a branch sees its sub-branch too).
    assert _learnt(org, "KC-KLT") == {"KC-KLT"}
    assert _learnt(org, "KC-SKA") == {"KC-SKA", "KCP-SKA-1"}

    shown = json.loads(cli("hub", "unit", "downlink", "KW-JATENG", "region", "--db", org.db,
                           "--json"))  # fmt: skip
    assert shown["unit"]["downlink"] == "region" and shown["effective"] == "region"
    listed = cli("hub", "unit", "list", "--db", org.db, "--lang", "en", "--unit", "KW-JATENG")
    # "regional office (region digests)", maybe wrapped; the units under it inherit
    assert "(region" in listed and listed.count("digests)") == 1
    for unit in jateng:  # branch A of region R learns branch B of R, never region S
        assert _learnt(org, unit) == jateng, unit
    assert _learnt(org, "KC-PLG") == {"KC-PLG"}  # KW-SUMSEL kept the default

    # A branch may keep to itself under a region that shares.
    out = cli("hub", "unit", "downlink", "KC-KLT", "branch", "--db", org.db, "--lang", "en")
    assert "KC-KLT" in out and "their own branch" in out
    assert _learnt(org, "KC-KLT") == {"KC-KLT"}
    assert _learnt(org, "KCP-SKA-1") == jateng
    out = cli("hub", "unit", "downlink", "KC-KLT", "inherit", "--db", org.db, "--lang", "en")
    assert "follows the unit above" in out and "whole regional office" in out
    assert _learnt(org, "KC-KLT") == jateng

    # Reviews and the unit's other answers stay the token's own: only digests widen.
    with httpx.Client(base_url=org.url, timeout=60) as http:
        for uuid in org.records.values():
            answer = http.post("/api/v1/reviews", headers=org.supervisors["HO"],
                               json={"uuid": uuid, "outcome": "different_people"})  # fmt: skip
            assert answer.status_code == 201
        _, reviews = feed(http, org.laptops["KC-KLT"][1])
    assert {r["uuid"] for r in reviews} == {org.records["KC-KLT"]}

    with open_storage(org.db) as storage, storage.read() as tx:
        audits = [json.loads(r["detail"]) for r in tx.all(
            "SELECT detail FROM audit_log WHERE action = 'unit.downlink' ORDER BY id")]  # fmt: skip
    assert [(a["unit"], a["downlink"]) for a in audits] == [
        ("KW-JATENG", "region"), ("KC-KLT", "branch"), ("KC-KLT", None)]  # fmt: skip


def test_a_new_unit_can_choose_its_downlink_and_bad_choices_change_nothing(
    org: Org,  # noqa: F811 - the fixture
) -> None:
    added = json.loads(cli("hub", "unit", "add", "KW-JATIM", "--db", org.db, "--name",
                           "Kanwil Jawa Timur", "--kind", "region", "--parent", "HO",
                           "--downlink", "REGION", "--json"))  # fmt: skip
    assert added["unit"]["downlink"] == "region"
    listed = {u["code"]: u for u in json.loads(
        cli("hub", "unit", "list", "--db", org.db, "--json"))["units"]}  # fmt: skip
    assert listed["KW-JATIM"]["downlink"] == "region" and listed["KC-SKA"]["downlink"] is None

    # An area chooses nothing, not even "inherit" (which printed a raw message key).
    for args in (["KC-KLT", "nation"], ["SOLORAYA", "region"], ["SOLORAYA", "inherit"],
                 ["KC-NONE", "region"]):  # fmt: skip
        result = cli("hub", "unit", "downlink", *args, "--db", org.db, "--lang", "en",
                     code=EXIT_INVALID)  # fmt: skip
        assert result.startswith("outreach: ") and len(result.strip().splitlines()) == 1, result
    cli("hub", "unit", "add", "KC-X", "--db", org.db, "--name", "X", "--kind", "branch",
        "--downlink", "all", code=EXIT_INVALID)  # fmt: skip
    assert _learnt(org, "KC-KLT") == {"KC-KLT"}  # nothing changed


def _pull(http: httpx.Client, headers: dict[str, str], cursor: str) -> tuple[list[str], str]:
    """What a laptop does on sync: pages from its stored cursor until no ``more``; the
    digests learnt and the cursor it keeps."""
    digests: list[str] = []
    while True:
        page = http.get("/api/v1/downlink", headers=headers, params={"since": cursor}).json()
        digests += [k["nik_digest"] for k in page["known_participants"]]
        if not page["more"] or page["cursor"] == cursor:
            return digests, page["cursor"]
        cursor = page["cursor"]


def test_a_laptop_already_synced_learns_the_regions_earlier_digests_once(
    org: Org,  # noqa: F811 - the fixture
) -> None:
    """The switch comes after the laptop's first sync: its cursor is past every batch of
    the region, yet its next sync replays the feed once, then goes on as before."""
    where = _digests_of(org)
    headers = org.laptops["KC-KLT"][1]
    with httpx.Client(base_url=org.url, timeout=60) as http:
        first, cursor = _pull(http, headers, "")
        assert {where[d] for d in first} == {"KC-KLT"} and int(cursor) > 0
        again, same = _pull(http, headers, cursor)
        assert again == [] and same == cursor  # nothing new, no replay

        cli("hub", "unit", "downlink", "KW-JATENG", "region", "--db", org.db)
        page = http.get("/api/v1/downlink", headers=headers, params={"since": cursor}).json()
        lost = http.get("/api/v1/downlink", headers=headers, params={"since": cursor}).json()
        assert page == lost  # a lost answer is asked again and answered alike
        learnt, after = _pull(http, headers, cursor)
        assert {where[d] for d in learnt} == {"KC-SKA", "KCP-SKA-1", "KC-KLT"}
        assert not {where[d] for d in learnt} & {"KC-PLG"}
        assert int(after) == REPLAY + int(cursor)  # the replay's mark on its first page
        with open_storage(org.db) as storage, storage.read() as tx:
            assert tx.all("SELECT digest_root FROM downlink_scopes") == []  # not yet applied

        again, same = _pull(http, headers, after)  # the next sync: applied, so recorded
        assert again == [] and same == cursor
        again, same = _pull(http, headers, same)
        assert again == [] and same == cursor  # once
        with open_storage(org.db) as storage, storage.read() as tx:
            rows = tx.all("SELECT digest_root FROM downlink_scopes")
        assert [r["digest_root"] for r in rows] == ["KW-JATENG"]

        # Back to the branch: a narrower scope needs no replay, only noting.
        cli("hub", "unit", "downlink", "KW-JATENG", "branch", "--db", org.db)
        again, same = _pull(http, headers, cursor)
        assert again == [] and same == cursor
    with open_storage(org.db) as storage, storage.read() as tx:
        rows = tx.all("SELECT digest_root FROM downlink_scopes")
    assert [r["digest_root"] for r in rows] == ["KC-KLT"]
