import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { statePaths, worktreesDir } from '../../src/paths.js';

describe('worktreesDir', () => {
  const common = '/home/u/src/shop/.git';

  it('puts worktrees under ~/.local/state by default, named after the repository', () => {
    const dir = worktreesDir(common, {});
    expect(dir).toMatch(new RegExp(`^${join(homedir(), '.local/state/phaserunner/worktrees/shop-')}[0-9a-f]{12}$`));
  });

  it('follows an absolute XDG_STATE_HOME and ignores a relative one, as the XDG spec says', () => {
    expect(worktreesDir(common, { XDG_STATE_HOME: '/xdg' })).toMatch(/^\/xdg\/phaserunner\/worktrees\/shop-[0-9a-f]{12}$/);
    expect(worktreesDir(common, { XDG_STATE_HOME: 'rel' })).toBe(worktreesDir(common, {}));
  });

  it('prefers PHASERUNNER_WORKTREES_DIR over everything', () => {
    expect(worktreesDir(common, { XDG_STATE_HOME: '/xdg', PHASERUNNER_WORKTREES_DIR: '/wt' })).toMatch(/^\/wt\/shop-[0-9a-f]{12}$/);
  });

  it('keeps two repositories of the same name apart, and is stable for one', () => {
    const other = '/home/u/old/shop/.git';
    expect(worktreesDir(common, {})).not.toBe(worktreesDir(other, {}));
    expect(worktreesDir(common, {})).toBe(worktreesDir(common, {}));
  });

  it('names a bare repository without .git, and makes odd names safe', () => {
    expect(worktreesDir('/srv/repos/shop.git', { PHASERUNNER_WORKTREES_DIR: '/wt' })).toMatch(/^\/wt\/shop-/);
    expect(worktreesDir('/srv/my repo/.git', { PHASERUNNER_WORKTREES_DIR: '/wt' })).toMatch(/^\/wt\/my_repo-/);
  });

  it('is never under the git common dir, where the rest of the state lives', () => {
    const state = statePaths(common, {});
    expect(state.db.startsWith(common)).toBe(true);
    expect(state.worktrees.startsWith(common)).toBe(false);
  });
});
