-- Send latency (sent_at - event_time) in buckets, per channel, for events whose log has sent_at.
-- Times are compared as microseconds and the day range as a time range (the day of every event is
-- not worked out): this query reads every event, 97 M at the largest workspace measured.
with timed as (
    select channel, epoch_us(sent_at) - epoch_us(event_time) as latency_us
    from events
    where sent_at is not null
      and event_time is not null
      and ($dataset is null or coalesce(dataset_id, 'unknown') = $dataset)
      and ($start is null or event_time >= timezone('UTC', cast(cast($start as date) as timestamp)))
      and ($end is null or event_time < timezone('UTC', cast(cast($end as date) as timestamp) + interval 1 day))
      and ($names is null or list_contains(cast($names as varchar[]), event_name))
      and ($channel is null or channel = $channel)
),
bucketed as (
    select
        channel,
        case
            when latency_us < 0 then 0
            when latency_us < 60 * 1000000::bigint then 1
            when latency_us < 600 * 1000000::bigint then 2
            when latency_us < 3600 * 1000000::bigint then 3
            when latency_us < 6 * 3600 * 1000000::bigint then 4
            when latency_us < 86400 * 1000000::bigint then 5
            when latency_us < 7 * 86400 * 1000000::bigint then 6
            else 7
        end as bucket
    from timed
)
select
    channel,
    bucket,
    case bucket
        when 0 then 'sent before it happened'
        when 1 then 'under 1 minute'
        when 2 then '1-10 minutes'
        when 3 then '10-60 minutes'
        when 4 then '1-6 hours'
        when 5 then '6-24 hours'
        when 6 then '1-7 days'
        else 'over 7 days'
    end as latency,
    count(*) as events
from bucketed
group by channel, bucket
order by channel, bucket
