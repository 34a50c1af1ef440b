/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, no-console */
/**
 * `npm run bench -- --n8n --orders` — the orders sample (issue 16) in a real n8n against both emulators, beside a
 * stock-n8n workflow doing the same job, with the shops benchmark's latency model and measurement
 * (scripts/benchN8n.ts `measuredExecute`: wall, net of n8n's start-up, peak RSS of n8n main, calls).
 *
 *   npm run bench -- --n8n --orders                                   10,000 and 50,000 orders
 *   npm run bench -- --n8n --orders --sizes 10000 --markdown docs/benchmark-orders.md
 *
 * Per size N: the Jikeyun emulator holds N orders of 1–5 lines traded over the last 28 days (about three in four
 * shipped; the others awaiting audit or shipment, or cancelled), the Kingdee emulator the customers, materials and
 * stocks they name (testing/ordersSync.ts). Runs:
 * - sample  workflows/jikeyun-orders-to-kingdee-sales-outbound.json as shipped, backfill path (Manual Trigger → Get Many
 *           by consign time, last 30 days in 7-day windows → shipped only → Set → Batch Save If Exists: Skip);
 * - rerun   the same again, nothing changed: no write may reach Kingdee;
 * - stock   scripts/bench/stock-orders-workflow.json into a fresh Kingdee: HTTP Request with cursor paging and an MD5
 *           signature expression per 7-day window, Filter, Set, Loop Over Items (100) + Aggregate, an ExecuteBillQuery
 *           of the batch's bill numbers, BatchSave of those not held, login/logout by HTTP with the session cookie.
 * A run counts only when Kingdee holds exactly one correct audited bill per shipped order and nothing else.
 * Floor = `runFloor` (scripts/benchN8n.ts), as for the shops: Jikeyun (calls − 1) × max(50 ms, 1 s / the sample's pacing,
 * 10 requests per second by default; none for the stock workflow) + 50 ms, plus Kingdee (calls × 150 ms + bills saved
 * × 2 ms) / sessions opened.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jikeyunCredentialData, kingdeeCredentialData } from '../../emulators/credentials';
import { startJikeyunEmulator } from '../../emulators/jikeyun/server';
import { startKingdeeEmulator } from '../../emulators/kingdee/server';
import {
	REPO_ROOT,
	credentialReferences,
	freePort,
	importCredentials,
	importWorkflow,
	readWorkflow,
	stopAllN8nProcesses,
	type N8nInstance,
	type WorkflowJson,
} from '../../testing/n8nInstance';
import { ensureN8n } from '../../testing/n8nRuntime';
import {
	ORDERS_WORKFLOW_FILE,
	billMirrorProblems,
	seedOrderReferenceData,
	shippedOrders,
} from '../../testing/ordersSync';
import type { EmulatorPair } from '../../testing/sampleSync';
import { machineFacts } from '../benchMachine';
import { benchMarkdown, type ReportPart } from '../../testing/benchMarkdown';
import {
	EMPTY_WORKFLOW,
	N8N_LATENCY_MODEL,
	benchN8nInstance,
	emptyRunResult,
	measuredExecute,
	type RunResult,
	packageSettings,
	pointStockSettingsAt,
	readNodeDefaults,
	runFloor,
} from '../benchN8n';

const STOCK_ORDERS_WORKFLOW_FILE = path.join(REPO_ROOT, 'scripts', 'bench', 'stock-orders-workflow.json');

const ORDER_METHOD = 'oms.trade.fullinfoget';
/** Trade times spread over 28 days, so every shipped order's consign time lies in the backfill's last 30 days. */
const SPAN_DAYS = 28;
const SEED = 20_240_616;
const EMPTY_RUNS = 3;

type OrdersScenario = 'sample' | 'rerun' | 'stock';
const LABELS: Record<OrdersScenario, string> = {
	sample: '1 orders sample as shipped',
	rerun: '2 re-run, nothing changed',
	stock: '3 stock n8n workflow',
};

interface OrdersOptions {
	sizes: number[];
	scenarios: OrdersScenario[];
	markdownFile?: string;
	jsonFile?: string;
	/** The workflow run as "the sample" (default the shipped one): to measure a variant of it side by side. */
	sampleFile: string;
	build: boolean;
	keep: boolean;
}

const BENCH_ORDERS_USAGE = `Usage: npm run bench -- --n8n --orders [--sizes 10000,50000] [--only sample,rerun,stock]
                            [--markdown <file>] [--json <file>] [--sample <workflow file>] [--no-build] [--keep]`;

function parseOrdersArguments(argv: string[]): OrdersOptions {
	const options: OrdersOptions = {
		sizes: [10_000, 50_000],
		scenarios: ['sample', 'rerun', 'stock'],
		sampleFile: ORDERS_WORKFLOW_FILE,
		build: true,
		keep: false,
	};
	for (let i = 0; i < argv.length; i++) {
		const value = () => {
			const next = argv[++i];
			if (next === undefined) throw new Error(`${argv[i - 1]} needs a value\n\n${BENCH_ORDERS_USAGE}`);
			return next;
		};
		switch (argv[i]) {
			case '--n8n':
			case '--orders':
				break;
			case '--sizes':
				options.sizes = value()
					.split(',')
					.map((size) => Number(size.replace(/_/g, '')));
				if (options.sizes.some((size) => !Number.isInteger(size) || size < 1))
					throw new Error(`--sizes: whole numbers ≥ 1 expected\n\n${BENCH_ORDERS_USAGE}`);
				break;
			case '--only':
				options.scenarios = value().split(',') as OrdersScenario[];
				if (options.scenarios.some((s) => !(s in LABELS)))
					throw new Error(`--only: one or more of sample, rerun, stock\n\n${BENCH_ORDERS_USAGE}`);
				break;
			case '--markdown':
				options.markdownFile = value();
				break;
			case '--json':
				options.jsonFile = value();
				break;
			case '--sample':
				options.sampleFile = path.resolve(value());
				break;
			case '--no-build':
				options.build = false;
				break;
			case '--keep':
				options.keep = true;
				break;
			default:
				throw new Error(`unknown argument ${argv[i]}\n\n${BENCH_ORDERS_USAGE}`);
		}
	}
	return options;
}

/** Both emulators on fixed ports with the latency model: N orders in Jikeyun, their reference data in Kingdee. */
async function startPair(ports: { jikeyun: number; kingdee: number }, orders: number): Promise<EmulatorPair> {
	const jikeyun = await startJikeyunEmulator({
		port: ports.jikeyun,
		seed: SEED,
		salesOrders: { count: orders, spanDays: SPAN_DAYS },
		faults: { latencyMs: N8N_LATENCY_MODEL.jikeyunPerCallMs },
	});
	const kingdee = await startKingdeeEmulator({
		port: ports.kingdee,
		faults: { latencyMs: N8N_LATENCY_MODEL.kingdeePerCallMs, perRowLatencyMs: N8N_LATENCY_MODEL.kingdeePerRowMs },
	});
	const pair: EmulatorPair = {
		jikeyun,
		kingdee,
		// The pair's current emulators: freshKingdee replaces pair.kingdee before the stock run.
		close: async () => {
			await Promise.allSettled([pair.jikeyun.close(), pair.kingdee.close()]);
		},
	};
	seedOrderReferenceData(pair);
	return pair;
}

/** A fresh Kingdee (reference data only) behind the same port. */
async function freshKingdee(pair: EmulatorPair): Promise<void> {
	const port = pair.kingdee.port;
	await pair.kingdee.close();
	pair.kingdee = await startKingdeeEmulator({
		port,
		faults: { latencyMs: N8N_LATENCY_MODEL.kingdeePerCallMs, perRowLatencyMs: N8N_LATENCY_MODEL.kingdeePerRowMs },
	});
	seedOrderReferenceData(pair);
}

/** The stock workflow pointed at the emulators (its Settings node holds URLs and secrets, as a user would keep them). */
function stockWorkflow(pair: EmulatorPair): WorkflowJson {
	const stock = readWorkflow(STOCK_ORDERS_WORKFLOW_FILE);
	pointStockSettingsAt(stock, STOCK_ORDERS_WORKFLOW_FILE, pair);
	return stock;
}

/** The floor of a run from the order-method calls it made (see the header); measuredExecute counts `erp.sales.get`. */
function ordersFloor(pair: EmulatorPair, result: RunResult, requestsPerSecond: number): void {
	result.floor = runFloor(pair.jikeyun.stats().byMethod[ORDER_METHOD] ?? 0, requestsPerSecond, pair.kingdee.stats());
	result.jikeyunCalls = pair.jikeyun.stats().calls;
}

interface OrdersRow {
	orders: number;
	bills: number;
	result: RunResult;
	writes: number;
	problems: string[];
}

const log = (line: string) => console.error(line);
const sec = (ms: number) => (ms / 1000).toFixed(1);

function reportTables(rows: OrdersRow[], startupMs: number): ReportPart[] {
	const parts: ReportPart[] = [];
	for (const orders of [...new Set(rows.map((row) => row.orders))]) {
		const ofSize = rows.filter((row) => row.orders === orders);
		const sample = ofSize.find((row) => row.result.scenario === 'sample');
		const stock = ofSize.find((row) => row.result.scenario === 'stock');
		parts.push({
			kind: 'table',
			heading: `${orders.toLocaleString('en-US')} orders`,
			title: `${orders.toLocaleString('en-US')} orders of 1–5 lines, ${ofSize[0].bills.toLocaleString('en-US')} of them shipped (one bill each); n8n start-up ${sec(startupMs)} s subtracted as "net"`,
			header: [
				'run',
				'status',
				'net s',
				'floor s',
				'net/floor',
				'vs stock',
				'Jikeyun calls',
				'Kingdee calls',
				'writes',
				'sessions',
				'read / between / save s',
				'peak RSS main MB: run / with CLI print',
			],
			rows: ofSize.map(({ result, writes, problems }) => [
				result.label,
				result.status === 'ok' ? 'ok' : `${result.status}: ${problems.slice(0, 2).join('; ')}`,
				sec(result.netMs),
				sec(result.floor?.totalMs ?? 0),
				result.netOverFloor === undefined ? '-' : `${result.netOverFloor.toFixed(2)}×`,
				result.scenario === 'sample' && stock && sample && sample.result.netMs > 0
					? `${(stock.result.netMs / sample.result.netMs).toFixed(1)}× faster`
					: '-',
				String(result.jikeyunCalls),
				`${result.floor?.kingdeeCalls ?? 0} (query ${result.kingdeeCalls.query}, save ${result.kingdeeCalls.save}, login ${result.kingdeeCalls.login})`,
				String(writes),
				String(result.floor?.sessions ?? 0),
				(['read', 'between', 'save'] as const).map((phase) => sec(result.phases[phase]?.ms ?? 0)).join(' / '),
				`${result.mainPeakRssUntilFinishedMb > 0 ? result.mainPeakRssUntilFinishedMb.toFixed(0) : '-'} / ${result.mainPeakRssMb.toFixed(0)}`,
			]),
		});
	}
	return parts;
}

async function runScenario(
	scenario: OrdersScenario,
	orders: number,
	pair: EmulatorPair,
	instance: N8nInstance,
	workflowId: string,
	startupMs: number,
	/** The sample's Jikeyun pacing (requests per second; 0 for the stock workflow, which has none). */
	requestsPerSecond: number,
): Promise<OrdersRow> {
	const result = emptyRunResult(orders, scenario, scenario === 'stock' ? 'stock HTTP Request workflow' : 'as shipped');
	result.label = LABELS[scenario];
	const expected = shippedOrders(pair);
	log(`[bench:orders] ${orders} × ${result.label} …`);
	await measuredExecute(instance, workflowId, pair, (30 + orders * 0.01) * 60_000, result);
	ordersFloor(pair, result, requestsPerSecond);
	const problems = billMirrorProblems(pair, expected);
	const writes = pair.kingdee.stats().writeLog.length;
	result.status = problems.length === 0 && (scenario !== 'rerun' || writes === 0) ? 'ok' : 'failed';
	if (scenario === 'rerun' && writes > 0) problems.unshift(`${writes} writes on a re-run`);
	result.netMs = result.wallMs - startupMs;
	if (result.floor && result.floor.totalMs > 0) result.netOverFloor = result.netMs / result.floor.totalMs;
	log(
		`[bench:orders]   ${result.status}: wall ${sec(result.wallMs)} s, net ${sec(result.netMs)} s, floor ${sec(result.floor?.totalMs ?? 0)} s, ` +
			`Kingdee ${result.floor?.kingdeeCalls} calls, ${writes} writes, peak RSS main ${result.mainPeakRssUntilFinishedMb.toFixed(0)} MB until the run ended, ${result.mainPeakRssMb.toFixed(0)} MB with the CLI's print` +
			(problems.length > 0 ? ` — ${problems.length} problems, first: ${problems.slice(0, 3).join('; ')}` : ''),
	);
	if (result.stderrTail && result.status !== 'ok') log(result.stderrTail);
	return { orders, bills: expected.length, result, writes, problems };
}

export async function runBenchOrders(argv: string[]): Promise<number> {
	const options = parseOrdersArguments(argv);
	const machine = machineFacts();
	const runtime = await ensureN8n({ log });
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-bench-orders-'));
	const { instance } = benchN8nInstance(runtime, workDir, options.build, log);
	const ports = { jikeyun: await freePort(), kingdee: await freePort() };
	const sample = readWorkflow(options.sampleFile);
	const samplePacing = packageSettings(sample, await readNodeDefaults()).requestsPerSecond ?? 0;
	let pair = await startPair(ports, 10);
	const stock = stockWorkflow(pair);
	const refs = credentialReferences(sample);
	await importCredentials(instance, [
		{ ...refs.jikeyunApi, type: 'jikeyunApi', data: jikeyunCredentialData(pair.jikeyun) },
		{ ...refs.kingdeeApi, type: 'kingdeeApi', data: kingdeeCredentialData(pair.kingdee, 'password') },
	]);
	await importWorkflow(instance, options.sampleFile);
	await importWorkflow(instance, stock);
	await importWorkflow(instance, EMPTY_WORKFLOW);
	await pair.close();

	const empties: number[] = [];
	for (let i = 0; i < EMPTY_RUNS; i++) {
		const run = emptyRunResult(0, 'empty', 'manual trigger only');
		await measuredExecute(instance, EMPTY_WORKFLOW.id, undefined, 5 * 60_000, run);
		empties.push(run.wallMs);
	}
	const startupMs = [...empties].sort((a, b) => a - b)[Math.floor(empties.length / 2)];
	log(`[bench:orders] n8n start-up (median of ${EMPTY_RUNS}): ${sec(startupMs)} s`);

	const rows: OrdersRow[] = [];
	try {
		for (const orders of options.sizes) {
			pair = await startPair(ports, orders);
			try {
				for (const scenario of options.scenarios) {
					if (scenario === 'stock') await freshKingdee(pair);
					const workflowId = scenario === 'stock' ? stock.id : sample.id;
					const pacing = scenario === 'stock' ? 0 : samplePacing;
					rows.push(await runScenario(scenario, orders, pair, instance, workflowId, startupMs, pacing));
				}
			} finally {
				await pair.close();
			}
		}
	} finally {
		await stopAllN8nProcesses();
	}

	if (options.sampleFile !== ORDERS_WORKFLOW_FILE) {
		// Not the shipped sample: every row of it says which file ran.
		const variant = path.relative(REPO_ROOT, options.sampleFile);
		for (const row of rows) if (row.result.scenario !== 'stock') row.result.label += ` (variant ${variant})`;
	}
	const parts: ReportPart[] = [
		{
			kind: 'text',
			line: `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}, commit ${machine.commit}, ${machine.date}; n8n ${runtime.n8nVersion}`,
		},
		...reportTables(rows, startupMs),
	];
	for (const part of parts) {
		if (part.kind === 'text') console.log(part.line);
		else {
			console.log(`\n${part.title}\n${part.header.join(' | ')}`);
			for (const row of part.rows) console.log(row.join(' | '));
		}
	}
	if (options.markdownFile) {
		const text = benchMarkdown(parts, { command: `npm run bench -- ${argv.join(' ')}` }).replace(
			/^# Benchmark[\s\S]*?## This run/m,
			`# Benchmark: Jikeyun orders → Kingdee sales outbound bills\n\nscripts/bench/orders.ts; workflows and floor as described in its header. Latency model as docs/benchmark.md (Jikeyun 50 ms per call; Kingdee 150 ms per call + 2 ms per saved bill, calls of one session queued).\n\n## This run`,
		);
		fs.writeFileSync(path.resolve(options.markdownFile), text);
		console.log(`Report written to ${path.resolve(options.markdownFile)}`);
	}
	if (options.jsonFile)
		fs.writeFileSync(path.resolve(options.jsonFile), `${JSON.stringify({ machine, rows }, null, 2)}\n`);
	if (options.keep) console.log(`n8n user folder kept: ${instance.userFolder}`);
	else fs.rmSync(workDir, { recursive: true, force: true });
	return rows.every((row) => row.result.status === 'ok') ? 0 : 1;
}
