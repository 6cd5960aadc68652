-- Events whose fbc, fbp, IP address or user agent was hashed (64 hex characters).
select
    c.event_ref,
    null                                                                as paired_event_ref,
    string_agg(distinct c.parameter, ', ' order by c.parameter)         as field,
    string_agg(distinct c.parameter, ', ' order by c.parameter) || ' looks like a SHA-256 hash; send it unhashed'
                                                                        as detail,
    null                                                                as severity
from stage_mq_value_checks as c
join stage_mq_value_facts as f on f.rowid = c.value_id
where f.identifier_hashed
group by c.event_ref
