/**
 * The repository root: the nearest folder above this module that holds package.json. Works
 * from the sources (services/train/) and from the build (dist/services/train/) alike, so
 * default paths such as models/router-model.syrm do not depend on the working directory.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (no package.json above this module)');
    dir = up;
  }
}

/** A path relative to the repository root. */
export function repoPath(...parts: string[]): string {
  return join(repoRoot(), ...parts);
}
