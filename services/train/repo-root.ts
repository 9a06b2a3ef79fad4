/**
 * Paths relative to the repository (package) root, from the sources and from the build alike,
 * so that default paths such as models/router-model.syrm do not depend on the working directory.
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../shared/config/load-config.js';

export function repoRoot(): string {
  return PACKAGE_ROOT;
}

/** A path relative to the repository root. */
export function repoPath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
