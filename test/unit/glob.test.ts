import { describe, expect, it } from 'vitest';
import { checkRelativePattern, globToRegExp, matcherFor, staticPrefix } from '../../src/util/glob.js';

const matches = (glob: string, path: string): boolean => globToRegExp(glob).test(path);

describe('globs', () => {
  it('keeps * and ? inside one path segment', () => {
    expect(matches('planning/adr/*.md', 'planning/adr/0001-x.md')).toBe(true);
    expect(matches('planning/adr/*.md', 'planning/adr/sub/0001-x.md')).toBe(false);
    expect(matches('planning/adr/*.md', 'planning/adr/0001.txt')).toBe(false);
    expect(matches('T-00?.md', 'T-001.md')).toBe(true);
    expect(matches('T-00?.md', 'T-00/.md')).toBe(false);
  });

  it('lets ** span zero or more segments', () => {
    expect(matches('docs/**/*.md', 'docs/a.md')).toBe(true);
    expect(matches('docs/**/*.md', 'docs/x/y/a.md')).toBe(true);
    expect(matches('docs/**', 'docs/x/y/a.md')).toBe(true);
    expect(matches('docs/**/*.md', 'other/a.md')).toBe(false);
  });

  it('supports alternation and character classes, and treats regex characters literally', () => {
    expect(matches('planning/{milestones,epics}.md', 'planning/epics.md')).toBe(true);
    expect(matches('planning/{milestones,epics}.md', 'planning/tasks.md')).toBe(false);
    expect(matches('T-[0-9].md', 'T-7.md')).toBe(true);
    expect(matches('T-[!0-9].md', 'T-7.md')).toBe(false);
    expect(matches('a+b(c).md', 'a+b(c).md')).toBe(true);
    expect(matches('planning/tasks.json', 'planning/tasksXjson')).toBe(false);
  });

  it('finds the directory a walk starts from', () => {
    expect(staticPrefix('planning/adr/*.md')).toBe('planning/adr');
    expect(staticPrefix('planning/architecture.md')).toBe('planning');
    expect(staticPrefix('*.md')).toBe('');
    expect(staticPrefix('docs/**/x.md')).toBe('docs');
  });

  it('matches any of several globs', () => {
    const m = matcherFor(['planning/tasks.json', 'planning/tasks/*.md']);
    expect(m('planning/tasks/T-1.md')).toBe(true);
    expect(m('planning/other.md')).toBe(false);
  });

  it('rejects patterns that could leave the repository', () => {
    expect(checkRelativePattern('planning/x.md')).toBeUndefined();
    expect(checkRelativePattern('/etc/passwd')).toMatch(/absolute/);
    expect(checkRelativePattern('../x')).toMatch(/\.\./);
    expect(checkRelativePattern('a/../../x')).toMatch(/\.\./);
    expect(checkRelativePattern('.git/config')).toMatch(/\.git/);
    expect(checkRelativePattern('a\\b')).toMatch(/forward/);
    expect(checkRelativePattern('a\nb')).toMatch(/control/);
    expect(checkRelativePattern('')).toMatch(/empty/);
  });
});
