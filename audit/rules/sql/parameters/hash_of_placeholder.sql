-- Events with a hashed field holding the hash of an empty or placeholder word (or such a word as external_id).
with placeholders as (
    select
        c.event_ref,
        c.parameter,
        c.parameter || ' is '
        || case when hash_part(f.value) is not null then 'the hash of ' else 'the text ' end
        || case when f.placeholder = '' then 'an empty string' else quoted(f.placeholder) end as problem
    from stage_mq_value_checks as c
    join stage_mq_value_facts as f on f.rowid = c.value_id
    where f.placeholder is not null
)
select
    event_ref,
    null                                                                as paired_event_ref,
    string_agg(distinct parameter, ', ' order by parameter)             as field,
    string_agg(distinct problem, '; ' order by problem)                 as detail,
    null                                                                as severity
from placeholders
group by event_ref
