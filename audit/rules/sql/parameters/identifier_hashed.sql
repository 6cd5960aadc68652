-- Events whose fbc, fbp, IP address or user agent was hashed (64 hex characters).
select
    event_ref,
    null                                                                as paired_event_ref,
    string_agg(distinct parameter, ', ' order by parameter)             as field,
    string_agg(distinct parameter, ', ' order by parameter) || ' looks like a SHA-256 hash; send it unhashed'
                                                                        as detail,
    null                                                                as severity
from stage_mq_value_checks
where identifier_hashed
group by event_ref
