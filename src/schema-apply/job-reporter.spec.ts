import { JobReporter, REPORT_EVERY_MS } from './job-reporter.js';

function fakeJob() {
  const writes: string[] = [];
  return {
    writes,
    job: {
      updateProgress: async (p: unknown) => void writes.push(`progress ${JSON.stringify(p)}`),
      log: async (row: string) => {
        writes.push(`log ${row}`);
        return 1;
      },
    },
  };
}

describe('JobReporter', () => {
  it('writes a quick attempt once, when it ends: the last progress and every line in one entry', () => {
    const { job, writes } = fakeJob();
    let now = 0;
    const reporter = new JobReporter(job, () => now);

    for (let n = 1; n <= 3; n++) {
      now += 10;
      reporter.log(`statement ${n} of 3 applied`);
      reporter.progress({ applied: n, total: 3 });
    }
    expect(writes).toEqual([]);

    reporter.flush();
    expect(writes).toEqual(['progress {"applied":3,"total":3}', 'log statement 1 of 3 applied\nstatement 2 of 3 applied\nstatement 3 of 3 applied']);
  });

  it('writes a long attempt as it goes: after each statement that ends a second or more after the last write', () => {
    const { job, writes } = fakeJob();
    let now = 0;
    const reporter = new JobReporter(job, () => now);

    now = REPORT_EVERY_MS; // statement 1 took a second
    reporter.log('statement 1 of 3 applied');
    reporter.progress({ applied: 1, total: 3 });
    now += 5; // statement 2 was quick
    reporter.log('statement 2 of 3 applied');
    reporter.progress({ applied: 2, total: 3 });
    expect(writes).toEqual(['progress {"applied":1,"total":3}', 'log statement 1 of 3 applied']);

    now += REPORT_EVERY_MS; // statement 3 took another second
    reporter.log('statement 3 of 3 applied');
    reporter.progress({ applied: 3, total: 3 });
    reporter.flush(); // the attempt ends: nothing is left to write

    expect(writes).toEqual([
      'progress {"applied":1,"total":3}',
      'log statement 1 of 3 applied',
      'progress {"applied":3,"total":3}',
      'log statement 2 of 3 applied\nstatement 3 of 3 applied',
    ]);
  });

  it('ignores a failed write', async () => {
    const reporter = new JobReporter({ updateProgress: () => Promise.reject(new Error('Redis is down')), log: () => Promise.reject(new Error('Redis is down')) });
    reporter.log('statement 1 of 1 applied');
    reporter.progress({ applied: 1, total: 1 });

    expect(() => reporter.flush()).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve)); // an unhandled rejection would fail the test run
  });
});
