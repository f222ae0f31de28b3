"""`outreach event add|list` on a real file: a market day added without `outreach init`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.domain import localtime
from outreach_tui.store import Store


def booth_today() -> date:
    """The booth's day at a Palembang event (WIB), whatever the laptop's clock zone."""
    return localtime.today("Asia/Jakarta")


cli = CliRunner()


def test_add_an_event_for_today_and_use_it(booth_store: Store, db_path: Path) -> None:
    args = ["--db", str(db_path), "event", "add", "--name", "Bazar UMKM Kenten", "--use",
            "--json"]  # fmt: skip
    first = cli.invoke(app, args)
    assert first.exit_code == 0, first.output
    made = json.loads(first.stdout)
    code = f"BAZAR-UMKM-KENTEN-{booth_today():%Y%m%d}"
    assert made["event"] == code and made["created"] is True
    event = booth_store.setup.event(code)
    assert event is not None and event["starts_on"] == event["ends_on"] == booth_today().isoformat()
    assert event["city"] == "Palembang" and event["branch_code"] == "PLG"  # the officer's branch
    assert booth_store.settings.get("event_id") == event["id"]
    again = cli.invoke(app, args)
    assert again.exit_code == 0 and json.loads(again.stdout)["created"] is False
    assert len(booth_store.setup.events()) == 2  # the fixture's event and this one

    listed = json.loads(cli.invoke(app, ["--db", str(db_path), "event", "list", "--json"]).stdout)
    assert listed["events"][0]["code"] == code and listed["events"][0]["status"] == "running"
    assert listed["events"][0]["current"] is True


def test_bad_event_input_is_one_line_and_changes_nothing(booth_store: Store, db_path: Path) -> None:
    for extra in (["--name", ""], ["--name", "Pasar", "--starts", "31-02-2026"],
                  ["--name", "Pasar", "--starts", "10-12-2026", "--ends", "09-12-2026"],
                  ["--name", "Pasar\x1b[31m"], ["--name", "Pasar", "--target", "-3"]):  # fmt: skip
        result = cli.invoke(app, ["--db", str(db_path), "event", "add", *extra])
        assert result.exit_code == 2, (extra, result.output)
        assert result.output.count("outreach:") == 1 and "Traceback" not in result.output
    assert len(booth_store.setup.events()) == 1
