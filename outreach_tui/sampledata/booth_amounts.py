"""The booth's amounts for a sample registration's inputs (path, dues, the discount's
estimate, the income band), as ``validate_registration`` gives them on the record's day:
validated once per combination of inputs, which a million records repeat a few thousand
times over."""

from __future__ import annotations

from datetime import date
from typing import Any

from outreach_tui.domain.models import Registration, RegistrationDraft
from outreach_tui.domain.validation import validate_registration

CONSENT = "2026.1"  # data/consent.toml: the registration text


class BoothAmounts:
    """The booth's amounts for a registration's inputs, validated once per combination
    (a million rows make a few thousand combinations)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], dict[str, Any]] = {}

    def get(self, role: str, sector: str, income: int, jht: bool, months: int, day: date,
            workers: int) -> dict[str, Any]:  # fmt: skip
        # The owner's own amounts do not depend on how many workers come along: validated
        # with none, the count set after (the evaluate test holds the two equal).
        key = (role, sector, income, jht, months, day.year, day.month)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._validate(role, sector, income, jht, months, day, 0)
        return {**found, "workers_count": workers} if workers else found

    @staticmethod
    def _validate(role: str, sector: str, income: int, jht: bool, months: int, day: date,
                  workers: int) -> dict[str, Any]:  # fmt: skip
        draft = RegistrationDraft(
            nik="3372015501900001", full_name="Sri Lestari", birth_date="1990-01-15",
            phone="+6281234567890", address="Jl. Merdeka No. 1, Surakarta",
            business_name="Warung Sri" if role == "owner" else "", sector=sector,
            workers_count=workers,
            declared_income=income, programs=("JKK", "JKM", "JHT") if jht else ("JKK", "JKM"),
            payment_months=months, consent_version=CONSENT, role=role,
        )  # fmt: skip
        checked = validate_registration(draft, today=day, contribution_month=day.replace(day=1))
        if checked.record is None:
            raise ValueError(
                f"sample inputs refused: {[(p.code, p.field) for p in checked.errors]}"
            )
        r: Registration = checked.record
        return {
            "path": r.path.value, "sector": r.sector, "workers_count": r.workers_count,
            "declared_income": r.declared_income, "programs": list(r.programs),
            "payment_months": r.payment_months, "monthly_normal": r.monthly_normal,
            "monthly_due": r.monthly_due, "estimate": r.estimate, "ref_version": r.ref_version,
            "income_band": r.income_band,
        }  # fmt: skip
