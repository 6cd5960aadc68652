"""Golden cases for the parameter rules: every case that must fire does, every twin that must not, doesn't.

Single-event rules share one event set audited once; rules that need many users (client_ip_shared) or
pairs Meta deduplicates (cross_channel_mismatch, ip_version_mismatch, fbc_modified across channels) have
their own sets, audited with the dedup stages that fill event_pairs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from eventsets import capi, check_fires_only_on_planted, pixel, refs, sha, store

from audit.rules.engine import AuditSettings, run_audit

T = "2026-11-02T10:00:00Z"
FIRES, CLEAN = "fires", "clean"
SUFFIX = "AQICAQMC"  # a parameter-builder suffix that decodes: python, net_new, 1.3.2


def ms(delta: timedelta = timedelta(0)) -> int:
    """Unix milliseconds of T + delta."""
    return int((datetime(2026, 11, 2, 10, tzinfo=UTC) + delta).timestamp() * 1000)


def fbc(click: str = "IwAR2F4-dbP0l7Mn1", delta: timedelta = -timedelta(hours=1)) -> str:
    return f"fb.1.{ms(delta)}.{click}"


def ev(maker, rule: str, kind: str, n: int, name: str = "Lead", time: str = T, **cols) -> dict:
    """A case event whose ref says which rule it tests and whether that rule must fire."""
    return maker(name, f"{rule}-{kind}-{n}", time, event_ref=f"{rule}:{kind}:{n}", **cols)


CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36"
)
NO_KEYS = {"em": None, "external_id": None, "fbp": None, "client_ip_address": None}

CASES: dict[str, list[dict]] = {
    "pii_unhashed": [
        ev(capi, "pii_unhashed", FIRES, 1, pii_hashed_on_load=["em", "ph"], ph=sha("33612345678")),
        ev(pixel, "pii_unhashed", FIRES, 2, pii_hashed_on_load=["fn"], fn=sha("mary")),
        ev(capi, "pii_unhashed", CLEAN, 1, pii_hashed_on_load=[]),
    ],
    "hash_malformed": [
        ev(capi, "hash_malformed", FIRES, 1, em=sha("a@example.com").upper()),
        ev(capi, "hash_malformed", FIRES, 2, ph="0cc175b9c0f1b6a831c399e269772661"),
        ev(pixel, "hash_malformed", FIRES, 3, fn="mary"),
        ev(capi, "hash_malformed", CLEAN, 1, em=f"{sha('b@example.com')}.{SUFFIX}"),
        ev(capi, "hash_malformed", CLEAN, 2, em=f"{sha('c@example.com')}.ABcDEFGh"),  # Meta's doc example
        ev(capi, "hash_malformed", CLEAN, 3, em=[sha("d@example.com"), sha("e@example.com")]),
    ],
    "hash_of_placeholder": [
        ev(capi, "hash_of_placeholder", FIRES, 1, em=sha("")),
        ev(pixel, "hash_of_placeholder", FIRES, 2, ln=f"{sha('undefined')}.{SUFFIX}"),
        ev(capi, "hash_of_placeholder", FIRES, 3, external_id="undefined"),
        ev(capi, "hash_of_placeholder", FIRES, 4, em=[sha("f@example.com"), sha("[object object]")]),
        ev(capi, "hash_of_placeholder", CLEAN, 1, em=sha("g@example.com"), external_id="cust-undefined-7"),
    ],
    "identifier_hashed": [
        ev(capi, "identifier_hashed", FIRES, 1, fbp=sha("fb.1.1762000000000.123")),
        ev(pixel, "identifier_hashed", FIRES, 2, client_ip_address=sha("198.51.100.2")),
        ev(capi, "identifier_hashed", CLEAN, 1, fbc=fbc()),
    ],
    "empty_string_parameter": [
        ev(capi, "empty_string_parameter", FIRES, 1, fbc=""),
        ev(pixel, "empty_string_parameter", FIRES, 2, em=[""]),
        ev(capi, "empty_string_parameter", CLEAN, 1, fbc=None),
    ],
    "insufficient_match_keys": [
        ev(capi, "insufficient_match_keys", FIRES, 1, **NO_KEYS, ct=sha("paris"), zp=sha("75001")),
        ev(capi, "insufficient_match_keys", FIRES, 2, **NO_KEYS, client_user_agent=None),
        ev(capi, "insufficient_match_keys", FIRES, 3, **NO_KEYS, client_user_agent=None,
           fn=sha("mary"), ge=sha("f")),
        ev(capi, "insufficient_match_keys", CLEAN, 1, external_id=None, fbp=None, client_ip_address=None,
           client_user_agent=None),  # e-mail alone is enough
        ev(capi, "insufficient_match_keys", CLEAN, 2, em=None, external_id=None, fbp=None, ct=sha("paris")),
        ev(capi, "insufficient_match_keys", CLEAN, 3, **NO_KEYS, db=sha("19900101"),
           other_user_data='{"lead_id": "1234567890"}'),
        ev(pixel, "insufficient_match_keys", CLEAN, 4, em=None, external_id=None, fbp=None,
           client_ip_address=None),
    ],
    "fbc_malformed": [
        ev(capi, "fbc_malformed", FIRES, 1, fbc="fb.1.abc.IwAR2F4"),
        ev(pixel, "fbc_malformed", FIRES, 2, fbc=f"{fbc()}.invalid"),
        ev(capi, "fbc_malformed", FIRES, 3, fbc="IwAR2F4-dbP0l7Mn1"),
        ev(capi, "fbc_malformed", FIRES, 4, fbc=f"fb.1.{ms() * 1000}.IwAR2F4"),
        ev(capi, "fbc_malformed", CLEAN, 1, fbc=fbc()),
        ev(capi, "fbc_malformed", CLEAN, 2, fbc=f"{fbc()}.{SUFFIX}"),
        ev(capi, "fbc_malformed", CLEAN, 3, fbc=f"{fbc()}.Ag"),
    ],
    "fbc_timestamp_seconds": [
        ev(capi, "fbc_timestamp_seconds", FIRES, 1, fbc=f"fb.1.{ms() // 1000}.IwAR2F4"),
        ev(capi, "fbc_timestamp_seconds", CLEAN, 1, fbc=fbc()),
    ],
    "fbc_after_event": [
        ev(capi, "fbc_after_event", FIRES, 1, fbc=fbc(delta=timedelta(hours=2))),
        ev(pixel, "fbc_after_event", FIRES, 2, fbc=fbc(delta=timedelta(days=1))),
        ev(capi, "fbc_after_event", CLEAN, 1, fbc=fbc(delta=timedelta(minutes=5))),  # within clock skew
        ev(capi, "fbc_after_event", CLEAN, 2, fbc=fbc(delta=-timedelta(days=3))),
    ],
    "fbc_stale": [
        ev(capi, "fbc_stale", FIRES, 1, fbc=fbc(delta=-timedelta(days=100))),
        ev(capi, "fbc_stale", CLEAN, 1, fbc=fbc(delta=-timedelta(days=80))),
    ],
    "fbc_modified": [
        ev(capi, "fbc_modified", FIRES, 1, fbc=fbc("iwar2f4-dbp0l7mn1"),
           event_source_url="https://shop.example.com/?fbclid=IwAR2F4-dbP0l7Mn1&utm_source=fb"),
        ev(pixel, "fbc_modified", FIRES, 2, fbc=fbc("IwAR2F4"),
           event_source_url="https://shop.example.com/?fbclid=IwAR2F4-dbP0l7Mn1"),
        ev(capi, "fbc_modified", CLEAN, 1, fbc=fbc("IwAR2F4-dbP0l7Mn1"),
           event_source_url=f"https://shop.example.com/?fbclid=IwAR2F4-dbP0l7Mn1.{SUFFIX}"),
        ev(capi, "fbc_modified", CLEAN, 2, fbc=fbc("IwZXolderclick"),
           event_source_url="https://shop.example.com/?fbclid=IwAR2F4-dbP0l7Mn1"),  # another click
        ev(capi, "fbc_modified", CLEAN, 3, fbc=fbc("IwAR2F4-dbP0l7Mn1")),  # URL without fbclid
    ],
    "fbp_malformed": [
        ev(capi, "fbp_malformed", FIRES, 1, fbp="fb.1.1762000000.1234567"),
        ev(pixel, "fbp_malformed", FIRES, 2, fbp="fb.1.1762000000000.abc"),
        ev(capi, "fbp_malformed", FIRES, 3, fbp="GA1.2.1234.5678"),
        ev(capi, "fbp_malformed", CLEAN, 1, fbp=f"fb.2.1762000000000.1234567.{SUFFIX}"),
    ],
    "client_ip_missing": [
        ev(capi, "client_ip_missing", FIRES, 1, client_ip_address=None),
        ev(capi, "client_ip_missing", FIRES, 2, client_ip_address=None, action_source="app",
           event_source_url=None),
        ev(capi, "client_ip_missing", CLEAN, 1, client_ip_address=None, action_source="physical_store",
           event_source_url=None),
        ev(pixel, "client_ip_missing", CLEAN, 2, client_ip_address=None),
    ],
    "client_ip_not_public": [
        ev(capi, "client_ip_not_public", FIRES, 1, client_ip_address="10.1.2.3"),
        ev(capi, "client_ip_not_public", FIRES, 2, client_ip_address="127.0.0.1"),
        ev(capi, "client_ip_not_public", FIRES, 3, client_ip_address="::1"),
        ev(capi, "client_ip_not_public", FIRES, 4, client_ip_address="fe80::1"),
        ev(capi, "client_ip_not_public", FIRES, 5, client_ip_address="100.64.0.1"),
        ev(capi, "client_ip_not_public", FIRES, 6, client_ip_address="unknown"),
        ev(capi, "client_ip_not_public", FIRES, 7, client_ip_address=f"192.168.0.10.{SUFFIX}"),
        ev(capi, "client_ip_not_public", CLEAN, 1, client_ip_address="8.8.8.8"),
        ev(capi, "client_ip_not_public", CLEAN, 2, client_ip_address="2a00:1450:4001:82a::200e"),
        ev(capi, "client_ip_not_public", CLEAN, 3, client_ip_address=f"8.8.4.4.{SUFFIX}"),
        ev(capi, "client_ip_not_public", CLEAN, 4, client_ip_address="203.0.113.77"),  # documentation range
        ev(pixel, "client_ip_not_public", CLEAN, 5, client_ip_address="10.0.0.1"),
    ],
    "user_agent_missing": [
        ev(capi, "user_agent_missing", FIRES, 1, client_user_agent=None),
        ev(capi, "user_agent_missing", CLEAN, 1, client_user_agent=None, action_source="physical_store",
           event_source_url=None),
        ev(pixel, "user_agent_missing", CLEAN, 2, client_user_agent=None),
    ],
    "user_agent_not_browser": [
        ev(capi, "user_agent_not_browser", FIRES, 1, client_user_agent="python-requests/2.31.0"),
        ev(capi, "user_agent_not_browser", FIRES, 2, client_user_agent="curl/8.4.0"),
        ev(capi, "user_agent_not_browser", FIRES, 3,
           client_user_agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
        ev(capi, "user_agent_not_browser", FIRES, 4, client_user_agent="Mozilla/5.0 (X11; Linux x86_64) "
           "AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36"),
        ev(capi, "user_agent_not_browser", CLEAN, 1, client_user_agent=CHROME),
        ev(pixel, "user_agent_not_browser", CLEAN, 2, client_user_agent="curl/8.4.0"),
    ],
}


@pytest.fixture(scope="module")
def audited():
    """One audit over every single-event case."""
    con = store([row for rows in CASES.values() for row in rows])
    run_audit(con)
    return con


def findings(con, rule_id: str) -> dict[str, tuple]:
    rows = con.execute(
        "select event_ref, paired_event_ref, field, detail from findings where rule_id = ?", [rule_id]
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_its_cases_and_not_on_their_twins(audited, rule_id):
    check_fires_only_on_planted(audited, rule_id, CASES[rule_id])


def test_one_finding_per_event_and_rule_with_the_fields_named(audited):
    dupes = audited.execute(
        "select rule_id, event_ref, count(*) from findings group by all having count(*) > 1"
    ).fetchall()
    assert dupes == []
    assert findings(audited, "pii_unhashed")["pii_unhashed:fires:1"][1] == "em, ph"


def test_details_say_what_was_seen_without_raw_pii(audited):
    d = {f"{rule}/{k}": v[2] for rule in CASES for k, v in findings(audited, rule).items()}
    assert "upper-case hex" in d["hash_malformed/hash_malformed:fires:1"]
    assert "MD5" in d["hash_malformed/hash_malformed:fires:2"]
    assert "em is the hash of an empty string" in d["hash_of_placeholder/hash_of_placeholder:fires:1"]
    assert "external_id is the text 'undefined'" in d["hash_of_placeholder/hash_of_placeholder:fires:3"]
    assert "only client_user_agent, ct, zp:" in d["insufficient_match_keys/insufficient_match_keys:fires:1"]
    assert d["insufficient_match_keys/insufficient_match_keys:fires:2"] == "no customer information at all"
    assert "letter case" in d["fbc_modified/fbc_modified:fires:1"]
    assert "cut short" in d["fbc_modified/fbc_modified:fires:2"]
    assert "private network" in d["client_ip_not_public/client_ip_not_public:fires:1"]
    # judged without the builder suffix
    assert "192.168.0.10 " in d["client_ip_not_public/client_ip_not_public:fires:7"]
    assert "HTTP library" in d["user_agent_not_browser/user_agent_not_browser:fires:1"]
    assert "bot" in d["user_agent_not_browser/user_agent_not_browser:fires:3"]


def test_insufficient_keys_fire_exactly_on_weak_subsets():
    weak = {"ct": sha("paris"), "country": sha("fr"), "st": sha("idf"), "zp": sha("75001"), "ge": sha("f")}
    rows = [
        capi("Lead", "w-1", T, event_ref="weak-all", **NO_KEYS,
             **weak),
        capi("Lead", "w-2", T, event_ref="db-ua", **NO_KEYS,
             db=sha("19900101")),
        capi("Lead", "w-3", T, event_ref="ln-ge", **NO_KEYS,
             client_user_agent=None, ln=sha("smith"), ge=sha("m")),
        # db + ge is not a subset of any weak set
        capi("Lead", "w-4", T, event_ref="db-ge", **NO_KEYS,
             client_user_agent=None, db=sha("19900101"), ge=sha("m")),
        capi("Lead", "w-5", T, event_ref="fn-ln-ge", **NO_KEYS,
             client_user_agent=None, fn=sha("a"), ln=sha("b"), ge=sha("m")),
    ]
    con = store(rows)
    run_audit(con)
    assert refs(con, "insufficient_match_keys") == {"weak-all", "db-ua", "ln-ge"}


def test_one_ip_across_many_users_is_shared():
    shared = [capi("Lead", f"s-{i}", T, event_ref=f"shared-{i}", client_ip_address="198.51.100.7")
              for i in range(20)]
    fewer = [capi("Lead", f"f-{i}", T, event_ref=f"fewer-{i}", client_ip_address="198.51.100.8")
             for i in range(19)]
    # the same user many times on one IP is one user
    same = [capi("Lead", f"u-{i}", T, event_ref=f"same-{i}", client_ip_address="198.51.100.9",
                 em=sha("one@example.com"), external_id="cust-1", fbp="fb.1.1762000000000.1")
            for i in range(25)]
    browser = [pixel("Lead", f"p-{i}", T, event_ref=f"pixel-{i}", client_ip_address="198.51.100.10")
               for i in range(25)]
    con = store(shared + fewer + same + browser)
    run_audit(con)
    assert refs(con, "client_ip_shared") == {f"shared-{i}" for i in range(20)}
    run_audit(con, AuditSettings(shared_ip_min_users=19))
    expected = {f"shared-{i}" for i in range(20)} | {f"fewer-{i}" for i in range(19)}
    assert refs(con, "client_ip_shared") == expected


def user(n: int) -> dict:
    """Customer keys both channels agree on."""
    return {"em": sha(f"buyer{n}@example.com"), "external_id": f"cust-{n}", "fbp": f"fb.1.1762000000000.{n}",
            "client_ip_address": f"198.51.100.{n}", "fbc": fbc(f"IwAR{n}xYz")}


@pytest.fixture(scope="module")
def pairs_audited():
    """Pixel/server pairs Meta deduplicates, each agreeing on everything but what its case changes."""
    rows = []

    def pair(ref: str, n: int, pixel_cols: dict | None = None, capi_cols: dict | None = None):
        keys = user(n)
        rows.append(pixel("Lead", f"pair-{ref}", T, event_ref=f"px:{ref}", **{**keys, **(pixel_cols or {})}))
        rows.append(capi("Lead", f"pair-{ref}", "2026-11-02T10:00:03Z", event_ref=f"s:{ref}",
                         **{**keys, **(capi_cols or {})}))

    pair("clean", 1)
    pair("em", 2, capi_cols={"em": sha("Buyer2@Example.com ")})
    pair("external-hashed", 3, pixel_cols={"external_id": sha("cust-3")})
    pair("fbp", 4, capi_cols={"fbp": "fb.1.1762000000000.999"})
    pair("ip", 5, capi_cols={"client_ip_address": "198.51.100.200"})
    pair("suffix", 6, capi_cols={"fbp": f"fb.1.1762000000000.6.{SUFFIX}",
                                 "em": f"{sha('buyer6@example.com')}.{SUFFIX}"})
    pair("one-side", 7, capi_cols={"em": None, "client_ip_address": None})
    pair("fbc-case", 8, capi_cols={"fbc": fbc("iwar8xyz")})
    pair("fbc-other", 9, capi_cols={"fbc": fbc("IwZXanotherclick")})
    pair("ipv6", 10, pixel_cols={"client_ip_address": "2a00:1450:4001:82a::200e"})
    pair("ipv6-both", 11, pixel_cols={"client_ip_address": "2a00:1450:4001:82a::200e"},
         capi_cols={"client_ip_address": "2a00:1450:4001:82a::200e"})
    con = store(rows)
    run_audit(con)
    sql = "select count(*) from event_pairs where pairing = 'deduplicated'"
    deduplicated = con.execute(sql).fetchone()[0]
    if deduplicated == 0:
        pytest.fail("event_pairs holds no deduplicated pairs: the dedup stages did not run")
    return con


def test_cross_channel_mismatch_names_the_fields(pairs_audited):
    found = findings(pairs_audited, "cross_channel_mismatch")
    assert set(found) == {"s:em", "s:external-hashed", "s:fbp", "s:ip", "s:fbc-other"}
    assert found["s:em"][0] == "px:em" and found["s:em"][1] == "em"
    assert "hashed on one side only" in found["s:external-hashed"][2]
    assert found["s:ip"][1] == "client_ip_address"
    assert found["s:fbc-other"][1] == "fbc"


def test_fbc_altered_between_channels_is_modified(pairs_audited):
    found = findings(pairs_audited, "fbc_modified")
    assert set(found) == {"s:fbc-case"}
    assert found["s:fbc-case"][0] == "px:fbc-case"
    assert "Pixel" in found["s:fbc-case"][2]


def test_ipv6_in_browser_ipv4_on_server(pairs_audited):
    found = findings(pairs_audited, "ip_version_mismatch")
    assert set(found) == {"s:ipv6"}
    assert found["s:ipv6"][0] == "px:ipv6"


def test_clean_pair_has_no_events_or_parameters_finding(pairs_audited):
    rows = pairs_audited.execute(
        "select rule_id, event_ref from findings"
        " where area <> 'dedup' and event_ref in ('px:clean', 's:clean')"
    ).fetchall()
    assert rows == []
