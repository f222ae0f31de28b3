"""Issue 18: the downlink's activation outcomes extend the protocol compatibly — a laptop
from before them still reads a new hub's page, a new laptop reads an old hub's page, and
an outcome in another shape is refused with the page (nothing of it installed)."""

from __future__ import annotations

import msgspec
import pytest

from outreach_tui.protocol import replies

UUID = "0196a000-0000-7000-8000-00000000a001"
NEW_PAGE = {
    "cursor": "12", "more": False, "reference": None, "known_participants": [],
    "review_outcomes": [],
    "activation_outcomes": [
        {"uuid": UUID, "status": "enrolled", "kpj": "26012345678", "enrolled_on": "2026-12-01",
         "first_paid_month": "2026-12", "last_paid_month": "2027-02", "refusal_reason": None,
         "updated_at": "2026-12-07T03:00:00.000Z"},
    ],
}  # fmt: skip


def test_a_laptop_before_the_outcomes_reads_a_new_hubs_page() -> None:
    # The Downlink reply as it was before issue 18 (every field but activation_outcomes).
    old = msgspec.defstruct(
        "OldDownlink",
        [(f, t, d) for f, t, d in (
            ("cursor", str, msgspec.NODEFAULT), ("more", bool, False),
            ("reference", replies.ReferenceData | None, None),
            ("nik_key", replies.NikKey | None, None),
            ("known_participants", list[replies.KnownParticipant], []),
            ("review_outcomes", list[replies.ReviewOutcome], []),
        )],
        bases=(replies.Reply,), kw_only=True, frozen=True,
    )  # fmt: skip
    page = replies.decode(old, msgspec.json.encode(NEW_PAGE))
    assert page.cursor == "12" and not hasattr(page, "activation_outcomes")


def test_a_new_laptop_reads_an_old_hubs_page_and_a_new_one() -> None:
    older = {k: v for k, v in NEW_PAGE.items() if k != "activation_outcomes"}
    assert replies.decode(replies.Downlink, msgspec.json.encode(older)).activation_outcomes == []
    (outcome,) = replies.decode(replies.Downlink, msgspec.json.encode(NEW_PAGE)).activation_outcomes
    assert (outcome.status, outcome.kpj, outcome.last_paid_month) == (
        "enrolled", "26012345678", "2027-02")  # fmt: skip


@pytest.mark.parametrize(
    ("change"),
    [{"status": "maybe"}, {"last_paid_month": "2027-13"}, {"enrolled_on": "01-12-2026"},
     {"kpj": 26012345678}, {"uuid": "not-a-uuid"}],
)  # fmt: skip
def test_an_outcome_in_another_shape_refuses_the_page(change: dict[str, object]) -> None:
    page = {**NEW_PAGE, "activation_outcomes": [{**NEW_PAGE["activation_outcomes"][0], **change}]}
    with pytest.raises(replies.BadReply):
        replies.decode(replies.Downlink, msgspec.json.encode(page))
