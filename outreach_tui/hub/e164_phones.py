"""Phones as synced records carry them, judged without ``phonenumbers.parse``.

Every record a laptop sends has its phone as the booth stored it: E.164, ``+62`` and the
national number. ``phonenumbers.parse`` spends most of the hub's per-record phone check
normalising text that needs none (about a third of ``evaluate``; docs/BENCHMARKS.md,
"Issue 16"). Here the country code and national number are slices, and whether the
number is an Indonesian mobile still comes from phonenumbers (``number_type``). Anything
else, and every refusal, goes to the domain's ``parse_phone``, which words the problem.
tests/hub/test_e164_phones.py holds this equal to ``parse_phone``.
"""

from __future__ import annotations

import re

from outreach_tui.domain.phone import COUNTRY_CODE, PhoneInfo, parse_phone

# +62, then a national number without the 0 trunk prefix, at most 15 digits in all
_E164_ID = re.compile(r"\+62[1-9][0-9]{4,14}")


def parse_stored_phone(raw: str, *, national: bool = True) -> PhoneInfo:
    """``parse_phone(raw, national=national)``, cheaper for a mobile already in E.164 when
    ``national`` is False (how validation asks)."""
    if national or not _E164_ID.fullmatch(raw):
        return parse_phone(raw, national=national)
    import phonenumbers  # here, not at the top: the CLI imports hub modules it may not use

    number = phonenumbers.PhoneNumber(country_code=COUNTRY_CODE, national_number=int(raw[3:]))
    kinds = phonenumbers.PhoneNumberType
    if phonenumbers.number_type(number) in (kinds.MOBILE, kinds.FIXED_LINE_OR_MOBILE):
        return PhoneInfo(raw=raw, e164=raw, national=None, problems=())
    return parse_phone(raw, national=national)
