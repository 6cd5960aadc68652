"""The cheap tests before each pattern and the distinct values read field by field change nothing."""

from __future__ import annotations

import pytest
from eventsets import capi, pixel, sha, store

from audit.db import connect, sql_text
from audit.rules.engine import run_audit

HEX = sha("someone@example.com")
# The macros as they were before the cheap tests (the bare patterns): the reference the macros must equal.
PATTERN_ONLY = {
    "appendix_of": "nullif(regexp_extract(x, '\\.([A-Za-z0-9_-]{8}|[A-Za-z0-9_-]{2})$', 1), '')",
    "is_sha256": "regexp_full_match(x, '[0-9a-f]{64}(\\.[A-Za-z0-9_-]{8}|\\.(AQ|Ag|Aw|BA|BQ|Bg))?')",
    "hash_part": "nullif(lower(regexp_extract(x, '^([0-9a-fA-F]{64})(\\.[A-Za-z0-9_-]{2,8})?$', 1)), '')",
    "looks_hashed": "regexp_full_match(case when appendix_decodes(nullif(regexp_extract(trim(x),"
                    " '\\.([A-Za-z0-9_-]{8}|[A-Za-z0-9_-]{2})$', 1), '')) then left(trim(x), length(trim(x))"
                    " - length(nullif(regexp_extract(trim(x), '\\.([A-Za-z0-9_-]{8}|[A-Za-z0-9_-]{2})$', 1),"
                    " '')) - 1) else trim(x) end, '[0-9a-fA-F]{64}')",
}
TEXTS = [
    None, "", ".", "abc", "x.y", "a.Ag", "a.AQICAQMC", "203.0.113.9.Ag", "203.0.113.12",
    "fb.1.1700000000000.abc",
    HEX, HEX.upper(), HEX[:-1], HEX + "a", HEX + ".AQ", HEX + ".Ag", HEX + ".ab", HEX + ".AQICAQMC",
    HEX + ".ABcDEFGh", HEX + ".ABcDEFG", HEX + ".ABcDEFGhi", HEX.upper() + ".Bg", f"  {HEX}  ", f" {HEX}.AQ ",
    HEX[:62] + "é", HEX[:63] + "é", HEX + ".é", HEX + ".AQICAQMé", "é" * 64, HEX[:32], HEX + HEX[:8],
    "https://shop.example/landing?fbclid=X.AQICAQMC",
]


@pytest.fixture(scope="module")
def con():
    c = connect(None)
    c.execute(sql_text("audit.rules.sql.stages", "50_macros.sql"))
    c.execute("create table texts as select unnest(?::varchar[]) as x", [TEXTS])
    return c


@pytest.mark.parametrize("macro", sorted(PATTERN_ONLY))
def test_each_macro_with_a_cheap_test_first_equals_its_bare_pattern(con, macro):
    rows = con.execute(
        f"select x, {macro}(x), {PATTERN_ONLY[macro]} from texts").fetchall()
    assert len(rows) == len(TEXTS)
    differing = [(x, new, old) for x, new, old in rows if new != old or (new is None) != (old is None)]
    assert differing == []
    if macro in ("is_sha256", "looks_hashed"):
        assert {new for _x, new, _old in rows} == {True, False, None}, "texts of every outcome"


def test_strip_appendix_still_strips_only_a_suffix_that_decodes(con):
    got = dict(con.execute("select x, strip_appendix(x) from texts where x is not null").fetchall())
    assert got[HEX + ".AQ"] == HEX
    assert got[HEX + ".AQICAQMC"] == HEX
    assert got[HEX + ".ab"] == HEX + ".ab"
    assert got[HEX] == HEX and got["abc"] == "abc"


def test_facts_read_field_by_field_hold_the_distinct_values_sent():
    hashed = sha("a@example.com")
    rows = [
        pixel("Purchase", "e-1", "2026-11-02T10:00:00Z", em=[hashed, hashed, None], ph=[None],
              external_id=["u-1", "u-1"], fbc="fb.1.1700000000000.abc", fbp=None,
              client_ip_address="203.0.113.9", client_user_agent="Mozilla/5.0"),
        capi("Purchase", "e-1", "2026-11-02T10:01:00Z", em=[hashed], ph=[], external_id=["u-1", "u-2"],
             fbc="fb.1.1700000000000.abc", fbp="fb.1.1700000000000.123", client_ip_address="203.0.113.9",
             client_user_agent="curl/8.0"),
        capi("Lead", "e-2", "2026-11-02T11:00:00Z", em=None, country=[sha("de")], external_id=None,
             fbc=None, client_ip_address=None),
    ]
    con = store(rows)
    run_audit(con, keep_intermediate=True)
    facts = "select kind, parameter, part, value from stage_mq_value_facts"
    sent = "select distinct kind, parameter, part, value from mq_values_sent()"
    assert con.execute(f"select count(*) from ({facts} except all {sent})").fetchone()[0] == 0
    assert con.execute(f"select count(*) from ({sent} except all {facts})").fetchone()[0] == 0
    per_parameter = dict(con.execute(
        "select parameter, count(*) from stage_mq_value_facts group by parameter").fetchall())
    assert per_parameter["em"] == 1 and per_parameter["external_id"] == 2
    assert "ph" not in per_parameter, "a list holding only NULL gives no value"
    assert con.execute("select count(*) from stage_mq_value_checks").fetchone()[0] == con.execute(
        "select count(*) from mq_values_sent()").fetchone()[0]
