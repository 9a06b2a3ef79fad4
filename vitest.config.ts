import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One worker runs the files one after another and keeps its module cache between them:
    // re-importing the services (gRPC, OpenTelemetry, the SDKs) for each of 200 files cost
    // about 3 times the CPU of the tests themselves. Tests therefore leave no process-wide
    // state behind (servers closed, timers real, env restored).
    isolate: false,
    globalSetup: ['test/setup/build-wasm.ts', 'test/setup/build-descriptors.ts'],
  },
});
