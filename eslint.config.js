import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.venv/**',
      'examples/**/.meltano/**',
      'test/fixtures/**',
      'eslint.config.js',
      // Git-ignored folders of installed tools and run output (.gitignore): not ours to lint. Airflow's
      // virtualenv (npm run bench -- airflow) holds thousands of .js files.
      '.bench/**',
      '.cluster/**',
      '.cache/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      // Type-aware rules: a promise nobody awaits is a bug we want to see.
      parserOptions: { project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'child_process', 'os', 'crypto', '../src/*', '../activities/*'],
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // One responsibility per module: a file past this has grown a second one; split it into a folder.
    files: ['src/**/*.ts', 'activities/**/*.ts', 'workflows/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    // Commands parse, call a service under src/ and print: what talks to Temporal lives in src/temporal/.
    files: ['src/cli/**/*.ts'],
    rules: {
      // A command file that grows past this holds logic that belongs in a service.
      'max-lines': ['error', { max: 150 }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@temporalio/*'],
              message: 'src/cli calls services under src/, not the Temporal SDK: put this in src/temporal/',
            },
          ],
        },
      ],
    },
  },
);
