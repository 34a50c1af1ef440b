/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, no-console */
/**
 * `npx tsx scripts/setup-system.ts` — the first step of `npm test`: installs the Debian packages the e2e suites need
 * when they are missing (decisions in testing/systemSetup.ts), or fails within seconds with the command to run.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { CHROMIUM_CANDIDATES } from '../testing/browser';
import { findBinary, missingServicePackages } from '../testing/services';
import { setUpSystem, type SystemPackage } from '../testing/systemSetup';

function hasChromium(): boolean {
	const override = process.env.CHROMIUM_PATH;
	return override ? fs.existsSync(override) : CHROMIUM_CANDIDATES.some((candidate) => fs.existsSync(candidate));
}

/** fonts-noto-cjk by dpkg's record; without dpkg, any font fontconfig knows for Chinese will do. */
function hasCjkFont(): boolean {
	if (findBinary('dpkg-query')) {
		const status = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'fonts-noto-cjk'], { encoding: 'utf8' });
		return status.status === 0 && status.stdout.includes('install ok installed');
	}
	const fonts = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
	return fonts.status === 0 && fonts.stdout.trim() !== '';
}

function missingPackages(): SystemPackage[] {
	const missing: SystemPackage[] = missingServicePackages() as SystemPackage[];
	if (!hasChromium()) missing.push('chromium');
	if (!hasCjkFont()) missing.push('fonts-noto-cjk');
	return missing;
}

setUpSystem({
	missingPackages,
	hasCommand: (name) => findBinary(name) !== undefined,
	isRoot: process.getuid?.() === 0,
	run: async (command, args, env) =>
		await new Promise<number>((resolve) => {
			const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
			child.on('error', () => resolve(127));
			child.on('close', (code) => resolve(code ?? 1));
		}),
	now: () => Date.now(),
	log: (line) => console.log(line),
})
	.then((outcome) => {
		if (!outcome.ok) {
			console.error(outcome.message);
			process.exit(1);
		}
	})
	.catch((error: Error) => {
		console.error(`[setup] FAILED: ${error.stack ?? error.message}`);
		process.exit(1);
	});
