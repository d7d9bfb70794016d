"""E.164 and validity of plainly written numbers, without the generic cost of ``phonenumbers.parse``.

Why it exists: on a company phone most numbers are in no other phone's book, so the scan's memo
(``classify.NumberCache``) rarely hits and every number pays ``phonenumbers.parse`` +
``is_valid_number`` + ``format_number`` (about 50 us, most of a 20,000-contact phone's cost).
Most of that is generic work that a number already reduced to ``+digits`` or ``digits`` (what
``classify.canonical`` leaves) does not need: searching the text for a number, extensions,
RFC 3966, Unicode digit folding, recompiling metadata patterns on every call. What decides the
result is the metadata of the regions involved, and that is read here from ``phonenumbers``
itself and compiled once per region (``_Plan``).

The contract is strict: for every input, ``read`` either returns exactly what
``phonenumbers.parse(text, region)`` followed by ``format_number(..., E164)`` and
``is_valid_number`` gives (``(None, False)`` where parse raises), or returns ``None`` so that the
caller asks ``phonenumbers`` itself. It follows parse step by step for ASCII ``+?digits`` with a
supported region (or none), and hands everything else back: letters, non-ASCII digits, fewer than
three digits, a ``+`` not followed by a known country code (parse retries those without the
plus), over-long input, metadata it cannot read. tests/test_numberplan.py compares it with plain
``phonenumbers`` on generated and fixture numbers of every region; a difference is a bug there,
never a tolerance. Nothing here is trusted from the phone: the input is the phone's text, the
rules are the library's. Safe to call from a scan's worker threads: the only shared state is
compiled patterns, filled in at most twice under a race and never changed after.
"""

from __future__ import annotations

import re
from functools import cache

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, SUPPORTED_REGIONS, PhoneMetadata

_PLAIN = re.compile(r"\+?[0-9]{3,249}")  # what this module answers for (fullmatch, ASCII only)
_MIN_NSN = 2  # phonenumbers' _MIN_LENGTH_FOR_NSN
_MAX_NSN = 17  # phonenumbers' _MAX_LENGTH_FOR_NSN
_NON_GEO = "001"

# _test_number_length's outcomes that matter to parse
_POSSIBLE, _TOO_SHORT, _TOO_LONG, _LOCAL_ONLY, _INVALID_LENGTH = range(5)

Desc = tuple[frozenset[int], "re.Pattern[str] | None"]


def _desc(desc: object) -> Desc | None:
    """A PhoneNumberDesc as (possible lengths, compiled pattern); None where the type is absent."""
    if desc is None:
        return None
    pattern = getattr(desc, "national_number_pattern", None)
    return frozenset(getattr(desc, "possible_length", ()) or ()), (re.compile(pattern) if pattern else None)


def _matches(nsn: str, desc: Desc | None) -> bool:
    """phonenumbers' _is_number_matching_desc: the length first, then the whole pattern."""
    if desc is None:
        return False
    lengths, pattern = desc
    if lengths and len(nsn) not in lengths:
        return False
    return pattern is not None and pattern.fullmatch(nsn) is not None


def _any_of(types: tuple[tuple[frozenset[int], str], ...]) -> re.Pattern[str]:
    """One pattern that fully matches a number iff some type's lengths and pattern accept it."""
    alternatives = []
    for lengths, pattern in types:
        if not lengths:
            alternatives.append(f"(?:{pattern})")
            continue
        sizes = sorted(n for n in lengths if n > 0)
        if sizes:  # a type whose only length is -1 has no numbers at all
            alternatives.append(f"(?:(?=(?:{'|'.join(f'.{{{n}}}' for n in sizes)})\\Z)(?:{pattern}))")
    return re.compile("|".join(alternatives) if alternatives else "(?!)")


class _Plan:
    """One region's (or non-geographic calling code's) metadata, compiled once; the combined type
    pattern only when a number of the region is first validated (a scan sees few regions)."""

    __slots__ = ("_any_type", "_types", "country_code", "general", "general_pattern", "idd", "lengths",
                 "local_lengths", "national_prefix", "transform")

    def __init__(self, metadata: object) -> None:
        if metadata is None:
            raise _Unsupported
        get = metadata.__getattribute__
        general = get("general_desc")
        if general is None:
            raise _Unsupported
        self.lengths: tuple[int, ...] = tuple(general.possible_length or ())  # in the metadata's order
        if not self.lengths:
            raise _Unsupported  # parse's length test would index an empty list
        self.local_lengths = frozenset(general.possible_length_local_only or ())
        self.country_code = int(get("country_code"))
        self.general = _desc(general)
        self.general_pattern = self.general[1] if self.general is not None else None
        names = ["premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail",
                 "fixed_line"]
        if not get("same_mobile_and_fixed_line_pattern"):
            names.append("mobile")  # else phonenumbers never asks the mobile pattern
        self._types = tuple(
            (frozenset(d.possible_length or ()), d.national_number_pattern)
            for d in (get(name) for name in names)
            if d is not None and d.national_number_pattern
        )
        self._any_type: re.Pattern[str] | None = None
        idd = get("international_prefix")
        self.idd = re.compile(idd) if idd is not None else None
        national_prefix = get("national_prefix_for_parsing")
        self.national_prefix = re.compile(national_prefix) if national_prefix else None
        self.transform: str | None = get("national_prefix_transform_rule") or None
        if self.transform and self.national_prefix is not None and self.national_prefix.groups == 0:
            raise _Unsupported  # parse would index an empty tuple of groups

    def valid_nsn(self, nsn: str) -> bool:
        """phonenumbers' _number_type_helper(nsn) != UNKNOWN: the general description and any type.

        Which type matches does not matter for validity, so all types are tried as one pattern,
        compiled when the region first needs it: ``(?:(?=(?:.{6}|.{7})\\Z)(?:A))|(?:B)|...``, where
        the lookahead is a type's possible lengths (none: any length). A full match of an
        alternation is a full match of one alternative, and the metadata's patterns have no
        anchors, back-references or inline flags that could make the combination differ.
        """
        if not _matches(nsn, self.general):
            return False
        pattern = self._any_type
        if pattern is None:
            pattern = self._any_type = _any_of(self._types)
        return pattern.fullmatch(nsn) is not None

    def whole(self, number: str) -> bool:
        """_match_national_number against the general description (no length check)."""
        return self.general_pattern is not None and self.general_pattern.fullmatch(number) is not None

    def length(self, number: str) -> int:
        """_test_number_length for the general description (type UNKNOWN)."""
        actual = len(number)
        if actual in self.local_lengths:
            return _LOCAL_ONLY
        lengths = self.lengths
        if lengths[0] == actual:
            return _POSSIBLE
        if lengths[0] > actual:
            return _TOO_SHORT
        if lengths[-1] < actual:
            return _TOO_LONG
        return _POSSIBLE if actual in lengths[1:] else _INVALID_LENGTH

    def strip_national_prefix(self, number: str) -> str:
        """_maybe_strip_national_prefix_carrier_code, returning only the number."""
        prefix = self.national_prefix
        if not number or prefix is None:
            return number
        match = prefix.match(number)
        if match is None:
            return number
        viable = self.whole(number)
        groups = match.groups()
        if not self.transform or groups[len(groups) - 1] is None:
            if viable and not self.whole(number[match.end():]):
                return number
            return number[match.end():]
        transformed = prefix.sub(self.transform, number, count=1)
        if viable and not self.whole(transformed):
            return number
        return transformed


class _Unsupported(Exception):
    """Metadata this module does not read the way phonenumbers does: ask phonenumbers."""


@cache
def _region_plan(region: str) -> _Plan:
    return _Plan(PhoneMetadata.metadata_for_region(region, None))


@cache
def _plan_for(country_code: int, region: str) -> _Plan:
    """metadata_for_region_or_calling_code."""
    if region == _NON_GEO:
        return _Plan(PhoneMetadata.metadata_for_nongeo_region(country_code, None))
    return _region_plan(region)


def _country_code(digits: str) -> tuple[int, str]:
    """_extract_country_code: (0, digits) when no known calling code starts ``digits``."""
    if not digits or digits[0] == "0":
        return 0, digits
    for i in (1, 2, 3):
        if i > len(digits):
            break
        code = int(digits[:i])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            return code, digits[i:]
    return 0, digits


@cache
def _leading_digits(region: str) -> tuple[bool, re.Pattern[str] | None]:
    """(has metadata, leading digits or None) of one region sharing a calling code; read only
    when a number gets that far down the list, as phonenumbers does (most numbers of +1 are US)."""
    metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
    if metadata is None:
        return False, None
    leading = metadata.leading_digits
    return True, (re.compile(leading) if leading is not None else None)


@cache
def _validity_plan(country_code: int, region: str) -> _Plan | None:
    """is_valid_number_for_region's metadata; None where it answers False whatever the number."""
    region = region.upper()
    if region == _NON_GEO:
        if PhoneMetadata.metadata_for_nongeo_region(country_code, None) is None:
            return None
        return _plan_for(country_code, region)
    if PhoneMetadata.metadata_for_region(region, None) is None:
        return None
    plan = _region_plan(region)
    return plan if plan.country_code == country_code else None


def _valid(country_code: int, nsn: str) -> bool:
    """is_valid_number: the number's region from its calling code (and leading digits), then its types."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions:
        return False
    region: str | None = regions[0]
    if len(regions) > 1:  # region_code_for_number: the first whose leading digits (or types) fit
        region = None
        for candidate in regions:
            known, leading = _leading_digits(candidate)
            if not known:
                continue
            if leading is not None:
                if leading.match(nsn):
                    region = candidate
                    break
            elif _region_plan(candidate.upper()).valid_nsn(nsn):
                region = candidate
                break
    if region is None:
        return False
    plan = _validity_plan(country_code, region)
    return plan is not None and plan.valid_nsn(nsn)


class _Unparseable(Exception):
    """Where phonenumbers.parse raises."""


def read(text: str, region: str | None) -> tuple[str | None, bool] | None:
    """(E.164, valid) as phonenumbers gives for ``text`` read in ``region``; (None, False) where it
    cannot parse; None where this module does not answer (ask phonenumbers)."""
    if _PLAIN.fullmatch(text) is None:
        return None
    if region is not None and region not in SUPPORTED_REGIONS:
        return None
    try:
        found = _read(text, region)
    except _Unsupported:
        return None
    except _Unparseable:
        return None, False
    return found


def _read(text: str, region: str | None) -> tuple[str, bool] | None:
    home = _region_plan(region) if region is not None else None
    country_code = 0
    national = ""
    if text[0] == "+":
        digits = text[1:]
        if len(digits) <= _MIN_NSN:
            raise _Unparseable  # TOO_SHORT_AFTER_IDD
        country_code, national = _country_code(digits)
        if country_code == 0:
            raise _Unsupported  # parse retries without the plus (IDD or own country code): rare
    else:
        if home is None:
            raise _Unparseable  # no region and no '+': parse refuses
        digits = text
        idd = home.idd.match(digits) if home.idd is not None else None
        if idd is not None and (idd.end() >= len(digits) or digits[idd.end()] != "0"):
            rest = digits[idd.end():]
            if len(rest) <= _MIN_NSN:
                raise _Unparseable  # TOO_SHORT_AFTER_IDD
            country_code, national = _country_code(rest)
            if country_code == 0:
                raise _Unparseable  # INVALID_COUNTRY_CODE, and no '+' to retry without
        else:
            own = str(home.country_code)
            if digits.startswith(own):
                potential = home.strip_national_prefix(digits[len(own):])
                if (not home.whole(digits) and home.whole(potential)) or home.length(digits) == _TOO_LONG:
                    country_code, national = home.country_code, potential
    if country_code != 0:
        main_region = COUNTRY_CODE_TO_REGION_CODE[country_code][0]
        plan = home if main_region == region and home is not None else _plan_for(country_code, main_region)
    else:
        assert home is not None
        plan, country_code, national = home, home.country_code, digits
    if len(national) < _MIN_NSN:
        raise _Unparseable
    stripped = plan.strip_national_prefix(national)
    if plan.length(stripped) not in (_TOO_SHORT, _LOCAL_ONLY, _INVALID_LENGTH):
        national = stripped
    if len(national) < _MIN_NSN or len(national) > _MAX_NSN:
        raise _Unparseable
    # the national significant number as phonenumbers rebuilds it (int + Italian leading zeros)
    # is these digits again, so E.164 is the calling code and them
    return f"+{country_code}{national}", _valid(country_code, national)
