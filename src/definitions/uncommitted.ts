// The verbs that act follow the base branch's committed definitions (open.ts). A checkout
// whose config, phase overrides or INTENT.md differ from them would be silently ignored, so
// those verbs refuse instead, naming the files and the commit that would make them count.
import { git, splitNul } from '../git/exec.js';
import { currentBranch } from '../git/repo.js';
import { fail } from '../failures.js';
import { CONFIG_PATH, OVERRIDES_PATH } from '../paths.js';
import type { Definitions } from './open.js';

/** Fails with definitions-uncommitted when the checkout's definitions differ from the base's. */
export async function assertDefinitionsCommitted(defs: Definitions): Promise<void> {
  const { repo, governing, config } = defs;
  if (!repo.worktree || governing.commit === null) return;
  const paths = [CONFIG_PATH, OVERRIDES_PATH, config.intent];
  const options = { cwd: repo.root, env: { GIT_LITERAL_PATHSPECS: '1' } };
  // Tracked files changed, staged or deleted, against the base's commit (whatever HEAD is);
  // then files git does not track at all, ignored ones included: the loader would not see them.
  const [changed, untracked] = await Promise.all([
    git(['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', governing.commit, '--', ...paths], options),
    git(['ls-files', '--others', '-z', '--full-name', '--', ...paths], options),
  ]);
  const matters = (path: string): boolean => path === CONFIG_PATH || path === config.intent || isOverride(path);
  const files = [...new Set([...splitNul(changed.stdout), ...splitNul(untracked.stdout)])].filter(matters).sort();
  if (files.length === 0) return;
  fail({ reason: 'definitions-uncommitted', base: governing.base, files, branch: await currentBranch(repo.root) });
}

function isOverride(path: string): boolean {
  const name = path.startsWith(`${OVERRIDES_PATH}/`) ? path.slice(OVERRIDES_PATH.length + 1) : '';
  return name.endsWith('.json') && !name.includes('/');
}
