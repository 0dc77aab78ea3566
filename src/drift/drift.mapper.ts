import { InvalidCursorError } from '../audit/history-cursor.js';
import { UUID_PATTERN } from '../common/uuid.js';
import type { CheckTenantRow, DriftCheckRow } from './drift-checks.service.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toDriftCheckJson(c: DriftCheckRow) {
  return {
    check_id: c.check_id,
    status: c.status,
    counts: { total: c.total, in_sync: c.in_sync, drifted: c.drifted, skipped: c.skipped },
    created_at: c.created_at.toISOString(),
    finished_at: iso(c.finished_at),
  };
}

export function toCheckTenantJson(t: CheckTenantRow) {
  // jsonb keeps keys in its own order: put them back in the route's.
  const differences = (t.differences ?? []).map(({ change, object_type, name, expected, actual }) => ({ change, object_type, name, expected, actual }));
  return { tenant_id: t.tenant_id, status: t.status, current_version: t.current_version, differences, details: t.details, checked_at: iso(t.checked_at) };
}

/** A check's tenants page by tenant id. */
export const encodeCheckCursor = (tenantId: string) => Buffer.from(`tenant|${tenantId}`, 'utf8').toString('base64url');

export function decodeCheckCursor(raw: string): string {
  const match = /^tenant\|(.+)$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!match || !UUID_PATTERN.test(match[1])) throw new InvalidCursorError();
  return match[1];
}
