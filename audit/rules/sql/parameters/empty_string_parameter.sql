-- Events with a customer-information field sent as an empty string.
select
    event_ref,
    null                                                                as paired_event_ref,
    string_agg(distinct parameter, ', ' order by parameter)             as field,
    string_agg(distinct parameter, ', ' order by parameter) || ' sent as an empty string' as detail,
    null                                                                as severity
from stage_mq_value_checks
where is_empty
group by event_ref
