"""The side panel of the registration form: what the NIK says, what it costs, what is
missing. Pure rendering from domain results (no store, no widgets)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text

from outreach_tui.domain.labels import sector_label as sector_label  # the screens import it here
from outreach_tui.domain.models import Registration, RegistrationDraft
from outreach_tui.domain.money import rupiah
from outreach_tui.domain.nik import parse_nik
from outreach_tui.domain.typed_input import parse_int
from outreach_tui.domain.validation import ValidationResult
from outreach_tui.i18n import t

if TYPE_CHECKING:
    from outreach_tui.domain.contributions import ContributionQuote
    from outreach_tui.tui.duplicates import DuplicateHit


def _known_sector(code: str) -> bool:
    from outreach_tui.domain import reference  # the reference data on first use

    return reference.find_sector(code) is not None


def registration_summary(
    draft: RegistrationDraft,
    result: ValidationResult[Registration],
    duplicates: list[DuplicateHit],
    *,
    language: str,
    today: date,
    show_errors: bool,
) -> Text:
    text = Text()

    def heading(key: str) -> None:
        if text:
            text.append("\n\n")
        text.append(t(key, language), style="bold")

    nik = parse_nik(draft.nik, today=today)
    heading("summary.nik")
    if nik.is_valid:
        text.append(f"\n{nik.regency_name}, {nik.province_name}" if nik.regency_name
                    else f"\n{nik.province_name}")  # fmt: skip
        text.append(f"\n{t(f'sex.{nik.sex}', language)} · {nik.birth_date:%d-%m-%Y}")
    elif nik.errors and len(nik.raw.replace(" ", "")) >= 16:
        text.append("\n✗ " + nik.errors[0].message(language), style="red")
    else:
        text.append("\n" + t("summary.nik_waiting", language), style="dim")

    income = parse_int(draft.declared_income)
    sector = draft.sector if draft.sector and _known_sector(draft.sector) else None
    heading("summary.contribution")
    if income and income > 0 and sector:
        from outreach_tui.domain import contributions  # not needed until income and sector

        try:
            quote = contributions.quote(
                income, sector=sector, month=today.replace(day=1),
                programs=tuple(draft.programs), path=str(draft.path),
                state_funded=draft.state_funded is True,
            )  # fmt: skip
        except ValueError:
            quote = None
        if quote is not None:
            text.append("\n" + t("summary.due_now", language, amount=rupiah(quote.due_total)))
            if quote.risk_group:  # PU micro: JKK by the sector's risk group (Lampiran I)
                text.append("\n" + t("pu.risk_group", language, group=quote.risk_group.roman,
                                     rate=f"{quote.risk_group.rate_bp / 100:.2f}%"))  # fmt: skip
            if quote.state_funded:
                text.append("\n" + t("money.state_funded_note", language), style="yellow")
            if quote.discount:
                text.append(
                    "\n" + t("summary.discount_until", language,
                             percent=quote.discount.percent_off,
                             ends=f"{quote.discount.ends_on:%d-%m-%Y}",
                             basis=quote.discount.legal_basis),
                    style="green",
                )  # fmt: skip
                text.append(
                    "\n" + t("summary.after", language, amount=rupiah(quote.after_discount_total))
                )
                if quote.discount.closing_soon:
                    text.append(
                        "\n" + t("calc.closing_soon", language, months=quote.discount.months_left),
                        style="bold yellow",
                    )
            months = parse_int(draft.payment_months) or 1
            if months > 1:
                text.append("\n" + _period_line(quote, months, language))
            if quote.estimate:
                text.append("\n" + t("summary.estimate", language), style="yellow")
    else:
        text.append("\n" + t("summary.contribution_waiting", language), style="dim")

    if duplicates:
        heading("summary.duplicates")
        for hit in duplicates[:3]:
            text.append("\n! " + hit.describe(language), style="yellow")

    if result.warnings:
        heading("summary.warnings")
        for problem in result.warnings[:4]:
            text.append("\n! " + problem.message(language), style="yellow")

    if show_errors and result.errors:
        heading("summary.missing")
        for problem in result.errors[:6]:
            label = t(f"reg.label.{problem.field}", language)
            text.append(f"\n✗ {label}: {problem.message(language)}", style="red")
    elif result.ok:
        text.append("\n\n" + t("summary.ready", language), style="bold green")
    return text


def _period_line(quote: ContributionQuote, months: int, language: str) -> str:
    """The advance payment summed month by month (a discount that ends inside the period
    charges the later months the normal amount), never ``months`` × this month."""
    from outreach_tui.domain import contributions

    try:
        paid = contributions.prepay(
            quote.income, sector=quote.sector, first_month=quote.month, months=months,
            programs=tuple(p.program for p in quote.programs), path=quote.path,
            state_funded=quote.state_funded,
        )  # fmt: skip
    except ValueError:
        return ""
    line = t("money.period", language, months=months, first=f"{paid.first_month:%m-%Y}",
             last=f"{paid.last_month:%m-%Y}", amount=rupiah(paid.total))  # fmt: skip
    if 0 < paid.discounted_months < paid.count:
        line += "\n" + t("money.period_mixed", language, discounted=paid.discounted_months,
                         normal_months=paid.count - paid.discounted_months)  # fmt: skip
    return line
