"""The registration form's fields: their names and widget ids, reading them into a draft,
and the form's sections as composed, in tab order: the owner's own fields, sector,
payment period and programmes, the consent (with a minor's guardian and the optional
reminders), state funding, then the details the core system needs.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Checkbox, Input

from outreach_tui.domain import consent
from outreach_tui.domain.models import GUARDIAN_RELATIONS, PAYMENT_PERIODS, RegistrationDraft, Role
from outreach_tui.tui.screens.base import BoothScreen
from outreach_tui.tui.widgets.choice import Choice
from outreach_tui.tui.widgets.compact import compact
from outreach_tui.tui.widgets.disclosure import Disclosure
from outreach_tui.tui.widgets.field_form import FieldForm, FieldInput

# (field, widget id) in tab order; owner-only fields are hidden when correcting a worker.
TEXT_FIELDS = (
    "nik", "full_name", "birth_date", "birth_place", "phone", "email", "address",
    "business_name", "workers_count", "declared_income",
)  # fmt: skip
# UU 27/2022 art. 25: shown only for a registrant under 18 (domain.validation.is_minor).
GUARDIAN_FIELDS = ("guardian_name", "guardian_relation", "guardian_consent")
OWNER_ONLY = ("birth_place", "email", "address", "business_name", "workers_count", "postal_code")
# What the core system needs (issue 20), after the consent: the usual path saves before
# them, with the occupation offered from the sector, the band from the typed income and
# the branch from the laptop's set-up (the store fills it); typed only when known.
DETAIL_FIELDS = ("postal_code", "work_location", "working_hours")
# Where a save that cannot go ahead puts the focus: the first of these with an error.
SAVE_ORDER = (
    *TEXT_FIELDS, "sector", "payment_months", "programs", "consent_version", "income_band",
    "occupation", *DETAIL_FIELDS, *GUARDIAN_FIELDS, "reminder_consent_version",
)  # fmt: skip
# The widget of a field whose id is not widget_id(field).
FOCUS_TARGETS = {
    "sector": "#reg-sector",
    "payment_months": "#reg-payment-months",
    "consent_version": "#reg-consent",
    "programs": "#reg-jht",
    "income_band": "#reg-income-band",
    "occupation": "#reg-occupation",
    "guardian_relation": "#reg-guardian-relation",
    "guardian_consent": "#reg-guardian-consent",
    "reminder_consent_version": "#reg-reminder",
}


def widget_id(field: str) -> str:
    return "reg-" + field.replace("_", "-")


def focus_target(field: str) -> str:
    """The selector of the widget where ``field`` is typed or chosen."""
    return FOCUS_TARGETS.get(field, f"#{widget_id(field)}")


def first_to_fix(fields: set[str]) -> str:
    """Of the fields with errors, the one the focus goes to."""
    return min(fields, key=lambda f: SAVE_ORDER.index(f) if f in SAVE_ORDER else len(SAVE_ORDER))


def form_fields(screen: BoothScreen, form: FieldForm) -> ComposeResult:
    """Every field of the form, each with its label, in tab order."""
    t = screen.t
    for field in TEXT_FIELDS:
        yield form.labelled(text_input(screen, field), t(f"reg.label.{field}"), field=field)
    yield form.labelled(
        Choice[str](
            lambda: sector_options(screen.language),
            id="reg-sector",
            prompt=t("reg.choose_sector"),
            title=t("reg.label.sector"),
        ),
        t("reg.label.sector"),
        field="sector",
    )
    yield form.labelled(
        Choice[int](
            [(t("reg.months", n=n), n) for n in PAYMENT_PERIODS],
            id="reg-payment-months",
            value=1,
            allow_blank=False,
            title=t("reg.label.payment_months"),
        ),
        t("reg.label.payment_months"),
        field="payment_months",
    )
    yield form.labelled(
        compact(Checkbox(t("reg.label.jht"), id="reg-jht")),
        t("reg.label.programs"),
        field="programs",
    )
    current = consent.current()
    yield Disclosure(
        t("reg.consent_text", version=current.version),
        current.text(screen.language),
        id="reg-consent-text",
    )
    yield form.labelled(
        compact(Checkbox(t("reg.consent_given"), id="reg-consent")),
        t("reg.label.consent"),
        field="consent_version",
    )
    yield from consent_extras(screen, form)
    yield form.labelled(  # PP 50/2025 art. 3; after consent: no key on the usual path
        compact(Checkbox(t("money.state_funded_box"), id="reg-state-funded")),
        t("money.state_funded_label"),
        field="state_funded",
    )
    yield from detail_fields(screen, form)


def consent_extras(screen: BoothScreen, form: FieldForm) -> ComposeResult:
    """UU 27/2022: a registrant under 18 needs a parent's or guardian's consent (art.
    25; shown only when the NIK says so), and payment reminders are a consent of their
    own (art. 22(4)), optional, with their own text."""
    t = screen.t
    yield form.labelled(
        compact(FieldInput(id="reg-guardian-name", max_length=100,
                           placeholder=t("guardian.notice"))),
        t("guardian.label_name"), field="guardian_name",
    )  # fmt: skip
    yield form.labelled(
        Choice[str](
            [(t(f"guardian.relation_{r}"), r) for r in GUARDIAN_RELATIONS],
            id="reg-guardian-relation", title=t("guardian.label_relation"),
        ),
        t("guardian.label_relation"), field="guardian_relation",
    )  # fmt: skip
    yield form.labelled(
        compact(Checkbox(t("guardian.consent_box"), id="reg-guardian-consent")),
        t("guardian.label_consent"), field="guardian_consent",
    )  # fmt: skip
    reminder = consent.current("reminder")
    yield Disclosure(
        t("reminder.disclosure", version=reminder.version),
        reminder.text(screen.language), id="reg-reminder-text",
    )  # fmt: skip
    yield form.labelled(
        compact(Checkbox(t("reminder.box"), id="reg-reminder")),
        t("reminder.label"), field="reminder_consent_version",
    )  # fmt: skip


def _band_options(language: str) -> list[tuple[str, str]]:
    from outreach_tui.reports.details import band_options

    return band_options(language)


def _occupation_options(language: str) -> list[tuple[str, str]]:
    from outreach_tui.reports.details import occupation_options

    return occupation_options(language)


def detail_fields(screen: BoothScreen, form: FieldForm) -> ComposeResult:
    # The lists are read when a choice is first opened or set, not at start-up: loading
    # the bands and the occupation list cost the form about 50 ms before its first paint.
    t = screen.t
    label = t("reg.label.income_band")
    band = Choice[str](partial(_band_options, screen.language), id="reg-income-band",
                       prompt=t("reg.hint.income_band"), title=label)  # fmt: skip
    yield form.labelled(band, label, field="income_band")
    label = t("reg.label.occupation")
    occupation = Choice[str](partial(_occupation_options, screen.language),
                             id="reg-occupation", prompt=t("reg.hint.occupation"),
                             title=label)  # fmt: skip
    yield form.labelled(occupation, label, field="occupation")
    for field in DETAIL_FIELDS:
        yield form.labelled(text_input(screen, field), t(f"reg.label.{field}"), field=field)


def sector_options(language: str) -> list[tuple[str, str]]:
    from outreach_tui.domain import reference
    from outreach_tui.tui.summary import sector_label

    return [(sector_label(s.code, language), s.code) for s in reference.sectors()]


def text_input(screen: BoothScreen, field: str) -> Input:
    kwargs: dict[str, Any] = {
        "id": widget_id(field),
        "placeholder": screen.t(f"reg.hint.{field}"),
    }
    if field == "nik":
        kwargs.update(restrict=r"[0-9 ]*", max_length=24, complete_at=16)
    elif field in ("workers_count",):
        kwargs.update(restrict=r"[0-9]*", max_length=2)
    elif field == "declared_income":
        kwargs.update(restrict=r"[0-9., Rrp]*", max_length=20)
    elif field == "phone":
        kwargs.update(restrict=r"[0-9 +\-().]*", max_length=24)
    elif field == "postal_code":
        kwargs.update(restrict=r"[0-9 ]*", max_length=6)
    elif field == "working_hours":
        kwargs.update(max_length=40)
    else:
        kwargs.update(max_length=320)
    return compact(FieldInput(**kwargs))


def read_draft(screen: Screen[Any], role: Role, *, path: str) -> RegistrationDraft:
    """The form as typed and chosen."""
    typed = (*TEXT_FIELDS, *DETAIL_FIELDS)
    values = {f: screen.query_one(f"#{widget_id(f)}", Input).value for f in typed}
    sector = screen.query_one("#reg-sector", Choice).selection
    months = screen.query_one("#reg-payment-months", Choice).selection
    jht = screen.query_one("#reg-jht", Checkbox).value
    consented = screen.query_one("#reg-consent", Checkbox).value
    return RegistrationDraft(
        **values,
        sector=sector or "",
        payment_months=months or "",
        programs=("JKK", "JKM", "JHT") if jht else ("JKK", "JKM"),
        consent_version=consent.current().version if consented else "",
        role=role,
        path=path,
        state_funded=screen.query_one("#reg-state-funded", Checkbox).value,
        occupation=screen.query_one("#reg-occupation", Choice).selection or "",
        income_band=screen.query_one("#reg-income-band", Choice).selection or "",
        reminder_consent_version=(
            consent.current("reminder").version
            if screen.query_one("#reg-reminder", Checkbox).value
            else ""
        ),
        guardian_name=screen.query_one("#reg-guardian-name", Input).value,
        guardian_relation=screen.query_one("#reg-guardian-relation", Choice).selection or "",
        guardian_consent=screen.query_one("#reg-guardian-consent", Checkbox).value,
    )
