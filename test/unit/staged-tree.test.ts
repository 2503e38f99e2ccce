// The runner's view of a staged tree for the beforeAdvance gate (src/runner/staged-tree.ts),
// on a real repository: regular files only (no symlinks, no submodules), whole texts of large
// files, non-UTF-8 bytes decoded as a checkout's are, and a glob's files read in order in
// rounds.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTree } from '../../src/runner/staged-tree.js';
import { emptyRepo, git } from '../helpers/git.js';

describe('readTree', () => {
  it('reads a tree as a gate reads a checkout, from what git stores', async () => {
    const repo = emptyRepo();
    mkdirSync(join(repo, 'docs', 'many'), { recursive: true });
    writeFileSync(join(repo, 'docs', 'a.md'), '# A\n');
    symlinkSync('a.md', join(repo, 'docs', 'link.md'));
    writeFileSync(join(repo, 'docs', 'latin1.md'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const large = `${'x'.repeat(80)}\n`.repeat(40_000) + '## End\n';
    writeFileSync(join(repo, 'docs', 'large.md'), large);
    // More files than are read in one round.
    for (let i = 0; i < 150; i++) writeFileSync(join(repo, 'docs', 'many', `${String(i).padStart(3, '0')}.md`), `# ${i}\n`);
    git(repo, 'add', '-A');
    // A submodule's entry: a commit id, not a file.
    git(repo, 'update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},docs/sub.md`);
    const tree = git(repo, 'write-tree');

    const reading = readTree(repo, tree);
    try {
      const { files } = reading;
      expect(await files.list('docs/*.md')).toEqual(['docs/a.md', 'docs/large.md', 'docs/latin1.md']);
      expect(await files.list('docs/link.md')).toEqual([]);
      expect(await files.read('docs/link.md')).toBeUndefined();
      expect(await files.list('docs/sub.md')).toEqual([]);
      expect(await files.read('docs/sub.md')).toBeUndefined();
      expect(await files.read('docs/missing.md')).toBeUndefined();
      expect(await files.read('docs/large.md')).toBe(large);
      expect(await files.read('docs/latin1.md')).toBe('caf\uFFFD\n');

      const many = await files.list('docs/many/*.md');
      expect(many).toHaveLength(150);
      const texts: (string | undefined)[] = [];
      for (const path of many) texts.push(await files.read(path));
      expect(texts).toEqual(many.map((_, i) => `# ${i}\n`));
      // Out of order, and after another listing, still each file's own text.
      expect(await files.read('docs/many/007.md')).toBe('# 7\n');
      expect(await files.list('docs/a.md')).toEqual(['docs/a.md']);
      expect(await files.read('docs/many/149.md')).toBe('# 149\n');
      expect(await files.read('docs/a.md')).toBe('# A\n');
    } finally {
      await reading.close();
    }
  });
});
