/**
 * A full garbage collection on demand, for tests that show an object is let go (a WeakRef to it
 * is cleared): V8's `gc` made available at run time, without starting node with --expose-gc.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Lets the current task end (a WeakRef's target is kept until then), then collects fully.
 */
export async function collectGarbage(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
}
