// Unit tests import src/ through ts-jest (ESM); end-to-end tests run the built bin/xmgr.
export default {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.test.json" }],
  },
  // A hang fails a test; a slow machine must not. A test takes seconds when idle, many times that on a
  // busy 2-core machine (CI runs beside other work).
  testTimeout: 180_000,
  maxWorkers: 2,
  watchman: false,
};
