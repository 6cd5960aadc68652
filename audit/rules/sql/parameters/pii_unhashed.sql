-- Events whose contact information arrived in plain text (the loader hashed it and named the fields).
select
    event_ref,
    null                                                                as paired_event_ref,
    array_to_string(list_sort(list_distinct(pii_hashed_on_load)), ', ') as field,
    'sent unhashed: ' || array_to_string(list_sort(list_distinct(pii_hashed_on_load)), ', ')
    || ' (kept here only as a SHA-256 hash)'                            as detail,
    null                                                                as severity
from events
where len(pii_hashed_on_load) > 0
