// ranNoTests (src/integrate/no-tests.ts): a check whose test runner says it ran no tests is
// not green. Where the runner was at hand the output below was captured from it (node 20,
// vitest 4, pytest 9, cargo, python 3.11's unittest); jest, mocha, go test and python 3.12's
// unittest were not installed, and their outputs follow their sources and documentation.
// node --test also runs for real, on an empty test file and on one with a test.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ranNoTests } from '../../src/integrate/no-tests.js';
import { runBounded } from '../../src/util/process.js';
import { tempDir } from '../helpers/git.js';

const NODE20_EMPTY_FILE_TAP = `TAP version 13
# Subtest: /tmp/tmp.fKav49nLUB/empty.test.mjs
ok 1 - /tmp/tmp.fKav49nLUB/empty.test.mjs
  ---
  duration_ms: 232.571046
  ...
1..1
# tests 1
# suites 0
# pass 1
# fail 0
# cancelled 0
# skipped 0
# todo 0
# duration_ms 242.335906
`;

const NODE20_EMPTY_FILE_SPEC = `✔ /tmp/tmp.fKav49nLUB/empty.test.mjs (170.192106ms)
ℹ tests 1
ℹ suites 0
ℹ pass 1
ℹ fail 0
ℹ cancelled 0
ℹ skipped 0
ℹ todo 0
ℹ duration_ms 180.911823
`;

/** An empty file beside one with two tests: the empty one counts as a test, the other's two are listed. */
const NODE20_MIXED_TAP = `TAP version 13
# Subtest: /tmp/t/empty.test.mjs
ok 1 - /tmp/t/empty.test.mjs
  ---
  duration_ms: 185.972483
  ...
# Subtest: a
ok 2 - a
  ---
  duration_ms: 1.79926
  ...
# Subtest: b
ok 3 - b
  ---
  duration_ms: 0.186757
  ...
1..3
# tests 3
# suites 0
# pass 3
# fail 0
# cancelled 0
# skipped 0
# todo 0
# duration_ms 394.521033
`;

const NODE_NO_FILES = `TAP version 13
1..0
# tests 0
# suites 0
# pass 0
# fail 0
# cancelled 0
# skipped 0
# todo 0
# duration_ms 13.745297
`;

const NODE_ALL_SKIPPED = `TAP version 13
# Subtest: a
ok 1 - a # SKIP
  ---
  duration_ms: 1.662537
  ...
1..1
# tests 1
# suites 0
# pass 0
# fail 0
# cancelled 0
# skipped 1
# todo 0
# duration_ms 197.522252
`;

// vitest colours its output even into a pipe.
const VITEST_NO_FILES = `
\x1b[1m\x1b[30m\x1b[46m RUN \x1b[49m\x1b[39m\x1b[22m \x1b[36mv4.1.12 \x1b[39m\x1b[90m/tmp/tmp.dqkpvBrAMH\x1b[39m

\x1b[31mNo test files found, exiting with code 1
\x1b[39m
\x1b[2minclude: \x1b[22m\x1b[33m**/*.{test,spec}.?(c|m)[jt]s?(x)\x1b[39m
\x1b[2mexclude:  \x1b[22m\x1b[33m**/node_modules/**\x1b[2m, \x1b[22m**/.git/**\x1b[39m
`;

const VITEST_RAN = `
 RUN  v4.1.12 /home/u/proj

 ✓ test/sum.test.ts (2 tests) 3ms

 Test Files  1 passed (1)
      Tests  2 passed (2)
   Start at  14:06:23
   Duration  297ms (transform 20ms, setup 0ms, import 30ms, tests 3ms, environment 0ms)
`;

const VITEST_ALL_SKIPPED = `
 ↓ test/sum.test.ts (2 tests | 2 skipped)

 Test Files  1 skipped (1)
      Tests  2 skipped (2)
   Start at  14:06:23
   Duration  250ms
`;

const JEST_NONE = `No tests found, exiting with code 1
Run with \`--passWithNoTests\` to exit with code 0
In /home/u/proj
  4 files checked.
  testMatch: **/__tests__/**/*.[jt]s?(x), **/?(*.)+(spec|test).[tj]s?(x) - 0 matches
  testPathIgnorePatterns: /node_modules/ - 4 matches
  testRegex:  - 0 matches
Pattern:  - 0 matches
`;

const JEST_RAN = `PASS src/sum.test.js
  ✓ adds 1 + 2 to equal 3 (2 ms)

Test Suites: 1 passed, 1 total
Tests:       1 passed, 1 total
Snapshots:   0 total
Time:        0.512 s
Ran all test suites.
`;

const PYTEST_NONE = `============================= test session starts ==============================
platform linux -- Python 3.11.7, pytest-9.0.3, pluggy-1.6.0
rootdir: /tmp/tmp.0Gr3ad2Zy5
collected 0 items

============================ no tests ran in 2.07s =============================
`;

const PYTEST_RAN = `============================= test session starts ==============================
platform linux -- Python 3.11.7, pytest-9.0.3, pluggy-1.6.0
rootdir: /home/u/proj
collected 3 items

tests/test_sum.py ...                                                    [100%]

============================== 3 passed in 0.02s ===============================
`;

const MOCHA_NONE = `

  0 passing (1ms)

`;

const MOCHA_RAN = `

  Array
    #indexOf()
      ✔ should return -1 when the value is not present


  1 passing (3ms)

`;

const GO_NONE = `?   \texample.com/hello\t[no test files]
?   \texample.com/hello/util\t[no test files]
`;

const GO_RAN = `ok  \texample.com/hello\t0.002s
?   \texample.com/hello/util\t[no test files]
`;

const UNITTEST_NONE_311 = `
----------------------------------------------------------------------
Ran 0 tests in 0.000s

OK
`;

const UNITTEST_NONE_312 = `
----------------------------------------------------------------------
Ran 0 tests in 0.000s

NO TESTS RAN
`;

const UNITTEST_RAN = `..
----------------------------------------------------------------------
Ran 2 tests in 0.001s

OK
`;

const CARGO_NONE = `   Compiling nt v0.1.0 (/tmp/tmp.rzwJgPzxKZ/nt)
    Finished \`test\` profile [unoptimized + debuginfo] target(s) in 1.06s
     Running unittests src/lib.rs (target/debug/deps/nt-6de426e2b0dd1ecb)

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

   Doc-tests nt

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

`;

const CARGO_RAN = `     Running unittests src/lib.rs (target/debug/deps/nt-6de426e2b0dd1ecb)

running 2 tests
test tests::a ... ok
test tests::b ... ok

test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

   Doc-tests nt

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

`;

describe('ranNoTests', () => {
  it('node --test: an empty test file (Node 20 counts the file itself as one passing test), no test file, every test skipped', () => {
    expect(ranNoTests(NODE20_EMPTY_FILE_TAP, 0)).toMatch(/node --test found no test in its test file/);
    expect(ranNoTests(NODE20_EMPTY_FILE_SPEC, 0)).toMatch(/node --test found no test in its test file/);
    expect(ranNoTests(NODE_NO_FILES, 0)).toMatch(/node --test found no test \(tests 0\)/);
    expect(ranNoTests(NODE_NO_FILES.replaceAll('# ', 'ℹ '), 0)).toMatch(/tests 0/);
    expect(ranNoTests(NODE_ALL_SKIPPED, 0)).toMatch(/skipped every test/);
    // The empty file does not hide the other file's two tests.
    expect(ranNoTests(NODE20_MIXED_TAP, 0)).toBeUndefined();
  });

  it('node --test, for real: an empty test file is found out, a file with a test is not', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.test.mjs'), '');
    writeFileSync(join(dir, 'one.test.mjs'), "import test from 'node:test';\ntest('adds', () => {});\n");
    for (const reporter of ['tap', 'spec']) {
      const empty = await runBounded([process.execPath, '--test', `--test-reporter=${reporter}`, 'empty.test.mjs'], { cwd: dir, timeoutMs: 60_000 });
      expect(empty.exitCode).toBe(0);
      expect(ranNoTests(empty.output, empty.exitCode), `${reporter}:\n${empty.output}`).toMatch(/node --test found no test/);
      const one = await runBounded([process.execPath, '--test', `--test-reporter=${reporter}`, 'one.test.mjs'], { cwd: dir, timeoutMs: 60_000 });
      expect(one.exitCode).toBe(0);
      expect(ranNoTests(one.output, one.exitCode), `${reporter}:\n${one.output}`).toBeUndefined();
    }
  });

  it('vitest: no test files (coloured), every test skipped; not a run with tests', () => {
    expect(ranNoTests(VITEST_NO_FILES, 1)).toBe('vitest found no test files');
    expect(ranNoTests(VITEST_NO_FILES.replace('code 1', 'code 0'), 0)).toBe('vitest found no test files');
    expect(ranNoTests(VITEST_ALL_SKIPPED, 0)).toMatch(/vitest skipped every test \(2 skipped \(2\)\)/);
    expect(ranNoTests(VITEST_RAN, 0)).toBeUndefined();
  });

  it('jest: no tests found; not a run with tests', () => {
    expect(ranNoTests(JEST_NONE, 1)).toBe('jest found no tests');
    expect(ranNoTests(JEST_NONE.replace('code 1', 'code 0'), 0)).toBe('jest found no tests');
    expect(ranNoTests(JEST_RAN, 0)).toBeUndefined();
  });

  it('pytest: exit code 5 and "no tests ran", every test skipped; not a run with tests', () => {
    expect(ranNoTests(PYTEST_NONE, 5)).toBe('pytest ran no tests (exit code 5)');
    expect(ranNoTests('\nno tests ran in 0.73s\n', 5)).toBe('pytest ran no tests (exit code 5)');
    expect(ranNoTests('s                                                                        [100%]\n1 skipped in 0.90s\n', 0)).toBe('pytest ran no test (1 skipped)');
    expect(ranNoTests(PYTEST_RAN, 0)).toBeUndefined();
  });

  it('mocha: 0 passing, no test files; not a run with tests', () => {
    expect(ranNoTests(MOCHA_NONE, 0)).toBe('mocha ran no tests (0 passing)');
    expect(ranNoTests('Error: No test files found: "test"\n', 1)).toBe('mocha found no test files');
    expect(ranNoTests(MOCHA_RAN, 0)).toBeUndefined();
  });

  it('go test: no test files in any package; not when one package ran tests', () => {
    expect(ranNoTests(GO_NONE, 0)).toMatch(/go test found no tests \(its 2 packages have none to run\)/);
    expect(ranNoTests('ok  \texample.com/hello\t0.003s [no tests to run]\n', 0)).toMatch(/go test found no tests/);
    expect(ranNoTests(GO_RAN, 0)).toBeUndefined();
  });

  it('python unittest: Ran 0 tests (3.11: OK, exit 0; 3.12: NO TESTS RAN, exit 5); not a run with tests', () => {
    expect(ranNoTests(UNITTEST_NONE_311, 0)).toBe('unittest ran 0 tests');
    expect(ranNoTests(UNITTEST_NONE_312, 5)).toBe('unittest ran 0 tests');
    expect(ranNoTests(UNITTEST_RAN, 0)).toBeUndefined();
    expect(ranNoTests(UNITTEST_RAN.replace('OK', 'OK (skipped=2)'), 0)).toMatch(/unittest skipped every test/);
  });

  it('cargo test: running 0 tests in every binary; not when one binary ran tests, nor from a truncated output', () => {
    expect(ranNoTests(CARGO_NONE, 0)).toMatch(/cargo test ran no test in any of its 2 test binaries/);
    expect(ranNoTests(CARGO_RAN, 0)).toBeUndefined();
    // Only the doc-tests' "0 passed" survived the truncation: the binary that ran tests may be cut off.
    expect(ranNoTests(CARGO_NONE, 0, { truncated: true })).toBeUndefined();
  });

  it('says nothing when any runner in the output ran tests, or when no runner is recognised', () => {
    // A command running two suites: the second had tests.
    expect(ranNoTests(MOCHA_NONE + UNITTEST_RAN, 0)).toBeUndefined();
    // A test whose own output has another runner's words in it.
    expect(ranNoTests(`No tests found, exiting with code 1\n${JEST_RAN}`, 0)).toBeUndefined();
    expect(ranNoTests('built dist/ in 2s\n', 0)).toBeUndefined();
    expect(ranNoTests('', 0)).toBeUndefined();
  });
});
