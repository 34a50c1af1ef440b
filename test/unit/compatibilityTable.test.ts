/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * The README's Compatibility table lists exactly what `npm test` runs: one row per pinned n8n (testing/n8nRuntime.ts)
 * naming the e2e suites of that version's jest config. A new suite, version or config change without the README fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { N8N_1X_VERSION, N8N_LATEST_VERSION, N8N_VERSION } from '../../testing/n8nRuntime';

const ROOT = join(__dirname, '..', '..');
const E2E = join(ROOT, 'test', 'e2e');

/** How the README names each e2e file. */
const SUITE_NAMES: Record<string, string> = {
	'sampleWorkflows.test.ts': 'sample workflows',
	'ordersSample.test.ts': 'orders sample',
	'batchSaveTruth.test.ts': 'Batch Save edge cases',
	'credentialTests.test.ts': 'credential tests',
	'faultMatrix.test.ts': 'fault matrix',
	'queueMode.test.ts': 'queue mode',
	'kingdeeEditor.test.ts': 'Kingdee editor',
	'editorBrowser.test.ts': 'editor in a browser',
	'errorShape.test.ts': 'error shape in stop mode',
	'secretScan.test.ts': 'secret scan',
};

function suitesOfConfig(config: string): string[] {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { testMatch } = require(join(E2E, config)) as { testMatch: string[] };
	const files = readdirSync(E2E).filter((file) => file.endsWith('.test.ts'));
	const matched = files.filter((file) => testMatch.some((glob) => glob === '**/*.test.ts' || glob === `**/${file}`));
	return matched.map((file) => SUITE_NAMES[file] ?? `(no README name for ${file})`).sort();
}

function compatibilityRows(): Map<string, string[]> {
	const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
	const section = readme.split('\n## Compatibility\n')[1].split('\n## ')[0];
	const rows = new Map<string, string[]>();
	for (const line of section.split('\n').filter((l) => /^\| \d/.test(l))) {
		const [version, , suites] = line
			.split('|')
			.slice(1)
			.map((cell) => cell.trim());
		const named = Object.values(SUITE_NAMES).filter((name) => suites.includes(name));
		rows.set(version.split(' ')[0], named.sort());
	}
	return rows;
}

describe("README's Compatibility table", () => {
	const rows = compatibilityRows();

	it('has one row per pinned n8n version, in the order npm test runs them', () => {
		expect([...rows.keys()]).toEqual([N8N_VERSION, N8N_LATEST_VERSION, N8N_1X_VERSION]);
	});

	it.each([
		['jest.config.js', N8N_VERSION],
		['jest.n8nLatest.config.js', N8N_LATEST_VERSION],
		['jest.n8n1x.config.js', N8N_1X_VERSION],
	])('names the suites of %s on n8n %s', (config, version) => {
		expect(rows.get(version)).toEqual(suitesOfConfig(config));
	});
});
