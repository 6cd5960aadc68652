"""The pure pieces under the dashboard: chart builders, verdicts, hash masking, query binding."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from audit.outputs import charts, verdicts
from audit.outputs.display import mask_hashes, meta_error_meaning, short_hash
from audit.outputs.queries import bind, query_params

H = "a" * 64


def test_short_hash_cuts_hashes_only():
    assert short_hash(H) == "aaaaaaaa…"
    assert short_hash(f"em {H} differs") == "em aaaaaaaa… differs"
    assert short_hash("cust-1") == "cust-1"
    assert short_hash(12) == 12


def test_mask_hashes_leaves_no_full_hash():
    frame = pd.DataFrame({"em": [H, None], "n": [1, 2]})
    masked = mask_hashes(frame)
    assert masked["em"].tolist()[0] == "aaaaaaaa…"
    assert H not in masked.to_csv()


def test_dedup_outcomes_stacks_every_pairing_in_reading_order():
    rows = [
        {"event_name": "Purchase", "pairing": "capi_only", "conversions": 3},
        {"event_name": "Purchase", "pairing": "deduplicated", "conversions": 90},
        {"event_name": "Lead", "pairing": "event_name_case_mismatch", "conversions": 7},
    ]
    fig = charts.dedup_outcomes(pd.DataFrame(rows))
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == [charts.PAIRING_LABELS[p] for p in
                                          ("deduplicated", "event_name_case_mismatch", "capi_only")]
    purchase = dict(zip(fig.data[0].y, fig.data[0].x, strict=True))
    assert purchase == {"Purchase": 90, "Lead": 0}


def test_builders_accept_polars_and_lists_alike():
    import polars as pl

    rows = [{"day": date(2026, 11, 2), "currency": "EUR", "inflated_value": 12.5},
            {"day": date(2026, 11, 2), "currency": "USD", "inflated_value": 3.0}]
    a, b = charts.inflated_value(pl.DataFrame(rows)), charts.inflated_value(rows)
    assert [t.name for t in a.data] == [t.name for t in b.data] == ["EUR", "USD"]
    assert list(a.data[0].y) == [12.5]


def test_empty_input_gives_a_figure_with_a_message():
    fig = charts.match_quality([])
    assert not fig.data and "Nothing to show" in fig.layout.annotations[0].text


def test_emq_goal_is_in_the_legend_not_written_over_the_bars():
    rows = [{"event_name": "AddToCart", "channel": "capi", "estimated_emq": 5.8},
            {"event_name": "Lead", "channel": "pixel", "estimated_emq": 9.1}]
    for fig in (charts.match_quality(rows),
                charts.whatif([{"channel": "capi", "current": 5.8, "projected": 7.0}])):
        assert "Meta's goal 6.0" in [t.name for t in fig.data]
        assert not fig.layout.annotations, "a label on the goal line covers the first bars' values"
        assert [s.y0 for s in fig.layout.shapes] == [6.0]


def test_coverage_heatmap_keeps_one_channel():
    rows = [{"event_name": "Lead", "channel": c, "parameter": "em", "valid_share": v, "present_share": 1.0}
            for c, v in (("capi", 0.5), ("pixel", 0.9))]
    fig = charts.coverage_heatmap(rows, "valid_share", "capi")
    assert [list(r) for r in fig.data[0].z] == [[0.5]]


@pytest.mark.parametrize(("rate", "light"), [(0.99, "green"), (0.85, "amber"), (0.2, "red"), (None, "grey")])
def test_dedup_verdict(rate, light):
    assert verdicts.dedup_verdict(rate).light == light


def test_other_verdicts_use_meta_goals():
    assert verdicts.coverage_verdict(0.75).light == "green"
    assert verdicts.coverage_verdict(0.74).light == "amber"
    assert verdicts.emq_verdict(6.0).light == "green"
    assert verdicts.emq_verdict(3.9).light == "red"
    assert verdicts.double_count_verdict(0, 0.0).light == "green"
    assert verdicts.double_count_verdict(50, 0.1).light == "red"
    assert verdicts.overall([verdicts.emq_verdict(None), verdicts.emq_verdict(5.0)]) == "amber"


def test_bind_passes_only_the_query_parameters_and_nulls_empty_filters():
    assert set(query_params("dedup_trend")) == {"dataset", "start", "end", "names"}
    bound = bind("dedup_trend", {"start": date(2026, 11, 1), "names": [], "channel": "pixel", "x": 1})
    assert bound == {"dataset": None, "start": "2026-11-01", "end": None, "names": None}


def test_meta_error_meaning_names_the_too_old_case():
    assert "7 days" in meta_error_meaning(100, 2804003)
    assert "token" in meta_error_meaning(190)
