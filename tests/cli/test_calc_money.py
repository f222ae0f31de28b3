"""`outreach calc --months N` and `--apbn` (issue #15 "Right rupiah"; sources in
../shared/reference/bpjstk-bpu.md: PP 50/2025 windows and art. 3, advance payment "each
month at the rule in force for that month", due dates on working days)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from outreach_tui.cli.main import app

cli = CliRunner()


def calc(*args: str) -> tuple[int, str, str]:
    result = cli.invoke(app, ["calc", "--income", "1000000", *args])
    return result.exit_code, result.stdout, result.stderr


def test_six_months_across_the_end_of_the_discount_json() -> None:
    code, out, _ = calc("--sector", "perdagangan", "--jht", "--month", "2026-11",
                        "--months", "6", "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    paid = data["prepayment"]
    assert [m["due"] for m in paid["months"]] == [28_400, 28_400, 36_800, 36_800, 36_800, 36_800]
    assert paid["total"] == 204_000 != 6 * data["due_total"]  # not 6 × Rp28,400 = Rp170,400
    assert paid["first_month"] == "2026-11-01" and paid["last_month"] == "2027-04-01"
    assert paid["discounted_months"] == 2 and paid["count"] == 6
    assert data["due_by"] == "2026-11-16"  # Sunday 15 Nov 2026 -> Monday


def test_one_month_has_no_prepayment_and_the_table_shows_the_breakdown() -> None:
    code, out, _ = calc("--sector", "perdagangan", "--month", "2026-11", "--json")
    assert code == 0 and json.loads(out)["prepayment"] is None
    code, out, _ = calc("--sector", "perdagangan", "--month", "2026-12", "--months", "3")
    assert code == 0
    assert "Rincian 3 bulan" in out and "2027-02" in out
    assert "Untuk 3 bulan (12-2026–02-2027): Rp42.000" in out  # 8,400 + 2 × 16,800
    assert "tunggakan dibayar untuk aktif kembali" in " ".join(out.split())


def test_apbn_gets_no_discount() -> None:
    code, out, _ = calc("--sector", "ojek", "--month", "2026-11", "--apbn", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["state_funded"] is True and data["discount"] is None
    assert data["due_total"] == 16_800
    code, out, _ = calc("--sector", "ojek", "--month", "2026-11", "--apbn")
    assert "APBN/APBD: tanpa diskon PP 50/2025" in out


def test_a_period_not_offered_is_a_one_line_error() -> None:
    code, out, err = calc("--sector", "perdagangan", "--months", "5")
    assert code == 1 and out == ""
    assert err.strip() == "outreach: Bayar di muka hanya untuk 1, 2, 3, 6, 12 bulan (diberikan: 5)."
