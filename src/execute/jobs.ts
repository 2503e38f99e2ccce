// The runner's own long work that must not stall the loop: a task's checks in its checkout,
// and the merge queue's candidate (serialised: one at a time). Each is a promise the loop
// starts and looks at on every pass; its result is applied by the pass that finds it settled.
// Nothing here is durable: a runner that stops leaves the task `verifying` or `integrating`,
// and the next one starts the work again (checks are re-run; a candidate published before the
// stop is recognised as merged).

export interface Job<T> {
  readonly task: string;
  readonly runId: string;
  readonly startedAt: number;
  /** What it is doing now, for the board (the check running). */
  line: string | undefined;
  outcome: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown } | undefined;
}

export class Jobs<V, Q> {
  readonly verifying = new Map<string, Job<V>>();
  queue: Job<Q> | undefined;
  /** When the queue had to wait (the user's checkout of the base): not before `until`, and how long it waited last. */
  queueWait: { readonly until: number; readonly delay: number } | undefined;
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];
  /** Work nobody waits for a result of (a merged task's files being deleted): only for its end, before the runner exits. */
  private readonly behind = new Set<Promise<void>>();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get busy(): boolean {
    return this.verifying.size > 0 || this.queue !== undefined;
  }

  startVerify(task: string, runId: string, work: (job: Job<V>) => Promise<V>): void {
    this.verifying.set(task, this.start(task, runId, work));
  }

  startQueue(task: string, runId: string, work: (job: Job<Q>) => Promise<Q>): void {
    this.queue = this.start(task, runId, work);
  }

  /** Resolves when any job settles (or at once if one has settled and was not taken yet). */
  settled(): Promise<void> {
    if (this.all().some((j) => j.outcome !== undefined)) return Promise.resolve();
    return this.nextFinish();
  }

  private nextFinish(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops the checks under way (Ctrl-C): their tasks are taken up again by the next runner. */
  abort(): void {
    this.controller.abort(new Error('the runner is stopping'));
  }

  /** Lets `work` run on its own; `idle()` waits for it. It must not reject. */
  background(work: Promise<void>): void {
    this.behind.add(work);
    void work.finally(() => this.behind.delete(work));
  }

  /** Resolves when every background work has ended. */
  async idle(): Promise<void> {
    while (this.behind.size > 0) await Promise.all(this.behind);
  }

  /** Waits for every job to settle, whatever their outcome. */
  async drain(): Promise<void> {
    while (this.all().some((j) => j.outcome === undefined)) await this.nextFinish();
  }

  private all(): Job<unknown>[] {
    return [...this.verifying.values(), ...(this.queue === undefined ? [] : [this.queue])];
  }

  private start<T>(task: string, runId: string, work: (job: Job<T>) => Promise<T>): Job<T> {
    const job: Job<T> = { task, runId, startedAt: Date.now(), line: undefined, outcome: undefined };
    const finish = (outcome: NonNullable<Job<T>['outcome']>): void => {
      job.outcome = outcome;
      const waiting = this.waiters;
      this.waiters = [];
      for (const wake of waiting) wake();
    };
    work(job).then(
      (value) => {
        finish({ ok: true, value });
      },
      (error: unknown) => {
        finish({ ok: false, error });
      },
    );
    return job;
  }
}
