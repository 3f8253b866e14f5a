"""The worked examples of docs/metrics.md, to the cent (pure functions, no database)."""

from decimal import Decimal
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coaching import metrics
from coaching.metrics import Summary, Weight, composite, falling, qa_figures, summarise, t_quantile


def totals(*values):
    return [D(str(v)) for v in values]


@pytest.mark.parametrize(
    ("df", "expected"),
    [
        (1, 12.706205),
        (2, 4.302653),
        (4, 2.776445),
        (9, 2.262157),
        (19, 2.093024),
        (29, 2.045230),
        (10_000, 1.960201),
    ],
)
def test_t_quantiles_match_the_tables(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=2e-6)


def test_example_1_mean_and_interval():
    s = summarise(totals(80, 90, 85, 95, 100))
    assert (s.n, s.mean, s.sd, s.low, s.high) == (5, D("90.00"), D("7.91"), D("80.18"), D("99.82"))
    assert (s.median, s.min, s.max) == (D("90.00"), D("80.00"), D("100.00"))


def test_example_2_small_samples():
    one = summarise(totals("88.50"))
    assert (one.n, one.mean, one.low, one.high) == (1, D("88.50"), None, None)
    assert summarise([]) == Summary(0)
    none = qa_figures(metrics.empty_parts()["qa"])
    assert none["n"] == 0 and none["mean"] is None and none["critical_rate"] is None


def test_example_3_a_critical_failure():
    qa = metrics.empty_parts()["qa"] | {
        "totals": ["0", "90", "92"], "raw": ["88", "90", "92"], "targets": ["92.25"] * 3, "critical": 1,
    }  # fmt: skip
    figures = qa_figures(qa)
    assert (figures["mean"], figures["raw_mean"], figures["critical"], figures["critical_rate"]) == (
        "60.67", "90.00", 1, "33.33",
    )  # fmt: skip


def test_example_4_the_default_rubrics_target_and_ninety_percent_of_it():
    weights_targets = [(25, 95), (25, 90), (20, 100), (20, 85), (10, 90)]
    target = sum(D(w) * D(t) for w, t in weights_targets) / 100
    assert target == D("92.25")
    from coaching.services.records import Flag, figures_for

    def flags(mean):
        parts = metrics.empty_parts()
        parts["qa"] |= {"totals": [mean], "raw": [mean], "targets": [str(target)]}
        return figures_for(parts, scheme=None, previous=None, minimum=1)["flags"]

    assert Flag.BELOW_TARGET in flags("84.00") and Flag.NEAR_TARGET in flags("84.00")
    assert Flag.BELOW_TARGET in flags("83.00") and Flag.NEAR_TARGET not in flags("83.00")


def test_example_5_a_section_and_a_criterion():
    qa = metrics.empty_parts()["qa"] | {
        "totals": ["85", "88"], "raw": ["85", "88"], "targets": ["90", "90"],
        "sections": {"s1": {"name": "Communication", "n": 2, "score": "170", "target": "180", "met": 1}},
        "criteria": {"c1": {"label": "Greets", "section": "s1", "kind": "yes_no", "n": 3, "score": "200", "full": 2}},
    }  # fmt: skip
    figures = qa_figures(qa)
    section = figures["sections"][0]
    assert (section["mean"], section["attainment"], section["met"]) == ("85.00", "94.44", False)
    assert (figures["criteria"][0]["n"], figures["criteria"][0]["value"]) == (3, "66.67")


def test_example_7_a_phone_agents_composite():
    phone = [
        Weight("asa", "ASA", D(25), D(20), metrics.LOWER),
        Weight("fcr", "FCR", D(30), D(70), metrics.HIGHER),
        Weight("csat", "CSAT", D(25), D(90), metrics.HIGHER),
        Weight("utilisation", "Utilisation", D(20), D(85), metrics.BALANCED),
    ]
    result = composite(
        {"asa": (D(25), 40), "fcr": (D(77), 50), "csat": (D(81), 30), "utilisation": (None, 0)}, phone
    )
    assert result["value"] == "90.63" and result["weights_used"] == "80.00"
    rows = {r["kpi"]: r for r in result["rows"]}
    assert (rows["asa"]["attainment"], rows["fcr"]["attainment"], rows["fcr"]["counted"]) == (
        "80.00",
        "110.00",
        "100.00",
    )
    assert rows["utilisation"]["counted"] is None and rows["utilisation"]["n"] == 0
    assert composite({}, phone)["value"] is None  # no data at all: "—", not 0


def test_balanced_attainment_and_a_zero_wait():
    assert metrics.attainment(D(85), D(85), metrics.BALANCED) == 1
    assert metrics.attainment(D(68), D(85), metrics.BALANCED) == D("0.8")
    assert metrics.attainment(D(200), D(85), metrics.BALANCED) == 0
    assert metrics.attainment(D(0), D(20), metrics.LOWER) > 1  # capped by the weight's cap


def test_example_8_falling():
    last = Summary(20, mean=D("88.00"), low=D("84.10"), high=D("91.90"))
    assert falling(Summary(18, mean=D("80.00"), low=D("76.00"), high=D("83.50")), last)
    assert not falling(Summary(18, mean=D("82.00"), low=D("78.00"), high=D("86.00")), last)
    assert not falling(Summary(1, mean=D("50.00")), last)  # no interval this month: no claim
    assert not falling(Summary(18, high=D("83.50")), None)


def test_a_rollup_pools_the_reviews_not_the_agents_means():
    a, b = metrics.empty_parts(), metrics.empty_parts()
    a["qa"] |= {"totals": ["80", "90"], "raw": ["80", "90"], "targets": ["90", "90"]}
    b["qa"] |= {"totals": ["100"], "raw": ["100"], "targets": ["90"]}
    team = metrics.parts_add(metrics.parts_add(metrics.empty_parts(), a), b)
    figures = qa_figures(team["qa"])
    assert (figures["n"], figures["mean"]) == (3, "90.00")


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=2, max_size=40))
def test_the_interval_holds_the_mean_and_stays_within_0_to_100(values):
    s = summarise(values)
    assert D(0) <= s.low <= s.mean <= s.high <= D(100)
    assert s.min <= s.median <= s.max


# -- one display rule: halves away from zero, rounded once (issue 17 §4) ---------------------------


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [("31.25", 1, "31.3"), ("31.35", 1, "31.4"), ("0.125", 2, "0.13"), ("-0.125", 2, "-0.13"),
     ("2.5", 0, "3"), ("3.5", 0, "4"), ("74.075", 2, "74.08"), ("None", 1, "—")],
)  # fmt: skip
def test_every_figure_is_shown_with_halves_away_from_zero(value, places, shown):
    from coaching.templatetags.records import fig, kpi_value
    from core.display import half_up

    assert fig(None if value == "None" else Decimal(value), places) == shown
    if value != "None":
        assert half_up(Decimal(value), places) == shown
    assert kpi_value({"value": "31.25"}, "csat") == "31.3 %"  # f"{Decimal('31.25'):.1f}" gives 31.2


def test_section_attainment_is_rounded_once_from_the_exact_sums():
    """Scores 70, 70, 70.01 against 94.5: the mean rounds to 70.00, and 70.00 ÷ 94.5 = 74.07; the
    exact 210.01 ÷ 283.5 = 74.0776… = 74.08."""
    qa = metrics.empty_parts()["qa"] | {
        "totals": ["70", "70", "70.01"],
        "sections": {"k": {"name": "Knowledge", "n": 3, "score": "210.01", "target": "283.5"}},
    }
    section = metrics.qa_figures(qa)["sections"][0]
    assert (section["mean"], section["target"], section["attainment"]) == ("70.00", "94.50", "74.08")


def test_the_composite_weighs_exact_values():
    """CSAT 2 of 3 = 66.666…%: against a target of 66.68 the exact attainment is 99.980…% = 99.98,
    where the rounded 66.67 would give 66.67 ÷ 66.68 = 99.985… = 99.99."""
    k = metrics.empty_kpi() | {"csat_top": 2, "csat_n": 3}
    weights = [metrics.Weight("csat", "CSAT", Decimal(100), Decimal("66.68"), metrics.HIGHER)]
    result = metrics.composite(metrics.kpi_exact(k), weights, metrics.Minimums(n=1))
    assert result["rows"][0]["actual"] == "66.67"
    assert result["value"] == "99.98" and result["rows"][0]["attainment"] == "99.98"


def test_the_change_against_last_month_says_whether_the_intervals_make_it_real():
    """docs/metrics.md, worked example 10."""
    from types import SimpleNamespace as R

    now = R(qa_mean=D("86.00"), qa_low=D("84.10"), qa_high=D("87.90"))
    assert metrics.qa_change(now, R(qa_mean=D("80.00"), qa_low=D("76.00"), qa_high=D("83.50"))) == {
        "delta": D("6.00"), "real": "rise", "previous": D("80.00")}  # fmt: skip
    assert (
        metrics.qa_change(now, R(qa_mean=D("84.00"), qa_low=D("80.00"), qa_high=D("88.00")))["real"] is None
    )
    fall = metrics.qa_change(R(qa_mean=D("70.00"), qa_low=D("65.00"), qa_high=D("75.00")), now)
    assert fall["delta"] == D("-16.00") and fall["real"] == "fall"
    assert metrics.qa_change(now, R(qa_mean=None, qa_low=None, qa_high=None)) is None
    one_review = metrics.qa_change(now, R(qa_mean=D("70.00"), qa_low=None, qa_high=None))
    assert one_review["real"] is None  # no interval last month: nothing to call real


def test_every_page_opens_on_the_same_month():
    import datetime as dt

    from core.fields import month_to_open

    assert month_to_open(dt.date(2026, 12, 4)) == dt.date(2026, 11, 1)
    assert month_to_open(dt.date(2026, 12, 7)) == dt.date(2026, 11, 1)
    assert month_to_open(dt.date(2026, 12, 8)) == dt.date(2026, 12, 1)
    assert month_to_open(dt.date(2027, 1, 3)) == dt.date(2026, 12, 1)
