"""The fields an import can fill, how headers are matched to them, and how values are read."""

from __future__ import annotations

import datetime as dt
import math
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
        "source id", "conversation id", "session id", "ticket", "case number", "ticket number", "call key",
        "contact key", "segment id", "interaction key", "email id", "message id", "工单号", "通话id", "记录id",
    ), max_length=100),  # without one, each row's id is made from agent, start and channel
    Field("agent", gettext_lazy("Agent"), "agent", (
        "agent", "agent name", "agent id", "agent username", "agent email", "agent e mail", "username",
        "user", "user name", "employee", "employee name", "staff", "handled by", "owner", "representative",
        "rep", "advisor", "adviser", "operator", "assignee", "agent login", "login id", "csr", "associate",
        "server", "server name", "server id",  # queueing data sets call the agent the server
        "坐席", "客服", "工号", "坐席姓名", "客服姓名",
    ), required=True),
    Field("channel", gettext_lazy("Channel"), "channel", (
        "channel", "media", "media type", "contact type", "type", "source channel", "channel type",
        "interaction type", "medium", "渠道", "媒体类型",
    )),
    Field("queue", gettext_lazy("Queue or topic"), "text", (
        "queue", "topic", "skill", "skill group", "skillset", "skill name", "split", "category", "issue type",
        "reason", "contact reason", "call reason", "department", "subject", "queue name", "routing queue",
        "service", "line of business", "lob", "campaign", "技能组", "队列", "业务类型", "问题类型",
    ), max_length=100),
    Field("started_at", gettext_lazy("Start date and time"), "datetime", (
        "start", "start time", "started at", "start date time", "date time", "datetime", "timestamp",
        "call start", "contact start", "created", "created at", "time", "call time", "start timestamp",
        "date and time", "received", "call start time", "interaction start", "start date and time",
        "created date", "opened", "opened at", "开始时间", "呼入时间", "创建时间",
        "ser start", "service start", "serv start", "service start time",  # queueing data sets
    ), required=True),
    Field("start_date", gettext_lazy("Start date (when date and time are separate)"), "date", (
        "date", "call date", "start date", "contact date", "day", "interaction date", "日期",
    )),
    Field("answered", gettext_lazy("Answered"), "bool", (
        "answered", "is answered", "handled", "connected", "answered flag", "接通", "是否接通",
    )),
    Field("abandoned", gettext_lazy("Abandoned (the opposite of answered)"), "bool", (
        "abandoned", "is abandoned", "abandon", "abandoned call", "abandon flag", "abandoned flag",
        "放弃", "是否放弃",
    )),
    Field("wait_seconds", gettext_lazy("Wait before answer"), "duration", (
        "wait", "wait time", "speed of answer", "asa", "queue time", "time to answer", "ring time",
        "waiting time", "time in queue", "answer time", "queue wait", "queue duration", "wait duration",
        "first response time", "time to first response", "response time", "等待时长", "排队时长", "等待时间",
        "q time", "queue wait time", "wait in queue",
    )),
    Field("talk_seconds", gettext_lazy("Talk time"), "duration", (
        "talk", "talk time", "talk duration", "talking time", "call duration", "duration", "conversation time",
        "conversation duration", "chat duration", "speaking time", "connected time", "agent talk time",
        "ser time", "service time", "serv time", "service duration",
        "通话时长", "通话时间", "对话时长",
    )),
    Field("hold_seconds", gettext_lazy("Hold time"), "duration", (
        "hold", "hold time", "on hold", "hold duration", "time on hold", "保持时长", "保持时间",
    )),
    Field("acw_seconds", gettext_lazy("After-contact work (wrap-up)"), "duration", (
        "acw", "after call work", "after contact work", "wrap", "wrap up", "wrap up time", "wrap time",
        "wrapup", "wrapup time", "post call work", "after call", "acw time", "after call work time",
        "disposition time", "wrap duration", "话后处理", "话后时长", "整理时长",
    )),
    Field("handle_total", gettext_lazy("Handle time, when talk, hold and wrap-up are not separate"), "duration", (
        "handle time", "handling time", "aht", "handle duration", "handle", "total handle time",
        "average handle time", "处理时长", "处理时间",
    )),
    Field("resolved", gettext_lazy("Resolved"), "bool", (
        "resolved", "is resolved", "solved", "resolution", "resolution status", "issue resolved", "解决",
        "是否解决",
    )),
    Field("first_contact_resolved", gettext_lazy("Resolved on first contact"), "bool", (
        "fcr", "first contact resolution", "resolved on first contact", "first call resolution",
        "resolved first contact", "first contact resolved", "one touch resolution", "one touch",
        "首次解决", "一次解决",
    )),
    Field("escalated", gettext_lazy("Escalated"), "bool", (
        "escalated", "escalation", "is escalated", "transferred to supervisor", "升级",
    )),
    Field("repeat_contact", gettext_lazy("Repeat contact"), "bool", (
        "repeat", "repeat contact", "repeat call", "recontact", "repeat caller", "callback", "重复来电", "重复",
    )),
    Field("csat", gettext_lazy("CSAT (1-5)"), "scale", (
        "csat", "satisfaction", "satisfaction rating", "satisfaction score", "customer satisfaction",
        "survey score", "survey rating", "rating", "csat score", "csat rating", "post call survey",
        "customer satisfaction score", "满意度", "满意度评分",
    ), low=1, high=5),
    Field("nps", gettext_lazy("NPS (0-10)"), "scale", (
        "nps", "net promoter", "net promoter score", "likelihood to recommend", "recommend score", "nps score",
        "recommendation score", "ltr", "nps rating", "推荐度", "净推荐值",
    ), low=0, high=10),
    Field("effort", gettext_lazy("Customer effort (1-7)"), "scale", (
        "ces", "effort", "customer effort", "customer effort score", "effort score", "ease score", "ces score",
        "费力度",
    ), low=1, high=7),
    Field("customer_ref", gettext_lazy("Customer reference"), "text", (
        "customer", "customer id", "customer ref", "customer reference", "account", "account number",
        "account id", "caller", "client", "client id", "caller id", "ani", "customer number", "客户编号",
    ), max_length=100),
    Field("transcript", gettext_lazy("Transcript"), "text", (
        "transcript", "conversation", "notes", "text", "body", "message", "chat log", "chat transcript",
        "email body", "对话内容", "聊天记录",
    ), max_length=100_000),
    Field("recording_url", gettext_lazy("Recording link"), "url", (
        "recording", "recording url", "recording link", "audio", "audio url", "recording file", "call recording",
        "录音", "录音地址",
    ), max_length=500),
    Field("tags", gettext_lazy("Tags"), "tags", ("tags", "labels", "tag", "label", "标签")),
)  # fmt: skip
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
REQUIRED = tuple(f.name for f in FIELDS if f.required)


def year_range() -> tuple[int, int]:
    """Interactions before or after these years are a misread column (or date order), not data:
    settings.DATA_FIRST_YEAR … DATA_LAST_YEAR (archives and public data sets go back decades)."""
    from django.conf import settings

    return settings.DATA_FIRST_YEAR, settings.DATA_LAST_YEAR


def two_digit_year(year: int) -> int:
    """A year written with two digits: 69–99 are 1969–1999, 00–68 are 2000–2068 (as strptime)."""
    return year + (1900 if year >= 69 else 2000) if year < 100 else year


# Words that say how a column was summed up or in what unit, not what it holds: "Avg Talk Time
# (s)", "talk_time_in_seconds" and "TotalTalkTimeSecs" all mean talk time.
NOISE = {
    "avg", "average", "mean", "total", "sum", "in", "seconds", "second", "secs", "sec", "s", "mm", "ss",
    "hh", "min", "mins", "minutes", "minute", "ms", "msec", "milliseconds", "hrs", "hours", "hour", "h",
    "m", "y", "n", "yn", "yes", "no", "flag", "秒", "分钟", "小时", "毫秒",
}  # fmt: skip
# Left alone once the noise is gone, these mean too little to match on ("Total Time").
TOO_VAGUE = {"time", "date", "id", "type", "duration", ""}
MINUTES = {"min", "mins", "minutes", "minute", "分钟"}
HOURS = {"hrs", "hours", "hour", "小时"}
MILLISECONDS = {"ms", "msec", "milliseconds", "毫秒"}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_UNITS = re.compile(r"(秒|分钟|小时|毫秒)")


def header_words(header: object) -> list[str]:
    """'AvgTalkTime(s)' -> ['avg', 'talk', 'time', 's']; 'wrap_up_secs' -> ['wrap', 'up', 'secs']."""
    text = _UNITS.sub(r" \1 ", _CAMEL.sub(" ", str(header or "")))
    return re.sub(r"[^0-9a-z一-鿿]+", " ", text.lower()).split()


def normalise_header(header: object) -> str:
    """The header's words without the noise at either end: 'Speed of answer in seconds' ->
    'speed of answer'; 'Answered (Y/N)' -> 'answered'; 'AvgTalkTime' -> 'talk time'."""
    words = header_words(re.sub(r"\(.*?\)|\[.*?\]|（.*?）", " ", str(header or "")))
    while words and words[-1] in NOISE:
        words.pop()
    while words and words[0] in NOISE:
        words.pop(0)
    return " ".join(words)


def _plain(header: object) -> str:
    """Every noise word gone, wherever it stands: 'Total Avg Talk Time In Secs' -> 'talk time'."""
    return " ".join(w for w in header_words(header) if w not in NOISE)


_SYNONYMS: dict[str, str] = {}
_PLAIN_SYNONYMS: dict[str, str] = {}
for _field in FIELDS:
    for _synonym in (_field.name.replace("_", " "), *_field.synonyms):
        _SYNONYMS.setdefault(normalise_header(_synonym), _field.name)
        _PLAIN_SYNONYMS.setdefault(_plain(_synonym), _field.name)


def match_header(header: object) -> str | None:
    """The field a header means, or None."""
    words = normalise_header(header)
    if words in TOO_VAGUE and words != " ".join(header_words(header)):
        return None  # "Total Time": a duration of something, not the start time
    field = _SYNONYMS.get(words)
    if field:
        return field
    plain = _plain(header)
    return None if plain in TOO_VAGUE else _PLAIN_SYNONYMS.get(plain)


def match_headers(headers: list[str]) -> dict[str, str]:
    """Map field name -> header for every header that means a known field (first one wins)."""
    mapping: dict[str, str] = {}
    for header in headers:
        field = match_header(header)
        if field and field not in mapping:
            mapping[field] = header
    return mapping


def duration_unit(header: object) -> float:
    """Seconds per unit of a plain number in this column: 60 for 'Talk (min)', 0.001 for 'ms'."""
    words = set(header_words(header))
    if words & MILLISECONDS:
        return 0.001
    if words & MINUTES and not {"mm", "ss"} <= words:
        return 60
    if words & HOURS and not {"hh", "mm"} <= words:
        return 3600
    return 1


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


def _number(text: str) -> float | None:
    """A finite number from text ('12', '12.5', '12,5'), else None: 'nan', 'inf' are not numbers."""
    try:
        number = float(text.replace(",", "."))
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def parse_duration(value, unit: float = 1) -> int | None:
    """Seconds from a number (times `unit`: 60 for a column in minutes), 'mm:ss', 'hh:mm:ss',
    or a spreadsheet time or duration value."""
    if is_blank(value):
        return None
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, dt.datetime):
        # Excel shows durations over 24 h as dates after 1899-12-30 when the format is off.
        seconds = (value - dt.datetime(1899, 12, 30, tzinfo=value.tzinfo)).total_seconds()
    elif isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
    elif isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueProblem(_("“%(value)s” is not a duration.") % {"value": value})
    elif isinstance(value, int | float | Decimal):
        seconds = _number(str(value)) if finite(value) else None
        if seconds is None:
            raise ValueProblem(_("“%(value)s” is not a number of seconds.") % {"value": value})
        seconds *= unit
    else:
        text = value.strip()
        match = _CLOCK.match(text)
        if match:
            hours, minutes, secs = int(match[1] or 0), int(match[2]), int(match[3])
            if secs >= 60 or (match[1] and minutes >= 60):
                raise ValueProblem(_("“%(value)s” is not a valid mm:ss or hh:mm:ss time.") % {"value": value})
            seconds = hours * 3600 + minutes * 60 + secs
        else:
            seconds = _number(text[:40])
            if seconds is None:
                raise ValueProblem(
                    _("“%(value)s” is not a duration (use seconds, mm:ss or hh:mm:ss).") % {"value": value}
                )
            seconds *= unit
    if seconds < 0:
        raise ValueProblem(_("A duration cannot be negative (“%(value)s”).") % {"value": value})
    if seconds > 7 * 24 * 3600:
        raise ValueProblem(_("“%(value)s” is longer than a week: check the column.") % {"value": value})
    return round(seconds)


def parse_int_scale(value, low: int, high: int) -> int | None:
    if is_blank(value):
        return None
    if type(value) is int and low <= value <= high:
        return value
    if not isinstance(value, bool) and isinstance(value, int | float | Decimal | str):
        try:
            number = Decimal(str(value).strip()[:40])
        except InvalidOperation:
            number = None
        if (
            number is not None
            and number.is_finite()
            and number == number.to_integral_value()
            and low <= number <= high
        ):
            return int(number)
    raise ValueProblem(
        _("“%(value)s” is not a whole number from %(low)s to %(high)s.")
        % {"value": value, "low": low, "high": high}
    )


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
# Compact dates as archives and queueing data sets write them: 20261103, 261103, 20261103 1405,
# 20261103T140500.
_COMPACT = re.compile(r"^(\d{4}|\d{2})(\d{2})(\d{2})(?:[ T]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?$")
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
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueProblem(_("“%(value)s” is not a date or time.") % {"value": value})
    if isinstance(value, int | float | Decimal):
        if finite(value) and value == int(value) and 19000101 <= value <= 29991231:
            return parse_datetime(str(int(value)), date_order)  # YYYYMMDD kept as a number
        if finite(value) and 1 <= value < 2958466:  # an Excel serial date
            serial = EXCEL_EPOCH + dt.timedelta(days=float(value))
            if serial.year > year_range()[1] and value == int(value) and 100000 <= value <= 991231:
                return parse_datetime(f"{int(value):06d}", date_order)  # YYMMDD kept as a number
            return serial
        raise ValueProblem(_("“%(value)s” is not a date or time.") % {"value": value})
    text = value.strip()[:60]
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
        if m := _COMPACT.match(text):  # YYYYMMDD or YYMMDD, with a time or not
            year = int(m[1]) if len(m[1]) == 4 else two_digit_year(int(m[1]))
            day = dt.date(year, int(m[2]), int(m[3]))
            if m[4] is None:
                return day
            return dt.datetime(day.year, day.month, day.day, int(m[4]), int(m[5]), int(m[6] or 0))
        if m := _DMY.match(text):
            first, second, year = int(m[1]), int(m[2]), int(m[3])
            year = two_digit_year(year)
            day, month = (second, first) if date_order == "MDY" else (first, second)
            if m[4] is None:
                return dt.date(year, month, day)
            return dt.datetime(year, month, day, _hour12(int(m[4]), m[7]), int(m[5]), int(m[6] or 0))
        if m := _TIME.match(text):
            return dt.time(_hour12(int(m[1]), m[4]), int(m[2]), int(m[3] or 0))
    except (ValueError, OverflowError):
        pass
    raise ValueProblem(
        _("“%(value)s” is not a date and time this import can read (for example 2026-11-03 14:05).")
        % {"value": value}
    )


def parse_tags(value) -> list[str]:
    if is_blank(value):
        return []
    if isinstance(value, list | tuple):
        tags = [clean_text(v, 100) for v in value]
    else:
        tags = [clean_text(t, 100) for t in re.split(r"[;,|]", clean_text(value))]
    tags = [t for t in tags if t]
    if len(tags) > 50:
        raise ValueProblem(_("More than 50 tags."))
    return tags


def finite(value) -> bool:
    """A number that is neither NaN (quiet or signalling) nor infinite."""
    if isinstance(value, Decimal):
        return value.is_finite()
    return math.isfinite(value)


def check_text(text: str) -> str:
    """Text a database can store: no NUL characters, no lone surrogates."""
    if "\x00" in text:
        raise ValueProblem(_("Contains a NUL character, which cannot be stored: remove it."))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueProblem(_("Contains characters that are not valid Unicode.")) from None
    return text


def clean_text(value, max_length: int | None = None) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueProblem(_("“%(value)s” is not text.") % {"value": str(value)[:60]})
    if isinstance(value, float | Decimal) and not finite(value):
        raise ValueProblem(_("“%(value)s” is not a value.") % {"value": value})
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # ids typed as numbers in a spreadsheet
    text = str(value).strip()
    if max_length and len(text) > max_length:
        raise ValueProblem(
            _("Longer than %(n)s characters (%(length)s): shorten it.")
            % {"n": max_length, "length": len(text)}
        )
    return check_text(text)
