/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * The layer rule (eslint.layers.config.mjs, ARCHITECTURE.md#layers) fails the lint when a pure module imports n8n,
 * a layer above it, or the other service. Each case lints one violating import placed in a guarded folder, through
 * ESLint's own API with the real config, and checks the rule reports it; the real tree must pass.
 *
 * ESLint loads its config with a dynamic `import()`, which jest's module sandbox refuses (it would need
 * --experimental-vm-modules), so one plain Node process runs ESLint's API for all cases and hands back the results.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { ESLint } from 'eslint';

const ROOT = join(__dirname, '..', '..');
const GUARDED_FOLDERS = ['nodes/common', 'nodes/Jikeyun/protocol', 'nodes/Kingdee/protocol'] as const;
type GuardedFolder = (typeof GUARDED_FOLDERS)[number];

/** From a module directly inside each guarded folder, the relative path to the `nodes/` folder. */
const TO_NODES: Record<GuardedFolder, string> = {
	'nodes/common': '..',
	'nodes/Jikeyun/protocol': '../..',
	'nodes/Kingdee/protocol': '../..',
};

/** Imports forbidden in every guarded folder: n8n and every layer above the pure ones. */
function forbiddenEverywhere(folder: GuardedFolder): string[] {
	const nodes = TO_NODES[folder];
	return [
		`import { NodeOperationError } from 'n8n-workflow';`,
		`import type { IExecuteFunctions } from 'n8n-workflow';`,
		`import type { IDataObject } from 'n8n-workflow/dist/Interfaces';`,
		`import { runOperation } from '${nodes}/shared/operation';`,
		`import { description } from '${nodes}/Kingdee/actions/save.operation';`,
		`import { description } from '${nodes}/Jikeyun/actions/api/callMethod.operation';`,
		`import { loadOptions } from '${nodes}/Kingdee/methods/loadOptions';`,
		`import { mapKingdeeError } from '${nodes}/Kingdee/helpers/errors';`,
		`import { mapJikeyunError } from '${nodes}/Jikeyun/helpers/errors';`,
		`import { createKingdeeSessionPool } from '${nodes}/Kingdee/transport';`,
		`import { createJikeyunClient } from '${nodes}/Jikeyun/transport';`,
		`import { Kingdee } from '${nodes}/Kingdee/Kingdee.node';`,
		`import { JikeyunTrigger } from '${nodes}/Jikeyun/JikeyunTrigger.node';`,
		`import { KingdeeApi } from '${nodes}/../credentials/KingdeeApi.credentials';`,
		`export { JikeyunApi } from '${nodes}/../credentials/JikeyunApi.credentials';`,
	];
}

/** Imports of the other service's (or, from common, either service's) modules. */
const FORBIDDEN_SERVICE_IMPORTS: Record<GuardedFolder, string[]> = {
	'nodes/common': [
		`import { signJikeyunParameters } from '../Jikeyun/protocol/sign';`,
		`import type { KingdeeSession } from '../Kingdee/protocol/session';`,
	],
	'nodes/Jikeyun/protocol': [
		`import { parseKingdeeResponse } from '../../Kingdee/protocol/responses';`,
		`export * from '../../Kingdee/protocol/services';`,
	],
	'nodes/Kingdee/protocol': [
		`import { parseJikeyunResponse } from '../../Jikeyun/protocol/response';`,
		`import type { JikeyunClient } from '../../Jikeyun/protocol/client';`,
	],
};

/** Imports each guarded folder may make. */
const ALLOWED: Record<GuardedFolder, string[]> = {
	'nodes/common': [`import { createHash } from 'crypto';`, `import { withRetry } from './retry';`],
	'nodes/Jikeyun/protocol': [
		`import { createHash } from 'node:crypto';`,
		`import { withRetry } from '../../common/retry';`,
		`import { parseJikeyunResponse } from './response';`,
	],
	'nodes/Kingdee/protocol': [
		`import { withRetry } from '../../common/retry';`,
		`import type { KingdeeSession } from './session';`,
	],
};

interface Probe {
	folder: GuardedFolder;
	code: string;
}

/** Lints each probe as a new module in its folder, and the real `nodes/` tree, with ESLint's API in plain Node. */
const LINT_SCRIPT = `
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
const probes = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({ cwd: process.cwd(), overrideConfigFile: 'eslint.layers.config.mjs' });
const probeResults = [];
for (const probe of probes) {
	const [result] = await eslint.lintText(probe.code + '\\nexport const probe = 1;\\n', {
		filePath: join(process.cwd(), probe.folder, 'layerProbe.ts'),
	});
	probeResults.push(result);
}
const treeResults = await eslint.lintFiles(['nodes']);
process.stdout.write(JSON.stringify({ probeResults, treeResults }));
`;

const PROBES: Probe[] = GUARDED_FOLDERS.flatMap((folder) =>
	[...forbiddenEverywhere(folder), ...FORBIDDEN_SERVICE_IMPORTS[folder], ...ALLOWED[folder]].map((code) => ({
		folder,
		code,
	})),
);

let probeResults: ESLint.LintResult[];
let treeResults: ESLint.LintResult[];

beforeAll(async () => {
	const child = promisify(execFile)(process.execPath, ['--input-type=module', '-e', LINT_SCRIPT], {
		cwd: ROOT,
		maxBuffer: 64 * 1024 * 1024,
	});
	child.child.stdin?.end(JSON.stringify(PROBES));
	({ probeResults, treeResults } = JSON.parse((await child).stdout));
}, 180_000);

/** The layer rule's messages for `code` placed as a new module in `folder`. */
function layerMessages(folder: GuardedFolder, code: string): string[] {
	const index = PROBES.findIndex((probe) => probe.folder === folder && probe.code === code);
	const result = probeResults[index];
	expect(result.messages.filter((message) => message.fatal)).toEqual([]);
	return result.messages
		.filter((message) => message.ruleId === 'no-restricted-imports')
		.map((message) => message.message);
}

describe.each(GUARDED_FOLDERS)('the layer rule in %s', (folder) => {
	it.each([...forbiddenEverywhere(folder), ...FORBIDDEN_SERVICE_IMPORTS[folder]])('refuses %s', (code) => {
		const messages = layerMessages(folder, code);
		expect(messages).toHaveLength(1);
		expect(messages[0]).toContain(`${folder}/**/*.ts is a pure layer`);
		expect(messages[0]).toContain('it may import only Node built-ins');
		expect(messages[0]).toContain('ARCHITECTURE.md#layers');
	});

	it.each(ALLOWED[folder])('allows %s', (code) => {
		expect(layerMessages(folder, code)).toEqual([]);
	});
});

describe('the layer rule on the real tree', () => {
	it('lints every module of the pure folders and finds no violation', () => {
		const linted = treeResults.map((result) => result.filePath.slice(ROOT.length + 1)).sort();
		// Only the pure folders are guarded; everything in them is linted.
		for (const folder of GUARDED_FOLDERS) expect(linted.some((path) => path.startsWith(`${folder}/`))).toBe(true);
		expect(linted.filter((path) => !GUARDED_FOLDERS.some((folder) => path.startsWith(`${folder}/`)))).toEqual([]);
		expect(
			treeResults.flatMap((result) => result.messages.map((message) => `${result.filePath}: ${message.message}`)),
		).toEqual([]);
	});
});
