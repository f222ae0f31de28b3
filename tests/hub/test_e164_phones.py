"""The hub's check of a phone already in E.164 (hub/e164_phones.py) judges every text as
the domain's ``parse_phone`` does: the same E.164 form, the same problems."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from outreach_tui.domain.phone import parse_phone
from outreach_tui.hub.e164_phones import parse_stored_phone


def _judged(text: str, *, national: bool = False) -> tuple[object, ...]:
    """Both ways (validation asks with ``national=False``, the shortcut's case)."""
    info = parse_stored_phone(text, national=national)
    plain = parse_phone(text, national=national)
    assert info == plain, text  # raw, e164, national and problems alike
    return info.e164, [p.code for p in info.problems]


# Indonesian national numbers around the mobile ranges (8x) and the others (landlines
# 2x-7x, toll-free 800, premium 809), at every length E.164 allows and beyond.
_NATIONAL = st.builds(
    lambda start, rest: start + rest,
    st.sampled_from(["8", "81", "811", "812", "838", "855", "859", "877", "881", "895",
                     "899", "84", "80", "800", "809", "21", "22", "361", "9", "1", "7"]),
    st.text("0123456789", min_size=0, max_size=14),
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(_NATIONAL)
@example("81234567890")  # a mobile: the shortcut answers
@example("215551234")  # a Jakarta landline: parse_phone words the refusal
@example("8123")  # too short
def test_a_stored_phone_is_judged_as_parse_phone_judges_it(national: str) -> None:
    for text in (f"+62{national}", f"+620{national}", f"+62 {national}", f"0{national}"):
        _judged(text)
        _judged(text, national=True)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("+0123456789 -.()a١"), max_size=20))
def test_any_text_is_judged_as_parse_phone_judges_it(text: str) -> None:
    _judged(text)


def test_the_shortcut_serves_the_mobiles_records_carry() -> None:
    assert _judged("+6281234567890") == ("+6281234567890", [])
    assert _judged("+62215551234") == (None, ["phone.not_mobile"])
    assert _judged("+6584567890") == (None, ["phone.not_indonesian"])
