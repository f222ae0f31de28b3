"""The pitch before the form: what it costs this month and after the discount, and what
the family would receive, in real rupiah. Recomputed on every change from pure domain
calls (no store). ctrl+r carries the choices into the registration form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.bar import Bar
from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Static

from outreach_tui.domain import benefits, contributions, reference
from outreach_tui.domain.money import rupiah
from outreach_tui.domain.typed_input import parse_int
from outreach_tui.domain.validation import MAX_INCOME
from outreach_tui.i18n import t
from outreach_tui.tui.messages import RegistrationPrefilled
from outreach_tui.tui.screens.base import STYLES, BoothScreen
from outreach_tui.tui.summary import sector_label
from outreach_tui.tui.widgets.booth_footer import BoothFooter
from outreach_tui.tui.widgets.booth_header import BoothHeader
from outreach_tui.tui.widgets.choice import Choice

DEFAULT_INCOME = "1.000.000"


@dataclass(frozen=True)
class Choices:
    sector: str | None
    income: int | None
    jht: bool
    children: int
    years: float | None
    years_invalid: bool = False
    months: int = 1  # paid in advance (the dataset's advance periods)


@dataclass(frozen=True)
class Palette:
    """Colours taken from the app's theme (Rich renderables cannot read CSS variables)."""

    now: str
    normal: str
    good: str
    warn: str


def parse_years(text: str) -> tuple[float | None, bool]:
    """'' -> unknown; '3' or '2,5' -> years; anything else -> (None, invalid)."""
    text = text.strip().replace(",", ".")
    if not text:
        return None, False
    try:
        years = float(text)
    except ValueError:
        return None, True
    return (years, False) if 0 <= years <= 80 else (None, True)


def month_name(month: date, language: str) -> str:
    return f"{t('explain.months', language).split(',')[month.month - 1]} {month.year}"


def _bars(rows: list[tuple[str, int, str, str]], scale: int) -> Table:
    """Horizontal bars: (label, value, amount text, colour); ``scale`` is a full bar."""
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_column(justify="right", no_wrap=True)
    for label, value, amount, colour in rows:
        bar = Bar(size=max(scale, 1), begin=0, end=max(0, min(value, scale)), color=colour)
        grid.add_row(label, bar, amount)
    return grid


def _money(amount: int | None) -> str:
    return rupiah(amount) if amount is not None else ""


def contribution_view(
    choices: Choices, *, language: str, month: date, palette: Palette, breakdown: bool = False
) -> Group:
    """This month's contribution (discounted and normal, as bars and per program), what
    it becomes when the PP 50/2025 window closes and, for an advance payment, the period's
    total summed month by month (``breakdown``: one row per month)."""

    def tr(key: str, **params: object) -> str:
        return t(key, language, **params)

    title = Text(tr("explain.contribution_title", month=month_name(month, language)), "bold")
    if choices.income is None:
        return Group(title, Text(tr("explain.income_missing"), style=palette.warn))
    if not choices.sector:
        return Group(title, Text(tr("explain.choose_sector"), style=palette.warn))
    programs = ("JKK", "JKM", "JHT") if choices.jht else ("JKK", "JKM")
    quote = contributions.quote(
        choices.income, sector=choices.sector, month=month, programs=programs
    )
    discount = quote.discount

    def per_month(amount: int) -> str:
        return tr("explain.per_month", amount=rupiah(amount))

    bars = [
        (tr("explain.normal"), quote.normal_total, per_month(quote.normal_total), palette.normal)
    ]
    if discount:
        bars.insert(
            0, (tr("explain.now"), quote.due_total, per_month(quote.due_total), palette.now)
        )
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    if discount:
        table.add_column(justify="right", no_wrap=True)
        headings = ("explain.program_col", "explain.now", "explain.normal")
        table.add_row(*(Text(tr(key), style="dim") for key in headings))
    for line in quote.programs:
        amounts = (line.due, line.normal) if discount else (line.normal,)
        table.add_row(tr(f"explain.program.{line.program}"), *map(rupiah, amounts))
    totals = (quote.due_total, quote.normal_total) if discount else (quote.normal_total,)
    table.add_row(*(Text(cell, "bold") for cell in (tr("explain.total"), *map(rupiah, totals))))

    notes = Text()
    if discount:
        ends = f"{discount.ends_on:%d-%m-%Y}"
        notes.append(
            tr("explain.discount", percent=discount.percent_off, basis=discount.legal_basis,
               ends=ends),
            style=palette.good,
        )  # fmt: skip
        last = discount.to_month
        after = date(last.year + last.month // 12, last.month % 12 + 1, 1)
        notes.append(
            "\n" + tr("explain.after", month=month_name(after, language),
                      amount=rupiah(quote.after_discount_total))
        )  # fmt: skip
        if discount.closing_soon:
            notes.append(
                "\n! " + tr("explain.closing_soon", months=discount.months_left, ends=ends),
                style=Style(color=palette.warn, bold=True),
            )
    else:
        notes.append(tr("explain.no_discount"))
    lowest = reference.load_reference().min_declared_income
    if choices.income < lowest:
        notes.append("\n" + tr("explain.basis_floor", amount=rupiah(lowest)))
    if quote.estimate:
        notes.append("\n" + tr("explain.estimate"), style=palette.warn)
    # This month's real due date: the 15th, or the next working day after a holiday.
    notes.append("\n" + tr("money.calc_due_by", date=f"{quote.due_by:%d-%m-%Y}"), style="dim")
    parts: list[RenderableType] = [title, _bars(bars, quote.normal_total), table, notes]
    if choices.months > 1:
        parts += prepayment_view(quote, choices.months, language, palette, breakdown=breakdown)
    return Group(*parts)


def prepayment_view(
    quote: contributions.ContributionQuote,
    months: int,
    language: str,
    palette: Palette,
    *,
    breakdown: bool,
) -> list[RenderableType]:
    """The advance payment's total, month by month at the rule in force in each month."""
    paid = contributions.prepay(
        quote.income, sector=quote.sector, first_month=quote.month, months=months,
        programs=tuple(p.program for p in quote.programs), path=quote.path,
    )  # fmt: skip
    first, last = month_name(paid.first_month, language), month_name(paid.last_month, language)
    line = Text(
        "\n" + t("money.period", language, months=months, first=first, last=last,
                 amount=rupiah(paid.total)),
        style="bold",
    )  # fmt: skip
    if 0 < paid.discounted_months < paid.count:
        line.append("\n" + t("money.period_mixed", language, discounted=paid.discounted_months,
                             normal_months=paid.count - paid.discounted_months),
                    style=palette.warn)  # fmt: skip
    hint = "money.breakdown_hide" if breakdown else "money.breakdown_hint"
    line.append("\n" + t(hint, language), style="dim")
    if not breakdown:
        return [line]
    table = Table(title=t("money.breakdown_title", language, months=months), title_justify="left",
                  box=None, padding=(0, 1), show_edge=False)  # fmt: skip
    table.add_column(t("money.breakdown_month", language), no_wrap=True)
    table.add_column(t("money.breakdown_due", language), justify="right", no_wrap=True)
    table.add_column(t("money.breakdown_normal", language), justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for row in paid.months:
        mark = Text(t("money.breakdown_discount", language) if row.discount_id else "",
                    style=palette.good)  # fmt: skip
        table.add_row(month_name(row.month, language), rupiah(row.due), rupiah(row.normal), mark)
    table.add_row(Text(t("explain.total", language), "bold"), Text(rupiah(paid.total), "bold"),
                  rupiah(paid.normal_total), "")  # fmt: skip
    return [line, table]


def benefits_view(choices: Choices, *, language: str, palette: Palette) -> Group:
    """What JKK, JKM and the scholarships would pay this family: bars first (to look at),
    then the details (to read)."""

    def tr(key: str, **params: object) -> str:
        return t(key, language, **params)

    if choices.income is None:
        return Group()
    explanation = benefits.explain_benefits(
        choices.income, children=choices.children, contribution_years=choices.years
    )
    params = dict(explanation.params)
    params["scholarship_per_child"] = rupiah(params["scholarship_per_child"])
    title = Text(tr("explain.benefits_title", income=rupiah(explanation.basis)), "bold")
    if explanation.estimate:
        title.append(" " + tr("explain.benefits_estimate"), style=palette.warn)
    scale = max((line.amount or 0) for line in explanation.lines) or 1
    parts: list[RenderableType] = [title]
    for line in explanation.lines:
        scholarship = line.code.endswith("_scholarship")
        if scholarship and explanation.children == 0:
            continue
        if scholarship:
            parts.append(Text(tr("explain.scholarship_children", children=explanation.children)))
        else:
            parts.append(Text(tr(line.code), style="bold"))
        if line.amount is not None:
            colour = palette.now if scholarship else palette.normal
            parts.append(_bars([("", line.amount, rupiah(line.amount), colour)], scale))
        elif line.code == "benefit.jkk_temporary_incapacity":
            full, after = line.items[0], line.items[1]
            stmb = tr("explain.stmb", unit=_money(full.unit), months=full.quantity,
                      after=_money(after.unit))  # fmt: skip
            parts.append(Text("  " + stmb))
        else:
            parts.append(Text("  " + tr("benefit.as_needed")))
        if line.note and scholarship:
            parts.append(Text("  " + tr(line.note, **params), style="dim italic"))

    details = Text("\n" + tr("explain.details"), style="bold")
    for line in explanation.lines:
        if not line.items:
            continue
        details.append("\n" + tr(line.code))
        for item in line.items:
            text = tr(item.code, **params, amount=_money(item.amount), unit=_money(item.unit),
                      quantity=item.quantity or "")  # fmt: skip
            details.append("\n  " + text, style="dim")
        if line.note:
            details.append("\n  " + tr(line.note, **params), style="dim italic")
    for note in explanation.notes:
        details.append("\n" + tr(note, **params), style="dim")
    parts.append(details)
    return Group(*parts)


class BenefitsScreen(BoothScreen):
    CSS_PATH = STYLES / "booth.tcss"
    BINDINGS = [
        Binding("ctrl+r", "register", "Daftarkan", id="prefill-registration", priority=True),
        Binding("f7", "toggle_breakdown", "Rincian bulan", id="prepay-breakdown", priority=True),
    ]
    breakdown = False  # the advance payment's month-by-month rows (F7)

    def __init__(self) -> None:
        super().__init__(id="benefits")

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        with Horizontal(id="explain-body"):
            with Vertical(id="explain-choices"):
                yield Label(self.t("explain.title"), id="explain-title")
                yield Label(self.t("explain.sector"))
                yield Choice[str](
                    [(sector_label(s.code, self.language), s.code) for s in reference.sectors()],
                    id="explain-sector", prompt=self.t("reg.choose_sector"),
                    title=self.t("explain.sector"),
                )  # fmt: skip
                yield Label(self.t("explain.income"))
                yield Input(DEFAULT_INCOME, id="explain-income", restrict=r"[0-9., Rrp]*",
                            max_length=20, compact=True)  # fmt: skip
                yield Checkbox(self.t("explain.jht"), id="explain-jht", compact=True)
                yield Label(self.t("money.months"))
                yield Choice[int](
                    [(self.t("money.months_n", n=n), n)
                     for n in reference.load_reference().advance_months],
                    id="explain-months", value=1, allow_blank=False,
                    title=self.t("money.months"),
                )  # fmt: skip
                yield Label(self.t("explain.children"))
                yield Choice[int](
                    [(self.t("explain.children_n", n=n), n) for n in (0, 1, 2)],
                    id="explain-children", value=2, allow_blank=False,
                    title=self.t("explain.children"),
                )  # fmt: skip
                yield Label(self.t("explain.years"))
                yield Input(placeholder=self.t("explain.years_hint"), id="explain-years",
                            restrict=r"[0-9.,]*", max_length=4, compact=True)  # fmt: skip
                yield Static("", id="explain-problem")
                yield Static(self.t("explain.help"), id="explain-help")
            with VerticalScroll(id="explain-result"):
                yield Static("", id="explain-contribution")
                yield Static("", id="explain-benefits")
        yield BoothFooter(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#explain-sector", Choice).focus()
        self.recompute()

    def choices(self) -> Choices:
        income = parse_int(self.query_one("#explain-income", Input).value)
        if income is not None and not 0 < income <= MAX_INCOME:
            income = None
        years, years_invalid = parse_years(self.query_one("#explain-years", Input).value)
        sector = self.query_one("#explain-sector", Choice).selection
        return Choices(
            sector=sector if isinstance(sector, str) else None,
            income=income,
            jht=self.query_one("#explain-jht", Checkbox).value,
            children=self.query_one("#explain-children", Choice).selection or 0,
            years=years,
            years_invalid=years_invalid,
            months=self.query_one("#explain-months", Choice).selection or 1,
        )

    def palette(self) -> Palette:
        variables = self.app.get_css_variables()

        def colour(name: str, fallback: str) -> str:
            return Color.parse(variables.get(name) or fallback).hex

        return Palette(
            now=colour("success", "green"),
            normal=colour("primary", "blue"),
            good=colour("success", "green"),
            warn=colour("warning", "yellow"),
        )

    @on(Input.Changed)
    @on(Choice.Changed)
    @on(Checkbox.Changed)
    def recompute(self) -> None:
        choices = self.choices()
        palette = self.palette()
        month = self.booth.today().replace(day=1)
        problem = self.t("explain.years_invalid") if choices.years_invalid else ""
        self.query_one("#explain-problem", Static).update(Text(problem, style=palette.warn))
        self.query_one("#explain-contribution", Static).update(
            contribution_view(choices, language=self.language, month=month, palette=palette,
                              breakdown=self.breakdown)
        )  # fmt: skip
        self.query_one("#explain-benefits", Static).update(
            benefits_view(choices, language=self.language, palette=palette)
        )

    def action_toggle_breakdown(self) -> None:
        self.breakdown = not self.breakdown
        self.recompute()

    def action_register(self) -> None:
        choices = self.choices()
        self.app.post_message(
            RegistrationPrefilled(
                sector=choices.sector, declared_income=choices.income, jht=choices.jht
            )
        )
