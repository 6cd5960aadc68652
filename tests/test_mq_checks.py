"""The shared checks the match-quality rules build on: builder-suffix decoding, cookies, IP and UA classes."""

from __future__ import annotations

import pytest

from audit.db import connect, sql_text
from audit.rules.lookups import ip_class, send_timing, user_agent_class


@pytest.fixture(scope="module")
def con():
    c = connect(None)
    c.execute(sql_text("audit.rules.sql.stages", "50_macros.sql"))
    return c


def value(con, expr: str):
    return con.execute(f"select {expr}").fetchone()[0]


@pytest.mark.parametrize(
    ("suffix", "decodes"),
    [("AQQAAQIB", True), ("AQICAQMC", True), ("AQYCAQAA", True), ("Ag", True), ("Bg", True),
     ("ABcDEFGh", False), ("AQcCAQMC", False), ("AQIEAQMC", False), ("AB", False), ("invalid!", False)],
)
def test_builder_suffix_decodes_only_with_known_format_language_and_type(con, suffix, decodes):
    assert value(con, f"appendix_decodes('{suffix}')") is decodes


@pytest.mark.parametrize(
    ("raw", "stripped"),
    [("https://www.example.com/landing?fbclid=X.AQICAQMC", "https://www.example.com/landing?fbclid=X"),
     ("203.0.113.9.Ag", "203.0.113.9"), ("203.0.113.12", "203.0.113.12"),
     ("abc.ABcDEFGh", "abc.ABcDEFGh")],
)
def test_strip_appendix(con, raw, stripped):
    assert value(con, f"strip_appendix('{raw}')") == stripped


def test_cookie_payload_is_the_fourth_segment_not_the_text_after_the_last_dot(con):
    assert value(con, "cookie_payload('fb.1.1554763741205.IwAR2F4.AQICAQMC')") == "IwAR2F4"
    assert value(con, "cookie_payload('fb.1.1554763741205.IwAR2F4')") == "IwAR2F4"
    assert value(con, "cookie_shape_ok('fb.1.123.abc.invalid')") is False
    assert value(con, "fbp_format_ok('fb.1.1596403881668.1116446470')") is True


def test_click_id_alterations(con):
    assert value(con, "click_id_alteration('iwar2f4', 'IwAR2F4')") == "differs only in letter case"
    assert value(con, "click_id_alteration('IwAR2', 'IwAR2F4')") == "is cut short"
    assert value(con, "click_id_alteration('IwAR2F4', 'IwAR2F4')") is None
    assert value(con, "click_id_alteration('IwZXother', 'IwAR2F4')") is None


@pytest.mark.parametrize(
    ("ip", "expected"),
    [("8.8.8.8", (4, "public")), ("2a00:1450:4001:82a::200e", (6, "public")), ("10.0.0.1", (4, "private")),
     ("192.168.1.1", (4, "private")), ("127.0.0.1", (4, "loopback")), ("::1", (6, "loopback")),
     ("169.254.1.1", (4, "link_local")), ("fe80::1", (6, "link_local")), ("fd12:3456::1", (6, "private")),
     ("100.64.1.1", (4, "reserved")), ("0.0.0.0", (4, "reserved")), ("224.0.0.1", (4, "multicast")),
     ("::ffff:10.0.0.1", (6, "private")), ("203.0.113.5", (4, "public")), ("2001:db8::1", (6, "public")),
     ("not an ip", (None, "invalid"))],
)
def test_ip_classes(ip, expected):
    assert ip_class(ip) == expected


@pytest.mark.parametrize(
    ("ua", "kind"),
    [("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/17.0 Mobile/15E148 Safari/604.1", "browser"),
     ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Mobile/15E148 [FBAN/FBIOS;FBAV/440.0]", "browser"),
     ("python-requests/2.31.0", "http_library"), ("axios/1.6.2", "http_library"),
     ("curl/8.4.0", "http_library"), ("Java/17.0.2", "http_library"),
     ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot"),
     ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 "
      "Safari/537.36", "headless"),
     ("undefined", "unknown")],
)
def test_user_agent_kinds(ua, kind):
    assert user_agent_class(ua)[1] == kind


def test_send_timing_file_covers_every_action_source():
    conf = send_timing()
    sources = [s for k in conf["kind"] for s in k["action_sources"]]
    assert sorted(sources) == sorted(
        ["website", "app", "physical_store", "phone_call", "email", "chat", "business_messaging", "other",
         "system_generated"]
    )
    assert conf["limits"]["max_event_age_days"] == 7
