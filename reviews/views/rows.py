"""The rows of the two lists people open all day: the reviewer's queue and the reviews list
(also "My feedback"). They are written here as HTML instead of a template loop, as the scoring
page's answer buttons are: a Django template costs about 5 µs per variable and 90 µs per
``{% url %}``, which made 50 rows most of the page's time (bench/pages_http.py). Every text is
escaped once with ``escape``; labels are translated once per page. Markup and classes are those
the templates used, so the CSS and the tests see the same page.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.display import labels, local_minute, person, plain, url_maker
from core.models import Channel
from scoring.selectors import section_names_of

from ..models import AssignmentStatus, ReviewStatus
from ..models.reviews import RANK_UNREAD

QUEUE_COLUMNS = (
    "pk", "status", "skip_reason", "review__id", "item__reason",
    "item__agent__first_name", "item__agent__last_name", "item__agent__username", "item__agent__team__name",
    "item__interaction_id", "item__interaction__channel", "item__interaction__started_at",
    "item__interaction__queue", "item__interaction__csat",
)  # fmt: skip


def queue_rows(assignments, *, csrf_token: str, first_is_primary: bool) -> SafeString:
    """One ``<tr>`` per assignment (values() rows with QUEUE_COLUMNS): agent, interaction, why
    drawn, status, and Score / Continue / View with the Skip form."""
    interaction_url = url_maker("reviews:interaction_detail")
    review_url = url_maker("reviews:review_detail")
    open_url = url_maker("reviews:review_open")
    skip_url = url_maker("reviews:assignment_skip")
    channels, statuses = labels(Channel.choices), labels(AssignmentStatus.choices)
    token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    view, score, resume = escape(_("View")), escape(_("Score")), escape(_("Continue"))
    # (the texts are taken out of the f-strings: xgettext does not look inside them)
    t_skip, t_why, t_example = (
        escape(_("Skip")),
        escape(_("Why skip it?")),
        escape(_("e.g. recording is silent")),
    )
    t_replace, t_csat = escape(_("Skip and replace")), escape(_("CSAT"))
    skip = (
        f'<details class="skip"><summary>{t_skip}</summary>'
        f'<form method="post" action="%s">{token}<label>{t_why}'
        f'<input name="reason" required maxlength="300" placeholder="{t_example}">'
        f'</label> <button type="submit">{t_replace}</button></form></details>'
    )
    rows = []
    for n, a in enumerate(assignments):
        status = a["status"]
        csat = f" · {t_csat} {a['item__interaction__csat']}" if a["item__interaction__csat"] else ""
        hint = f'<div class="hint">{escape(a["skip_reason"])}</div>' if a["skip_reason"] else ""
        if status == AssignmentStatus.DONE and a["review__id"]:
            action = f'<a href="{review_url(a["review__id"])}">{view}</a>'
        elif status != AssignmentStatus.SKIPPED:
            primary = ' class="primary"' if n == 0 and first_is_primary else ""
            label = resume if status == AssignmentStatus.STARTED else score
            action = (
                f'<form method="post" action="{open_url(a["pk"])}">{token}'
                f'<button type="submit"{primary}>{label}</button></form>'
            )
        else:
            action = ""
        if status == AssignmentStatus.ASSIGNED:
            action += skip % skip_url(a["pk"])
        agent = person(a["item__agent__first_name"], a["item__agent__last_name"], a["item__agent__username"])
        rows.append(
            f'<tr><td>{escape(agent)}<div class="hint">{escape(a["item__agent__team__name"] or "")}</div></td>'
            f'<td><a href="{interaction_url(a["item__interaction_id"])}">'
            f"{channels[a['item__interaction__channel']]} · {local_minute(a['item__interaction__started_at'])}</a>"
            f'<div class="hint">{escape(a["item__interaction__queue"])}{csat}</div></td>'
            f'<td class="hide-sm">{escape(a["item__reason"])}</td>'
            f'<td><span class="badge badge-assign-{status}">{statuses[status]}</span>{hint}</td>'
            f'<td class="row-actions">{action}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # every text above is escaped


BAD, UNREAD = ' class="bad"', ' class="unread"'


def progress_items(agents: list[dict]) -> SafeString:
    """One ``<li>`` per agent of the queue: name, "short sample" badge, done of total."""
    t_title, t_short = escape(_("Fewer eligible interactions than the minimum")), escape(_("short sample"))
    short = f' <span class="badge badge-warn" title="{t_title}">{t_short}</span>'
    return mark_safe(  # every text is escaped
        "\n".join(
            f"<li><span>{escape(a['name'])}{short if a['short'] else ''}</span> "
            f'<progress max="{a["total"]}" value="{a["done"]}" aria-label="{escape(a["name"])}"></progress> '
            f'<span class="num">{a["done"]}/{a["total"]}</span></li>'
            for a in agents
        )
    )


REVIEW_COLUMNS = (
    "pk", "status", "total", "critical_failed", "sections", "rubric_id", "rubric__status", "list_rank",
    "interaction__local_date", "interaction__channel",
    "agent__first_name", "agent__last_name", "agent__username",
    "reviewer__first_name", "reviewer__last_name", "reviewer__username",
)  # fmt: skip


def review_rows(reviews, *, show_agent: bool, show_reviewer: bool) -> SafeString:
    """One ``<tr>`` per review (values() rows with REVIEW_COLUMNS): the day with the Unread
    badge, channel and agent, each section's score against its target, reviewer, total, status."""
    reviews = list(reviews)
    rubrics = {r["rubric_id"]: r["rubric__status"] for r in reviews}
    names = {key: escape(name) for key, name in section_names_of(rubrics).items()}
    detail_url = url_maker("reviews:review_detail")
    channels = {key: escape(label) for key, label in labels(Channel.choices).items()}
    statuses = {key: escape(label) for key, label in labels(ReviewStatus.choices).items()}
    t_unread_title = escape(_("The agent has not opened it since it was released or last changed."))
    t_unread = escape(_("Unread"))
    unread = f' <span class="badge badge-unread" title="{t_unread_title}">{t_unread}</span>'
    t_chip = escape(_("score / target"))
    chip = f'<span class="chip%s" title="{t_chip}">%s %s</span>'
    not_applicable = escape(_("N/A"))
    state = {True: " chip-met", False: " chip-missed", None: ""}
    rows = []
    for r in reviews:
        chips = "".join(
            chip
            % (
                state[s["met"]],
                names.get(s["key"], ""),
                not_applicable if s["dropped"] else f"{plain(s['score'])}/{plain(s['target'])}",
            )
            for s in r["sections"] or []
        )
        agent = (
            f" · {escape(person(r['agent__first_name'], r['agent__last_name'], r['agent__username']))}"
            if show_agent
            else ""
        )
        reviewer = (
            f"<td>{escape(person(r['reviewer__first_name'], r['reviewer__last_name'], r['reviewer__username']))}</td>"
            if show_reviewer
            else ""
        )
        bad = BAD if r["critical_failed"] else ""
        total = f"<strong{bad}>{r['total']}</strong>" if r["total"] is not None else "—"
        rows.append(
            f"<tr{UNREAD if r['list_rank'] == RANK_UNREAD else ''}>"
            f'<td><a href="{detail_url(r["pk"])}">{r["interaction__local_date"].isoformat()}</a>'
            f"{unread if r['list_rank'] == RANK_UNREAD else ''}"
            f'<div class="hint">{channels[r["interaction__channel"]]}{agent}</div>'
            f'<div class="chips">{chips}</div></td>{reviewer}'
            f'<td class="num">{total}</td>'
            f'<td><span class="badge badge-review-{r["status"]}">{statuses[r["status"]]}</span></td></tr>'
        )
    return mark_safe("\n".join(rows))  # every text above is escaped
