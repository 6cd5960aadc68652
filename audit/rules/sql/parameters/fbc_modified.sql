-- Events whose fbc click id was altered (case, truncation, encoding): against the landing URL's fbclid, or,
-- for a pair Meta deduplicates, against the Pixel's fbc (the server event is named).
with against_url as (
    select
        event_ref,
        null                                                            as paired_event_ref,
        1                                                               as priority,
        'the click id in fbc ' || url_click_id_alteration || ' from the fbclid in the page address' as detail
    from stage_mq_value_checks
    where kind = 'fbc'
      and url_click_id_alteration is not null
),
pair_click_ids as (
    select
        p.capi_event_ref,
        p.pixel_event_ref,
        cf.click_id                                                     as capi_click_id,
        pf.click_id                                                     as pixel_click_id
    from event_pairs as p
    join stage_mq_value_checks as cp on cp.event_ref = p.capi_event_ref and cp.kind = 'fbc'
    join stage_mq_value_checks as px on px.event_ref = p.pixel_event_ref and px.kind = 'fbc'
    join stage_mq_value_facts as cf on cf.rowid = cp.value_id
    join stage_mq_value_facts as pf on pf.rowid = px.value_id
    where p.pairing = 'deduplicated'
),
against_pixel as (
    select
        capi_event_ref                                                  as event_ref,
        pixel_event_ref                                                 as paired_event_ref,
        2                                                               as priority,
        'the click id in the server''s fbc ' || click_id_alteration(capi_click_id, pixel_click_id)
        || ' from the Pixel''s'                                         as detail
    from pair_click_ids
    where click_id_alteration(capi_click_id, pixel_click_id) is not null
),
candidates as (
    select event_ref, paired_event_ref, priority, detail from against_url
    union all
    select event_ref, paired_event_ref, priority, detail from against_pixel
)
select
    event_ref,
    arg_min(paired_event_ref, priority)                                 as paired_event_ref,
    'fbc'                                                               as field,
    arg_min(detail, priority)                                           as detail,
    null                                                                as severity
from candidates
group by event_ref
