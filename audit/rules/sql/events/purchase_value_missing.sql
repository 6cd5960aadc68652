-- Purchase events without a numeric value or without a currency.
with purchases as (
    select
        event_ref,
        value,
        value_raw,
        coalesce(trim(currency), '') = ''                               as no_currency
    from events
    where event_name = 'Purchase'
),
problems as (
    select
        event_ref,
        case
            when value is not null then null
            when coalesce(trim(value_raw), '') = '' then 'no value'
            else 'value ' || quoted(value_raw) || ' is not a number'
        end                                                             as value_problem,
        case when no_currency then 'no currency' end                    as currency_problem
    from purchases
)
select
    event_ref,
    null                                                                as paired_event_ref,
    case
        when value_problem is not null and currency_problem is not null then 'value, currency'
        when value_problem is not null then 'value'
        else 'currency'
    end                                                                 as field,
    concat_ws('; ', value_problem, currency_problem)                    as detail,
    null                                                                as severity
from problems
where value_problem is not null or currency_problem is not null
