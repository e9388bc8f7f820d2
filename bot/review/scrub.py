"""Replacing personal data in a tenant's message before it becomes an NLU training example.

`scrub` finds each kind of personal data below and puts a neutral placeholder in its
place, so the example still reads like a Dutch chat message. Placeholders use no
square brackets or parentheses: in Rasa training data `[text](entity)` is entity markup.
Everything that is not personal data (emoji, typos, punctuation, line breaks) stays as
it was.

The kinds, tried in this order; a later match that overlaps an earlier one is dropped,
so an e-mail address is never read as a name and an IBAN never as a phone number:

- ``email``: anything shaped like an address.
- ``iban``: an IBAN with or without spaces that `stdnum.iban` accepts, and also any
  ``NL``+2 digits+4 letters+10 digits, even with a wrong checksum: tenants mistype their
  account number, and a mistyped one is still theirs. Other countries need a valid checksum.
- ``customer_number``: 2-4 capitals, an optional dash and 4-6 digits (``DL-10002``,
  ``DL10002``, or lower case with the dash). Ticket numbers (``R-2026-000123``) stay.
- ``date_of_birth``: a date with a year from 1900 up to 14 years ago (``16-01-1970``,
  ``16/1/70``, ``16 januari 1970``, ``1970-01-16``, ``16011970``). Dates without a year
  or in recent years (appointments) stay.
- ``phone``: what `phonenumbers` finds as a valid number written with a leading 0, + or 00
  (any notation, ``whatsapp:+316...`` and foreign numbers too), plus mobile numbers with
  one digit too few or too many. Company numbers stay: 0800 (free), 0900/0906/0909 (paid)
  and 088 (company-wide); 084 and 087 are often personal and are replaced.
- ``bsn``: 9 digits (``123456782``, ``1234.56.782``, ``123 456 782``) that pass the
  eleven test and are not part of a longer number.
- ``postcode``: 4 digits (not starting with 0) and 2 letters, with a space, dash or
  nothing between. ``sinds 2019 en`` stays: letters that form a short Dutch word or a
  unit (`POSTCODE_LOOKALIKES`) count only in capitals; SA, SD and SS are never used.
- ``house_number``: the number and addition after a street name (a word ending in a
  street suffix, or its ``str.`` abbreviation), after ``huisnummer``/``nummer``/``nr``,
  or right before a postcode. The street name itself stays.
- ``name``: the given names as whole words in any case, and capitalised names after
  ``mijn naam is``, ``ik heet``, ``ik ben`` and sign-offs (``mvg``, ``groeten``, ...) at
  the end of a line. Neighbouring names (``Piet de Vries``) become one placeholder.
  Given names that are also ordinary words (`COMMON_WORD_NAMES`: bakker, kraan, ben) count
  only when capitalised (at the start of a sentence only when another capitalised word
  follows: "Ben de Vries", not "Ben je thuis") or right after another name ("sanne bakker").

Known limits: street names without a typical suffix (``Lange Voorhout 5``) keep their
number unless a postcode follows or ``nummer`` precedes it; names after ``ik ben`` or a
sign-off are found only when capitalised, other names only when the caller passes them;
written-out numbers and dates (``zes twaalf``) are not found.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import phonenumbers
from phonenumbers import PhoneNumberType
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

EMAIL_PLACEHOLDER = "naam@voorbeeld.nl"
# Matches the loose NL shape below, so scrubbing a scrubbed text changes nothing.
IBAN_PLACEHOLDER = "NL00BANK0123456789"
PHONE_PLACEHOLDER = "0612345678"
# Passes the eleven test, so it looks like a real BSN to a model.
BSN_PLACEHOLDER = "111222333"
POSTCODE_PLACEHOLDER = "1234 AB"
HOUSE_NUMBER_PLACEHOLDER = "12"
CUSTOMER_NUMBER_PLACEHOLDER = "DL-00000"
DATE_OF_BIRTH_PLACEHOLDER = "01-01-1980"
NAME_PLACEHOLDER = "Jansen"

PLACEHOLDERS = {
    "email": EMAIL_PLACEHOLDER,
    "iban": IBAN_PLACEHOLDER,
    "customer_number": CUSTOMER_NUMBER_PLACEHOLDER,
    "phone": PHONE_PLACEHOLDER,
    "date_of_birth": DATE_OF_BIRTH_PLACEHOLDER,
    "bsn": BSN_PLACEHOLDER,
    "postcode": POSTCODE_PLACEHOLDER,
    "house_number": HOUSE_NUMBER_PLACEHOLDER,
    "name": NAME_PLACEHOLDER,
}

# People younger than this rarely chat with their landlord; later years are appointments.
MIN_AGE_YEARS = 14
EARLIEST_BIRTH_YEAR = 1900

# Two letters after four digits that are a word or unit rather than a postcode, unless in capitals.
POSTCODE_LOOKALIKES = frozenset(
    "en of om op in is te de al ik je ze we er na nu zo ja ok oh eh da ga bv ca tv cv wc mn zn ie me "
    "id tm vd pm am km kg cm mm ml cc kw eu pp uu nr no".split()
)
UNUSED_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})

# Names that are also Dutch words (many of them repair words): replaced only when capitalised.
COMMON_WORD_NAMES = frozenset(
    """
    bos wit groen zwart rood lange lang klein groot kort jong oud goed kok koning visser smit smid mulder
    bakker boer dekker schilder timmerman metselaar kuiper schipper molenaar koster huisman
    bouwman buurman post bloem hoek berg dijk veen beek brink meer kamp molen dam brug sluis kerk steen
    boom roos hart winter zomer mei ben wil mag haan vos wolf vogel vink mol haas muis kat hond vis
    schaap kraai blom graaf ridder kraan schimmel lek trap lamp buis kelder zolder hek deur raam dak
    muur vloer kast tegel goot glas vocht water storm regen tuin verf baas pijp
    """.split()
)
# Capitalised words that follow "ik ben" or a sign-off without being a name.
NOT_NAMES = frozenset(
    """
    de het een niet geen nog ook al er wel zo nu net pas echt erg heel zeer erger even weer dus maar
    vandaag morgen gisteren straks zelf thuis weg ziek blij boos bang moe zwanger klaar bezig alleen
    huurder bewoner eigenaar moeder vader dochter zoon zus broer buurvrouw buurman mantelzorger
    sinds op in aan bij met voor na om uit van tot over onder tegen zonder door
    bedankt dank alvast graag hoor hallo hoi hey goedemorgen goedemiddag goedenavond
    iedereen allemaal jullie u jij ik wij zij hij ze we je
    nederlander nederlands celsius
    """.split()
)
# Words between parts of one name: "Piet de Vries", "Ahmed El Amrani" (lowercase only).
NAME_PARTICLES = frozenset("van de der den het 't ter ten te in op el al la le du da dos di bin".split())
TITLES = r"(?:meneer|mevrouw|mevr\.?|mw\.?|dhr\.?|de\s+heer|fam\.?|familie)"

STREET_SUFFIXES = (
    "straat",
    "str",
    "laan",
    "weg",
    "plein",
    "kade",
    "gracht",
    "singel",
    "dreef",
    "steeg",
    "dijk",
    "plantsoen",
    "boulevard",
)
# Also common in other words (fietspad, kerkhof, ervaring): count only when capitalised.
WEAK_STREET_SUFFIXES = (
    "hof",
    "park",
    "pad",
    "markt",
    "ring",
    "erf",
    "burg",
    "baan",
    "wal",
    "veld",
    "haven",
    "stede",
    "lei",
    "oord",
    "rade",
    "plaats",
    "hoven",
    "tuin",
    "poort",
    "zijde",
    "kamp",
)
# Street suffixes that are not also the end of common surnames (Hoogendijk, Verburg).
_NAME_LIKE_SUFFIXES = tuple(suffix for suffix in STREET_SUFFIXES if suffix not in ("dijk", "str"))
NOT_STREETS = frozenset(
    """
    onderweg gewoonweg simpelweg kortweg domweg botweg halfweg zoweg opweg antwoord woord akkoord boord
    noord voorwoord verf barricade blokkade arcade cascade parade marmelade tirade luchthaven supermarkt
    loopbaan kerkhof fietspad voetpad tuinpad achtertuin voortuin dakterras
    """.split()
)
# What follows a number that is an amount or a duration, not a house number.
_UNIT = re.compile(
    r"[ \t]*(?:minuten|minuut|min|uur|uren|dagen|dag|weken|week|maanden|maand|jaar|jaren|keer|euro|eur|€|%"
    r"|procent|km|meter|m2|cm|kg|liter|personen|mensen|kinderen|stuks|graden)(?![^\W_])",
    re.IGNORECASE,
)
# Words before a bare "nummer 2" or "nr 2" that make it a house ("op nummer 2"), not a tap or a room.
_HOUSE_CUE_BEFORE = frozenset("op huis woning adres is en mijn ons het aan".split())
# Numbers of companies, not people: 0800, 0900 and shared-cost numbers, and 088 (company-wide).
COMPANY_PHONE_TYPES = frozenset(
    {PhoneNumberType.TOLL_FREE, PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST}
)
COMPANY_PHONE_PREFIX = "88"

_MONTH_NUMBERS = {
    **dict.fromkeys(("januari", "jan"), 1),
    **dict.fromkeys(("februari", "feb"), 2),
    **dict.fromkeys(("maart", "mrt", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    "mei": 5,
    **dict.fromkeys(("juni", "jun"), 6),
    **dict.fromkeys(("juli", "jul"), 7),
    **dict.fromkeys(("augustus", "aug"), 8),
    **dict.fromkeys(("september", "sept", "sep"), 9),
    **dict.fromkeys(("oktober", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nov"), 11),
    **dict.fromkeys(("december", "dec"), 12),
}
_MONTHS = "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?!\w)")
_IBAN_START = re.compile(r"(?<!\w)[A-Za-z]{2}\d{2}")
_IBAN_PART = re.compile(r"[ \t-]?([A-Za-z0-9]+)")
_LOOSE_NL_IBAN = re.compile(r"NL\d{2}[A-Z]{4}\d{10}")
_IBAN_MIN_LENGTH, _IBAN_MAX_LENGTH = 15, 34
# For the checksum, letters count as two digits: A=10 ... Z=35.
_IBAN_DIGITS = str.maketrans({chr(ord("A") + index): str(10 + index) for index in range(26)})
_CUSTOMER_NUMBER = re.compile(r"(?<![\w-])(?:[A-Z]{2,4}-?|[A-Za-z]{2,4}-)\d{4,6}(?!\w|-\d)")
_PHONE_RUN = re.compile(r"(?<!\d)[+(0][\d \t()+./-]*\d")
_MIN_PHONE_DIGITS = 7
# Mobile numbers that phonenumbers rejects because a digit is missing or extra.
_MOBILE_TYPO = re.compile(r"(?<![\w+])(?:\+31|0031|0)[ \t]?-?[ \t]?6[ \t-]?(\d(?:[ -]?\d){6,8})(?![\d])")
_NUMERIC_DATE = re.compile(r"(?<![\w/.-])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?!\w|[-/.]\d)")
_ISO_DATE = re.compile(r"(?<![\w/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?!\w|[-/.]\d)")
_COMPACT_DATE = re.compile(r"(?<![\w/.-])(\d{2})(\d{2})(\d{4})(?!\w|[-/.]\d)")
_WORD_DATE = re.compile(
    rf"(?<!\w)(\d{{1,2}})(?:e|ste|de)?[ \t]*({_MONTHS})\.?,?[ \t]*(\d{{4}})(?!\w)", re.IGNORECASE
)
_BSN = re.compile(r"(?<![\w.,/-])(?<!\d )(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3} \d{3} \d{3})(?!\w|[.,/-]\d| \d)")
_POSTCODE = re.compile(r"(?<![\w-])[1-9]\d{3}[ \t-]?([A-Za-z]{2})(?!\w)")
_ADDITION = r"""
    (?:
        [ \t]?[-/][ \t]?\d{1,3}(?!\d)                 # 12-3, 12 / 2
      | -?(?:hs|bis|[a-z])(?![^\W_])                  # 12a, 12-A, 12hs
      | [ \t](?:hs|bis|I{1,3}|[a-tv-z])(?![^\W_])     # 12 a, 12 hs, 12 II (not "12 u kunt")
    )?
"""
_HOUSE_NUMBER = rf"[1-9]\d{{0,4}}{_ADDITION}(?![^\W_]|[.,:]\d)"
_STREET_NUMBER = re.compile(
    rf"(?<![\w'-])(?P<street>[^\W\d_]+(?:['-][^\W\d_]+)*)\.?[ \t]*,?[ \t]*(?P<number>{_HOUSE_NUMBER})",
    re.IGNORECASE | re.VERBOSE,
)
_CUE_NUMBER = re.compile(
    rf"(?<!\w)(?P<cue>huisnummer|huisnr|nummer|nr)\.?[ \t]*[:.]?[ \t]*(?P<number>{_HOUSE_NUMBER})",
    re.IGNORECASE | re.VERBOSE,
)
_LAST_WORD = re.compile(r"([^\W\d_]+)[ \t]*$")
_POSTCODE_GAP = re.compile(r"[ \t]*,?[ \t]*")
_POSTCODE_BEFORE = re.compile(r"(?<![\w-])[1-9]\d{3}[ \t-]?[A-Za-z]{2}[ \t,]*$")
_DAY_BEFORE = re.compile(r"\d(?:e|ste|de)?[ \t]*$")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_INTRO = re.compile(
    rf"(?<!\w)(?:mijn naam is|ik heet|ik ben|naam[ \t]*:)[ \t]*(?:{TITLES}[ \t]+)?", re.IGNORECASE
)
_SIGN_OFF = re.compile(
    r"(?:(?<!\w)(?:(?:met\s+)?vriendelijke\s+groet(?:en)?|groetjes|groeten|groet|mvg|m\.v\.g\.?)"
    r"|(?:^|(?<=[.,!?]))[ \t]*gr\.?)(?!\w)"
    rf"(?:[ \t]+van)?[ \t]*[,:;-]?\s*(?:{TITLES}[ \t]+)?",
    re.IGNORECASE | re.MULTILINE,
)
_TO_LINE_END = re.compile(r"[^\w\n]*(?:\n|\Z)")
_NAME_GAP = re.compile(rf"(?:[ \t]+|[ \t]*-[ \t]*)(?:(?:{'|'.join(map(re.escape, NAME_PARTICLES))})[ \t]+)*")
_PLAIN_NAME_GAP = re.compile(r"[ \t]+|[ \t]*-[ \t]*")
_MAX_NAME_WORDS = 5

Span = tuple[int, int]
# Neither a letter, a digit, a space nor punctuation to any pattern here.
_MASK = "\x00"


@dataclass(frozen=True)
class Scrubbed:
    """A message with its personal data replaced."""

    text: str
    # One entry per replacement, in order of appearance, so a kind can occur more than once.
    replaced: tuple[str, ...]


def scrub(text: str, *, names: Iterable[str] = ()) -> Scrubbed:
    """The text with personal data replaced by neutral Dutch placeholders.

    Args:
        text: a tenant's message.
        names: first and last names of the corporation's tenants, replaced wherever they
            occur as whole words; names shorter than 3 letters are ignored.
    """
    latest_birth_year = date.today().year - MIN_AGE_YEARS
    finders: tuple[tuple[str, Callable[[str], Iterable[Span]]], ...] = (
        ("email", _emails),
        ("iban", _ibans),
        ("customer_number", _customer_numbers),
        ("date_of_birth", lambda masked: _dates_of_birth(masked, latest_birth_year)),
        ("phone", _phones),
        ("bsn", _bsns),
        ("postcode", _postcodes),
        # House numbers are found in the whole text: a postcode after a number marks it as one.
        ("house_number", lambda _: _house_numbers(text)),
        ("name", lambda masked: _merge_names(masked, _names(masked, _name_set(names)))),
    )
    # Each finder reads the text with earlier finds blanked out, so a phone number cannot
    # start inside a date and a name inside an e-mail address is already gone.
    taken = _Taken()
    for kind, finder in finders:
        for start, end in finder(taken.masked(text)):
            taken.add(start, end, kind)
    return _replace(text, taken.spans)


class _Name(NamedTuple):
    start: int
    end: int
    # False for a known name that is also a word and is written like one ("bakker", "Ben je").
    sure: bool


class _Taken:
    """Non-overlapping spans of found personal data, in order; the first claim on a character wins."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int, str]] = []

    def masked(self, text: str) -> str:
        """The text with what was found blanked out, so later finders neither see nor join it."""
        parts, position = [], 0
        for start, end, _ in self.spans:
            parts += [text[position:start], _MASK * (end - start)]
            position = end
        parts.append(text[position:])
        return "".join(parts)

    def is_free(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.spans, (start,))
        before_is_clear = index == 0 or self.spans[index - 1][1] <= start
        after_is_clear = index == len(self.spans) or end <= self.spans[index][0]
        return start < end and before_is_clear and after_is_clear

    def add(self, start: int, end: int, kind: str) -> None:
        if self.is_free(start, end):
            bisect.insort(self.spans, (start, end, kind))


def _replace(text: str, spans: list[tuple[int, int, str]]) -> Scrubbed:
    parts, kinds, position = [], [], 0
    for start, end, kind in spans:
        parts += [text[position:start], PLACEHOLDERS[kind]]
        kinds.append(kind)
        position = end
    parts.append(text[position:])
    return Scrubbed(text="".join(parts), replaced=tuple(kinds))


def _emails(text: str) -> Iterator[Span]:
    return (match.span() for match in _EMAIL.finditer(text))


def _ibans(text: str) -> Iterator[Span]:
    """The longest run of letter-digit groups after a country code and check digits that is an IBAN."""
    for start in _IBAN_START.finditer(text):
        compact, position, end = start.group().upper(), start.end(), None
        # The checksum is over the rest followed by the first four characters (six digits);
        # carrying the rest's remainder along makes each longer candidate cheap to test.
        head, remainder = int(compact.translate(_IBAN_DIGITS)), 0
        while len(compact) <= _IBAN_MAX_LENGTH:
            part = _IBAN_PART.match(text, position)
            if part is None:
                break
            chunk = part.group(1).upper()
            compact, position = compact + chunk, part.end()
            digits = chunk.translate(_IBAN_DIGITS)
            remainder = (remainder * 10 ** len(digits) + int(digits)) % 97
            if _IBAN_MIN_LENGTH <= len(compact) <= _IBAN_MAX_LENGTH and (
                _LOOSE_NL_IBAN.fullmatch(compact)
                or ((remainder * 1_000_000 + head) % 97 == 1 and stdnum_iban.is_valid(compact))
            ):
                end = position
        if end is not None:
            yield start.start(), end


def _customer_numbers(text: str) -> Iterator[Span]:
    return (match.span() for match in _CUSTOMER_NUMBER.finditer(text))


def _phones(text: str) -> Iterator[Span]:
    # phonenumbers is slow on long texts, so it reads only stretches that may hold a number,
    # with a character of context either side (it skips numbers glued to letters).
    for run in _PHONE_RUN.finditer(text):
        if sum(character.isdigit() for character in run.group()) < _MIN_PHONE_DIGITS:
            continue
        offset = max(0, run.start() - 1)
        for match in phonenumbers.PhoneNumberMatcher(text[offset : run.end() + 1], "NL"):
            written = match.raw_string.lstrip("(")
            if written[:1] in ("0", "+") and not _is_company_number(match.number):
                yield offset + match.start, offset + match.end
    for match in _MOBILE_TYPO.finditer(text):
        yield match.span()


def _is_company_number(number: phonenumbers.PhoneNumber) -> bool:
    if phonenumbers.number_type(number) in COMPANY_PHONE_TYPES:
        return True
    return number.country_code == 31 and str(number.national_number).startswith(COMPANY_PHONE_PREFIX)


def _dates_of_birth(text: str, latest_year: int) -> Iterator[Span]:
    for pattern, order in (
        (_NUMERIC_DATE, (0, 1, 2)),
        (_WORD_DATE, (0, 1, 2)),
        (_ISO_DATE, (2, 1, 0)),
        (_COMPACT_DATE, (0, 1, 2)),
    ):
        for match in pattern.finditer(text):
            day, month, year = (match.group(index + 1) for index in order)
            if _is_birth_date(day, month, year, latest_year):
                yield match.span()


def _is_birth_date(day: str, month: str, year: str, latest_year: int) -> bool:
    month_number = int(month) if month.isdigit() else _MONTH_NUMBERS.get(month.lower(), 0)
    full_year = int(year)
    if len(year) == 2:
        # "16-1-70" is 1970; "3-4-26" is this year's appointment, not 1926.
        full_year += 2000 if 2000 + full_year <= latest_year + MIN_AGE_YEARS + 1 else 1900
    if not EARLIEST_BIRTH_YEAR <= full_year <= latest_year:
        return False
    try:
        date(full_year, month_number, int(day))
    except ValueError:
        return False
    return True


def _bsns(text: str) -> Iterator[Span]:
    for match in _BSN.finditer(text):
        if stdnum_bsn.is_valid(re.sub(r"[ .]", "", match.group())):
            yield match.span()


def _postcodes(text: str) -> Iterator[Span]:
    return (match.span() for match in _POSTCODE.finditer(text) if _is_postcode(match))


def _is_postcode(match: re.Match[str]) -> bool:
    letters = match.group(1)
    if letters.upper() in UNUSED_POSTCODE_LETTERS:
        return False
    return letters.isupper() or letters.lower() not in POSTCODE_LOOKALIKES


def _house_numbers(text: str) -> Iterator[Span]:
    for match in _STREET_NUMBER.finditer(text):
        if _is_not_amount(text, match) and (
            _is_street(match.group("street")) or _postcode_follows(text, match.end())
        ):
            yield match.span("number")
    for match in _CUE_NUMBER.finditer(text):
        if _is_not_amount(text, match) and (
            match.group("cue").lower().startswith("huis") or _is_house_cue(text, match)
        ):
            yield match.span("number")


def _is_not_amount(text: str, match: re.Match[str]) -> bool:
    return _UNIT.match(text, match.end()) is None


def _is_house_cue(text: str, match: re.Match[str]) -> bool:
    """Whether a bare "nummer" starts a sentence or follows "op", a postcode, a street or a capital."""
    if _POSTCODE_BEFORE.search(text, max(0, match.start() - 20), match.start()):
        return True
    previous = _LAST_WORD.search(text, max(0, match.start() - 40), match.start())
    if previous is None:
        return not text[: match.start()].rstrip(" \t")[-1:].isalnum()
    word = previous.group(1)
    return word.lower() in _HOUSE_CUE_BEFORE or _is_street(word) or word[0].isupper()


def _is_street(word: str) -> bool:
    """Whether a word before a number is a street name: "Kerkstraat", "kerkstr", "Markt"; not "onderweg"."""
    lower = word.lower()
    if lower in NOT_STREETS:
        return False
    capitalised = word[0].isupper()
    for suffix in STREET_SUFFIXES + WEAK_STREET_SUFFIXES:
        if not lower.endswith(suffix):
            continue
        if suffix == "ring" and lower[-5:-4] in tuple("aeiou"):
            return False  # ervaring, levering, verzekering
        if capitalised:
            return True
        return suffix in STREET_SUFFIXES and len(lower) - len(suffix) >= 2
    return False


def _postcode_follows(text: str, position: int) -> bool:
    gap = _POSTCODE_GAP.match(text, position)
    postcode = _POSTCODE.match(text, gap.end()) if gap and gap.end() > position else None
    return postcode is not None and _is_postcode(postcode)


def _name_set(names: Iterable[str]) -> frozenset[str]:
    parts = (part.casefold() for name in names if isinstance(name, str) for part in _NAME_WORD.findall(name))
    return frozenset(part for part in parts if len(part) >= 3 and part not in NAME_PARTICLES)


def _names(text: str, known: frozenset[str]) -> Iterator[_Name]:
    if known:
        for word in _NAME_WORD.finditer(text):
            if word.group().casefold() in known and not _is_month(text, word):
                yield _Name(*word.span(), sure=_counts_as_name(text, word))
    for match in _INTRO.finditer(text):
        run = _name_run(text, match.end())
        if run:
            yield _Name(*run, sure=True)
    for match in _SIGN_OFF.finditer(text):
        run = _name_run(text, match.end())
        if run and _TO_LINE_END.match(text, run[1]):
            yield _Name(*run, sure=True)


def _is_month(text: str, word: re.Match[str]) -> bool:
    """Whether a known name is a month after a day: "3 jan", "1 juni"."""
    if word.group().casefold() not in _MONTH_NUMBERS:
        return False
    return _DAY_BEFORE.search(text, max(0, word.start() - 8), word.start()) is not None


def _counts_as_name(text: str, word: re.Match[str]) -> bool:
    """Whether a known name is surely one here, rather than the word it also is."""
    if word.group().casefold() not in COMMON_WORD_NAMES:
        return True
    if not word.group()[0].isupper():
        return False
    before = text[: word.start()].rstrip(" \t")
    if before and before[-1] not in ".!?:\n":
        return True
    # "Ben je thuis?" is a question; "Ben de Vries belde" is a name.
    gap = _NAME_GAP.match(text, word.end())
    return gap is not None and gap.end() > word.end() and text[gap.end() : gap.end() + 1].isupper()


def _name_run(text: str, position: int) -> Span | None:
    """The capitalised words from `position` that form a name, with particles between them."""
    start, end = position, None
    for _ in range(_MAX_NAME_WORDS):
        word = _NAME_WORD.match(text, position)
        if word is None or not _may_be_name(word.group()):
            break
        end = word.end()
        gap = _NAME_GAP.match(text, end)
        if gap is None:
            break
        position = gap.end()
    return None if end is None else (start, end)


def _may_be_name(word: str) -> bool:
    """A capitalised word that is not a common word or a street ("Fatima van de Kerkstraat")."""
    lower = word.lower()
    if not word[0].isupper() or lower in NOT_NAMES:
        return False
    return not any(lower.endswith(suffix) and len(lower) - len(suffix) >= 2 for suffix in _NAME_LIKE_SUFFIXES)


def _merge_names(text: str, names: Iterable[_Name]) -> list[Span]:
    """Neighbouring names as one span ("Piet de Vries"); doubtful names only right after a sure one.

    "sanne bakker" is a name; "de bakker", "bakker" alone and the "ben" in "ik ben sanne" are not.
    """
    groups: list[_Name] = []
    for name in sorted(set(names)):
        if groups and _are_neighbours(text, groups[-1], name):
            last = groups[-1]
            groups[-1] = _Name(last.start, max(last.end, name.end), sure=last.sure or name.sure)
        else:
            groups.append(name)
    return [(group.start, group.end) for group in groups if group.sure]


def _are_neighbours(text: str, first: _Name, second: _Name) -> bool:
    if second.start <= first.end:
        return True
    if not first.sure:
        return False
    # Only sure names may have particles between them: "Piet de Vries", not "Piet de schilder".
    gap = _NAME_GAP if second.sure else _PLAIN_NAME_GAP
    return gap.fullmatch(text, first.end, second.start) is not None
