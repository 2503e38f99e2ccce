// Output globs of phase definitions: `*` and `?` stay inside one path segment, `**` spans
// segments, `{a,b}` alternates, `[...]` is a character class. Paths are repository-relative
// with forward slashes. Written here (about 60 lines) rather than taking a dependency: the
// subset is small, and the matcher must agree exactly with what phase authors read in docs.

const compiled = new Map<string, RegExp>();

/** Turns a glob into an anchored regular expression (compiled once per glob: the audit asks thousands of times). */
export function globToRegExp(glob: string): RegExp {
  let re = compiled.get(glob);
  if (re === undefined) {
    re = compileGlob(glob);
    compiled.set(glob, re);
  }
  return re;
}

function compileGlob(glob: string): RegExp {
  let re = '';
  let i = 0;
  let braces = 0;
  while (i < glob.length) {
    const c = glob.charAt(i);
    if (c === '*') {
      if (glob.charAt(i + 1) === '*') {
        const atStart = i === 0 || glob.charAt(i - 1) === '/';
        const atEnd = i + 2 === glob.length || glob.charAt(i + 2) === '/';
        if (atStart && atEnd) {
          // `**/` matches zero or more whole segments; a trailing `**` matches the rest.
          re += i + 2 === glob.length ? '.*' : '(?:[^/]+/)*';
          i += i + 2 === glob.length ? 2 : 3;
          continue;
        }
      }
      re += '[^/]*';
      i += glob.charAt(i + 1) === '*' ? 2 : 1;
    } else if (c === '?') {
      re += '[^/]';
      i++;
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        re += '\\[';
        i++;
      } else {
        let body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body}]`;
        i = close + 1;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
      i++;
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
      i++;
    } else if (c === ',' && braces > 0) {
      re += '|';
      i++;
    } else {
      re += c.replace(/[.+^$()|\\\]{}]/g, '\\$&');
      i++;
    }
  }
  return new RegExp(`^${re}$`);
}

/** True when the pattern has any glob syntax, i.e. names more than one literal path. */
export function isGlob(pattern: string): boolean {
  return /[*?[{]/.test(pattern);
}

/** The longest leading directory without glob syntax: where a file walk for this glob starts. */
export function staticPrefix(glob: string): string {
  const parts = glob.split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (isGlob(part)) break;
    fixed.push(part);
  }
  return fixed.join('/');
}

const prefixCache = new WeakMap<readonly string[], readonly string[]>();

/**
 * The globs' fixed directories, without those inside another (its listing covers them): ['']
 * when a glob starts with a wildcard (the whole tree).
 */
export function prefixesOf(globs: readonly string[]): readonly string[] {
  // A phase's outputs are one array for a whole audit: worked out once per array.
  const known = prefixCache.get(globs);
  if (known !== undefined) return known;
  const all = [...new Set(globs.map(staticPrefix))];
  const prefixes = all.filter((p) => !all.some((q) => q !== p && (q === '' || p.startsWith(`${q}/`))));
  prefixCache.set(globs, prefixes);
  return prefixes;
}

/**
 * Git pathspecs that cover every path the globs can match: their fixed directories, or none
 * (the whole tree) when a glob starts with a wildcard. Narrows git's listing; match afterwards.
 */
export function outputPathspecs(globs: readonly string[]): string[] {
  return prefixesOf(globs).filter((p) => p !== '');
}

/** A matcher for a set of globs: true when the path matches any of them. */
export function matcherFor(globs: readonly string[]): (path: string) => boolean {
  const res = globs.map(globToRegExp);
  return (path) => res.some((re) => re.test(path));
}

/**
 * Checks that a pattern is a safe repository-relative path or glob. Returns a problem or
 * undefined. Absolute paths and `..` would let a phase definition reach outside the repo.
 */
export function checkRelativePattern(pattern: string): string | undefined {
  if (pattern.length === 0) return 'must not be empty';
  if (pattern.startsWith('/')) return 'must be relative to the repository root, not absolute';
  if (pattern.includes('\\')) return 'must use forward slashes';
  if (/[\0\n\r]/.test(pattern)) return 'must not contain control characters';
  const segments = pattern.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return 'must not contain "." or ".." segments';
  if (segments.some((s) => s === '')) return 'must not contain empty segments';
  if (segments[0] === '.git') return 'must not point into .git';
  return undefined;
}
