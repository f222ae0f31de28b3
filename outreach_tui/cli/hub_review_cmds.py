"""`outreach hub duplicates|review|branch-target|search`: the supervisor's side of the hub.

Like every `outreach hub …` command they work on the hub database directly (``--db``: an
SQLite path or a postgresql:// URL), also while the server runs. Review outcomes reach
the officers' laptops through the sync downlink (``review_outcomes``).
"""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from outreach_tui.cli.hub_cmds import (
    DbOption,
    UnitOption,
    _lang,
    hub_app,
    hub_errors,
)
from outreach_tui.cli.output import EXIT_USAGE, JsonFlag, console, fail, print_json
from outreach_tui.i18n import t

OUTCOME_WORDS = {"same": "same_person", "different": "different_people"}


def _open(db: str) -> Any:
    from outreach_tui.hub.storage import open_storage

    return open_storage(db, create=False)


def scope_for(storage: Any, unit: str | None) -> frozenset[str] | None:
    """What ``--unit CODE`` lets a command see (None: the whole hub); an unknown unit is
    a one-line error, and so is an empty one (not the whole hub)."""
    if unit is None:
        return None
    from outreach_tui.hub import units

    with storage.read() as tx:
        code = units.clean_unit_code(unit)
        units.get_kind(tx, code)
        return units.scope_of(tx, code)


def _reviewer() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@hub_errors
def duplicates(
    ctx: typer.Context,
    db: DbOption,
    include_reviewed: Annotated[bool, typer.Option("--all")] = False,
    unit: UnitOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Possible duplicates: one NIK from several laptops, or one name + birth date + phone
    under several NIKs."""
    from outreach_tui.hub.duplicates import list_cases
    from outreach_tui.hub.meta import load_hub_info

    lang = _lang(ctx)
    with _open(db) as storage:
        scope = scope_for(storage, unit)
        cases = list_cases(storage, load_hub_info(storage), include_reviewed=include_reviewed,
                           scope=scope)  # fmt: skip
    if as_json:
        print_json({"cases": cases})
        return
    if not cases:
        console.print(t("report.no_cases", lang))
        return
    console.print(t("report.cases_title", lang, n=len(cases)), markup=False)
    for case in cases:
        state = t("report.case.open" if case["open"] else "report.case.closed", lang)
        kind = t(f"report.case.kind_{case['kind']}", lang)
        table = Table(title=f"{case['case_id']} · {kind} · {state}", title_justify="left",
                      box=box.SIMPLE_HEAD, pad_edge=False)  # fmt: skip
        for key in ("name", "birth_date", "phone", "nik", "officer", "unit", "day", "review"):
            table.add_column(t(f"report.ccol.{key}", lang), overflow="fold")
        for r in case["records"]:
            review = t(f"report.outcome.{r['outcome']}", lang) if r["outcome"] else "—"
            # Another unit's registration: where and when, not who (hub/duplicates.py).
            name = r["full_name"] if r["nik"] is not None else t("report.case.elsewhere", lang)
            table.add_row(Text(name or ""), r["birth_date"] or "", Text(r["phone"] or "—"),
                          r["nik"] or "—", r["officer_code"], r["unit_code"] or "—", r["day"],
                          review)  # fmt: skip
        console.print(table)


@hub_errors
def review(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument()],
    outcome: Annotated[str, typer.Argument()],
    db: DbOption,
    note: Annotated[str | None, typer.Option("--note")] = None,
    unit: UnitOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Record the decision on a possible duplicate; officers get it on their next sync."""
    from outreach_tui.hub.duplicates import review_case

    lang = _lang(ctx)
    decided = OUTCOME_WORDS.get(outcome.strip().lower(), outcome.strip().lower())
    if decided not in OUTCOME_WORDS.values():
        fail(t("report.bad_outcome", lang, value=outcome[:40]), EXIT_USAGE)
    with _open(db) as storage:
        saved = review_case(storage, case_id, decided, reviewer=_reviewer(), note=note,
                            scope=scope_for(storage, unit))  # fmt: skip
    if as_json:
        print_json(saved)
        return
    console.print(
        t("report.reviewed", lang, case=saved["case_id"], n=len(saved["reviewed"]),
          outcome=t(f"report.outcome.{decided}", lang)), markup=False,
    )  # fmt: skip


@hub_errors
def branch_target(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument()],
    db: DbOption,
    name: Annotated[str | None, typer.Option()] = None,
    city: Annotated[str | None, typer.Option()] = None,
    year: Annotated[int | None, typer.Option(min=2000, max=2100)] = None,
    new_employers: Annotated[int | None, typer.Option(min=0)] = None,
    informal: Annotated[int | None, typer.Option(min=0)] = None,
    as_json: JsonFlag = False,
) -> None:
    """Set a branch's yearly targets on the hub (shown by `outreach targets --hub-db`)."""
    from outreach_tui.hub.tallies import set_branch_targets

    lang = _lang(ctx)
    values = {"name": name, "city": city, "target_year": year,
              "target_new_employers": new_employers, "target_informal": informal}  # fmt: skip
    with _open(db) as storage:
        saved = set_branch_targets(storage, code.strip().upper(), values, actor=_reviewer())
    if as_json:
        print_json({"branch": saved})
    else:
        console.print(t("report.branch_saved", lang, code=saved["code"]), markup=False)


def register() -> None:
    """Add the commands to the `outreach hub` group."""
    hub_app.command("duplicates")(duplicates)
    hub_app.command("review")(review)
    hub_app.command("branch-target")(branch_target)
    hub_app.command("search")(search)


@hub_errors
def search(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument()],
    db: DbOption,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    offset: Annotated[int, typer.Option(min=0, max=10**9)] = 0,  # SQLite's ints end at 2**63
    as_json: JsonFlag = False,
) -> None:
    """Find records on the hub by name (three characters or more, anywhere in the name);
    names starting with it first."""
    from outreach_tui.hub.search import MIN_QUERY, SearchTooShort, search_records

    lang = _lang(ctx)
    with _open(db) as storage:
        try:
            found = search_records(storage, name, limit=limit, offset=offset)
        except SearchTooShort:
            fail(t("hub_search.too_short", lang, n=MIN_QUERY), EXIT_USAGE)
    if as_json:
        print_json(found)
        return
    records = found["records"]
    if not records:
        key = "hub_search.past_end" if found["total"] else "hub_search.none"
        console.print(t(key, lang, query=found["query"], total=found["total"],
                        offset=found["offset"]), markup=False)  # fmt: skip
        return
    first = found["offset"] + 1
    console.print(t("hub_search.title", lang, total=found["total"], query=found["query"],
                    first=first, last=found["offset"] + len(records)), markup=False)  # fmt: skip
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for key in ("name", "reference", "role", "officer", "event", "day"):
        table.add_column(t(f"hub_search.col_{key}", lang), overflow="fold")
    for r in records:
        label = Text(r["full_name"] or "—")
        if r["voided"]:
            label.append(f" ({t('hub_search.voided', lang)})", style="dim")
        table.add_row(label, r["reference_no"] or "", r["role"], r["officer_code"],
                      r["event_code"] or "—", r["day"])  # fmt: skip
    console.print(table)
    if found["offset"] + len(records) < found["total"]:
        console.print(t("hub_search.more", lang, next=found["offset"] + len(records)),
                      markup=False)  # fmt: skip
