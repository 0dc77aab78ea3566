/**
 * The lint rule catalogue (docs/contract.md §9 `warnings`). Rule ids are part of the public API:
 * clients may filter on them, so an id never changes once released.
 */
export interface LintRuleInfo {
  /** What the rule flags, as a short phrase. */
  summary: string;
  /** The safe way to reach the same schema. */
  safeAlternative: string;
}

export const RULES = {
  'add-column-not-null-without-default': {
    summary: 'ADD COLUMN ... NOT NULL (or PRIMARY KEY) without a default on an existing table: fails as soon as the table has rows',
    safeAlternative: 'add the column nullable or with a non-volatile default, backfill it, then set NOT NULL',
  },
  'set-not-null': {
    summary: 'ALTER COLUMN ... SET NOT NULL (or ADD CONSTRAINT ... NOT NULL) on an existing table: scans every row under an ACCESS EXCLUSIVE lock',
    safeAlternative:
      'ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later version, then SET NOT NULL (no scan)',
  },
  'column-type-change': {
    summary: 'ALTER COLUMN ... TYPE on an existing table: can rewrite the table and its indexes under an ACCESS EXCLUSIVE lock',
    safeAlternative: 'add a new column, backfill it in batches, switch reads and writes over, then drop the old column',
  },
  'constraint-without-not-valid': {
    summary: 'a FOREIGN KEY or CHECK added to an existing table without NOT VALID (including inline on ADD COLUMN): checks every row while blocking writes',
    safeAlternative: 'ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in a later version',
  },
  'add-unique-constraint': {
    summary: 'a UNIQUE, PRIMARY KEY or EXCLUDE constraint added to an existing table: builds its index while blocking reads and writes',
    safeAlternative: 'CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE (or PRIMARY KEY) USING INDEX',
  },
  'index-without-concurrently': {
    summary: 'CREATE INDEX without CONCURRENTLY on an existing table: blocks writes while the index builds',
    safeAlternative: 'CREATE INDEX CONCURRENTLY in a definition with transactional: false',
  },
  'rename-column': {
    summary: 'a column of an existing table renamed: breaks code that still uses the old name',
    safeAlternative: 'add the new column, backfill it, move code over, then drop the old one in a later version',
  },
  'rename-table': {
    summary: 'an existing table renamed: breaks code that still uses the old name',
    safeAlternative: 'move code to the new name first, e.g. behind a view under the old name, and drop the view later',
  },
  'drop-column': {
    summary: 'a column of an existing table dropped: breaks code that still uses it, and its data is gone',
    safeAlternative: 'stop reading and writing the column in code first, then drop it in a later version',
  },
  'drop-table': {
    summary: 'an existing table dropped: breaks code that still uses it, and its data is gone',
    safeAlternative: 'stop using the table in code first, then drop it in a later version',
  },
  'int-primary-key': {
    summary: 'a single-column primary key of type smallint, integer, smallserial or serial: runs out of values',
    safeAlternative: 'bigint, e.g. bigint GENERATED ALWAYS AS IDENTITY',
  },
  'timestamp-without-time-zone': {
    summary: 'a timestamp (without time zone) column: stores no offset, so values depend on the writer\'s time zone',
    safeAlternative: 'timestamptz',
  },
  'varchar-length': {
    summary: 'a varchar(n) column: the limit is arbitrary and changing it takes an ALTER TABLE',
    safeAlternative: 'text, with a CHECK (char_length(col) <= n) constraint if the limit is a real rule',
  },
  'catalog-read-all-tenants': {
    summary:
      "(trusted) a read of a system catalog named with pg_catalog. that does not restrict itself to the current schema: it sees every tenant's objects, so a guard on it skips its DDL on every tenant after the first",
    safeAlternative: 'name the catalog without pg_catalog. (each tenant then sees only its own objects), or restrict the read to current_schema()',
  },
} as const satisfies Record<string, LintRuleInfo>;

export type LintRuleId = keyof typeof RULES;

/** Records one warning against the statement being linted. */
export type Warn = (rule: LintRuleId, message: string) => void;
