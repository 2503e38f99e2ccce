// "A check that ran no tests does not count as green when the project's test runner can
// tell" (issue 17). A test command that found no test files, or whose tests were all skipped,
// exits 0 with most runners: the merge queue would then publish a tree nothing tested. Each
// runner's own summary says so; this reads it.
//
// Every runner below gives evidence both ways: that no test ran, or that some did (looked for
// first). A check is said to have run no tests only when some runner says so and none says
// tests ran, so a command that runs two suites (or prints another runner's words in a test's
// output) is not turned red by the one that had nothing to do.

type Evidence = { readonly ran: true } | { readonly ran: false; readonly why: string } | undefined;

interface Detector {
  /** Needs the whole output: its evidence is spread over it (one line per package or binary). */
  readonly whole?: true;
  readonly read: (lines: readonly string[], exitCode: number | null) => Evidence;
}

const RAN: Evidence = { ran: true };
const none = (why: string): Evidence => ({ ran: false, why });

/** The last match of `pattern` among `lines`, searched from the end (summaries come last). */
function last(lines: readonly string[], pattern: RegExp): RegExpExecArray | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = pattern.exec(lines[i] ?? '');
    if (match !== null) return match;
  }
  return undefined;
}

function count(match: RegExpExecArray | undefined, group = 1): number | undefined {
  const text = match?.[group];
  return text === undefined ? undefined : Number(text);
}

/**
 * node --test (TAP `# pass 2`, the spec reporter's `ℹ pass 2`). Node 22 counts no test for a
 * file that has none (`tests 0`); Node 20 counts the file itself as one passing test, named by
 * its absolute path (`ok 1 - /abs/empty.test.mjs`, `✔ /abs/empty.test.mjs (3ms)`), while a
 * file's real tests are listed under their own names and the file is not.
 */
const nodeTest: Detector = {
  read(lines) {
    const counter = (name: string): number | undefined => count(last(lines, new RegExp(`^(?:#|ℹ) ${name} (\\d+)$`)));
    const tests = counter('tests');
    const pass = counter('pass');
    const fail = counter('fail');
    if (tests === undefined || pass === undefined || fail === undefined) return undefined;
    if (tests === 0) return none('node --test found no test (tests 0)');
    if (fail > 0) return RAN;
    const files = lines.filter((l) => /^(?:ok \d+ - |✔ )\/\S*\.[cm]?[jt]sx?(?: \([\d.]+m?s\))?$/.test(l)).length;
    if (pass - files > 0) return RAN;
    if (pass === 0) return none(`node --test skipped every test (tests ${tests}, pass 0)`);
    return none(`node --test found no test in ${files === 1 ? 'its test file' : `its ${files} test files`} (each file counted as a passing test: tests ${tests})`);
  },
};

/** vitest: `No test files found, exiting with code 1`, the summary ` Tests  3 passed (3)` or ` Tests  no tests`. */
const vitest: Detector = {
  read(lines) {
    const text = last(lines, /^\s*Tests\s{2,}(.+)$/)?.[1]?.trim();
    if (text !== undefined && /\b\d+ (?:passed|failed)\b/.test(text)) return RAN;
    if (last(lines, /^No test files found, exiting with code \d+/) !== undefined) return none('vitest found no test files');
    if (text === 'no tests') return none('vitest ran no tests');
    if (text !== undefined && /^\d+ (?:skipped|todo)\b/.test(text)) return none(`vitest skipped every test (${text})`);
    return undefined;
  },
};

/** jest: `No tests found, exiting with code 1`, the summary `Tests:       3 passed, 3 total`. */
const jest: Detector = {
  read(lines) {
    const summary = last(lines, /^Tests:\s+(.+), (\d+) total$/);
    if (summary !== undefined && /\b\d+ (?:passed|failed)\b/.test(summary[1] ?? '')) return RAN;
    if (last(lines, /^No tests found, exiting with code \d+/) !== undefined) return none('jest found no tests');
    return summary === undefined ? undefined : none(`jest ran no test (${summary[0].replace(/\s+/g, ' ')})`);
  },
};

/**
 * pytest: exit code 5 and `no tests ran in 0.01s` when it collected nothing (or deselected
 * everything); exit 0 with `1 skipped in 0.90s` when every test was skipped.
 */
const pytest: Detector = {
  read(lines, exitCode) {
    const summary = last(lines, /^=*\s*((?:\d+ [a-z]+(?:, )?)+|no tests ran) in [\d.]+s(?: \([^)]*\))?\s*=*$/);
    if (summary === undefined) return undefined;
    const text = summary[1] ?? '';
    if (text === 'no tests ran') return none(`pytest ran no tests${exitCode === 5 ? ' (exit code 5)' : ''}`);
    if (/\b\d+ (?:passed|failed|errors?|xfailed|xpassed)\b/.test(text)) return RAN;
    if (/\b\d+ (?:skipped|deselected)\b/.test(text)) return none(`pytest ran no test (${text})`);
    return undefined;
  },
};

/** mocha: `  0 passing (2ms)` (pending tests did not run), or `Error: No test files found`. */
const mocha: Detector = {
  read(lines) {
    const passing = count(last(lines, /^\s*(\d+) passing \(/));
    if ((passing !== undefined && passing > 0) || last(lines, /^\s*\d+ failing$/) !== undefined) return RAN;
    if (last(lines, /^Error: No test files found/) !== undefined) return none('mocha found no test files');
    return passing === undefined ? undefined : none('mocha ran no tests (0 passing)');
  },
};

/**
 * go test: a line per package, `?   \tpkg\t[no test files]`, `ok  \tpkg\t0.01s [no tests to
 * run]`, `ok  \tpkg\t0.01s`, `FAIL\tpkg\t0.01s`: tabs exactly so (go's own format), which
 * keeps TAP's `ok 1 - name` apart.
 */
const goTest: Detector = {
  whole: true,
  read(lines) {
    let empty = 0;
    for (const l of lines) {
      if (/^(?:--- (?:PASS|FAIL): |FAIL\t\S)/.test(l)) return RAN;
      if (/^ok {2}\t\S+\t/.test(l)) {
        if (!l.endsWith('[no tests to run]')) return RAN;
        empty++;
      } else if (/^\? {3}\t\S+\t\[no test files\]$/.test(l)) empty++;
    }
    return empty > 0 ? none(`go test found no tests (${empty === 1 ? 'its package has' : `its ${empty} packages have`} none to run)`) : undefined;
  },
};

/** python -m unittest: `Ran 0 tests in 0.000s` (3.12 adds `NO TESTS RAN`, exit 5); `OK (skipped=2)` after `Ran 2 tests`. */
const unittest: Detector = {
  read(lines) {
    const ran = count(last(lines, /^Ran (\d+) tests? in [\d.]+s$/));
    if (ran === undefined) return undefined;
    if (ran === 0) return none('unittest ran 0 tests');
    const skipped = count(last(lines, /^OK \(skipped=(\d+)\)$/));
    return skipped === ran ? none(`unittest skipped every test (Ran ${ran}, skipped=${skipped})`) : RAN;
  },
};

/** cargo test: per test binary (and the doc-tests) `running 0 tests` then `test result: ok. 0 passed; 0 failed; 2 ignored; ...`. */
const cargo: Detector = {
  whole: true,
  read(lines) {
    let results = 0;
    for (const l of lines) {
      const match = /^test result: \w+\. (\d+) passed; (\d+) failed;/.exec(l);
      if (match === null) continue;
      results++;
      if (Number(match[1]) + Number(match[2]) > 0) return RAN;
    }
    return results > 0 ? none(`cargo test ran no test in ${results === 1 ? 'its test binary' : `any of its ${results} test binaries`}`) : undefined;
  },
};

const DETECTORS: readonly Detector[] = [nodeTest, vitest, jest, pytest, mocha, goTest, unittest, cargo];

/** Colours and cursor movement a runner may print even into a pipe (vitest 4 did, with TERM set). */
// eslint-disable-next-line no-control-regex -- the escape character is what is matched
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

export interface NoTestsOptions {
  /** The output is only the end of what the command printed: evidence spread over all of it cannot be read. */
  readonly truncated?: boolean;
}

/**
 * Why the test runner that printed `output` ran no tests, or undefined when it ran some or
 * the output does not tell (an unknown runner, a command that is not a test run).
 */
export function ranNoTests(output: string, exitCode: number | null, { truncated = false }: NoTestsOptions = {}): string | undefined {
  // A progress line redrawn with \r is read as its last drawing; Windows line ends as plain ones.
  const lines = output
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((l) => (l.slice(l.lastIndexOf('\r') + 1)).trimEnd());
  let why: string | undefined;
  for (const detector of DETECTORS) {
    if (truncated && detector.whole === true) continue;
    const evidence = detector.read(lines, exitCode);
    if (evidence === undefined) continue;
    if (evidence.ran) return undefined;
    why ??= evidence.why;
  }
  return why;
}
