/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, no-console */
/**
 * `npm run n8n:refresh-latest` — pins the newest n8n 2.x the npm registry offers as the third runtime of the test
 * matrix (CONTRIBUTING.md#the-n8n-versions-we-test): asks the registry for n8n's versions, writes
 * scripts/n8n-runtime-latest/package.json with the newest stable 2.x and resolves its whole dependency tree into
 * scripts/n8n-runtime-latest/package-lock.json (no install). Commit both files; the next `npm test` installs that n8n
 * into the runtime cache (testing/n8nRuntime.ts) and runs the e2e subset on it (test/e2e/jest.n8nLatest.config.js).
 *
 *   npm run n8n:refresh-latest              newest stable 2.x whose tree the registry resolves (older ones tried
 *                                           when a dependency is missing; recorded in n8nSkipped)
 *   npm run n8n:refresh-latest -- 2.41.3    a given version
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newestStable } from '../testing/n8nVersions';

const MANIFEST_DIR = path.join(__dirname, 'n8n-runtime-latest');
const NPM_SHELL = process.platform === 'win32';

function npm(args: string[], cwd: string): string {
	return execFileSync('npm', args, { cwd, encoding: 'utf8', shell: NPM_SHELL, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** How many older 2.x releases to try when the newest cannot be resolved from the registry. */
const MAX_TRIES = 5;

/** Resolves n8n@version's whole tree in `work`; returns the lock file text, or why it cannot be resolved. */
function resolveLock(version: string, work: string, skipped: Record<string, string>): string | { why: string } {
	fs.rmSync(work, { recursive: true, force: true });
	fs.mkdirSync(work, { recursive: true });
	fs.writeFileSync(path.join(work, 'package.json'), `${JSON.stringify(manifestFor(version, skipped), null, 2)}\n`);
	try {
		execFileSync(
			'npm',
			['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
			{ cwd: work, encoding: 'utf8', shell: NPM_SHELL, stdio: ['ignore', 'pipe', 'pipe'] },
		);
	} catch (error) {
		const stderr = String((error as { stderr?: string }).stderr ?? '');
		// ETARGET: a dependency pinned at a version the registry does not have (seen: n8n 2.41.3 → @n8n/agents@0.26.2).
		const notarget = /notarget No matching version found for (\S+?)\.?$/m.exec(stderr);
		return { why: notarget ? `${notarget[1]} is not in the registry` : stderr.trim().split('\n').slice(-3).join(' ') };
	}
	return fs.readFileSync(path.join(work, 'package-lock.json'), 'utf8');
}

function manifestFor(version: string, skipped: Record<string, string>) {
	return {
		name: 'n8n-runtime-latest',
		private: true,
		description:
			'The newest n8n 2.x the registry offered when `npm run n8n:refresh-latest` last ran, pinned to the whole dependency tree (installed by testing/n8nRuntime.ts with npm ci into a cache outside the repo; the e2e subset of test/e2e/jest.n8nLatest.config.js runs on it). n8nSkipped: newer releases whose tree the registry cannot resolve.',
		dependencies: { n8n: version },
		n8nSkipped: skipped,
	};
}

function main(): void {
	const requested = process.argv[2];
	let candidates: string[];
	if (requested) candidates = [requested];
	else {
		const versions = JSON.parse(npm(['view', 'n8n', 'versions', '--json'], os.tmpdir())) as string[];
		candidates = [];
		let rest = versions;
		while (candidates.length < MAX_TRIES) {
			const next = newestStable(rest, 2);
			if (!next) break;
			candidates.push(next);
			rest = rest.filter((version) => version !== next);
		}
		if (candidates.length === 0) throw new Error('the registry lists no stable n8n 2.x');
	}
	const skipped: Record<string, string> = {};
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-latest-lock-'));
	try {
		for (const version of candidates) {
			const started = Date.now();
			console.log(`[n8n:refresh-latest] resolving n8n ${version} …`);
			const lock = resolveLock(version, work, skipped);
			if (typeof lock !== 'string') {
				console.log(`[n8n:refresh-latest] n8n ${version} skipped: ${lock.why}`);
				skipped[version] = lock.why;
				continue;
			}
			// The runtime installs from the npm registry only (a tarball URL elsewhere fails offline; see n8n-runtime-1x).
			const outside = [...lock.matchAll(/"resolved": "(https?:\/\/[^"]+)"/g)]
				.map((match) => match[1])
				.filter((url) => !url.startsWith('https://registry.npmjs.org/'));
			if (outside.length > 0) {
				throw new Error(
					`n8n ${version} resolves packages outside the npm registry (${outside.slice(0, 3).join(', ')}); add an "overrides" entry as scripts/n8n-runtime-1x/package.json does`,
				);
			}
			fs.mkdirSync(MANIFEST_DIR, { recursive: true });
			fs.writeFileSync(
				path.join(MANIFEST_DIR, 'package.json'),
				`${JSON.stringify(manifestFor(version, skipped), null, 2)}\n`,
			);
			fs.writeFileSync(path.join(MANIFEST_DIR, 'package-lock.json'), lock);
			console.log(
				`[n8n:refresh-latest] pinned n8n ${version} in ${path.relative(process.cwd(), MANIFEST_DIR)}/ ` +
					`(resolved in ${Math.round((Date.now() - started) / 1000)}s); commit it, then \`npm test\``,
			);
			return;
		}
		throw new Error(`none of ${candidates.join(', ')} could be resolved`);
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

try {
	main();
} catch (error) {
	console.error(`[n8n:refresh-latest] FAILED: ${(error as Error).message}`);
	process.exit(1);
}
