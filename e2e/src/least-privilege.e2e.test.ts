import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { stack } from './stack.js';

// Each role of stack/postgres/bootstrap.sql holds only what its process needs. The assertions name
// the SQLSTATE Postgres refuses with: 42501 insufficient privilege (also what a missing CONNECT
// privilege or REPLICATION attribute gives at login), 28000 no pg_hba.conf line for the connection.
const INSUFFICIENT_PRIVILEGE = '42501';
const NO_HBA_ENTRY = '28000';

type Role = keyof typeof stack.postgres.roles;
type Database = keyof typeof stack.postgres.databases;
/** The startup parameter: 'database' opens a logical replication connection, 'true' a physical one. */
type Replication = 'database' | 'true';

function clientFor(role: Role, database: Database, replication?: Replication): pg.Client {
  // pg passes `replication` on as a startup parameter; its type definitions leave it out.
  const config: pg.ClientConfig & { replication?: Replication } = {
    host: stack.postgres.host,
    port: stack.postgres.port,
    ...stack.postgres.roles[role],
    database: stack.postgres.databases[database],
    replication,
    connectionTimeoutMillis: 5000,
    application_name: 'e2e-least-privilege',
  };
  return new pg.Client(config);
}

function sqlstate(error: unknown): string {
  return (error as { code?: string }).code ?? String(error);
}

/** 'ok', or the SQLSTATE the login fails with. */
async function loginOutcome(role: Role, database: Database, replication?: Replication): Promise<string> {
  const client = clientFor(role, database, replication);
  try {
    await client.connect();
    // A replication connection accepts only replication commands (and, for 'database', SQL).
    await client.query(replication ? 'IDENTIFY_SYSTEM' : 'SELECT 1');
    return 'ok';
  } catch (error) {
    return sqlstate(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * 'ok', or the SQLSTATE the statement fails with. It runs in a transaction that is always rolled
 * back, and the statements below touch no row (WHERE false), so even a wrongly granted privilege
 * changes nothing and never publishes an event: privileges are checked before any row is read.
 */
async function statementOutcome(role: Role, database: Database, sql: string): Promise<string> {
  const client = clientFor(role, database);
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(sql);
    return 'ok';
  } catch (error) {
    return sqlstate(error);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}

const writeOutbox = `INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  SELECT gen_random_uuid(), 'user', 'e2e-least-privilege', 'SumCalculated', '\\x00'::bytea WHERE false`;
const writeRequestKeys = `INSERT INTO request_keys (user_id, request_id, event_id, sum)
  SELECT 'e2e-least-privilege', 'r-1', gen_random_uuid(), 0 WHERE false`;

describe("service-a's role", () => {
  it('appends to the outbox and reads, writes and prunes its idempotency keys', async () => {
    expect(await statementOutcome('serviceA', 'calculator', writeOutbox)).toBe('ok');
    expect(await statementOutcome('serviceA', 'calculator', 'SELECT * FROM request_keys WHERE false')).toBe('ok');
    expect(await statementOutcome('serviceA', 'calculator', writeRequestKeys)).toBe('ok');
    expect(await statementOutcome('serviceA', 'calculator', 'DELETE FROM request_keys WHERE false')).toBe('ok');
    expect(await statementOutcome('serviceA', 'calculator', 'SELECT * FROM pg_replication_slots')).toBe('ok');
  });

  it.each([
    ['read the outbox', 'SELECT id FROM outbox WHERE false'],
    ['read back what it inserts (RETURNING)', `${writeOutbox} RETURNING id`],
    ['update the outbox', "UPDATE outbox SET type = 'x' WHERE false"],
    ['delete from the outbox', 'DELETE FROM outbox WHERE false'],
    ['truncate the outbox', 'TRUNCATE outbox'],
    ['update idempotency keys', 'UPDATE request_keys SET sum = 0 WHERE false'],
    ['truncate idempotency keys', 'TRUNCATE request_keys'],
    ['create a table', 'CREATE TABLE e2e_least_privilege (id int)'],
    ['create a temporary table', 'CREATE TEMP TABLE e2e_least_privilege (id int)'],
    ['change the publication', 'ALTER PUBLICATION outbox_publication ADD TABLE request_keys'],
  ])('cannot %s', async (_what, sql) => {
    expect(await statementOutcome('serviceA', 'calculator', sql)).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it.each<Database>(['results', 'registry', 'maintenance'])('cannot connect to the %s database', async (database) => {
    expect(await loginOutcome('serviceA', database)).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('cannot open a replication connection', async () => {
    expect(await loginOutcome('serviceA', 'calculator', 'database')).toBe(INSUFFICIENT_PRIVILEGE);
  });
});

describe("service-b's role", () => {
  it('owns its results database', async () => {
    expect(await statementOutcome('serviceB', 'results', 'SELECT * FROM calculations WHERE false')).toBe('ok');
  });

  it.each<Database>(['calculator', 'registry', 'maintenance'])(
    'cannot connect to the %s database',
    async (database) => {
      expect(await loginOutcome('serviceB', database)).toBe(INSUFFICIENT_PRIVILEGE);
    },
  );

  it('cannot open a replication connection', async () => {
    expect(await loginOutcome('serviceB', 'results', 'database')).toBe(INSUFFICIENT_PRIVILEGE);
  });
});

describe("Debezium's role", () => {
  it('reads the outbox and opens a logical replication connection to the calculator database', async () => {
    expect(await statementOutcome('debezium', 'calculator', 'SELECT * FROM outbox WHERE false')).toBe('ok');
    // replication=database is matched by pg_hba.conf's database lines, like Debezium's own connection.
    expect(await loginOutcome('debezium', 'calculator', 'database')).toBe('ok');
  });

  it.each([
    ['insert into the outbox', writeOutbox],
    ['update the outbox', "UPDATE outbox SET type = 'x' WHERE false"],
    ['delete from the outbox', 'DELETE FROM outbox WHERE false'],
    ['truncate the outbox', 'TRUNCATE outbox'],
    ['read idempotency keys', 'SELECT * FROM request_keys WHERE false'],
    ['write idempotency keys', writeRequestKeys],
    ['create a table', 'CREATE TABLE e2e_least_privilege (id int)'],
    ['change the publication', 'ALTER PUBLICATION outbox_publication ADD TABLE request_keys'],
  ])('cannot %s', async (_what, sql) => {
    expect(await statementOutcome('debezium', 'calculator', sql)).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it.each<Database>(['results', 'registry', 'maintenance'])('cannot connect to the %s database', async (database) => {
    expect(await loginOutcome('debezium', database)).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('cannot open a physical replication connection: pg_hba.conf has no replication line', async () => {
    expect(await loginOutcome('debezium', 'calculator', 'true')).toBe(NO_HBA_ENTRY);
  });
});

describe("the registry's role", () => {
  it.each<Database>(['calculator', 'results', 'maintenance'])('cannot connect to the %s database', async (database) => {
    expect(await loginOutcome('registry', database)).toBe(INSUFFICIENT_PRIVILEGE);
  });
});

describe('the monitoring role (Postgres exporter)', () => {
  it("reads the statistics views, including other roles' activity and the replication slot", async () => {
    const client = clientFor('monitoring', 'maintenance');
    await client.connect();
    try {
      const slots = await client.query('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [
        stack.replicationSlot,
      ]);
      expect(slots.rows).toHaveLength(1);
      await client.query('SELECT * FROM pg_stat_replication');
      await client.query('SELECT * FROM pg_stat_database');
      // pg_monitor shows every session's query text; without it other roles' would read <insufficient privilege>.
      const activity = await client.query(
        "SELECT count(*)::int AS hidden FROM pg_stat_activity WHERE query = '<insufficient privilege>'",
      );
      expect(activity.rows[0]).toEqual({ hidden: 0 });
    } finally {
      await client.end();
    }
  });

  // The outbox and the calculations are out of reach: it cannot even log in to their databases.
  it.each<Database>(['calculator', 'results', 'registry'])('cannot connect to the %s database', async (database) => {
    expect(await loginOutcome('monitoring', database)).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it.each([
    ['create a table', 'CREATE TABLE e2e_least_privilege (id int)'],
    ['create a temporary table', 'CREATE TEMP TABLE e2e_least_privilege (id int)'],
    ['read server files', "SELECT pg_read_file('postgresql.conf')"],
  ])('cannot %s', async (_what, sql) => {
    expect(await statementOutcome('monitoring', 'maintenance', sql)).toBe(INSUFFICIENT_PRIVILEGE);
  });
});

describe('role attributes', () => {
  it('gives no stack role superuser, role or database creation, or RLS bypass; only Debezium replicates', async () => {
    const client = clientFor('monitoring', 'maintenance');
    await client.connect();
    try {
      const names = [...Object.values(stack.postgres.roles).map((role) => role.user), 'outbox_owner'];
      const { rows } = await client.query(
        `SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication, rolcanlogin
         FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname`,
        [names],
      );
      expect(rows).toHaveLength(names.length);
      for (const row of rows) {
        expect(row, row.rolname).toMatchObject({
          rolsuper: false,
          rolcreaterole: false,
          rolcreatedb: false,
          rolbypassrls: false,
          rolreplication: row.rolname === stack.postgres.roles.debezium.user,
          // The owner of the outbox is a role nobody logs in as.
          rolcanlogin: row.rolname !== 'outbox_owner',
        });
      }
    } finally {
      await client.end();
    }
  });
});
