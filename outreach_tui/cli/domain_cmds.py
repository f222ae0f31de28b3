"""Domain rules from the terminal: `outreach nik`, `outreach calc`, `outreach benefits`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from outreach_tui.cli.output import EXIT_INVALID, JsonFlag, console, fail, print_json, user_errors
from outreach_tui.config import Settings
from outreach_tui.domain import benefits, contributions, reference
from outreach_tui.domain.money import rupiah
from outreach_tui.domain.nik import parse_nik
from outreach_tui.domain.reference.sectors import Sector
from outreach_tui.domain.typed_input import parse_date, parse_int
from outreach_tui.i18n import t


@user_errors
def nik_command(
    ctx: typer.Context,
    nik: Annotated[str, typer.Argument()],
    birth_date: Annotated[str | None, typer.Option("--birth-date")] = None,
    province: Annotated[str | None, typer.Option("--province")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Decode and check a NIK: province, sex, birth date, errors, warnings."""
    settings: Settings = ctx.obj
    lang = settings.language
    given = None
    if birth_date:
        given = parse_date(birth_date)
        if given is None:
            fail(t("cli.bad_date", lang, value=birth_date[:40]))
    info = parse_nik(nik, birth_date=given, province_code=province, today=date.today())
    if as_json:
        print_json(info.as_dict(lang))
    else:
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="bold")
        table.add_column()
        table.add_row("NIK", info.nik or nik[:40])
        if info.province_code:
            table.add_row(
                t("nik_view.province", lang), f"{info.province_code} {info.province_name}"
            )
        if info.regency_code:
            named = f"{info.regency_code} {info.regency_name}" if info.regency_name else (
                f"{info.regency_code} ({info.regency_kind})")  # fmt: skip
            table.add_row(t("nik_view.regency", lang), named)
        if info.sex:
            table.add_row(t("nik_view.sex", lang), t(f"sex.{info.sex}", lang))
        if info.birth_date:
            table.add_row(t("nik_view.birth_date", lang), info.birth_date.isoformat())
        if info.serial:
            table.add_row(t("nik_view.serial", lang), info.serial)
        console.print(table)
        for problem in info.errors:
            console.print(f"[red]✗[/] {problem.message(lang)}", markup=True)
        for problem in info.warnings:
            console.print(f"[yellow]![/] {problem.message(lang)}", markup=True)
        if info.is_valid:
            console.print(f"[green]✓[/] {t('nik_view.valid', lang)}")
    if not info.is_valid:
        raise typer.Exit(EXIT_INVALID)


@user_errors
def calc_command(
    ctx: typer.Context,
    income: Annotated[
        str | None,
        typer.Option("--income"),
    ] = None,
    sector: Annotated[str, typer.Option("--sector")] = "",
    jht: Annotated[bool, typer.Option("--jht")] = False,
    month: Annotated[str | None, typer.Option("--month")] = None,
    path: Annotated[str, typer.Option("--path")] = "bpu",
    months: Annotated[
        int,
        typer.Option(
            "--months",
        ),
    ] = 1,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
        ),
    ] = None,
    apbn: Annotated[
        bool,
        typer.Option("--apbn"),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Monthly contribution per program, normal and with any discount in force."""
    lang = ctx.obj.language
    try:
        when = contributions.parse_month(month) if month else date.today().replace(day=1)
    except ValueError as exc:
        fail(str(exc))
    amount = _income_or_wage(income, path, region, when.year, lang)
    if not sector:
        fail(t("cli.sector_required", lang, sectors=_sector_codes()))
    if _find_sector(sector) is None:
        fail(t("sector.unknown", lang, sector=sector[:40]) + " " + _sector_codes())
    programs = ("JKK", "JKM", "JHT") if jht else ("JKK", "JKM")
    allowed = reference.load_reference().advance_months
    if months not in allowed:
        fail(t("money.months_invalid", lang, allowed=", ".join(map(str, allowed)), months=months))
    try:
        quote = contributions.quote(amount, sector=sector, month=when, programs=programs,
                                    path=path, state_funded=apbn,
                                    region=region if path == "pu_micro" else None)  # fmt: skip
        paid = contributions.prepay(amount, sector=sector, first_month=when, months=months,
                                    programs=programs, path=path, state_funded=apbn)  # fmt: skip
    except ValueError as exc:
        fail(str(exc))
    if as_json:
        print_json({**quote.as_dict(), "prepayment": paid.as_dict() if months > 1 else None})
        return
    table = Table(title=t("calc.title", lang, month=when.strftime("%Y-%m")), title_justify="left")
    table.add_column(t("calc.program", lang))
    table.add_column(t("calc.normal", lang), justify="right")
    table.add_column(t("calc.due", lang), justify="right")
    table.add_column(t("calc.basis", lang))
    for line in quote.programs:
        table.add_row(line.program, rupiah(line.normal), rupiah(line.due), line.legal_basis)
    table.add_section()
    table.add_row(
        t("calc.total", lang), rupiah(quote.normal_total), rupiah(quote.due_total), "", style="bold"
    )
    console.print(table)
    if quote.discount:
        d = quote.discount
        console.print(
            t("calc.discount", lang, percent=d.percent_off, basis=d.legal_basis,
              ends=d.ends_on.isoformat(), after=rupiah(quote.after_discount_total))
        )  # fmt: skip
        if d.closing_soon:
            console.print("[yellow]" + t("calc.closing_soon", lang, months=d.months_left) + "[/]")
    _print_basis(quote, lang)
    if quote.estimate and quote.path == "bpu":  # PU micro: _print_basis names the reason
        console.print("[yellow]" + t("calc.estimate", lang) + "[/]")
    if apbn:
        console.print(t("money.state_funded_note", lang))
    if months > 1:
        _print_prepayment(paid, lang)
    if quote.path == "pu_micro":
        console.print(t("pu.due_by", lang, date=quote.due_by.isoformat()))
    else:
        console.print(t("money.calc_due_by", lang, date=quote.due_by.isoformat()))
    console.print(t("money.lapse", lang))


def _income_or_wage(income: str | None, path: str, region: str | None, year: int,
                    lang: str) -> int:  # fmt: skip
    """The declared income, or (PU micro with --region and no --income) the region's UMK."""
    if income is None:
        if path != "pu_micro" or not region:
            fail(t("pu.income_or_region", lang))
        try:
            return contributions.minimum_wage(region, year).amount
        except ValueError:
            fail(t("pu.region_unknown", lang, region=region[:40], year=year))
    amount = parse_int(income)
    if amount is None:
        fail(t("income.invalid", lang))
    if amount <= 0:
        fail(t("income.not_positive", lang))
    return amount


def _print_basis(quote: contributions.ContributionQuote, lang: str) -> None:
    """What the figures rest on: the BPU band, or the PU risk group and minimum wage."""
    if quote.band is not None:
        console.print(t("pu.band", lang, basis=rupiah(quote.band.basis)))
    if quote.risk_group is not None:
        group = quote.risk_group
        rate = f"{group.rate_bp / 100:.2f}%"
        console.print(t("pu.risk_group", lang, group=group.roman, rate=rate))
        if group.estimate:
            console.print("[yellow]" + t("pu.risk_group_estimate", lang) + "[/]")
    if quote.minimum_wage is not None:
        wage = quote.minimum_wage
        console.print(t("pu.umk", lang, region=wage.region, year=wage.source_year,
                        amount=rupiah(wage.amount), source=wage.source), markup=False)  # fmt: skip
        if wage.estimate:
            console.print("[yellow]" + t("pu.umk_estimate", lang, region=wage.region,
                          year=wage.year, source_year=wage.source_year) + "[/]")  # fmt: skip


def _print_prepayment(paid: contributions.Prepayment, lang: str) -> None:
    table = Table(title=t("money.breakdown_title", lang, months=paid.count), title_justify="left")
    table.add_column(t("money.breakdown_month", lang))
    table.add_column(t("money.breakdown_due", lang), justify="right")
    table.add_column(t("money.breakdown_normal", lang), justify="right")
    table.add_column("")
    for row in paid.months:
        mark = t("money.breakdown_discount", lang) if row.discount_id else ""
        table.add_row(f"{row.month:%Y-%m}", rupiah(row.due), rupiah(row.normal), mark)
    table.add_section()
    table.add_row(t("calc.total", lang), rupiah(paid.total), rupiah(paid.normal_total), "",
                  style="bold")  # fmt: skip
    console.print(table)
    console.print(
        t("money.period", lang, months=paid.count, first=f"{paid.first_month:%m-%Y}",
          last=f"{paid.last_month:%m-%Y}", amount=rupiah(paid.total))
    )  # fmt: skip


@user_errors
def benefits_command(
    ctx: typer.Context,
    income: Annotated[str, typer.Option("--income")],
    children: Annotated[int, typer.Option("--children", min=0, max=2)] = 2,
    years: Annotated[float | None, typer.Option("--years", min=0)] = None,
    path: Annotated[str, typer.Option("--path")] = "bpu",
    sector: Annotated[str, typer.Option("--sector")] = "",
    region: Annotated[str | None, typer.Option("--region")] = None,
    as_json: JsonFlag = False,
) -> None:
    """What JKK, JKM and the scholarships would pay this family."""
    lang = ctx.obj.language
    amount = parse_int(income)
    if amount is None or amount <= 0:
        fail(t("income.invalid", lang))
    if path not in ("bpu", "pu_micro"):
        fail(f"unknown path {path[:20]!r}: expected 'bpu' or 'pu_micro'")
    if sector and _find_sector(sector) is None:
        fail(t("sector.unknown", lang, sector=sector[:40]) + " " + _sector_codes())
    explanation = benefits.explain_benefits(amount, children=children, contribution_years=years)
    # What the contribution side rests on, the same as `calc`: the band (BPU), the risk
    # group and the minimum wage (PU micro).
    this_month = date.today().replace(day=1)
    try:
        basis = contributions.quote(
            amount,
            sector=sector or "lainnya",
            month=this_month,
            path=path,
            region=region if path == "pu_micro" else None,
        )
    except ValueError as exc:
        fail(str(exc))
    if as_json:
        print_json({**explanation.as_dict(), "path": path,
                    "band": _jsonable(basis.band), "risk_group": _jsonable(basis.risk_group),
                    "minimum_wage": _jsonable(basis.minimum_wage)})  # fmt: skip
        return
    table = Table(title=t("benefits_view.title", lang, income=rupiah(amount)), title_justify="left")
    table.add_column(t("benefits_view.case", lang))
    table.add_column(t("benefits_view.amount", lang), justify="right")
    params = {**explanation.params, "scholarship_per_child": rupiah(
        explanation.params.get("scholarship_per_child", 0))}  # fmt: skip
    for line in explanation.lines:
        value = (
            rupiah(line.amount) if line.amount is not None else t("benefits_view.as_needed", lang)
        )
        table.add_row(t(line.code, lang, **params), value, style="bold")
        for item in line.items:
            text = t(
                item.code,
                lang,
                **params,
                amount=rupiah(item.amount) if item.amount is not None else "",
                unit=rupiah(item.unit) if item.unit is not None else "",
                quantity=item.quantity or "",
            )
            table.add_row(f"  [dim]{escape(text)}[/]", "")
        if line.note:
            table.add_row(f"  [italic]{escape(t(line.note, lang, **params))}[/]", "")
    console.print(table)
    _print_basis(basis, lang)
    if explanation.estimate:
        console.print("[yellow]" + t("calc.estimate", lang) + "[/]")


def _jsonable(value: object) -> object:
    from dataclasses import asdict, is_dataclass

    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else None


def _find_sector(code: str) -> Sector | None:
    return reference.find_sector(code)


def _sector_codes() -> str:
    return ", ".join(s.code for s in reference.sectors())


def register(app: typer.Typer) -> None:
    app.command("nik")(nik_command)
    app.command("calc")(calc_command)
    app.command("benefits")(benefits_command)
