"""What the core system answered about a registration, as the booth shows it (issue 18).

Pure: an outcome row from the sync downlink in, a state and a line of text out.
Protection starts with the first payment, not with registration
(shared/reference/bpjstk-bpu.md): enrolled without a paid month is "not paid yet", the
people the payment-reminder list is for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from outreach_tui.i18n import DEFAULT_LANGUAGE, t

State = Literal["enrolled", "unpaid", "refused"]


def state_of(outcome: Mapping[str, Any]) -> State:
    if outcome["status"] == "refused":
        return "refused"
    return "enrolled" if outcome.get("first_paid_month") else "unpaid"


def label(outcome: Mapping[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """``Aktif · KPJ 26012345678``, ``Belum bayar · KPJ …`` or ``Ditolak: <reason>``."""
    state = state_of(outcome)
    return t(f"handoff.booth.{state}", language, kpj=outcome.get("kpj") or "-",
             reason=outcome.get("refusal_reason") or "-")  # fmt: skip


def cell(outcome: Mapping[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """The short word for a table cell."""
    return t(f"handoff.booth.cell_{state_of(outcome)}", language)


def reminder_message(*, name: str, kpj: str, officer_name: str,
                     language: str = DEFAULT_LANGUAGE) -> str:  # fmt: skip
    """The prefilled WhatsApp reminder of the first payment."""
    return t("handoff.booth.reminder", language, name=name.strip() or "-", kpj=kpj or "-",
             officer=officer_name.strip() or "-")  # fmt: skip
