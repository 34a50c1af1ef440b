/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * Import rules between the folders outside the package (ARCHITECTURE.md#layers):
 * - `scripts/` and `test/` share their harness through `testing/` and never import each other;
 * - the emulators verify signatures and timestamps with their own code, so a signing bug in the package fails the
 *   tests instead of being copied into the emulator (ARCHITECTURE.md#tests).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SOURCE_FILE = /\.(ts|js|mjs|cjs)$/;

/** Every module specifier a source text names: static and dynamic imports, `export … from`, `require(…)`. */
export function moduleSpecifiers(source: string): string[] {
	const patterns = [
		/\b(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
		/\bimport\s*['"]([^'"]+)['"]/g,
		/\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
	];
	return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]));
}

function sourceFilesUnder(dir: string): string[] {
	const out: string[] = [];
	for (const entry of readdirSync(join(ROOT, dir))) {
		if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
		const path = posix.join(dir, entry);
		if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFilesUnder(path));
		else if (SOURCE_FILE.test(entry)) out.push(path);
	}
	return out;
}

interface ImportEdge {
	from: string;
	/** The imported module as a repository path (no extension added), e.g. `testing/n8nInstance`. */
	to: string;
}

/** The repository-internal imports of every source file under `dir` (package imports are left out). */
function importsUnder(dir: string): ImportEdge[] {
	return sourceFilesUnder(dir).flatMap((from) =>
		moduleSpecifiers(readFileSync(join(ROOT, from), 'utf8'))
			.filter((specifier) => specifier.startsWith('.'))
			.map((specifier) => ({
				from,
				to: relative(ROOT, join(ROOT, dirname(from), specifier))
					.split(sep)
					.join('/'),
			})),
	);
}

function violations(dir: string, forbidden: RegExp): string[] {
	return importsUnder(dir)
		.filter((edge) => forbidden.test(edge.to))
		.map((edge) => `${edge.from} imports ${edge.to}`);
}

describe('moduleSpecifiers (the scan itself)', () => {
	it('finds multi-line, type-only, side-effect, dynamic and require imports', () => {
		const source = [
			"import {\n\ta,\n\tb,\n} from '../testing/n8nInstance';",
			"import type { C } from './c';",
			"export { d } from '../d';",
			"import '../side-effect';",
			"const e = require('../../elsewhere/e');",
			"const f = await import('./f');",
			"import * as fs from 'node:fs';",
		].join('\n');
		expect(moduleSpecifiers(source).sort()).toEqual(
			['../../elsewhere/e', '../d', '../side-effect', '../testing/n8nInstance', './c', './f', 'node:fs'].sort(),
		);
	});

	it('sees the imports these folders make today', () => {
		expect(importsUnder('scripts').filter((edge) => edge.to.startsWith('testing/')).length).toBeGreaterThan(5);
		expect(importsUnder('test').filter((edge) => edge.to.startsWith('testing/')).length).toBeGreaterThan(10);
	});
});

describe('scripts/ and test/ share testing/, never each other', () => {
	it('nothing under test/ imports scripts/', () => {
		expect(violations('test', /^scripts(\/|$)/)).toEqual([]);
	});

	it('nothing under scripts/ imports test/', () => {
		expect(violations('scripts', /^test(\/|$)/)).toEqual([]);
	});

	it('nothing under testing/ imports scripts/ or test/', () => {
		expect(violations('testing', /^(scripts|test)(\/|$)/)).toEqual([]);
	});
});

describe('the emulators verify with their own code', () => {
	it("nothing under emulators/ imports the package's signing or timestamp modules", () => {
		expect(violations('emulators', /^nodes\/.*\/protocol\/(sign|signing|timestamp)[^/]*$/)).toEqual([]);
	});

	it('the emulators carry their own signature code (the scan sees it)', () => {
		const targets = importsUnder('emulators').map((edge) => edge.to);
		expect(targets).toEqual(expect.arrayContaining(['emulators/jikeyun/signature', 'emulators/kingdee/signatures']));
	});
});
