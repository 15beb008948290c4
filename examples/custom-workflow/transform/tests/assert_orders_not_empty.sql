-- Fails (returns a row) when raw.orders is empty: an upstream export that silently produced nothing.
select count(*) as orders
from {{ source('raw', 'orders') }}
having count(*) = 0
