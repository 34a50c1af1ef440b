/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions */
/**
 * n8n in queue mode on one machine: a main instance (`n8n start`, owns triggers, editor and REST API) and `n8n worker`
 * processes, with Redis (Bull) between them and Postgres as the shared database (testing/services.ts). Each process
 * has its own user folder with the packed package installed, as each container of deploy/queue-mode/ has it in its
 * image; they share N8N_ENCRYPTION_KEY so every process can decrypt the credentials.
 * Used by the queue-mode end-to-end test and the queue-mode row of the n8n benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { createN8nInstance, freePort, startN8nServer, type N8nInstance, type N8nServer } from './n8nInstance';
import type { N8nRuntime } from './n8nRuntime';
import { killGroupOnExit, stopProcessGroup, type PostgresService, type RedisService } from './services';

type Log = (line: string) => void;

/** One key for every process: workers decrypt the credentials main stored. */
export const QUEUE_MODE_ENCRYPTION_KEY = 'jikeyun-kingdee-queue-mode-test-key';

/**
 * What makes a set of n8n processes one queue-mode installation (deploy/queue-mode/docker-compose.yml sets the same
 * variables; test/unit/deployCompose.test.ts keeps the two in step).
 */
export function queueModeEnv(services: { redis: RedisService; postgres: PostgresService }): NodeJS.ProcessEnv {
	return {
		EXECUTIONS_MODE: 'queue',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_ENCRYPTION_KEY: QUEUE_MODE_ENCRYPTION_KEY,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: services.postgres.host,
		DB_POSTGRESDB_PORT: String(services.postgres.port),
		DB_POSTGRESDB_DATABASE: services.postgres.database,
		DB_POSTGRESDB_USER: services.postgres.user,
		DB_POSTGRESDB_PASSWORD: services.postgres.password,
		QUEUE_BULL_REDIS_HOST: services.redis.host,
		QUEUE_BULL_REDIS_PORT: String(services.redis.port),
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
	};
}

/**
 * n8n's durable poll cursors (n8n 2.40.7): N8N_POLLER_DURABLE_CURSORS_ENABLED only takes effect together with the
 * durable scheduler running poll triggers and the workflow publication service; without them n8n logs a warning
 * ("durable poll cursors stay disabled") and keeps the old behaviour.
 */
export const DURABLE_POLL_CURSOR_ENV: NodeJS.ProcessEnv = {
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
};

export interface QueueModeInstances {
	main: N8nInstance;
	workers: N8nInstance[];
}

/** A user folder with the package installed for main and for each worker; no process is started yet. */
export function createQueueModeInstances(options: {
	runtime: N8nRuntime;
	tarball: string;
	workDir: string;
	services: { redis: RedisService; postgres: PostgresService };
	workerCount: number;
	extraEnv?: NodeJS.ProcessEnv;
	log?: Log;
}): QueueModeInstances {
	const env = { ...queueModeEnv(options.services), ...options.extraEnv };
	const make = (name: string) =>
		createN8nInstance({
			runtime: options.runtime,
			userFolder: path.join(options.workDir, name),
			tarball: options.tarball,
			log: options.log,
			logLevel: 'info',
			extraEnv: env,
		});
	return {
		main: make('main'),
		workers: Array.from({ length: options.workerCount }, (_, i) => make(`worker-${i + 1}`)),
	};
}

/** A running n8n process of the installation, with what it logged (also written to `<userFolder>/<label>.log`). */
export interface QueueModeProcess {
	label: string;
	pid: number;
	child: ChildProcess;
	output(): string;
	stop(): Promise<void>;
	/** SIGKILL to the whole process group (n8n and its task runner): a crash, no shutdown at all. */
	kill(): Promise<void>;
}

function outputRecorder(logFile: string): { collect: (chunk: string) => void; output: () => string } {
	let output = '';
	const fd = fs.openSync(logFile, 'a');
	return {
		collect: (chunk) => {
			output += chunk;
			fs.writeSync(fd, chunk);
		},
		output: () => output,
	};
}

/**
 * `n8n worker --concurrency=N`; resolves when its health endpoint says it is connected to Postgres and Redis
 * (QUEUE_HEALTH_CHECK_ACTIVE, /healthz/readiness on a port picked here).
 */
export async function startWorker(
	instance: N8nInstance,
	options: { label: string; concurrency: number; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<QueueModeProcess> {
	const healthPort = await freePort();
	const env = {
		...instance.env,
		QUEUE_HEALTH_CHECK_PORT: String(healthPort),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		...options.env,
	};
	const recorder = outputRecorder(path.join(instance.userFolder, `${options.label}.log`));
	const child = spawn(
		instance.runtime.node24,
		[instance.runtime.n8nBin, 'worker', `--concurrency=${options.concurrency}`],
		{
			cwd: instance.userFolder,
			env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	killGroupOnExit(child);
	child.stdout?.setEncoding('utf8').on('data', recorder.collect);
	child.stderr?.setEncoding('utf8').on('data', recorder.collect);
	const deadline = Date.now() + (options.timeoutMs ?? 180_000);
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(
				`n8n worker ${options.label} exited early (exit ${child.exitCode}, signal ${child.signalCode}):\n${recorder.output().slice(-5000)}`,
			);
		}
		try {
			const response = await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`);
			if (response.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stopProcessGroup(child, 'SIGKILL', 1000);
			throw new Error(
				`n8n worker ${options.label} was not ready after ${(options.timeoutMs ?? 180_000) / 1000}s:\n${recorder.output().slice(-5000)}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
	instance.log(
		`[queue] ${options.label} ready (pid ${child.pid}, concurrency ${options.concurrency}, health port ${healthPort})`,
	);
	return {
		label: options.label,
		pid: child.pid!,
		child,
		output: recorder.output,
		stop: async () => await stopProcessGroup(child, 'SIGTERM', 30_000),
		kill: async () => await stopProcessGroup(child, 'SIGKILL', 1000),
	};
}

/** `n8n start` of the main instance in queue mode on a free port; resolves when /healthz/readiness answers. */
export async function startMain(
	instance: N8nInstance,
	options: { env?: NodeJS.ProcessEnv; label?: string } = {},
): Promise<QueueModeProcess & { server: N8nServer }> {
	const label = options.label ?? 'main';
	const recorder = outputRecorder(path.join(instance.userFolder, `${label}.log`));
	const server = await startN8nServer(instance, await freePort(), { env: options.env, onOutput: recorder.collect });
	instance.log(`[queue] ${label} ready at ${server.url} (pid ${server.child.pid})`);
	return {
		label,
		pid: server.child.pid!,
		child: server.child,
		server,
		output: recorder.output,
		stop: async () => await server.stop(),
		kill: async () => await stopProcessGroup(server.child, 'SIGKILL', 1000),
	};
}

/** Execution ids a worker says it started ("Worker started execution 12 (job 7)", n8n 2.40.7 at log level info). */
export function executionsStartedBy(output: string): string[] {
	return [...output.matchAll(/Worker started execution (\d+) \(job/g)].map((match) => match[1]);
}

/** Execution ids main put on the queue ("Enqueued execution 12 (job 7)"). */
export function executionsEnqueuedBy(output: string): string[] {
	return [...output.matchAll(/Enqueued execution (\d+) \(job/g)].map((match) => match[1]);
}

// ---------------------------------------------------------------------------------------------------------------
// Which process made a call: a recording HTTP proxy in front of an emulator.
// ---------------------------------------------------------------------------------------------------------------

/** One HTTP call that passed the proxy, attributed to the process that opened the connection. */
export interface TracedCall {
	atMs: number;
	/** Label of the process (see `folders`), `other process` for one outside them, `unknown` if the socket was gone. */
	caller: string;
	method: string;
	path: string;
	requestHeaders: http.IncomingHttpHeaders;
	requestBody: string;
	status?: number;
	responseHeaders?: http.IncomingHttpHeaders;
}

export interface CallerTracingProxy {
	url: string;
	port: number;
	calls: TracedCall[];
	/** Called for every request as it arrives (before it is forwarded). */
	onRequest?: (call: TracedCall) => void;
	close(): Promise<void>;
}

/** The inode of the client end of a loopback TCP connection (Linux /proc/net/tcp; ports are hex, little IPs). */
function clientSocketInode(clientPort: number, serverPort: number): string | undefined {
	const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
	for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text: string;
		try {
			text = fs.readFileSync(file, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			const fields = line.trim().split(/\s+/);
			if (fields.length < 10) continue;
			if (fields[1].endsWith(`:${hex(clientPort)}`) && fields[2].endsWith(`:${hex(serverPort)}`)) return fields[9];
		}
	}
	return undefined;
}

function holdsSocket(pid: string, wanted: string): boolean {
	const fdDir = `/proc/${pid}/fd`;
	let fds: string[];
	try {
		fds = fs.readdirSync(fdDir);
	} catch {
		return false;
	}
	for (const fd of fds) {
		try {
			if (fs.readlinkSync(path.join(fdDir, fd)) === wanted) return true;
		} catch {
			// closed meanwhile
		}
	}
	return false;
}

/** Label of the process holding the socket: the one whose working directory is one of `folders` (n8n runs in its user folder). */
function socketOwner(inode: string, folders: Map<string, string>): string {
	const wanted = `socket:[${inode}]`;
	for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
		let cwd: string;
		try {
			cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
		} catch {
			continue;
		}
		const label = folders.get(cwd);
		if (label !== undefined && holdsSocket(pid, wanted)) return label;
	}
	return 'other process';
}

/**
 * An HTTP proxy on loopback that forwards every request to `targetOrigin` unchanged and records it, with the process
 * that opened the connection: the client socket is looked up in /proc/net/tcp, then among the open files of the
 * processes running in one of `folders` (folder → label; every n8n process runs in its user folder). Linux only; the
 * n8n processes run as the same user as the test. This is how the test knows which n8n process made an API call
 * without changing n8n or the emulators.
 */
export async function startCallerTracingProxy(
	targetOrigin: string,
	folders: Record<string, string>,
): Promise<CallerTracingProxy> {
	const target = new URL(targetOrigin);
	const labels = new Map(Object.entries(folders).map(([folder, label]) => [path.resolve(folder), label]));
	const callers = new WeakMap<object, string>();
	const proxy: CallerTracingProxy = { url: '', port: 0, calls: [], close: async () => undefined };
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const call: TracedCall = {
				atMs: Date.now(),
				caller: callers.get(req.socket) ?? 'unknown',
				method: req.method ?? 'GET',
				path: req.url ?? '/',
				requestHeaders: req.headers,
				requestBody: body.toString('utf8'),
			};
			proxy.calls.push(call);
			proxy.onRequest?.(call);
			const upstream = http.request(
				{
					host: target.hostname,
					port: target.port,
					method: req.method,
					path: req.url,
					headers: { ...req.headers, host: target.host },
				},
				(upstreamRes) => {
					call.status = upstreamRes.statusCode;
					call.responseHeaders = upstreamRes.headers;
					res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
					upstreamRes.pipe(res);
				},
			);
			upstream.on('error', () => res.destroy());
			res.on('close', () => {
				if (!res.writableFinished) upstream.destroy();
			});
			upstream.end(body);
		});
	});
	server.on('connection', (socket) => {
		// Looked up at once, while the connection is surely open; one lookup per connection (keep-alive reuses it).
		const inode = socket.remotePort ? clientSocketInode(socket.remotePort, proxy.port) : undefined;
		callers.set(socket, inode ? socketOwner(inode, labels) : 'unknown');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	proxy.port = typeof address === 'object' && address ? address.port : 0;
	proxy.url = `http://127.0.0.1:${proxy.port}`;
	proxy.close = async () => {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	return proxy;
}
