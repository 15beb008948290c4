-- Revenue per customer country, built from the raw tables target-postgres loads.
select c.country, count(o.id) as orders, sum(o.amount) as revenue
from {{ source('raw', 'orders') }} o
join {{ source('raw', 'customers') }} c on c.id = o.customer_id
group by c.country
