"""`outreach calc` and `outreach benefits` on the PU-micro path and the BPU band (issue #20:
the JSON carries the risk group, the UMK source year and the band used). Sources: PP 44/2015
Lampiran I and II; shared/reference/bpjstk-bpu.md (audit of December 2026); the UMK rows'
own sources in data/contributions.toml."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app

cli = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = cli.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    (
        "region",
        "month",
        "sector",
        "umk",
        "source_year",
        "group",
        "jkk",
        "due_by",
        "estimate",
        "source",
    ),
    [
        # Farming is group II (verified): 0.54% + 0.30% of the Solo 2025 UMK, due the 15th of
        # the following month (Tue 15 Apr 2025).
        (
            "Kota Surakarta",
            "2025-03",
            "pertanian",
            2_416_560,
            2025,
            "II",
            13_049,
            "2025-04-15",
            False,
            "TribunSolo 14 Nov 2025; PP 44/2015 Lampiran I; audit Dec 2026 (due date)",
        ),
        # No Solo 2026 UMK in the dataset: the 2025 one, marked as an estimate.
        (
            "3372",
            "2026-03",
            "pertanian",
            2_416_560,
            2025,
            "II",
            13_049,
            "2026-04-15",
            True,
            "TribunSolo 14 Nov 2025 (2025 figure for 2026)",
        ),
        # Palembang 2026: construction, group V (not verified: estimate); 15 Nov 2026 is a
        # Sunday, so October's contribution is due Monday 16 Nov.
        (
            "Kota Palembang",
            "2026-10",
            "konstruksi",
            4_192_837,
            2026,
            "V",
            72_955,
            "2026-11-16",
            True,
            "SK Gubernur Sumsel 982/KPTS/2025; PP 44/2015 Lampiran I group V 1.74%",
        ),
    ],
)
def test_calc_pu_micro_json_carries_group_umk_year_and_due_date(
    region, month, sector, umk, source_year, group, jkk, due_by, estimate, source
) -> None:
    code, out, err = run("calc", "--path", "pu_micro", "--region", region, "--sector", sector,
                         "--month", month, "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["income"] == umk, source
    assert data["minimum_wage"]["source_year"] == source_year, source
    assert data["minimum_wage"]["estimate"] is (source_year != int(month[:4])), source
    assert data["risk_group"]["roman"] == group, source
    assert data["programs"][0]["normal"] == jkk, source
    assert data["due_by"] == due_by, source
    assert data["estimate"] is estimate, source
    assert data["band"] is None  # the band table is the BPU path's


def test_calc_pu_micro_table_names_the_group_and_the_umk() -> None:
    code, out, _ = run("--lang", "en", "calc", "--path", "pu_micro", "--region", "Kota Surakarta",
                       "--sector", "pertanian", "--month", "2026-03")  # fmt: skip
    assert code == 0
    assert "JKK risk group II (0.54%)" in out
    assert "Minimum wage Kota Surakarta 2025: Rp2.416.560" in out
    assert "the 2025 figure is used (estimate)" in " ".join(out.split())
    assert "The employer pays by 2026-04-15" in " ".join(out.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("calc", "--sector", "kuliner"), "--income"),  # neither income nor a region
        (
            ("calc", "--path", "pu_micro", "--region", "Kota Atlantis", "--sector", "kuliner"),
            "Kota Atlantis",
        ),
        (
            (
                "calc",
                "--path",
                "pu_micro",
                "--region",
                "Kota Surakarta",
                "--sector",
                "kuliner",
                "--month",
                "2018-05",
            ),
            "2018",
        ),  # before the dataset's first Solo figure (2019)
    ],
)
def test_pu_micro_without_a_wage_is_a_one_line_error(args, message) -> None:
    code, out, err = run(*args)
    assert code != 0 and out == ""
    assert err.startswith("outreach: ") and message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("income", "basis", "jht", "estimate", "source"),
    [
        ("1000000", 1_000_000, 20_000, False, "PP 44/2015 Lampiran II lowest band"),
        ("30000000", 20_700_000, 414_000, True, "audit Dec 2026: JHT on the JKK band (U)"),
    ],
)
def test_calc_and_benefits_json_carry_the_band(income, basis, jht, estimate, source) -> None:
    code, out, _ = run("calc", "--income", income, "--sector", "kuliner", "--jht",
                       "--month", "2027-01", "--json")  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["band"]["basis"] == basis, source
    assert data["programs"][2] == data["programs"][2] | {"program": "JHT", "normal": jht}
    assert data["band"]["estimate"] is estimate, source
    code, out, _ = run("benefits", "--income", income, "--json")
    data = json.loads(out)
    assert code == 0 and data["band"]["basis"] == data["basis"] == basis, source
    assert data["estimate"] is estimate and data["risk_group"] is None


def test_benefits_json_on_the_pu_micro_path() -> None:
    code, out, err = run("benefits", "--income", "2416560", "--path", "pu_micro", "--sector",
                         "pertanian", "--region", "Kota Surakarta", "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["path"] == "pu_micro" and data["band"] is None
    assert data["risk_group"]["number"] == 2 and data["risk_group"]["rate_bp"] == 54
    assert data["minimum_wage"]["region_code"] == "3372"
    assert data["minimum_wage"]["source_year"] <= 2026
