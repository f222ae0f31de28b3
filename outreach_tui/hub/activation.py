"""`outreach hub activation import FILE`: the core system's answer to the hand-offs.

Per row (CSV or XLSX, titles from the activation mapping): a person's outcome — enrolled
with a KPJ, the enrolment date, the first and latest paid months; or refused with a
reason. A row is matched to a handed registration (``handoff_items``) by its reference
number, else by NIK through the hub's keyed digest (the raw NIK is never stored). A row
that matches nothing is *unmatched*, one that could be several people (the same NIK
handed from two laptops, or a reference and a NIK naming different people) *ambiguous*:
both are reported, never guessed. The same outcome twice for one person is a *duplicate*
row (counted, applied once); two different outcomes for one person make the file
malformed.

All or nothing: the file is read row by row inside one write transaction; the first row
that does not parse stops the import with one line naming the row and the column, and
nothing is applied. Idempotent: an outcome equal to the one held changes nothing, so the
same file twice changes nothing (no activation, funnel or downlink change; the repeat is
audited and reported). Only what the funnel and the booth need is stored (status, KPJ,
dates, paid months, refusal reason).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from outreach_tui import files
from outreach_tui.domain.handoff_mapping import ActivationMapping
from outreach_tui.domain.ids import new_uuid
from outreach_tui.hub import audit, funnel
from outreach_tui.hub.ingest import next_feed_seq
from outreach_tui.hub.meta import HubInfo
from outreach_tui.hub.storage import Storage, Tx, utc_now

MAX_PROBLEMS = 1000  # rows listed in the report; the counts are always complete
OUTCOME_FIELDS = ("status", "kpj", "enrolled_on", "first_paid_month", "last_paid_month",
                  "refusal_reason")  # fmt: skip


class ActivationFileError(ValueError):
    """A file that cannot be imported: which row and column, and why (nothing applied)."""

    def __init__(self, code: str, *, row: int | None = None, column: str | None = None,
                 **params: Any) -> None:  # fmt: skip
        super().__init__(code)
        self.code, self.row, self.column, self.params = code, row, column, params

    def message(self, language: str = "id") -> str:
        from outreach_tui.i18n import t

        reason = t(f"activation.problem.{self.code}", language, **self.params)
        if self.row is None:
            return reason
        return t("activation.at", language, row=self.row, column=self.column or "-",
                 reason=reason)  # fmt: skip


@dataclass
class ActivationResult:
    file: str
    file_digest: str
    import_id: str | None
    rows: int = 0
    applied: int = 0
    unchanged: int = 0
    unmatched: int = 0
    ambiguous: int = 0
    duplicates: int = 0
    seen_before: bool = False
    problems: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Row:
    number: int
    reference_no: str | None
    nik: str | None
    outcome: dict[str, str | None]

    def digest(self) -> str:
        return hashlib.sha256(repr([self.outcome[k] for k in OUTCOME_FIELDS]).encode()).hexdigest()

    def who(self) -> str:
        """How the report names the row's person: the reference, or the NIK's last digits."""
        return self.reference_no or f"NIK …{(self.nik or '')[-4:]}"


# -- reading the file ------------------------------------------------------------------


def _raw_rows(path: Path, mapping: ActivationMapping) -> Iterator[tuple[int, list[Any]]]:
    """(row number as the user sees it, cells), the header row first."""
    if path.suffix.lower() == ".xlsx":
        yield from _xlsx_rows(path)
        return
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
            delimiter = mapping.delimiter
            if delimiter == "auto":
                delimiter = ";" if first.count(";") > first.count(",") else ","
            handle.seek(0)  # utf-8-sig skips a byte order mark again
            for number, cells in enumerate(csv.reader(handle, delimiter=delimiter), start=1):
                yield number, list(cells)
    except UnicodeDecodeError:
        raise ActivationFileError("not_utf8") from None
    except csv.Error as exc:
        raise ActivationFileError("bad_csv", reason=str(exc)[:100]) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ActivationFileError("bad_xlsx", reason=str(exc)[:100]) from None
    try:
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        book.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Reader:
    def __init__(self, mapping: ActivationMapping) -> None:
        self.mapping = mapping
        self.index: dict[str, int] = {}

    def header(self, cells: list[Any]) -> None:
        seen = {str(c).strip().casefold(): i for i, c in enumerate(cells) if not _blank(c)}
        for name, title in self.mapping.titles.items():
            if title.casefold() in seen:
                self.index[name] = seen[title.casefold()]
        if "status" not in self.index:
            title = self.mapping.titles["status"]
            raise ActivationFileError("missing_column", row=1, column=title, title=title)
        if not {"nik", "reference_no"} & set(self.index):
            names = " / ".join(self.mapping.titles[k] for k in ("reference_no", "nik")
                               if k in self.mapping.titles)  # fmt: skip
            raise ActivationFileError("missing_column", row=1, column=names, title=names)

    def cell(self, cells: list[Any], name: str) -> Any:
        i = self.index.get(name)
        if i is None or i >= len(cells) or _blank(cells[i]):
            return None
        value = cells[i]
        return value.strip() if isinstance(value, str) else value

    def row(self, number: int, cells: list[Any]) -> _Row | None:
        if all(_blank(c) for c in cells):
            return None
        m = self.mapping

        def fail(name: str, code: str, **params: Any) -> ActivationFileError:
            return ActivationFileError(code, row=number, column=m.titles.get(name, name),
                                       **params)  # fmt: skip

        reference = self.cell(cells, "reference_no")
        reference = str(reference).upper() if reference is not None else None
        nik = self.cell(cells, "nik")
        if isinstance(nik, float):
            raise fail("nik", "nik_number")
        if nik is not None:
            nik = str(nik).replace(" ", "")
            if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
                raise fail("nik", "bad_nik", value=nik[:20])
        if reference is None and nik is None:
            raise fail("reference_no" if "reference_no" in m.titles else "nik", "no_key")
        word = self.cell(cells, "status")
        if word is None:
            raise fail("status", "no_status")
        status = m.statuses.get(str(word).strip().upper())
        if status is None:
            raise fail("status", "bad_status", value=str(word)[:40],
                       known=", ".join(m.statuses))  # fmt: skip
        outcome: dict[str, str | None] = dict.fromkeys(OUTCOME_FIELDS)
        outcome["status"] = status
        if status == "refused":
            reason = self.cell(cells, "refusal_reason")
            if reason is None:
                raise fail("refusal_reason", "no_reason")
            outcome["refusal_reason"] = str(reason)[:300]
        else:
            kpj = self.cell(cells, "kpj")
            if isinstance(kpj, float) and kpj.is_integer():
                kpj = int(kpj)
            if kpj is None:
                raise fail("kpj", "no_kpj")
            outcome["kpj"] = str(kpj)[:40]
            outcome["enrolled_on"] = self._day(cells, "enrolled_on", fail, required=True)
            first = self._month(cells, "first_paid_month", fail)
            last = self._month(cells, "last_paid_month", fail)
            if last and not first:
                raise fail("first_paid_month", "no_first_month")
            if first and last and last < first:
                raise fail("last_paid_month", "months_order", first=first, last=last)
            outcome["first_paid_month"], outcome["last_paid_month"] = first, last or first
        return _Row(number, reference, nik, outcome)

    def _day(self, cells: list[Any], name: str, fail: Any, *, required: bool) -> str | None:
        value = self.cell(cells, name)
        if value is None:
            if required:
                raise fail(name, "no_date")
            return None
        if isinstance(value, datetime | date):
            return (value.date() if isinstance(value, datetime) else value).isoformat()
        try:
            return datetime.strptime(str(value), self.mapping.date_format).date().isoformat()
        except ValueError:
            raise fail(
                name,
                "bad_date",
                value=str(value)[:20],
                example=date(2026, 12, 31).strftime(self.mapping.date_format),
            ) from None

    def _month(self, cells: list[Any], name: str, fail: Any) -> str | None:
        value = self.cell(cells, name)
        if value is None:
            return None
        if isinstance(value, datetime | date):
            return f"{value.year:04d}-{value.month:02d}"
        try:
            parsed = datetime.strptime(str(value), self.mapping.month_format)
        except ValueError:
            raise fail(
                name,
                "bad_month",
                value=str(value)[:20],
                example=date(2026, 12, 1).strftime(self.mapping.month_format),
            ) from None
        return f"{parsed.year:04d}-{parsed.month:02d}"


# -- matching and applying -------------------------------------------------------------

_LIVE_ITEMS = (
    "SELECT DISTINCT h.uuid, h.nik_digest FROM handoff_items h WHERE {where} "
    "AND (SELECT k.kind FROM handoff_items k WHERE k.uuid = h.uuid "
    "     ORDER BY k.version DESC LIMIT 1) <> 'cancel'"
)


def _match(tx: Tx, hub: HubInfo, row: _Row) -> tuple[str, str | None]:
    """('matched', uuid) | ('unmatched', None) | ('ambiguous', None)."""
    digest = hub.nik_digest(row.nik) if row.nik else None
    if row.reference_no:
        found = tx.all(_LIVE_ITEMS.format(where="h.reference_no = ?"), (row.reference_no,))
        uuids = {r["uuid"] for r in found}
        if not uuids:
            return "unmatched", None
        if len(uuids) > 1:
            return "ambiguous", None
        if digest is not None and any(r["nik_digest"] not in (None, digest) for r in found):
            return "ambiguous", None  # the reference and the NIK name different people
        return "matched", uuids.pop()
    found = tx.all(_LIVE_ITEMS.format(where="h.nik_digest = ?"), (digest,))
    uuids = {r["uuid"] for r in found}
    if not uuids:
        return "unmatched", None
    if len(uuids) > 1:
        return "ambiguous", None
    return "matched", uuids.pop()


def import_activations(
    storage: Storage, hub: HubInfo, path: Path, mapping: ActivationMapping, *,
    actor: str | None = None,
) -> ActivationResult:  # fmt: skip
    """Apply the activation file at ``path`` in one transaction (see the module's text)."""
    try:
        digest = files.sha256_of(path)
    except FileNotFoundError:
        raise ActivationFileError("missing", path=str(path)) from None
    except OSError as exc:
        raise ActivationFileError("unreadable", path=str(path), reason=exc.strerror or "") from None

    def work(tx: Tx) -> ActivationResult:
        result = ActivationResult(str(path), digest, None)
        result.seen_before = (
            tx.one("SELECT id FROM activation_imports WHERE file_digest = ?", (digest,)) is not None
        )
        reader = _Reader(mapping)
        seen: dict[str, tuple[int, str]] = {}  # uuid -> (row, outcome digest) in this file
        raw = _raw_rows(path, mapping)
        header = next(raw, None)
        if header is None:
            raise ActivationFileError("empty")
        reader.header(header[1])
        for number, cells in raw:
            row = reader.row(number, cells)
            if row is None:
                continue
            result.rows += 1
            verdict, uuid = _match(tx, hub, row)
            if uuid is None:
                _problem(result, verdict, row)
                continue
            outcome_digest = row.digest()
            if uuid in seen:
                first_row, first_digest = seen[uuid]
                if first_digest != outcome_digest:
                    raise ActivationFileError(
                        "two_outcomes", row=number, column=mapping.titles["status"], first=first_row
                    )
                result.duplicates += 1
                _problem(result, "duplicate", row, first_row=first_row)
                continue
            seen[uuid] = (number, outcome_digest)
            _apply(tx, result, uuid, row, outcome_digest, mapping, actor)
        if result.applied:
            seq = next_feed_seq(tx)  # last: the downlink cursor is taken in commit order
            tx.execute("UPDATE activations SET feed_seq = ? WHERE import_id = ?",
                       (seq, result.import_id))  # fmt: skip
            tx.execute(
                "UPDATE activation_imports SET row_count = ?, applied = ?, unchanged = ?, "
                "unmatched = ?, ambiguous = ?, duplicates = ? WHERE id = ?",
                (result.rows, result.applied, result.unchanged, result.unmatched,
                 result.ambiguous, result.duplicates, result.import_id),
            )  # fmt: skip
        audit.append(tx, "activation.import", actor=actor, file=str(path), digest=digest,
                     import_id=result.import_id, rows=result.rows, applied=result.applied,
                     unchanged=result.unchanged, unmatched=result.unmatched,
                     ambiguous=result.ambiguous, duplicates=result.duplicates,
                     seen_before=result.seen_before)  # fmt: skip
        return result

    return storage.write(work)


def _problem(result: ActivationResult, kind: str, row: _Row, **extra: Any) -> None:
    if kind == "unmatched":
        result.unmatched += 1
    elif kind == "ambiguous":
        result.ambiguous += 1
    if len(result.problems) < MAX_PROBLEMS:
        result.problems.append({"row": row.number, "kind": kind, "who": row.who(), **extra})


def _apply(
    tx: Tx, result: ActivationResult, uuid: str, row: _Row, outcome_digest: str,
    mapping: ActivationMapping, actor: str | None,
) -> None:  # fmt: skip
    held = tx.one("SELECT outcome_digest FROM activations WHERE uuid = ?", (uuid,))
    if held is not None and held["outcome_digest"] == outcome_digest:
        result.unchanged += 1
        return
    now = utc_now()
    if result.import_id is None:
        result.import_id = new_uuid()
        tx.execute(
            "INSERT INTO activation_imports (id, at, actor, file_name, file_digest, "
            "mapping_name, row_count, applied, unchanged, unmatched, ambiguous, duplicates) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0)",
            (result.import_id, now, actor, result.file, result.file_digest, mapping.name),
        )
    o = row.outcome
    values = (o["status"], o["kpj"], o["enrolled_on"], o["first_paid_month"],
              o["last_paid_month"], o["refusal_reason"])  # fmt: skip
    columns = (*OUTCOME_FIELDS, "outcome_digest", "import_id", "updated_at", "feed_seq")
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
    tx.execute(
        f"INSERT INTO activations (uuid, {', '.join(columns)}) "
        f"VALUES (?, {', '.join('?' * len(columns))}) ON CONFLICT (uuid) DO UPDATE SET {updates}",
        (uuid, *values, outcome_digest, result.import_id, now, 0),
    )
    old = funnel.member(tx, uuid)
    if old is not None:
        funnel.move(tx, uuid, old, old.with_outcome(o))
    result.applied += 1


def outcomes_for_laptop(
    tx: Tx, laptop_id: str | None, start: int, end: int
) -> list[dict[str, Any]]:
    """The downlink's activation outcomes: of this laptop's records, published in the
    cursor window (start, end]."""
    if not laptop_id:
        return []
    return tx.all(
        "SELECT a.uuid, a.status, a.kpj, a.enrolled_on, a.first_paid_month, a.last_paid_month,"
        " a.refusal_reason, a.updated_at FROM activations a JOIN records r ON r.uuid = a.uuid "
        "WHERE a.feed_seq > ? AND a.feed_seq <= ? AND r.device_id = ? ORDER BY a.feed_seq, a.uuid",
        (start, end, laptop_id),
    )
