// The fast tier: unit tests (`*.spec.ts`) only — services against in-memory fakes, no PostgreSQL, Redis or devnet.
import base from './jest.config.mjs';

export default {
  ...base,
  testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'],
  testTimeout: 10_000,
};
