import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { drift } from './drift.js';
import { dryrun } from './dryrun.js';
import { fanout } from './fanout.js';
import { history } from './history.js';
import { purge } from './purge.js';
import { rollout } from './rollout.js';
import { trusted } from './trusted.js';
import { machineInfo, ROOT, type Row } from './support.js';

/** `npm run bench -- [drift] [dryrun] [fanout] [history] [purge] [rollout] [trusted]`: the named benchmarks, all by default. */
const BENCHMARKS: Record<string, () => Promise<{ rows: Row[]; result: unknown }>> = { drift, dryrun, fanout, history, purge, rollout, trusted };

function table(rows: Row[]): string {
  const header: Row = { benchmark: 'benchmark', service: 'service', baseline: 'baseline', ratio: 'ratio', target: 'target', ok: 'met' };
  const cols = Object.keys(header) as (keyof Row)[];
  const width = (c: keyof Row) => Math.max(...[header, ...rows].map((r) => r[c].length));
  const line = (r: Row) => `| ${cols.map((c) => r[c].padEnd(width(c))).join(' | ')} |`;
  return [line(header), `|${cols.map((c) => '-'.repeat(width(c) + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main() {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  const selected = names.length ? names : Object.keys(BENCHMARKS);
  const startedAt = new Date();
  const machine = await machineInfo();
  const machineLine = `machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.memory_gib} GiB, ${machine.postgresql}, Redis ${machine.redis}, Node ${machine.node}; load average ${machine.loadavg_at_start.join(' ')}`;
  console.log(machineLine);

  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  let failed = false;
  for (const name of selected) {
    const t = performance.now();
    try {
      const out = await BENCHMARKS[name]();
      rows.push(...out.rows);
      results[name] = { ...(out.result as object), wall_seconds: Math.round((performance.now() - t) / 1000), loadavg_after: loadavg().map((x) => Math.round(x * 100) / 100) };
    } catch (error) {
      failed = true;
      console.error(`${name} failed: ${(error as Error).stack}`);
      results[name] = { error: (error as Error).message };
      rows.push({ benchmark: name, service: 'FAILED', baseline: '', ratio: '', target: '', ok: '✘' });
    }
  }

  console.log(`\n${machineLine}\n${table(rows)}`);
  const dir = `${ROOT}bench/results`;
  await mkdir(dir, { recursive: true });
  const file = `${dir}/${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(file, `${JSON.stringify({ started_at: startedAt.toISOString(), finished_at: new Date().toISOString(), machine, benchmarks: selected, table: rows, results }, null, 2)}\n`);
  console.log(`\nresults: ${file}`);
  process.exit(failed ? 1 : 0);
}

await main();
