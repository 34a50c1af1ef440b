/**
 * The real-n8n end-to-end suite (`npm run test:e2e`): runs the packed package inside n8n 2.40.7 from the per-machine
 * cache (scripts/ensure-n8n.ts); jest.n8n1x.config.js runs the main suites again on n8n 1.x. One worker, long timeouts: each `n8n execute` costs seconds of start-up and the suite
 * drives several of them against the emulators. The global setup opens the run's transcript (everything n8n printed,
 * logged or stored, and every secret used); the sequencer runs the secret scan over it last.
 */
module.exports = {
	displayName: 'n8n 2.x',
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
	globalSetup: '<rootDir>/test/e2e/transcriptSetup.js',
	globalTeardown: '<rootDir>/test/e2e/transcriptTeardown.js',
	testSequencer: '<rootDir>/test/e2e/secretScanLastSequencer.js',
	testTimeout: 30 * 60 * 1000,
	maxWorkers: 1,
	verbose: true,
};
