// A v2 task for test plans: its own module and test file, one check that runs the test.
export const task = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  title: `Task ${id}`,
  depends_on: [],
  writes: [`src/${id}.js`],
  checks: [{ argv: ['node', '--test', `test/${id}.test.js`] }],
  ...extra,
});
