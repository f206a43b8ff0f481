import { defineConfig } from 'vite';

// The chat widget is its own tiny build, never the agent app's bundle:
// `--mode loader` makes dist/widget.js (the <script> websites embed),
// `--mode window` makes dist/widget/window.js (the chat window it loads).
// Each is one classic script (IIFE): websites load them cross-origin with
// a plain <script> tag.
export default defineConfig(({ mode }) => {
  const loader = mode === 'loader';
  return {
    publicDir: false,
    build: {
      outDir: loader ? 'dist' : 'dist/widget',
      emptyOutDir: false,
      sourcemap: false,
      target: 'es2020',
      minify: true,
      lib: {
        entry: loader ? 'widget/loader.ts' : 'widget/window.ts',
        formats: ['iife'],
        name: loader ? 'ParleyLoader' : 'ParleyWindow',
        fileName: () => (loader ? 'widget.js' : 'window.js'),
      },
    },
  };
});
