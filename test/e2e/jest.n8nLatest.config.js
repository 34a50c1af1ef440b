/**
 * The real-n8n suites that say whether a new n8n still runs the package, on the newest n8n 2.x when
 * `npm run n8n:refresh-latest` last ran (N8N_LATEST_VERSION in testing/n8nRuntime.ts, pinned by
 * scripts/n8n-runtime-latest/): the shipped sample workflows, the credential tests and the fault matrix, with the
 * secret scan over what they produced. Not queue mode, the editor's Kingdee features or the browser test: those run on
 * 2.40.7 (jest.config.js), and a second run of them would cost CI ~8 minutes (CONTRIBUTING.md#the-n8n-versions-we-test).
 * Run with `npm run test:e2e:n8n-latest` (part of `npm test`).
 */
const base = require('./jest.config');

module.exports = {
	...base,
	displayName: 'n8n latest 2.x',
	testMatch: [
		'**/sampleWorkflows.test.ts',
		'**/credentialTests.test.ts',
		'**/faultMatrix.test.ts',
		'**/secretScan.test.ts',
	],
	setupFiles: ['<rootDir>/test/e2e/n8nLatestEnv.js'],
};
