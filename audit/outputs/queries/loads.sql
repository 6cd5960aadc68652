-- One row per file loaded.
select
    file_name,
    format,
    channel,
    coalesce(dataset_id, '') as dataset_id,
    rows_read,
    rows_loaded,
    rows_quarantined,
    rows_ignored,
    loaded_at,
    source_file,
    load_id
from loads
where ($channel is null or channel = $channel)
order by loaded_at, file_name
