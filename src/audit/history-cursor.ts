import { InvalidInputError } from '../common/domain-errors.js';
import { UUID_PATTERN } from '../common/uuid.js';

/** Where a history page ended: the last record's exact created_at (microseconds) and id. */
export interface HistoryCursor {
  createdAt: string;
  migrationId: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export class InvalidCursorError extends InvalidInputError {
  constructor() {
    super('cursor is not a next_cursor returned by this API');
  }
}

export function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.migrationId}`, 'utf8').toString('base64url');
}

export function decodeCursor(raw: string): HistoryCursor {
  const [createdAt, migrationId, ...rest] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (rest.length || !TIMESTAMP.test(createdAt ?? '') || !UUID_PATTERN.test(migrationId ?? '')) {
    throw new InvalidCursorError();
  }
  return { createdAt, migrationId };
}
