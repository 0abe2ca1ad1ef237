/**
 * Writes the plan files of examples/tiers/: the API tier's and the reporting tier's queries, each
 * EXPLAIN (FORMAT JSON, VERBOSE) as the embedded PostgreSQL 18 prints it for a small shop schema.
 * Run: npx tsx scripts/tiers-example.ts
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startServer } from '../test/support/postgres.js';

const root = join(import.meta.dirname, '..', 'examples', 'tiers');

const SCHEMA = `
CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL, country text NOT NULL);
CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, category text NOT NULL, price numeric(10,2) NOT NULL);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, ordered_at timestamptz NOT NULL);
CREATE INDEX orders_customer ON orders (customer_id, ordered_at);
CREATE TABLE order_items (order_id int NOT NULL REFERENCES orders, product_id int NOT NULL REFERENCES products,
  quantity int NOT NULL, price numeric(10,2) NOT NULL, PRIMARY KEY (order_id, product_id));
INSERT INTO customers SELECT i, 'c' || i || '@example.com', 'Customer ' || i, (ARRAY['DE','FR','US','JP','BR'])[1 + i % 5]
  FROM generate_series(1, 20000) i;
INSERT INTO products SELECT i, 'Product ' || i, 'category ' || (i % 40), 1 + (i % 97)
  FROM generate_series(1, 2000) i;
INSERT INTO orders SELECT i, 1 + (i * 7919) % 20000, timestamptz '2025-01-01' + (i % 365) * interval '1 day'
  FROM generate_series(1, 200000) i;
INSERT INTO order_items SELECT o, 1 + (o * 31 + k * 577) % 2000, 1 + k, 1 + (o + k) % 97
  FROM generate_series(1, 200000) o, generate_series(0, 2) k;
`;

/** The API tier: lookups by key, each an index scan with no node that holds work_mem. */
const API = {
  'order-by-id': 'SELECT * FROM orders WHERE id = 4242',
  'customer-by-email': "SELECT id, name, country FROM customers WHERE email = 'c4242@example.com'",
  'order-lines': `SELECT i.product_id, p.name, i.quantity, i.price
    FROM order_items i JOIN products p ON p.id = i.product_id WHERE i.order_id = 4242`,
};

/** The reporting tier: joins, aggregates, DISTINCT aggregates and window functions over the whole history. */
const REPORTING = {
  'revenue-by-month': `SELECT date_trunc('month', o.ordered_at) AS month, p.category, sum(i.quantity * i.price) AS revenue
    FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
    GROUP BY 1, 2 ORDER BY 1, 2`,
  'top-customers': `SELECT c.name, c.country, sum(i.quantity * i.price) AS spent,
      rank() OVER (PARTITION BY c.country ORDER BY sum(i.quantity * i.price) DESC) AS rank_in_country
    FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id
    GROUP BY c.id ORDER BY spent DESC LIMIT 100`,
  'product-reach': `SELECT p.category, count(DISTINCT o.customer_id) AS customers, count(*) AS items
    FROM order_items i JOIN products p ON p.id = i.product_id JOIN orders o ON o.id = i.order_id
    GROUP BY p.category ORDER BY customers DESC`,
};

const server = await startServer(18, { shared_buffers: '64MB', max_worker_processes: '8', max_parallel_workers: '8' });
const client = new pg.Client({ host: server.socketDir, port: server.port, user: 'postgres', database: 'postgres' });
try {
  await client.connect();
  await client.query(SCHEMA);
  await client.query('VACUUM ANALYZE');
  for (const [tier, queries] of Object.entries({ api: API, reporting: REPORTING })) {
    const dir = join(root, tier);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [name, sql] of Object.entries(queries)) {
      // The json column as the server wrote it: what `psql -At -c 'EXPLAIN (FORMAT JSON, VERBOSE) …'` saves.
      const result = await client.query({
        text: `EXPLAIN (FORMAT JSON, VERBOSE) ${sql}`,
        rowMode: 'array',
        types: { getTypeParser: () => (text: string) => text },
      });
      writeFileSync(join(dir, `${name}.json`), `${(result.rows[0] as string[])[0]}\n`);
    }
  }
} finally {
  await client.end().catch(() => {});
  await server.stop();
}
