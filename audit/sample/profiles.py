"""Static shape of the simulated traffic: sites, browsers, people, addresses and Meta's responses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Site:
    """One advertiser site with its own Pixel / dataset."""

    key: str
    dataset: str
    base: str
    share: float                      # share of users
    server_pageview_share: float      # part of PageViews the server also sends
    partner_agent: str | None         # what the server puts in partner_agent
    batch_seconds: int                # the server batches events for this long
    batch_max: int                    # at most this many events per request


SHOP = Site("shop", "1234567890123456", "https://shop.example.com", 0.65, 0.4, "gtmss-2.1.0-0.0.9", 120, 40)
LEADS = Site("leads", "6543210987654321", "https://quotes.example.org", 0.35, 0.5, None, 60, 10)
SITES = (SHOP, LEADS)

# Event names each site's server sends (PageView only in part, see server_pageview_share).
SERVER_EVENTS = {
    "shop": ("PageView", "AddToCart", "InitiateCheckout", "Purchase"),
    "leads": ("PageView", "Lead", "CompleteRegistration"),
}
GA4_NAMES = {
    "PageView": "page_view",
    "ViewContent": "view_item",
    "AddToCart": "add_to_cart",
    "InitiateCheckout": "begin_checkout",
    "Purchase": "purchase",
    "Lead": "generate_lead",
    "CompleteRegistration": "sign_up",
}
PATHS = {
    "PageView": ("/", "/collections/new", "/collections/sale", "/pages/about", "/blog/fall-lookbook"),
    "ViewContent": ("/products/",),
    "AddToCart": ("/products/",),
    "InitiateCheckout": ("/checkout",),
    "Purchase": ("/checkout/thank-you",),
    "Lead": ("/get-a-quote",),
    "CompleteRegistration": ("/welcome",),
}
LEAD_PAGES = ("/", "/car-insurance", "/home-insurance", "/compare", "/faq")


@dataclass(frozen=True)
class Browser:
    """A browser/device family with its share of users and how it treats the Pixel."""

    key: str
    share: float
    adblock: float        # Pixel blocked entirely (ad blocker, strict tracking protection)
    no_cookies: float     # first-party _fbp/_fbc cookies dropped (ITP, cookie cleaners)
    click: float          # arrives from a Facebook/Instagram ad click (fbclid)
    ipv6: float           # connects over IPv6
    user_agents: tuple[str, ...]


_IOS = "Mozilla/5.0 (iPhone; CPU iPhone OS {v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
BROWSERS = (
    Browser("ios_safari", 0.27, 0.04, 0.35, 0.30, 0.45, (
        _IOS.format(v="18_6") + " Version/18.6 Mobile/15E148 Safari/604.1",
        _IOS.format(v="26_1") + " Version/26.1 Mobile/15E148 Safari/604.1",
    )),
    Browser("chrome_android", 0.22, 0.03, 0.02, 0.35, 0.50, (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 "
        "Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 "
        "Mobile Safari/537.36",
    )),
    Browser("chrome_desktop", 0.20, 0.28, 0.02, 0.15, 0.20, (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 "
        "Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/142.0.0.0 Safari/537.36",
    )),
    Browser("facebook_inapp", 0.12, 0.0, 0.05, 0.97, 0.45, (
        _IOS.format(v="18_6") + " Mobile/22G86 [FBAN/FBIOS;FBAV/530.0.0.41.108;FBBV/790412345;"
        "FBDV/iPhone15,3;FBMD/iPhone;FBSN/iOS;FBSV/18.6;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/80]",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/141.0.7390.70 Mobile Safari/537.36 "
        "[FB_IAB/FB4A;FBAV/530.0.0.48.74;]",
    )),
    Browser("instagram_inapp", 0.07, 0.0, 0.05, 0.95, 0.45, (
        _IOS.format(v="18_6") + " Mobile/22G86 Instagram 400.0.0.27.96 (iPhone15,3; iOS 18_6; en_US; "
        "en-US; scale=3.00; 1290x2796; 781234567)",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/141.0.7390.70 Mobile Safari/537.36 Instagram 400.0.0.47.70 "
        "Android (34/14; 420dpi; 1080x2400; Google/google; Pixel 8; shiba; shiba; en_US; 790012345)",
    )),
    Browser("firefox_desktop", 0.05, 0.40, 0.25, 0.10, 0.20, (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:144.0) Gecko/20100101 Firefox/144.0",
        "Mozilla/5.0 (X11; Linux x86_64; rv:144.0) Gecko/20100101 Firefox/144.0",
    )),
    Browser("edge_desktop", 0.04, 0.15, 0.02, 0.10, 0.20, (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 "
        "Safari/537.36 Edg/141.0.0.0",
    )),
    Browser("safari_mac", 0.03, 0.10, 0.35, 0.15, 0.20, (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/26.0 Safari/605.1.15",
    )),
)

# Public address blocks of consumer ISPs (IPv4 /16 prefixes and IPv6 /32-ish prefixes).
IPV4_PREFIXES = (
    "73.158", "98.207", "24.16", "71.190", "108.28", "174.63", "67.161", "76.104",
    "86.150", "92.184", "81.2", "176.132", "109.190", "188.174", "79.211", "62.49",
)
IPV6_PREFIXES = ("2600:1700", "2601:18c", "2607:fb90", "2a02:8108", "2a01:cb00", "2a00:23c7")
SERVER_IPS = ("34.117.59.81", "52.14.88.203")          # the advertiser's own servers (shared by everyone)
PRIVATE_IPS = ("10.0.3.17", "192.168.1.24", "172.20.0.5", "127.0.0.1")
QA_OFFICE_IP = "81.2.69.160"
BOT_USER_AGENTS = ("python-requests/2.31.0", "axios/1.7.9", "curl/8.5.0", "Go-http-client/2.0")

FIRST_NAMES = (
    "Maria", "James", "Sofia", "Liam", "Emma", "Noah", "Olivia", "Lucas", "Ava", "Mateo",
    "Mia", "Ethan", "Chloe", "Leon", "Hannah", "Omar", "Grace", "Jonas", "Zoe", "Samuel",
)
LAST_NAMES = (
    "Garcia", "Smith", "Muller", "Johnson", "Brown", "Martin", "Rossi", "Dubois", "Taylor", "Lee",
    "Walker", "Schmidt", "Moreau", "Clark", "Lewis", "Young", "King", "Wright", "Lopez", "Hill",
)
# city, state, zip, country, currency, phone area code (None: no phone collected)
PLACES = (
    ("austin", "tx", "78701", "us", "USD", "512"),
    ("denver", "co", "80202", "us", "USD", "720"),
    ("seattle", "wa", "98101", "us", "USD", "206"),
    ("chicago", "il", "60601", "us", "USD", "312"),
    ("boston", "ma", "02108", "us", "USD", "617"),
    ("newyork", "ny", "10001", "us", "USD", "212"),
    ("sanfrancisco", "ca", "94103", "us", "USD", "415"),
    ("miami", "fl", "33101", "us", "USD", "305"),
    ("berlin", "be", "10115", "de", "EUR", None),
    ("paris", "idf", "75001", "fr", "EUR", None),
    ("madrid", "md", "28001", "es", "EUR", None),
)
PLACE_WEIGHTS = (0.13, 0.1, 0.1, 0.12, 0.09, 0.14, 0.1, 0.07, 0.06, 0.05, 0.04)

ACCESS_TOKENS = {  # fake, and deliberately not in Meta's token format
    "1234567890123456": "FAKE-TOKEN-shop-9f2c4d1e7a6b3c5d",
    "6543210987654321": "FAKE-TOKEN-quotes-1a7e5c3b9d2f4e6a",
}
GRAPH_VERSION = "v21.0"
TEST_EVENT_CODE = "TEST48213"

# Meta error bodies (meta_rules §10); fbtrace_id is filled in per request.
ERRORS = {
    "timestamp_too_old": {
        "message": "Invalid parameter", "type": "OAuthException", "code": 100, "error_subcode": 2804003,
        "is_transient": False, "error_user_title": "Event Timestamp Too Old",
        "error_user_msg": "The timestamp for this event is too far in the past. Events need to be sent from "
        "your server within 7 days of when they occurred. Enter a timestamp that has occurred within the "
        "last 7 days.",
    },
    "token_expired": {
        "message": "Error validating access token: Session has expired on Friday, 13-Nov-26 01:00:00 PST.",
        "type": "OAuthException", "code": 190, "error_subcode": 463, "is_transient": False,
    },
    "unknown_object": {
        "message": "Unsupported post request. Object with ID '1234567890123465' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation.",
        "type": "GraphMethodException", "code": 100, "error_subcode": 33, "is_transient": False,
    },
    "service_error": {
        "message": "An unexpected error has occurred. Please retry your request later.",
        "type": "OAuthException", "code": 2, "is_transient": True,
    },
    "rate_limited": {
        "message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4,
        "is_transient": True,
    },
}
DELIVERY_ERROR_KINDS = ("token_expired", "unknown_object", "service_error", "rate_limited")
