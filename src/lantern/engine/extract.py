"""Identifiers in free text: plates, phones, postcodes, e-mail addresses, handles and names.

Reports arrive as prose ("saw a silver Golf ab12 cde outside 14 Park Rd PE1 2AB, he rang from
07700 900123"). ``extract_mentions`` finds what could link the report to the store and gives each
one's kind, the text as written, its normalised value (from ``lantern.engine.normalise``; anything
that does not normalise is dropped) and its span, so a page can highlight it.

Choices, and what they cost:

* **Plates.** Any candidate of one to three letter/digit groups is tried against the DVLA series.
  Current plates (AB12 CDE) are distinctive and found in any case and spacing that keeps the
  printed split. Prefix and suffix plates (A123 BCD, ABC 123D) are found glued in any case, or
  spaced when no letter group is a common word ("on the M1 and A1" is not a plate). Dateless and
  Northern Irish plates ("AB 1234", "1234 AB", "ABZ 1234") look like road numbers, collar numbers,
  times and dates ("PC 1234", "12 MAY", "10 PM"), so they are only found written in capitals with
  the printed space and no word-like letter group. Missed: "A 1" and other one-letter dateless
  plates, glued dateless plates ("AB1234"), plates split in unusual places in lower case.
* **Phones.** Google's ``phonenumbers`` matcher, then ``normalise_phone`` (valid numbers, plus
  Ofcom's drama ranges). Numbers without a ``+`` are read as UK numbers; at least nine digits.
* **Postcodes.** Full postcodes only (not districts such as "PE1"), in any case, without the slip
  correction ``normalise_postcode`` does for fields: prose is not allowed to invent a postcode.
* **Handles.** ``@name``; "handle: name", "instagram: name" and similar labels; profile and advert
  URLs of common advert and social sites (the platform is kept on the mention).
* **Names.** Deliberately modest: two to four capitalised words ("John Smith", "Mary-Jane
  O'Brien", "John SMITH"), a title and a surname ("Mr Smith"), or one name after "called",
  "named" or "known as". Missed: names in lower case or all capitals, "SMITH, John", single first
  names without a cue, and names that start with a word listed as an ordinary sentence opener.
  Place names that look like names ("Lincoln Road" is dropped; "Central Park" is not) will appear;
  the analyst dismisses them.

Only the first ``MAX_TEXT`` characters are read (a report is far shorter), which keeps the cost of
one call bounded whatever arrives. Plain Python: no Django imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from lantern.engine.normalise import (
    NormalisationError,
    display_vrm,
    normalise_email,
    normalise_handle,
    normalise_name,
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
    vrm_format,
)

VRM, PHONE, POSTCODE, EMAIL, HANDLE, NAME = "vrm", "phone", "postcode", "email", "handle", "name"
KINDS = (VRM, PHONE, POSTCODE, EMAIL, HANDLE, NAME)

MAX_TEXT = 100_000
MAX_MENTION = 200  # the longest mention kept (the store's column width)


@dataclass(frozen=True, slots=True)
class Mention:
    kind: str
    text: str  # as written: ``source[start:end]``
    normalised: str
    start: int
    end: int
    platform: str = ""  # for handles: "instagram", "adultwork"... or "" when the text does not say


def extract_mentions(text: str) -> list[Mention]:
    """Every identifier found in ``text``, in reading order, spans never overlapping.

    Where two readings overlap the more specific wins: an e-mail address over the handle or plate
    inside it, a URL over the number in it, a phone over a postcode over a plate over a name.
    """
    if not isinstance(text, str) or not text:
        return []
    text = text[:MAX_TEXT]
    candidates: list[tuple[int, Mention]] = []
    for priority, finder in enumerate(_FINDERS):
        candidates.extend((priority, mention) for mention in finder(text))
    taken: list[Mention] = []
    for _, mention in sorted(candidates, key=lambda c: (c[0], c[1].start, -(c[1].end - c[1].start))):
        if len(mention.text) > MAX_MENTION or len(mention.normalised) > MAX_MENTION:
            continue
        if all(mention.end <= other.start or mention.start >= other.end for other in taken):
            taken.append(mention)
    return sorted(taken, key=lambda m: m.start)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- e-mail addresses ---------------------------------------------------------------------------

_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_EMAIL = re.compile(rf"(?<![\w.+'%-])[\w.+'%-]{{1,64}}@{_LABEL}(?:\.{_LABEL})+")


def _emails(text: str):
    for match in _EMAIL.finditer(text):
        raw = match.group()
        try:
            yield Mention(EMAIL, raw, normalise_email(raw), match.start(), match.end())
        except NormalisationError:
            continue


# --- handles: profile and advert URLs, labels, @name ----------------------------------------------

# Host (without "www." or "m.") -> platform. The handle is the first path segment unless the site
# keeps it elsewhere (see _url_handle).
_SITES = {
    "adultwork.com": "adultwork",
    "vivastreet.co.uk": "vivastreet",
    "onlyfans.com": "onlyfans",
    "fansly.com": "fansly",
    "instagram.com": "instagram",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "tiktok.com": "tiktok",
    "facebook.com": "facebook",
    "snapchat.com": "snapchat",
    "t.me": "telegram",
    "linktr.ee": "linktree",
    "locanto.co.uk": "locanto",
    "skokka.co.uk": "skokka",
}
_RESERVED = frozenset(
    {"p", "reel", "reels", "explore", "i", "home", "search", "hashtag", "share", "watch", "groups"}
    | {"pages", "stories", "tv", "add", "intent", "login", "signup", "help", "about", "profile.php"}
)
_HOSTS = "|".join(re.escape(host) for host in sorted(_SITES, key=len, reverse=True))
_URL = re.compile(
    rf"(?<![\w.@/-])(?:https?://)?(?:(?:www|m|mobile)\.)?(?:{_HOSTS})(?![\w.-])(?:/[^\s<>\"'()\[\]]*)?",
    re.IGNORECASE,
)
_HANDLE_CHARS = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,38}[A-Za-z0-9_])?"
_LABELLED = re.compile(
    r"(?<![\w@])(?P<label>handle|user\s?name|profile|insta(?:gram)?|ig|snap(?:chat)?|twitter|tiktok"
    r"|telegram|onlyfans|fansly|kik|adultwork(?:\s?id)?|vivastreet(?:\s?id)?)"
    rf"\s*[:=]\s*@?(?P<handle>{_HANDLE_CHARS})(?![\w@])",
    re.IGNORECASE,
)
_LABEL_PLATFORMS = {
    "insta": "instagram", "instagram": "instagram", "ig": "instagram", "snap": "snapchat",
    "snapchat": "snapchat", "twitter": "twitter", "tiktok": "tiktok", "telegram": "telegram",
    "onlyfans": "onlyfans", "fansly": "fansly", "kik": "kik", "adultwork": "adultwork",
    "vivastreet": "vivastreet",
}  # fmt: skip
_AT_HANDLE = re.compile(
    r"(?<![\w@.+-])@(?P<handle>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,38}[A-Za-z0-9_])?)(?![\w@])"
)


def _url_handle(host: str, path: str, query: str) -> str:
    """The account or advert a site's URL points at, or "" if it points at no one in particular."""
    params = parse_qs(query)
    for key in ("UserID", "userid", "id"):  # adultwork ViewProfile.asp?UserID=, facebook profile.php?id=
        if params.get(key) and params[key][0].isdigit():
            return params[key][0]
    segments = [s for s in path.split("/") if s]
    if host in ("vivastreet.co.uk", "locanto.co.uk", "skokka.co.uk"):
        # Adverts, not accounts: the advert's number (the last number in the path) is its handle.
        numbers = re.findall(r"\d{5,}", path)
        return numbers[-1] if numbers else ""
    if host == "snapchat.com" and len(segments) >= 2 and segments[0] == "add":
        return segments[1]
    if not segments or segments[0].lower() in _RESERVED:
        return ""
    return segments[0].lstrip("@")


def _urls(text: str):
    for match in _URL.finditer(text):
        raw = match.group().rstrip(".,;:!?")
        parts = urlsplit(raw if "://" in raw else f"https://{raw}")
        host = (parts.hostname or "").lower()
        for prefix in ("www.", "m.", "mobile."):
            host = host.removeprefix(prefix)
        handle = _url_handle(host, parts.path, parts.query)
        if not handle or not re.fullmatch(r"[\w.-]{1,100}", handle):
            continue
        try:
            norm = normalise_handle(handle)
        except NormalisationError:
            continue
        yield Mention(HANDLE, raw, norm, match.start(), match.start() + len(raw), _SITES.get(host, ""))


def _labelled_handles(text: str):
    for match in _LABELLED.finditer(text):
        label = re.sub(r"\s|id$", "", match.group("label").lower())
        try:
            norm = normalise_handle(match.group("handle"))
        except NormalisationError:
            continue
        yield Mention(
            HANDLE, match.group(), norm, match.start(), match.end(), _LABEL_PLATFORMS.get(label, "")
        )


def _at_handles(text: str):
    for match in _AT_HANDLE.finditer(text):
        handle = match.group("handle")
        if handle.isdigit():  # "@ 10", "@1930": a time or a price, not an account
            continue
        try:
            norm = normalise_handle(handle)
        except NormalisationError:
            continue
        yield Mention(HANDLE, match.group(), norm, match.start(), match.end())


def handle_platform(text: str) -> str:
    """The platform a handle mention's text names ("" if it does not), re-read from the text alone."""
    for finder in (_urls, _labelled_handles):
        for mention in finder(text):
            if mention.platform:
                return mention.platform
    return ""


# --- phones -----------------------------------------------------------------------------------------

_MIN_PHONE_DIGITS = 9  # a UK number has 10 or 11; fewer is a date, a price or a reference


def _phones(text: str):
    # POSSIBLE, not VALID: the drama ranges the demo uses are possible but never "valid";
    # normalise_phone then applies the real rule (valid, or a drama number).
    for match in PhoneNumberMatcher(text, "GB", leniency=Leniency.POSSIBLE, max_tries=1000):
        raw = match.raw_string
        if sum(ch.isdigit() for ch in raw) < _MIN_PHONE_DIGITS:
            continue
        try:
            norm = normalise_phone(raw)
        except (NormalisationError, phonenumbers.NumberParseException):
            continue
        yield Mention(PHONE, raw, norm, match.start, match.end)


# --- postcodes ----------------------------------------------------------------------------------

_POSTCODE = re.compile(r"(?<![\w@/.-])[A-Za-z]{1,2}[0-9][A-Za-z0-9]?[ \u00a0]{0,3}[0-9][A-Za-z]{2}(?![\w@])")


def _postcodes(text: str):
    for match in _POSTCODE.finditer(text):
        raw = match.group()
        try:
            norm = normalise_postcode(raw)
        except NormalisationError:
            continue
        # normalise_postcode mends slips (O for 0) in a field; in prose that would invent postcodes.
        if norm.replace(" ", "") != re.sub(r"\s", "", raw).upper():
            continue
        yield Mention(POSTCODE, raw, norm, match.start(), match.end())


# --- vehicle registrations --------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9]+")
_GAP = re.compile(r"[ \u00a0]{1,2}|-")
_GLUE_BEFORE = frozenset("_@#£$/\\.+&")
_GLUE_AFTER = frozenset("_@/\\&")
# Letter groups that make a candidate prose rather than a plate: short words, months and days,
# times, units, ranks and abbreviations common in police text ("PC 1234", "12 MAY", "10 PM").
_NOT_PLATE_WORDS = _wordset(
    """A I AN AND ARE AS AT BE BUT BY DO FOR FROM GO HAD HAS HE HER HIM HIS HOW IF IN IS IT ITS ME MY
    NO NOT OF OFF ON ONE OR OUR OUT SHE SO THE TO TOO TWO UP US WAS WE WHO WHY YES YOU ALL ANY CAN
    DID GET GOT LET MAN MEN NEW NOW OLD OWN SAW SAY SEE SET SIX TEN TOP WAY YET AGE AGO BUS CAR VAN
    TAXI CAB AM PM HR HRS MIN MINS SEC YR YRS MPH KM KMS MM CM FT IN YDS KG LB LBS ST ML MG GB MB
    JAN FEB MAR APR MAY JUN JUL AUG SEP SEPT OCT NOV DEC MON TUE TUES WED THU THUR FRI SAT SUN
    TH RD ND PC DC DS DI DCI PS SGT OIC NHS UK EU USA TV ID REF TEL MOB PH NO NR RM FLAT APT BLK
    MR MRS MS DR AVE LN CL CT SQ"""
)


_NUMBERED = re.compile(
    r"\b(?:flat|no|number|unit|room|house|apartment|apt|block|door|suite|plot)\.?\s*$", re.I
)


def _plate_acceptable(tokens: list[str], compact: str, fmt: str) -> bool:
    written = " ".join(tokens)
    spaced = len(tokens) > 1
    printed_split = not spaced or written.upper() == display_vrm(compact)
    capitals = not any(ch.islower() for ch in written)
    # A letter group standing alone as a word ("m1 and", "PC 1234", "12 MAY") may be prose.
    wordy = any(token.isalpha() and token.upper() in _NOT_PLATE_WORDS for token in tokens)
    if fmt == "current":
        return printed_split or (capitals and not wordy)
    if fmt in ("prefix", "suffix"):
        if not spaced:
            return True
        return not wordy and (printed_split or capitals)
    # dateless and Northern Irish series: only as printed, in capitals, with no word-like group.
    return spaced and printed_split and capitals and not wordy


def _glued(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return before.isalnum() or before in _GLUE_BEFORE or after.isalnum() or after in _GLUE_AFTER


def _vrms(text: str):
    tokens = [m for m in _TOKEN.finditer(text) if len(m.group()) <= 7]
    found: list[tuple[int, int, int, str, str]] = []  # (strength, start, end, as written, normalised)
    for i, first in enumerate(tokens):
        group = [first]
        for j in range(i, min(i + 3, len(tokens))):
            if j > i:
                gap = text[tokens[j - 1].end() : tokens[j].start()]
                if not _GAP.fullmatch(gap):
                    break
                group.append(tokens[j])
            parts = [m.group() for m in group]
            compact = "".join(parts).upper()
            if len(compact) > 7:
                break
            start, end = group[0].start(), group[-1].end()
            if compact.isalpha() or compact.isdigit() or _glued(text, start, end):
                continue
            try:
                fmt = vrm_format(compact)
            except NormalisationError:
                continue
            if fmt in ("dateless", "northern_ireland") and _NUMBERED.search(text[max(0, start - 12) : start]):
                continue  # "Flat 12 AB", "Room 4 C": part of an address
            if _plate_acceptable(parts, compact, fmt):
                strength = {"current": 0, "prefix": 1, "suffix": 1}.get(fmt, 2)
                found.append((strength, start, end, text[start:end], normalise_vrm(compact)))
    # Overlapping readings ("AB 12 CDE" also holds "AB 12"): the more distinctive series, then the longer.
    kept: list[tuple[int, int, int, str, str]] = []
    for cand in sorted(found, key=lambda c: (c[0], -(c[2] - c[1]), c[1])):
        if all(cand[2] <= k[1] or cand[1] >= k[2] for k in kept):
            kept.append(cand)
    for _, start, end, raw, norm in kept:
        yield Mention(VRM, raw, norm, start, end)


# --- names --------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_TITLES = frozenset({"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Lady", "Lord", "Dame", "Rev"})
_CUES = re.compile(r"\b(?:called|named|known as|calls (?:himself|herself)|goes by|name is|name's)\s+$")
# Capitalised words that are not names: sentence openers, days and months, places and roles.
_NOT_NAMES = _wordset(
    """The A An And But Or So Then When While After Before During Since Until If As At In On Of To
    For From By With Without Into Onto Over Under Near Next Last This That These Those There Here
    He She They We I It You His Her Their Our My Your Its Him Them Me Us Who What Where Which Why How
    Saw Seen Was Were Is Are Has Have Had Did Does Do Got Went Came Called Drove Told Said Asked
    Met Heard Left Took Gave Made Also Both Some Many Most Any All No Not One Two Three Later
    Today Yesterday Tomorrow Tonight Morning Evening Night Afternoon Please Thanks Thank Dear Regards
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
    July August September October November December Christmas Easter
    Police Officer Constable Sergeant Inspector Detective Council Hospital Station Hotel Bar Pub Club
    Street Road Lane Avenue Close Drive Way Court Place Square Crescent Gardens Terrace Grove Hill
    Park Walk Row Mews Green Rise View Parade Broadway Estate Centre Industrial Retail Car Van Taxi
    Ford Vauxhall Volkswagen Golf Corsa Fiesta Focus Toyota Honda Nissan Audi Mercedes Peugeot
    England Britain British English UK Peterborough Cambridge Cambridgeshire London"""
)
_PLACE_WORDS = _wordset(
    "Street Road Lane Avenue Close Drive Way Court Place Square Crescent Gardens Terrace Grove Hill "
    "Park Walk Row Mews Green Rise View Parade Estate Centre Station Hotel"
)


def _capitalised(word: str) -> bool:
    return word[0].isupper() and any(ch.islower() for ch in word[1:])


def _shouted(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _names(text: str):
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        if not _capitalised(words[i].group()):
            i += 1
            continue
        run = [words[i]]
        while (
            len(run) < 5
            and i + len(run) < len(words)
            and _joins(text[run[-1].end() : words[i + len(run)].start()], run[-1].group())
            and (_capitalised(words[i + len(run)].group()) or _shouted(words[i + len(run)].group()))
        ):
            run.append(words[i + len(run)])
        mention = _name_from_run(text, run)
        if mention is not None:
            yield mention
        i += len(run)


def _joins(gap: str, previous: str) -> bool:
    """Words of one name are separated by one space ("Mr. Smith": a full stop after a title too)."""
    return gap == " " or (gap == ". " and previous in _TITLES)


def _name_from_run(text: str, run: list[re.Match]) -> Mention | None:
    parts = [m.group() for m in run]
    if not _capitalised(parts[0]) and parts[0] not in _TITLES:
        return None
    if any(part in _PLACE_WORDS for part in parts):
        return None  # "Lincoln Road", "Park Hotel": a place
    while parts and parts[0] in _NOT_NAMES and parts[0] not in _TITLES:
        parts, run = parts[1:], run[1:]
    parts, run = parts[:4], run[:4]
    if not parts or any(part in _NOT_NAMES for part in parts):
        return None
    titled = parts[0] in _TITLES
    cued = bool(_CUES.search(text[max(0, run[0].start() - 20) : run[0].start()]))
    named = parts[1:] if titled else parts
    if not named or not any(_capitalised(p) for p in parts):
        return None
    if len(named) < 2 and not (titled or cued):
        return None
    raw = text[run[0].start() : run[-1].end()]
    norm = normalise_name(raw)
    if not norm or all(len(token) < 2 for token in norm.split()):
        return None
    return Mention(NAME, raw, norm, run[0].start(), run[-1].end())


_FINDERS = (_emails, _urls, _labelled_handles, _at_handles, _phones, _postcodes, _vrms, _names)
