/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions */
/**
 * Throw-away Redis and Postgres on loopback ports picked here, for n8n's queue mode (testing/queueMode.ts).
 * Both come from the Debian packages (`redis-server`, `postgresql`; `npm test` installs them first when missing). Postgres gets
 * a fresh cluster from `initdb` in a temp dir; when we run as root it runs as the unprivileged `postgres` user, since
 * Postgres refuses to run as root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, signalProcessGroup } from './n8nInstance';

type Log = (line: string) => void;

export interface RunningService {
	host: string;
	port: number;
	child: ChildProcess;
	/** Last lines the service printed (shown when it fails). */
	output(): string;
	stop(): Promise<void>;
}

export type RedisService = RunningService;

export interface PostgresService extends RunningService {
	database: string;
	user: string;
	password: string;
	dataDir: string;
	/** Runs one SQL statement with psql and returns its rows (unaligned, tab-separated). */
	query(sql: string): string[][];
}

/** Where a binary is: PATH first, then the given fallback directories. */
export function findBinary(name: string, fallbackDirs: string[] = []): string | undefined {
	const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...fallbackDirs].filter(Boolean);
	for (const dir of dirs) {
		const candidate = path.join(dir, name);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			return candidate;
		} catch {
			// not here
		}
	}
	return undefined;
}

/** Debian installs the Postgres server binaries outside PATH, under /usr/lib/postgresql/<major>/bin; newest first. */
function postgresBinDirs(): string[] {
	const root = '/usr/lib/postgresql';
	try {
		return fs
			.readdirSync(root)
			.filter((entry) => /^\d+$/.test(entry))
			.sort((a, b) => Number(b) - Number(a))
			.map((major) => path.join(root, major, 'bin'));
	} catch {
		return [];
	}
}

function requireBinary(name: string, debianPackage: string, fallbackDirs: string[] = []): string {
	const found = findBinary(name, fallbackDirs);
	if (!found) {
		throw new Error(
			`\`${name}\` was not found (PATH${fallbackDirs.length ? ` or ${fallbackDirs.join(', ')}` : ''}). ` +
				`Install the Debian package: \`apt-get install -y ${debianPackage}\` (\`npm test\` does this first: scripts/setup-system.ts).`,
		);
	}
	return found;
}

/** The binaries the queue-mode test needs, or the apt packages that provide the missing ones. */
export function missingServicePackages(): string[] {
	const missing: string[] = [];
	if (!findBinary('redis-server')) missing.push('redis-server');
	const pgDirs = postgresBinDirs();
	if (!findBinary('initdb', pgDirs) || !findBinary('postgres', pgDirs) || !findBinary('psql', pgDirs))
		missing.push('postgresql');
	return missing;
}

function tail(text: string, lines = 40): string {
	return text.split('\n').slice(-lines).join('\n');
}

function spawnService(
	command: string,
	args: string[],
	options: { cwd: string; uid?: number; gid?: number },
): {
	child: ChildProcess;
	output: () => string;
} {
	const child = spawn(command, args, {
		cwd: options.cwd,
		uid: options.uid,
		gid: options.gid,
		detached: true, // own process group: stopping it stops every process it forked
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	const collect = (chunk: string) => {
		output = (output + chunk).slice(-20_000);
	};
	child.stdout?.setEncoding('utf8').on('data', collect);
	child.stderr?.setEncoding('utf8').on('data', collect);
	killGroupOnExit(child);
	return { child, output: () => output };
}

const groupsToKillOnExit = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of groupsToKillOnExit) signalProcessGroup(child, 'SIGKILL');
});

/** A detached child whose process group must not outlive us, whatever way we exit. */
export function killGroupOnExit(child: ChildProcess): void {
	groupsToKillOnExit.add(child);
	child.once('exit', () => groupsToKillOnExit.delete(child));
}

/** `signal` to the group, SIGKILL after `graceMs`; once the child exited, SIGKILL to whatever of its group is left. */
export async function stopProcessGroup(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
	if (child.exitCode === null && child.signalCode === null) {
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		signalProcessGroup(child, signal);
		const timer = setTimeout(() => signalProcessGroup(child, 'SIGKILL'), graceMs);
		await exited;
		clearTimeout(timer);
	}
	signalProcessGroup(child, 'SIGKILL');
}

async function canConnect(host: string, port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = net.connect({ host, port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

async function waitUntil(
	what: string,
	child: ChildProcess,
	output: () => string,
	ready: () => Promise<boolean> | boolean,
	timeoutMs: number,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`${what} exited early (exit ${child.exitCode}, signal ${child.signalCode}):\n${tail(output())}`);
		}
		if (await ready()) return;
		if (Date.now() > deadline) {
			signalProcessGroup(child, 'SIGKILL');
			throw new Error(`${what} was not ready after ${timeoutMs / 1000}s:\n${tail(output())}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** `redis-server` on a free loopback port, nothing persisted. */
export async function startRedis(options: { log?: Log } = {}): Promise<RedisService> {
	const log = options.log ?? (() => undefined);
	const binary = requireBinary('redis-server', 'redis-server');
	const port = await freePort();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-redis-'));
	const { child, output } = spawnService(
		binary,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--daemonize',
			'no',
		],
		{ cwd: dir },
	);
	await waitUntil('redis-server', child, output, () => /Ready to accept connections/i.test(output()), 30_000);
	log(`[services] redis-server on 127.0.0.1:${port} (pid ${child.pid})`);
	return {
		host: '127.0.0.1',
		port,
		child,
		output,
		stop: async () => {
			await stopProcessGroup(child, 'SIGTERM', 5000);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** uid/gid of a local user, from /etc/passwd. */
function localUser(name: string): { uid: number; gid: number } | undefined {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.split(':')[0] === name);
	if (!line) return undefined;
	const fields = line.split(':');
	return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/**
 * The account Postgres runs as: ourselves, unless we are root (Postgres refuses root); then the `postgres` system
 * user the Debian package creates, created here if the package was never installed this way.
 */
function postgresAccount(log: Log): { uid?: number; gid?: number; name: string } {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { name: os.userInfo().username };
	let user = localUser('postgres');
	if (!user) {
		log('[services] running as root and there is no `postgres` user: creating it (useradd --system postgres)');
		const created = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
			encoding: 'utf8',
		});
		if (created.status !== 0) throw new Error(`useradd postgres failed: ${created.stderr}`);
		user = localUser('postgres');
		if (!user) throw new Error('useradd postgres succeeded but /etc/passwd has no postgres entry');
	}
	return { ...user, name: 'postgres' };
}

function chownTree(dir: string, uid: number, gid: number): void {
	fs.chownSync(dir, uid, gid);
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) chownTree(full, uid, gid);
		else fs.chownSync(full, uid, gid);
	}
}

/**
 * A fresh Postgres cluster (`initdb` in a temp dir) on a free loopback port, with one database for n8n. Trust
 * authentication on loopback only: the cluster lives as long as the test and holds nothing but test data.
 */
export async function startPostgres(options: { log?: Log; database?: string } = {}): Promise<PostgresService> {
	const log = options.log ?? (() => undefined);
	const binDirs = postgresBinDirs();
	const initdb = requireBinary('initdb', 'postgresql', binDirs);
	const postgres = requireBinary('postgres', 'postgresql', binDirs);
	const psql = requireBinary('psql', 'postgresql', binDirs);
	const account = postgresAccount(log);
	const user = 'n8n';
	const database = options.database ?? 'n8n';
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-pg-'));
	const dataDir = path.join(root, 'data');
	const socketDir = path.join(root, 'socket');
	fs.mkdirSync(socketDir);
	// The unprivileged account must be able to enter the temp dir (mkdtemp makes it 0700, owned by us).
	if (account.uid !== undefined && account.gid !== undefined) chownTree(root, account.uid, account.gid);

	const init = spawnSync(
		initdb,
		['-D', dataDir, '-U', user, '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'],
		{
			cwd: root,
			uid: account.uid,
			gid: account.gid,
			encoding: 'utf8',
		},
	);
	if (init.status !== 0)
		throw new Error(`initdb failed (exit ${init.status}) as ${account.name}:\n${init.stdout}\n${init.stderr}`);

	const port = await freePort();
	const { child, output } = spawnService(
		postgres,
		[
			'-D',
			dataDir,
			'-p',
			String(port),
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			`unix_socket_directories=${socketDir}`,
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'max_connections=100',
		],
		{ cwd: root, uid: account.uid, gid: account.gid },
	);
	await waitUntil(
		'postgres',
		child,
		output,
		async () => /ready to accept connections/i.test(output()) && (await canConnect('127.0.0.1', port)),
		60_000,
	);

	const query = (sql: string, db = database): string[][] => {
		const result = spawnSync(
			psql,
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				user,
				'-d',
				db,
				'-At',
				'-F',
				'\t',
				'-v',
				'ON_ERROR_STOP=1',
				'-c',
				sql,
			],
			{
				encoding: 'utf8',
			},
		);
		if (result.status !== 0) throw new Error(`psql failed (exit ${result.status}) on: ${sql}\n${result.stderr}`);
		return result.stdout
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => line.split('\t'));
	};
	query(`CREATE DATABASE "${database}"`, 'postgres');
	log(
		`[services] postgres (initdb in ${root}, running as ${account.name}) on 127.0.0.1:${port}, database "${database}"`,
	);

	return {
		host: '127.0.0.1',
		port,
		child,
		output,
		database,
		user,
		// Trust authentication on loopback: no password.
		password: '',
		dataDir,
		query: (sql) => query(sql),
		stop: async () => {
			// SIGINT = Postgres "fast" shutdown: disconnect clients, stop cleanly.
			await stopProcessGroup(child, 'SIGINT', 10_000);
			fs.rmSync(root, { recursive: true, force: true });
		},
	};
}
