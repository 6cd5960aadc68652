-- Replace raw values by their hashes (from pii_map) and name the fields that held raw PII.
-- Every SET expression sees the row's values before the update.
create or replace temp macro ing_has_raw(l) as list_bool_or(list_transform(l, lambda x: ing_is_raw_pii(x)));
-- The list with every raw value replaced by its hash; `hashes` is keyed by field, raw value and phone
-- region, separated by chr(31).
create or replace temp macro ing_hashed(l, field, hashes, region) as
    case when ing_has_raw(l)
        then list_transform(l, lambda x: coalesce(
            map_extract_value(hashes, field || chr(31) || x || chr(31) || region), x))
        else l end;

update ingest_stage
set
    pii_hashed_on_load = nullif(list_filter([
        case when ing_has_raw(em) then 'em' end,
        case when ing_has_raw(ph) then 'ph' end,
        case when ing_has_raw(fn) then 'fn' end,
        case when ing_has_raw(ln) then 'ln' end,
        case when ing_has_raw(ge) then 'ge' end,
        case when ing_has_raw(db) then 'db' end,
        case when ing_has_raw(ct) then 'ct' end,
        case when ing_has_raw(st) then 'st' end,
        case when ing_has_raw(zp) then 'zp' end,
        case when ing_has_raw(country) then 'country' end
    ], lambda f: f is not null), []),
    em = ing_hashed(em, 'em', m.hashes, ''),
    ph = ing_hashed(ph, 'ph', m.hashes, coalesce(case when ing_is_raw_pii(country[1]) then trim(country[1]) end, '')),
    fn = ing_hashed(fn, 'fn', m.hashes, ''),
    ln = ing_hashed(ln, 'ln', m.hashes, ''),
    ge = ing_hashed(ge, 'ge', m.hashes, ''),
    db = ing_hashed(db, 'db', m.hashes, ''),
    ct = ing_hashed(ct, 'ct', m.hashes, ''),
    st = ing_hashed(st, 'st', m.hashes, ''),
    zp = ing_hashed(zp, 'zp', m.hashes, ''),
    country = ing_hashed(country, 'country', m.hashes, '')
from (
    select map_from_entries(list(struct_pack(k := field || chr(31) || raw || chr(31) || region, v := hashed)))
        as hashes
    from pii_map
) as m
where ing_has_raw(em)
    or ing_has_raw(ph)
    or ing_has_raw(fn)
    or ing_has_raw(ln)
    or ing_has_raw(ge)
    or ing_has_raw(db)
    or ing_has_raw(ct)
    or ing_has_raw(st)
    or ing_has_raw(zp)
    or ing_has_raw(country);
