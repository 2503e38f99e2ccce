// Typed lint: strict-type-checked rules need the TypeScript compiler API, which is why the
// project builds with TypeScript 5.9 rather than the native TypeScript 7 compiler.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'scripts/', 'bench/', 'eslint.config.js', 'test/helpers/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      // A focused test must never land: it silently skips the rest of the suite.
      'no-restricted-properties': [
        'error',
        { object: 'describe', property: 'only', message: 'Remove .only before committing.' },
        { object: 'it', property: 'only', message: 'Remove .only before committing.' },
        { object: 'test', property: 'only', message: 'Remove .only before committing.' },
      ],
      // The core never prints or exits; only src/cli may (checked per folder below).
      'no-console': 'error',
    },
  },
  {
    files: ['src/cli/**', 'src/dispatch/wrapper.ts', 'src/scripted-agent/**', 'test/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['src/**'],
    ignores: ['src/cli/**', 'src/dispatch/wrapper.ts', 'src/scripted-agent/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Only the CLI layer exits.' },
        { object: 'process', property: 'stdout', message: 'Only the CLI layer prints.' },
        { object: 'process', property: 'stderr', message: 'Only the CLI layer prints.' },
      ],
    },
  },
);
