/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions */
/**
 * A real, isolated n8n instance driven through its CLI: a private user folder with this package installed the way
 * n8n's Community Nodes installer does it, credential and workflow import, `n8n execute`, and `n8n start`.
 * Shared by the end-to-end test and the demo so there is one implementation of "install the package into n8n".
 */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { N8nRuntime } from './n8nRuntime';

export const PACKAGE_NAME = 'n8n-nodes-jikeyun-kingdee';
export const REPO_ROOT = path.resolve(__dirname, '..');

type Log = (line: string) => void;

/** A free TCP port on loopback (the OS picks it; we release it right away for the child to bind). */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/**
 * The transcript of a test run: every text n8n produced (process output, exported executions, log files) and every
 * secret the run used, collected so one test can scan all of it for secrets at the end (test/e2e/secretScan.test.ts).
 * Jest loads each test file in its own module registry, so the transcript lives in a directory named by an environment
 * variable (set by the e2e global setup) rather than in a module variable. Without that variable nothing is recorded.
 */
export const TRANSCRIPT_DIR_ENV = 'JIKEYUN_KINGDEE_E2E_TRANSCRIPT_DIR';
let transcriptEntries = 0;

function transcriptDir(): string | undefined {
	const dir = process.env[TRANSCRIPT_DIR_ENV];
	if (!dir) return undefined;
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

/** A new transcript file for `source` (a short label); undefined when no transcript is kept. */
function transcriptFile(source: string, kind: 'text' | 'secrets'): string | undefined {
	const dir = transcriptDir();
	if (!dir) return undefined;
	const label = source.replace(/[^\w.-]+/g, '_').slice(0, 80);
	return path.join(dir, `${kind}-${process.pid}-${Date.now()}-${++transcriptEntries}-${label}.txt`);
}

/** Records one text (an execution, a log, a process's output) in the transcript. */
export function recordTranscript(source: string, text: string): void {
	const file = transcriptFile(source, 'text');
	if (file) fs.writeFileSync(file, text);
}

/** Records secrets the run used (passwords, app secrets, session ids): the scan looks for each of them. */
export function recordSecrets(source: string, secrets: Iterable<string>): void {
	const file = transcriptFile(source, 'secrets');
	const list = [...secrets].filter((secret) => secret.length > 0);
	if (file && list.length > 0) fs.writeFileSync(file, JSON.stringify(list));
}

export interface Transcript {
	texts: Array<{ source: string; text: string }>;
	/** Each distinct secret once, with the label of the first record that named it. */
	secrets: Array<{ source: string; secret: string }>;
}

/** Everything recorded so far in this run's transcript directory. */
export function readTranscript(dir = process.env[TRANSCRIPT_DIR_ENV]): Transcript {
	const transcript: Transcript = { texts: [], secrets: [] };
	if (!dir || !fs.existsSync(dir)) return transcript;
	const secrets = new Map<string, string>();
	for (const name of fs.readdirSync(dir).sort()) {
		const text = fs.readFileSync(path.join(dir, name), 'utf8');
		if (!name.startsWith('secrets-')) transcript.texts.push({ source: name, text });
		else for (const secret of JSON.parse(text) as string[]) if (!secrets.has(secret)) secrets.set(secret, name);
	}
	transcript.secrets = [...secrets].map(([secret, source]) => ({ source, secret }));
	return transcript;
}

/** Environment for npm children: no project-level settings injected by `npm run` / `npm test`. */
function cleanNpmEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		const k = key.toLowerCase();
		if (k.startsWith('npm_package_') || k.startsWith('npm_lifecycle_')) continue;
		env[key] = value;
	}
	return env;
}

function runOrThrow(command: string, args: string[], cwd: string): string {
	const result = spawnSync(command, args, { cwd, env: cleanNpmEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (result.status !== 0) {
		throw new Error(
			`\`${command} ${args.join(' ')}\` failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
		);
	}
	return result.stdout;
}

/**
 * `npm pack` of this repository into `destDir`; builds first when dist/ is missing. Returns the tarball path.
 */
export function packPackage(destDir: string, log: Log): string {
	const distEntry = path.join(REPO_ROOT, 'dist', 'nodes', 'Kingdee', 'Kingdee.node.js');
	if (!fs.existsSync(distEntry)) {
		log('[n8n] dist/ missing — running `npm run build`');
		runOrThrow('npm', ['run', 'build'], REPO_ROOT);
	}
	fs.mkdirSync(destDir, { recursive: true });
	const out = runOrThrow('npm', ['pack', '--json', '--pack-destination', destDir], REPO_ROOT);
	const packed = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; entryCount: number }>;
	const tarball = path.join(destDir, packed[0].filename);
	log(`[n8n] packed ${path.basename(tarball)} (${packed[0].entryCount} files)`);
	return tarball;
}

/**
 * Installs a packed tarball into `<userFolder>/.n8n/nodes` as n8n's Community Nodes installer does (n8n 2.40.7):
 * extract into node_modules/<name> stripping `package/`, rewrite package.json without dev/peer/optional dependencies,
 * record it in `.n8n/nodes/package.json`. The package has no runtime dependencies, so no `npm install` step is needed.
 */
export function installPackageTarball(userFolder: string, tarball: string): string {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	runOrThrow('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], target);
	const manifestPath = path.join(target, 'package.json');
	const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	const nodesManifestPath = path.join(nodesDir, 'package.json');
	const nodesManifest: { dependencies?: Record<string, string>; [key: string]: unknown } = fs.existsSync(
		nodesManifestPath,
	)
		? (JSON.parse(fs.readFileSync(nodesManifestPath, 'utf8')) as { dependencies?: Record<string, string> })
		: { name: 'installed-nodes', private: true };
	nodesManifest.dependencies = { ...(nodesManifest.dependencies ?? {}), [PACKAGE_NAME]: String(manifest.version) };
	fs.writeFileSync(nodesManifestPath, JSON.stringify(nodesManifest, null, 2));
	return target;
}

export interface N8nInstance {
	runtime: N8nRuntime;
	userFolder: string;
	/** Base environment for every n8n command of this instance (each command also gets its own broker port). */
	env: NodeJS.ProcessEnv;
	log: Log;
}

export interface CreateInstanceOptions {
	runtime: N8nRuntime;
	/** Folder to use as N8N_USER_FOLDER; wiped first. Default: a fresh temp dir. */
	userFolder?: string;
	tarball: string;
	log?: Log;
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	extraEnv?: NodeJS.ProcessEnv;
}

/** Fresh user folder with the package installed; no n8n process is started yet. */
export function createN8nInstance(options: CreateInstanceOptions): N8nInstance {
	const log = options.log ?? (() => undefined);
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-jk-'));
	fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });
	const installed = installPackageTarball(userFolder, options.tarball);
	log(`[n8n] installed ${PACKAGE_NAME} into ${installed}`);
	const inherited: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(cleanNpmEnv())) {
		// Never leak a developer's own n8n settings into the isolated instance, nor the test runner's: under jest
		// (NODE_ENV=test) n8n's CLI commands silently do nothing and exit 0.
		if (key.startsWith('N8N_') || key.startsWith('DB_') || key.startsWith('JEST_')) continue;
		if (key === 'NODE_OPTIONS' || key === 'NODE_ENV') continue;
		inherited[key] = value;
	}
	const env: NodeJS.ProcessEnv = {
		...inherited,
		PATH: `${options.runtime.node24BinDir}${path.delimiter}${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'jikeyun-kingdee-local-test-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LOG_LEVEL: options.logLevel ?? 'warn',
		// Also to <user folder>/.n8n/logs/n8n.log, so the log files can be scanned like the console output.
		N8N_LOG_OUTPUT: 'console,file',
		DB_TYPE: 'sqlite',
		...options.extraEnv,
	};
	instanceUserFolders.add(userFolder);
	return { runtime: options.runtime, userFolder, env, log };
}

/** User folders of the instances created by this process: their log files go into the transcript when n8n stops. */
const instanceUserFolders = new Set<string>();

/** Records every `*.log` file under the user folders of this process's instances (once each, when all n8n stopped). */
function recordInstanceLogFiles(): void {
	for (const userFolder of instanceUserFolders) {
		const logsDir = path.join(userFolder, '.n8n', 'logs');
		if (!fs.existsSync(logsDir)) continue;
		for (const name of fs.readdirSync(logsDir)) {
			if (name.includes('.log'))
				recordTranscript(
					`n8n-log-file-${path.basename(userFolder)}-${name}`,
					fs.readFileSync(path.join(logsDir, name), 'utf8'),
				);
		}
	}
	instanceUserFolders.clear();
}

export interface CommandResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

const liveProcesses = new Set<ChildProcess>();
// n8n runs detached (its own process group); make sure it cannot outlive us, whatever way we exit.
process.once('exit', () => {
	for (const child of liveProcesses) killGroup(child, 'SIGKILL');
});

/** Signals a detached child's whole process group (the child and everything it forked, e.g. n8n's task runners). */
export function signalProcessGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

/** Kills a running child's whole process group (n8n starts task-runner children of its own). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.exitCode !== null || child.signalCode !== null) return;
	signalProcessGroup(child, signal);
}

/**
 * Stops every n8n process this module started that is still running (SIGTERM, then SIGKILL after `graceMs`), then
 * records the instances' log files in the transcript (call it before deleting the user folders).
 */
export async function stopAllN8nProcesses(graceMs = 10_000): Promise<void> {
	const running = [...liveProcesses];
	await Promise.all(running.map(async (child) => await stopProcess(child, graceMs)));
	recordInstanceLogFiles();
}

async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	killGroup(child, 'SIGTERM');
	const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
	// Task runners may outlive the main process by a moment; make sure the group is gone.
	killGroup(child, 'SIGKILL');
}

function spawnN8n(
	instance: N8nInstance,
	args: string[],
	env: NodeJS.ProcessEnv,
	stdio: StdioOptions = ['ignore', 'pipe', 'pipe'],
): ChildProcess {
	const child = spawn(instance.runtime.node24, [instance.runtime.n8nBin, ...args], {
		cwd: instance.userFolder,
		env,
		detached: true, // own process group, so the whole tree can be stopped
		stdio,
	});
	liveProcesses.add(child);
	child.once('exit', () => {
		liveProcesses.delete(child);
		killGroup(child, 'SIGKILL');
	});
	return child;
}

/**
 * Runs one n8n CLI command to completion (killed after `timeoutMs`). Never throws for a non-zero exit.
 * Output goes to files, not pipes: n8n exits right after printing the execution JSON, and writes to a pipe still
 * pending at process exit are lost (the JSON of a larger run never arrived), while writes to a file are synchronous.
 */
export async function runN8nCommand(
	instance: N8nInstance,
	args: string[],
	options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
	const env = { ...instance.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...options.env };
	const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-cmd-'));
	const stdoutFile = path.join(outDir, 'stdout');
	const stderrFile = path.join(outDir, 'stderr');
	const stdoutFd = fs.openSync(stdoutFile, 'w');
	const stderrFd = fs.openSync(stderrFile, 'w');
	try {
		const child = spawnN8n(instance, args, env, ['ignore', stdoutFd, stderrFd]);
		const timer = setTimeout(() => killGroup(child, 'SIGKILL'), options.timeoutMs ?? 10 * 60_000);
		const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
			child.once('exit', (c, s) => resolve([c, s]));
		});
		clearTimeout(timer);
		const stdout = fs.readFileSync(stdoutFile, 'utf8');
		const stderr = fs.readFileSync(stderrFile, 'utf8');
		recordTranscript(`n8n-${args[0]}-stdout`, stdout);
		recordTranscript(`n8n-${args[0]}-stderr`, stderr);
		return { code, signal, stdout, stderr };
	} finally {
		fs.closeSync(stdoutFd);
		fs.closeSync(stderrFd);
		fs.rmSync(outDir, { recursive: true, force: true });
	}
}

async function runN8nOrThrow(instance: N8nInstance, args: string[]): Promise<CommandResult> {
	const result = await runN8nCommand(instance, args, { timeoutMs: 5 * 60_000 });
	if (result.code !== 0) {
		throw new Error(
			`n8n ${args.join(' ')} failed (exit ${result.code}, signal ${result.signal}):\n${result.stdout}\n${result.stderr}`,
		);
	}
	return result;
}

export interface CredentialToImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** `n8n import:credentials` with plaintext data (n8n encrypts it on import with the instance key). */
export async function importCredentials(instance: N8nInstance, credentials: CredentialToImport[]): Promise<void> {
	const file = path.join(instance.userFolder, `credentials-${Date.now()}.json`);
	fs.writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
	try {
		await runN8nOrThrow(instance, ['import:credentials', `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
	instance.log(`[n8n] imported credentials: ${credentials.map((c) => `"${c.name}" (${c.type})`).join(', ')}`);
}

/** `n8n import:workflow` of a workflow file as it is (or of an in-memory workflow object). */
export async function importWorkflow(instance: N8nInstance, workflow: string | WorkflowJson): Promise<WorkflowJson> {
	let file: string;
	let parsed: WorkflowJson;
	if (typeof workflow === 'string') {
		file = workflow;
		parsed = readWorkflow(workflow);
	} else {
		parsed = workflow;
		file = path.join(instance.userFolder, `workflow-${parsed.id}.json`);
		fs.writeFileSync(file, JSON.stringify(parsed, null, 2));
	}
	await runN8nOrThrow(instance, ['import:workflow', `--input=${file}`]);
	instance.log(`[n8n] imported workflow "${parsed.name}" (id ${parsed.id})`);
	return parsed;
}

/** `n8n publish:workflow --id` — the workflow becomes active (its triggers run) at the next `n8n start`. */
export async function publishWorkflow(instance: N8nInstance, id: string): Promise<void> {
	// n8n 1.x (issue 9, second e2e version): no publish command; `update:workflow --active=true` is its equivalent.
	const isN8n1 = instance.runtime.n8nVersion.startsWith('1.');
	await runN8nOrThrow(
		instance,
		isN8n1 ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`],
	);
	instance.log(`[n8n] published workflow ${id}`);
}

/** `n8n export:workflow --id` — the workflow as n8n stored it. */
export async function exportWorkflow(instance: N8nInstance, id: string): Promise<WorkflowJson> {
	const file = path.join(instance.userFolder, `export-${id}.json`);
	await runN8nOrThrow(instance, ['export:workflow', `--id=${id}`, `--output=${file}`]);
	const exported = JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowJson | WorkflowJson[];
	return Array.isArray(exported) ? exported[0] : exported;
}

export interface WorkflowNodeJson {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: string;
	[key: string]: unknown;
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: WorkflowNodeJson[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export function readWorkflow(file: string): WorkflowJson {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowJson;
}

/** The credentials a workflow references, by credential type (one reference per type is expected). */
export function credentialReferences(workflow: WorkflowJson): Record<string, { id: string; name: string }> {
	const refs: Record<string, { id: string; name: string }> = {};
	for (const node of workflow.nodes) {
		for (const [type, ref] of Object.entries(node.credentials ?? {})) {
			const seen = refs[type];
			if (seen && (seen.id !== ref.id || seen.name !== ref.name)) {
				throw new Error(`Workflow ${workflow.id} references two different ${type} credentials`);
			}
			refs[type] = ref;
		}
	}
	return refs;
}

export interface NodeRunItem {
	json: Record<string, unknown>;
}

/** The part of n8n's IRun we read. */
export interface ExecutionRun {
	finished?: boolean;
	status?: string;
	data: {
		resultData: {
			error?: { message?: string };
			runData: Record<string, Array<{ data?: { main?: Array<NodeRunItem[] | null> }; error?: { message?: string } }>>;
		};
	};
}

export interface ExecuteResult extends CommandResult {
	/** Parsed execution, when n8n printed it (it can be lost when `n8n execute` crashes at shutdown). */
	run?: ExecutionRun;
}

/**
 * Extracts the execution JSON from `n8n execute --rawOutput` stdout. n8n prints it pretty-printed (top-level braces
 * alone on their lines) through its logger, so log lines can come before and after it.
 */
export function parseExecutionOutput(stdout: string): ExecutionRun | undefined {
	// At log level debug the logger colours every line and appends the log metadata to the last ("} { "file": … }").
	// eslint-disable-next-line no-control-regex
	const lines = stdout.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
	const isClosing = (line: string) => /^\}( \{.*\})?$/.test(line.trimEnd());
	for (let first = 0; first < lines.length; first++) {
		// At debug level the first line carries the log prefix ("06:31:12.516   info    {").
		if (!/^(\d\d:\d\d:\d\d\.\d+\s+\w+\s+)?\{$/.test(lines[first].trimEnd())) continue;
		lines[first] = '{';
		for (let last = first + 1; last < lines.length; last++) {
			if (!isClosing(lines[last])) continue;
			lines[last] = '}';
			try {
				const parsed = JSON.parse(lines.slice(first, last + 1).join('\n')) as ExecutionRun;
				if (parsed?.data?.resultData?.runData) return parsed;
			} catch {
				// a nested or unrelated block; keep looking
			}
			break;
		}
	}
	return undefined;
}

/**
 * `n8n execute --id=<id> --rawOutput`. Does not throw: the caller judges success, because n8n 2.40.7 sometimes dies of
 * SIGSEGV while shutting down after the run finished (ARCHITECTURE.md#end-to-end-tests).
 */
export async function executeWorkflow(
	instance: N8nInstance,
	id: string,
	timeoutMs = 15 * 60_000,
): Promise<ExecuteResult> {
	// The CLI prints the execution through its logger at level info, so a quieter level would swallow it.
	const result = await runN8nCommand(instance, ['execute', `--id=${id}`, '--rawOutput'], {
		timeoutMs,
		env: { N8N_LOG_LEVEL: instance.env.N8N_LOG_LEVEL === 'debug' ? 'debug' : 'info' },
	});
	return { ...result, run: parseExecutionOutput(result.stdout) };
}

/** Items a node emitted on one output in the first run of that node (all runs concatenated). */
export function nodeOutputItems(run: ExecutionRun, nodeName: string, outputIndex = 0): NodeRunItem[] {
	const runs = run.data.resultData.runData[nodeName] ?? [];
	return runs.flatMap((r) => r.data?.main?.[outputIndex] ?? []);
}

export interface N8nServer {
	url: string;
	port: number;
	child: ChildProcess;
	stop(): Promise<void>;
}

/** `n8n start` on `port`; resolves when /healthz/readiness and the editor's /rest/settings answer. */
export async function startN8nServer(
	instance: N8nInstance,
	port: number,
	options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; onOutput?: (chunk: string) => void } = {},
): Promise<N8nServer> {
	const env = {
		...instance.env,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		...options.env,
	};
	const child = spawnN8n(instance, ['start'], env);
	let output = '';
	const transcript = transcriptFile('n8n-start-output', 'text');
	const collect = (chunk: string) => {
		output = (output + chunk).slice(-20_000);
		if (transcript) fs.appendFileSync(transcript, chunk);
		options.onOutput?.(chunk);
	};
	child.stdout?.setEncoding('utf8').on('data', collect);
	child.stderr?.setEncoding('utf8').on('data', collect);
	const url = `http://localhost:${port}`;
	const deadline = Date.now() + (options.timeoutMs ?? 180_000);
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`n8n start exited early (exit ${child.exitCode}, signal ${child.signalCode}):\n${output}`);
		}
		try {
			const response = await fetch(`http://127.0.0.1:${port}/healthz/readiness`);
			// n8n 1.x (issue 9, second e2e version) reports ready ~10 s before its REST routes exist: wait for those too.
			if (response.ok && (await fetch(`http://127.0.0.1:${port}/rest/settings`)).ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stopProcess(child, 5000);
			throw new Error(`n8n start did not become ready on port ${port}:\n${output}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
	return { url, port, child, stop: async () => await stopProcess(child, 15_000) };
}

/** The instance owner account (email/password login). */
export interface N8nOwner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

/**
 * Environment for `startN8nServer` that makes n8n create this owner at start-up (N8N_INSTANCE_OWNER_MANAGED_BY_ENV),
 * so nobody has to click through the owner set-up screen. n8n wants a bcrypt hash; it is made with the bcryptjs that
 * n8n itself ships. Cookies without the Secure flag, so plain http://localhost works in a browser.
 */
export function ownerManagedByEnv(runtime: N8nRuntime, owner: N8nOwner): NodeJS.ProcessEnv {
	const requireFromN8n = createRequire(runtime.n8nBin);
	const bcrypt = requireFromN8n('bcryptjs') as { hashSync(password: string, rounds: number): string };
	return {
		N8N_SECURE_COOKIE: 'false',
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(owner.password, 10),
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
	};
}

/** A logged-in session on n8n's internal REST API (the one the editor uses, under /rest). */
export interface N8nRestSession {
	/** Sends `body` as JSON and returns the answer's `data`; throws with the status and body on a non-2xx answer. */
	request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', restPath: string, body?: unknown): Promise<T>;
}

/**
 * Logs in as the editor does (n8n 2.40.7: `POST /rest/login` with `{emailOrLdapLoginId, password}`, answered with the
 * `n8n-auth` cookie) and returns a session sending that cookie. The browser-id header is sent on every call because
 * n8n binds the session token to it.
 */
export async function loginToN8n(
	serverUrl: string,
	owner: Pick<N8nOwner, 'email' | 'password'> & Partial<N8nOwner>,
): Promise<N8nRestSession> {
	const browserId = `jk-e2e-${process.pid}`;
	let cookie = '';
	const request = async <T>(method: string, restPath: string, body?: unknown): Promise<T> => {
		const headers: Record<string, string> = { 'browser-id': browserId, accept: 'application/json' };
		if (cookie) headers.cookie = cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const response = await fetch(new URL(`/rest/${restPath.replace(/^\/+/, '')}`, serverUrl), {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(`n8n ${method} /rest/${restPath} answered HTTP ${response.status}: ${text.slice(0, 2000)}`);
		const authCookie = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (authCookie) cookie = authCookie.split(';')[0];
		return (JSON.parse(text) as { data: T }).data;
	};
	// n8n 1.x (issue 9, second e2e version) ignores N8N_INSTANCE_OWNER_MANAGED_BY_ENV: while its public settings say
	// no owner exists, claim ownership as the editor's set-up screen does (`POST /rest/owner/setup`).
	const settings = await request<{ userManagement?: { showSetupOnFirstLoad?: boolean } }>('GET', 'settings');
	if (settings.userManagement?.showSetupOnFirstLoad) {
		const { email, password, firstName = 'Owner', lastName = 'Owner' } = owner;
		await request('POST', 'owner/setup', { email, password, firstName, lastName });
	}
	await request('POST', 'login', { emailOrLdapLoginId: owner.email, password: owner.password });
	if (!cookie) throw new Error(`n8n login at ${serverUrl} set no n8n-auth cookie`);
	return { request };
}

/** Publishes (activates) or unpublishes a workflow through the running server; publishing runs its poll triggers once. */
export async function setWorkflowPublished(
	rest: N8nRestSession,
	workflowId: string,
	published: boolean,
): Promise<void> {
	if (!published) {
		await rest.request('POST', `workflows/${workflowId}/deactivate`, {});
		return;
	}
	const stored = await rest.request<{ versionId: string }>('GET', `workflows/${workflowId}`);
	await rest.request('POST', `workflows/${workflowId}/activate`, { versionId: stored.versionId });
}

/** An execution as n8n's execution list shows it. */
export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	stoppedAt?: string | null;
}

/** The stored executions (newest first), optionally of one workflow. Throws rather than return a partial list. */
export async function listExecutions(rest: N8nRestSession, workflowId?: string): Promise<ExecutionSummary[]> {
	const filter = workflowId ? `&filter=${encodeURIComponent(JSON.stringify({ workflowId }))}` : '';
	const page = await rest.request<{ count: number; results: ExecutionSummary[] }>(
		'GET',
		`executions?limit=100${filter}`,
	);
	if (page.count > page.results.length) {
		throw new Error(`n8n holds ${page.count} executions but listed ${page.results.length}; list them page by page`);
	}
	return page.results.map((execution) => ({ ...execution, id: String(execution.id) }));
}

const FINISHED_STATUSES = new Set(['success', 'error', 'crashed', 'canceled']);

/** Waits until an execution of the workflow that is not in `known` has finished; returns its summary. */
export async function waitForNewExecution(
	rest: N8nRestSession,
	workflowId: string,
	known: Set<string>,
	timeoutMs = 180_000,
): Promise<ExecutionSummary> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const fresh = (await listExecutions(rest, workflowId)).filter((execution) => !known.has(execution.id));
		const finished = fresh.find((execution) => FINISHED_STATUSES.has(execution.status));
		if (finished) return finished;
		if (Date.now() > deadline) {
			throw new Error(
				`no new execution of workflow ${workflowId} finished within ${timeoutMs / 1000}s (${fresh.length} started)`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** Waits until no execution of the workflow is still running. */
export async function waitForNoRunningExecution(
	rest: N8nRestSession,
	workflowId: string,
	timeoutMs = 180_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while ((await listExecutions(rest, workflowId)).some((execution) => !FINISHED_STATUSES.has(execution.status))) {
		if (Date.now() > deadline)
			throw new Error(`an execution of workflow ${workflowId} still runs after ${timeoutMs / 1000}s`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/**
 * One stored execution with its run data, as the editor loads it (`GET /rest/executions/:id`; the run data comes
 * flatted-encoded and is decoded with the flatted that n8n ships). The text n8n sent goes into the transcript.
 */
export async function fetchExecution(
	runtime: N8nRuntime,
	rest: N8nRestSession,
	id: string,
): Promise<ExecutionSummary & { run: ExecutionRun }> {
	const stored = await rest.request<ExecutionSummary & { data: string }>('GET', `executions/${id}`);
	recordTranscript(`n8n-execution-${id}`, JSON.stringify(stored));
	const flatted = createRequire(runtime.n8nBin)('flatted') as { parse(text: string): unknown };
	const data = flatted.parse(stored.data) as ExecutionRun['data'];
	return { ...stored, id: String(stored.id), run: { status: stored.status, data } };
}
