"""Pure checks of the weekly report, tested without a database: weeks, regressions, change days, verdicts."""

from datetime import date, timedelta

import pytest

from audit.errors import ConfigError
from audit.outputs.report_regressions import (
    ALL_EVENTS,
    change_day,
    find_regressions,
    is_regression,
    load_thresholds,
    rules_started,
)
from audit.outputs.report_weeks import Week, default_week, last_complete_week, parse_week
from audit.outputs.verdicts import event_verdict

THRESHOLDS = load_thresholds()


def scope(conversions=100, dedup_rate=0.98, inflation_rate=0.01, event_coverage=0.9, capi_emq=7.0,
          error_rate=0.0):
    return {
        "dedup": {"conversions": conversions, "dedup_rate": dedup_rate, "inflation_rate": inflation_rate,
                  "event_coverage": event_coverage, "double_counts": int(inflation_rate * conversions)},
        "match_quality": {"capi": capi_emq, "pixel": 5.0},
        "delivery": {"error_rate": error_rate},
    }


def test_parse_week_and_its_days():
    week = parse_week("2026-W45")
    assert (week.start, week.end) == (date(2026, 11, 2), date(2026, 11, 8))
    assert week.previous() == Week(2026, 44)
    assert parse_week("2027-W01").previous().label == "2026-W53"


@pytest.mark.parametrize("text", ["2026-45", "2026-W5", "2025-W53", "W45"])
def test_parse_week_rejects_bad_text_with_the_expected_form(text):
    with pytest.raises(ConfigError, match="2026-W45|has no week"):
        parse_week(text)


def test_last_complete_week_needs_its_sunday_in_the_data():
    assert last_complete_week(date(2026, 11, 8)).label == "2026-W45"  # a Sunday: its week is complete
    assert last_complete_week(date(2026, 11, 7)).label == "2026-W44"


def test_default_week_falls_back_to_a_partial_week_when_data_is_short():
    assert default_week(date(2026, 10, 26), date(2026, 11, 8)) == (Week(2026, 45), True)
    assert default_week(date(2026, 11, 4), date(2026, 11, 6)) == (Week(2026, 45), False)


def test_unchanged_week_is_no_regression():
    same = {ALL_EVENTS: scope(), "Purchase": scope()}
    assert find_regressions(same, same, THRESHOLDS) == []


def test_dedup_rate_drop_past_threshold_regresses_and_small_drop_does_not():
    before = {"Purchase": scope(dedup_rate=0.98)}
    small = find_regressions({"Purchase": scope(dedup_rate=0.95)}, before, THRESHOLDS)
    big = find_regressions({"Purchase": scope(dedup_rate=0.80)}, before, THRESHOLDS)
    assert small == []
    assert [(r["scope"], r["metric"]) for r in big] == [("Purchase", "dedup.dedup_rate")]
    assert big[0]["change"] == pytest.approx(-0.18)


def test_lower_is_better_metrics_regress_when_they_rise():
    regs = find_regressions({"Lead": scope(inflation_rate=0.10, error_rate=0.2)},
                            {"Lead": scope(inflation_rate=0.01)}, THRESHOLDS)
    assert {r["metric"] for r in regs} == {"dedup.inflation_rate", "delivery.error_rate"}


def test_improvement_is_no_regression():
    regs = find_regressions({"Lead": scope(dedup_rate=1.0, capi_emq=9.0)},
                            {"Lead": scope(dedup_rate=0.5, capi_emq=3.0)}, THRESHOLDS)
    assert regs == []


def test_small_volumes_are_not_compared():
    regs = find_regressions({"Lead": scope(conversions=5, dedup_rate=0.1)}, {"Lead": scope(conversions=5)},
                            THRESHOLDS)
    assert regs == []


def test_event_that_stopped_arriving_regresses():
    regs = find_regressions({ALL_EVENTS: scope()}, {ALL_EVENTS: scope(), "Purchase": scope()}, THRESHOLDS)
    assert [(r["scope"], r["metric"], r["current"]) for r in regs] == [("Purchase", "dedup.conversions", 0.0)]


def test_rules_started_lists_only_new_rules_most_severe_first():
    started = rules_started(
        {"event_id_missing": 3, "fbc_stale": 10, "client_ip_missing": 4, "old_rule": 7},
        {"old_rule": 2},
        {"event_id_missing": "critical", "fbc_stale": "info", "client_ip_missing": "warning"},
    )
    assert [r["rule_id"] for r in started] == ["event_id_missing", "client_ip_missing", "fbc_stale"]
    assert is_regression([], started, THRESHOLDS)
    assert not is_regression([], started[1:], THRESHOLDS)


def test_thresholds_file_errors_name_the_key_and_the_allowed_values():
    bad = '[[metric]]\nkey = "dedup.nonsense"\nbetter = "higher"\nthreshold = 1\n'
    with pytest.raises(ConfigError, match=r"mine.toml.*#1: key 'dedup.nonsense' is not tracked; allowed"):
        load_thresholds(bad, source="mine.toml")
    with pytest.raises(ConfigError, match="better must be"):
        load_thresholds('[[metric]]\nkey = "dedup.dedup_rate"\nbetter = "up"\nthreshold = 1\n')


def test_packaged_thresholds_track_the_headline_shares():
    keys = {m.key for m in THRESHOLDS.metrics}
    assert {"dedup.dedup_rate", "dedup.inflation_rate", "dedup.event_coverage"} <= keys
    assert all(m.threshold > 0 for m in THRESHOLDS.metrics)


def test_change_day_finds_the_first_day_of_the_new_level():
    start = date(2026, 11, 2)
    series = [(start - timedelta(days=7 - i), 0.98) for i in range(7)]
    series += [(start + timedelta(days=i), 0.98 if i < 3 else 0.60) for i in range(7)]
    shift = change_day(series, start)
    assert shift["day"] == "2026-11-05"
    assert shift["before"] == pytest.approx(0.98) and shift["after"] == pytest.approx(0.60)


def test_change_day_skips_missing_days_and_needs_points_in_the_week():
    start = date(2026, 11, 2)
    assert change_day([(start - timedelta(days=1), 0.5)], start) is None
    assert change_day([(start, None), (start + timedelta(days=1), 0.4), (start - timedelta(days=2), 0.9)],
                      start)["day"] == "2026-11-03"


def test_verdict_healthy_event():
    verdict = event_verdict(scope(inflation_rate=0.0), [], [])
    assert (verdict["level"], verdict["reasons"]) == ("ok", [])


def problem(severity, title="Something is wrong", findings=3):
    return {"rule_id": "r", "severity": severity, "title": title, "findings": findings}


def test_verdict_needs_fixing_when_meta_counts_twice():
    verdict = event_verdict(scope(dedup_rate=0.6, inflation_rate=0.2), [problem("critical")], [])
    assert verdict["level"] == "fix"
    assert "only 60 % of conversions sent by both browser and server are deduplicated" in verdict["reasons"]
    assert "Meta counts 20 conversions twice (20 %)" in verdict["reasons"]
    assert "Something is wrong (3 events)" in verdict["reasons"]


def test_verdict_regression_or_a_serious_rule_means_attention_but_info_does_not():
    assert event_verdict(scope(inflation_rate=0.0), [], ["Deduplication rate"])["level"] == "attention"
    assert event_verdict(scope(inflation_rate=0.0), [problem("warning")], [])["level"] == "attention"
    assert event_verdict(scope(inflation_rate=0.0), [problem("info")], [])["level"] == "ok"


def test_verdict_lists_at_most_three_problems():
    many = [problem("critical", f"problem {i}") for i in range(5)]
    reasons = event_verdict(scope(inflation_rate=0.0), many, [])["reasons"]
    assert reasons[-1] == "and 2 more problems" and len(reasons) == 4


def test_packaged_thresholds_track_match_quality_and_key_coverage():
    keys = {m.key for m in THRESHOLDS.metrics}
    assert {"match_quality.capi", "coverage.capi.em.valid", "coverage.capi.fbc.valid"} <= keys
    with pytest.raises(ConfigError, match="coverage.<pixel|capi>"):
        load_thresholds('[[metric]]\nkey = "coverage.capi.email.valid"\nbetter = "higher"\nthreshold = 0.1\n')


def test_emq_and_coverage_drops_regress_past_their_thresholds():
    def with_quality(emq: float, em_valid: float) -> dict:
        return {**scope(capi_emq=emq), "coverage": {"capi": {"em": {"present": 1.0, "valid": em_valid}}}}

    before = {"Lead": with_quality(7.0, 0.9)}
    small = find_regressions({"Lead": with_quality(6.6, 0.85)}, before, THRESHOLDS)
    big = find_regressions({"Lead": with_quality(6.0, 0.5)}, before, THRESHOLDS)
    assert small == []
    assert {r["metric"] for r in big} == {"match_quality.capi", "coverage.capi.em.valid"}


def test_event_verdict_judges_match_quality_like_the_dashboard():
    no_server = {**scope(inflation_rate=0.0), "match_quality": {"pixel": 3.0, "combined": 5.0}}
    verdict = event_verdict(no_server, [], [])
    assert verdict["level"] == "attention"
    reasons = "; ".join(verdict["reasons"])
    assert "estimated match quality of browser and server events is 5.0 out of 10" in reasons
