// ESLint (flat config): the recommended JavaScript and TypeScript rules and
// React's hooks rules. The rules of hooks and exhaustive dependencies are
// errors. Two React Compiler checks of eslint-plugin-react-hooks 7 stay
// warnings for now: set-state-in-effect flags every "load data in an
// effect" (the app has no query cache yet, see DESIGN.md) and refs flags the
// "latest callback in a ref" idiom; both are shown by npm test, neither fails it.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  reactHooks.configs.flat.recommended,
  {
    // The service worker runs in its own global scope.
    files: ['public/sw.js'],
    languageOptions: {
      globals: { self: 'readonly', clients: 'readonly', URL: 'readonly', fetch: 'readonly', console: 'readonly' },
    },
  },
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'react-hooks/set-state-in-effect': 'warn',
      'react-hooks/refs': 'warn',
    },
  },
);
