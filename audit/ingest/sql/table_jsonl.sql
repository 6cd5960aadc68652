-- Flat JSONL rows: classify every physical line (blank, bad JSON, not an object, a row).
create or replace temp table tb_rows as
with parsed as (
    select line, text, trim(text, chr(65279) || ' ' || chr(9) || chr(13)) as body_text
    from ingest_lines
)
select
    line,
    text,
    case when body_text = '' then null else try(json(body_text)) end as j,
    body_text = '' as blank
from parsed;

insert into ingest_quarantine (source_line, source_index, field, reason, raw_text)
select line, 0, null,
    case when j is null then 'not valid JSON' else 'row is not a JSON object' end,
    text
from tb_rows
where not blank and (j is null or json_type(j) <> 'OBJECT');

create or replace temp table tb_src as
select line as ingest_source_line, j
from tb_rows
where json_type(j) = 'OBJECT';
