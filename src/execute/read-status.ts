// `status --workstream execution`, read-only: no lock, nothing written. The plan is read from
// the base, the tasks' states from the store opened read-only (none yet: every task pending).
import { openDefinitions } from '../definitions/open.js';
import { withStoreReadOnly } from '../runner/store-open.js';
import { EXECUTION, executionWorkstream } from '../workstream/execution.js';
import { planAtBase } from './plan-at-base.js';
import { executionStatus, type ExecutionStatusView } from './status.js';

export async function readExecutionStatus(cwd: string): Promise<ExecutionStatusView> {
  const defs = await openDefinitions(cwd, 'view', { saveCache: false });
  const { plan, blob } = await planAtBase(defs.repo.root, defs.config.base);
  const exec = executionWorkstream(plan, blob, defs.config);
  const rows = withStoreReadOnly(defs.state.db, (store) => store?.tasks(EXECUTION) ?? []);
  return executionStatus(exec, rows, defs.config.base);
}
