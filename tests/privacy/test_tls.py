"""In transit: the real hub under uvicorn serves HTTPS with a certificate from a test CA
made here; `outreach login --ca-cert` trusts that CA (saved with the credentials) and
`outreach sync` works through it. Without the CA, or with another CA's certificate, the
laptop refuses at once (exit 7, one line) and sends nothing. Plain http:// to a host
other than this machine is refused unless --insecure (exit 2)."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from outreach_tui.hub.storage import open_storage
from outreach_tui.store import Store
from outreach_tui.sync import credentials as creds
from tests.privacy.conftest import rows, run
from tests.support.hub_server import HubServer, enroll_device

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("privacy-tls")]


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(folder: Path, cn: str) -> tuple[Path, ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn)).issuer_name(_name(cn)).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    path = folder / f"{cn.replace(' ', '-').lower()}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path, key, cert


def make_server_cert(
    folder: Path, ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate
) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    san = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1")).issuer_name(ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "hub-cert.pem", folder / "hub-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    key_path.chmod(0o600)
    return cert_path, key_path


class TlsHub:
    def __init__(self, server: HubServer, db: Path, ca: Path, other_ca: Path) -> None:
        self.server, self.db, self.ca, self.other_ca = server, db, ca, other_ca

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def tls_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsHub]:
    folder = tmp_path_factory.mktemp("tls")
    ca, ca_key, ca_cert = make_ca(folder, "Outreach Test CA")
    other_ca, _, _ = make_ca(folder, "Some Other CA")
    cert, key = make_server_cert(folder, ca_key, ca_cert)
    db = folder / "hub.db"
    server = HubServer(db, "--tls-cert", str(cert), "--tls-key", str(key), ca_cert=ca)
    with server:
        yield TlsHub(server, db, ca, other_ca)


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("outreach: ") and "Traceback" not in result.output
    return lines[0]


def test_the_hub_serves_https(tls_hub: TlsHub) -> None:
    assert tls_hub.url.startswith("https://127.0.0.1:")


def test_login_with_the_branch_ca_then_sync_over_tls(
    tls_hub: TlsHub, store: Store, register: Callable, isolated: Path
) -> None:
    _, token = enroll_device(tls_hub.db)
    saved = register(workers=1)
    result = run("login", tls_hub.url, token, "--ca-cert", str(tls_hub.ca), "--json",
                 db=store.path)  # fmt: skip
    assert result.exit_code == 0, result.output
    login = json.loads(result.stdout)
    assert login["ca_cert"] == str(tls_hub.ca.resolve()) and login["insecure"] is False
    stored = creds.load(isolated / "secret" / "credentials.toml")
    assert stored is not None and "BEGIN CERTIFICATE" in (stored.ca_pem or "")
    synced = run("sync", "--json", db=store.path)
    assert synced.exit_code == 0, synced.output
    report = json.loads(synced.stdout)
    assert report["counts"]["accepted"] == 2 and report["still_pending"] == 0
    with open_storage(str(tls_hub.db)) as hub, hub.read() as tx:
        assert tx.scalar("SELECT COUNT(*) AS n FROM records WHERE uuid = ?",
                         (saved.owner.uuid,)) == 1  # fmt: skip
    actions = [a.action for a in store.audit.entries()]
    assert "sync.batch_acked" in actions


def test_login_without_the_ca_is_refused_with_one_line(tls_hub: TlsHub, isolated: Path) -> None:
    _, token = enroll_device(tls_hub.db)
    result = run("login", tls_hub.url, token)
    assert result.exit_code == 7
    line = one_line_error(result)
    assert "certificate" in line and "--ca-cert" in line
    assert not (isolated / "secret" / "credentials.toml").exists()


def test_a_certificate_from_another_ca_is_refused(tls_hub: TlsHub, isolated: Path) -> None:
    _, token = enroll_device(tls_hub.db)
    result = run("login", tls_hub.url, token, "--ca-cert", str(tls_hub.other_ca))
    assert result.exit_code == 7 and "certificate" in one_line_error(result)


def test_sync_stops_when_the_certificate_no_longer_verifies(
    tls_hub: TlsHub, store: Store, register: Callable, isolated: Path
) -> None:
    _, token = enroll_device(tls_hub.db)
    assert run("login", tls_hub.url, token, "--ca-cert", str(tls_hub.ca),
               db=store.path).exit_code == 0  # fmt: skip
    path = isolated / "secret" / "credentials.toml"
    saved = creds.load(path)
    assert saved is not None
    # the laptop now trusts another CA only (a hub swapped for an impostor looks the same)
    creds.save(path, creds.Credentials(saved.url, saved.token, saved.hub_id,
                                       ca_pem=tls_hub.other_ca.read_text()))  # fmt: skip
    register()
    result = run("sync", db=store.path)
    assert result.exit_code == 7
    assert "certificate" in one_line_error(result)
    states = {r["sync_state"] for r in rows(store.path, "SELECT sync_state FROM registrations")}
    assert states <= {"pending", "uploading"}  # nothing lost, still waiting


def test_ca_cert_needs_https_and_a_real_certificate(tmp_path: Path) -> None:
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("hello")
    result = run("login", "https://hub.lan:8765", "otk_x", "--ca-cert", str(not_pem))
    assert result.exit_code == 2 and "PEM" in one_line_error(result)
    result = run("login", "http://127.0.0.1:9", "otk_x", "--ca-cert", str(not_pem))
    assert result.exit_code == 2


@pytest.mark.parametrize("url", ["http://10.0.0.5:8765", "http://hub.cabang.lan",
                                 "http://192.168.1.20:8765/outreach"])  # fmt: skip
def test_plain_http_to_another_host_is_refused_unless_insecure(url: str, isolated: Path) -> None:
    result = run("login", url, "otk_x")
    assert result.exit_code == 2 and "--insecure" in one_line_error(result)
    assert not (isolated / "secret" / "credentials.toml").exists()
    with pytest.raises(creds.InsecureUrl):
        creds.normalise_url(url)
    assert creds.normalise_url(url, insecure=True) == url
    for loopback in ("http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"):
        assert creds.normalise_url(loopback) == loopback


@pytest.mark.parametrize("url", [
    "https://🎉.invalid", "https://a..b", "https://.invalid", f"https://{'a' * 70}.lan",
    "https://xn--zz.invalid", "https://a\x01b.invalid", "https://hub.lan/\x7f", "https://hub lan",
])  # fmt: skip
def test_a_hub_url_the_client_cannot_look_up_is_refused_in_one_line(url: str) -> None:
    # Before: an exception from the IDNA codec at connect time (a traceback in `hub relay`,
    # `tally --hub`, `targets --hub`).
    with pytest.raises(creds.BadHubUrl):
        creds.normalise_url(url)
    result = run("tally", "--by", "day", "--hub", url, "--token", "otk_x")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert len(one_line_error(result).splitlines()) == 1
    for good in ("https://münchen.de", "https://xn--mnchen-3ya.de", "https://hub.bpjs.go.id.",
                 "https://my_hub.cabang.lan:8765/outreach"):  # fmt: skip
        assert creds.normalise_url(good) == good.rstrip("/")
