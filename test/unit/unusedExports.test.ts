/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * The unused-export check of `npm run lint` (knip.jsonc): its entry files are the package's n8n entry files, and its
 * list of known unused exports hides exactly the names listed and reports the entries that went stale.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Issue, IssueRecords, ReporterOptions } from 'knip';
import * as ts from 'typescript';

import {
	applyKnownUnusedExports,
	knownUnusedExportsOf,
	STALE_ENTRY_NOTE,
	type KnownUnusedExports,
} from '../../testing/knownUnusedExports';

const ROOT = join(__dirname, '..', '..');

interface KnipConfig {
	entry: string[];
	preprocessor: string;
	preprocessorOptions: { ignore: KnownUnusedExports };
}

function knipConfig(): KnipConfig {
	const parsed = ts.parseConfigFileTextToJson('knip.jsonc', readFileSync(join(ROOT, 'knip.jsonc'), 'utf8'));
	if (parsed.error) throw new Error(ts.flattenDiagnosticMessageText(parsed.error.messageText, '\n'));
	return parsed.config as KnipConfig;
}

describe('knip.jsonc', () => {
	it("enters through exactly the package's n8n entry files (package.json n8n, as sources)", () => {
		const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
			n8n: { nodes: string[]; credentials: string[] };
		};
		const sources = [...manifest.n8n.nodes, ...manifest.n8n.credentials]
			.map((path) => path.replace(/^dist\//, '').replace(/\.js$/, '.ts'))
			.sort();
		const packageEntries = knipConfig()
			.entry.filter((entry) => /^(nodes|credentials)\//.test(entry))
			.sort();
		expect(packageEntries).toEqual(sources);
	});

	it('runs the known-unused-exports preprocessor with a list of names per file', () => {
		const config = knipConfig();
		expect(config.preprocessor).toBe('./testing/knownUnusedExports.ts');
		const ignore = knownUnusedExportsOf(JSON.stringify(config.preprocessorOptions));
		expect(Object.keys(ignore).length).toBeGreaterThan(0);
		for (const [path, names] of Object.entries(ignore)) {
			expect(path).toMatch(/^(nodes|credentials)\/.+\.ts$/);
			expect(names.length).toBeGreaterThan(0);
		}
	});
});

const CWD = '/repo';

function issue(type: 'exports' | 'types', path: string, symbol: string): Issue {
	return { type, filePath: `${CWD}/${path}`, workspace: '.', symbol, fixes: [] };
}

function records(...issues: Issue[]): IssueRecords {
	const out: IssueRecords = {};
	for (const entry of issues) out[entry.filePath] = { ...out[entry.filePath], [entry.symbol]: entry };
	return out;
}

/** knip's results as the preprocessor receives them, with only unused exports and types filled in. */
function knipResults(exports: Issue[], types: Issue[]): ReporterOptions {
	const empty = {} as IssueRecords;
	const issues = {
		files: empty,
		dependencies: empty,
		devDependencies: empty,
		optionalPeerDependencies: empty,
		unlisted: empty,
		binaries: empty,
		unresolved: empty,
		exports: records(...exports),
		types: records(...types),
		nsExports: empty,
		nsTypes: empty,
		duplicates: empty,
		enumMembers: empty,
		namespaceMembers: empty,
		catalog: empty,
		catalogReferences: empty,
		cycles: empty,
	};
	const counters = { exports: exports.length, types: types.length, processed: 9, total: 9 };
	return { issues, counters, cwd: CWD, preprocessorOptions: '' } as unknown as ReporterOptions;
}

const symbolsOf = (byFile: IssueRecords) =>
	Object.entries(byFile).flatMap(([file, byName]) => Object.keys(byName).map((name) => `${file}: ${name}`));

describe('applyKnownUnusedExports', () => {
	const results = knipResults(
		[issue('exports', 'nodes/a.ts', 'listedHelper'), issue('exports', 'nodes/a.ts', 'newHelper')],
		[issue('types', 'nodes/b.ts', 'ListedType')],
	);

	it('drops the listed names and keeps every other unused export, counted', () => {
		const out = applyKnownUnusedExports(results, { 'nodes/a.ts': ['listedHelper'], 'nodes/b.ts': ['ListedType'] });
		expect(symbolsOf(out.issues.exports)).toEqual(['/repo/nodes/a.ts: newHelper']);
		expect(symbolsOf(out.issues.types)).toEqual([]);
		expect(out.counters.exports).toBe(1);
		expect(out.counters.types).toBe(0);
	});

	it('matches a name only in the file it is listed for', () => {
		const out = applyKnownUnusedExports(results, {
			'nodes/a.ts': ['listedHelper', 'newHelper'],
			'nodes/b.ts': ['ListedType'],
			'nodes/c.ts': ['newHelper'],
		});
		expect(symbolsOf(out.issues.exports)).toEqual([`/repo/nodes/c.ts: newHelper (${STALE_ENTRY_NOTE})`]);
		expect(out.counters.exports).toBe(1);
	});

	it('reports a listed name knip no longer finds unused, so the check fails until the entry is deleted', () => {
		const out = applyKnownUnusedExports(results, {
			'nodes/a.ts': ['listedHelper', 'newHelper', 'removedHelper'],
			'nodes/b.ts': ['ListedType'],
		});
		expect(symbolsOf(out.issues.exports)).toEqual([`/repo/nodes/a.ts: removedHelper (${STALE_ENTRY_NOTE})`]);
		expect(out.counters.exports).toBe(1);
	});

	it('passes when every unused export is listed and every listed name is unused', () => {
		const out = applyKnownUnusedExports(results, {
			'nodes/a.ts': ['listedHelper', 'newHelper'],
			'nodes/b.ts': ['ListedType'],
		});
		expect(out.counters.exports + out.counters.types).toBe(0);
	});

	it('reads the list from the JSON text knip hands over, and an absent list as none', () => {
		expect(knownUnusedExportsOf('{"ignore":{"nodes/a.ts":["x"]}}')).toEqual({ 'nodes/a.ts': ['x'] });
		expect(knownUnusedExportsOf('')).toEqual({});
	});
});
