/**
 * A call its client cancelled is settled after its RPC has ended, so the server's drain does not
 * wait for it: closing the tenancy waits for the settles under way, so a shutdown does not leave
 * a finished call's reservation held until it expires.
 */
import { stringify } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { Tenancy } from '../../services/router/tenancy/tenancy.js';
import type { Tenant } from '../../services/router/tenancy/tenant.js';
import { Catalog } from '../../services/shared/catalog.js';
import { parseConfig } from '../../services/shared/config/load-config.js';
import type { ExecutorClient, InvokeEvent } from '../../services/shared/contracts/invoke.js';
import { silentLog } from '../support/router-fixture.js';
import { tenancyConfig } from './support.js';

describe('tenancy - closing waits for the settles under way', () => {
  it('close resolves only after a cancelled stream\'s settle has been written', async () => {
    const config = parseConfig(stringify(tenancyConfig('http://127.0.0.1:9/v1', { acme: { keys: [{ env: 'SWITCHYARD_KEY_ACME' }], budget: { daily_usd: 10 } } })), 'settles');
    const catalog = new Catalog(config, {});
    const tenancy = new Tenancy({ config, catalog, env: { SWITCHYARD_KEY_ACME: 'k' }, log: silentLog });
    const tenant: Tenant = { id: 'acme', models: null, policies: null, regions: null, dailyUsd: 10 };
    let release: () => void = () => undefined;
    const written = vi.fn();
    const settle = tenancy.ledger.settle.bind(tenancy.ledger);
    vi.spyOn(tenancy.ledger, 'settle').mockImplementation(async (hold, actual) => {
      await new Promise<void>((r) => (release = r));
      await settle(hold, actual);
      written();
    });
    const base: ExecutorClient = {
      invoke: () => Promise.reject(new Error('not used')),
      async *invokeStream(): AsyncGenerator<InvokeEvent> {
        yield { type: 'start', deployment: 'd' };
        yield { type: 'text-delta', text: 'Paris' };
      },
    };
    const meter = tenancy.executorFor(tenant, base);
    const input = { model: 'eu-model', request: { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }], maxOutputTokens: 20 }, allowedRegions: [], decisionId: 'd1', step: 'primary' };
    const stream = meter.invokeStream(input, new AbortController().signal) as AsyncGenerator<InvokeEvent>;
    await stream.next();
    // The client leaves: the stream is closed while its settle waits on the store.
    const left = stream.return(undefined);
    await new Promise((r) => setImmediate(r));
    let closed = false;
    const closing = tenancy.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    expect(written).not.toHaveBeenCalled();
    release();
    await Promise.all([left, closing]);
    expect(written).toHaveBeenCalled();
    expect(closed).toBe(true);
  });
});
