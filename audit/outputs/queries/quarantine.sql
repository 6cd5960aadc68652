-- Records set aside while loading, with the reason (raw text is already masked by the loader).
select
    l.file_name,
    q.source_line,
    q.source_index,
    q.field,
    q.reason,
    q.raw_text
from quarantine as q
left join loads as l on l.load_id = q.load_id
where ($channel is null or l.channel = $channel)
order by l.file_name, q.source_line, q.source_index
limit $limit
