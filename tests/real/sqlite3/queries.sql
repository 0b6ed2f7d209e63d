-- Queries over the generated rows: joins, aggregates, windows, updates and
-- deletes in a transaction, a rolled-back transaction, an index rebuilt,
-- and the file checked. Printed in a fixed order, so both runs compare.
.mode list
.headers on
SELECT count(*) AS customers, (SELECT count(*) FROM product) AS products, (SELECT count(*) FROM orders) AS orders FROM customer;
SELECT c.city, count(*) AS orders, sum(o.qty) AS items, printf('%.2f', sum(o.qty * p.price)) AS revenue
	FROM orders o JOIN customer c ON c.id = o.customer JOIN product p ON p.id = o.product
	GROUP BY c.city ORDER BY c.city;
SELECT strftime('%m', day) AS month, count(*), printf('%.3f', avg(qty)), min(qty), max(qty)
	FROM orders GROUP BY month HAVING count(*) > 10 ORDER BY month;
SELECT c.id, c.name, sum(o.qty) AS items, rank() OVER (ORDER BY sum(o.qty) DESC, c.id) AS place
	FROM customer c JOIN orders o ON o.customer = c.id
	GROUP BY c.id ORDER BY place LIMIT 10;
SELECT count(*) AS never_ordered FROM customer c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer = c.id);
SELECT p.id, p.title, printf('%.2f', p.price) FROM product p
	WHERE p.price > (SELECT avg(price) FROM product) ORDER BY p.price DESC, p.id LIMIT 5;
SELECT group_concat(city, ',') FROM (SELECT DISTINCT city FROM customer ORDER BY city);
BEGIN;
UPDATE product SET price = round(price * 1.1, 2) WHERE id % 7 = 0;
DELETE FROM orders WHERE qty = 1 AND day < '2024-02-01';
INSERT INTO customer(name, city) SELECT name || '-copy', city FROM customer WHERE id % 100 = 0;
COMMIT;
BEGIN;
DELETE FROM orders;
ROLLBACK;
SELECT count(*), sum(qty), printf('%.2f', (SELECT sum(price) FROM product)) FROM orders;
SELECT max(id), count(*) FROM customer;
REINDEX orders_by_day;
PRAGMA integrity_check;
PRAGMA foreign_key_check;
