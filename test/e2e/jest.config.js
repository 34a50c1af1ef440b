/**
 * The real-n8n end-to-end suite (`npm run test:e2e`): runs the packed package inside n8n 2.40.7 from the per-machine
 * cache (scripts/ensure-n8n.ts). One worker, long timeouts: each `n8n execute` costs seconds of start-up and the suite
 * drives several of them against the emulators.
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
	testTimeout: 30 * 60 * 1000,
	maxWorkers: 1,
	verbose: true,
};
