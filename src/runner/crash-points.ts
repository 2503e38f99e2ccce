// Named points between the runner's effects, where a test can kill it (kill -9 at exactly
// that moment) to prove that the next run reconciles from what git and the store say and
// does every effect exactly once. The core only names the points; what happens at one is a
// hook the CLI installs, and only when a test asks for it (PHASERUNNER_TEST_CRASH_AT).

export const CRASH_POINTS = [
  'lock:acquired',
  'dispatch:checkout-cleared',
  'dispatch:worktree-added',
  'dispatch:gate-recorded',
  'dispatch:prompt-written',
  'dispatch:run-recorded',
  'dispatch:spec-written',
  'dispatch:wrapper-launched',
  'dispatch:pid-recorded',
  'collect:launch-retired',
  'dispatch:pid-cleared',
  'collect:exit-recorded',
  'containment:recorded',
  'verdict:tree-staged',
  'collect:judged',
  'commit:intent-recorded',
  'commit:ref-moved',
  'commit:step-recorded',
  'merge:commit-created',
  'merge:published',
  'finalize:recorded',
  'finalize:worktree-removed',
  'conflict:snapshot-kept',
  'conflict:recorded',
  'approval:awaiting-recorded',
  'fail:snapshot-kept',
  'fail:recorded',
  'approve:recorded',
  'reject:recorded',
  'retry:recorded',
  'doctor:moved-aside',
  'rebuild:recorded',
  'replan:recorded',
  'acknowledge:recorded',
  'record:commit-made',
  'record:published',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

let hook: ((point: CrashPoint) => void) | undefined;

/** Installs what happens at each point (the CLI's test hook); undefined removes it. */
export function onCrashPoint(fn: ((point: CrashPoint) => void) | undefined): void {
  hook = fn;
}

/** Marks a point between two effects. */
export function crashPoint(point: CrashPoint): void {
  hook?.(point);
}
