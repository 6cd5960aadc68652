"""The seeded sample generator: determinism, the committed sample, and a ground truth that matches the files.

If test_committed_sample_is_current fails after a deliberate change to audit/sample, refresh the
committed copy with `capi-audit sample --out sample_data` and commit it with the change.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from audit.rules.catalogue import load_rules
from audit.sample import FILES, generate

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"
LOGS = FILES[:-1]


@pytest.fixture(scope="module")
def default_sample(tmp_path_factory) -> tuple[Path, dict]:
    """The default sample (seed 42, about 4,000 events), generated once for this module."""
    out = tmp_path_factory.mktemp("sample")
    return out, generate(out)


def _capi_lines(folder: Path) -> list[str]:
    return (folder / "capi_requests.jsonl").read_text(encoding="utf-8").splitlines()


def _har_entries(folder: Path) -> list[dict]:
    return json.loads((folder / "pixel.har").read_text(encoding="utf-8"))["log"]["entries"]


def _data(request_line: str) -> list:
    data = json.loads(request_line)["request"]["data"]
    return json.loads(data) if isinstance(data, str) else data


def _event_at(folder: Path, ref: dict, cache: dict):
    """The event a ground-truth reference points at, read straight from the file."""
    name, line, index = ref["file"], ref["line"], ref["index"]
    if name not in cache:
        cache[name] = _har_entries(folder) if name == "pixel.har" else (folder / name).read_text(
            encoding="utf-8").splitlines()
    rows = cache[name]
    assert 1 <= line <= len(rows), f"{name}: line {line} out of range"
    if name == "capi_requests.jsonl":
        data = _data(rows[line - 1])
        assert 0 <= index < len(data), f"{name}:{line} has no index {index}"
        return data[index]
    assert index == 0
    if name == "pixel.har":
        entry = rows[line - 1]
        assert urlsplit(entry["request"]["url"]).path in ("/tr", "/tr/"), f"HAR entry {line} is not a /tr hit"
        return entry
    if name == "pixel_tr.txt":
        return dict(parse_qsl(urlsplit(rows[line - 1]).query))
    return json.loads(rows[line - 1])


def _event_id(event: dict) -> str | None:
    """event_id of a CAPI event, flat Pixel event, /tr parameters or HAR entry."""
    if "request" in event:
        event = {q["name"]: q["value"] for q in event["request"]["queryString"]} or dict(
            parse_qsl(event["request"]["postData"]["text"]))
    return event.get("event_id", event.get("eid"))


def _params(event: dict) -> dict:
    """One event's fields under flat names (external_id, em, fbp, fbc, order_id, event_time) in any format."""
    if "user_data" in event:  # Conversions API
        ud, cd = event["user_data"], event.get("custom_data") or {}
        return {"external_id": (ud.get("external_id") or [None])[0], "em": (ud.get("em") or [None])[0],
                "fbp": ud.get("fbp"), "fbc": ud.get("fbc"), "order_id": cd.get("order_id"),
                "event_time": event["event_time"]}
    if "request" in event:  # HAR entry
        event = {q["name"]: q["value"] for q in event["request"]["queryString"]} or dict(
            parse_qsl(event["request"]["postData"]["text"]))
    if "channel" in event:  # flat JSONL
        return {"external_id": event.get("user_data.external_id"), "em": event.get("user_data.em"),
                "fbp": event.get("fbp"), "fbc": event.get("fbc"),
                "order_id": event.get("custom_data.order_id"), "event_time": event["event_time"]}
    return {"external_id": event.get("ud[external_id]"), "em": event.get("ud[em]"), "fbp": event.get("fbp"),
            "fbc": event.get("fbc"), "order_id": event.get("cd[order_id]"), "event_time": int(event["ts"])}


def test_committed_sample_is_current(default_sample):
    """sample_data/ is exactly what `capi-audit sample --out sample_data` writes (it cannot drift)."""
    out, _truth = default_sample
    for name in FILES:
        committed = SAMPLE_DATA / name
        assert committed.is_file(), f"{committed} missing: run `capi-audit sample --out sample_data`"
        assert committed.read_bytes() == (out / name).read_bytes(), (
            f"{committed} differs from a fresh generation: run `capi-audit sample --out sample_data`")


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    a, b, c = (generate(tmp_path / d, events=1500, seed=s) for d, s in (("a", 7), ("b", 7), ("c", 8)))
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert a == b
    capi = "capi_requests.jsonl"
    assert (tmp_path / "a" / capi).read_bytes() != (tmp_path / "c" / capi).read_bytes()
    assert a["faults"] != c["faults"]


def test_every_fault_reference_exists_in_the_files(default_sample):
    """Each anchored and paired reference points at an event of the right channel in the named file."""
    out, truth = default_sample
    cache: dict = {}
    channel_of = {name: info["channel"] for name, info in truth["files"].items()}
    for fault in truth["faults"]:
        assert fault["count"] == len(fault["events"]) > 0
        for ref in fault["events"]:
            for r in (ref, ref["paired"]) if ref["paired"] else (ref,):
                assert channel_of[r["file"]] == r["channel"]
                assert _event_at(out, r, cache) is not None


def test_planted_events_carry_their_fault(default_sample):
    """Spot checks that the referenced events really hold what each rule looks for."""
    out, truth = default_sample
    cache: dict = {}
    by_rule = {f["rule_id"]: f["events"] for f in truth["faults"]}

    def events(rule):
        return [_event_at(out, ref, cache) for ref in by_rule[rule]]

    assert all("@" in e["user_data"]["em"][0] for e in events("pii_unhashed"))
    assert all(e["event_time"] > 1e11 for e in events("event_time_milliseconds"))
    assert {e["user_data"]["client_ip_address"] for e in events("client_ip_shared")} == {"34.117.59.81"}
    lowered = ("purchase", "lead", "addtocart", "initiatecheckout", "completeregistration")
    assert all(e["event_name"] in lowered for e in events("event_name_case_mismatch"))
    assert all(e["event_id"].endswith(" ") for e in events("event_id_whitespace"))
    assert all("action_source" not in e for e in events("action_source_missing"))
    assert all(e["user_data"]["client_user_agent"].split("/")[0] in ("python-requests", "axios", "curl",
               "Go-http-client") for e in events("user_agent_not_browser"))
    for ref in by_rule["event_id_reused"] + by_rule["duplicate_within_channel"]:
        first = _event_id(_event_at(out, ref["paired"], cache))
        assert first and _event_id(_event_at(out, ref, cache)) == first
    lines = _capi_lines(out)
    for ref in by_rule["delivery_error"]:
        assert "error" in json.loads(lines[ref["line"] - 1])["response"]
    for ref in by_rule["events_received_short"]:
        logged = json.loads(lines[ref["line"] - 1])
        assert logged["response"]["events_received"] < len(_data(lines[ref["line"] - 1]))


def test_fault_counts_follow_their_rates(default_sample):
    """Each scenario planted max(minimum, rate x conversions) hosts, and the counts add up."""
    _out, truth = default_sample
    base = truth["conversions_before_faults"]
    for p in truth["planted"]:
        assert p["wanted"] == max(p["minimum"], round(p["rate"] * base)), p
        assert p["planted"] == p["wanted"], f"not enough hosts for {p['kind']}"
    assert truth["counts"] == {f["rule_id"]: len(f["events"]) for f in truth["faults"]}
    anchored = {(e["file"], e["line"], e["index"]) for f in truth["faults"] for e in f["events"]}
    assert truth["clean"]["count"] == truth["events"] - len(anchored)
    shared = truth["counts"]["client_ip_shared"]
    assert shared >= 25, "client_ip_shared needs more visitors than the rule's default threshold (20)"


def test_every_catalogue_rule_except_aem_is_planted(default_sample):
    _out, truth = default_sample
    wanted = {r.id for r in load_rules() if r.area in ("dedup", "events", "parameters")
              and not r.id.startswith("aem_")}
    missing = wanted - set(truth["counts"])
    assert not missing, f"rules without planted events: {sorted(missing)}"


def test_request_lines_parse_and_tokens_are_fake(default_sample):
    """Every CAPI line is one JSON request (except the planted junk); no Meta-format token anywhere."""
    out, truth = default_sample
    junk = {q["line"] for q in truth["quarantine"]}
    assert len(junk) == 2
    lines = _capi_lines(out)
    as_string = 0
    for n, line in enumerate(lines, 1):
        if n in junk:
            with pytest.raises(json.JSONDecodeError):
                json.loads(line)
            continue
        body = json.loads(line)
        assert body["path"].endswith("/events") and body["request"]["access_token"]
        as_string += isinstance(body["request"]["data"], str)
        assert 1 <= len(_data(line)) <= 1000
    assert 0 < as_string < len(lines) - 2, "some, not all, requests send data as a JSON string"
    for name in LOGS:
        assert not re.search(r"EAA[A-Za-z0-9]{10,}", (out / name).read_text(encoding="utf-8")), name


def test_raw_email_only_where_planted(default_sample):
    """Raw e-mails appear only on the events planted as pii_unhashed; all else is hashed."""
    out, truth = default_sample
    planted = {(e["file"], e["line"]) for f in truth["faults"] if f["rule_id"] == "pii_unhashed"
               for e in f["events"]}
    for name in ("capi_requests.jsonl", "pixel_events.jsonl", "pixel_tr.txt"):
        for n, line in enumerate((out / name).read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"[A-Za-z]@example\.com|%40example\.com", line):
                assert (name, n) in planted, f"{name}:{n} carries a raw e-mail"
    assert "@example.com" not in (out / "pixel.har").read_text(encoding="utf-8")


def test_each_pixel_event_is_in_exactly_one_file(default_sample):
    """File counts add up to the Pixel total, and HAR noise requests are not counted as events."""
    out, truth = default_sample
    pixel_files = {n: i["events"] for n, i in truth["files"].items() if i["channel"] == "pixel"}
    assert set(pixel_files) == {"pixel_events.jsonl", "pixel.har", "pixel_tr.txt"}
    assert sum(pixel_files.values()) == truth["events_by_channel"]["pixel"]
    entries = _har_entries(out)
    hits = [e for e in entries if urlsplit(e["request"]["url"]).path in ("/tr", "/tr/")]
    assert len(hits) == pixel_files["pixel.har"] < len(entries)
    assert any(e["request"]["method"] == "POST" for e in hits)
    jsonl = (out / "pixel_events.jsonl").read_text(encoding="utf-8").splitlines()
    tr = (out / "pixel_tr.txt").read_text(encoding="utf-8").splitlines()
    assert (len(jsonl), len(tr)) == (pixel_files["pixel_events.jsonl"], pixel_files["pixel_tr.txt"])
    assert any("%5B" in u for u in tr) and any("ud[" in u or "cd[" in u for u in tr)


def test_true_conversions_are_consistent(default_sample):
    _out, truth = default_sample
    tc = truth["true_conversions"]
    assert tc["production"] == sum(n for per in tc["by_dataset"].values() for n in per.values())
    assert set(tc["by_dataset"]) == {"1234567890123456", "6543210987654321"}
    assert tc["by_dataset"]["1234567890123456"]["Purchase"] > 0
    assert tc["by_dataset"]["6543210987654321"]["Lead"] > 0
    assert truth["test_events"] == truth["counts"]["test_event_code_present"]


def test_too_old_events_are_rejected_requests_not_late_sends(default_sample):
    """An event over 7 days old is event_time_too_old and delivery_error, never also send_delayed."""
    _out, truth = default_sample
    refs = {f["rule_id"]: {(e["file"], e["line"], e["index"]) for e in f["events"]} for f in truth["faults"]}
    too_old = refs["event_time_too_old"]
    assert too_old
    assert too_old <= refs["delivery_error"]
    assert not too_old & refs["send_delayed"]


def test_click_cookies_predate_their_events_unless_planted(default_sample):
    """No server event carries an fbc created after the event, except those planted as fbc_after_event."""
    out, truth = default_sample
    planted = {(e["line"], e["index"]) for f in truth["faults"] if f["rule_id"] == "fbc_after_event"
               for e in f["events"]}
    backdated = {(e["line"], e["index"]) for f in truth["faults"]
                 if f["rule_id"] in ("send_delayed", "event_time_too_old") for e in f["events"]}
    junk = {q["line"] for q in truth["quarantine"]}
    after, checked_backdated = set(), 0
    for n, line in enumerate(_capi_lines(out), 1):
        if n in junk:
            continue
        for i, event in enumerate(_data(line)):
            match = re.fullmatch(r"fb\.1\.(\d{13})\.[A-Za-z0-9_-]+", event["user_data"].get("fbc") or "")
            if not match or event["event_time"] > 1e11:
                continue
            checked_backdated += (n, i) in backdated
            if int(match[1]) > event["event_time"] * 1000:
                after.add((n, i))
    assert after == planted
    assert checked_backdated > 0, "some backdated events carry a click cookie"


def test_reused_ids_sit_on_other_orders_of_other_visitors(default_sample):
    """A reused id is on another conversion by every measure: visitor, e-mail, cookie and order number."""
    out, truth = default_sample
    cache: dict = {}
    refs = next(f["events"] for f in truth["faults"] if f["rule_id"] == "event_id_reused")
    assert {r["channel"] for r in refs} == {"capi", "pixel"}
    for ref in refs:
        later, first = _params(_event_at(out, ref, cache)), _params(_event_at(out, ref["paired"], cache))
        assert later["external_id"] and first["external_id"] and later["external_id"] != first["external_id"]
        assert later["em"] != first["em"]
        assert later["fbp"] is None or later["fbp"] != first["fbp"]
        assert later["order_id"] and first["order_id"] and later["order_id"] != first["order_id"]


def test_outside_window_pairs_carry_the_same_customer_ids(default_sample):
    """The server copy sent 49 h late names the same visitor (external_id, fbp) and order as the Pixel."""
    out, truth = default_sample
    cache: dict = {}
    refs = next(f["events"] for f in truth["faults"] if f["rule_id"] == "pair_outside_window")
    for ref in refs:
        server, browser = _params(_event_at(out, ref, cache)), _params(_event_at(out, ref["paired"], cache))
        assert server["external_id"] and server["external_id"] == browser["external_id"]
        assert (server["fbp"], server["order_id"]) == (browser["fbp"], browser["order_id"])
    assert any(_params(_event_at(out, r, cache))["fbp"] for r in refs), "some late copies carry fbp"
