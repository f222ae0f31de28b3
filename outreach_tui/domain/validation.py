"""Registration and lead validation: the one source of truth for TUI, CLI and hub.

``validate_registration`` takes a draft of raw text and returns every problem at once
(errors block, warnings inform) plus, when there are no errors, the normalised
``Registration`` the store saves. Nothing here does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache
from types import ModuleType
from typing import Generic, TypeVar, cast

from outreach_tui.domain.consent_rules import (
    contact_consent,
    guardian_consent,
    registration_consent,
    reminder_consent,
)
from outreach_tui.domain.models import (
    MAX_WORKERS,
    PAYMENT_PERIODS,
    Lead,
    LeadDraft,
    Path,
    Registration,
    RegistrationDraft,
    Role,
)
from outreach_tui.domain.nik import parse_nik
from outreach_tui.domain.phone import PhoneInfo, parse_phone
from outreach_tui.domain.problems import Checked, Problem, Severity, error, warning
from outreach_tui.domain.typed_input import (
    MAX_LENGTH,
    clean_code,
    clean_text,
    date_field,
    name_field,
    parse_int,
    parse_working_hours,
    text_field,
)

# Answered here too for the TUI's imports (tui/ is being split on another branch; they
# can move to typed_input / consent_rules after the merge).
__all__ = ["MAX_INCOME", "ValidationResult", "validate_lead", "validate_registration"]

MAX_INCOME = 1_000_000_000  # Rp1 billion a month: beyond this it is a typo
T = TypeVar("T")
E = TypeVar("E", bound=Enum)
_ROLES: dict[str, Role] = {member.value: member for member in Role}
_PATHS: dict[str, Path] = {member.value: member for member in Path}
_MEMBERS: dict[type[Enum], dict[str, Role] | dict[str, Path]] = {Role: _ROLES, Path: _PATHS}
_PROGRAMS = frozenset({"JKK", "JKM", "JHT"})
# Indonesian postal codes: five digits, the first 1-9 (10110 Jakarta ... 99976 Papua).
_POSTAL_CODE = re.compile(r"[1-9][0-9]{4}")
_STR = frozenset({str})


@dataclass(frozen=True)
class ValidationResult(Checked, Generic[T]):
    problems: tuple[Problem, ...]
    record: T | None  # set only when there are no errors

    @property
    def ok(self) -> bool:
        return self.record is not None

    def for_field(self, field: str) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.field == field)


def _member(kind: type[E], value: object) -> E | None:
    """``kind(value)``, or None where that raises ValueError. A plain str (what the form
    and the hub pass) is looked up directly, without ``Enum.__call__``."""
    if type(value) is str:
        # the table under ``kind`` holds members of ``kind``: a type-keyed dict cannot say so
        return cast("E | None", _MEMBERS[kind].get(value))
    try:
        return kind(value)
    except ValueError:
        return None


def validate_registration(
    draft: RegistrationDraft,
    *,
    today: date,
    contribution_month: date | None = None,
    check_phone: Callable[..., PhoneInfo] = parse_phone,
) -> ValidationResult[Registration]:
    """``check_phone``: ``parse_phone`` or a caller's equal of it (the hub's, for phones
    that arrive in E.164: hub/e164_phones.py)."""
    problems: list[Problem] = []

    # _member's look-up of a plain str, inline
    raw_role, raw_path = draft.role, draft.path
    role = _ROLES.get(raw_role) if type(raw_role) is str else _member(Role, raw_role)
    if role is None:
        role = Role.OWNER
        problems.append(error("registration.role_unknown", "role"))
    path = _PATHS.get(raw_path) if type(raw_path) is str else _member(Path, raw_path)
    if path is None:
        path = Path.BPU
        problems.append(error("registration.path_unknown", "path"))
    if role is Role.OWNER and path is Path.PU_MICRO:
        problems.append(error("registration.owner_not_pu", "path"))

    full_name = name_field(problems, "full_name", draft.full_name)

    # Birth date: entered, or derived from the NIK when left blank.
    birth_typed, birth_date = date_field(
        problems, "birth_date", draft.birth_date, invalid="birth_date.invalid"
    )
    if birth_date is not None and birth_date > today:
        problems.append(error("birth_date.future", "birth_date"))
        birth_date = None
    elif birth_date is not None and today.year - birth_date.year > 120:
        problems.append(error("birth_date.too_old", "birth_date"))
        birth_date = None
    province = clean_text(draft.province_code) or None

    nik = parse_nik(
        str(draft.nik or ""), birth_date=birth_date, province_code=province, today=today
    )
    problems.extend(nik.problems)
    if birth_date is None and not birth_typed and nik.birth_date is not None:
        birth_date = nik.birth_date
    elif birth_date is None and not birth_typed:
        problems.append(error("field.required", "birth_date"))
    if birth_date is not None:
        age = (today - birth_date).days // 365
        if age < 15:
            problems.append(warning("birth_date.young", "birth_date", age=age))

    phone_e164: str | None = None
    phone_text = clean_text(draft.phone)
    if phone_text or role is Role.OWNER:
        phone = check_phone(phone_text, national=False)
        problems.extend(phone.problems)
        phone_e164 = phone.e164

    email = _email(problems, draft.email)
    birth_place = text_field(problems, "birth_place", draft.birth_place, required=False)
    address = text_field(problems, "address", draft.address, required=role is Role.OWNER)
    business = text_field(problems, "business_name", draft.business_name, required=False)

    sector_code = _sector(problems, draft.sector, required=True)

    workers_count = parse_int(draft.workers_count if draft.workers_count != "" else 0)
    if workers_count is None or not 0 <= workers_count <= MAX_WORKERS:
        problems.append(error("workers_count.range", "workers_count", max=MAX_WORKERS))
        workers_count = None
    elif role is Role.WORKER:
        workers_count = 0

    income = parse_int(draft.declared_income)
    if income is None:
        problems.append(error("income.invalid", "declared_income"))
    elif income <= 0:
        problems.append(error("income.not_positive", "declared_income"))
        income = None
    elif income > MAX_INCOME:
        problems.append(error("income.too_high", "declared_income"))
        income = None
    elif income < _min_declared_income() and path is Path.BPU:
        problems.append(warning("income.below_minimum", "declared_income"))

    programs = _programs(problems, draft.programs, path)
    payment_months = parse_int(draft.payment_months)
    if payment_months not in PAYMENT_PERIODS:
        problems.append(error("payment_months.invalid", "payment_months"))

    consent_version = registration_consent(problems, draft)
    reminder = reminder_consent(problems, draft, phone_e164)
    guardian = guardian_consent(problems, draft, nik.birth_date or birth_date, today)

    details = _details(problems, draft, income, path)

    if problems and any(p.severity is Severity.ERROR for p in problems):
        return ValidationResult(tuple(problems), None)

    assert full_name and birth_date and sector_code and nik.nik and nik.sex and nik.province_code
    assert income is not None and workers_count is not None and payment_months
    quote = _contributions().quote(
        income,
        sector=sector_code,
        month=contribution_month or today.replace(day=1),
        programs=programs,
        path=path.value,
        state_funded=draft.state_funded is True,
    )
    record = Registration(
        role=role,
        path=path,
        nik=nik.nik,
        full_name=full_name,
        birth_date=birth_date,
        sex=nik.sex,
        birth_place=birth_place,
        phone=phone_e164,
        email=email,
        address=address,
        province_code=nik.province_code,
        business_name=business,
        sector=sector_code,
        workers_count=workers_count,
        declared_income=income,
        programs=tuple(p.program for p in quote.programs),
        payment_months=payment_months,
        monthly_normal=quote.normal_total,
        monthly_due=quote.due_total,
        estimate=quote.estimate,
        ref_version=quote.dataset_version,
        consent_version=consent_version,
        state_funded=quote.state_funded,
        **details,
        income_band=quote.band.id if quote.band is not None else None,
        reminder_consent_version=reminder,
        guardian_name=guardian[0],
        guardian_relation=guardian[1],
        guardian_consent=guardian[2],
    )
    return ValidationResult(tuple(problems), record)


def _details(
    problems: list[Problem], draft: RegistrationDraft, income: int | None, path: Path
) -> dict[str, str | None]:
    """The fields the core system needs (issue 20), each optional: blank is None, anything
    given must be right. The income band is checked here and taken from the quote."""
    from outreach_tui.domain import occupations

    occupation = clean_text(draft.occupation) or None
    if occupation is not None and not occupations.is_known(occupation):
        problems.append(error("occupation.unknown", "occupation", occupation=occupation[:10]))
    work_location = text_field(problems, "work_location", draft.work_location, required=False)
    hours_text = clean_text(draft.working_hours)
    hours = parse_working_hours(hours_text) if hours_text else None
    if hours_text and hours is None:
        problems.append(error("working_hours.invalid", "working_hours"))
    postal = clean_text(draft.postal_code).replace(" ", "") or None
    if postal is not None and not (postal.isascii() and _POSTAL_CODE.fullmatch(postal)):
        problems.append(error("postal_code.invalid", "postal_code"))
    branch_text = clean_text(draft.branch_code)
    branch = clean_code(branch_text) if branch_text else None
    if branch_text and branch is None:
        problems.append(error("branch_code.invalid", "branch_code"))
    band_id = clean_text(draft.income_band)
    if band_id and path is Path.BPU:
        _band_problem(problems, band_id, income)
    return {"occupation": occupation, "work_location": work_location, "working_hours": hours,
            "postal_code": postal, "branch_code": branch}  # fmt: skip


def _band_problem(problems: list[Problem], band_id: str, income: int | None) -> None:
    """A chosen band must be one of the dataset's and hold the declared income (the typed
    amount stays for the explainer; the band is what the core system is told)."""
    ref = _reference().load_reference()
    band = next((b for b in ref.income_bands if b.id == band_id), None)
    if band is None:
        problems.append(error("income_band.unknown", "income_band", band=band_id[:40]))
    elif income is not None and not band.covers(max(income, ref.min_declared_income)):
        problems.append(error("income_band.mismatch", "income_band"))


@cache
def _reference() -> ModuleType:
    """Imported on first use: the booth's first check (an empty form) needs no reference
    data, and its import and parse (~9 ms) would come before the form is ready."""
    from outreach_tui.domain import reference

    return reference


@cache
def _min_declared_income() -> int:
    """The shipped dataset's, read once (it never changes in a process)."""
    income: int = _reference().load_reference().min_declared_income
    return income


@cache
def _sector_codes() -> frozenset[str]:
    """The shipped dataset's sector codes: ``find_sector(code) is not None`` as a set
    look-up (the dataset never changes in a process; contributions.quote relies on it too)."""
    return frozenset(sector.code for sector in _reference().load_reference().sectors)


@cache
def _contributions() -> ModuleType:
    """Imported on first use: only a complete, valid draft needs a quote, and the booth's
    form validates an empty one at start-up. Cached: the hub calls this per record."""
    from outreach_tui.domain import contributions

    return contributions


@cache
def _email_validator() -> ModuleType:
    """Imported on first use: its regex tables cost ~40 ms, and most participants give no
    email."""
    import email_validator

    return email_validator


def _sector(problems: list[Problem], raw: object, *, required: bool) -> str | None:
    """A sector code of the shipped dataset; None when blank (an error if ``required``)
    or unknown."""
    code = clean_text(raw)
    if not code:
        if required:
            problems.append(error("field.required", "sector"))
        return None
    if code not in _sector_codes():
        problems.append(error("sector.unknown", "sector", sector=code[:40]))
        return None
    return code


def _email(problems: list[Problem], raw: object) -> str | None:
    text = clean_text(raw)
    if not text:
        return None
    if len(text) > MAX_LENGTH["email"]:
        problems.append(error("field.too_long", "email", max=MAX_LENGTH["email"], length=len(text)))
        return None
    checker = _email_validator()
    try:
        # Offline booth: syntax only, no DNS lookup.
        normalized: str = checker.validate_email(text, check_deliverability=False).normalized
    except checker.EmailNotValidError:
        problems.append(error("email.invalid", "email"))
        return None
    return normalized


def _programs(problems: list[Problem], raw: object, path: Path) -> tuple[str, ...]:
    names: set[str]
    # exact codes (the form's choices, every synced record): as cleaned; set(map(type, …))
    # first, so only exact (hashable) str reach issuperset
    if (
        isinstance(raw, tuple | list)
        and type(raw) in (tuple, list)
        and _STR.issuperset(map(type, raw))
        and _PROGRAMS.issuperset(raw)
    ):
        names = set(cast("Iterable[str]", raw))  # every item proved an exact str just above
    else:
        # anything else is an iterable of values or nothing (a bare number fails as before)
        items = [raw] if isinstance(raw, str) else list(cast("Iterable[object]", raw or []))
        cleaned = (clean_text(p) for item in items for p in str(item).split(","))
        names = {p.upper() for p in cleaned if p}
    unknown = names - _PROGRAMS
    if unknown:
        problems.append(
            error("programs.unknown", "programs", programs=", ".join(sorted(unknown))[:60])
        )
    if "JHT" in names and path is Path.PU_MICRO:
        problems.append(error("programs.jht_not_on_pu_micro", "programs"))
    # JKK and JKM are the mandatory pair; JHT is the optional savings.
    return ("JKK", "JKM", "JHT") if "JHT" in names else ("JKK", "JKM")


def validate_lead(
    draft: LeadDraft, *, today: date, check_phone: Callable[..., PhoneInfo] = parse_phone
) -> ValidationResult[Lead]:
    """``check_phone``: as in ``validate_registration``."""
    problems: list[Problem] = []
    full_name = name_field(problems, "full_name", draft.full_name)
    phone = check_phone(clean_text(draft.phone), national=False)
    problems.extend(phone.problems)
    sector_code = _sector(problems, draft.sector, required=False)
    interest = text_field(problems, "interest", draft.interest, required=False)
    notes = text_field(problems, "notes", draft.notes, required=False)
    _, follow_up = date_field(
        problems, "follow_up_on", draft.follow_up_on, invalid="follow_up.invalid"
    )
    if follow_up is not None and follow_up < today:
        problems.append(error("follow_up.past", "follow_up_on"))
    consent_version = contact_consent(problems, draft)
    if problems and any(p.severity is Severity.ERROR for p in problems):
        return ValidationResult(tuple(problems), None)
    assert full_name and phone.e164
    lead = Lead(
        full_name=full_name,
        phone=phone.e164,
        sector=sector_code,
        interest=interest,
        consent_contact=True,
        consent_version=consent_version,
        follow_up_on=follow_up,
        notes=notes,
    )
    return ValidationResult(tuple(problems), lead)
