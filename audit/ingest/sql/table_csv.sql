-- CSV rows that DuckDB rejected (wrong number of columns, bad quoting), one record per physical line,
-- and the physical line of each accepted row: the n-th non-blank data line not rejected (exact when
-- no quoted field spans lines).
insert into ingest_quarantine (source_line, source_index, field, reason, raw_text)
select line, 0, any_value(column_name), 'unreadable CSV row: ' || any_value(error_message), any_value(csv_line)
from (select cast(line as integer) as line, column_name, error_message, csv_line from tb_reject_errors)
group by line;

create or replace temp table tb_src as
with data_lines as (
    select line, row_number() over (order by line) as n
    from ingest_lines
    where line > 1
      and trim(text) <> ''
      and line not in (select cast(line as integer) from tb_reject_errors)
),
numbered_rows as (
    select rowid - (select min(rowid) from tb_csv) + 1 as ingest_row_n, * from tb_csv
)
select coalesce(d.line, cast(r.ingest_row_n as integer) + 1) as ingest_source_line, r.* exclude (ingest_row_n)
from numbered_rows as r
left join data_lines as d on d.n = r.ingest_row_n;
