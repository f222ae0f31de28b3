"""`outreach login`: the hub URL, the device token, the hub id and the hub's signing key,
in a 0600 TOML file. Login also registers this laptop (its id and its device key's public
half, with a signature that proves the laptop holds the key) with the hub.

The file lives next to config.toml in the platform's config dir unless the ``token_path``
setting points elsewhere. It is written atomically (temp file, fsync, rename), so a
crash never leaves half a token behind.
"""

from __future__ import annotations

import ipaddress
import json
import ssl
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from outreach_tui import files
from outreach_tui.config import APP_NAME, Settings
from outreach_tui.domain import origin
from outreach_tui.protocol.replies import Capabilities
from outreach_tui.store.database import utc_now
from outreach_tui.sync.errors import (
    BadCaCert,
    BadHubUrl,
    BadToken,
    CredentialsError,
    HubWithoutKey,
    InsecureUrl,
)


@dataclass(frozen=True)
class Credentials:
    url: str
    token: str
    hub_id: str
    insecure: bool = False  # plain http:// to a LAN address was allowed at login
    saved_at: str = ""
    ca_pem: str | None = None  # the branch CA (PEM) the hub's certificate must chain to
    ca_cert: str | None = None  # where that CA was read from at login (for people)
    hub_key: str | None = None  # the hub's receipt-signing key, pinned at login (base64)
    laptop_id: str | None = None  # the laptop id registered with that key at login


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
    if not text.isprintable() or " " in text or not _host_ok(parts.hostname):
        raise BadHubUrl(text[:80], url=text[:80])
    if parts.scheme == "http" and not insecure and not is_loopback(parts.hostname):
        raise InsecureUrl(text[:80], url=text[:80])
    return text.rstrip("/")


def _host_ok(host: str) -> bool:
    """A host name the client can look up: as the HTTP client and the resolver will encode
    it (IDNA), so a bad one is a one-line error here, not an exception at connect time."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    import idna  # httpx's own dependency; only when a hub URL is read

    try:
        if host.isascii():  # as typed; an xn-- label must be a real one
            labels = host.removesuffix(".").split(".")
            if len(host) > 253 or not all(0 < len(label) <= 63 for label in labels):
                return False
            for label in labels:
                if label.lower().startswith("xn--"):
                    idna.decode(label)
        else:
            idna.encode(host, uts46=True)
    except (idna.IDNAError, UnicodeError):
        return False
    return True


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
            ca_pem=str(data["ca_pem"]) if data.get("ca_pem") else None,
            ca_cert=str(data["ca_cert"]) if data.get("ca_cert") else None,
            hub_key=str(data["hub_key"]) if data.get("hub_key") else None,
            laptop_id=str(data["laptop_id"]) if data.get("laptop_id") else None,
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
            if value is not None
        ),
    ]
    try:
        # force: a new login replaces the old credentials (a regular file only).
        files.write_bytes(path, ("\n".join(lines) + "\n").encode(), force=True)
    except files.FileWriteError as exc:
        raise CredentialsError(exc.message("en"), path=str(path)) from exc


def read_ca(path: Path) -> str:
    """The PEM text of a CA certificate file, checked to load as a trust anchor."""
    shown = str(path)[:120]
    try:
        pem = Path(path).expanduser().read_text(encoding="ascii")
        ssl.create_default_context(cadata=pem)
    except (OSError, UnicodeDecodeError, ValueError, ssl.SSLError) as exc:
        raise BadCaCert(f"{shown}: {type(exc).__name__}", path=shown) from exc
    if "-----BEGIN CERTIFICATE-----" not in pem:
        raise BadCaCert(f"{shown}: no PEM certificate", path=shown)
    return pem


def check_token(token: str) -> str:
    """The token without surrounding blanks, or ``BadToken`` (exit 2) when it cannot be a
    hub's: a non-ASCII or spaced token is a typing or copying mistake, not a wrong address."""
    token = token.strip()
    if not token or not token.isascii() or not token.isprintable() or " " in token:
        raise BadToken("token")
    return token


def login(
    url: str,
    token: str,
    path: Path,
    *,
    laptop: Callable[[], tuple[str, bytes]],
    insecure: bool = False,
    ca_cert: Path | None = None,
) -> tuple[Credentials, Capabilities]:
    """Check the URL answers as an outreach hub that accepts the token, register this
    laptop with it (``laptop()``: its id and device key, asked for only then, so a wrong
    server or token never touches the laptop's file), then save URL, token, hub id and the
    hub's signing key (and the branch CA the hub's certificate is checked against)."""
    token = check_token(token)
    base = normalise_url(url, insecure=insecure)
    ca_pem = None
    if ca_cert is not None:
        if not base.startswith("https://"):
            raise BadCaCert(f"{str(ca_cert)[:120]}: https only", path=str(ca_cert)[:120])
        ca_pem = read_ca(ca_cert)
    from outreach_tui.sync.client import HubClient  # httpx: only when a login talks to a hub

    with HubClient(base, token, tries=2, ca_pem=ca_pem) as client:
        caps = client.capabilities()
        if caps.hub_key is None:
            raise HubWithoutKey(base, url=base)
        client.check_token()  # a mistyped, expired or revoked token fails here, not at sync
        laptop_id, device_key = laptop()
        public = origin.public_key(device_key)
        proof = origin.sign(device_key, origin.register_message(caps.hub_id, laptop_id, public))
        client.register(laptop_id, public, proof)
    shown = str(Path(ca_cert).expanduser().resolve()) if ca_cert is not None else None
    credentials = Credentials(
        base, token, caps.hub_id, insecure, utc_now(), ca_pem, shown, caps.hub_key, laptop_id
    )
    save(path, credentials)
    return credentials, caps
