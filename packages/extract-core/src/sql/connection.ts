import { ExtractConfigError } from '../errors.js';

/** A row as drivers return it: column name to value. */
export type SqlRow = Readonly<Record<string, unknown>>;

/**
 * What the SQL runner needs from a database: PGlite and node-postgres are adapted by {@link openPglite},
 * {@link pgliteConnection} and {@link connectPostgres}; anything else can implement it.
 */
export interface SqlConnection {
  /** Runs one statement with bind parameters and returns every row. */
  query(text: string, values?: readonly unknown[]): Promise<readonly SqlRow[]>;
  /** Runs one statement and yields its rows a batch at a time (a server-side cursor where the driver has one). */
  rows(
    text: string,
    values?: readonly unknown[],
    options?: { readonly batchSize?: number },
  ): AsyncIterable<SqlRow>;
  /** Runs SQL text without parameters (DDL; several statements allowed). */
  exec(text: string): Promise<void>;
  /** Closes what the adapter opened (not a client or pool passed in). */
  close(): Promise<void>;
}

/** The part of a PGlite instance the adapter uses. */
export interface PgliteLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(text: string): Promise<unknown>;
  close(): Promise<void>;
}

/** The part of a node-postgres `Pool` the adapter uses. */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  connect(): Promise<PgClientLike>;
  end(): Promise<void>;
}

/** The part of a node-postgres pooled client the adapter uses. */
export interface PgClientLike {
  query(query: unknown): unknown;
  release(err?: Error | boolean): void;
}

function missing(name: string, cause: unknown): ExtractConfigError {
  return new ExtractConfigError(
    'SQL_DRIVER_MISSING',
    `the SQL runner needs the optional peer dependency ${name}: install it next to @gpes/extract-core`,
    { cause },
  );
}

/** Imports an optional peer by name (a variable, so bundlers and the type checker leave it to run time). */
async function load(name: string): Promise<Record<string, unknown>> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch (cause) {
    throw missing(name, cause);
  }
}

/** Adapts a PGlite instance. `close` closes it only when `owned`. */
export function pgliteConnection(db: PgliteLike, options: { readonly owned?: boolean } = {}): SqlConnection {
  return {
    async query(text, values = []) {
      return (await db.query(text, values.slice())).rows as SqlRow[];
    },
    // PGlite runs in this process, so its result is in memory anyway: rows are yielded from one result.
    async *rows(text, values = []) {
      for (const row of (await db.query(text, values.slice())).rows) yield row as SqlRow;
    },
    async exec(text) {
      await db.exec(text);
    },
    async close() {
      if (options.owned) await db.close();
    },
  };
}

/**
 * Opens an embedded PostgreSQL (PGlite, in memory unless `dataDir` is given): the runner's default, no server.
 * @throws ExtractConfigError `SQL_DRIVER_MISSING` when `@electric-sql/pglite` is not installed.
 */
export async function openPglite(options: { readonly dataDir?: string } = {}): Promise<SqlConnection> {
  const mod = await load('@electric-sql/pglite');
  const PGlite = mod.PGlite as new (dataDir?: string) => PgliteLike;
  const db = options.dataDir === undefined ? new PGlite() : new PGlite(options.dataDir);
  return pgliteConnection(db, { owned: true });
}

/**
 * Connects to a PostgreSQL server through node-postgres: a pool (closed by `close`) from a connection string, or
 * a pool you own. Row streams use `pg-cursor`, so memory stays bounded however many rows a practice has.
 * @throws ExtractConfigError `SQL_DRIVER_MISSING` when `pg` or `pg-cursor` is not installed.
 */
export async function connectPostgres(
  target: string | PgPoolLike,
  options: { readonly max?: number } = {},
): Promise<SqlConnection> {
  const cursorMod = await load('pg-cursor');
  const Cursor = ((cursorMod as { default?: unknown }).default ?? cursorMod) as new (
    text: string,
    values: unknown[],
  ) => { read(n: number): Promise<unknown[]>; close(): Promise<void> };
  let pool: PgPoolLike;
  const owned = typeof target === 'string';
  if (typeof target === 'string') {
    const pg = await load('pg');
    const Pool = ((pg as { default?: { Pool: unknown } }).default?.Pool ??
      (pg as { Pool: unknown }).Pool) as new (
      config: object,
    ) => PgPoolLike;
    pool = new Pool({ connectionString: target, max: options.max ?? 4 });
  } else pool = target;
  return {
    async query(text, values = []) {
      return (await pool.query(text, values.slice())).rows as SqlRow[];
    },
    async *rows(text, values = [], opts = {}) {
      const batch = opts.batchSize ?? 1000;
      const client = await pool.connect();
      let failed: Error | undefined;
      try {
        const cursor = client.query(new Cursor(text, values.slice())) as InstanceType<typeof Cursor>;
        try {
          for (;;) {
            const rows = await cursor.read(batch);
            if (rows.length === 0) break;
            for (const row of rows) yield row as SqlRow;
          }
        } finally {
          await cursor.close();
        }
      } catch (e) {
        failed = e instanceof Error ? e : new Error('cursor failed');
        throw e;
      } finally {
        client.release(failed);
      }
    },
    async exec(text) {
      await pool.query(text);
    },
    async close() {
      if (owned) await pool.end();
    },
  };
}
