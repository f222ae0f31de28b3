"""Plain data passed between layers: drafts as typed by people, records once validated.

A *draft* holds raw text from a form, a CLI flag or a hub payload. Only
``validation.validate_*`` turns a draft into a record, so every entry point applies the
same rules. Records are what the store persists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"  # the UMKM owner, a BPU participant
    WORKER = "worker"  # one of the owner's 1–15 workers


class Path(StrEnum):
    BPU = "bpu"  # non-wage earner (Bukan Penerima Upah)
    PU_MICRO = "pu_micro"  # wage earner of a micro business at the minimum package


PAYMENT_PERIODS = (1, 2, 3, 6, 12)  # advance payment the JMO app offers (reference 2026.12)
MAX_WORKERS = 15


@dataclass(frozen=True)
class RegistrationDraft:
    nik: str = ""
    full_name: str = ""
    birth_date: str = ""  # ISO (2001-05-31) or Indonesian (31-05-2001); blank: from NIK
    birth_place: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    province_code: str = ""  # province of the address, for the NIK mismatch warning
    business_name: str = ""
    sector: str = ""
    workers_count: str | int = 0
    declared_income: str | int = ""
    programs: Sequence[str] = ("JKK", "JKM")
    payment_months: str | int = 1
    consent_version: str = ""
    role: str = Role.OWNER
    path: str = Path.BPU
    state_funded: bool = False  # JKK/JKM paid by APBN/APBD: no PP 50/2025 discount
    # What the core system needs besides (issue 20); all optional: blank is None.
    occupation: str = ""  # code in data/occupations.toml; blank: none given
    work_location: str = ""
    working_hours: str = ""  # "08:00-17:00", "8-17", "08.00 - 17.00"
    postal_code: str = ""  # 5 digits
    branch_code: str = ""  # the laptop's branch (the store fills it when blank)
    income_band: str = ""  # id of a band in contributions.toml; blank: the income's band

    # Consent (UU 27/2022, issue 20): payment reminders are a consent of their own (art.
    # 22(4)): the version of the "reminder" text, or blank when not ticked.
    reminder_consent_version: str = ""
    # Under 18 on the registration day (art. 25): the parent's or guardian's consent.
    guardian_name: str = ""
    guardian_relation: str = ""  # GUARDIAN_RELATIONS
    guardian_consent: bool = False


# Who consents for a registrant under 18 (UU 27/2022 art. 25).
GUARDIAN_RELATIONS = ("parent", "guardian")
ADULT_AGE = 18


@dataclass(frozen=True)
class Registration:
    """A validated, normalised registration row (owner or worker)."""

    role: Role
    path: Path
    nik: str
    full_name: str
    birth_date: date
    sex: str
    birth_place: str | None
    phone: str | None  # E.164
    email: str | None
    address: str | None
    province_code: str  # from the NIK
    business_name: str | None
    sector: str
    workers_count: int
    declared_income: int
    programs: tuple[str, ...]
    payment_months: int
    monthly_normal: int
    monthly_due: int
    estimate: bool
    ref_version: str
    consent_version: str
    state_funded: bool = False  # JKK/JKM paid by APBN/APBD (PP 50/2025 art. 3)
    occupation: str | None = None
    work_location: str | None = None
    working_hours: str | None = None  # normalised: "08:00-17:00"
    postal_code: str | None = None
    branch_code: str | None = None
    income_band: str | None = None  # BPU: the declared-income band the quote used

    reminder_consent_version: str | None = None  # a "reminder" text: reminders allowed
    guardian_name: str | None = None  # set only for a registrant under 18
    guardian_relation: str | None = None
    guardian_consent: bool = False


@dataclass(frozen=True)
class LeadDraft:
    full_name: str = ""
    phone: str = ""
    sector: str = ""
    interest: str = ""  # what they asked about, free text
    consent_contact: bool = False
    consent_version: str = ""
    follow_up_on: str = ""  # ISO date, optional
    notes: str = ""


@dataclass(frozen=True)
class Lead:
    full_name: str
    phone: str  # E.164
    sector: str | None
    interest: str | None
    consent_contact: bool
    consent_version: str
    follow_up_on: date | None
    notes: str | None


@dataclass(frozen=True)
class SavedRecord:
    uuid: str
    seq: int
    reference_no: str
    version: int
    created_at: str


@dataclass(frozen=True)
class SavedRegistration:
    owner: SavedRecord
    workers: tuple[SavedRecord, ...] = field(default_factory=tuple)
