"""Raw PII in hashed fields: normalize the way Meta documents, then SHA-256, over distinct raw values."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata

import phonenumbers
import pyarrow as pa
import pycountry

from audit.db import sql_text
from audit.ingest.staging import materialize_stage

HASHED_FIELDS = ("em", "ph", "fn", "ln", "ge", "db", "ct", "st", "zp", "country")

logging.getLogger("facebook_business").setLevel(logging.ERROR)

_GENDERS = {"f": "f", "female": "f", "woman": "f", "w": "f", "m": "m", "male": "m", "man": "m"}
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _sdk_normalize(field: str, value: str) -> str | None:
    """Meta's Python SDK normalization, or None where it raises."""
    from facebook_business.adobjects.serverside.normalize import Normalize

    try:
        return Normalize.normalize_field_skip_hashing(field, value)
    except (TypeError, ValueError):
        return None


def country_code(raw: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code (upper case) for a raw country code or name, None when unknown."""
    if not raw or not raw.strip():
        return None
    text = raw.strip()
    try:
        if len(text) == 2:
            hit = pycountry.countries.get(alpha_2=text.upper())
        else:
            hit = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return hit.alpha_2 if hit else None


def _phone(value: str, region: str | None) -> str:
    try:
        number = phonenumbers.parse(value, region)
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")
    except phonenumbers.NumberParseException:
        pass
    sdk = _sdk_normalize("ph", value)
    return sdk if sdk is not None else re.sub(r"\D", "", value).lstrip("0")


def _birth_date(value: str) -> str:
    if m := _ISO_DATE.fullmatch(value):
        return f"{m[1]}{int(m[2]):02d}{int(m[3]):02d}"
    if m := _US_DATE.fullmatch(value):
        return f"{m[3]}{int(m[1]):02d}{int(m[2]):02d}"
    return re.sub(r"\s", "", value.lower())


def normalize(field: str, raw: str, region: str | None = None) -> str:
    """Meta-normalized form of a raw value (NFC first); falls back to Meta's documented rule, never raises."""
    value = unicodedata.normalize("NFC", raw).strip()
    if field == "ph":
        return _phone(value, region)
    if field == "ge":
        lowered = value.lower()
        return _GENDERS.get(lowered, lowered)
    if field == "db":
        return _birth_date(value)
    if field == "country":
        code = country_code(value)
        return code.lower() if code else re.sub(r"[^a-z]", "", value.lower())
    sdk = _sdk_normalize(field, value)
    if sdk is not None:
        return sdk
    if field == "em":
        return value.lower()
    if field in ("ct", "st"):
        return re.sub(r"[\s\d.\-()]", "", value.lower())
    if field == "zp":
        return re.sub(r"\s", "", value.lower()).split("-")[0]
    return value.lower()


def sha256_hex(text: str) -> str:
    """Lower-case hex SHA-256 of the UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_value(field: str, raw: str, region: str | None = None) -> str:
    """SHA-256 of the normalized raw value, as Meta expects it."""
    return sha256_hex(normalize(field, raw, region))


def hash_raw_pii(con) -> int:
    """Replace raw PII in ingest_stage's hashed fields by its hash, naming the fields; return values hashed.

    Works over the distinct raw values (with the event's raw country for phones), never per event.
    """
    raw_values = con.execute(sql_text("audit.ingest.sql", "pii_raw.sql")).fetchall()
    if not raw_values:
        return 0
    regions = {r for _, _, r in raw_values}
    region_codes = {r: country_code(r) for r in regions}
    rows = [
        (field, raw, region or "", hash_value(field, raw, region_codes[region]))
        for field, raw, region in raw_values
    ]
    columns = list(zip(*rows, strict=True))
    names = ("field", "raw", "region", "hashed")
    pii_rows = pa.table({name: list(col) for name, col in zip(names, columns, strict=True)})
    con.register("pii_rows", pii_rows)
    con.execute("create or replace temp table pii_map as select field, raw, region, hashed from pii_rows")
    con.unregister("pii_rows")
    materialize_stage(con)  # a staged view cannot be updated
    con.execute(sql_text("audit.ingest.sql", "pii_apply.sql"))
    con.execute("drop table pii_map")
    return len(rows)
