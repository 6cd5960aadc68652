-- Send latency (sent_at - event_time) in buckets, per channel, for events whose log has sent_at.
with timed as (
    select channel, epoch(sent_at) - epoch(event_time) as latency_s
    from events
    where sent_at is not null
      and event_time is not null
      and ($dataset is null or coalesce(dataset_id, 'unknown') = $dataset)
      and ($start is null or cast(timezone('UTC', event_time) as date) >= cast($start as date))
      and ($end is null or cast(timezone('UTC', event_time) as date) <= cast($end as date))
      and ($names is null or list_contains(cast($names as varchar[]), event_name))
      and ($channel is null or channel = $channel)
),
bucketed as (
    select
        channel,
        case
            when latency_s < 0 then 0
            when latency_s < 60 then 1
            when latency_s < 600 then 2
            when latency_s < 3600 then 3
            when latency_s < 6 * 3600 then 4
            when latency_s < 86400 then 5
            when latency_s < 7 * 86400 then 6
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
