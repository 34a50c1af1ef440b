/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, no-console */
/**
 * `npx tsx scripts/ensure-n8n.ts [--n8n <version> | latest | 1.x]` — installs the real n8n used by the end-to-end
 * tests and the demo into a per-machine cache outside the repo (see testing/n8nRuntime.ts). Prints where it is; does
 * nothing when already installed. Without --n8n: JIKEYUN_KINGDEE_N8N_VERSION, else 2.40.7. `latest` is the newest 2.x
 * pinned by scripts/n8n-runtime-latest/ (refreshed by `npm run n8n:refresh-latest`); for it, this also asks the
 * registry whether a newer 2.x has appeared since and says so (it never changes the pin by itself: a test run must
 * not change what it tests).
 *
 * `--background 2.40.7,latest,1.x` (the second step of `npm test`): starts installing, one after the other in a
 * detached process, the listed versions not yet in the cache, and returns at once. A cold machine then installs n8n
 * while lint, build and the unit tests run (and the later versions while the first e2e suite runs) instead of
 * before each e2e step; each e2e step's own `ensure-n8n` waits for the install lock and says so every 15 s.
 * The detached process writes to <cache root>/background-install.log (`--sequence <list>` is what it runs).
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	N8N_LATEST_SKIPPED,
	N8N_LATEST_VERSION,
	N8N_VERSION_ENV_VAR,
	ensureN8n,
	n8nCacheRoot,
	n8nRuntimeInstalled,
	resolveN8nVersionAlias,
} from '../testing/n8nRuntime';
import { compareVersions, newestStable } from '../testing/n8nVersions';

const USAGE =
	'usage: npx tsx scripts/ensure-n8n.ts [--n8n <version> | --n8n latest | --n8n 1.x | --background <versions, comma-separated>]';
const [flag, value] = process.argv.slice(2);
if (flag !== undefined && (!['--n8n', '--background', '--sequence'].includes(flag) || !value)) {
	console.error(USAGE);
	process.exit(2);
}
if (flag === '--n8n') process.env[N8N_VERSION_ENV_VAR] = resolveN8nVersionAlias(value);
const listed = flag === '--n8n' || !value ? [] : value.split(',').map((v) => resolveN8nVersionAlias(v.trim()));

/** Starts `--sequence` of the versions not installed yet in a detached process; prints what it started. */
function installInBackground(versions: string[]): void {
	const missing = versions.filter((version) => !n8nRuntimeInstalled(version));
	if (missing.length === 0) {
		console.log(`[ensure-n8n] n8n ${versions.join(', ')} already installed`);
		return;
	}
	const cacheRoot = n8nCacheRoot();
	fs.mkdirSync(cacheRoot, { recursive: true });
	const logFile = path.join(cacheRoot, 'background-install.log');
	const out = fs.openSync(logFile, 'a');
	// The same Node with tsx's loader flags (process.execArgv) runs this file again.
	const child = spawn(process.execPath, [...process.execArgv, __filename, '--sequence', missing.join(',')], {
		detached: true,
		stdio: ['ignore', out, out],
		env: process.env,
	});
	child.unref();
	fs.closeSync(out);
	console.log(
		`[ensure-n8n] installing n8n ${missing.join(', ')} in the background (pid ${child.pid}; log ${logFile}); ` +
			'each e2e step waits for its n8n',
	);
}

async function installInSequence(versions: string[]): Promise<void> {
	for (const n8nVersion of versions) {
		console.log(`[ensure-n8n] ${new Date().toISOString()} n8n ${n8nVersion}`);
		await ensureN8n({ n8nVersion });
	}
	console.log(`[ensure-n8n] ${new Date().toISOString()} done`);
}

/** The registry's newest stable 2.x the refresh did not skip, or undefined when the registry does not answer in 20 s. */
async function registryNewest2x(): Promise<string | undefined> {
	return await new Promise((resolve) => {
		execFile(
			'npm',
			['view', 'n8n', 'versions', '--json'],
			{ timeout: 20_000, shell: process.platform === 'win32' },
			(error, stdout) => {
				try {
					const versions = (JSON.parse(stdout) as string[]).filter((v) => !(v in N8N_LATEST_SKIPPED));
					resolve(error ? undefined : newestStable(versions, 2));
				} catch {
					resolve(undefined);
				}
			},
		);
	});
}

async function main(): Promise<void> {
	if (flag === '--background') return installInBackground(listed);
	if (flag === '--sequence') return await installInSequence(listed);
	const runtime = await ensureN8n();
	console.log(`[ensure-n8n] node: ${runtime.node24}`);
	console.log(`[ensure-n8n] n8n ${runtime.n8nVersion}: ${runtime.n8nBin}`);
	if (runtime.n8nVersion !== N8N_LATEST_VERSION) return;
	const newest = await registryNewest2x();
	if (newest === undefined) console.log('[ensure-n8n] could not ask the registry for a newer n8n 2.x (not checked)');
	else if (compareVersions(newest, N8N_LATEST_VERSION) > 0)
		console.log(
			`[ensure-n8n] NOTE: the registry now offers n8n ${newest} (tests pin ${N8N_LATEST_VERSION}); ` +
				'run `npm run n8n:refresh-latest` and commit scripts/n8n-runtime-latest/ to test it',
		);
	else
		console.log(
			`[ensure-n8n] n8n ${N8N_LATEST_VERSION} is still the newest 2.x in the registry` +
				Object.entries(N8N_LATEST_SKIPPED)
					.map(([version, why]) => ` (${version} skipped: ${why})`)
					.join(''),
		);
}

main().catch((error: Error) => {
	console.error(`[ensure-n8n] FAILED: ${error.message}`);
	process.exit(1);
});
