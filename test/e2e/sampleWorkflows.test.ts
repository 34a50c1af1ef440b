/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * The shipped sample workflows inside a real n8n 2.40.7 (from the per-machine cache, scripts/ensure-n8n.ts), with this
 * package packed and installed the way n8n's Community Nodes installer does it, against the two emulators on loopback.
 * Outcomes are judged by the emulators' state, not by n8n's exit code (n8n 2.40.7 `execute` can crash at shutdown).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureN8n } from '../../testing/n8nRuntime';
import {
	createN8nInstance,
	exportWorkflow,
	freePort,
	importCredentials,
	importWorkflow,
	nodeOutputItems,
	packPackage,
	publishWorkflow,
	readWorkflow,
	startN8nServer,
	stopAllN8nProcesses,
	type N8nInstance,
	type WorkflowJson,
} from '../../testing/n8nInstance';
import {
	ALERT_WORKFLOW_FILE,
	RECONCILE_WORKFLOW_FILE,
	SYNC_WORKFLOW_FILE,
	activeShops,
	customerMirrorProblems,
	describeFailure,
	emulatorCredentialsFor,
	executeWithOneRetry,
	failedRowsOf,
	isActiveShop,
	recordEmulatorSecrets,
	startEmulatorPair,
	syncCountsFromRun,
	type EmulatorPair,
} from '../../testing/sampleSync';

const log = (line: string) => process.stdout.write(`${line}\n`);

const SHOP_COUNT = 60;
/** Names that break naive string handling: quotes, markup, expression syntax, emoji, full-width punctuation. */
const AWKWARD_NAMES = [
	'天猫旗舰店 "A&B" <Tmall>',
	"O'Brien's 小店 & Co.",
	'{{ $json.notAnExpression }}',
	'=1+1 starts with an equals sign',
	'表情 🛒 Store',
	'京东（自营）店，逗号；分号',
	'Back\\slash / forward',
];

type CustomerRecord = Record<string, unknown>;

function customers(pair: EmulatorPair): CustomerRecord[] {
	return pair.kingdee.records('BD_Customer');
}

/** Every active shop is exactly one audited customer with the mapped name and number in org 100; nothing else exists. */
function expectCustomersMirrorShops(pair: EmulatorPair): void {
	expect(customerMirrorProblems(pair)).toEqual([]);
}

describe('sample workflows in a real n8n', () => {
	let pair: EmulatorPair;
	let instance: N8nInstance;
	let workDir: string;
	let syncWorkflow: WorkflowJson;
	let activeCount: number;

	beforeAll(async () => {
		const runtime = await ensureN8n({ log });
		workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-e2e-'));
		pair = await startEmulatorPair({ jikeyun: { shopCount: SHOP_COUNT, seed: 20240601 } });
		activeCount = activeShops(pair).length;
		const codes = activeShops(pair).map((shop) => shop.channelCode);
		AWKWARD_NAMES.forEach((name, i) => pair.jikeyun.modifyShops([codes[i * 3]], { channelName: name }));
		log(
			`[e2e] emulators: Jikeyun ${pair.jikeyun.url} (${SHOP_COUNT} shops, ${activeCount} active), Kingdee ${pair.kingdee.serverUrl}`,
		);

		const tarball = packPackage(workDir, log);
		instance = createN8nInstance({ runtime, userFolder: path.join(workDir, 'n8n-user'), tarball, log });
		syncWorkflow = readWorkflow(SYNC_WORKFLOW_FILE);
		await importCredentials(instance, emulatorCredentialsFor(syncWorkflow, pair));
		// The file exactly as shipped: its credential references resolve to the credentials imported above.
		await importWorkflow(instance, SYNC_WORKFLOW_FILE);
	});

	afterAll(async () => {
		await stopAllN8nProcesses();
		if (pair) recordEmulatorSecrets(pair);
		await pair?.close();
		if (workDir && !process.env.KEEP_E2E_DIR) fs.rmSync(workDir, { recursive: true, force: true });
		else if (workDir) log(`[e2e] kept ${workDir}`);
	});

	async function runSync(label: string) {
		log(`[e2e] ${label}: n8n execute of "${syncWorkflow.name}" …`);
		const { result, attempts } = await executeWithOneRetry(instance, syncWorkflow.id, log);
		const counts = syncCountsFromRun(syncWorkflow, result);
		if (!result.run || !counts) throw new Error(`${label}: n8n printed no execution:\n${describeFailure(result)}`);
		log(`[e2e] ${label}: ${JSON.stringify({ ...counts, failures: counts.failures.slice(0, 3) })}`);
		return { result, run: result.run, attempts, counts };
	}

	test('first run: every shop becomes exactly one audited customer with the mapped name and number', async () => {
		const { run, attempts, counts } = await runSync('run 1');
		expectCustomersMirrorShops(pair);
		// A second attempt (n8n crashed at shutdown before printing the first) finds every customer already saved.
		const status = attempts === 1 ? 'created' : 'unchanged';
		expect(counts).toMatchObject({ shopsRead: activeCount, [status]: activeCount, failed: 0 });
		const summary = syncWorkflow.nodes.find((n) => n.type === 'n8n-nodes-base.summarize');
		expect(nodeOutputItems(run, summary!.name).map((item) => item.json)).toEqual([
			{ status, count_Number: activeCount },
		]);
		expect(run.data.resultData.error).toBeUndefined();
	});

	test('second run with nothing changed: no write call at all, nothing duplicated', async () => {
		const before = customers(pair)
			.map((c) => c.FCUSTID)
			.sort();
		pair.kingdee.resetStats();
		const { counts } = await runSync('run 2');
		expectCustomersMirrorShops(pair);
		expect(
			customers(pair)
				.map((c) => c.FCUSTID)
				.sort(),
		).toEqual(before);
		// Counted by the emulator: no Save, BatchSave, UnAudit, Submit or Audit reached Kingdee.
		expect(pair.kingdee.stats().writeLog).toEqual([]);
		expect(pair.kingdee.stats().byService.ExecuteBillQuery).toBeGreaterThan(0);
		expect(counts).toMatchObject({ shopsRead: activeCount, created: 0, updated: 0, unchanged: activeCount, failed: 0 });
	});

	test('renamed shops: exactly the renamed customers are written, with the new names', async () => {
		const renamed = activeShops(pair).slice(10, 17);
		pair.jikeyun.modifyShops(
			renamed.map((shop) => shop.channelCode),
			(shop) => ({ channelName: `${shop.channelName} (renamed)` }),
		);
		const idsBefore = new Map(customers(pair).map((c) => [String(c.FNumber), c.FCUSTID]));
		pair.kingdee.resetStats();
		const { counts } = await runSync('run 3');
		expectCustomersMirrorShops(pair);
		const renamedCodes = renamed.map((shop) => shop.channelCode).sort();
		const writes = pair.kingdee.stats().writeLog;
		// One UnAudit naming the renamed customers' ids, BatchSave packages for exactly the renamed shops.
		expect(
			writes
				.filter((w) => w.service === 'UnAudit')
				.flatMap((w) => w.ids)
				.sort(),
		).toEqual(renamedCodes.map((code) => String(idsBefore.get(code))).sort());
		expect(
			writes
				.filter((w) => w.service === 'BatchSave')
				.flatMap((w) => w.numbers)
				.sort(),
		).toEqual(renamedCodes);
		expect(writes.map((w) => w.service).filter((service) => service !== 'UnAudit' && service !== 'BatchSave')).toEqual(
			[],
		);
		expect(counts).toMatchObject({ updated: renamed.length, unchanged: activeCount - renamed.length, failed: 0 });
		expect(renamed).toHaveLength(7);
		// Each renamed customer keeps its id (an update, not a new record); the ids existed before the run.
		expect(renamed.map((shop) => idsBefore.get(shop.channelCode))).toEqual(renamed.map(() => expect.anything()));
		expect(renamed.map((shop) => customers(pair).find((c) => c.FNumber === shop.channelCode))).toEqual(
			renamed.map((shop) =>
				expect.objectContaining({
					FName: `${shop.channelName} (renamed)`.trim(),
					FCUSTID: idsBefore.get(shop.channelCode),
				}),
			),
		);
	});

	test('a row Kingdee rejects ends in the failed-rows node with its reason, the other rows are saved, and the run ends FAILED naming it', async () => {
		const [rejected, ...others] = activeShops(pair).slice(40, 44);
		expect(others).toHaveLength(3);
		const rename = (shop: { channelName: string }) => ({ channelName: `${shop.channelName} (v2)` });
		pair.jikeyun.modifyShops(
			[rejected, ...others].map((shop) => shop.channelCode),
			rename,
		);
		const rejectedNameBefore = customers(pair).find((c) => c.FNumber === rejected.channelCode)?.FName;
		if (typeof rejectedNameBefore !== 'string' || rejectedNameBefore === '') {
			throw new Error(
				`could not produce the case: shop ${rejected.channelCode} has no customer to reject an update of`,
			);
		}
		pair.kingdee.setFaults({ failNumbers: [rejected.channelCode] });
		try {
			const { run, counts } = await runSync('run with one rejected row');
			expect(customers(pair).find((c) => c.FNumber === rejected.channelCode)?.FName).toBe(rejectedNameBefore);
			// Un-audited to be updated, rejected, then audited again: never left un-audited.
			expect(customers(pair).find((c) => c.FNumber === rejected.channelCode)?.FDocumentStatus).toBe('C');
			expect(others.map((shop) => customers(pair).find((c) => c.FNumber === shop.channelCode)?.FName)).toEqual(
				others.map((shop) => `${shop.channelName} (v2)`.trim()),
			);
			expect(counts).toMatchObject({ failed: 1, updated: others.length, unchanged: activeCount - 1 - others.length });
			const failedNode = syncWorkflow.nodes.find((n) => /^Failed rows/.test(n.name));
			const failedRows = nodeOutputItems(run, failedNode!.name).map((item) => item.json);
			expect(failedRows).toEqual(failedRowsOf(syncWorkflow, run));
			expect(failedRows).toEqual([
				expect.objectContaining({
					FNumber: rejected.channelCode,
					error: expect.objectContaining({
						message: expect.stringContaining(rejected.channelCode),
						number: rejected.channelCode,
						outcome: 'failed',
					}),
				}),
			]);
			// After the summary, the run ends red with the count and the row's number and reason.
			expect(Object.keys(run.data.resultData.runData)).toContain('Summary: customers created / updated');
			expect(run.data.resultData.error?.message).toMatch(
				new RegExp(
					`^1 of ${activeCount} rows could not be saved in Kingdee \\(statuses: failed 1, unknown 0\\)\\. First: ${rejected.channelCode}: FNumber "${rejected.channelCode}" was not saved`,
				),
			);
		} finally {
			pair.kingdee.setFaults({});
		}
		// Next run (fault gone): the rejected row goes through and everything matches again.
		await runSync('run after the fix');
		expectCustomersMirrorShops(pair);
	});

	test('published: the Jikeyun Trigger entry point brings changed shops across on its own', async () => {
		const changed = activeShops(pair).slice(20, 23);
		pair.jikeyun.modifyShops(
			changed.map((shop) => shop.channelCode),
			(shop) => ({ channelName: `${shop.channelName} (seen by the trigger)` }),
		);
		const wanted = changed.map((shop) => ({
			code: shop.channelCode,
			name: `${shop.channelName} (seen by the trigger)`.trim(),
		}));
		const arrived = () =>
			wanted.every(({ code, name }) => customers(pair).some((c) => c.FNumber === code && c.FName === name));
		expect(arrived()).toBe(false);

		await publishWorkflow(instance, syncWorkflow.id);
		const callsBefore = pair.jikeyun.stats().calls;
		log('[e2e] n8n start with the sync workflow published; waiting for the trigger to poll …');
		const server = await startN8nServer(instance, await freePort());
		try {
			// The trigger polls once when the workflow is activated, then every 5 minutes.
			const deadline = Date.now() + 180_000;
			while (!arrived() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1000));
		} finally {
			await server.stop();
		}
		log(`[e2e] trigger run: ${pair.jikeyun.stats().calls - callsBefore} Jikeyun calls while n8n was up`);
		expect(arrived()).toBe(true);
		expectCustomersMirrorShops(pair);
	});

	test('reconcile workflow lists what is missing or different on each side', async () => {
		const reconcile = readWorkflow(RECONCILE_WORKFLOW_FILE);
		await importCredentials(instance, emulatorCredentialsFor(reconcile, pair));
		await importWorkflow(instance, RECONCILE_WORKFLOW_FILE);

		const added = pair.jikeyun
			.addShops(6)
			.filter(isActiveShop)
			.map((shop) => shop.channelCode);
		expect(added.length).toBeGreaterThan(0);
		const changed = activeShops(pair)
			.slice(30, 32)
			.map((shop) => shop.channelCode);
		pair.jikeyun.modifyShops(changed, (shop) => ({ channelName: `${shop.channelName} (changed in Jikeyun)` }));
		pair.kingdee.seedRecords('BD_Customer', 1, () => ({
			FNumber: 'KD-ONLY-0001',
			FName: 'Customer with no shop',
			FCreateOrgId: '100',
			FUseOrgId: '100',
		}));

		log(`[e2e] reconcile: n8n execute of "${reconcile.name}" …`);
		const { result } = await executeWithOneRetry(instance, reconcile.id, log);
		if (!result.run) throw new Error(`reconcile printed no execution:\n${describeFailure(result)}`);
		expect(result.run.data.resultData.error).toBeUndefined();

		const compareNode = reconcile.nodes.find((n) => n.type === 'n8n-nodes-base.compareDatasets');
		if (!compareNode) throw new Error('reconcile workflow has no Compare Datasets node');
		const codesOn = (output: number) =>
			nodeOutputItems(result.run!, compareNode.name, output)
				// "Different" items are {keys, same, different}; the other outputs carry the compared item itself.
				.map((item) => String(item.json.code ?? (item.json.keys as { code?: string } | undefined)?.code))
				.sort();
		// Compare Datasets outputs: 0 "In A only" (Jikeyun), 1 "Same", 2 "Different", 3 "In B only" (Kingdee).
		expect(codesOn(0)).toEqual([...added].sort());
		expect(codesOn(2)).toEqual([...changed].sort());
		expect(codesOn(3)).toEqual(['KD-ONLY-0001']);
		expect(codesOn(1)).toHaveLength(activeCount - changed.length);

		// Each output ends in the node whose name says what it holds.
		const outputs = (reconcile.connections[compareNode.name] as { main: Array<Array<{ node: string }>> }).main;
		expect(outputs.map((targets) => targets.map((t) => t.node))).toEqual([
			[expect.stringMatching(/^Only in Jikeyun/)],
			[expect.stringMatching(/^Same/)],
			[expect.stringMatching(/^Different/)],
			[expect.stringMatching(/^Only in Kingdee/)],
		]);
	});

	test('error alert workflow imports and every node type is one this n8n knows', async () => {
		await importWorkflow(instance, ALERT_WORKFLOW_FILE);
		const shipped = readWorkflow(ALERT_WORKFLOW_FILE);
		const stored = await exportWorkflow(instance, shipped.id);
		expect(stored.nodes.map((n) => [n.name, n.type, n.typeVersion])).toEqual(
			shipped.nodes.map((n) => [n.name, n.type, n.typeVersion]),
		);
		const known = knownBaseNodeVersions(instance);
		const unknown = [shipped, readWorkflow(SYNC_WORKFLOW_FILE), readWorkflow(RECONCILE_WORKFLOW_FILE)]
			.flatMap((wf) => wf.nodes.map((n) => ({ wf: wf.id, type: n.type, version: n.typeVersion })))
			.filter((n) => n.type.startsWith('n8n-nodes-base.') && !known.get(n.type)?.has(n.version));
		expect(unknown).toEqual([]);
		// The check saw n8n's own node list: the workflows' Set node is in it.
		expect(known.get('n8n-nodes-base.set')?.size).toBeGreaterThan(0);
	});
});

/** Node types and versions n8n-nodes-base of the installed n8n declares (its generated dist/types/nodes.json). */
function knownBaseNodeVersions(instance: N8nInstance): Map<string, Set<number>> {
	const nodesJson = path.join(
		path.dirname(instance.runtime.n8nBin),
		'..',
		'..',
		'n8n-nodes-base',
		'dist',
		'types',
		'nodes.json',
	);
	const descriptions = JSON.parse(fs.readFileSync(nodesJson, 'utf8')) as Array<{
		name: string;
		version: number | number[];
	}>;
	const known = new Map<string, Set<number>>();
	for (const d of descriptions) {
		const type = d.name.startsWith('n8n-nodes-base.') ? d.name : `n8n-nodes-base.${d.name}`;
		const versions = known.get(type) ?? new Set<number>();
		for (const v of Array.isArray(d.version) ? d.version : [d.version]) versions.add(v);
		known.set(type, versions);
	}
	return known;
}
