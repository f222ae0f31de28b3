"""`outreach login`: the hub URL, the device token and the hub id, in a 0600 TOML file.

The file lives next to config.toml in the platform's config dir unless the ``token_path``
setting points elsewhere. It is written atomically (temp file, fsync, rename), so a
crash never leaves half a token behind.
"""

from __future__ import annotations

import ipaddress
import json
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from outreach_tui.config import APP_NAME, Settings
from outreach_tui.store.database import utc_now
from outreach_tui.sync.bundle import write_atomic
from outreach_tui.sync.client import Capabilities, HubClient
from outreach_tui.sync.errors import BadHubUrl, CredentialsError, InsecureUrl


@dataclass(frozen=True)
class Credentials:
    url: str
    token: str
    hub_id: str
    insecure: bool = False  # plain http:// to a LAN address was allowed at login
    saved_at: str = ""


def credentials_path(settings: Settings) -> Path:
    if settings.token_path is not None:
        return Path(settings.token_path).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "credentials.toml"


def normalise_url(url: str, *, insecure: bool = False) -> str:
    """``http(s)://host[:port][/prefix]`` without a trailing slash; plain http only to a
    loopback address unless ``insecure`` (the token would cross the network in clear)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise BadHubUrl(text[:80], url=text[:80]) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise BadHubUrl(text[:80], url=text[:80])
    if parts.scheme == "http" and not insecure and not is_loopback(parts.hostname):
        raise InsecureUrl(text[:80], url=text[:80])
    return text.rstrip("/")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load(path: Path) -> Credentials | None:
    """The saved credentials, or None when nobody logged in on this laptop yet."""
    if not path.exists():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Credentials(
            url=str(data["url"]),
            token=str(data["token"]),
            hub_id=str(data["hub_id"]),
            insecure=bool(data.get("insecure", False)),
            saved_at=str(data.get("saved_at", "")),
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise CredentialsError(f"{path}: {type(exc).__name__}", path=str(path)) from exc


def save(path: Path, credentials: Credentials) -> None:
    # JSON strings are valid TOML basic strings for the ASCII values stored here.
    lines = [
        "# outreach login: hub credentials of this laptop (keep private)",
        *(
            f"{key} = {json.dumps(value) if isinstance(value, str) else str(value).lower()}"
            for key, value in asdict(credentials).items()
        ),
    ]
    try:
        write_atomic(path, ("\n".join(lines) + "\n").encode())
    except OSError as exc:
        raise CredentialsError(f"{path}: {exc.strerror or exc}", path=str(path)) from exc


def login(
    url: str, token: str, path: Path, *, insecure: bool = False
) -> tuple[Credentials, Capabilities]:
    """Check the URL answers as an outreach hub that accepts the token, then save URL,
    token and hub id."""
    base = normalise_url(url, insecure=insecure)
    token = token.strip()
    if not token or any(c.isspace() for c in token) or not token.isascii():
        raise BadHubUrl("token", url=base)
    with HubClient(base, token, tries=2) as client:
        caps = client.capabilities()
        client.check_token()  # a mistyped, expired or revoked token fails here, not at sync
    credentials = Credentials(base, token, caps.hub_id, insecure, utc_now())
    save(path, credentials)
    return credentials, caps
