import { firstBlocking, holdsOf, locksReport } from './lock-report.js';

describe('lock reports', () => {
  it('lists each lock once, strongest first, then by relation, as SQL names the modes', () => {
    expect(
      locksReport([
        { relation: 'orders', mode: 'AccessShareLock' },
        { relation: 'orders', mode: 'AccessExclusiveLock' },
        { relation: 'lines', mode: 'ShareLock' },
        { relation: 'orders', mode: 'AccessExclusiveLock' },
      ]),
    ).toEqual([
      { relation: 'orders', mode: 'ACCESS EXCLUSIVE' },
      { relation: 'lines', mode: 'SHARE' },
      { relation: 'orders', mode: 'ACCESS SHARE' },
    ]);
  });

  it('holds: per relation the strongest lock, from the first statement taking it until the end', () => {
    const holds = holdsOf(
      [
        { ordinal: 1, startedMs: 0, locks: [{ relation: 'orders', mode: 'ShareLock' }] },
        { ordinal: 2, startedMs: 40, locks: [{ relation: 'orders', mode: 'AccessExclusiveLock' }, { relation: 'lines', mode: 'RowExclusiveLock' }] },
        { ordinal: 3, startedMs: 90, locks: [{ relation: 'orders', mode: 'AccessExclusiveLock' }] },
      ],
      100,
      new Map([['orders', { rows: 1000, bytes: 8192 }]]),
    );
    expect(holds).toEqual([
      { relation: 'orders', mode: 'ACCESS EXCLUSIVE', from_statement: 2, held_ms: 60, rows: 1000, bytes: 8192 },
      { relation: 'lines', mode: 'ROW EXCLUSIVE', from_statement: 2, held_ms: 60, rows: null, bytes: null },
    ]);
  });

  it("names the table before its index, and only the tenant's existing relations, as what blocks writes", () => {
    const locks = [
      { relation: 'orders_pkey', mode: 'AccessExclusiveLock', table: false },
      { relation: 'orders', mode: 'AccessExclusiveLock', table: true },
      { relation: 'fresh', mode: 'AccessExclusiveLock', table: true },
      { relation: 'lines', mode: 'RowExclusiveLock', table: true },
    ];
    expect(firstBlocking(locks, new Set(['orders', 'orders_pkey', 'lines']))?.relation).toBe('orders');
    expect(firstBlocking(locks.slice(2), new Set(['lines']))).toBeUndefined();
  });
});
