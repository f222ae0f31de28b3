"""Typed settings: config file < OUTREACH_* environment variables < command-line flags.

The file is TOML in the platform's config dir (``outreach config-path`` prints it):

    db = "/home/petugas/outreach.db"
    language = "id"
    officer = "PLG-01"
    event = "SUMSEL-EXPO-2021"
    hub_url = "http://10.0.0.5:8765"
    retention_days = 7        # `outreach purge`: keep acknowledged personal data this long
    auto_purge = true         # purge after every good `outreach sync` and at booth start-up
    idle_lock_minutes = 5     # booth: lock after this long without a key (0: never;
                              # flag: outreach --idle-lock-minutes N)
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "outreach"
ENV_PREFIX = "OUTREACH_"


class ConfigError(Exception):
    """The config file cannot be used (one-line reason): a catalogue key (``config.*``)
    and its values, said in the officer's language by ``message``."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params
        super().__init__(self.message("en"))

    def message(self, language: str) -> str:
        from outreach_tui.i18n import t

        return t(self.key, language, **self.params)


@dataclass(frozen=True)
class Settings:
    db: Path
    language: str = "id"
    officer: str | None = None
    event: str | None = None
    hub_url: str | None = None
    token_path: Path | None = None
    retention_days: int = 7  # days personal data stays after the hub acknowledged it
    auto_purge: bool = True  # purge after a good `outreach sync` and at booth start-up
    idle_lock_minutes: int = 5  # booth idle auto-lock (needs officer PINs); 0 = off


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "outreach.db"


def config_path() -> Path:
    override = os.environ.get(f"{ENV_PREFIX}CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def _from_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError("config.not_toml", path=str(path), detail=str(exc)) from exc
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError("config.unknown", path=str(path), names=", ".join(unknown))
    return data


def _from_env() -> dict[str, Any]:
    values = {}
    for f in fields(Settings):
        value = os.environ.get(ENV_PREFIX + f.name.upper())
        if value:
            values[f.name] = value
    return values


# Whole-number settings and their ranges: up to ten years of retention, a day of idling.
_RANGES = {"retention_days": 3650, "idle_lock_minutes": 1440}


def _whole_number(name: str, value: Any) -> int:
    """``value`` (from the file, the environment or a flag) as a whole number from 0 to the
    setting's maximum; anything else is a ConfigError naming the setting."""
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else -1
    except ValueError:
        number = -1
    if not 0 <= number <= _RANGES[name]:
        raise ConfigError(f"config.{name}", value=repr(value))
    return number


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _switch(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ConfigError("config.switch", name=name, value=repr(value))


def load_settings(**flags: Any) -> Settings:
    """Merge the three sources; flags that are None do not override."""
    merged: dict[str, Any] = {"db": default_db_path(), "language": "id"}
    merged.update(_from_file(config_path()))
    merged.update(_from_env())
    merged.update({k: v for k, v in flags.items() if v is not None})
    for key in ("db", "token_path"):
        if merged.get(key) is not None:
            merged[key] = Path(merged[key]).expanduser()
    for name in _RANGES:
        if name in merged:
            merged[name] = _whole_number(name, merged[name])
    if "auto_purge" in merged:
        merged["auto_purge"] = _switch("auto_purge", merged["auto_purge"])
    if merged.get("language") not in ("id", "en"):
        raise ConfigError("config.language", value=repr(merged.get("language")))
    return replace(Settings(db=merged.pop("db")), **merged)


def guess_language(argv: list[str]) -> str:
    """The language for a message before the settings could be read (a usage error, a
    bad config file): ``--lang`` in ``argv``, then OUTREACH_LANGUAGE, then the config
    file's, then Bahasa Indonesia. Never raises."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            wanted: Any = argv[i + 1]
            break
        if arg.startswith("--lang="):
            wanted = arg.partition("=")[2]
            break
    else:
        wanted = os.environ.get(f"{ENV_PREFIX}LANGUAGE")
        if wanted is None:
            try:
                wanted = _from_file(config_path()).get("language")
            except (ConfigError, OSError):
                wanted = None
    return wanted if wanted in ("id", "en") else "id"
