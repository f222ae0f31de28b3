"""`outreach hub handoff|handoffs|funnel` and `outreach hub activation import` (issue 18).

The hand-off to the Perisai channel (a file the branch uploads), the core system's answer
imported back, and the funnel they feed. Mappings are TOML files (docs/HANDOFF.md).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from outreach_tui.cli.hub_cmds import DbOption, UnitOption, _lang, hub_app, hub_errors
from outreach_tui.cli.hub_review_cmds import _reviewer as _actor
from outreach_tui.cli.hub_review_cmds import scope_for
from outreach_tui.cli.output import EXIT_INVALID, EXIT_USAGE, JsonFlag, console, fail, print_json
from outreach_tui.i18n import t

activation_app = typer.Typer(name="activation", no_args_is_help=True, add_completion=False)
MappingOption = Annotated[Path | None, typer.Option("--mapping")]
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _say(text: str) -> None:
    console.print(text, markup=False, soft_wrap=True)


def _since(value: str, lang: str) -> str | None:
    if value.upper() == "LAST":
        return None
    try:
        if _DAY.match(value):
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    fail(t("handoff.bad_since", lang, value=value[:40]), EXIT_USAGE)


def _mapping_or_fail(load: Any, path: Path | None, lang: str) -> Any:
    from outreach_tui.domain.handoff_mapping import MappingError

    try:
        return load(path)
    except MappingError as exc:
        fail(exc.message(lang), EXIT_USAGE)


@hub_errors
def handoff_command(
    ctx: typer.Context,
    db: DbOption,
    out: Annotated[Path, typer.Option("--out")],
    since: Annotated[str, typer.Option("--since")] = "LAST",
    unit: Annotated[str | None, typer.Option("--unit")] = None,
    fmt: Annotated[str | None, typer.Option("--format")] = None,
    mapping: MappingOption = None,
    force: Annotated[bool, typer.Option("--force")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Write the registrations not yet handed off (new ones, corrections, cancellations)
    to a file for the Perisai channel, and record the hand-off."""
    from outreach_tui.domain.handoff_mapping import load_handoff_mapping
    from outreach_tui.hub.handoff import NothingToHandOff, hand_off
    from outreach_tui.hub.storage import open_storage

    lang = _lang(ctx)
    first = _since(since.strip(), lang)
    if unit is not None and not _CODE.match(unit.strip()):
        fail(t("handoff.bad_unit", lang, value=unit[:40]), EXIT_USAGE)
    code = unit.strip().upper() if unit else None
    chosen = (fmt or out.suffix.lstrip(".") or "xlsx").lower()
    if chosen not in ("xlsx", "csv"):
        fail(t("handoff.bad_format", lang, value=chosen[:20]), EXIT_USAGE)
    loaded = _mapping_or_fail(load_handoff_mapping, mapping, lang)
    with open_storage(db, create=False) as storage:
        try:
            result = hand_off(storage, loaded, out, fmt=chosen, since=first, unit=code,
                              actor=_actor(), force=force)  # fmt: skip
        except NothingToHandOff:
            filters = (t("handoff.filter_since", lang, since=first) if first else "") + (
                t("handoff.filter_unit", lang, unit=code) if code else ""
            )
            if as_json:
                print_json({"handoff": None})
            else:
                _say(t("handoff.nothing", lang, filters=filters))
            return
    if as_json:
        print_json({"handoff": result.as_dict()})
        return
    _say(t("handoff.done", lang, id=result.id, out=result.out, format=result.format,
           rows=result.rows, new=result.new, corrections=result.corrections,
           cancels=result.cancels, unchanged=result.unchanged,
           digest=result.file_digest))  # fmt: skip


@hub_errors
def handoffs_command(ctx: typer.Context, db: DbOption, as_json: JsonFlag = False) -> None:
    """The hand-offs recorded on the hub, newest first: when, who, how many, the file's digest."""
    from outreach_tui.hub.handoff import listing
    from outreach_tui.hub.storage import open_storage

    lang = _lang(ctx)
    with open_storage(db, create=False) as storage:
        rows = listing(storage)
    if as_json:
        print_json({"handoffs": rows})
        return
    if not rows:
        _say(t("handoff.list_none", lang))
    for r in rows:
        _say(t("handoff.list_row", lang, at=r["created_at"], id=r["id"], rows=r["row_count"],
               new=r["new_count"], corrections=r["correction_count"],
               cancels=r["cancel_count"], format=r["format"], file=r["file_name"]))  # fmt: skip


@hub_errors
def activation_import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument()],
    db: DbOption,
    mapping: MappingOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Import the core system's answer: KPJ, enrolment date and paid months, or a refusal;
    all or nothing, the same file twice changes nothing."""
    from outreach_tui.domain.handoff_mapping import load_activation_mapping
    from outreach_tui.hub.activation import ActivationFileError, import_activations
    from outreach_tui.hub.meta import load_hub_info
    from outreach_tui.hub.storage import open_storage

    lang = _lang(ctx)
    loaded = _mapping_or_fail(load_activation_mapping, mapping, lang)
    with open_storage(db, create=False) as storage:
        try:
            result = import_activations(storage, load_hub_info(storage), file, loaded,
                                        actor=_actor())  # fmt: skip
        except ActivationFileError as exc:
            fail(exc.message(lang), EXIT_INVALID)
    if as_json:
        print_json({"activation": result.as_dict()})
        return
    _say(t("activation.done", lang, file=result.file, rows=result.rows, applied=result.applied,
           unchanged=result.unchanged, duplicates=result.duplicates,
           unmatched=result.unmatched, ambiguous=result.ambiguous))  # fmt: skip
    if result.seen_before and not result.applied:
        _say(t("activation.seen_before", lang))
    shown = result.problems[:20]
    for p in shown:
        kind = t(f"activation.kind_{p['kind']}", lang, first_row=p.get("first_row", ""))
        _say(t("activation.problem_row", lang, row=p["row"], kind=kind, who=p["who"]))
    hidden = result.unmatched + result.ambiguous + result.duplicates - len(shown)
    if hidden > 0:
        _say(t("activation.more_problems", lang, count=hidden))


def _day_or_fail(value: str | None, name: str, lang: str) -> date | None:
    if value is None:
        return None
    try:
        if _DAY.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    fail(t("cli.bad_date", lang, value=f"{name} {value[:20]}"), EXIT_USAGE)


@hub_errors
def funnel_command(
    ctx: typer.Context,
    db: DbOption,
    by: Annotated[list[str] | None, typer.Option("--by")] = None,
    first: Annotated[str | None, typer.Option("--first")] = None,
    last: Annotated[str | None, typer.Option("--last")] = None,
    today: Annotated[str | None, typer.Option("--today")] = None,
    chart: Annotated[bool, typer.Option("--chart")] = False,
    unit: UnitOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The funnel after the booth per day, officer, event, branch, region or area, with
    conversions; ``--unit`` keeps to one unit's subtree."""
    from outreach_tui.hub import funnel
    from outreach_tui.hub.storage import open_storage
    from outreach_tui.reports.funnel import funnel_chart, funnel_table, rates, targets_table
    from outreach_tui.reports.tally import NeedsUnits

    lang = _lang(ctx)
    groups = list(by or [])
    for value in groups:
        if value not in funnel.BY:
            fail(t("funnel.bad_by", lang, value=value[:20]), EXIT_USAGE)
    day = _day_or_fail(today, "--today", lang) or date.today()
    start, end = _day_or_fail(first, "--first", lang), _day_or_fail(last, "--last", lang)
    if start and end and start > end:
        fail(t("funnel.bad_range", lang), EXIT_USAGE)
    with open_storage(db, create=False) as storage:
        scope = scope_for(storage, unit)
        try:
            rows = funnel.table(storage, groups, today=day, first=start, last=end, scope=scope)
        except NeedsUnits as exc:
            fail(t("report.needs_units", lang, by=str(exc)), EXIT_USAGE)
        goals = funnel.targets(storage, today=day, scope=scope)
        # The chart's whole, asked for itself: an area's rows count a branch in each area.
        whole = (funnel.table(storage, [], today=day, first=start, last=end, scope=scope)
                 if chart and rows else [])  # fmt: skip
    if as_json:
        print_json({"by": groups, "today": day.isoformat(), "unit": unit,
                    "steps": list(funnel.STEPS),
                    "rows": [{**r, "conversion": rates(r)} for r in rows],
                    "targets": goals})  # fmt: skip
        return
    if not rows:
        _say(t("funnel.empty", lang))
    else:
        console.print(funnel_table(rows, groups, lang))
        if chart:
            console.print(funnel_chart(whole[0], lang))
    if goals:
        console.print(targets_table(goals, lang))


@hub_errors
def funnel_target_command(
    ctx: typer.Context,
    db: DbOption,
    measure: Annotated[str, typer.Option("--measure")],
    target: Annotated[int, typer.Option("--target", min=0, max=100_000_000)],
    branch: Annotated[str | None, typer.Option("--branch")] = None,
    event: Annotated[str | None, typer.Option("--event")] = None,
    unit: UnitOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Set a target on any step of the funnel, for a branch, an event or a unit."""
    from outreach_tui.hub import funnel
    from outreach_tui.hub.storage import open_storage

    lang = _lang(ctx)
    given = {"branch": branch, "event": event, "unit": unit}
    chosen = [kind for kind, value in given.items() if value is not None]
    code = (given[chosen[0]] or "").strip().upper() if len(chosen) == 1 else ""
    if len(chosen) != 1 or measure not in funnel.STEPS or not _CODE.match(code):
        fail(t("funnel.bad_target", lang, measures=", ".join(funnel.STEPS)), EXIT_USAGE)
    scope = chosen[0]
    with open_storage(db, create=False) as storage:
        saved = funnel.set_target(storage, scope, code, measure, target, actor=_actor())
    if as_json:
        print_json({"target": saved})
        return
    _say(t("funnel.target_set", lang, scope=t(f"funnel.scope.{scope}", lang), code=code,
           measure=t(f"funnel.{measure}", lang), target=target))  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add the commands to `outreach hub` (call after hub_cmds.register)."""
    hub_app.command("handoff")(handoff_command)
    hub_app.command("handoffs")(handoffs_command)
    activation_app.command("import")(activation_import_command)
    hub_app.command("funnel")(funnel_command)
    hub_app.command("funnel-target")(funnel_target_command)
    hub_app.add_typer(activation_app, name="activation")
