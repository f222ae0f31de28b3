"""Every dimension a tally or the funnel can be grouped by has a column title in both
languages (a region's tally once showed the raw key "report.dim.branch")."""

from __future__ import annotations

import pytest

from outreach_tui.hub import funnel
from outreach_tui.i18n import t
from outreach_tui.reports import tally


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_group_has_a_title(language: str) -> None:
    keys = [f"report.dim.{d}" for d in tally.DIMENSIONS] + [f"funnel.dim.{d}" for d in funnel.BY]
    untitled = [key for key in keys if t(key, language) == key]
    assert untitled == []
