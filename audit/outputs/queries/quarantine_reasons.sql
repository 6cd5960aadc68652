-- Quarantined records per reason.
select q.reason, count(*) as records
from quarantine as q
left join loads as l on l.load_id = q.load_id
where ($channel is null or l.channel = $channel)
group by q.reason
order by records desc, q.reason
