"""`outreach hub unit add|list|move|remove|area|target|downlink`: the organisational units
of a hub (issue 17): head office → regional office → branch → sub-branch, and target areas
made of branches; which digests a unit's laptops learn (`downlink`: branch|region). Like
every `outreach hub …` command, on the hub database directly.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from outreach_tui.cli.hub_cmds import DbOption, _lang, _open, hub_app, hub_errors
from outreach_tui.cli.hub_review_cmds import _reviewer as _actor  # cli:<login>, audited
from outreach_tui.cli.output import JsonFlag, console, print_json
from outreach_tui.i18n import t

unit_app = typer.Typer(name="unit", no_args_is_help=True, add_completion=False)
UnitCode = Annotated[str, typer.Argument()]
ListOption = Annotated[str, typer.Option("--branches")]


def _codes(text: str) -> list[str]:
    return [c for c in (part.strip() for part in text.split(",")) if c]


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Indonesian digit grouping, as the tallies print


@unit_app.command("add")
@hub_errors
def add(
    ctx: typer.Context,
    code: UnitCode,
    db: DbOption,
    name: Annotated[str, typer.Option()],
    kind: Annotated[str, typer.Option()],
    parent: Annotated[str | None, typer.Option()] = None,
    branches: ListOption = "",
    downlink: Annotated[str | None, typer.Option("--downlink")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Add a unit: head_office, region, branch, sub_branch, or an area of branches."""
    from outreach_tui.hub import units

    with _open(db, create=True) as storage:
        unit = units.add(storage, code, name=name, kind=kind.strip().lower(), parent=parent,
                         branches=_codes(branches), downlink=downlink,
                         actor=_actor())  # fmt: skip
    if as_json:
        print_json({"unit": unit.as_dict()})
        return
    console.print(t("unit.added", _lang(ctx), code=unit.code, name=unit.name,
                    kind=t(f"unit_kind.{unit.kind}", _lang(ctx))), markup=False)  # fmt: skip


@unit_app.command("list")
@hub_errors
def list_(
    ctx: typer.Context,
    db: DbOption,
    unit: Annotated[str | None, typer.Option("--unit")] = None,
    as_json: JsonFlag = False,
) -> None:
    """The units as a tree, with their areas and targets (only under --unit if given)."""
    from outreach_tui.hub import units

    lang = _lang(ctx)
    with _open(db, create=False) as storage, storage.read() as tx:
        scope = units.scope_of(tx, units.clean_unit_code(unit)) if unit else None
        if unit:
            units.get_kind(tx, units.clean_unit_code(unit))  # unknown: one-line 404
        found = units.units_in(tx, scope)
    if as_json:
        print_json({"units": found})
        return
    if not found:
        console.print(t("unit.none", lang), markup=False)
        return
    table = Table(*(t(f"unit.col.{c}", lang) for c in ("code", "name", "kind", "targets")))
    for u in found:
        targets = ", ".join(
            " ".join((str(x["year"]), t("unit_measure." + x["measure"], lang), _count(x["target"])))
            for x in u["targets"]
        )
        name = u["name"] + (f" ({', '.join(u['branches'])})" if u["branches"] else "")
        kind = t(f"unit_kind.{u['kind']}", lang)
        if u.get("downlink"):  # chosen on this unit (schema v11); else inherited, not shown
            kind += f" ({t('unit_downlink_mark.' + u['downlink'], lang)})"
        table.add_row(Text("  " * u["depth"] + u["code"]), Text(name), kind,
                      Text(targets or "—"))  # fmt: skip
    console.print(table)


@unit_app.command("move")
@hub_errors
def move(
    ctx: typer.Context,
    code: UnitCode,
    db: DbOption,
    parent: Annotated[str, typer.Option()],
    as_json: JsonFlag = False,
) -> None:
    """Put a unit, and everything under it, under another parent."""
    from outreach_tui.hub import units

    with _open(db, create=False) as storage:
        unit = units.move(storage, code, parent=parent, actor=_actor())
    if as_json:
        print_json({"unit": unit.as_dict()})
        return
    console.print(t("unit.moved", _lang(ctx), code=unit.code, parent=unit.parent_code),
                  markup=False)  # fmt: skip


@unit_app.command("remove")
@hub_errors
def remove(
    ctx: typer.Context,
    code: UnitCode,
    db: DbOption,
    as_json: JsonFlag = False,
) -> None:
    """Remove a unit that has no units, devices or records under it."""
    from outreach_tui.hub import units

    with _open(db, create=False) as storage:
        gone = units.remove(storage, code, actor=_actor())
    clean = code.strip().upper()
    if as_json:
        print_json({"removed": clean, "with": gone})
        return
    lang = _lang(ctx)
    console.print(t("unit.removed", lang, code=clean), markup=False)
    if any(gone.values()):  # its own settings went with it: say which
        console.print(t("unit.removed_with", lang, targets=gone["targets"],
                        funnel_targets=gone["funnel_targets"], areas=gone["areas"]),
                      markup=False)  # fmt: skip


@unit_app.command("area")
@hub_errors
def area(
    ctx: typer.Context,
    code: UnitCode,
    db: DbOption,
    add_branches: Annotated[str, typer.Option("--add")] = "",
    remove_branches: Annotated[str, typer.Option("--remove")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Add branches to a target area or take them out."""
    from outreach_tui.hub import units

    with _open(db, create=False) as storage:
        members = units.set_area(
            storage, code, add_branches=_codes(add_branches),
            remove_branches=_codes(remove_branches), actor=_actor(),
        )  # fmt: skip
    if as_json:
        print_json({"area": code.strip().upper(), "branches": members})
        return
    console.print(t("unit.area_members", _lang(ctx), code=code.strip().upper(),
                    branches=", ".join(members) or "—"), markup=False)  # fmt: skip


@unit_app.command("target")
@hub_errors
def target(
    ctx: typer.Context,
    code: UnitCode,
    db: DbOption,
    year: Annotated[int, typer.Option()],
    measure: Annotated[str, typer.Option()],
    value: Annotated[int | None, typer.Option("--target")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Set a unit's own target for a year and measure (without --target: remove it, and
    the unit shows the sum of its children's)."""
    from outreach_tui.hub import units

    with _open(db, create=False) as storage:
        saved = units.set_target(storage, code, year=year, measure=measure.strip().lower(),
                                 target=value, actor=_actor())  # fmt: skip
    if as_json:
        print_json({"target": saved})
        return
    lang = _lang(ctx)
    word = t(f"unit_measure.{saved['measure']}", lang)
    if saved["target"] is None:
        console.print(t("unit.target_removed", lang, code=saved["unit"], year=year,
                        measure=word), markup=False)  # fmt: skip
    else:
        console.print(t("unit.target_set", lang, code=saved["unit"], year=year, measure=word,
                        target=_count(saved["target"])), markup=False)  # fmt: skip


@unit_app.command("downlink")
@hub_errors
def downlink(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument()],
    choice: Annotated[str, typer.Argument()],
    db: DbOption,
    as_json: JsonFlag = False,
) -> None:
    """Which known-participant digests the unit's laptops learn: their branch's (the
    default) or their whole region's; inherit: as the unit above says."""
    from outreach_tui.hub import units

    chosen = None if choice.strip().lower() == "inherit" else choice
    with _open(db, create=False) as storage:
        unit = units.set_downlink(storage, code, chosen, actor=_actor())
        with storage.read() as tx:
            effective = units.downlink_of(tx, unit.code) if unit.kind != "area" else None
    if as_json:
        print_json({"unit": unit.as_dict(), "effective": effective})
        return
    lang = _lang(ctx)
    key = "unit.downlink_set" if unit.downlink else "unit.downlink_inherited"
    console.print(t(key, lang, code=unit.code,
                    downlink=t(f"unit_downlink.{effective}", lang)), markup=False)  # fmt: skip


def register() -> None:
    hub_app.add_typer(unit_app, name="unit")
