"""Issue 15, observation 11: the CLI speaks one language. A representative set of
commands, run with --lang id and --lang en, must not hold words of the other language:
messages, tables, charts, one-line errors, usage errors (through a real process: click's
own English box was what a user saw) and an aborted prompt. JSON keys and data (event
names, the Indonesian WhatsApp message to a visitor) are not messages and are left out.
``calc`` is left out too: its legal-basis column is reference data (the reference
dataset's ``legal_basis`` text), not a catalogue message."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach_tui.cli.main import app
from outreach_tui.sampledata.generator import generate
from tests.support.hub_server import ROOT

pytestmark = pytest.mark.xdist_group("cli-language")
runner = CliRunner()

# Whole words (lower case) of the other language that no message may hold.
ENGLISH = {
    "records", "record", "registrations", "registration", "leads", "owners", "workers",
    "synced", "sync", "error", "file", "files", "the", "and", "not", "with", "written",
    "waiting", "days", "usage", "option", "options", "missing", "invalid", "aborted",
    "unknown", "saved", "device", "enrolled", "would", "send", "backup", "create",
    "created", "exported", "bundle", "no", "such", "command", "try", "help", "progress",
    "tally", "event", "officer", "branch", "ended", "reached", "active",
    "revoked", "expired",
}  # fmt: skip
INDONESIAN = {
    "berkas", "tersimpan", "catatan", "pendaftaran", "calon", "peserta", "belum", "tidak",
    "sudah", "dan", "untuk", "ditulis", "hari", "acara", "petugas", "cabang", "pemilik",
    "pekerja", "jumlah", "sinkron", "dikirim", "kesalahan", "opsi", "perintah", "lihat",
    "menunggu", "dibatalkan", "selesai", "dengan", "atau", "yang", "rekap", "capaian",
    "cadangan", "perangkat", "terdaftar", "prospek", "sektor", "jalur", "ditolak", "bulan",
}  # fmt: skip
FOREIGN = {"id": ENGLISH, "en": INDONESIAN}
# Data, not messages: event and branch names of the sample, and the sample's own words.
# A help page may wrap a name across its box's lines at any terminal width.
DATA = re.compile(r"Pekan UMKM Sumsel 2026|Sumsel Marketing Expo 2021|"
                  r"Sosialisasi BPU UMKM Surakarta|Laptop Rina|"
                  r"Kantor[\s│]+Cabang(?:[\s│]+\w+)?")  # fmt: skip


def words(text: str) -> set[str]:
    """The words of ``text``, paths, ids, codes and sample names taken out first."""
    text = DATA.sub(" ", text)
    # JSON keys in the audit's detail column, whole or cut short by the column ('{"regis…').
    text = re.sub(r'"[a-z_]+', " ", text)
    text = re.sub(r"\((pilih|choose from): [^)]*\)", " ", text)  # values to type, codes
    text = re.sub(r"\S*[/\\]\S*", " ", text)  # paths (the test's temp folder has words)
    text = re.sub(r"\b[\w-]*\d[\w-]*\b", " ", text)  # uuids, codes such as PLG-01, dates
    text = re.sub(r"'?outreach [a-z-]+( [a-z-]+){0,2}'?|--[a-z-]+", " ", text)  # commands
    return set(re.findall(r"[^\W\d_]+", text.lower()))


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("language") / "laptop.db"
    generate(path, seed=7, registrations=300)
    return path


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("OUTREACH_TOKEN_PATH", str(tmp_path / "credentials.toml"))
    monkeypatch.delenv("OUTREACH_LANGUAGE", raising=False)
    monkeypatch.setenv("COLUMNS", "120")


def in_process(lang: str, laptop: Path, tmp: Path) -> dict[str, str]:
    hub = tmp / "hub.db"
    commands = [
        ["nik", "1671014512900001"], ["nik", "123"], ["benefits", "--income", "1000000"],
        ["doctor"], ["event", "list"], ["tally", "--by", "sector", "--by", "path"],
        ["tally", "--by", "path", "--chart"], ["targets"], ["targets", "--chart"],
        ["purge", "--dry-run"], ["encrypt", "status"], ["sync", "--dry-run"], ["sync"],
        ["audit", "--limit", "8"], ["backup", "--out", str(tmp / "copy.db")],
        ["export", "--out", str(tmp / "x.bundle")],
        ["export-report", "--out", str(tmp / "r.xlsx")],
        ["tally", "--by", "foo"], ["tally", "--from", "2026-13-01"],
        ["sample-hub", "--out", str(hub)],
        ["hub", "enroll", "--db", str(hub), "--officer", "PLG-01", "--device", "Laptop Rina"],
        ["hub", "devices", "--db", str(hub)], ["hub", "status", "--db", str(hub)],
        ["hub", "duplicates", "--db", str(hub)],
    ]  # fmt: skip
    if lang == "id":  # in English the WhatsApp text to the visitor stays Indonesian (data)
        commands.append(["leads", "--due"])
    out = {}
    for command in commands:
        result = runner.invoke(app, ["--lang", lang, "--db", str(laptop), *command])
        assert "Traceback" not in result.output, result.output
        out[" ".join(command[:3])] = result.output
    return out


def real_process(lang: str, laptop: Path, tmp: Path) -> dict[str, str]:
    """What click itself would have said, through ``outreach`` (main.run)."""
    commands = [
        ["tally", "--bogus"],
        ["export-report"],
        ["nosuch"],
        ["nik", "1", "2"],
        ["sample", "--out", str(tmp / "z.db"), "--registrations", "abc"],
        ["officer", "set-pin", "PLG-01"],  # the prompt meets the end of stdin: aborted
    ]
    env = {**os.environ, "OUTREACH_CONFIG": str(tmp / "config.toml")}
    out = {}
    for command in commands:
        done = subprocess.run(
            [sys.executable, "-m", "outreach_tui", "--lang", lang, "--db", str(laptop), *command],
            cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
            timeout=60,
        )  # fmt: skip
        assert done.returncode in (1, 2), (command, done.returncode, done.stderr)
        # Only our line: Python's getpass warns in English on a non-terminal (not ours).
        ours = [line[line.index("outreach: "):] for line in done.stderr.splitlines()
                if "outreach: " in line]  # fmt: skip
        assert len(ours) == 1 and "Traceback" not in done.stderr, done.stderr
        out[" ".join(command[:2])] = done.stdout + ours[0]
    return out


@pytest.mark.parametrize("lang", ["id", "en"])
def test_cli_messages_hold_no_word_of_the_other_language(
    lang: str, laptop: Path, tmp_path: Path
) -> None:
    outputs = {**in_process(lang, laptop, tmp_path), **real_process(lang, laptop, tmp_path)}
    assert all(text.strip() for text in outputs.values()), outputs
    mixed = {
        command: sorted(found)
        for command, text in outputs.items()
        if (found := words(text) & FOREIGN[lang])
    }
    assert not mixed, mixed
    # Not trivially passing: the outputs are in the chosen language.
    own = FOREIGN["en" if lang == "id" else "id"]
    spoken = set().union(*(words(text) for text in outputs.values()))
    assert len(spoken & own) >= 15, sorted(spoken & own)
