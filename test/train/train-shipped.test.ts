import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRouterModel } from '../../services/router/model/router-model-file.js';
import { repoPath } from '../../services/train/repo-root.js';
import { SHIPPED_MODEL, trainShipped } from '../../services/train/train-shipped.js';

describe('shipped model - reproducible from the committed data', () => {
  it('trainShipped rewrites models/router-model.syrm byte for byte', { timeout: 300_000 }, async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'shipped-')), 'router-model.syrm');
    await trainShipped(out);
    const rebuilt = await readFile(out);
    const committed = await readFile(repoPath(SHIPPED_MODEL));
    expect(rebuilt.equals(committed)).toBe(true);
    const model = decodeRouterModel(new Uint8Array(committed));
    expect(model.header.profiles).toHaveLength(31);
    expect(model.header.profiles.map((p) => p.id)).toContain('gpt-4o-2024-05-13');
  });
});
