// The refs the runner itself moves while agents work (a task's branch at dispatch and commit,
// the base when a merge is published, a kept attempt's ref): recorded into the fingerprints of
// the agents at work, so that the runner's own move is not taken for theirs (containment.ts).
import { absorbRunnerRefMoves } from '../runner/runner-ref-moves.js';
import type { Execution } from './context.js';

export interface RefMove {
  readonly ref: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

export function absorbRefMoves(x: Execution, moves: readonly RefMove[]): void {
  absorbRunnerRefMoves(x, moves.filter((m) => m.from !== m.to));
}
