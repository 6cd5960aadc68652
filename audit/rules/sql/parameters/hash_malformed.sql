-- Events with a hashed field that is not a lower-case 64-character SHA-256 hex value.
select
    event_ref,
    null                                                                as paired_event_ref,
    string_agg(distinct parameter, ', ' order by parameter)             as field,
    string_agg(distinct parameter || ' is ' || hash_issue, '; ' order by parameter || ' is ' || hash_issue)
                                                                        as detail,
    null                                                                as severity
from stage_mq_value_checks
where hash_issue is not null
group by event_ref
