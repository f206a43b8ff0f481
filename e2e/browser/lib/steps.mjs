// Steps of a browser test that build on each other: after one fails, the
// rest are skipped (they would fail for its reason), and onFailure leaves
// what explains it (screenshots, the server's log).
import { it } from 'node:test';

/** steps answers the step function of one test file. */
export function steps(onFailure) {
  let failed = '';
  return function step(name, fn) {
    it(name, async (t) => {
      if (failed) {
        t.skip(`needs the failed step "${failed}"`);
        return;
      }
      try {
        await fn(t);
      } catch (err) {
        failed = name;
        await onFailure().catch(() => {});
        throw err;
      }
    });
  };
}
