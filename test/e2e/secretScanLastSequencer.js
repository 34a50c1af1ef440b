/**
 * Runs the secret scan after every other e2e test file (it scans what they produced); the others keep Jest's order.
 */
const Sequencer = require('@jest/test-sequencer').default;

const isSecretScan = (test) => /secretScan\.test\.ts$/.test(test.path);

class SecretScanLastSequencer extends Sequencer {
	async sort(tests) {
		const ordered = await super.sort(tests);
		return [...ordered.filter((test) => !isSecretScan(test)), ...ordered.filter(isSecretScan)];
	}
}

module.exports = SecretScanLastSequencer;
