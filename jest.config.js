/** Jest runs the TypeScript sources directly through SWC; type checking is `npm run typecheck`. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// The real-n8n end-to-end suite has its own config (npm run test:e2e).
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
	testTimeout: 60000,
	// Integration suites start emulators on loopback; two workers suit the 2-core machines.
	maxWorkers: 2,
};
