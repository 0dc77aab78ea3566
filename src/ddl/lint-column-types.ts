import type { TypeName } from '@pgsql/types';
import type { Warn } from './lint-rules.js';
import { stringsOf, unwrap } from './parse-tree.js';

/*
 * Rules on a column's declared type. They apply to new and existing tables alike: a bad type
 * is cheapest to fix before the table holds rows.
 */

/** timestamp without time zone and varchar(n), in CREATE TABLE, ADD COLUMN and ALTER COLUMN TYPE. */
export function lintColumnType(table: string, column: string, typeName: TypeName | undefined, warn: Warn): void {
  const type = builtinType(typeName);
  if (type === 'timestamp') {
    warn(
      'timestamp-without-time-zone',
      `Column ${table}.${column} is timestamp without time zone, which stores no offset so its values depend on the writer's time zone; use timestamptz.`,
    );
  } else if (type === 'varchar' && (typeName?.typmods?.length ?? 0) > 0) {
    warn(
      'varchar-length',
      `Column ${table}.${column} is ${typeLabel(typeName)}, whose limit takes an ALTER TABLE to change; use text, with a CHECK (char_length(${column}) <= n) if the limit is a real rule.`,
    );
  }
}

/** A primary key column of a 2- or 4-byte integer type. */
export function lintKeyType(table: string, column: string, typeName: TypeName | undefined, warn: Warn): void {
  const type = builtinType(typeName);
  const label = type === undefined || typeName?.arrayBounds ? undefined : INT_TYPES.get(type);
  if (label === undefined) return;
  warn(
    'int-primary-key',
    `Primary key ${table}.${column} is ${label}, which runs out of values and takes a table rewrite to widen; use bigint (bigint GENERATED ALWAYS AS IDENTITY for generated keys).`,
  );
}

/** serial and friends give the column a sequence default, so every existing row gets a value. */
export function isSerial(typeName: TypeName | undefined): boolean {
  return SERIAL_TYPES.has(builtinType(typeName) ?? '');
}

/** `varchar(40)`, `integer`, `numeric(12, 2)`: the type as a reader would write it, for messages. */
export function typeLabel(typeName: TypeName | undefined): string {
  const name = stringsOf(typeName?.names).filter((n) => n !== 'pg_catalog').join('.') || '?';
  const mods = (typeName?.typmods ?? []).map((mod) => {
    const constant = unwrap(mod, 'A_Const');
    // The parser leaves out zero values: 0 comes out as `{ ival: {} }`.
    return constant ? (constant.ival?.ival ?? 0) : '?';
  });
  const array = typeName?.arrayBounds ? '[]' : '';
  return `${INT_TYPES.get(name) ?? name}${mods.length > 0 ? `(${mods.join(', ')})` : ''}${array}`;
}

/** The type's name when it is a built-in (bare or pg_catalog-qualified), e.g. `int4`, `timestamp`. */
function builtinType(typeName: TypeName | undefined): string | undefined {
  const names = stringsOf(typeName?.names);
  if (names.length === 1 || (names.length === 2 && names[0] === 'pg_catalog')) return names[names.length - 1];
  return undefined;
}

/** 2- and 4-byte integer types as the parser names them (`int` is `pg_catalog.int4`), with the usual name. */
const INT_TYPES = new Map([
  ['int4', 'integer'],
  ['int2', 'smallint'],
  ['serial', 'serial'],
  ['serial4', 'serial'],
  ['smallserial', 'smallserial'],
  ['serial2', 'smallserial'],
]);

const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);
