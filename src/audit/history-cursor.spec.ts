import { InvalidInputError } from '../common/domain-errors.js';
import { decodeCursor, encodeCursor, InvalidCursorError } from './history-cursor.js';

const CREATED_AT = '2024-05-06T07:08:09.123456Z';
const MIGRATION_ID = '3f2b8c1e-9a4d-4c7b-8e21-0d5f6a7b8c9d';

/** Builds a raw cursor from arbitrary text, bypassing encodeCursor's shape. */
const rawCursor = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('history cursor', () => {
  it('round-trips created_at and migration id', () => {
    const encoded = encodeCursor({ createdAt: CREATED_AT, migrationId: MIGRATION_ID });

    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encoded).not.toContain(MIGRATION_ID);
    expect(decodeCursor(encoded)).toEqual({ createdAt: CREATED_AT, migrationId: MIGRATION_ID });
  });

  it('encodes distinct positions to distinct cursors', () => {
    const a = encodeCursor({ createdAt: CREATED_AT, migrationId: MIGRATION_ID });
    const b = encodeCursor({ createdAt: '2024-05-06T07:08:09.123457Z', migrationId: MIGRATION_ID });

    expect(a).not.toBe(b);
    expect(decodeCursor(b).createdAt).toBe('2024-05-06T07:08:09.123457Z');
  });

  it('accepts a raw cursor of the documented shape', () => {
    expect(decodeCursor(rawCursor(`${CREATED_AT}|${MIGRATION_ID}`))).toEqual({
      createdAt: CREATED_AT,
      migrationId: MIGRATION_ID,
    });
  });

  it.each([
    ['garbage', 'not a cursor at all!'],
    ['an empty string', ''],
    ['a non-UUID id', rawCursor(`${CREATED_AT}|not-a-uuid`)],
    ['a timestamp with milliseconds only', rawCursor(`2024-05-06T07:08:09.123Z|${MIGRATION_ID}`)],
    ['a timestamp without fractional seconds', rawCursor(`2024-05-06T07:08:09Z|${MIGRATION_ID}`)],
    ['a missing id', rawCursor(CREATED_AT)],
    ['extra | parts', rawCursor(`${CREATED_AT}|${MIGRATION_ID}|extra`)],
    ['an empty trailing | part', rawCursor(`${CREATED_AT}|${MIGRATION_ID}|`)],
  ])('rejects %s with InvalidCursorError', (_label, raw) => {
    expect(() => decodeCursor(raw)).toThrow(InvalidCursorError);
  });

  it('raises an InvalidInputError with the API message', () => {
    let error: unknown;
    try {
      decodeCursor('garbage');
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(InvalidCursorError);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toBe('cursor is not a next_cursor returned by this API');
  });
});
