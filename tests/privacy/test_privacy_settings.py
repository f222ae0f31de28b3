"""The privacy settings (`auto_purge`, `idle_lock_minutes`, `retention_days`): config file <
OUTREACH_* environment < flags, and one-line refusals of values that make no sense."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach_tui.config import ConfigError, load_settings


def test_defaults(isolated: Path) -> None:
    settings = load_settings()
    assert settings.auto_purge and settings.idle_lock_minutes == 5 and settings.retention_days == 7


def test_file_then_environment_then_flags(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (isolated / "config.toml").write_text("auto_purge = false\nidle_lock_minutes = 10\n")
    settings = load_settings()
    assert (settings.auto_purge, settings.idle_lock_minutes) == (False, 10)
    monkeypatch.setenv("OUTREACH_AUTO_PURGE", "yes")
    monkeypatch.setenv("OUTREACH_IDLE_LOCK_MINUTES", "0")
    settings = load_settings()
    assert (settings.auto_purge, settings.idle_lock_minutes) == (True, 0)
    settings = load_settings(auto_purge=False, idle_lock_minutes=2)
    assert (settings.auto_purge, settings.idle_lock_minutes) == (False, 2)


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("idle_lock_minutes = -1", "idle_lock_minutes"),
        ("idle_lock_minutes = 2000", "idle_lock_minutes"),
        ('idle_lock_minutes = "soon"', "idle_lock_minutes"),
        ("idle_lock_minutes = true", "idle_lock_minutes"),
        ("retention_days = -1", "retention_days"),
        ("retention_days = 3651", "retention_days"),
        ('retention_days = "a week"', "retention_days"),
        ("retention_days = false", "retention_days"),
        ('auto_purge = "maybe"', "auto_purge"),
    ],
)
def test_bad_values_are_one_line_errors(isolated: Path, line: str, needle: str) -> None:
    (isolated / "config.toml").write_text(line + "\n")
    with pytest.raises(ConfigError, match=needle):
        load_settings()


def test_whole_number_settings_take_their_whole_range(isolated: Path) -> None:
    (isolated / "config.toml").write_text('retention_days = "3650"\nidle_lock_minutes = 1440\n')
    settings = load_settings()
    assert (settings.retention_days, settings.idle_lock_minutes) == (3650, 1440)
    (isolated / "config.toml").write_text("retention_days = 0\nidle_lock_minutes = 0\n")
    settings = load_settings()
    assert (settings.retention_days, settings.idle_lock_minutes) == (0, 0)
