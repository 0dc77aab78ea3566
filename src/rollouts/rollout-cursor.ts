import { InvalidCursorError, decodeCursor, encodeCursor } from '../audit/history-cursor.js';

/** The rollouts list pages as the audit history does: by (created_at to the microsecond, id). */
export function encodeRolloutCursor(cursor: { createdAt: string; rolloutId: string }): string {
  return encodeCursor({ createdAt: cursor.createdAt, migrationId: cursor.rolloutId });
}

export function decodeRolloutCursor(raw: string): { createdAt: string; rolloutId: string } {
  const { createdAt, migrationId } = decodeCursor(raw);
  return { createdAt, rolloutId: migrationId };
}

/** A rollout's tenants page by their position in the rollout. */
export function encodeTenantCursor(position: number): string {
  return Buffer.from(`position|${position}`, 'utf8').toString('base64url');
}

export function decodeTenantCursor(raw: string): number {
  const match = /^position\|(\d{1,9})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!match) throw new InvalidCursorError();
  return Number(match[1]);
}
