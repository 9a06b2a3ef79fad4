#!/usr/bin/env node
// The `switchyard` command. Runs the compiled CLI (make build compiles it to dist/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist/services/cli/main.js');
if (!existsSync(main)) {
  process.stderr.write(`switchyard: ${main} is missing; run \`make build\` in ${root} first\n`);
  process.exit(2);
}
const { main: run } = await import(main);
process.exitCode = await run(process.argv.slice(2));
