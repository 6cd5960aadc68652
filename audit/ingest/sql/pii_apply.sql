-- Replace raw values by their hashes (from pii_map) and name the fields that held raw PII.
-- Every SET expression sees the row's values before the update.
update ingest_stage
set
    pii_hashed_on_load = nullif(list_filter([
        case when list_bool_or(list_transform(em, lambda x: ing_is_raw_pii(x))) then 'em' end,
        case when list_bool_or(list_transform(ph, lambda x: ing_is_raw_pii(x))) then 'ph' end,
        case when list_bool_or(list_transform(fn, lambda x: ing_is_raw_pii(x))) then 'fn' end,
        case when list_bool_or(list_transform(ln, lambda x: ing_is_raw_pii(x))) then 'ln' end,
        case when list_bool_or(list_transform(ge, lambda x: ing_is_raw_pii(x))) then 'ge' end,
        case when list_bool_or(list_transform(db, lambda x: ing_is_raw_pii(x))) then 'db' end,
        case when list_bool_or(list_transform(ct, lambda x: ing_is_raw_pii(x))) then 'ct' end,
        case when list_bool_or(list_transform(st, lambda x: ing_is_raw_pii(x))) then 'st' end,
        case when list_bool_or(list_transform(zp, lambda x: ing_is_raw_pii(x))) then 'zp' end,
        case when list_bool_or(list_transform(country, lambda x: ing_is_raw_pii(x))) then 'country' end
    ], lambda f: f is not null), []),
    em = case when list_bool_or(list_transform(em, lambda x: ing_is_raw_pii(x))) then list_transform(
        em, lambda x: coalesce(map_extract_value(m.em_map, x || chr(31)), x)
    ) else em end,
    ph = case when list_bool_or(list_transform(ph, lambda x: ing_is_raw_pii(x))) then list_transform(
        ph, lambda x: coalesce(map_extract_value(m.ph_map, x || chr(31) || coalesce(case when ing_is_raw_pii(country[1]) then trim(country[1]) end, '')), x)
    ) else ph end,
    fn = case when list_bool_or(list_transform(fn, lambda x: ing_is_raw_pii(x))) then list_transform(
        fn, lambda x: coalesce(map_extract_value(m.fn_map, x || chr(31)), x)
    ) else fn end,
    ln = case when list_bool_or(list_transform(ln, lambda x: ing_is_raw_pii(x))) then list_transform(
        ln, lambda x: coalesce(map_extract_value(m.ln_map, x || chr(31)), x)
    ) else ln end,
    ge = case when list_bool_or(list_transform(ge, lambda x: ing_is_raw_pii(x))) then list_transform(
        ge, lambda x: coalesce(map_extract_value(m.ge_map, x || chr(31)), x)
    ) else ge end,
    db = case when list_bool_or(list_transform(db, lambda x: ing_is_raw_pii(x))) then list_transform(
        db, lambda x: coalesce(map_extract_value(m.db_map, x || chr(31)), x)
    ) else db end,
    ct = case when list_bool_or(list_transform(ct, lambda x: ing_is_raw_pii(x))) then list_transform(
        ct, lambda x: coalesce(map_extract_value(m.ct_map, x || chr(31)), x)
    ) else ct end,
    st = case when list_bool_or(list_transform(st, lambda x: ing_is_raw_pii(x))) then list_transform(
        st, lambda x: coalesce(map_extract_value(m.st_map, x || chr(31)), x)
    ) else st end,
    zp = case when list_bool_or(list_transform(zp, lambda x: ing_is_raw_pii(x))) then list_transform(
        zp, lambda x: coalesce(map_extract_value(m.zp_map, x || chr(31)), x)
    ) else zp end,
    country = case when list_bool_or(list_transform(country, lambda x: ing_is_raw_pii(x))) then list_transform(
        country, lambda x: coalesce(map_extract_value(m.country_map, x || chr(31)), x)
    ) else country end
from (
    select
        map_from_entries(list(struct_pack(k := raw || chr(31) || region, v := hashed)) filter (where field = 'em')) as em_map,
        map_from_entries(list(struct_pack(k := raw || chr(31) || region, v := hashed)) filter (where field = 'ph')) as ph_map,
        map_from_entries(list(struct_pack(k := raw || chr(31) || region, v := hashed)) filter (where field = 'fn')) as fn_map,
        map_from_entries(list(struct_pack(k := raw || chr(31) || region, v := hashed)) filter (where field = 'ln')) as ln_map,
        map_from_entries(list(struct_pack(k := raw || chr(31) || region, v := hashed)) filter (where field = 'ge')) as ge_map,
        map_from_entries(list(struct_pack(k := raw || chr(31) || region, v := hashed)) filter (where field = 'db')) as db_map,
        map_from_entries(list(struct_pack(k := raw || chr(31) || region, v := hashed)) filter (where field = 'ct')) as ct_map,
        map_from_entries(list(struct_pack(k := raw || chr(31) || region, v := hashed)) filter (where field = 'st')) as st_map,
        map_from_entries(list(struct_pack(k := raw || chr(31) || region, v := hashed)) filter (where field = 'zp')) as zp_map,
        map_from_entries(list(struct_pack(k := raw || chr(31) || region, v := hashed)) filter (where field = 'country')) as country_map
    from pii_map
) as m
where list_bool_or(list_transform(em, lambda x: ing_is_raw_pii(x)))
    or list_bool_or(list_transform(ph, lambda x: ing_is_raw_pii(x)))
    or list_bool_or(list_transform(fn, lambda x: ing_is_raw_pii(x)))
    or list_bool_or(list_transform(ln, lambda x: ing_is_raw_pii(x)))
    or list_bool_or(list_transform(ge, lambda x: ing_is_raw_pii(x)))
    or list_bool_or(list_transform(db, lambda x: ing_is_raw_pii(x)))
    or list_bool_or(list_transform(ct, lambda x: ing_is_raw_pii(x)))
    or list_bool_or(list_transform(st, lambda x: ing_is_raw_pii(x)))
    or list_bool_or(list_transform(zp, lambda x: ing_is_raw_pii(x)))
    or list_bool_or(list_transform(country, lambda x: ing_is_raw_pii(x)));
