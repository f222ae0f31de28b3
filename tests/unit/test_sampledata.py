"""The synthetic sample generator: deterministic, realistic, and valid by our own rules."""

from __future__ import annotations

import random
import sqlite3
import stat
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from outreach_tui.domain import consent
from outreach_tui.domain.contributions import quote
from outreach_tui.domain.models import RegistrationDraft
from outreach_tui.domain.nik import parse_nik
from outreach_tui.domain.phone import parse_phone
from outreach_tui.domain.validation import validate_registration
from outreach_tui.files import TargetRefused
from outreach_tui.sampledata import filler
from outreach_tui.sampledata.generator import GenerateReport, generate
from outreach_tui.store import Store
from outreach_tui.store.rows import reference_number

ROWS = 1000
WIB = timedelta(hours=7)
TRANSPORT = {"ojek", "sopir", "kurir"}


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in a stable order (schema_migrations without applied_at)."""
    conn = sqlite3.connect(path)
    try:
        # FTS5 indexes (0011) are compared through their shadow tables (no scan of their own).
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'")]  # fmt: skip
        out = {}
        for table in sorted(tables):
            cols = "version, name" if table == "schema_migrations" else "*"
            out[table] = conn.execute(f'SELECT {cols} FROM "{table}" ORDER BY 1, 2').fetchall()
        return out
    finally:
        conn.close()


def _rows(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def _local_day(created_at: str) -> date:
    return (datetime.fromisoformat(created_at.replace("Z", "+00:00")) + WIB).date()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerateReport]:
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    return path, generate(path, seed=7, registrations=ROWS)


@pytest.fixture(scope="module")
def regs(sample: tuple[Path, GenerateReport]) -> list[dict[str, Any]]:
    return _rows(
        sample[0],
        "SELECT r.*, e.code AS event_code, e.ends_on AS event_ends_on FROM registrations r"
        " JOIN events e ON e.id = r.event_id ORDER BY r.seq",
    )


def test_same_seed_same_rows_other_seed_differs(sample, tmp_path: Path) -> None:
    path, _ = sample
    again, other = tmp_path / "again.db", tmp_path / "other.db"
    generate(again, seed=7, registrations=ROWS)
    generate(other, seed=8, registrations=ROWS)
    first = _dump(path)
    assert first == _dump(again)
    assert first["registrations"] != _dump(other)["registrations"]


def test_producer_process_writes_the_same_file(tmp_path: Path) -> None:
    inline, child = tmp_path / "inline.db", tmp_path / "child.db"
    generate(inline, seed=3, registrations=300, parallel=False)
    generate(child, seed=3, registrations=300, parallel=True)
    assert _dump(inline) == _dump(child)
    assert _schema(inline) == _schema(child)


def test_counts_and_report(sample, regs) -> None:
    path, report = sample
    roles = Counter(r["role"] for r in regs)
    assert len(regs) == ROWS == report.owners + report.workers
    assert (roles["owner"], roles["worker"]) == (report.owners, report.workers)
    assert 180 <= report.owners <= 340  # 0–15 workers each, most 1–5
    leads = _rows(path, "SELECT * FROM leads")
    assert len(leads) == report.leads
    assert 0.08 * report.owners <= len(leads) <= 0.25 * report.owners
    converted = [lead for lead in leads if lead["converted_uuid"]]
    assert 0 < len(converted) < 0.5 * len(leads)
    states = Counter(r["sync_state"] for r in [*regs, *leads])
    assert report.synced == states["synced"] + states["duplicate"]
    assert report.pending == states["pending"]
    assert (report.branches, report.officers, report.events) == (2, 5, 3)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_setup_rows(sample) -> None:
    path, _ = sample
    branches = {b["code"]: b for b in _rows(path, "SELECT * FROM branches")}
    assert branches["PLG"]["target_new_employers"] == 1441
    assert branches["SKA"]["target_informal"] == 34785
    officers = [o["code"] for o in _rows(path, "SELECT code FROM officers ORDER BY code")]
    assert officers == ["PLG-01", "PLG-02", "PLG-03", "SKA-01", "SKA-02"]
    events = {e["code"]: e for e in _rows(path, "SELECT * FROM events")}
    expo = events["SUMSEL-EXPO-2021"]
    assert (expo["venue"], expo["starts_on"], expo["ends_on"]) == (
        "Palembang Indah Mall", "2021-09-22", "2021-10-03"
    )  # fmt: skip
    assert expo["target_registrations"] == 100
    assert events["SKA-SOSBPU-2019"]["target_workers"] == 329
    settings = {s["key"]: s["value"] for s in _rows(path, "SELECT * FROM settings")}
    assert settings["officer_code"] == "PLG-01"
    assert settings["event_id"] == events["PEKAN-UMKM-2026"]["id"]
    devices = {r["device_id"] for r in _rows(path, "SELECT device_id FROM registrations")}
    assert devices == {settings["device_id"]}


def test_distribution_looks_like_a_booth(regs) -> None:
    owners = [r for r in regs if r["role"] == "owner"]
    by_event = Counter(r["event_code"] for r in regs)
    assert set(by_event) == {"SKA-SOSBPU-2019", "SUMSEL-EXPO-2021", "PEKAN-UMKM-2026"}
    assert sum(r["declared_income"] == 1_000_000 for r in owners) >= 0.6 * len(owners)
    assert 0.12 <= sum("JHT" in r["programs"] for r in owners) / len(owners) <= 0.4
    assert 0.18 <= sum(bool(r["email"]) for r in owners) / len(owners) <= 0.45
    assert sum(r["sector"] in TRANSPORT for r in owners) <= 0.12 * len(owners)
    assert {r["payment_months"] for r in regs} <= {1, 2, 3, 6, 12}
    assert all(0 <= r["workers_count"] <= 15 for r in owners)
    emails = [r["email"] for r in regs if r["email"]]
    assert all(e.endswith(("@example.com", "@example.net", "@example.org")) for e in emails)
    # Booth hours 10:00–21:00 WIB (09:00–16:00 at the Surakarta hall), a few late edits.
    hours = Counter(
        (datetime.fromisoformat(r["created_at"].replace("Z", "+00:00")) + WIB).hour for r in regs
    )
    assert min(hours) >= 9 and max(hours) <= 20
    micro = [r for r in regs if r["path"] == "pu_micro"]
    # The UMK of the event's city and year (contributions.toml: Antara Jateng 2019 for Solo,
    # Antara Sumsel 2021 and SK Gubernur Sumsel 982/2025 for Palembang); JKK by the sector's
    # risk group (PP 44/2015 Lampiran I) + JKM 0.30%.
    umk = {"SKA-SOSBPU-2019": 1_802_700, "SUMSEL-EXPO-2021": 3_270_093,
           "PEKAN-UMKM-2026": 4_192_837}  # fmt: skip
    assert micro and all(r["declared_income"] == umk[r["event_code"]] for r in micro)
    for r in micro:
        q = quote(r["declared_income"], sector=r["sector"], month=date(2019, 10, 1),
                  path="pu_micro")  # fmt: skip
        assert r["monthly_normal"] == q.normal_total, r["sector"]


def test_every_owner_and_sampled_workers_revalidate(regs) -> None:
    workers = [r for r in regs if r["role"] == "worker"]
    chosen = [r for r in regs if r["role"] == "owner"]
    chosen += random.Random(1).sample(workers, min(200, len(workers)))
    for row in chosen:
        day = _local_day(row["created_at"])
        draft = RegistrationDraft(
            nik=row["nik"], full_name=row["full_name"], birth_date=row["birth_date"],
            birth_place=row["birth_place"] or "", phone=row["phone"] or "",
            email=row["email"] or "", address=row["address"] or "",
            province_code=row["province_code"], business_name=row["business_name"] or "",
            sector=row["sector"], workers_count=row["workers_count"],
            declared_income=row["declared_income"], programs=tuple(row["programs"].split(",")),
            payment_months=row["payment_months"], consent_version=row["consent_version"],
            role=row["role"], path=row["path"],
        )  # fmt: skip
        result = validate_registration(draft, today=day, contribution_month=day.replace(day=1))
        assert not result.errors, (row["uuid"], result.errors)
        assert not result.warnings, (row["uuid"], result.warnings)
        record = result.record
        assert record is not None
        assert (record.monthly_normal, record.monthly_due) == (
            row["monthly_normal"], row["monthly_due"]
        )  # fmt: skip
        assert (int(record.estimate), record.ref_version) == (row["estimate"], row["ref_version"])
        assert ",".join(record.programs) == row["programs"]
        assert (record.phone, record.email) == (row["phone"], row["email"])


def test_niks_phones_and_people(sample, regs) -> None:
    path, _ = sample
    for row in regs:
        info = parse_nik(row["nik"], today=date(2026, 12, 31))
        assert info.is_valid, (row["nik"], info.errors)
        assert info.sex == row["sex"]
        assert info.birth_date is not None and info.birth_date.isoformat() == row["birth_date"]
        assert info.province_code == row["province_code"]
        expected = "33" if row["event_code"].startswith("SKA") else "16"
        assert row["province_code"] == expected
        age = (_local_day(row["created_at"]) - info.birth_date).days // 365.25
        assert 18 <= age <= 66  # 18–60 when made; a repeat registration years later is older
        assert row["consent_version"] == consent.current().version
    phones = [r["phone"] for r in regs if r["phone"]]
    phones += [lead["phone"] for lead in _rows(path, "SELECT phone FROM leads")]
    assert len(phones) > len(regs) * 0.7
    for phone in phones:
        assert parse_phone(phone).e164 == phone
    repeated = [nik for nik, n in Counter(r["nik"] for r in regs).items() if n > 1]
    assert 1 <= len(repeated) <= 40  # about 1%: duplicate-review demos


def test_uuids_seq_and_reference_numbers(sample, regs) -> None:
    path, _ = sample
    leads = _rows(path, "SELECT * FROM leads")
    for row in [*regs, *leads]:
        u = uuid.UUID(row["uuid"])
        assert (u.version, u.variant) == (7, uuid.RFC_4122)
        created = datetime.fromisoformat(row["created_at"].replace("Z", "+00:00"))
        assert u.int >> 80 == int(created.timestamp() * 1000)
        assert row["created_at"].endswith("Z") and len(row["created_at"]) == 24
    for row in regs:
        assert row["reference_no"] == reference_number(row["uuid"])
    seqs = [r["seq"] for r in [*regs, *leads]]
    assert len(set(seqs)) == len(seqs)
    (counter,) = sqlite3.connect(path).execute("SELECT value FROM counters WHERE name = 'seq'")
    assert counter[0] == max(seqs)
    # Untouched records take seq in the order they were saved.
    first_versions = sorted(
        (r["created_at"], r["seq"]) for r in [*regs, *leads] if r["version"] == 1
    )
    assert [s for _, s in first_versions] == sorted(s for _, s in first_versions)


def test_sync_states_edits_voids_and_audit(sample, regs) -> None:
    path, _ = sample
    for row in regs:
        if row["event_code"] == "PEKAN-UMKM-2026":
            # Never "rejected": only a real hub refuses (the sample's: outreach sample-hub).
            assert row["sync_state"] in ("pending", "duplicate")
        else:
            assert row["sync_state"] == "synced"
            assert row["synced_at"] > row["updated_at"]
            assert row["base_version"] == row["version"]
    live = [r for r in regs if r["event_code"] == "PEKAN-UMKM-2026"]
    assert sum(r["sync_state"] == "pending" for r in live) >= 0.85 * len(live)
    history = Counter(
        (h["uuid"], h["version"])
        for h in _rows(path, "SELECT * FROM record_history WHERE entity = 'registration'")
    )
    changed = [r for r in regs if r["version"] > 1]
    assert changed and all(history[(r["uuid"], 1)] == 1 for r in changed)
    assert all(r["voided_at"] and r["void_reason"] for r in regs if r["voided_at"])
    audit = _rows(path, "SELECT * FROM audit_log ORDER BY id")
    creates = {a["entity_uuid"]: a for a in audit if a["action"] == "registration.create"}
    for row in regs:
        if row["role"] == "owner":
            assert creates[row["uuid"]]["at"] == row["created_at"]
    assert [a["at"] for a in audit] == sorted(a["at"] for a in audit)
    owners = {r["uuid"]: r for r in regs if r["role"] == "owner"}
    for lead in _rows(path, "SELECT * FROM leads WHERE converted_uuid IS NOT NULL"):
        owner = owners[lead["converted_uuid"]]
        assert (owner["phone"], owner["full_name"]) == (lead["phone"], lead["full_name"])
        assert lead["created_at"] < owner["created_at"]


def _schema(path: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    finally:
        conn.close()


def test_database_is_sound(sample, tmp_path: Path) -> None:
    path, _ = sample
    with Store(path) as store:
        assert store.integrity_check() == ["ok"]
        summary = store.summary()
    assert summary.owners + summary.workers + summary.voided >= ROWS
    Store(tmp_path / "fresh.db").close()
    assert _schema(path) == _schema(tmp_path / "fresh.db")  # dropped indexes all rebuilt


def test_refuses_to_overwrite(sample, tmp_path: Path) -> None:
    path, _ = sample
    before = path.read_bytes()
    for force in (False, True):  # an SQLite file (an officer's database) never, not even forced
        with pytest.raises(TargetRefused, match="SQLite"):
            generate(path, force=force)
    assert path.read_bytes() == before
    leftover = tmp_path / "x.db"
    Path(f"{leftover}-wal").write_bytes(b"")
    with pytest.raises(TargetRefused, match="left from another database"):
        generate(leftover)
    assert not leftover.exists()
    other = tmp_path / "notes.txt"
    other.write_text("not a database")
    with pytest.raises(TargetRefused, match="already exists"):
        generate(other)
    assert generate(other, registrations=3, force=True).owners >= 1  # a plain file, forced


def test_empty_and_tiny(tmp_path: Path) -> None:
    assert generate(tmp_path / "zero.db", registrations=0).owners == 0
    tiny = generate(tmp_path / "one.db", registrations=1)
    assert (tiny.owners, tiny.workers) == (1, 0)


def test_failure_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: filler.Filler) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(filler.Filler, "run", broken)
    target = tmp_path / "broken.db"
    with pytest.raises(RuntimeError, match="boom"):
        generate(target)
    assert not target.exists()
