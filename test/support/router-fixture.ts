/** A Decider over a config (YAML text or the built-in default) with the shipped router model. */
import { Catalog } from '../../services/shared/catalog.js';
import { loadConfig, parseConfig, PACKAGE_ROOT } from '../../services/shared/config/load-config.js';
import { Decider } from '../../services/router/decide/decide.js';
import { ModelStore } from '../../services/router/model/model-store.js';
import { RoutingState } from '../../services/router/state/routing-state.js';
import { createLogger } from '../../services/shared/log.js';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

export const silentLog = createLogger('test', { SWITCHYARD_LOG_LEVEL: 'error' }, () => {});

export interface RouterFixture {
  decider: Decider;
  catalog: Catalog;
  state: RoutingState;
  models: ModelStore;
}

/** The built-in default config, as an object a test can change and turn back into YAML. */
export function defaultConfigObject(): Record<string, any> {
  return parse(readFileSync(resolve(PACKAGE_ROOT, 'config/switchyard.default.yaml'), 'utf8'));
}

export async function routerFixture(
  opts: { config?: Record<string, any>; env?: NodeJS.ProcessEnv; wasm?: boolean } = {},
): Promise<RouterFixture> {
  const config = opts.config ? parseConfig(stringify(opts.config), 'test config') : loadConfig().config;
  const catalog = new Catalog(config, opts.env ?? {});
  const state = new RoutingState(catalog);
  const models = await ModelStore.open({
    file: resolve(PACKAGE_ROOT, config.router.model_file),
    catalog,
    wasm: opts.wasm ?? true,
    log: silentLog,
  });
  return { decider: new Decider({ config, catalog, scoring: models, status: state.current }), catalog, state, models };
}
