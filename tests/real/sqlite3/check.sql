-- What a database written by the workload holds, read by the other build.
PRAGMA integrity_check;
SELECT count(*), sum(id), sum(length(name)) FROM customer;
SELECT count(*), printf('%.2f', sum(price)) FROM product;
SELECT count(*), sum(qty), min(day), max(day) FROM orders;
SELECT c.city, count(*) FROM orders o JOIN customer c ON c.id = o.customer GROUP BY c.city ORDER BY c.city;
