/** At most `limit` callers of `run` at once; the others wait their turn, first come first served. */
export class Turns {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The turn passes straight to the next waiter, so `running` counts it still.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
