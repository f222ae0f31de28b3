"""`outreach leads --due`: the call-back list from the command line, on a real file."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain import localtime
from outreach_tui.domain.models import LeadDraft
from outreach_tui.domain.validation import validate_lead
from outreach_tui.store import Store
from tests.conftest import OFFICER


def booth_today() -> date:
    """The booth's day at a Palembang event (WIB), whatever the laptop's clock zone."""
    return localtime.today("Asia/Jakarta")


cli = CliRunner(env={"COLUMNS": "80"})  # the width of a booth terminal


def _lead(store: Store, event_id: str, name: str, phone: str, follow_up: date | None) -> str:
    draft = LeadDraft(
        full_name=name, phone=phone, interest="JKM", consent_contact=True,
        consent_version="2026.1", follow_up_on=f"{follow_up:%d-%m-%Y}" if follow_up else "",
    )  # fmt: skip
    record = validate_lead(draft, today=booth_today()).record
    assert record is not None
    return store.leads.save(record, officer_code=OFFICER, event_id=event_id).uuid


def test_leads_due_lists_today_and_overdue_with_a_whatsapp_link(
    store: Store, event_id: str, db_path: Path
) -> None:
    today = booth_today()
    overdue = _lead(store, event_id, "Andi Wijaya", "0821-7777-8888", today)
    store.leads.record_callback(
        overdue, "no_answer", next_follow_up_on=today - timedelta(days=3), officer_code=OFFICER
    )
    due_today = _lead(store, event_id, "Dewi Lestari", "0812-9999-0000", today)
    _lead(store, event_id, "Nanti Saja", "0813-2222-3333", today + timedelta(days=3))
    _lead(store, event_id, "Tanpa Jadwal", "0813-4444-5555", None)

    result = cli.invoke(app, ["--db", str(db_path), "leads", "--due", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["total"] == 2
    assert [(e["uuid"], e["days_overdue"]) for e in report["leads"]] == [
        (overdue, 3), (due_today, 0)
    ]  # fmt: skip
    first = report["leads"][0]
    assert first["last_outcome"] == "no_answer" and first["callbacks"] == 1
    link = urlparse(first["whatsapp_link"])
    assert link.netloc == "wa.me" and link.path == "/6282177778888"
    text = parse_qs(link.query)["text"][0]
    assert text == first["message"] and "Andi Wijaya" in text and "Rina Marlina" in text
    assert "Expo UMKM Palembang" in text

    every = cli.invoke(app, ["--db", str(db_path), "leads", "--json"])
    assert json.loads(every.stdout)["total"] == 3  # the one without a date is never listed

    table = cli.invoke(app, ["--db", str(db_path), "leads", "--due"])
    assert table.exit_code == 0, table.output
    assert "terlambat 3 hari" in table.stdout and "hari ini" in table.stdout
    assert "Tidak diangkat" in table.stdout and "https://wa.me/6282177778888" in table.stdout
    english = cli.invoke(app, ["--db", str(db_path), "--lang", "en", "leads", "--due"])
    assert "3 days overdue" in english.stdout and "No answer" in english.stdout


def test_a_converted_lead_leaves_the_list_and_counts_in_the_tally(
    store: Store, event_id: str, db_path: Path, register
) -> None:
    lead_uuid = _lead(store, event_id, "Andi Wijaya", "0821-7777-8888", booth_today())
    owner = register().owner
    store.leads.mark_converted(lead_uuid, owner.uuid, officer_code=OFFICER)
    due = cli.invoke(app, ["--db", str(db_path), "leads", "--due", "--json"])
    assert json.loads(due.stdout)["total"] == 0
    tally = cli.invoke(app, ["--db", str(db_path), "tally", "--by", "event", "--json"])
    assert tally.exit_code == 0, tally.output
    assert json.loads(tally.stdout)["totals"]["converted"] == 1


def test_no_leads_says_so(store: Store, db_path: Path) -> None:
    result = cli.invoke(app, ["--db", str(db_path), "leads", "--due"])
    assert result.exit_code == 0
    assert "Tidak ada calon yang perlu dihubungi" in result.stdout
