"""The fields an import can fill, how headers are matched to them, and how values are read."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Channel


class ValueProblem(ValueError):
    """A cell's value cannot be used; the message says why, for a person."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # text, int, duration, bool, datetime, date, channel, agent, tags, url, scale
    synonyms: tuple[str, ...] = ()
    required: bool = False
    low: int | None = None  # for scales
    high: int | None = None
    max_length: int | None = None


FIELDS: tuple[Field, ...] = (
    Field("source_id", gettext_lazy("Interaction id"), "text", (
        "id", "call id", "interaction id", "contact id", "ticket id", "chat id", "case id", "record id",
        "source id", "conversation id", "session id", "ticket", "case number", "ticket number",
    ), required=True, max_length=100),
    Field("agent", gettext_lazy("Agent"), "agent", (
        "agent", "agent name", "agent id", "agent username", "agent email", "agent e mail", "username",
        "user", "employee", "staff", "handled by", "owner", "representative", "rep", "advisor", "operator",
        "assignee",
    ), required=True),
    Field("channel", gettext_lazy("Channel"), "channel", ("channel", "media", "media type", "contact type", "type", "source channel")),
    Field("queue", gettext_lazy("Queue or topic"), "text", (
        "queue", "topic", "skill", "skill group", "category", "issue type", "reason", "contact reason",
        "department", "subject", "queue name",
    ), max_length=100),
    Field("started_at", gettext_lazy("Start date and time"), "datetime", (
        "start", "start time", "started at", "start date time", "date time", "datetime", "timestamp",
        "call start", "contact start", "created", "created at", "time", "call time", "start timestamp",
        "date and time", "received",
    ), required=True),
    Field("start_date", gettext_lazy("Start date (when date and time are separate)"), "date", (
        "date", "call date", "start date", "contact date", "day",
    )),
    Field("answered", gettext_lazy("Answered"), "bool", ("answered", "is answered", "handled", "connected")),
    Field("abandoned", gettext_lazy("Abandoned (the opposite of answered)"), "bool", ("abandoned", "is abandoned", "abandon")),
    Field("wait_seconds", gettext_lazy("Wait before answer"), "duration", (
        "wait", "wait time", "speed of answer", "asa", "queue time", "time to answer", "ring time",
        "waiting time", "time in queue", "answer time",
    )),
    Field("talk_seconds", gettext_lazy("Talk time"), "duration", (
        "talk", "talk time", "talk duration", "call duration", "duration", "conversation time",
        "conversation duration", "chat duration",
    )),
    Field("hold_seconds", gettext_lazy("Hold time"), "duration", ("hold", "hold time", "on hold", "hold duration")),
    Field("acw_seconds", gettext_lazy("After-contact work"), "duration", (
        "acw", "after call work", "after contact work", "wrap", "wrap up", "wrap up time", "wrap time",
        "wrapup", "post call work",
    )),
    Field("resolved", gettext_lazy("Resolved"), "bool", ("resolved", "is resolved", "solved", "resolution")),
    Field("first_contact_resolved", gettext_lazy("Resolved on first contact"), "bool", (
        "fcr", "first contact resolution", "resolved on first contact", "first call resolution",
        "resolved first contact", "first contact resolved",
    )),
    Field("escalated", gettext_lazy("Escalated"), "bool", ("escalated", "escalation", "is escalated")),
    Field("repeat_contact", gettext_lazy("Repeat contact"), "bool", (
        "repeat", "repeat contact", "repeat call", "recontact", "repeat caller", "callback",
    )),
    Field("csat", gettext_lazy("CSAT (1-5)"), "scale", (
        "csat", "satisfaction", "satisfaction rating", "satisfaction score", "customer satisfaction",
        "survey score", "rating", "csat score",
    ), low=1, high=5),
    Field("nps", gettext_lazy("NPS (0-10)"), "scale", (
        "nps", "net promoter", "net promoter score", "likelihood to recommend", "recommend score", "nps score",
    ), low=0, high=10),
    Field("effort", gettext_lazy("Customer effort (1-7)"), "scale", (
        "ces", "effort", "customer effort", "customer effort score", "effort score",
    ), low=1, high=7),
    Field("customer_ref", gettext_lazy("Customer reference"), "text", (
        "customer", "customer id", "customer ref", "customer reference", "account", "account number",
        "account id", "caller", "client", "client id",
    ), max_length=100),
    Field("transcript", gettext_lazy("Transcript"), "text", ("transcript", "conversation", "notes", "text", "body", "message", "chat log")),
    Field("recording_url", gettext_lazy("Recording link"), "url", ("recording", "recording url", "recording link", "audio", "audio url", "recording file"), max_length=500),
    Field("tags", gettext_lazy("Tags"), "tags", ("tags", "labels", "tag", "label")),
)  # fmt: skip
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
REQUIRED = tuple(f.name for f in FIELDS if f.required)

_UNIT_SUFFIX = re.compile(
    r"\s+(?:in\s+)?(?:seconds|second|secs|sec|s|hh mm ss|mm ss|y n|yes no|1 5|0 10|1 7)$"
)


def normalise_header(header: object) -> str:
    """'Speed of answer in seconds' -> 'speed of answer'; 'Answered (Y/N)' -> 'answered'."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", str(header or "")).lower()
    text = re.sub(r"[^0-9a-z一-鿿]+", " ", text).strip()
    previous = None
    while previous != text:
        previous, text = text, _UNIT_SUFFIX.sub("", text).strip()
    return text


_SYNONYMS = {normalise_header(s): f.name for f in FIELDS for s in (f.name.replace("_", " "), *f.synonyms)}


def match_headers(headers: list[str]) -> dict[str, str]:
    """Map field name -> header for every header that means a known field (first one wins)."""
    mapping: dict[str, str] = {}
    for header in headers:
        field = _SYNONYMS.get(normalise_header(header))
        if field and field not in mapping:
            mapping[field] = header
    return mapping


# --- value parsers -----------------------------------------------------------------------------

TRUE_WORDS = {"y", "yes", "true", "t", "1", "x", "是", "ok", "on"}
FALSE_WORDS = {"n", "no", "false", "f", "0", "否", "off", "-"}


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_bool(value) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueProblem(
        _("“%(value)s” is not yes/no (use Y/N, yes/no, true/false or 1/0).") % {"value": value}
    )


_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:\.\d+)?$")


def parse_duration(value) -> int | None:
    """Seconds from a number, 'mm:ss', 'hh:mm:ss', or a spreadsheet time or duration value."""
    if is_blank(value):
        return None
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
    elif isinstance(value, dt.datetime):
        # Excel shows durations over 24 h as dates after 1899-12-30 when the format is off.
        seconds = (value - dt.datetime(1899, 12, 30)).total_seconds()
    elif isinstance(value, bool):
        raise ValueProblem(_("“%(value)s” is not a duration.") % {"value": value})
    elif isinstance(value, int | float | Decimal):
        seconds = float(value)
    else:
        text = str(value).strip()
        match = _CLOCK.match(text)
        if match:
            hours, minutes, secs = int(match[1] or 0), int(match[2]), int(match[3])
            if secs >= 60 or (match[1] and minutes >= 60):
                raise ValueProblem(_("“%(value)s” is not a valid mm:ss or hh:mm:ss time.") % {"value": value})
            seconds = hours * 3600 + minutes * 60 + secs
        else:
            try:
                seconds = float(text.replace(",", "."))
            except ValueError:
                raise ValueProblem(
                    _("“%(value)s” is not a duration (use seconds, mm:ss or hh:mm:ss).") % {"value": value}
                ) from None
    if seconds < 0:
        raise ValueProblem(_("A duration cannot be negative (“%(value)s”).") % {"value": value})
    if seconds > 7 * 24 * 3600:
        raise ValueProblem(_("“%(value)s” is longer than a week: check the column.") % {"value": value})
    return round(seconds)


def parse_int_scale(value, low: int, high: int) -> int | None:
    if is_blank(value):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueProblem(
            _("“%(value)s” is not a whole number from %(low)s to %(high)s.")
            % {"value": value, "low": low, "high": high}
        ) from None
    if number != number.to_integral_value() or not low <= number <= high:
        raise ValueProblem(
            _("“%(value)s” is not a whole number from %(low)s to %(high)s.")
            % {"value": value, "low": low, "high": high}
        )
    return int(number)


_CHANNEL_WORDS = {
    "phone": Channel.PHONE, "call": Channel.PHONE, "voice": Channel.PHONE, "telephone": Channel.PHONE,
    "inbound call": Channel.PHONE, "outbound call": Channel.PHONE, "电话": Channel.PHONE,
    "chat": Channel.CHAT, "live chat": Channel.CHAT, "webchat": Channel.CHAT, "web chat": Channel.CHAT,
    "messaging": Channel.CHAT, "im": Channel.CHAT, "在线": Channel.CHAT,
    "email": Channel.EMAIL, "e mail": Channel.EMAIL, "mail": Channel.EMAIL, "邮件": Channel.EMAIL,
    "social": Channel.SOCIAL, "social media": Channel.SOCIAL, "twitter": Channel.SOCIAL,
    "facebook": Channel.SOCIAL, "wechat": Channel.SOCIAL, "whatsapp": Channel.SOCIAL, "微信": Channel.SOCIAL,
    "other": Channel.OTHER, "sms": Channel.OTHER, "letter": Channel.OTHER,
}  # fmt: skip


def parse_channel(value) -> str | None:
    if is_blank(value):
        return None
    text = re.sub(r"[^0-9a-z一-鿿]+", " ", str(value).lower()).strip()
    if text in _CHANNEL_WORDS:
        return _CHANNEL_WORDS[text]
    raise ValueProblem(
        _("“%(value)s” is not a channel (phone, chat, e-mail, social or other).") % {"value": value}
    )


_ISO = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_DMY = re.compile(
    r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def _hour12(hour: int, ampm: str | None) -> int:
    if not ampm:
        return hour
    ampm = ampm.lower()
    if not 1 <= hour <= 12:
        raise ValueError
    return (hour % 12) + (12 if ampm == "pm" else 0)


def parse_datetime(value, date_order: str = "DMY") -> dt.datetime | dt.date | dt.time | None:
    """A date-time, a date or a time of day, from a spreadsheet value or text.

    Text dates with slashes are read day-first (DMY) unless `date_order` is "MDY". Returns
    naive values; the caller puts them in the contact centre's time zone.
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value
    if isinstance(value, bool):
        raise ValueProblem(_("“%(value)s” is not a date or time.") % {"value": value})
    if isinstance(value, int | float) and 1 <= value < 2958466:  # an Excel serial date
        return EXCEL_EPOCH + dt.timedelta(days=float(value))
    text = str(value).strip()
    try:
        if m := _ISO.match(text):
            year, month, day = int(m[1]), int(m[2]), int(m[3])
            if m[4] is None:
                return dt.date(year, month, day)
            result = dt.datetime(year, month, day, int(m[4]), int(m[5]), int(m[6] or 0))
            if m[7]:
                return dt.datetime.fromisoformat(
                    text.replace(" ", "T").replace("Z", "+00:00").replace("/", "-")
                )
            return result
        if m := _DMY.match(text):
            first, second, year = int(m[1]), int(m[2]), int(m[3])
            year += 2000 if year < 100 else 0
            day, month = (second, first) if date_order == "MDY" else (first, second)
            if m[4] is None:
                return dt.date(year, month, day)
            return dt.datetime(year, month, day, _hour12(int(m[4]), m[7]), int(m[5]), int(m[6] or 0))
        if m := _TIME.match(text):
            return dt.time(_hour12(int(m[1]), m[4]), int(m[2]), int(m[3] or 0))
    except ValueError:
        pass
    raise ValueProblem(
        _("“%(value)s” is not a date and time this import can read (for example 2026-11-03 14:05).")
        % {"value": value}
    )


def parse_tags(value) -> list[str]:
    if is_blank(value):
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [t.strip() for t in re.split(r"[;,|]", str(value)) if t.strip()]


def clean_text(value, max_length: int | None = None) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # ids typed as numbers in a spreadsheet
    text = str(value).strip()
    if max_length and len(text) > max_length:
        raise ValueProblem(_("Longer than %(n)s characters.") % {"n": max_length})
    return text
