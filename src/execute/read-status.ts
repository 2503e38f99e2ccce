// `status --workstream execution`, read-only: no lock, nothing written. The plan is read from
// the base, the tasks' states from the store opened read-only (none yet: every task pending).
import { withStoreReadOnly } from '../runner/store-open.js';
import { EXECUTION } from '../workstream/execution.js';
import { executionAtBase } from './view-at-base.js';
import { executionStatus, type ExecutionStatusView } from './status.js';

export async function readExecutionStatus(cwd: string): Promise<ExecutionStatusView> {
  const { defs, exec } = await executionAtBase(cwd);
  const rows = withStoreReadOnly(defs.state.db, (store) => store?.tasks(EXECUTION) ?? []);
  return executionStatus(exec, rows, defs.config.base);
}
