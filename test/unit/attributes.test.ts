// Which filter git stores a path through (src/git/attributes.ts), asked of real git.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storedThroughFilters } from '../../src/git/attributes.js';
import { emptyRepo, git } from '../helpers/git.js';

describe('storedThroughFilters', () => {
  it('names a filter only where the attribute names a driver with a clean or process command', async () => {
    const repo = emptyRepo();
    writeFileSync(join(repo, '.gitattributes'), '*.md filter=fmt\n*.txt filter=undefined-driver\n*.bin filter\n');
    writeFileSync(join(repo, '.git', 'info', 'attributes'), 'planning/tasks.json filter=Lfs.v2\n');
    git(repo, 'config', 'filter.fmt.clean', 'cat');
    git(repo, 'config', 'filter.Lfs.v2.process', 'cat');
    git(repo, 'config', 'filter.undefined-driver.smudge', 'cat');
    const paths = ['docs/a.md', 'notes.txt', 'x.bin', 'planning/tasks.json', 'other.json', 'name with\nnewline.md'];
    expect(await storedThroughFilters(repo, paths)).toEqual(
      new Map([
        ['docs/a.md', 'fmt'],
        ['planning/tasks.json', 'Lfs.v2'],
        ['name with\nnewline.md', 'fmt'],
      ]),
    );
    expect(await storedThroughFilters(repo, [])).toEqual(new Map());
  });
});
