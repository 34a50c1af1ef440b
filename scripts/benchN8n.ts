/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, no-console */
/**
 * `npm run bench -- --n8n` — real n8n workflows, side by side, against the two emulators
 * with a remote-server latency model. The pinned n8n 2.40.7 (scripts/ensure-n8n.ts) runs each workflow with
 * `n8n execute`, with this package built from the working tree, packed and installed as n8n installs community nodes.
 *
 *   npm run bench -- --n8n                                   2,000, 10,000 and 100,000 records
 *   npm run bench -- --n8n --sizes 2000,10000 --json out.json
 *   npm run bench -- --n8n --sizes 2000 --queue-mode --markdown docs/benchmark.md   (the published figures)
 *   npm run bench -- --n8n --sizes 100000 --skip-stock-above 10000
 *
 * Workflows, each at every size (records = active shops in the Jikeyun emulator, all of which must end up as audited
 * customers in the Kingdee emulator for a run to count):
 * - sample    workflows/jikeyun-shops-to-kingdee-customers.json exactly as shipped (read at run time), full-resync
 *             path: manual trigger → Jikeyun Get Many → Set → Kingdee Batch Save (upsert), into an empty Kingdee;
 *   rerun     the same workflow again, nothing changed;
 *   renamed   the same workflow again after 1% of the shops were renamed in Jikeyun;
 * - tuned     the sample with Get Many page size 50, Batch Save batch size 20 and 5 parallel Kingdee sessions;
 * - stock     scripts/bench/stock-workflow.json: the same job with n8n's own nodes only (HTTP Request pagination with
 *             an MD5 signature expression, Split Out, Set, Loop Over Items + Aggregate, HTTP login/BatchSave/logout);
 * - empty     a workflow with only a manual trigger: n8n's start-up and shut-down time, subtracted as "net".
 *
 * Latency model (emulator faults): Jikeyun 50 ms per call; Kingdee 150 ms per call + 2 ms per saved row, calls of one
 * session queued one after another (as IIS does). Floor for the settings used, from the calls the run made:
 *   floor = Jikeyun: (pages − 1) × max(50 ms, 1000 ms / req-per-second limit) + 50 ms      (pages × 50 ms unpaced)
 *         + Kingdee: (all calls, logins and logouts included, × 150 ms + rows saved × 2 ms) / sessions opened
 * The two parts add up because n8n runs the nodes one after another. The Kingdee part assumes perfectly balanced
 * sessions, so it is a lower bound.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { jikeyunCredentialData, kingdeeCredentialData } from '../emulators/credentials';
import { METHOD_HANDLERS, filterSalesChannels } from '../emulators/jikeyun/methods';
import { startJikeyunEmulator, type JikeyunEmulator } from '../emulators/jikeyun/server';
import { startKingdeeEmulator, type KingdeeEmulator } from '../emulators/kingdee/server';
import type { KingdeeEmulatorStats } from '../emulators/kingdee/stats';
import {
	REPO_ROOT,
	createN8nInstance,
	credentialReferences,
	freePort,
	importCredentials,
	loginToN8n,
	ownerManagedByEnv,
	importWorkflow,
	packPackage,
	readWorkflow,
	runN8nCommand,
	stopAllN8nProcesses,
	type N8nInstance,
	type WorkflowJson,
	type WorkflowNodeJson,
} from '../testing/n8nInstance';
import { ensureN8n, type N8nRuntime } from '../testing/n8nRuntime';
import { machineFacts, type MachineFacts } from './benchMachine';
import { benchMarkdown, type ReportPart } from '../testing/benchMarkdown';
import {
	createQueueModeInstances,
	executionsStartedBy,
	startMain,
	startWorker,
	type QueueModeProcess,
} from '../testing/queueMode';
import { startPostgres, startRedis } from '../testing/services';
import { NODE_TYPE_PREFIX, SYNC_WORKFLOW_FILE } from '../testing/sampleSync';

export const N8N_LATENCY_MODEL = { jikeyunPerCallMs: 50, kingdeePerCallMs: 150, kingdeePerRowMs: 2 };

export const STOCK_WORKFLOW_FILE = path.join(REPO_ROOT, 'scripts', 'bench', 'stock-workflow.json');

/**
 * What a production user running big syncs sets: no execution data kept for successful runs (n8n would otherwise
 * serialise every item of a 100,000-record run into its database). Everything else is n8n's default: the V8 heap
 * limit (4 GB on this kind of machine), task runners in internal mode. N8N_PAYLOAD_SIZE_MAX only limits HTTP request
 * bodies sent to n8n (webhooks, REST), which `n8n execute` does not use, so it is left alone.
 */
export const PRODUCTION_ENV: NodeJS.ProcessEnv = {
	EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
	EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
	EXECUTIONS_DATA_SAVE_ON_PROGRESS: 'false',
};

const DEFAULT_SIZES = [2000, 10_000, 100_000];
const MAX_SIZE = 1_000_000;
const RENAMED_SHARE = 0.01;
const SAMPLE_INTERVAL_MS = 50;
const EMPTY_RUNS = 5;

type ScenarioId = 'sample' | 'rerun' | 'renamed' | 'tuned' | 'stock';
const SCENARIOS: ScenarioId[] = ['sample', 'rerun', 'renamed', 'tuned', 'stock'];

const SCENARIO_LABELS: Record<ScenarioId | 'empty', string> = {
	empty: 'empty workflow (start-up)',
	sample: '1 sample as shipped',
	rerun: '3a re-run, nothing changed',
	renamed: '3b re-run, 1% renamed',
	tuned: '2 page 50/batch 20/5 sessions',
	stock: '4 stock n8n workflow',
};

interface BenchN8nOptions {
	sizes: number[];
	scenarios: ScenarioId[];
	jsonFile?: string;
	/** Also the report as Markdown (docs/benchmark.md). */
	markdownFile?: string;
	skipStockAbove?: number;
	build: boolean;
	emulatorCache: boolean;
	keep: boolean;
	timeoutMinutes?: number;
	/** Runs of every workflow at every size; tables show the median run (by net time) and the range. */
	repeat: number;
	/** Also the queue-mode row: QUEUE_MODE_BENCH.executions concurrent executions of the first size over two workers. */
	queueMode: boolean;
}

export const BENCH_N8N_USAGE = `Usage: npm run bench -- --n8n [--sizes 2000,10000,100000] [--only sample,rerun,renamed,tuned,stock]
                            [--skip-stock-above N] [--json <file>] [--markdown <file>] [--no-build] [--no-emulator-cache] [--keep]
                            [--repeat N] [--timeout-min M] [--queue-mode]
  --sizes             record counts to run (default ${DEFAULT_SIZES.join(',')})
  --only              workflows to run (default all; rerun and renamed need sample)
  --skip-stock-above  do not run the stock workflow above N records (it is slow; the reason is printed)
  --json <file>       also write the results as JSON
  --markdown <file>   also write the report as Markdown (docs/benchmark.md is written this way)
  --no-build          use dist/ as it is instead of running \`npm run build\` first
  --no-emulator-cache let the Jikeyun emulator re-filter all shops on every page (its own O(N) per call)
  --keep              keep the n8n user folder (path printed)
  --repeat N          run everything N times (fresh emulators each time); tables show the median run and the range
  --timeout-min M     kill a workflow run after M minutes (default 30 + 0.04 s per record)
  --queue-mode        also run n8n in queue mode (main + 2 workers, Redis, Postgres): 10 concurrent executions of the
                      first size each, spread over the workers (needs redis-server and postgresql, see .ci/run)`;

export class UsageError extends Error {}

export function parseBenchN8nArguments(argv: string[]): BenchN8nOptions {
	const options: BenchN8nOptions = {
		sizes: DEFAULT_SIZES,
		scenarios: SCENARIOS,
		build: true,
		emulatorCache: true,
		keep: false,
		repeat: 1,
		queueMode: false,
	};
	const value = (flag: string, text: string | undefined) => {
		if (text === undefined || text.startsWith('--')) throw new UsageError(`${flag} needs a value`);
		return text;
	};
	const count = (flag: string, text: string) => {
		const n = Number(text.replace(/_/g, ''));
		if (!Number.isInteger(n) || n < 1 || n > MAX_SIZE)
			throw new UsageError(`${flag}: "${text}" is not a whole number from 1 to ${MAX_SIZE}`);
		return n;
	};
	for (let index = 0; index < argv.length; index++) {
		const [flag, inline] = argv[index].split('=', 2);
		const next = () => inline ?? value(flag, argv[++index]);
		if (flag === '--n8n') continue;
		else if (flag === '--sizes')
			options.sizes = next()
				.split(',')
				.map((part) => count(flag, part.trim()));
		else if (flag === '--only') {
			const wanted = next()
				.split(',')
				.map((part) => part.trim());
			const unknown = wanted.filter((id) => !SCENARIOS.includes(id as ScenarioId));
			if (unknown.length > 0) throw new UsageError(`--only: unknown workflow(s) ${unknown.join(', ')}`);
			options.scenarios = SCENARIOS.filter((id) => wanted.includes(id));
		} else if (flag === '--skip-stock-above') options.skipStockAbove = count(flag, next());
		else if (flag === '--json') options.jsonFile = next();
		else if (flag === '--markdown') options.markdownFile = next();
		else if (flag === '--repeat') options.repeat = count(flag, next());
		else if (flag === '--no-build') options.build = false;
		else if (flag === '--no-emulator-cache') options.emulatorCache = false;
		else if (flag === '--keep') options.keep = true;
		else if (flag === '--queue-mode') options.queueMode = true;
		else if (flag === '--timeout-min') {
			const minutes = Number(next());
			if (!(minutes > 0)) throw new UsageError('--timeout-min needs a positive number');
			options.timeoutMinutes = minutes;
		} else if (flag === '--help' || flag === '-h') {
			console.log(BENCH_N8N_USAGE);
			process.exit(0);
		} else throw new UsageError(`unknown argument "${flag}"`);
	}
	return options;
}

// ---------------------------------------------------------------------------------------------------------------
// Processes: CPU and memory of the n8n process tree, from /proc

const CLOCK_TICKS = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
	} catch {
		return 100;
	}
})();

interface ProcReading {
	ppid: number;
	cpuTicks: number;
	childCpuTicks: number;
	rssKb: number;
	hwmKb: number;
}

/** /proc/<pid>/stat fields after "pid (comm) ": index i is field i + 3 (ppid 4, utime 14, stime 15, cutime 16, cstime 17). */
function readProc(pid: number | 'self'): ProcReading | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const status = pid === 'self' ? '' : fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
		return {
			ppid: Number(fields[1]),
			cpuTicks: Number(fields[11]) + Number(fields[12]),
			childCpuTicks: Number(fields[13]) + Number(fields[14]),
			rssKb: kb('VmRSS'),
			hwmKb: kb('VmHWM'),
		};
	} catch {
		return undefined; // gone
	}
}

/** Busy CPU ticks of the whole machine (all cores) from /proc/stat: everything but idle and iowait. */
function machineBusyTicks(): number {
	try {
		const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
		const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
		void idle;
		void iowait;
		return user + nice + system + irq + softirq + (steal ?? 0);
	} catch {
		return 0;
	}
}

function childPids(pid: number): number[] {
	const pids: number[] = [];
	try {
		for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
			const text = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
			if (text) pids.push(...text.split(/\s+/).map(Number));
		}
	} catch {
		// gone
	}
	return pids;
}

function commandLine(pid: number): string {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
	} catch {
		return '';
	}
}

interface TrackedProcess {
	pid: number;
	role: 'main' | 'runner';
	command: string;
	cpuTicks: number;
	hwmKb: number;
	maxRssKb: number;
	/** (time, cpu ticks, rss kB) every SAMPLE_INTERVAL_MS. */
	samples: Array<[number, number, number]>;
}

/**
 * Samples every process below this one (n8n main and its task runner) and the emulators' call counters. Only one
 * n8n command runs at a time, so every child of this process is the n8n command being measured.
 */
class RunMonitor {
	readonly processes = new Map<number, TrackedProcess>();
	/** (time, Jikeyun calls, Kingdee calls) whenever a counter changed: "changed since the previous sample". */
	readonly callChanges: Array<[number, number, number]> = [];
	private timer?: NodeJS.Timeout;

	constructor(
		private readonly apiCalls: () => [number, number],
		/** Text in the command line of the n8n main process (this process has other children, e.g. tsx's esbuild). */
		private readonly mainMarker: string,
	) {}

	start(): void {
		this.callChanges.push([Date.now(), ...this.apiCalls()]);
		this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
	}

	sample(): void {
		const now = Date.now();
		const [jikeyun, kingdee] = this.apiCalls();
		const [, lastJikeyun, lastKingdee] = this.callChanges[this.callChanges.length - 1];
		if (jikeyun !== lastJikeyun || kingdee !== lastKingdee) this.callChanges.push([now, jikeyun, kingdee]);
		const queue: Array<{ pid: number; role: TrackedProcess['role'] }> = childPids(process.pid)
			.filter((pid) => this.processes.has(pid) || commandLine(pid).includes(this.mainMarker))
			.map((pid) => ({ pid, role: 'main' }));
		while (queue.length > 0) {
			const { pid, role } = queue.shift()!;
			const reading = readProc(pid);
			if (!reading) continue;
			let tracked = this.processes.get(pid);
			if (!tracked) {
				tracked = { pid, role, command: commandLine(pid), cpuTicks: 0, hwmKb: 0, maxRssKb: 0, samples: [] };
				this.processes.set(pid, tracked);
			}
			tracked.cpuTicks = reading.cpuTicks;
			tracked.hwmKb = Math.max(tracked.hwmKb, reading.hwmKb);
			tracked.maxRssKb = Math.max(tracked.maxRssKb, reading.rssKb);
			tracked.samples.push([now, reading.cpuTicks, reading.rssKb]);
			for (const child of childPids(pid)) queue.push({ pid: child, role: 'runner' });
		}
	}

	/** CPU seconds of the tree (or of one role) between two instants (from the samples: ± one interval at each end). */
	cpuSecondsBetween(from: number, to: number, role?: TrackedProcess['role']): number {
		let ticks = 0;
		for (const tracked of this.processes.values()) {
			if (role && tracked.role !== role) continue;
			const at = (t: number) => {
				let value = 0;
				for (const [time, cpu] of tracked.samples) {
					if (time > t) break;
					value = cpu;
				}
				return value;
			};
			ticks += at(to) - at(from);
		}
		return ticks / CLOCK_TICKS;
	}

	/**
	 * Phases of a run from the call counters: reading (first to last Jikeyun call), in between (no API calls: n8n's
	 * Set node and the nodes' own work before and after their calls), saving (first Kingdee call after the reading
	 * to the last Kingdee call). Each change is seen up to one interval late, so windows start one interval early.
	 */
	phases():
		| { first: number; last: number; read?: [number, number]; between?: [number, number]; save?: [number, number] }
		| undefined {
		const changes = this.callChanges;
		if (changes.length < 2) return undefined;
		const [, j0, k0] = changes[0];
		const [, jEnd, kEnd] = changes[changes.length - 1];
		const first = changes[1][0] - SAMPLE_INTERVAL_MS;
		const last = changes[changes.length - 1][0];
		const result: ReturnType<RunMonitor['phases']> = { first, last };
		if (jEnd === j0) return result;
		const jFirst = changes.find(([, j]) => j !== j0)![0];
		const jLastIndex = changes.findIndex(([, j]) => j === jEnd);
		const jLast = changes[jLastIndex][0];
		result.read = [jFirst - SAMPLE_INTERVAL_MS, jLast];
		const kBefore = changes[jLastIndex - 1]?.[2] ?? k0;
		const kStart = changes.slice(jLastIndex).find(([, , k]) => k !== kBefore)?.[0];
		if (kStart === undefined || kEnd === k0) return result;
		result.between = [jLast, Math.max(jLast, kStart - SAMPLE_INTERVAL_MS)];
		result.save = [Math.max(jLast, kStart - SAMPLE_INTERVAL_MS), last];
		return result;
	}

	/** Highest RSS of the main process sampled between two instants. */
	mainMaxRssKbBetween(from: number, to: number): number {
		let max = 0;
		for (const tracked of this.processes.values()) {
			if (tracked.role !== 'main') continue;
			for (const [time, , rss] of tracked.samples) if (time >= from && time <= to) max = Math.max(max, rss);
		}
		return max;
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Emulators

/**
 * The Jikeyun emulator filters and sorts every shop again on every erp.sales.get page (≈80 ms at 100,000 shops,
 * more than the 50 ms the latency model grants the whole call). A real gateway answers from an index. The benchmark
 * keeps the filtered list between calls and hands the emulator's own handler just the page, so the answer is
 * byte-for-byte what the emulator would send; the list is rebuilt when the filters, the shop list or `version` change.
 */
const salesChannelCache = { enabled: true, version: 0 };
function installSalesChannelCache(): void {
	const original = METHOD_HANDLERS['erp.sales.get'];
	type Stored = Parameters<typeof original>[1]['shops'];
	let cached: { key: string; version: number; shops: Stored; length: number; rows: Stored } | undefined;
	const plainCount = (value: unknown) =>
		value === undefined ||
		(typeof value === 'number' && Number.isInteger(value)) ||
		(typeof value === 'string' && /^\d+$/.test(value.trim()));
	METHOD_HANDLERS['erp.sales.get'] = (bizcontent, data) => {
		const { pageIndex, pageSize, ...filters } = bizcontent;
		const index = Number(pageIndex ?? 0);
		const size = Number(pageSize ?? 50);
		// Anything unusual (bad paging values the emulator must reject) goes to the emulator untouched.
		if (!salesChannelCache.enabled || !plainCount(pageIndex) || !plainCount(pageSize) || !(size >= 1 && size <= 200)) {
			return original(bizcontent, data);
		}
		const key = JSON.stringify(filters);
		if (
			!cached ||
			cached.key !== key ||
			cached.version !== salesChannelCache.version ||
			cached.shops !== data.shops ||
			cached.length !== data.shops.length
		) {
			cached = {
				key,
				version: salesChannelCache.version,
				shops: data.shops,
				length: data.shops.length,
				rows: filterSalesChannels(filters, data.shops),
			};
		}
		// The emulator's own handler formats the page (re-filtering and sorting just these rows changes nothing).
		const page = cached.rows.slice(index * size, index * size + size);
		return original({ ...filters, pageIndex: 0, pageSize: size }, { ...data, shops: page });
	};
}

interface Emulators {
	jikeyun: JikeyunEmulator;
	kingdee: KingdeeEmulator;
}

async function startJikeyun(port: number, records: number): Promise<JikeyunEmulator> {
	const jikeyun = await startJikeyunEmulator({
		port,
		shopCount: records,
		seed: 20_240_601,
		faults: { latencyMs: N8N_LATENCY_MODEL.jikeyunPerCallMs },
	});
	// The seed stops or deletes a few shops (hidden by the gateway by default); make them all active, so every
	// workflow, whatever its filters, reads exactly `records` shops.
	const inactive = jikeyun
		.listShops()
		.filter((shop) => Number(shop.isBlockup ?? 0) !== 0 || Number(shop.isDelete ?? 0) !== 0)
		.map((shop) => shop.channelCode);
	if (inactive.length > 0) jikeyun.modifyShops(inactive, { isBlockup: 0, isDelete: 0 });
	salesChannelCache.version++;
	return jikeyun;
}

async function startKingdee(port: number): Promise<KingdeeEmulator> {
	return await startKingdeeEmulator({
		port,
		faults: { latencyMs: N8N_LATENCY_MODEL.kingdeePerCallMs, perRowLatencyMs: N8N_LATENCY_MODEL.kingdeePerRowMs },
	});
}

/** Every shop is exactly one audited customer with the mapped number and (trimmed) name; nothing else exists. */
function verifyCustomers(
	emulators: Emulators,
	records: number,
): { ok: boolean; mirrored: number; customers: number; problems: string[] } {
	const shops = emulators.jikeyun.listShops();
	const customers = emulators.kingdee.records('BD_Customer');
	const byNumber = new Map<string, Array<Record<string, unknown>>>();
	for (const customer of customers) {
		const number = String(customer.FNumber);
		byNumber.set(number, [...(byNumber.get(number) ?? []), customer]);
	}
	const problems: string[] = [];
	let mirrored = 0;
	for (const shop of shops) {
		const matches = byNumber.get(shop.channelCode) ?? [];
		const customer = matches[0];
		if (matches.length !== 1) problems.push(`${shop.channelCode}: ${matches.length} customers`);
		else if (customer.FName !== shop.channelName.trim())
			problems.push(`${shop.channelCode}: FName ${JSON.stringify(customer.FName).slice(0, 60)}`);
		else if (customer.FDocumentStatus !== 'C')
			problems.push(`${shop.channelCode}: FDocumentStatus ${String(customer.FDocumentStatus)}`);
		else mirrored++;
	}
	if (shops.length !== records) problems.unshift(`Jikeyun holds ${shops.length} shops, expected ${records}`);
	return {
		ok: mirrored === records && customers.length === records,
		mirrored,
		customers: customers.length,
		problems: problems.slice(0, 5),
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Workflows

/** Defaults the built nodes fall back to when an option is not set in the workflow (read from dist/). */
interface NodeDefaults {
	jikeyunRequestsPerSecond?: number;
	kingdeeParallelRequests?: number;
}

export async function readNodeDefaults(): Promise<NodeDefaults> {
	const load = async (file: string): Promise<Record<string, unknown> | undefined> => {
		try {
			return (await import(path.join(REPO_ROOT, 'dist', 'nodes', file))) as Record<string, unknown>;
		} catch {
			return undefined; // reported as unknown
		}
	};
	const jikeyun = (await load('Jikeyun/transport.js'))?.DEFAULT_JIKEYUN_CALL_OPTIONS as
		| { requestsPerSecond?: number }
		| undefined;
	const kingdee = (await load('Kingdee/transport.js'))?.DEFAULT_KINGDEE_TRANSPORT_OPTIONS as
		| { parallelRequests?: number }
		| undefined;
	return { jikeyunRequestsPerSecond: jikeyun?.requestsPerSecond, kingdeeParallelRequests: kingdee?.parallelRequests };
}

function findPackageNode(workflow: WorkflowJson, type: string, operation: string): WorkflowNodeJson {
	const node = workflow.nodes.find(
		(n) => n.type === `${NODE_TYPE_PREFIX}${type}` && n.parameters.operation === operation,
	);
	if (!node) throw new Error(`workflow ${workflow.id} has no ${type} node with operation ${operation}`);
	return node;
}

/** Settings a run used, as configured (the floor uses the calls actually made). */
interface RunSettings {
	text: string;
	/** Client-side Jikeyun limit in requests per second (0 = none), or undefined when unknown. */
	requestsPerSecond?: number;
}

export function packageSettings(workflow: WorkflowJson, defaults: NodeDefaults): RunSettings {
	const getMany = findPackageNode(workflow, 'jikeyun', 'getAll');
	const batchSave = findPackageNode(workflow, 'kingdee', 'batchSave');
	const readOptions = (node: WorkflowNodeJson) => (node.parameters.options ?? {}) as Record<string, unknown>;
	const getOptions = readOptions(getMany);
	const saveOptions = readOptions(batchSave);
	const rpsConfigured = getOptions.requestsPerSecond;
	const requestsPerSecond = rpsConfigured !== undefined ? Number(rpsConfigured) : defaults.jikeyunRequestsPerSecond;
	const sessions = saveOptions.parallelRequests ?? `${defaults.kingdeeParallelRequests ?? '?'} (default)`;
	const text = [
		`page ${String(getOptions.pageSize ?? 'default')}`,
		requestsPerSecond === undefined
			? 'pacing unknown'
			: requestsPerSecond > 0
				? `${requestsPerSecond} req/s${rpsConfigured === undefined ? ' (default)' : ''}`
				: 'no pacing',
		`batch ${String(batchSave.parameters.batchSize ?? 'default')}`,
		`${String(sessions)} session(s)`,
		batchSave.parameters.upsertByNumber === true ? 'upsert' : 'no upsert',
	].join(', ');
	return { text, requestsPerSecond };
}

function tunedWorkflow(sample: WorkflowJson): WorkflowJson {
	const tuned = JSON.parse(JSON.stringify(sample)) as WorkflowJson;
	tuned.id = 'benchTunedSync01';
	tuned.name = `${sample.name} (bench: page 50, batch 20, 5 sessions)`;
	const getMany = findPackageNode(tuned, 'jikeyun', 'getAll');
	const batchSave = findPackageNode(tuned, 'kingdee', 'batchSave');
	getMany.parameters.options = { ...((getMany.parameters.options ?? {}) as object), pageSize: 50 };
	batchSave.parameters.batchSize = 20;
	batchSave.parameters.options = { ...((batchSave.parameters.options ?? {}) as object), parallelRequests: 5 };
	return tuned;
}

export const EMPTY_WORKFLOW: WorkflowJson = {
	id: 'benchEmptyWf0001',
	name: 'Bench: empty workflow (n8n start-up time)',
	nodes: [
		{
			id: 'f0e1d2c3-0000-4000-8000-000000000001',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
};

interface Assignment {
	name: string;
	value: unknown;
}

/**
 * Points a stock workflow's Settings node at the running emulators: it holds the URLs and secrets, as a user without
 * this package would keep them. Shared by the shops and the orders benchmark; returns its assignments.
 */
export function pointStockSettingsAt(stock: WorkflowJson, file: string, emulators: Emulators): Assignment[] {
	const settingsNode = stock.nodes.find((n) => n.name === 'Settings');
	if (!settingsNode) throw new Error(`${file} has no "Settings" node`);
	const assignments = (settingsNode.parameters.assignments as { assignments: Assignment[] }).assignments;
	const set = (name: string, value: unknown) => {
		const assignment = assignments.find((a) => a.name === name);
		if (!assignment) throw new Error(`${file}: the Settings node has no "${name}"`);
		assignment.value = value;
	};
	const jikeyun = jikeyunCredentialData(emulators.jikeyun);
	const kingdee = kingdeeCredentialData(emulators.kingdee, 'password');
	set('jikeyunGatewayUrl', jikeyun.gatewayUrl);
	set('jikeyunAppKey', jikeyun.appKey);
	set('jikeyunAppSecret', jikeyun.appSecret);
	set('kingdeeServerUrl', kingdee.serverUrl);
	set('kingdeeAcctId', kingdee.acctId);
	set('kingdeeUsername', kingdee.username);
	set('kingdeePassword', kingdee.password);
	set('kingdeeLcid', kingdee.lcid);
	return assignments;
}

/**
 * The stock workflow pointed at the running emulators (its Settings node holds URLs and secrets, as a user without
 * this package would keep them), with the sample's own Set node parameters so both map shops identically.
 */
function stockWorkflow(sample: WorkflowJson, emulators: Emulators): { workflow: WorkflowJson; settings: RunSettings } {
	const stock = readWorkflow(STOCK_WORKFLOW_FILE);
	const assignments = pointStockSettingsAt(stock, STOCK_WORKFLOW_FILE, emulators);
	const sampleSet = sample.nodes.find((n) => n.type === 'n8n-nodes-base.set');
	const stockSet = stock.nodes.find((n) => n.type === 'n8n-nodes-base.set' && n.name !== 'Settings');
	if (sampleSet && stockSet) {
		stockSet.parameters = JSON.parse(JSON.stringify(sampleSet.parameters)) as Record<string, unknown>;
		stockSet.typeVersion = sampleSet.typeVersion;
	}
	const pageSize = assignments.find((a) => a.name === 'pageSize')?.value;
	const loop = stock.nodes.find((n) => n.type === 'n8n-nodes-base.splitInBatches');
	const text = `page ${String(pageSize)}, no pacing, batch ${String(loop?.parameters.batchSize ?? '?')}, 1 session, creates only (no upsert)`;
	return { workflow: stock, settings: { text, requestsPerSecond: 0 } };
}

// ---------------------------------------------------------------------------------------------------------------
// One measured run

interface KingdeeCallCounts {
	login: number;
	query: number;
	save: number;
	unAudit: number;
	audit: number;
	submit: number;
	logout: number;
	other: number;
	total: number;
}

function kingdeeCallCounts(byService: Record<string, number>): KingdeeCallCounts {
	const counts: KingdeeCallCounts = {
		login: 0,
		query: 0,
		save: 0,
		unAudit: 0,
		audit: 0,
		submit: 0,
		logout: 0,
		other: 0,
		total: 0,
	};
	for (const [service, n] of Object.entries(byService)) {
		counts.total += n;
		if (/^(ValidateUser|ValidateUser2|ValidateUserEnDeCode|LoginBy)/i.test(service)) counts.login += n;
		else if (/^(ExecuteBillQuery|BillQuery|View)$/i.test(service)) counts.query += n;
		else if (/^(BatchSave|Save)$/i.test(service)) counts.save += n;
		else if (/^UnAudit$/i.test(service)) counts.unAudit += n;
		else if (/^Audit$/i.test(service)) counts.audit += n;
		else if (/^Submit$/i.test(service)) counts.submit += n;
		else if (/^Logout$/i.test(service)) counts.logout += n;
		else counts.other += n;
	}
	return counts;
}

export interface RunResult {
	records: number;
	repetition: number;
	/** Set on the run a table shows when --repeat > 1: min and max net time of its repetitions. */
	netRangeMs?: [number, number];
	scenario: ScenarioId | 'empty';
	label: string;
	settings: string;
	status: 'ok' | 'failed' | 'skipped' | 'interrupted';
	note: string;
	exitCode: number | null;
	exitSignal: string | null;
	wallMs: number;
	netMs: number;
	apiSpanMs: number;
	floor?: {
		jikeyunMs: number;
		kingdeeMs: number;
		totalMs: number;
		pages: number;
		kingdeeCalls: number;
		rowsSaved: number;
		sessions: number;
		requestsPerSecond: number;
	};
	netOverFloor?: number;
	recordsPerSecond?: number;
	jikeyunCalls: number;
	kingdeeCalls: KingdeeCallCounts;
	kingdeeByService: Record<string, number>;
	maxRowsPerSave: number;
	sessionsLost: number;
	verified?: { mirrored: number; customers: number; problems: string[] };
	mainPeakRssMb: number;
	mainPeakRssDuringApiMb: number;
	/**
	 * Peak RSS of n8n main until n8n's \`workflow.postExecute\` hook (RUN_FINISHED_HOOK_FILE): the run and the saving
	 * of its execution, without \`n8n execute\`'s own \`JSON.stringify(data, null, 2)\` of every node's output for
	 * printing (0: the hook did not run).
	 */
	mainPeakRssUntilFinishedMb: number;
	runnerPeakRssMb: number;
	runnerCount: number;
	cpuTreeS: number;
	cpuApiWindowS: number;
	cpuApiWindowMainS: number;
	/** From the start of \`n8n execute\` to the first API call, and from the last API call to its exit. */
	toFirstCallMs: number;
	afterLastCallMs: number;
	/** Wall time and CPU of n8n (main + runner) per phase, see RunMonitor.phases. */
	phases: Record<'read' | 'between' | 'save', { ms: number; cpuS: number } | undefined>;
	cpuUsPerRecordVsEmpty?: number;
	cpuUsPerRecordApiWindow?: number;
	emulatorCpuS: number;
	/** CPU the rest of the machine used meanwhile (other people's processes): high values mean a disturbed run. */
	otherCpuS: number;
	stderrTail?: string;
}

export function emptyRunResult(records: number, scenario: ScenarioId | 'empty', settings: string): RunResult {
	return {
		records,
		repetition: 1,
		scenario,
		label: SCENARIO_LABELS[scenario],
		settings,
		status: 'skipped',
		note: '',
		exitCode: null,
		exitSignal: null,
		wallMs: 0,
		netMs: 0,
		apiSpanMs: 0,
		jikeyunCalls: 0,
		kingdeeCalls: kingdeeCallCounts({}),
		kingdeeByService: {},
		maxRowsPerSave: 0,
		sessionsLost: 0,
		mainPeakRssMb: 0,
		mainPeakRssDuringApiMb: 0,
		mainPeakRssUntilFinishedMb: 0,
		runnerPeakRssMb: 0,
		runnerCount: 0,
		cpuTreeS: 0,
		cpuApiWindowS: 0,
		cpuApiWindowMainS: 0,
		toFirstCallMs: 0,
		afterLastCallMs: 0,
		phases: { read: undefined, between: undefined, save: undefined },
		emulatorCpuS: 0,
		otherCpuS: 0,
	};
}

/**
 * An n8n external hook (scripts/bench/run-finished-hook.cjs) that writes the time of `workflow.postExecute` (the run
 * ended, its execution saved) to $BENCH_RUN_FINISHED_FILE: after it, `n8n execute` only stringifies the whole result
 * for printing (n8n/dist/commands/execute.js), which is the CLI's memory, not the run's.
 */
const RUN_FINISHED_HOOK_FILE = path.join(REPO_ROOT, 'scripts', 'bench', 'run-finished-hook.cjs');

function readRunFinished(markerFile: string): number | undefined {
	try {
		const at = Number(fs.readFileSync(markerFile, 'utf8'));
		return Number.isFinite(at) && at > 0 ? at : undefined;
	} catch {
		return undefined;
	} finally {
		fs.rmSync(path.dirname(markerFile), { recursive: true, force: true });
	}
}

/** `BENCH_CPU_PROF_DIR=<dir>`: n8n's processes write V8 CPU profiles there (open in Chrome DevTools → Performance). */
function profilerEnv(): NodeJS.ProcessEnv {
	const dir = process.env.BENCH_CPU_PROF_DIR;
	return dir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${path.resolve(dir)}` } : {};
}

/**
 * The package as it is in the working tree (built first unless `build` is false), packed and installed into a fresh
 * n8n under `workDir` with production settings: the instance both benchmarks run their workflows in, and the tarball
 * (queue mode installs it into its own instances).
 */
export function benchN8nInstance(
	runtime: N8nRuntime,
	workDir: string,
	build: boolean,
	log: (line: string) => void,
): { instance: N8nInstance; tarball: string } {
	if (build) {
		log('[bench:n8n] npm run build (the package as it is in the working tree) …');
		const built = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
		if (built.status !== 0)
			throw new Error(`npm run build failed (exit ${built.status}):\n${built.stdout}\n${built.stderr}`);
	}
	const tarball = packPackage(workDir, log);
	const instance = createN8nInstance({
		runtime,
		userFolder: path.join(workDir, 'n8n-user'),
		tarball,
		log,
		extraEnv: PRODUCTION_ENV,
	});
	return { instance, tarball };
}

export async function measuredExecute(
	instance: N8nInstance,
	workflowId: string,
	emulators: Emulators | undefined,
	timeoutMs: number,
	result: RunResult,
): Promise<void> {
	emulators?.jikeyun.resetStats();
	emulators?.kingdee.resetStats();
	const monitor = new RunMonitor(
		() => (emulators ? [emulators.jikeyun.stats().calls, emulators.kingdee.stats().calls] : [0, 0]),
		instance.runtime.n8nBin,
	);
	const childCpuBefore = readProc('self')?.childCpuTicks ?? 0;
	const harnessCpuBefore = process.cpuUsage();
	const busyBefore = machineBusyTicks();
	monitor.start();
	const started = Date.now();
	const finishedMarker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-run-')), 'finished');
	// Log level warn: `n8n execute` still builds the execution JSON, but does not print it (it prints at info).
	const command = await runN8nCommand(instance, ['execute', `--id=${workflowId}`], {
		timeoutMs,
		env: {
			N8N_LOG_LEVEL: 'warn',
			EXTERNAL_HOOK_FILES: RUN_FINISHED_HOOK_FILE,
			BENCH_RUN_FINISHED_FILE: finishedMarker,
			...profilerEnv(),
		},
	});
	const ended = Date.now();
	monitor.sample();
	monitor.stop();
	const harnessCpu = process.cpuUsage(harnessCpuBefore);
	result.exitCode = command.code;
	result.exitSignal = command.signal;
	result.wallMs = ended - started;
	// Exact for n8n main and whatever it reaped; a task runner that outlived main (killed with the process group
	// afterwards) is not in there, so take the sampled sum when it is larger.
	const reapedTicks = (readProc('self')?.childCpuTicks ?? 0) - childCpuBefore;
	const sampledTicks = [...monitor.processes.values()].reduce((sum, p) => sum + p.cpuTicks, 0);
	result.cpuTreeS = Math.max(reapedTicks, sampledTicks) / CLOCK_TICKS;
	result.emulatorCpuS = (harnessCpu.user + harnessCpu.system) / 1e6;
	result.otherCpuS = Math.max(
		0,
		(machineBusyTicks() - busyBefore) / CLOCK_TICKS - result.cpuTreeS - result.emulatorCpuS,
	);
	const processes = [...monitor.processes.values()];
	const runners = processes.filter((p) => p.role === 'runner');
	result.mainPeakRssMb = Math.max(0, ...processes.filter((p) => p.role === 'main').map((p) => p.hwmKb)) / 1024;
	result.runnerPeakRssMb = Math.max(0, ...runners.map((p) => p.hwmKb)) / 1024;
	result.runnerCount = runners.length;
	const finishedAt = readRunFinished(finishedMarker);
	if (finishedAt !== undefined)
		result.mainPeakRssUntilFinishedMb = monitor.mainMaxRssKbBetween(started, finishedAt) / 1024;
	const phases = monitor.phases();
	if (phases) {
		const { first, last } = phases;
		result.apiSpanMs = last - first;
		result.cpuApiWindowS = monitor.cpuSecondsBetween(first, last);
		result.cpuApiWindowMainS = monitor.cpuSecondsBetween(first, last, 'main');
		result.toFirstCallMs = first - started;
		result.afterLastCallMs = ended - last;
		result.mainPeakRssDuringApiMb = monitor.mainMaxRssKbBetween(first, last) / 1024;
		for (const name of ['read', 'between', 'save'] as const) {
			const window = phases[name];
			if (window)
				result.phases[name] = { ms: window[1] - window[0], cpuS: monitor.cpuSecondsBetween(window[0], window[1]) };
		}
	}
	if (command.code !== 0) {
		result.stderrTail = `${command.stdout}\n${command.stderr}`.trim().split('\n').slice(-15).join('\n').slice(-3000);
	}
	if (emulators) {
		const jikeyunStats = emulators.jikeyun.stats();
		const kingdeeStats = emulators.kingdee.stats();
		result.jikeyunCalls = jikeyunStats.calls;
		result.kingdeeByService = kingdeeStats.byService;
		result.kingdeeCalls = kingdeeCallCounts(kingdeeStats.byService);
		result.sessionsLost = kingdeeStats.sessionsLost;
		const saves = kingdeeStats.writeLog.filter((entry) => /^(BatchSave|Save)$/i.test(entry.service));
		result.maxRowsPerSave = Math.max(0, ...saves.map((entry) => entry.numbers.length));
		result.floor = runFloor(
			jikeyunStats.byMethod['erp.sales.get'] ?? 0,
			result.floor?.requestsPerSecond ?? 0,
			kingdeeStats,
		);
	}
}

/**
 * The floor of a run from the calls it really made: Jikeyun (pages − 1) × max(50 ms, 1 s / the client's pacing) + 50 ms
 * (pages × 50 ms unpaced), plus Kingdee (calls × 150 ms + rows saved × 2 ms) / sessions opened.
 */
export function runFloor(
	pages: number,
	requestsPerSecond: number,
	kingdee: Pick<KingdeeEmulatorStats, 'calls' | 'logins' | 'writeLog'>,
): NonNullable<RunResult['floor']> {
	const rowsSaved = kingdee.writeLog
		.filter((entry) => /^(BatchSave|Save)$/i.test(entry.service))
		.reduce((sum, entry) => sum + entry.numbers.length, 0);
	const perPage =
		requestsPerSecond > 0
			? Math.max(N8N_LATENCY_MODEL.jikeyunPerCallMs, 1000 / requestsPerSecond)
			: N8N_LATENCY_MODEL.jikeyunPerCallMs;
	const jikeyunMs = pages > 0 ? (pages - 1) * perPage + N8N_LATENCY_MODEL.jikeyunPerCallMs : 0;
	const sessions = Math.max(1, kingdee.logins);
	const kingdeeMs =
		(kingdee.calls * N8N_LATENCY_MODEL.kingdeePerCallMs + rowsSaved * N8N_LATENCY_MODEL.kingdeePerRowMs) / sessions;
	return {
		jikeyunMs,
		kingdeeMs,
		totalMs: jikeyunMs + kingdeeMs,
		pages,
		kingdeeCalls: kingdee.calls,
		rowsSaved,
		sessions,
		requestsPerSecond,
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Printing

const fixed = (value: number | undefined, digits = 1) =>
	value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
const grouped = (value: number | undefined) =>
	value === undefined || !Number.isFinite(value) ? '-' : Math.round(value).toLocaleString('en-US');

/** Everything the report prints, in order, for --markdown (testing/benchMarkdown.ts). */
const reportParts: ReportPart[] = [];

function say(text = ''): void {
	console.log(text);
	for (const line of text.split('\n')) reportParts.push({ kind: 'text', line });
}

function printTable(heading: string, title: string, header: string[], rows: string[][]): void {
	reportParts.push({ kind: 'table', heading, title, header, rows });
	const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
	const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => /^[-\d.,×x]+$/.test(row[column])));
	const line = (cells: string[]) =>
		cells
			.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
			.join('  ')
			.trimEnd();
	console.log(`\n${title}`);
	console.log(line(header));
	console.log(widths.map((width) => '-'.repeat(width)).join('  '));
	for (const row of rows) console.log(line(row));
}

function callsText(c: KingdeeCallCounts): string {
	const parts = [`login ${c.login}`, `query ${c.query}`, `save ${c.save}`];
	if (c.unAudit) parts.push(`unaudit ${c.unAudit}`);
	if (c.audit) parts.push(`audit ${c.audit}`);
	if (c.submit) parts.push(`submit ${c.submit}`);
	parts.push(`logout ${c.logout}`);
	if (c.other) parts.push(`other ${c.other}`);
	return parts.join(', ');
}

/** How long the emulators' timers really sleep (Node timers overshoot; the per-row 2 ms is the most affected). */
async function timerCalibration(): Promise<Record<string, number>> {
	const measure = async (ms: number, times: number) => {
		const start = process.hrtime.bigint();
		for (let i = 0; i < times; i++) await new Promise((resolve) => setTimeout(resolve, ms));
		return Number(process.hrtime.bigint() - start) / 1e6 / times;
	};
	return { '2': await measure(2, 200), '50': await measure(50, 10), '150': await measure(150, 5) };
}

interface ReportContext {
	options: BenchN8nOptions;
	machine: MachineFacts;
	runtime: { cacheRoot: string };
	calibration: Record<string, number>;
	nodeDefaults: NodeDefaults;
	startedAt: number;
	startupMs: number;
	startupCpuS: number;
	emptyRuns: RunResult[];
	emptySummary: RunResult;
	results: RunResult[];
	queueMode?: QueueModeResult;
	interrupted?: string;
}

/** CPU per extra record between two sizes: constant costs (start-up, loading node code, the first calls) cancel. */
function marginalCpu(runs: RunResult[]) {
	const nodeCpuS = (r: RunResult) => (r.phases.read?.cpuS ?? 0) + (r.phases.save?.cpuS ?? 0);
	const marginal: Array<{
		scenario: ScenarioId;
		from: number;
		to: number;
		nodeUs: number;
		betweenUs: number;
		apiWindowUs: number;
		wholeCommandUs: number;
	}> = [];
	for (const scenario of ['sample', 'rerun', 'tuned', 'stock'] as const) {
		const ok = runs.filter((r) => r.scenario === scenario && r.status === 'ok').sort((a, b) => a.records - b.records);
		for (let i = 1; i < ok.length; i++) {
			const [a, b] = [ok[i - 1], ok[i]];
			if (b.records === a.records) continue;
			const per = (x: number, y: number) => ((y - x) * 1e6) / (b.records - a.records);
			marginal.push({
				scenario,
				from: a.records,
				to: b.records,
				nodeUs: per(nodeCpuS(a), nodeCpuS(b)),
				betweenUs: per(a.phases.between?.cpuS ?? 0, b.phases.between?.cpuS ?? 0),
				apiWindowUs: per(a.cpuApiWindowS, b.cpuApiWindowS),
				wholeCommandUs: per(a.cpuTreeS, b.cpuTreeS),
			});
		}
	}
	return marginal;
}

/** One run per size and workflow: the median by net time of the finished repetitions, with their range. */
function representativeRuns(results: RunResult[]): RunResult[] {
	const groups = new Map<string, RunResult[]>();
	for (const r of results) {
		if (r.scenario === 'empty') continue;
		const key = `${r.records} ${r.scenario}`;
		groups.set(key, [...(groups.get(key) ?? []), r]);
	}
	return [...groups.values()].map((group) => {
		const finished = group.filter((r) => r.status === 'ok').sort((a, b) => a.netMs - b.netMs);
		if (finished.length === 0) return group.find((r) => r.status === 'failed') ?? group[0];
		const chosen = finished[Math.floor((finished.length - 1) / 2)];
		if (group.length === 1) return chosen;
		return {
			...chosen,
			netRangeMs: [finished[0].netMs, finished[finished.length - 1].netMs] as [number, number],
			note: [chosen.note, `${finished.length} of ${group.length} repetitions ok`].filter(Boolean).join('; '),
		};
	});
}

function printReport(context: ReportContext): void {
	const { options, machine, runtime, calibration, startupMs, emptySummary, results } = context;
	const totalMs = Date.now() - context.startedAt;
	if (context.interrupted) say(`\nINTERRUPTED (${context.interrupted}): the report covers the runs that finished.`);
	say(
		`\nMachine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, harness Node ${machine.node}, ${machine.platform}; ` +
			`n8n 2.40.7 under Node 24 from ${runtime.cacheRoot}`,
	);
	say(
		`Commit: ${machine.commit}${machine.modifiedFiles.length ? ` + uncommitted changes in ${machine.modifiedFiles.length} tracked file(s): ${machine.modifiedFiles.join(', ')}` : ' (clean tree)'}; ${machine.date}`,
	);
	say(
		`n8n environment: ${Object.entries(PRODUCTION_ENV)
			.map(([k, v]) => `${k}=${v}`)
			.join(' ')} (rest default; \`n8n execute\`, SQLite)`,
	);
	say(
		`Latency model: Jikeyun ${N8N_LATENCY_MODEL.jikeyunPerCallMs} ms/call; Kingdee ${N8N_LATENCY_MODEL.kingdeePerCallMs} ms/call + ${N8N_LATENCY_MODEL.kingdeePerRowMs} ms/saved row, one session's calls queued. ` +
			`Emulator timers really sleep ${fixed(calibration['2'], 2)} / ${fixed(calibration['50'], 1)} / ${fixed(calibration['150'], 1)} ms for 2 / 50 / 150 ms.`,
	);
	say(
		'Floor = Jikeyun (pages − 1) × max(50 ms, 1 s / req-per-s limit) + 50 ms  +  Kingdee (calls × 150 ms + rows saved × 2 ms) / sessions opened; calls as made by the run, logins and logouts included.',
	);
	say(
		`Net = wall − ${(startupMs / 1000).toFixed(2)} s (empty workflow, ${emptySummary.note}). Jikeyun emulator page cache ${options.emulatorCache ? 'on' : 'off'}.`,
	);

	const runs = representativeRuns(results);
	const repeated = options.repeat > 1;
	if (repeated)
		say(
			`\nEach workflow ran ${options.repeat} times per size; the tables show the median run by net time, "net range" all of them.`,
		);
	say('\nWorkflows (settings as configured; the floor uses the calls each run made):');
	for (const scenario of options.scenarios) {
		const run = runs.find((r) => r.scenario === scenario);
		if (run) say(`  ${SCENARIO_LABELS[scenario].padEnd(30)} ${run.settings}`);
	}
	const done = (r: RunResult) => r.status === 'ok' || r.status === 'failed';
	const phaseMs = (r: RunResult, name: 'read' | 'between' | 'save') =>
		r.phases[name] ? fixed(r.phases[name].ms / 1000) : '-';
	const phaseUs = (r: RunResult, name: 'read' | 'between' | 'save') =>
		r.phases[name] ? fixed((r.phases[name].cpuS * 1e6) / r.records, 0) : '-';
	printTable(
		'Time and API calls',
		'Time (s) and API calls. to 1st call = n8n start-up; read = first to last Jikeyun call; between = no API calls (Set node, nodes preparing and emitting items); save = Kingdee calls after the read; after last call = until `n8n execute` exits',
		[
			'records',
			'workflow',
			'status',
			'wall',
			'net',
			...(repeated ? ['net range'] : []),
			'floor',
			'net/floor',
			'records/s',
			'to 1st call',
			'read',
			'floor',
			'between',
			'save',
			'floor',
			'after last call',
			'Jikeyun',
			'Kingdee calls',
		],
		runs.map((r) => [
			grouped(r.records),
			r.label,
			r.status,
			done(r) ? fixed(r.wallMs / 1000) : '-',
			done(r) ? fixed(r.netMs / 1000) : '-',
			...(repeated ? [r.netRangeMs ? `${fixed(r.netRangeMs[0] / 1000)}-${fixed(r.netRangeMs[1] / 1000)}` : '-'] : []),
			done(r) && r.floor ? fixed(r.floor.totalMs / 1000) : '-',
			r.netOverFloor !== undefined ? fixed(r.netOverFloor, 2) : '-',
			grouped(r.recordsPerSecond),
			done(r) ? fixed(r.toFirstCallMs / 1000) : '-',
			phaseMs(r, 'read'),
			done(r) && r.floor ? fixed(r.floor.jikeyunMs / 1000) : '-',
			phaseMs(r, 'between'),
			phaseMs(r, 'save'),
			done(r) && r.floor ? fixed(r.floor.kingdeeMs / 1000) : '-',
			done(r) ? fixed(r.afterLastCallMs / 1000) : '-',
			done(r) ? String(r.jikeyunCalls) : '-',
			done(r) ? `${r.kingdeeCalls.total} (${callsText(r.kingdeeCalls)}; ${r.floor?.sessions ?? 0} session(s))` : '-',
		]),
	);
	printTable(
		'Memory and CPU',
		'Memory (MB peak RSS: VmHWM, and the highest RSS sampled while the APIs were called) and CPU of n8n main + task runner (µs per record)',
		[
			'records',
			'workflow',
			'main',
			'main in API window',
			'task runner',
			'CPU s',
			'µs/rec vs empty',
			'µs/rec API window',
			'read',
			'between',
			'save',
			'emulators CPU s',
			'others CPU s',
		],
		[emptySummary, ...runs].map((r) => {
			const measured = done(r) && r.scenario !== 'empty';
			return [
				r.scenario === 'empty' ? '-' : grouped(r.records),
				r.label,
				done(r) ? grouped(r.mainPeakRssMb) : '-',
				measured ? grouped(r.mainPeakRssDuringApiMb) : '-',
				done(r) ? (r.runnerCount === 0 ? 'none' : grouped(r.runnerPeakRssMb)) : '-',
				done(r) ? fixed(r.cpuTreeS, 2) : '-',
				measured ? fixed(r.cpuUsPerRecordVsEmpty, 0) : '-',
				measured ? fixed(r.cpuUsPerRecordApiWindow, 0) : '-',
				measured ? phaseUs(r, 'read') : '-',
				measured ? phaseUs(r, 'between') : '-',
				measured ? phaseUs(r, 'save') : '-',
				done(r) ? fixed(r.emulatorCpuS, 1) : '-',
				done(r) ? fixed(r.otherCpuS, 1) : '-',
			];
		}),
	);

	const noted = runs.filter((r) => r.note);
	if (noted.length > 0) {
		say('\nNotes:');
		for (const r of noted) say(`  ${grouped(r.records)} × ${r.label}: ${r.note}`);
	}

	const ratioRows: string[][] = [];
	for (const records of options.sizes) {
		const of = (id: ScenarioId) => runs.find((r) => r.records === records && r.scenario === id && r.status === 'ok');
		const stockRun = of('stock');
		for (const id of ['sample', 'tuned'] as const) {
			const run = of(id);
			if (!run || !stockRun) continue;
			ratioRows.push([
				grouped(records),
				`${SCENARIO_LABELS[id]} vs stock`,
				`${fixed(stockRun.netMs / run.netMs, 2)}×`,
				fixed(run.mainPeakRssMb / stockRun.mainPeakRssMb, 2),
				fixed(run.cpuTreeS / stockRun.cpuTreeS, 2),
				fixed(((run.cpuTreeS - stockRun.cpuTreeS) * 1e6) / records, 0),
			]);
		}
	}
	if (ratioRows.length > 0) {
		printTable(
			'Package vs stock',
			'Package vs stock (same records)',
			['records', 'comparison', 'faster (stock net / net)', 'main RSS ratio', 'CPU ratio', 'CPU µs/rec minus stock'],
			ratioRows,
		);
	}

	// Targets: reported, not asserted.
	say('\nTargets (reported, not asserted):');
	const target = (text: string, measured: string, met: boolean | undefined | 'info') =>
		say(
			`  ${met === 'info' ? '[info]' : met === undefined ? '[n/a]' : met ? '[met]' : '[MISSED]'} ${text}: ${measured}`,
		);
	{
		const run = runs.find((r) => r.records === 2000 && r.scenario === 'sample' && r.status === 'ok');
		const stockRun = runs.find((r) => r.records === 2000 && r.scenario === 'stock' && r.status === 'ok');
		const ratio = run && stockRun ? stockRun.netMs / run.netMs : undefined;
		const range = (r: RunResult) =>
			r.netRangeMs ? `, range ${fixed(r.netRangeMs[0] / 1000)}-${fixed(r.netRangeMs[1] / 1000)}` : '';
		target(
			'shipped sample ≥ 4× faster than stock at 2,000 records',
			ratio === undefined
				? 'not measured'
				: `${fixed(ratio, 2)}× (net ${fixed(run!.netMs / 1000)} s${range(run!)} vs ${fixed(stockRun!.netMs / 1000)} s${range(stockRun!)})`,
			ratio === undefined ? undefined : ratio >= 4,
		);
	}
	for (const run of runs.filter((r) => r.scenario === 'tuned' && r.status === 'ok')) {
		target(
			`page 50/batch 20/5 sessions net ≤ 1.10 × floor at ${grouped(run.records)}`,
			`${fixed(run.netOverFloor, 2)} × (net ${fixed(run.netMs / 1000)} s, floor ${fixed((run.floor?.totalMs ?? 0) / 1000)} s, ${run.floor?.sessions} sessions opened)`,
			(run.netOverFloor ?? Infinity) <= 1.1,
		);
	}
	for (const run of runs.filter((r) => r.scenario === 'rerun' && r.status === 'ok')) {
		const c = run.kingdeeCalls;
		const writes = c.save + c.unAudit + c.audit;
		const allowed = Math.ceil(run.records / 1000) + 2;
		target(
			`re-run unchanged at ${grouped(run.records)}: 0 Save/UnAudit/Audit, Kingdee calls ≤ ${allowed}, net ≤ 1.2 × floor`,
			`${writes} writes, ${c.total} Kingdee calls, net/floor ${fixed(run.netOverFloor, 2)}`,
			writes === 0 && c.total <= allowed && (run.netOverFloor ?? Infinity) <= 1.2,
		);
	}
	for (const run of runs.filter((r) => r.records >= 100_000 && (r.scenario === 'sample' || r.scenario === 'tuned'))) {
		target(
			`${grouped(run.records)} records in one execution, main ≤ 1.5 GB (${run.label})`,
			run.status === 'ok'
				? `${grouped(run.mainPeakRssMb)} MB peak (${grouped(run.mainPeakRssDuringApiMb)} MB while calling the APIs)${run.exitCode === 0 ? '' : `, ${run.note}`}`
				: `run ${run.status}: ${run.note}`,
			run.status === 'ok' ? run.mainPeakRssMb <= 1536 : false,
		);
	}
	if (!options.sizes.some((s) => s >= 100_000))
		target('100,000 records in one execution, main ≤ 1.5 GB', 'not run (size not selected)', undefined);
	// Node CPU: n8n (main + runner) CPU while the package's nodes make their calls (read: Get Many, save: Batch Save),
	// per record. The phase in between (n8n's own Set node, mostly) is shown apart; start-up is not in any phase.
	const nodeCpuS = (r: RunResult) => (r.phases.read?.cpuS ?? 0) + (r.phases.save?.cpuS ?? 0);
	for (const run of runs.filter(
		(r) => (r.scenario === 'sample' || r.scenario === 'tuned' || r.scenario === 'rerun') && r.status === 'ok',
	)) {
		const us = (nodeCpuS(run) * 1e6) / run.records;
		target(
			`node CPU ≤ 50 µs/record at ${grouped(run.records)} (${run.label}; n8n CPU during Get Many + Batch Save calls)`,
			`${fixed(us, 0)} µs (read ${phaseUs(run, 'read')} + save ${phaseUs(run, 'save')}; in between, mostly the Set node: ${phaseUs(run, 'between')}; whole command minus empty workflow: ${fixed(run.cpuUsPerRecordVsEmpty, 0)})`,
			run.records >= 10_000 ? us <= 50 : 'info',
		);
	}
	const marginal = marginalCpu(runs);
	for (const m of marginal) {
		const text = `node CPU ≤ 50 µs/record, marginal ${grouped(m.from)} → ${grouped(m.to)} (${SCENARIO_LABELS[m.scenario]})`;
		const measured =
			`${fixed(m.nodeUs, 1)} µs per extra record during the read and save phases; in between ${fixed(m.betweenUs, 1)}; ` +
			`whole API window ${fixed(m.apiWindowUs, 1)}; whole command ${fixed(m.wholeCommandUs, 1)}`;
		target(text, measured, m.scenario === 'stock' ? 'info' : m.nodeUs <= 50);
	}
	if (context.queueMode) printQueueModeReport(context.queueMode, runs);
	say(`\nTotal benchmark time: ${(totalMs / 60_000).toFixed(1)} min`);
}

function writeJsonReport(context: ReportContext, partial: boolean): void {
	const { options, machine, runtime, calibration, startupMs, startupCpuS, emptyRuns, nodeDefaults, results } = context;
	const totalMs = Date.now() - context.startedAt;
	const marginal = marginalCpu(representativeRuns(results));
	if (options.jsonFile) {
		const report = {
			partial,
			interrupted: context.interrupted,
			machine,
			n8n: { version: '2.40.7', env: PRODUCTION_ENV, runtime: runtime.cacheRoot },
			latencyModel: N8N_LATENCY_MODEL,
			floorFormula:
				'Jikeyun: (pages - 1) * max(50, 1000 / requestsPerSecond) + 50 ms (pages * 50 unpaced); Kingdee: (calls * 150 + rowsSaved * 2) / sessionsOpened ms; floor = Jikeyun + Kingdee',
			timerCalibrationMs: calibration,
			startup: {
				medianMs: startupMs,
				medianCpuS: startupCpuS,
				runs: emptyRuns.map((r) => ({
					wallMs: r.wallMs,
					cpuTreeS: r.cpuTreeS,
					mainPeakRssMb: r.mainPeakRssMb,
					runnerPeakRssMb: r.runnerPeakRssMb,
				})),
			},
			nodeDefaults,
			marginalCpuPerRecord: marginal,
			options,
			totalMs,
			results,
			queueMode: context.queueMode,
		};
		fs.writeFileSync(path.resolve(options.jsonFile), `${JSON.stringify(report, null, 2)}\n`);
		if (!partial) console.log(`Results written to ${path.resolve(options.jsonFile)}`);
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Queue mode: the same sample workflow, many executions at once, spread over n8n workers

export const QUEUE_MODE_BENCH = { executions: 10, workers: 2, concurrency: 5 };

interface QueueModeResult {
	/** Records per execution (the first --sizes value). */
	records: number;
	executions: number;
	workers: number;
	concurrency: number;
	status: 'ok' | 'failed';
	note: string;
	/** From the first run request to the last "Worker finished execution": n8n's start-up is not in it. */
	wallMs: number;
	totalRecords: number;
	recordsPerSecond: number;
	executionsPerWorker: Record<string, number>;
	/** VmHWM of each worker process (its task runner apart), and of main. */
	workerPeakRssMb: Record<string, number>;
	workerRunnerPeakRssMb: Record<string, number>;
	mainPeakRssMb: number;
	kingdeeLogins: number;
	kingdeeCalls: number;
	sessionsLost: number;
	verified: { mirrored: number; customers: number; problems: string[] };
}

/**
 * Copy k of the sample: same nodes and settings, but the customer number gets the suffix "-Q<k>", so the executions
 * write different customers (ten syncs of the same shops into one Kingdee would be racing upserts of one record).
 */
function queueModeWorkflow(sample: WorkflowJson, k: number): WorkflowJson {
	const copy = JSON.parse(JSON.stringify(sample)) as WorkflowJson;
	const set = copy.nodes.find((node) => node.type === 'n8n-nodes-base.set');
	const assignments = (
		set?.parameters.assignments as { assignments?: Array<{ name: string; value: string }> } | undefined
	)?.assignments;
	const number = assignments?.find((assignment) => assignment.name === 'FNumber');
	if (!number) throw new Error('the sample workflow has no Set node assigning FNumber');
	number.value = `={{ $json.channelCode.trim() }}-Q${k}`;
	return { ...copy, id: `jkyQueueBench${String(k).padStart(3, '0')}`, name: `${sample.name} (queue-mode bench ${k})` };
}

async function measureQueueMode(options: {
	runtime: N8nRuntime;
	tarball: string;
	workDir: string;
	records: number;
	jikeyunPort: number;
	kingdeePort: number;
	state: { current?: Emulators };
}): Promise<QueueModeResult> {
	const { records } = options;
	const { executions, workers: workerCount, concurrency } = QUEUE_MODE_BENCH;
	const result: QueueModeResult = {
		records,
		executions,
		workers: workerCount,
		concurrency,
		status: 'failed',
		note: '',
		wallMs: 0,
		totalRecords: records * executions,
		recordsPerSecond: 0,
		executionsPerWorker: {},
		workerPeakRssMb: {},
		workerRunnerPeakRssMb: {},
		mainPeakRssMb: 0,
		kingdeeLogins: 0,
		kingdeeCalls: 0,
		sessionsLost: 0,
		verified: { mirrored: 0, customers: 0, problems: [] },
	};
	const redis = await startRedis({ log });
	const postgres = await startPostgres({ log });
	const running: Emulators = {
		jikeyun: await startJikeyun(options.jikeyunPort, records),
		kingdee: await startKingdee(options.kingdeePort),
	};
	options.state.current = running;
	const processes: QueueModeProcess[] = [];
	try {
		const instances = createQueueModeInstances({
			runtime: options.runtime,
			tarball: options.tarball,
			workDir: path.join(options.workDir, 'queue-mode'),
			services: { redis, postgres },
			workerCount,
			extraEnv: PRODUCTION_ENV,
			log,
		});
		const sample = readWorkflow(SYNC_WORKFLOW_FILE);
		const refs = credentialReferences(sample);
		await importCredentials(instances.main, [
			{ ...refs.jikeyunApi, type: 'jikeyunApi', data: jikeyunCredentialData(running.jikeyun) },
			{ ...refs.kingdeeApi, type: 'kingdeeApi', data: kingdeeCredentialData(running.kingdee, 'password') },
		]);
		const workflows = Array.from({ length: executions }, (_, i) => queueModeWorkflow(sample, i + 1));
		// One `n8n import:workflow` of all copies (it takes an array): each CLI call costs n8n's start-up.
		const workflowsFile = path.join(instances.main.userFolder, 'queue-mode-workflows.json');
		fs.writeFileSync(workflowsFile, JSON.stringify(workflows));
		const imported = await runN8nCommand(instances.main, ['import:workflow', `--input=${workflowsFile}`]);
		if (imported.code !== 0)
			throw new Error(`n8n import:workflow failed (exit ${imported.code}):\n${imported.stdout}\n${imported.stderr}`);
		for (const [i, instance] of instances.workers.entries()) {
			processes.push(await startWorker(instance, { label: `worker-${i + 1}`, concurrency }));
		}
		const owner = { email: 'bench@queue-mode.test', password: 'Queue-Bench-1', firstName: 'Bench', lastName: 'Owner' };
		const main = await startMain(instances.main, { env: ownerManagedByEnv(options.runtime, owner) });
		processes.push(main);
		const rest = await loginToN8n(main.server.url, owner);

		// Peak memory: VmHWM of each process, sampled while the executions run (a process that exits keeps its last value).
		const peakKb = new Map<string, number>();
		const sampleMemory = () => {
			for (const process of processes) {
				const own = readProc(process.pid);
				if (own) peakKb.set(process.label, Math.max(peakKb.get(process.label) ?? 0, own.hwmKb));
				for (const child of childPids(process.pid)) {
					const runner = readProc(child);
					if (runner)
						peakKb.set(`${process.label} runner`, Math.max(peakKb.get(`${process.label} runner`) ?? 0, runner.hwmKb));
				}
			}
		};
		const memoryTimer = setInterval(sampleMemory, 200);
		running.jikeyun.resetStats();
		running.kingdee.resetStats();
		const finishedBy = (process: QueueModeProcess) =>
			[...process.output().matchAll(/Worker finished execution (\d+) \(job/g)].map((m) => m[1]);
		const started = Date.now();
		let ids: string[] = [];
		try {
			const answers = await Promise.all(
				workflows.map(
					async (workflow) =>
						await rest.request<{ executionId: string }>('POST', `workflows/${workflow.id}/run`, {
							triggerToStartFrom: {
								name: sample.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger')!.name,
							},
						}),
				),
			);
			ids = answers.map((answer) => String(answer.executionId));
			const deadline = started + (30 + (records * executions * 0.04) / 60) * 60_000;
			for (;;) {
				const finished = new Set(processes.flatMap(finishedBy));
				if (ids.every((id) => finished.has(id))) break;
				if (Date.now() > deadline)
					throw new Error(
						`queue mode: executions ${ids.filter((id) => !finished.has(id)).join(', ')} did not finish in time`,
					);
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
		} finally {
			clearInterval(memoryTimer);
		}
		result.wallMs = Date.now() - started;
		sampleMemory();
		result.recordsPerSecond = (result.totalRecords * 1000) / result.wallMs;
		for (const worker of processes.filter((p) => p.label.startsWith('worker-'))) {
			result.executionsPerWorker[worker.label] = executionsStartedBy(worker.output()).filter((id) =>
				ids.includes(id),
			).length;
			result.workerPeakRssMb[worker.label] = (peakKb.get(worker.label) ?? 0) / 1024;
			result.workerRunnerPeakRssMb[worker.label] = (peakKb.get(`${worker.label} runner`) ?? 0) / 1024;
		}
		result.mainPeakRssMb = (peakKb.get('main') ?? 0) / 1024;
		const kingdeeStats = running.kingdee.stats();
		result.kingdeeLogins = kingdeeStats.logins;
		result.kingdeeCalls = kingdeeStats.calls;
		result.sessionsLost = kingdeeStats.sessionsLost;

		// Every shop is one audited customer per execution ("<code>-Q<k>") with the trimmed name; nothing else.
		const shops = running.jikeyun.listShops();
		const customers = running.kingdee.records('BD_Customer');
		const byNumber = new Map<string, Array<Record<string, unknown>>>();
		for (const customer of customers)
			byNumber.set(String(customer.FNumber), [...(byNumber.get(String(customer.FNumber)) ?? []), customer]);
		let mirrored = 0;
		const problems: string[] = [];
		for (let k = 1; k <= executions; k++) {
			for (const shop of shops) {
				const matches = byNumber.get(`${shop.channelCode.trim()}-Q${k}`) ?? [];
				if (matches.length === 1 && matches[0].FName === shop.channelName.trim() && matches[0].FDocumentStatus === 'C')
					mirrored++;
				else if (problems.length < 5) problems.push(`${shop.channelCode}-Q${k}: ${matches.length} customers`);
			}
		}
		if (customers.length !== result.totalRecords)
			problems.push(`${customers.length} customers, expected ${result.totalRecords}`);
		result.verified = { mirrored, customers: customers.length, problems };
		result.status = problems.length === 0 ? 'ok' : 'failed';
		result.note = problems.join('; ');
		log(
			`[bench:n8n]   queue mode ${result.status}: ${result.totalRecords} records in ${(result.wallMs / 1000).toFixed(1)} s = ${result.recordsPerSecond.toFixed(0)} records/s; ` +
				`executions per worker ${JSON.stringify(result.executionsPerWorker)}; peak RSS ${JSON.stringify(result.workerPeakRssMb)} MB`,
		);
	} catch (error) {
		result.note = (error as Error).message.slice(0, 2000);
		log(`[bench:n8n]   queue mode failed: ${result.note}`);
	} finally {
		await Promise.allSettled(processes.map(async (p) => await p.stop()));
		await Promise.allSettled([running.jikeyun.close(), running.kingdee.close(), redis.stop(), postgres.stop()]);
		options.state.current = undefined;
	}
	return result;
}

function printQueueModeReport(queue: QueueModeResult, runs: RunResult[]): void {
	const single = runs.find((r) => r.scenario === 'sample' && r.records === queue.records && r.status === 'ok');
	const mb = (value: number) => fixed(value, 0);
	const rows: string[][] = [];
	if (single) {
		rows.push([
			'single process: 1 sample run (`n8n execute`, net)',
			'1',
			grouped(single.records),
			fixed(single.netMs / 1000, 1),
			grouped(single.recordsPerSecond),
			`main ${mb(single.mainPeakRssMb)}`,
		]);
	}
	const workers = Object.keys(queue.workerPeakRssMb).sort();
	rows.push([
		`queue mode: ${queue.executions} runs at once over ${queue.workers} workers (concurrency ${queue.concurrency})`,
		String(queue.executions),
		grouped(queue.totalRecords),
		fixed(queue.wallMs / 1000, 1),
		queue.status === 'ok' ? grouped(queue.recordsPerSecond) : 'FAILED',
		workers
			.map(
				(w) =>
					`${w} ${mb(queue.workerPeakRssMb[w])} (${queue.executionsPerWorker[w]} runs; runner ${mb(queue.workerRunnerPeakRssMb[w])})`,
			)
			.join(', ') + `; main ${mb(queue.mainPeakRssMb)}`,
	]);
	printTable(
		'Queue mode',
		`Queue mode (n8n main + ${queue.workers} workers, Redis, Postgres; ${PRODUCTION_ENV.EXECUTIONS_DATA_SAVE_ON_SUCCESS === 'none' ? 'same production settings' : ''}): ${grouped(queue.records)} records per run`,
		['setup', 'runs', 'records', 'seconds', 'records/s', 'peak RSS MB'],
		rows,
	);
	say(
		`Queue-mode seconds: first run request to the last "Worker finished execution" (processes already up); Kingdee: ${queue.kingdeeLogins} logins, ${grouped(queue.kingdeeCalls)} calls, ${queue.sessionsLost} sessions lost.` +
			`${single ? ` Throughput ×${fixed(queue.recordsPerSecond / (single.recordsPerSecond ?? 1), 1)} of the single process.` : ' (no single-process sample run at this size in this invocation: add --only sample)'}` +
			`${queue.note ? ` Note: ${queue.note}` : ''}`,
	);
}

// ---------------------------------------------------------------------------------------------------------------

const log = (line: string) => console.error(line);

export async function runBenchN8n(argv: string[]): Promise<number> {
	const options = parseBenchN8nArguments(argv);
	const machine = machineFacts();
	const startedAt = Date.now();
	salesChannelCache.enabled = options.emulatorCache;
	installSalesChannelCache();

	log(`[bench:n8n] sizes ${options.sizes.join(', ')}; workflows ${options.scenarios.join(', ')}`);
	const runtime = await ensureN8n({ log });
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-bench-n8n-'));
	// Filled in as the run goes, so a signal can report what finished.
	const state: { current?: Emulators; context?: ReportContext } = {};
	// Ctrl-C or a kill: stop n8n, report what finished (and write the JSON), then exit.
	const onSignal = (signal: NodeJS.Signals) => {
		void (async () => {
			log(`\n[bench:n8n] ${signal}: stopping n8n and the emulators; reporting the runs that finished`);
			await stopAllN8nProcesses(2000);
			await Promise.allSettled([state.current?.jikeyun.close(), state.current?.kingdee.close()]);
			if (state.context) {
				state.context.interrupted = signal;
				printReport(state.context);
				writeJsonReport(state.context, true);
			}
			if (!options.keep) fs.rmSync(workDir, { recursive: true, force: true });
			process.exit(signal === 'SIGINT' ? 130 : 143);
		})();
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	const { instance, tarball } = benchN8nInstance(runtime, workDir, options.build, log);
	const nodeDefaults = await readNodeDefaults();

	// Fixed ports, so the credentials and the stock workflow imported once stay valid across emulator restarts.
	const jikeyunPort = await freePort();
	const kingdeePort = await freePort();
	const emulators: Emulators = {
		jikeyun: await startJikeyun(jikeyunPort, 10),
		kingdee: await startKingdee(kingdeePort),
	};

	const sample = readWorkflow(SYNC_WORKFLOW_FILE);
	const sampleSettings = packageSettings(sample, nodeDefaults);
	const tuned = tunedWorkflow(sample);
	const tunedSettings = packageSettings(tuned, nodeDefaults);
	const stock = stockWorkflow(sample, emulators);
	const refs = credentialReferences(sample);
	await importCredentials(instance, [
		...(refs.jikeyunApi
			? [{ ...refs.jikeyunApi, type: 'jikeyunApi', data: jikeyunCredentialData(emulators.jikeyun) }]
			: []),
		...(refs.kingdeeApi
			? [{ ...refs.kingdeeApi, type: 'kingdeeApi', data: kingdeeCredentialData(emulators.kingdee, 'password') }]
			: []),
	]);
	await importWorkflow(instance, SYNC_WORKFLOW_FILE);
	await importWorkflow(instance, tuned);
	await importWorkflow(instance, stock.workflow);
	await importWorkflow(instance, EMPTY_WORKFLOW);
	await emulators.jikeyun.close();
	await emulators.kingdee.close();

	const calibration = await timerCalibration();
	const results: RunResult[] = [];
	let failures = 0;

	// n8n start-up: the empty workflow, a few times; the median is subtracted from every run.
	const emptyRuns: RunResult[] = [];
	for (let i = 0; i < EMPTY_RUNS; i++) {
		const run = emptyRunResult(0, 'empty', 'manual trigger only');
		await measuredExecute(instance, EMPTY_WORKFLOW.id, undefined, 5 * 60_000, run);
		run.status = run.exitCode === 0 ? 'ok' : 'failed';
		log(
			`[bench:n8n] empty workflow run ${i + 1}: ${(run.wallMs / 1000).toFixed(2)} s, exit ${run.exitCode ?? run.exitSignal}`,
		);
		emptyRuns.push(run);
	}
	const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	const startupMs = median(emptyRuns.map((r) => r.wallMs));
	const startupCpuS = median(emptyRuns.map((r) => r.cpuTreeS));
	const emptySummary = {
		...emptyRuns[0],
		wallMs: startupMs,
		cpuTreeS: startupCpuS,
		mainPeakRssMb: median(emptyRuns.map((r) => r.mainPeakRssMb)),
		runnerPeakRssMb: median(emptyRuns.map((r) => r.runnerPeakRssMb)),
		note: `median of ${EMPTY_RUNS}: ${emptyRuns.map((r) => (r.wallMs / 1000).toFixed(2)).join(', ')} s`,
	};
	results.push(emptySummary);
	const context: ReportContext = {
		options,
		machine,
		runtime,
		calibration,
		nodeDefaults,
		startedAt,
		startupMs,
		startupCpuS,
		emptyRuns,
		emptySummary,
		results,
	};
	state.context = context;

	const rounds = options.sizes.flatMap((size) =>
		Array.from({ length: options.repeat }, (_, i) => [size, i + 1] as const),
	);
	for (const [records, repetition] of rounds) {
		const timeoutMs = (options.timeoutMinutes ?? 30 + (records * 0.04) / 60) * 60_000;
		const round = options.repeat > 1 ? ` (repetition ${repetition} of ${options.repeat})` : '';
		log(`\n[bench:n8n] ${records.toLocaleString('en-US')} records${round}: seeding the Jikeyun emulator …`);
		const running: Emulators = {
			jikeyun: await startJikeyun(jikeyunPort, records),
			kingdee: await startKingdee(kingdeePort),
		};
		state.current = running;
		const settingsOf: Record<ScenarioId, string> = {
			sample: sampleSettings.text,
			rerun: sampleSettings.text,
			renamed: sampleSettings.text,
			tuned: tunedSettings.text,
			stock: stock.settings.text,
		};
		const rpsOf: Record<ScenarioId, number | undefined> = {
			sample: sampleSettings.requestsPerSecond,
			rerun: sampleSettings.requestsPerSecond,
			renamed: sampleSettings.requestsPerSecond,
			tuned: tunedSettings.requestsPerSecond,
			stock: 0,
		};
		const workflowOf: Record<ScenarioId, string> = {
			sample: sample.id,
			rerun: sample.id,
			renamed: sample.id,
			tuned: tuned.id,
			stock: stock.workflow.id,
		};
		try {
			for (const scenario of options.scenarios) {
				const result = emptyRunResult(records, scenario, settingsOf[scenario]);
				result.repetition = repetition;
				results.push(result);
				if (scenario === 'stock' && options.skipStockAbove !== undefined && records > options.skipStockAbove) {
					result.note = `skipped: --skip-stock-above ${options.skipStockAbove} (the stock workflow loops in batches of 20 through n8n's engine and is slow at this size)`;
					log(`[bench:n8n] ${result.label}: ${result.note}`);
					continue;
				}
				if (scenario === 'tuned' || scenario === 'stock') {
					// A fresh, empty Kingdee for every first sync.
					await running.kingdee.close();
					running.kingdee = await startKingdee(kingdeePort);
				}
				if (scenario === 'renamed') {
					const shops = running.jikeyun.listShops();
					const step = Math.round(1 / RENAMED_SHARE);
					const renamed = shops.filter((_, index) => index % step === 0).map((shop) => shop.channelCode);
					running.jikeyun.modifyShops(renamed, (shop) => ({ channelName: `${shop.channelName} (renamed)` }));
					salesChannelCache.version++;
					result.note = `${renamed.length} shops renamed before the run`;
				}
				log(`[bench:n8n] ${records} × ${result.label} (${result.settings}) …`);
				result.status = 'interrupted'; // until it finishes
				result.floor = {
					jikeyunMs: 0,
					kingdeeMs: 0,
					totalMs: 0,
					pages: 0,
					kingdeeCalls: 0,
					rowsSaved: 0,
					sessions: 0,
					requestsPerSecond: rpsOf[scenario] ?? 0,
				};
				await measuredExecute(instance, workflowOf[scenario], running, timeoutMs, result);
				const verified = verifyCustomers(running, records);
				result.verified = { mirrored: verified.mirrored, customers: verified.customers, problems: verified.problems };
				result.status = verified.ok ? 'ok' : 'failed';
				if (!verified.ok) failures++;
				result.netMs = result.wallMs - startupMs;
				if (result.floor && result.floor.totalMs > 0) result.netOverFloor = result.netMs / result.floor.totalMs;
				result.recordsPerSecond = result.netMs > 0 ? (records * 1000) / result.netMs : undefined;
				result.cpuUsPerRecordVsEmpty = ((result.cpuTreeS - startupCpuS) * 1e6) / records;
				result.cpuUsPerRecordApiWindow = (result.cpuApiWindowS * 1e6) / records;
				const exitText =
					result.exitCode === 0
						? ''
						: `n8n exit ${result.exitCode ?? '-'}${result.exitSignal ? ` (${result.exitSignal})` : ''}`;
				const dataText = verified.ok
					? ''
					: `saved ${verified.mirrored} of ${records} correctly, ${verified.customers} customers: ${verified.problems.join('; ')}`;
				// The emulators run in this process: when they burn CPU (their own O(N) scans at big sizes) they answer late.
				const busyText =
					result.emulatorCpuS > 2 && result.emulatorCpuS * 1000 > 0.1 * Math.max(result.netMs, 1)
						? `emulators busy ${result.emulatorCpuS.toFixed(1)} s CPU (their own scans): time figures are upper bounds`
						: '';
				const otherText =
					result.otherCpuS > Math.max(3, 0.1 * (result.wallMs / 1000) * os.cpus().length)
						? `other processes on this machine used ${result.otherCpuS.toFixed(1)} s CPU during the run: disturbed`
						: '';
				result.note = [
					result.note,
					exitText,
					dataText,
					busyText,
					otherText,
					rpsOf[scenario] === undefined ? 'pacing default unknown: floor assumes none' : '',
				]
					.filter(Boolean)
					.join('; ');
				log(
					`[bench:n8n]   ${result.status}: wall ${(result.wallMs / 1000).toFixed(1)} s, net ${(result.netMs / 1000).toFixed(1)} s, floor ${((result.floor?.totalMs ?? 0) / 1000).toFixed(1)} s` +
						`${result.note ? ` — ${result.note}` : ''}`,
				);
				if (result.stderrTail && result.status !== 'ok') log(result.stderrTail);
				writeJsonReport(context, true);
			}
		} finally {
			await Promise.allSettled([running.jikeyun.close(), running.kingdee.close()]);
		}
	}
	if (options.queueMode) {
		const records = options.sizes[0];
		log(
			`\n[bench:n8n] queue mode: ${QUEUE_MODE_BENCH.executions} concurrent executions × ${records.toLocaleString('en-US')} records over ${QUEUE_MODE_BENCH.workers} workers …`,
		);
		context.queueMode = await measureQueueMode({ runtime, tarball, workDir, records, jikeyunPort, kingdeePort, state });
		if (context.queueMode.status !== 'ok') failures++;
		writeJsonReport(context, true);
	}
	await stopAllN8nProcesses();
	process.off('SIGINT', onSignal);
	process.off('SIGTERM', onSignal);

	printReport(context);
	writeJsonReport(context, false);
	if (options.markdownFile) {
		fs.writeFileSync(
			path.resolve(options.markdownFile),
			benchMarkdown(reportParts, { command: `npm run bench -- ${argv.join(' ')}` }),
		);
		console.log(`Report written to ${path.resolve(options.markdownFile)}`);
	}
	if (options.keep) console.log(`n8n user folder kept: ${instance.userFolder}`);
	else fs.rmSync(workDir, { recursive: true, force: true });
	return failures > 0 ? 1 : 0;
}
