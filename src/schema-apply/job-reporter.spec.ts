import { JobReporter, REPORT_EVERY_MS, type ReporterClock } from './job-reporter.js';

function fakeJob() {
  const writes: string[] = [];
  return {
    writes,
    job: {
      updateProgress: (p: unknown) => {
        writes.push(`progress ${JSON.stringify(p)}`);
        return Promise.resolve();
      },
      log: (row: string) => {
        writes.push(`log ${row}`);
        return Promise.resolve(1);
      },
    },
  };
}

/** Time moves only when the test says; timers fire when their time comes. */
function manualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  const clock: ReporterClock = {
    now: () => now,
    later(fn, ms) {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return () => (timers = timers.filter((t) => t !== timer));
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const timer of timers.filter((t) => t.at <= now)) {
      timers = timers.filter((t) => t !== timer);
      timer.fn();
    }
  };
  return { clock, advance, pending: () => timers.length };
}

const applied = (reporter: JobReporter, n: number, total: number) => {
  reporter.log(`statement ${n} of ${total} applied`);
  reporter.progress({ applied: n, total });
};

describe('JobReporter', () => {
  it('writes a quick attempt once, when it ends: the last progress and every line in one entry', () => {
    const { job, writes } = fakeJob();
    const { clock, advance, pending } = manualClock();
    const reporter = new JobReporter(job, clock);

    for (let n = 1; n <= 3; n++) {
      advance(10);
      applied(reporter, n, 3);
    }
    expect(writes).toEqual([]);

    reporter.flush();
    expect(writes).toEqual(['progress {"applied":3,"total":3}', 'log statement 1 of 3 applied\nstatement 2 of 3 applied\nstatement 3 of 3 applied']);
    expect(pending()).toBe(0);
  });

  it('writes a long attempt within a second of each change, at most once a second', () => {
    const { job, writes } = fakeJob();
    const { clock, advance } = manualClock();
    const reporter = new JobReporter(job, clock);

    advance(10);
    applied(reporter, 1, 3); // quick: waits for its second
    advance(REPORT_EVERY_MS - 10); // statement 2 is still running
    expect(writes).toEqual(['progress {"applied":1,"total":3}', 'log statement 1 of 3 applied']);

    advance(5000);
    applied(reporter, 2, 3); // over a second since the last write: written at once
    expect(writes.slice(2)).toEqual(['progress {"applied":2,"total":3}', 'log statement 2 of 3 applied']);

    advance(10);
    applied(reporter, 3, 3);
    reporter.flush(); // the attempt ends
    expect(writes.slice(4)).toEqual(['progress {"applied":3,"total":3}', 'log statement 3 of 3 applied']);
  });

  it('ignores a failed write', async () => {
    const reporter = new JobReporter({ updateProgress: () => Promise.reject(new Error('Redis is down')), log: () => Promise.reject(new Error('Redis is down')) });
    applied(reporter, 1, 1);

    expect(() => reporter.flush()).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve)); // an unhandled rejection would fail the test run
  });
});
