-- The tables the generated rows (sqlite3_rows, tests/real/sqlite3.sh) go into.
PRAGMA foreign_keys = ON;
CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL);
CREATE TABLE product(id INTEGER PRIMARY KEY, title TEXT NOT NULL, price REAL NOT NULL);
CREATE TABLE orders(
	id INTEGER PRIMARY KEY,
	customer INTEGER NOT NULL REFERENCES customer(id),
	product INTEGER NOT NULL REFERENCES product(id),
	qty INTEGER NOT NULL CHECK (qty > 0),
	day TEXT NOT NULL);
CREATE INDEX orders_by_customer ON orders(customer);
CREATE INDEX orders_by_day ON orders(day);
