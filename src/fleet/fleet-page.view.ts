import type { TenantItem } from '../rollouts/rollouts.service.js';
import type { RolloutRow, WaveRow } from '../rollouts/rollout.mapper.js';

// The fleet page's HTML, rendered on the server: whole at load, and its sections again for the
// page's script, which swaps them in (one renderer, no client-side templates).

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (value: string | number | null | undefined) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
const time = (d: Date | string | null) => (d ? new Date(d).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '');

export interface FleetView {
  tenants: number;
  versions: { version: number; tenants: number }[];
  pending: number;
  failed: number;
  drifted: number;
  last_drift_check: { check_id: string; status: string; counts: Record<string, number>; finished_at: string | null } | null;
}

export interface RolloutView {
  row: RolloutRow;
  waves: WaveRow[];
  failed: { items: TenantItem[]; next: number | null };
  skipped: { items: TenantItem[]; next: number | null };
}

/** The fleet's standing: tenants per version (0 included), pending, failed, drifted. */
export function fleetSection(fleet: FleetView, asOf: Date): string {
  const check = fleet.last_drift_check;
  return `<h2 id="fleet-h">Fleet</h2>
<p class="summary"><span data-count="tenants">${fleet.tenants}</span> tenants · <span data-count="pending">${fleet.pending}</span> with an attempt pending ·
<span data-count="failed">${fleet.failed}</span> whose latest attempt failed · <span data-count="drifted">${fleet.drifted}</span> drifted in the latest drift check</p>
<table class="versions"><caption>Tenants per current version</caption>
<thead><tr><th scope="col">Version</th><th scope="col">Tenants</th></tr></thead>
<tbody>${fleet.versions.map((v) => `<tr data-version="${v.version}"><td>${v.version}</td><td>${v.tenants}</td></tr>`).join('') || '<tr><td colspan="2">No tenant has a definition yet.</td></tr>'}</tbody></table>
<p class="drift">${
    check
      ? `Latest drift check <code>${esc(check.check_id)}</code>, ${esc(check.status)} ${esc(time(check.finished_at))}: ${check.counts.in_sync} in sync, ${check.counts.drifted} drifted, ${check.counts.skipped} skipped of ${check.counts.total}.`
      : 'No drift check has completed yet.'
  }</p>
<p class="as-of">As of ${esc(time(asOf))}. <button type="button" data-refresh="fleet">Refresh the fleet</button></p>`;
}

const STATUS_TEXT: Record<string, string> = { running: 'Running', paused: 'Paused', completed: 'Completed', cancelled: 'Cancelled' };

/** The actions a rollout's status allows (the API answers 409 to the others). */
function actionsOf(row: RolloutRow): { action: string; label: string }[] {
  const open = row.finished_at === null;
  return [
    row.status === 'running' ? { action: 'pause', label: 'Pause' } : undefined,
    row.status === 'paused' ? { action: 'resume', label: 'Resume' } : undefined,
    open && row.status !== 'cancelled' && row.status !== 'completed' ? { action: 'cancel', label: 'Cancel' } : undefined,
    row.failed > 0 && row.status !== 'cancelled' ? { action: 'retry-failed', label: 'Retry failed' } : undefined,
  ].filter((a): a is { action: string; label: string } => a !== undefined);
}

/** A wave as a bar of its counts, with the same counts as text (colour is never the only cue). */
function waveBar(w: WaveRow): string {
  const parts = (['success', 'failed', 'skipped', 'running', 'queued'] as const).map((k) => ({ k, n: w[k] ?? 0 }));
  const text = parts.map((p) => `${p.n} ${p.k}`).join(', ');
  const segments = parts
    .filter((p) => p.n > 0)
    .map((p) => `<span class="seg ${p.k}" style="width:${((p.n / Math.max(w.size, 1)) * 100).toFixed(2)}%"></span>`)
    .join('');
  return `<li class="wave" data-wave="${w.wave_index}"><span class="wave-name">Wave ${w.wave_index} (${esc(w.status)}, ${w.size} tenant${w.size === 1 ? '' : 's'})</span>
<span class="bar" role="img" aria-label="wave ${w.wave_index}: ${esc(text)}">${segments}</span><span class="wave-counts">${esc(text)}</span></li>`;
}

export function tenantItems(items: TenantItem[]): string {
  return items.map((t) => `<li><code>${esc(t.tenant_id)}</code>: ${esc(t.details ?? t.status)}</li>`).join('');
}

function tenantList(rolloutId: string, status: 'failed' | 'skipped', list: RolloutView['failed'], count: number): string {
  if (count === 0) return '';
  const more = list.next !== null ? `<button type="button" data-more="${esc(rolloutId)}" data-status="${status}" data-after="${list.next}">More ${status} tenants</button>` : '';
  return `<details class="tenants ${status}" data-list="${esc(rolloutId)}-${status}"><summary>${count} ${status} tenant${count === 1 ? '' : 's'}</summary>
<ul>${tenantItems(list.items)}</ul>${more}</details>`;
}

export function rolloutArticle(r: RolloutView, canWrite: boolean): string {
  const { row } = r;
  const buttons = canWrite
    ? actionsOf(row)
        .map((a) => `<button type="button" data-action="${a.action}" data-rollout="${esc(row.rollout_id)}" aria-label="${esc(`${a.label} the rollout to version ${row.target_version}`)}">${a.label}</button>`)
        .join(' ')
    : '';
  return `<article class="rollout" data-rollout="${esc(row.rollout_id)}" data-status="${esc(row.status)}">
<h3>Rollout to version ${row.target_version} <span class="status ${esc(row.status)}">${STATUS_TEXT[row.status] ?? esc(row.status)}</span></h3>
<p class="meta"><code>${esc(row.rollout_id)}</code> · created ${esc(time(row.created_at))}${row.finished_at ? ` · finished ${esc(time(row.finished_at))}` : ''}${row.reason ? ` · <span class="reason">${esc(row.reason)}</span>` : ''}</p>
<p class="counts" data-counts="${esc(row.rollout_id)}">${row.success} success, ${row.failed} failed, ${row.skipped} skipped, ${row.running} running, ${row.queued} queued of ${row.total}</p>
<ol class="waves">${r.waves.map(waveBar).join('')}</ol>
${buttons ? `<p class="actions">${buttons}</p>` : ''}
${tenantList(row.rollout_id, 'failed', r.failed, row.failed)}${tenantList(row.rollout_id, 'skipped', r.skipped, row.skipped)}
</article>`;
}

export function rolloutsSection(rollouts: RolloutView[], canWrite: boolean): string {
  return `<h2 id="rollouts-h">Rollouts, newest first</h2>${rollouts.map((r) => rolloutArticle(r, canWrite)).join('') || '<p>No rollout yet.</p>'}`;
}

export function page(parts: { fleet: string; rollouts: string; who: string; canWrite: boolean; boardRoute: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>BSS fleet</title><link rel="stylesheet" href="/admin/fleet/fleet.css"></head>
<body data-can-write="${parts.canWrite}">
<header><h1>BSS fleet</h1><nav><a href="${esc(parts.boardRoute)}">Queues (Bull Board)</a> · <a href="/docs">API</a></nav>
<p class="who">Signed in as ${esc(parts.who)}${parts.canWrite ? '' : ' (read only)'}</p></header>
<main>
<p id="message" role="status" aria-live="polite"></p>
<section id="fleet" aria-labelledby="fleet-h">${parts.fleet}</section>
<section id="rollouts" aria-labelledby="rollouts-h" aria-live="off">${parts.rollouts}</section>
</main>
<script src="/admin/fleet/fleet.js" defer></script>
</body></html>`;
}
