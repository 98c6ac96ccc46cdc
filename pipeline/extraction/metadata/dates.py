"""Date parsing for metadata: ISO and meta-tag values, page-text formats, relative times.

Fast regex paths first; dateparser only as a last resort on short strings that
already look like dates, because it costs milliseconds per call.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger(__name__)

# Abbreviations seen in English bylines. "CST" is read as US Central: pages in
# China almost never write a zone abbreviation next to a time.
TZ_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "BST": 60,
    "IST": 330,
    "CET": 60,
    "CEST": 120,
    "MEZ": 60,
    "MESZ": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
    "AEST": 600,
    "AEDT": 660,
    "JST": 540,
    "KST": 540,
    "HKT": 480,
    "SGT": 480,
}

# US zone names without the standard/daylight letter ("9:52 AM ET"): the offset depends on
# the date, so they resolve through the IANA zone.
US_ZONES: dict[str, str] = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}
# What CST means on Chinese pages (Java's Date.toString() prints it): China Standard Time.
_CHINA_ZONE_NAMES: dict[str, int] = {"CST": 480}

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar janvier enero gennaio januari janeiro stycznia января",
        "february feb februar février fevrier febrero febbraio februari fevereiro lutego февраля",
        "march mar märz maerz mars marzo maart março marca марта",
        "april apr avril abril aprile kwietnia апреля",
        "may mai mayo maggio mei maio maja мая",
        "june jun juni juin junio giugno junho czerwca июня",
        "july jul juli juillet julio luglio julho lipca июля",
        "august aug août aout agosto augustus sierpnia августа",
        "september sep sept septembre septiembre settembre setembro września сентября",
        "october oct oktober octobre octubre ottobre outubro października октября okt",
        "november nov novembre noviembre novembro listopada ноября",
        "december dec dezember décembre decembre diciembre dicembre dezembro grudnia декабря dez",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number
del _number, _names, _name

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_TZ_ALT = "|".join(sorted([*TZ_ABBREVIATIONS, *US_ZONES], key=len, reverse=True))

# Time of day with optional seconds, am/pm and zone (offset or abbreviation).
_TIME = (
    # 上午/下午 … (Japanese 午前/午後): the part of the day a 12-hour time is in.
    r"(?:(?P<period>上午|下午|中午|晚上|晚间|傍晚|夜间|夜里|凌晨|早上|早晨|午前|午後)\s*)?"
    r"(?P<hour>\d{1,2})\s*[:：点時时h]\s*(?P<minute>\d{2})(?:\s*[:：分]\s*(?P<second>\d{2})(?:\.\d+)?)?"
    r"(?:\s*(?P<ampm>[ap]\.?\s?m\.?))?"
    r"(?:\s*(?:Uhr|h|分))?"
    r"(?:\s*\(?(?P<offset>(?:UTC|GMT)?\s?[+-]\d{1,2}(?::?\d{2})?)\)?|\s*\(?\b(?P<tzname>"
    + _TZ_ALT
    + r")\b\)?)?"
)

DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 2022-04-01 10:03, 2022/4/1, 2022.04.01, 2022年4月1日 10:03
    re.compile(
        r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})(?!\d)\s*日?"
        r"(?:\s*(?:星期.|周.|[(（]\D{1,4}[)）]))?(?:[T\s,，]*" + _TIME + r")?",
        re.IGNORECASE,
    ),
    # 28.04.2023, 18:11 Uhr / 01/03/2024 / 03-01-2012 (day first outside the US is the
    # common case); the same separator twice.
    re.compile(
        r"(?<![\d.-])(?P<day>\d{1,2})\s*(?P<sep>[./-])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<year>(?:19|20)\d{2})(?!\d)"
        r"(?:[\s,|-]*(?:um\s+|à\s+|alle\s+|a las\s+)?" + _TIME + r")?",
        re.IGNORECASE,
    ),
    # March 1, 2024 3:04 PM EST / Mar. 1 2024
    re.compile(
        r"(?<![\w])(?P<monthname>"
        + _MONTH_ALT
        + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{2})"
        r"(?:[\s,|-]*(?:at\s+|um\s+)?" + _TIME + r")?",
        re.IGNORECASE,
    ),
    # 1 March 2024, 1. März 2024 um 10:03, 1 de marzo de 2024
    re.compile(
        r"(?<![\w])(?P<day>\d{1,2})(?:st|nd|rd|th)?\.?\s*(?:de\s+)?(?P<monthname>"
        + _MONTH_ALT
        + r")\.?,?\s*(?:de\s+)?(?P<year>(?:19|20)\d{2})"
        r"(?:[\s,|-]*(?:at\s+|um\s+|à\s+|alle\s+|a las\s+|kl\.?\s+)?" + _TIME + r")?",
        re.IGNORECASE,
    ),
)

# "Updated 3:04 PM EST, March 1, 2024": the time comes before the date.
TIME_FIRST_PATTERN = re.compile(
    _TIME
    + r"[\s,]+(?:on\s+)?(?:(?:\w+day|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+)?(?P<monthname>"
    + _MONTH_ALT
    + r")\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>(?:19|20)\d{2})",
    re.IGNORECASE,
)
# C's and Java's date strings: "Fri Feb 11 09:52:00 CST 2022" (the year after the time).
YEAR_LAST_PATTERN = re.compile(
    r"(?<![\w])(?P<monthname>"
    + _MONTH_ALT
    + r")\.?\s+(?P<day>\d{1,2})\s+"
    + _TIME
    + r"\s+(?P<year>(?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)

RELATIVE_PATTERN = re.compile(
    r"(?P<n>\d+|an?|one)\s*(?P<unit>秒|分钟|小时|天|周|个月|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s*(?:前|ago)",
    re.IGNORECASE,
)
DAY_WORD_PATTERN = re.compile(
    r"(?P<word>今天|昨天|前天|today|yesterday)\s*(?:at\s+)?(?:(?P<hour>\d{1,2})\s*[:：]\s*(?P<minute>\d{2}))?",
    re.IGNORECASE,
)
# Month-day without a year, as many Chinese pages print in lists: "04-01 10:03", "4月1日 10:03".
MONTH_DAY_PATTERN = re.compile(
    r"(?<![\d-])(?P<month>\d{1,2})(?:-|月)(?P<day>\d{1,2})日?\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?!\d)"
)

_UNIT_SECONDS = {
    "秒": 1,
    "second": 1,
    "sec": 1,
    "分钟": 60,
    "minute": 60,
    "min": 60,
    "小时": 3600,
    "hour": 3600,
    "hr": 3600,
    "天": 86400,
    "day": 86400,
    "周": 604800,
    "week": 604800,
    "个月": 2592000,
}

ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_ISO_BASIC = re.compile(
    r"^((?:19|20)\d{2})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{2}:?\d{2})?Z?$"
)
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_ISO_FRACTION = re.compile(r"(\.\d+)")
_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


@dataclass(frozen=True, slots=True)
class DateContext:
    """What relative and naive times are resolved against."""

    fetched_at: datetime | None = None
    default_tz: tzinfo | None = None
    language: str | None = None  # the page's; zone abbreviations mean what they do there


def zone_from_name(name: str | None) -> tzinfo | None:
    """The IANA zone for a configured name, or None (logged) when it is unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("unknown time zone %r in configuration; treating times as naive", name)
        return None


def apply_default_tz(value: datetime, context: DateContext) -> datetime:
    if value.tzinfo is None and context.default_tz is not None:
        return value.replace(tzinfo=context.default_tz)
    return value


def parse_iso(value: str) -> datetime | None:
    """ISO 8601 as found in JSON-LD and meta tags, tolerating common deviations."""
    text = value.strip()
    basic = _ISO_BASIC.match(text)
    if basic:
        # The basic format, "20120105T2135+0400" (some CMSs add a stray Z to the offset).
        year, month, day, hour, minute, second, offset = basic.groups()
        text = f"{year}-{month}-{day}T{hour}:{minute}:{second or '00'}{offset or ''}"
    if not ISO_LIKE.match(text):
        return None
    text = text.replace(" ", "T", 1) if len(text) > 10 and text[10] == " " else text
    text = text.replace("Z", "+00:00").replace("z", "+00:00")
    text = text.replace(" ", "")
    # Python 3.11 accepts 1-6 fraction digits only in some positions; normalize to 6.
    text = _ISO_FRACTION.sub(lambda m: (m.group(1) + "000000")[:7], text, count=1)
    text = _COMPACT_OFFSET.sub(r"\1:\2", text) if "T" in text else text
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        if _CLOCK.search(text, 10):
            # A time in a form ISO does not take ("2022-02-11 09:52 GMT+0800"): the text
            # patterns read it whole, where the day alone would lose the time and zone.
            return None
        try:
            return datetime.fromisoformat(text[:10])
        except ValueError:
            return None


def _offset_zone(
    offset: str | None, tzname: str | None, language: str | None = None
) -> tzinfo | None:
    if tzname:
        name = tzname.upper()
        if name in US_ZONES:
            return ZoneInfo(US_ZONES[name])
        names = _CHINA_ZONE_NAMES if language == "zh" else {}
        minutes = names.get(name, TZ_ABBREVIATIONS.get(name))
        return timezone(timedelta(minutes=minutes)) if minutes is not None else None
    if offset:
        match = re.search(r"([+-])(\d{1,2}):?(\d{2})?", offset)
        if not match:
            return None
        minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
        if minutes > 14 * 60:
            return None
        return timezone(timedelta(minutes=-minutes if match.group(1) == "-" else minutes))
    return None


_AFTERNOON = frozenset({"下午", "晚上", "晚间", "傍晚", "夜间", "夜里", "午後"})
# Beijing time, written beside a date, fixes its zone at UTC+8.
_BEIJING_TIME = "北京时间"
_BEIJING = timezone(timedelta(hours=8))
# Dates in Chinese numerals, as government documents sign them: 二〇二二年一月二十八日.
_CN_DIGITS = {
    ch: n
    for n, chars in enumerate(("〇○零", "一", "二", "三", "四", "五", "六", "七", "八", "九"))
    for ch in chars
}
CN_NUMERAL_DATE = re.compile(
    r"(?P<year>[〇○零一二三四五六七八九]{4})\s*年\s*(?P<month>[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?P<day>[一二三四五六七八九十]{1,3})\s*日"
)


def _cn_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十一 → 21, 三十 → 30."""
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _cn_numeral_date(text: str) -> tuple[int, datetime] | None:
    match = CN_NUMERAL_DATE.search(text)
    if not match:
        return None
    try:
        year = int("".join(str(_CN_DIGITS[ch]) for ch in match.group("year")))
        day = date(year, _cn_number(match.group("month")), _cn_number(match.group("day")))
    except (ValueError, KeyError):
        return None
    return match.start(), datetime.combine(day, time())


def _from_match(match: re.Match[str], language: str | None = None) -> tuple[datetime, bool] | None:
    """A datetime from one of the patterns above, and whether it had a time of day."""
    groups = match.groupdict()
    if groups.get("monthname"):
        month = MONTHS.get(groups["monthname"].lower().rstrip("."))
    else:
        month = int(groups["month"])
    if not month:
        return None
    day_number = int(groups["day"])
    if month > 12 and day_number <= 12 and not groups.get("monthname"):
        # "04/28/2024": the US month-first order, recognisable when the day is over 12.
        month, day_number = day_number, month
    try:
        day = date(int(groups["year"]), month, day_number)
    except ValueError:
        return None
    if groups.get("hour") is None:
        return datetime.combine(day, time()), False
    hour, minute = int(groups["hour"]), int(groups["minute"])
    second = int(groups.get("second") or 0)
    ampm = (groups.get("ampm") or "").lower().replace(".", "").replace(" ", "")
    period = groups.get("period")
    if (ampm == "pm" or period in _AFTERNOON) and hour < 12:
        hour += 12
    elif period == "中午" and hour < 11:
        hour += 12  # 中午1:00 is 13:00; 中午11:30 stays
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return datetime.combine(day, time()), False
    zone = _offset_zone(groups.get("offset"), groups.get("tzname"), language)
    return datetime.combine(day, time(hour, minute, second), tzinfo=zone), True


# Every date form above has a digit, except the day words of relative dates and dates in
# Chinese numerals (二〇二二年…).
_MAYBE_DATE = re.compile(r"\d|今天|昨天|前天|today|yesterday|年", re.IGNORECASE)


def find_date_in_text(text: str, context: DateContext, *, relative: bool = True) -> datetime | None:
    """The first absolute date in a piece of page text, else a relative one (short texts only).

    Results are naive when the text gives no zone; date-only results are naive midnight,
    so callers can tell them from times (``has_time``) before applying a default zone.
    """
    if not _MAYBE_DATE.search(text):
        return None
    best: tuple[int, datetime] | None = None
    end = 0
    for pattern in (*DATE_PATTERNS, TIME_FIRST_PATTERN, YEAR_LAST_PATTERN):
        match = pattern.search(text)
        if match:
            parsed = _from_match(match, context.language)
            if parsed and (best is None or match.start() < best[0]):
                best, end = (match.start(), parsed[0]), match.end()
    if best is None and "年" in text:
        best = _cn_numeral_date(text)
    if best:
        found = best[1]
        if found.tzinfo is None and has_time(found) and _BEIJING_TIME in text:
            # "北京时间2022年2月11日9时52分", "… 09:52 北京时间": right before or after it.
            at = text.find(_BEIJING_TIME, max(0, best[0] - 8))
            if 0 <= at <= end + 4:
                found = found.replace(tzinfo=_BEIJING)
        return found
    # "今天"/"today" in a sentence is not a timestamp: relative forms only in short texts.
    if relative and len(text) <= 40:
        return find_relative_date(text, context)
    return None


def find_relative_date(text: str, context: DateContext) -> datetime | None:
    """'3小时前', '2 hours ago', '昨天 10:00' against the fetch time; None without one."""
    now = context.fetched_at
    if now is None:
        return None
    if context.default_tz is not None:
        # A naive fetch time is UTC (as Scrapy and the item contract record it); "昨天 10:00"
        # means yesterday on the page's own clock, so the arithmetic runs in its zone.
        now = (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(context.default_tz)
    match = RELATIVE_PATTERN.search(text)
    if match and _mostly(text, match):
        raw = match.group("n").lower()
        count = 1 if raw in ("a", "an", "one") else int(raw)
        unit = match.group("unit").lower()
        for key, seconds in _UNIT_SECONDS.items():
            if unit.startswith(key):
                return (now - timedelta(seconds=count * seconds)).replace(second=0, microsecond=0)
    match = DAY_WORD_PATTERN.search(text)
    if match and _mostly(text, match):
        back = {"今天": 0, "today": 0, "昨天": 1, "yesterday": 1, "前天": 2}[
            match.group("word").lower()
        ]
        day = now - timedelta(days=back)
        if match.group("hour") is not None:
            return day.replace(
                hour=int(match.group("hour")),
                minute=int(match.group("minute")),
                second=0,
                microsecond=0,
            )
        return day.replace(hour=0, minute=0, second=0, microsecond=0)
    match = MONTH_DAY_PATTERN.search(text)
    if match and _mostly(text, match):
        try:
            candidate = now.replace(
                month=int(match.group("month")),
                day=int(match.group("day")),
                hour=int(match.group("hour")),
                minute=int(match.group("minute")),
                second=0,
                microsecond=0,
            )
        except ValueError:
            return None
        # A month-day in the future means last year's date.
        return (
            candidate
            if candidate <= now + timedelta(days=1)
            else candidate.replace(year=now.year - 1)
        )
    return None


# The day in a URL path, each part either separated (/2019/11/18/, /2005-3-31/, /2026-11/24/,
# /2026_11_24) or packed with two digits (/20050311/, /202611/24/), followed by a separator.
URL_DATE = re.compile(
    r"/(?P<year>(?:19|20)\d{2})"
    r"(?:[/_-](?P<month>\d{1,2})|(?P<packed_month>0[1-9]|1[0-2]))"
    r"(?:[/_-](?P<day>\d{1,2})|(?P<packed_day>[0-2]\d|3[01]))"
    r"(?=[/_.-]|$)"
)


def date_from_url(url: str | None, tz: tzinfo | None = None) -> datetime | None:
    """The day written in a URL's path as a midnight, naive unless ``tz`` is given.

    Metadata takes it as a last resort for the publish date; spiders use it (with UTC) to
    skip old links without fetching them.
    """
    if not url:
        return None
    match = URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    month = match.group("month") or match.group("packed_month")
    day = match.group("day") or match.group("packed_day")
    try:
        return datetime(int(match.group("year")), int(month), int(day), tzinfo=tz)
    except ValueError:
        return None


def _mostly(text: str, match: re.Match[str]) -> bool:
    """A relative expression is a timestamp only when it is most of its text ("3小时前 来源：…")."""
    return len(text) - (match.end() - match.start()) <= 16


def parse_date_value(
    value: str, context: DateContext, *, allow_fuzzy: bool = True
) -> datetime | None:
    """A machine-written date (JSON-LD, meta content, <time datetime>), then text formats."""
    value = value.strip()
    if not value or len(value) > 200:
        return None
    parsed = parse_iso(value)
    if parsed is None and value.isdigit() and len(value) in (10, 13):
        # Unix timestamps in seconds or milliseconds.
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        parsed = datetime.fromtimestamp(seconds, tz=UTC)
    if parsed is None:
        parsed = find_date_in_text(value, context)
    if parsed is None and allow_fuzzy:
        parsed = _dateparser(value, context.language)
    if parsed is None:
        return None
    if not 1990 <= parsed.year <= 2100:
        return None
    return parsed


def _dateparser(value: str, language: str | None) -> datetime | None:
    """dateparser for month names and orders the patterns above do not know, in the page's
    language only: without one it tries every locale it has, ~0.3 s a call. Relative
    phrases are left to ``find_relative_date``, which resolves them against the fetch time."""
    if not language or len(value) > 60 or value.isdigit() or not re.search(r"\d", value):
        # A lone number (a year, an id) is no date in any language.
        return None
    import dateparser  # imported lazily: it takes ~0.3 s to import and is rarely needed

    try:
        return dateparser.parse(
            value,
            languages=[language],
            settings={
                "RETURN_AS_TIMEZONE_AWARE": False,
                "STRICT_PARSING": True,
                "PARSERS": ["custom-formats", "absolute-time"],
            },
        )
    except (ValueError, OverflowError, TypeError):  # ValueError: a language it lacks
        return None


def has_time(value: datetime) -> bool:
    """False for the naive midnights that stand for a date without a time."""
    return value.tzinfo is not None or (value.hour, value.minute, value.second) != (0, 0, 0)
