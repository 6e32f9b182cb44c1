// Three test projects: fast unit tests beside the code, integration tests against the real
// Docker engine, and end-to-end tests in real Chromium against a real server (sequential:
// this machine has 2 cores, and the labs are real containers).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One test file at a time across all projects: integration and e2e files each start real
    // environments, and two of them at once would overload 2 cores.
    maxWorkers: 1,
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/integration/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 1_200_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/e2e/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 1_200_000,
        },
      },
    ],
  },
});
