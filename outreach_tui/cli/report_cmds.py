"""Supervisor reports: `outreach tally`, `outreach targets`, `outreach export-report`.

Each reads one source: an officer's file (``--db``, default the global ``--db``), a hub
database (``--hub-db``: SQLite path or postgresql:// URL) or, for tally and targets, a
hub over HTTP (``--hub URL`` with a supervisor ``--token`` or the ``outreach login``
credentials). Days are Asia/Jakarta dates. Also registers the hub's review commands
(``outreach hub duplicates|review|branch-target``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from outreach_tui import files
from outreach_tui.cli import hub_review_cmds
from outreach_tui.cli.hub_cmds import hub_errors
from outreach_tui.cli.output import EXIT_USAGE, JsonFlag, console, err_console, fail, print_json
from outreach_tui.cli.report_sources import open_source
from outreach_tui.cli.sync_cmds import sync_errors
from outreach_tui.config import Settings
from outreach_tui.domain.typed_input import parse_date
from outreach_tui.i18n import t
from outreach_tui.reports import export, render, tally, targets
from outreach_tui.reports.sources import ExportSource

LaptopDb = Annotated[Path | None, typer.Option("--db")]
HubDb = Annotated[str | None, typer.Option("--hub-db")]
HubUrl = Annotated[str | None, typer.Option("--hub")]
Token = Annotated[str | None, typer.Option("--token")]
First = Annotated[str | None, typer.Option("--from")]
Last = Annotated[str | None, typer.Option("--to")]
By = Annotated[
    list[str] | None,
    typer.Option("--by"),
]
Unit = Annotated[str | None, typer.Option("--unit")]
TABLE_FORMATS = ("table", "csv", "json")


def _settings(ctx: typer.Context) -> Settings:
    settings: Settings = ctx.find_root().obj
    return settings


def _day(value: str | None, lang: str) -> date | None:
    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        fail(t("report.bad_date", lang, value=value[:40]), EXIT_USAGE)
    return parsed


def _range(first: str | None, last: str | None, lang: str) -> tuple[date | None, date | None]:
    low, high = _day(first, lang), _day(last, lang)
    if low and high and low > high:
        fail(t("report.bad_range", lang), EXIT_USAGE)
    return low, high


def _month(
    month: str | None, first: str | None, last: str | None, lang: str
) -> tuple[date | None, date | None]:
    """``--month YYYY-MM`` as its first and last day (never with --from/--to), else the
    --from/--to range."""
    if month is None:
        return _range(first, last, lang)
    if first is not None or last is not None:
        fail(t("report.month_and_range", lang), EXIT_USAGE)
    import calendar

    text = month.strip()
    # ASCII digits only ("²⁰²⁶" and "٢٠٢٦" are digits to str.isdigit), and a year date() has.
    found = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text)
    if found is None or int(found[1]) < 1 or not 1 <= int(found[2]) <= 12:
        fail(t("report.bad_month", lang, value=text[:20]), EXIT_USAGE)
    year, number = int(found[1]), int(found[2])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def _dimensions(by: list[str] | None, lang: str, default: tuple[str, ...]) -> tuple[str, ...]:
    wanted = [part.strip() for item in (by or default) for part in item.split(",") if part]
    if by is not None and not any(wanted):  # --by "" is a mistake, not "no grouping"
        fail(t("report.bad_dimension", lang, value="", allowed=", ".join(tally.DIMENSIONS)),
             EXIT_USAGE)  # fmt: skip
    try:
        return tally.check_dimensions(wanted)
    except ValueError as exc:
        fail(t("report.bad_dimension", lang, value=str(exc)[:40],
               allowed=", ".join(tally.DIMENSIONS)), EXIT_USAGE)  # fmt: skip


def local_today() -> date:
    from outreach_tui.store.outbox import local_zone

    return datetime.now(local_zone()).date()


@hub_errors
@sync_errors
def tally_command(
    ctx: typer.Context,
    by: By = None,
    first: First = None,
    last: Last = None,
    fmt: Annotated[str, typer.Option("--format")] = "table",
    chart: Annotated[bool, typer.Option("--chart")] = False,
    metric: Annotated[str, typer.Option("--metric")] = "registrations",
    db: LaptopDb = None,
    hub_db: HubDb = None,
    hub: HubUrl = None,
    token: Token = None,
    unit: Unit = None,
    as_json: JsonFlag = False,
) -> None:
    """Counts per day, officer, event, sector, program or path (several --by combine)."""
    settings = _settings(ctx)
    lang = settings.language
    fmt = "json" if as_json else fmt.lower()
    if fmt not in TABLE_FORMATS:
        fail(t("report.bad_format", lang, value=fmt[:20], allowed=", ".join(TABLE_FORMATS)),
             EXIT_USAGE)  # fmt: skip
    if chart and fmt != "table":
        fail(t("report.chart_table_only", lang), EXIT_USAGE)
    if metric not in tally.METRIC_NAMES:
        fail(t("report.bad_metric", lang, value=metric[:40],
               allowed=", ".join(tally.METRIC_NAMES)), EXIT_USAGE)  # fmt: skip
    dims = _dimensions(by, lang, ("day",))
    low, high = _range(first, last, lang)
    with open_source(settings, db=db, hub_db=hub_db, hub=hub, token=token, unit=unit) as source:
        try:
            result = tally.tally(source, dims, low, high)
        except tally.NeedsUnits as exc:
            fail(t("report.needs_units", lang, by=str(exc)), EXIT_USAGE)
    if fmt == "json":
        print_json(result.as_dict())
    elif fmt == "csv":
        typer.echo(render.tally_csv(result), nl=False)
    elif not result.rows:
        console.print(t("report.no_rows", lang))
    elif chart:
        from outreach_tui.reports.charts import tally_chart

        console.print(tally_chart(result, metric, lang))
    else:
        console.print(render.tally_table(result, lang))


@hub_errors
@sync_errors
def targets_command(
    ctx: typer.Context,
    today: Annotated[str | None, typer.Option("--today")] = None,
    chart: Annotated[bool, typer.Option("--chart")] = False,
    db: LaptopDb = None,
    hub_db: HubDb = None,
    hub: HubUrl = None,
    token: Token = None,
    unit: Unit = None,
    as_json: JsonFlag = False,
) -> None:
    """Progress against event and branch targets: value, %, remaining, pace per day left."""
    settings = _settings(ctx)
    lang = settings.language
    day = _day(today, lang) or local_today()
    with open_source(settings, db=db, hub_db=hub_db, hub=hub, token=token, unit=unit) as source:
        found = targets.progress(source, day)
    if as_json:
        print_json({"source": source.kind, "today": day.isoformat(),
                    "targets": [p.as_dict() for p in found]})  # fmt: skip
    elif not found:
        console.print(t("report.no_targets", lang))
    elif chart:
        from outreach_tui.reports.charts import progress_bars

        console.print(progress_bars(found, lang))
    else:
        console.print(render.targets_table(found, lang))


@hub_errors
def export_report_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out")],
    fmt: Annotated[str | None, typer.Option("--format")] = None,
    by: By = None,
    first: First = None,
    last: Last = None,
    force: Annotated[bool, typer.Option("--force")] = False,
    db: LaptopDb = None,
    hub_db: HubDb = None,
    hub: Annotated[str | None, typer.Option("--hub", hidden=True)] = None,
    unit: Unit = None,
    month: Annotated[str | None, typer.Option("--month")] = None,
    as_json: JsonFlag = False,
) -> None:
    """One row per registration and lead (or per tally group with --by), CSV or XLSX."""
    settings = _settings(ctx)
    lang = settings.language
    if hub is not None:
        fail(t("report.no_export_over_http", lang), EXIT_USAGE)
    fmt = (fmt or out.suffix.lstrip(".") or "csv").lower()
    if fmt not in export.FORMATS:
        fail(t("report.bad_format", lang, value=fmt[:20], allowed=", ".join(export.FORMATS)),
             EXIT_USAGE)  # fmt: skip
    # Never onto the database read (either kind), a device, a symlink or an SQLite file;
    # an existing file only with --force. Checked now, before the slow part, and again
    # by files.write_with just before the rename.
    protect = [p for p in (db, settings.db, hub_db) if p and "://" not in str(p)]
    files.check_target(out, force=force, protect=protect)
    low, high = _month(month, first, last, lang)
    dims = _dimensions(by, lang, ()) if by else ()
    with open_source(settings, db=db, hub_db=hub_db, unit=unit) as source:
        if dims:
            try:
                grouped = tally.tally(source, dims, low, high)
            except tally.NeedsUnits as exc:
                fail(t("report.needs_units", lang, by=str(exc)), EXIT_USAGE)
            columns = [*grouped.by, *tally.METRIC_NAMES]
            shown = export.tally_presentation(columns, lang)
            result = export.write(grouped.records(), columns, out, fmt, sheet="tally",
                                  force=force, protect=protect, presentation=shown)  # fmt: skip
        else:
            assert isinstance(source, ExportSource)
            result = _export_records(source, out, fmt, low, high, quiet=as_json, lang=lang,
                                     force=force, protect=protect)  # fmt: skip
        if hub_db is not None:
            _audit_hub_export(source, result, unit=unit, by=dims, low=low, high=high)
    if as_json:
        print_json({**result.as_dict(), "source": source.kind, "by": list(dims),
                    "from": low.isoformat() if low else None,
                    "to": high.isoformat() if high else None})  # fmt: skip
    else:
        console.print(t("report.exported", lang, rows=result.rows, path=str(result.out)),
                      markup=False)  # fmt: skip


def _audit_hub_export(
    source: object, result: export.ExportResult, *, unit: str | None, by: tuple[str, ...],
    low: date | None, high: date | None,
) -> None:  # fmt: skip
    """A hub's rows leaving it are audited (``report.export``: who, which unit and days,
    how many rows, where); should the entry fail, the file is taken back."""
    from outreach_tui.cli.hub_review_cmds import _reviewer
    from outreach_tui.hub.tallies import HubTallies

    assert isinstance(source, HubTallies)
    try:
        source.record_export(
            actor=_reviewer(), unit=unit.strip().upper() if unit else None, by=list(by),
            first=low, last=high, fmt=result.format, out=str(result.out), rows=result.rows,
        )  # fmt: skip
    except BaseException:
        if result.written is not None:
            files.take_back(result.written)
        raise


def _export_records(
    source: ExportSource, out: Path, fmt: str, low: date | None, high: date | None,
    *, quiet: bool, lang: str, force: bool, protect: list[str | Path],
) -> export.ExportResult:  # fmt: skip
    show = not quiet and err_console.is_terminal
    total = source.count_records(low, high) if show else None
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err_console, transient=True, disable=not show,
    ) as bar:  # fmt: skip
        task = bar.add_task(t("report.exporting", lang), total=total)
        rows = export.record_rows(source.export_rows(low, high))
        return export.write(rows, export.RECORD_COLUMNS, out, fmt, force=force, protect=protect,
                            progress=lambda n: bar.update(task, completed=n),
                            presentation=export.records_presentation(lang))  # fmt: skip


def register(app: typer.Typer) -> None:
    """Attach tally, targets, export-report and the hub's review commands."""
    app.command("tally")(tally_command)
    app.command("targets")(targets_command)
    app.command("export-report")(export_report_command)
    hub_review_cmds.register()
