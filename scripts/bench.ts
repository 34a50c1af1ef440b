/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error, no-console */
/**
 * `npm run bench` — throughput of the real node code, in-process, against the two emulators over loopback HTTP
 * with a remote-server latency model. The nodes run through the jest harness (testing/n8nHarness.ts): n8n's
 * parameter defaults, n8n's HTTP implementation and the credentials' real authenticate/preAuthentication.
 *
 *   npx tsx scripts/bench.ts                      default run (~2¾ minutes on 2 cores)
 *   npx tsx scripts/bench.ts --quick              a few hundred rows (~45 s)
 *   npx tsx scripts/bench.ts --shops 5000 --rows 1000 --json bench.json
 *
 * Sections:
 * 1. Jikeyun Get Many, Return All over --shops shops, page size 50/100/200, client ceiling 10 req/s (default, adaptive) and none.
 * 2. Kingdee Batch Save of --rows customers, batch size 1/20/100 × parallel requests 1/3: a plain run into an empty
 *    database, then an upsert-by-number run of the same numbers (all updates). Batch size 1 runs on a twentieth of
 *    the rows (at least 10): at one call per row it would dominate the whole benchmark; rows/s stays comparable.
 * 3. The sample workflow in-process: Get Many → map like the sample Set node → Batch Save upsert, for --rows shops,
 *    initial sync (creates) and re-sync (nothing changed: lookups only), with the node defaults and with the sample's settings.
 * Wall time is measured around each node execution with process.hrtime.bigint(); request counts come from the
 * emulators' own statistics. "server Σ" is the latency the model injected, summed over all calls: the floor for a
 * sequential run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { jikeyunCredentialData, kingdeeCredentialData } from '../emulators/credentials';
import { startJikeyunEmulator, type JikeyunEmulator } from '../emulators/jikeyun/server';
import { startKingdeeEmulator, type KingdeeEmulator } from '../emulators/kingdee/server';
// `.js`, which tsx maps to the .ts source: without an extension Node's resolution picks the codex file
// Jikeyun.node.json that sits beside it.
import { Jikeyun } from '../nodes/Jikeyun/Jikeyun.node.js';
import { Kingdee } from '../nodes/Kingdee/Kingdee.node.js';
import { executeNode } from '../testing/n8nHarness';
import { machineFacts } from './benchMachine';

/** A remote server as seen from a client in the same region: per call, plus per saved row in Kingdee. */
const LATENCY_MODEL = {
	jikeyunPerCallMs: 80,
	kingdeePerCallMs: 150,
	kingdeePerRowMs: 8,
};

const PAGE_SIZES = [50, 100, 200];
const JIKEYUN_RATE_LIMITS = [10, 0]; // requests per second: the default adaptive ceiling, and 0 = no client-side bound
const BATCH_SIZES = [1, 20, 100];
const PARALLEL_REQUESTS = [1, 3];
const MAX_SIZE = 100_000;

/** The sample workflow's Batch Save settings (workflows/jikeyun-shops-to-kingdee-customers.json). */
const SAMPLE_SAVE_OPTIONS = { isAutoSubmitAndAudit: true, isVerifyBaseDataField: false };

interface BenchOptions {
	shops: number;
	rows: number;
	quick: boolean;
	jsonFile?: string;
}

const USAGE = `Usage: npx tsx scripts/bench.ts [--quick] [--shops N] [--rows N] [--json <file>]
  --quick        small run: 300 shops, 100 rows
  --shops N      shops read by the Jikeyun Get Many section (default 2000)
  --rows N       customers saved per Kingdee Batch Save run and shops in the pipeline section (default 500)
  --json <file>  also write the results as JSON`;

function parseArguments(argv: string[]): BenchOptions {
	const options: BenchOptions = { shops: 2000, rows: 500, quick: false };
	let shops: number | undefined;
	let rows: number | undefined;
	const size = (flag: string, text: string | undefined) => {
		const value = Number(text);
		if (!Number.isInteger(value) || value < 1 || value > MAX_SIZE) {
			throw new UsageError(`${flag} needs a whole number from 1 to ${MAX_SIZE}, got "${text ?? ''}"`);
		}
		return value;
	};
	for (let index = 0; index < argv.length; index++) {
		const flag = argv[index];
		if (flag === '--quick') options.quick = true;
		else if (flag === '--shops') shops = size(flag, argv[++index]);
		else if (flag === '--rows') rows = size(flag, argv[++index]);
		else if (flag === '--json') {
			const file = argv[++index];
			if (!file || file.startsWith('--')) throw new UsageError('--json needs a file name');
			options.jsonFile = file;
		} else if (flag === '--help' || flag === '-h') {
			console.log(USAGE);
			process.exit(0);
		} else throw new UsageError(`unknown argument "${flag}"`);
	}
	if (options.quick) {
		options.shops = 300;
		options.rows = 100;
	}
	options.shops = shops ?? options.shops;
	options.rows = rows ?? options.rows;
	return options;
}

class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// Measuring and printing

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
	const start = process.hrtime.bigint();
	const result = await work();
	return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const perSecond = (count: number, ms: number) => (ms > 0 ? Math.round((count * 1000) / ms) : 0).toLocaleString('en-US');

function printTable(title: string, header: string[], rows: string[][]): void {
	const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
	// Text columns left, numbers right.
	const numeric = header.map((_, column) => rows.every((row) => /^[\d.,]+$|^-$/.test(row[column])));
	const line = (cells: string[]) =>
		cells
			.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
			.join('  ');
	console.log(`\n${title}`);
	console.log(line(header));
	console.log(widths.map((width) => '-'.repeat(width)).join('  '));
	for (const row of rows) console.log(line(row));
}

// ---------------------------------------------------------------------------------------------------------------
// Shared node inputs

function jikeyunCredentials(emulator: JikeyunEmulator) {
	return { jikeyunApi: jikeyunCredentialData(emulator) };
}

function kingdeeCredentials(emulator: KingdeeEmulator) {
	return { kingdeeApi: kingdeeCredentialData(emulator, 'password') };
}

function batchSaveParameters(batchSize: number, parallelRequests: number, upsertByNumber: boolean): INodeParameters {
	return {
		operation: 'batchSave',
		formId: { __rl: true, mode: 'list', value: 'BD_Customer' },
		modelSource: 'itemJson',
		batchSize,
		upsertByNumber,
		numberField: 'FNumber',
		baseDataFields: 'FCreateOrgId, FUseOrgId',
		saveOptions: SAMPLE_SAVE_OPTIONS,
		options: { parallelRequests },
	};
}

function customers(count: number, nameSuffix: string): INodeExecutionData[] {
	return Array.from({ length: count }, (_, index) => ({
		json: {
			FName: `Shop ${index}${nameSuffix}`,
			FNumber: `BENCH${String(index).padStart(6, '0')}`,
			FCreateOrgId: '100',
			FUseOrgId: '100',
		},
	}));
}

/** What the sample workflow's Set node does to each shop. */
function mapShopToCustomer(items: INodeExecutionData[]): INodeExecutionData[] {
	return items.map((item, index) => ({
		json: {
			FName: String(item.json.channelName).trim(),
			FNumber: String(item.json.channelCode).trim(),
			FCreateOrgId: '100',
			FUseOrgId: '100',
		},
		pairedItem: { item: index },
	}));
}

/** Every output item of a Batch Save run must have the expected status; anything else voids the measurement. */
function expectStatuses(
	outputs: INodeExecutionData[][],
	count: number,
	status: 'created' | 'updated' | 'unchanged',
	what: string,
): void {
	const items = outputs.flat();
	const wrong = items.filter((item) => item.json.status !== status);
	if (items.length !== count || wrong.length > 0) {
		const sample = wrong[0] ? JSON.stringify(wrong[0].json).slice(0, 300) : '';
		throw new Error(
			`${what}: expected ${count} items "${status}", got ${items.length} items, ${wrong.length} other ${sample}`,
		);
	}
}

function countsOf(byService: Record<string, number>) {
	const batchSave = byService.BatchSave ?? 0;
	const queries = byService.ExecuteBillQuery ?? 0;
	const unAudit = byService.UnAudit ?? 0;
	const total = Object.values(byService).reduce((sum, count) => sum + count, 0);
	return { batchSave, queries, unAudit, sessionCalls: total - batchSave - queries - unAudit, total };
}

// ---------------------------------------------------------------------------------------------------------------
// Sections

interface JikeyunResult {
	pageSize: number;
	requestsPerSecond: number;
	records: number;
	requests: number;
	wallMs: number;
	serverLatencyMs: number;
	recordsPerSecond: number;
}

async function runGetMany(emulator: JikeyunEmulator, pageSize: number, requestsPerSecond: number, limit?: number) {
	return await executeNode(new Jikeyun(), {
		parameters: {
			resource: 'salesChannel',
			operation: 'getAll',
			returnAll: limit === undefined,
			...(limit === undefined ? {} : { limit }),
			// Every seeded shop, stopped and deleted ones included, so the record count is exactly --shops.
			filters: { includeDeleteAndBlockup: true },
			options: { pageSize, requestsPerSecond },
		},
		credentials: jikeyunCredentials(emulator),
	});
}

async function benchJikeyun(shops: number): Promise<JikeyunResult[]> {
	const emulator = await startJikeyunEmulator({ port: 0, shopCount: shops, seed: 1 });
	const results: JikeyunResult[] = [];
	try {
		// Warm-up (module loading, JIT, first connection), not measured.
		await runGetMany(emulator, 10, 0, 10);
		emulator.setFaults({ latencyMs: LATENCY_MODEL.jikeyunPerCallMs });
		for (const requestsPerSecond of JIKEYUN_RATE_LIMITS) {
			for (const pageSize of PAGE_SIZES) {
				emulator.resetStats();
				const { result, ms } = await timed(async () => await runGetMany(emulator, pageSize, requestsPerSecond));
				const records = result.outputs[0].length;
				if (records !== shops) throw new Error(`Get Many returned ${records} shops, expected ${shops}`);
				const requests = emulator.stats().calls;
				results.push({
					pageSize,
					requestsPerSecond,
					records,
					requests,
					wallMs: ms,
					serverLatencyMs: requests * LATENCY_MODEL.jikeyunPerCallMs,
					recordsPerSecond: (records * 1000) / ms,
				});
				console.error(
					`  jikeyun page ${pageSize}, ${requestsPerSecond ? `${requestsPerSecond} req/s` : 'no'} limit: ${seconds(ms)} s`,
				);
			}
		}
	} finally {
		await emulator.close();
	}
	return results;
}

interface KingdeeResult {
	batchSize: number;
	parallelRequests: number;
	run: 'plain' | 'upsert';
	rows: number;
	batchSaveCalls: number;
	queryCalls: number;
	unAuditCalls: number;
	sessionCalls: number;
	maxConcurrency: number;
	wallMs: number;
	serverLatencyMs: number;
	rowsPerSecond: number;
}

function serverLatencyOf(calls: number, rows: number): number {
	return calls * LATENCY_MODEL.kingdeePerCallMs + rows * LATENCY_MODEL.kingdeePerRowMs;
}

async function benchKingdee(rows: number): Promise<KingdeeResult[]> {
	const results: KingdeeResult[] = [];
	// Warm-up on a zero-latency emulator, not measured.
	const warm = await startKingdeeEmulator({ port: 0 });
	try {
		await executeNode(new Kingdee(), {
			parameters: batchSaveParameters(5, 1, true),
			items: customers(10, ''),
			credentials: kingdeeCredentials(warm),
			onError: 'continueErrorOutput',
		});
	} finally {
		await warm.close();
	}

	for (const batchSize of BATCH_SIZES) {
		const count = batchSize === 1 ? Math.max(10, Math.round(rows / 20)) : rows;
		for (const parallelRequests of PARALLEL_REQUESTS) {
			const emulator = await startKingdeeEmulator({
				port: 0,
				faults: { latencyMs: LATENCY_MODEL.kingdeePerCallMs, perRowLatencyMs: LATENCY_MODEL.kingdeePerRowMs },
			});
			try {
				// Run 1: plain Batch Save into an empty database (all creates, auto-audited like the sample).
				// Run 2: upsert by number over the same numbers with new names (all updates: one lookup per 1,000, one UnAudit, the saves).
				for (const run of ['plain', 'upsert'] as const) {
					emulator.resetStats();
					const { result, ms } = await timed(
						async () =>
							await executeNode(new Kingdee(), {
								parameters: batchSaveParameters(batchSize, parallelRequests, run === 'upsert'),
								items: customers(count, run === 'upsert' ? ' (renamed)' : ''),
								credentials: kingdeeCredentials(emulator),
								onError: 'continueErrorOutput',
							}),
					);
					const label = `batch ${batchSize}, parallel ${parallelRequests}, ${run}`;
					expectStatuses(result.outputs, count, run === 'plain' ? 'created' : 'updated', label);
					const stats = emulator.stats();
					const counts = countsOf(stats.byService);
					results.push({
						batchSize,
						parallelRequests,
						run,
						rows: count,
						batchSaveCalls: counts.batchSave,
						queryCalls: counts.queries,
						unAuditCalls: counts.unAudit,
						sessionCalls: counts.sessionCalls,
						maxConcurrency: stats.maxConcurrencyOverall,
						wallMs: ms,
						serverLatencyMs: serverLatencyOf(counts.total, count),
						rowsPerSecond: (count * 1000) / ms,
					});
					console.error(`  kingdee ${label}: ${seconds(ms)} s`);
				}
			} finally {
				await emulator.close();
			}
		}
	}
	return results;
}

interface PipelineResult {
	settings: string;
	run: 'initial sync' | 're-sync';
	shops: number;
	rows: number;
	jikeyunRequests: number;
	kingdeeCalls: number;
	getManyMs: number;
	mapMs: number;
	batchSaveMs: number;
	wallMs: number;
	rowsPerSecond: number;
}

const PIPELINE_SETTINGS = [
	{
		name: 'node defaults (page 50, batch 100, parallel 1)',
		getManyOptions: {},
		batchSize: 100,
		parallelRequests: 1,
	},
	{
		name: 'sample settings (page 200, batch 200, parallel 5)',
		getManyOptions: { pageSize: 200 },
		batchSize: 200,
		parallelRequests: 5,
	},
];

async function benchPipeline(shops: number): Promise<PipelineResult[]> {
	const results: PipelineResult[] = [];
	for (const settings of PIPELINE_SETTINGS) {
		const jikeyun = await startJikeyunEmulator({
			port: 0,
			shopCount: shops,
			seed: 2,
			faults: { latencyMs: LATENCY_MODEL.jikeyunPerCallMs },
		});
		let kingdee: KingdeeEmulator | undefined;
		try {
			kingdee = await startKingdeeEmulator({
				port: 0,
				faults: { latencyMs: LATENCY_MODEL.kingdeePerCallMs, perRowLatencyMs: LATENCY_MODEL.kingdeePerRowMs },
			});
			for (const run of ['initial sync', 're-sync'] as const) {
				jikeyun.resetStats();
				kingdee.resetStats();
				const start = process.hrtime.bigint();
				// The sample's Get Many: Return All, default filters (the gateway hides stopped and deleted shops).
				const read = await timed(
					async () =>
						await executeNode(new Jikeyun(), {
							parameters: {
								resource: 'salesChannel',
								operation: 'getAll',
								returnAll: true,
								filters: {},
								options: settings.getManyOptions,
							},
							credentials: jikeyunCredentials(jikeyun),
						}),
				);
				const mapped = await timed(async () => mapShopToCustomer(read.result.outputs[0]));
				const saved = await timed(
					async () =>
						await executeNode(new Kingdee(), {
							parameters: batchSaveParameters(settings.batchSize, settings.parallelRequests, true),
							items: mapped.result,
							credentials: kingdeeCredentials(kingdee!),
							onError: 'continueErrorOutput',
						}),
				);
				const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
				const rows = mapped.result.length;
				expectStatuses(saved.result.outputs, rows, run === 'initial sync' ? 'created' : 'unchanged', `pipeline ${run}`);
				results.push({
					settings: settings.name,
					run,
					shops,
					rows,
					jikeyunRequests: jikeyun.stats().calls,
					kingdeeCalls: countsOf(kingdee.stats().byService).total,
					getManyMs: read.ms,
					mapMs: mapped.ms,
					batchSaveMs: saved.ms,
					wallMs,
					rowsPerSecond: (rows * 1000) / wallMs,
				});
				console.error(`  pipeline ${settings.name}, ${run}: ${seconds(wallMs)} s`);
			}
		} finally {
			await Promise.allSettled([jikeyun.close(), kingdee?.close()]);
		}
	}
	return results;
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
	if (process.argv.includes('--orders')) {
		// The orders sample against a stock-n8n workflow in a real n8n (scripts/bench/orders.ts).
		process.exit(await (await import('./bench/orders')).runBenchOrders(process.argv.slice(2)));
	}
	if (process.argv.includes('--n8n')) {
		// Real n8n workflows side by side (scripts/benchN8n.ts); loaded only for this mode.
		const { BENCH_N8N_USAGE, UsageError: N8nUsageError, runBenchN8n } = await import('./benchN8n');
		try {
			process.exit(await runBenchN8n(process.argv.slice(2)));
		} catch (error) {
			if (!(error instanceof N8nUsageError)) throw error;
			console.error(`${error.message}\n\n${BENCH_N8N_USAGE}`);
			process.exit(2);
		}
	}
	const options = parseArguments(process.argv.slice(2));
	const machine = machineFacts();
	const started = process.hrtime.bigint();
	console.error(`Benchmark: ${options.shops} shops, ${options.rows} rows${options.quick ? ' (quick)' : ''}; progress:`);

	const jikeyun = await benchJikeyun(options.shops);
	const kingdee = await benchKingdee(options.rows);
	const pipeline = await benchPipeline(options.rows);
	const totalMs = Number(process.hrtime.bigint() - started) / 1e6;

	console.log(
		`\nMachine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}, commit ${machine.commit}, ${machine.date}`,
	);
	console.log(
		`Latency model: Jikeyun ${LATENCY_MODEL.jikeyunPerCallMs} ms per call; Kingdee ${LATENCY_MODEL.kingdeePerCallMs} ms per call + ${LATENCY_MODEL.kingdeePerRowMs} ms per saved row, calls of one session queued (as IIS does). Loopback HTTP, nodes in-process via the test harness.`,
	);

	printTable(
		`Jikeyun Get Many, Return All over ${options.shops} shops (server Σ = requests × ${LATENCY_MODEL.jikeyunPerCallMs} ms)`,
		['page size', 'client limit', 'requests', 'wall s', 'server Σ s', 'records/s'],
		jikeyun.map((r) => [
			String(r.pageSize),
			r.requestsPerSecond > 0 ? `${r.requestsPerSecond} req/s` : 'none',
			String(r.requests),
			seconds(r.wallMs),
			seconds(r.serverLatencyMs),
			perSecond(r.records, r.wallMs),
		]),
	);

	printTable(
		`Kingdee Batch Save of ${options.rows} customers (batch size 1: ${kingdee.find((r) => r.batchSize === 1)?.rows ?? 0} rows), sample save options (auto submit & audit); plain = all creates, upsert = 2nd run, all updates`,
		[
			'batch',
			'parallel',
			'run',
			'rows',
			'BatchSave',
			'queries',
			'UnAudit',
			'login+logout',
			'max conc.',
			'wall s',
			'server Σ s',
			'rows/s',
		],
		kingdee.map((r) => [
			String(r.batchSize),
			String(r.parallelRequests),
			r.run,
			String(r.rows),
			String(r.batchSaveCalls),
			String(r.queryCalls),
			String(r.unAuditCalls),
			String(r.sessionCalls),
			String(r.maxConcurrency),
			seconds(r.wallMs),
			seconds(r.serverLatencyMs),
			perSecond(r.rows, r.wallMs),
		]),
	);

	printTable(
		`Pipeline Get Many → map (sample Set node) → Batch Save upsert, ${options.rows} shops (stopped/deleted ones hidden by the gateway)`,
		['settings', 'run', 'rows', 'Jikeyun req', 'Kingdee calls', 'get s', 'map s', 'save s', 'wall s', 'rows/s'],
		pipeline.map((r) => [
			r.settings,
			r.run,
			String(r.rows),
			String(r.jikeyunRequests),
			String(r.kingdeeCalls),
			seconds(r.getManyMs),
			seconds(r.mapMs),
			seconds(r.batchSaveMs),
			seconds(r.wallMs),
			perSecond(r.rows, r.wallMs),
		]),
	);
	console.log(`\nTotal benchmark time: ${seconds(totalMs)} s`);

	if (options.jsonFile) {
		const report = { machine, latencyModel: LATENCY_MODEL, options, totalMs, jikeyun, kingdee, pipeline };
		fs.writeFileSync(path.resolve(options.jsonFile), `${JSON.stringify(report, null, 2)}\n`);
		console.log(`Results written to ${path.resolve(options.jsonFile)}`);
	}
}

main().catch((error: unknown) => {
	if (error instanceof UsageError) {
		console.error(`${error.message}\n\n${USAGE}`);
		process.exit(2);
	}
	console.error(error);
	process.exit(1);
});
