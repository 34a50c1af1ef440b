/**
 * The main real-n8n suites once more, on the newest n8n 1.x (N8N_1X_VERSION in scripts/lib/n8nRuntime.ts, pinned by
 * scripts/n8n-runtime-1x/): the shipped sample workflows and the credential tests, then the secret scan over what
 * this run produced. The version reaches ensureN8n through JIKEYUN_KINGDEE_N8N_VERSION, set in every test file's
 * environment by n8n1xEnv.js. Run with `npm run test:e2e:n8n1x` (part of `npm test`).
 */
const base = require('./jest.config');

module.exports = {
	...base,
	displayName: 'n8n 1.x',
	testMatch: ['**/sampleWorkflows.test.ts', '**/credentialTests.test.ts', '**/secretScan.test.ts'],
	setupFiles: ['<rootDir>/test/e2e/n8n1xEnv.js'],
};
