/**
 * Batch Save tells the truth at the edges (issue 19), against the Kingdee emulator over loopback HTTP through n8n's
 * real request code: empty means clear, status is part of the plan, un-audit is never silent. Every case asserts each
 * row and what Kingdee holds afterwards.
 */
import type { INodeExecutionData, INodeParameters, WorkflowExecuteMode } from 'n8n-workflow';

import { kingdeeCredentialData } from '../../emulators/credentials';
import { startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';
import { errorOf } from '../../testing/errorItems';
import { executeNode } from '../../testing/n8nHarness';

let emulator: KingdeeEmulator;

beforeEach(async () => {
	emulator = await startKingdeeEmulator({ port: 0 });
});

afterEach(async () => {
	await emulator.close();
});

const customer = (number: string, extra: Record<string, unknown> = {}) => ({
	FNumber: number,
	FName: `Name ${number}`,
	FCreateOrgId: '100',
	FUseOrgId: '100',
	...extra,
});

const upsertParameters = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'batchSave',
	formId: { __rl: true, mode: 'list', value: 'BD_Customer' },
	baseDataFields: 'FCreateOrgId, FUseOrgId',
	batchSize: 20,
	upsertByNumber: true,
	saveOptions: { isAutoSubmitAndAudit: true },
	...extra,
});

type Row = Record<string, unknown>;

/** One row per input item: its output json, or `{status: 'error', error}` from the error output. */
async function run(
	items: INodeExecutionData[],
	parameters: INodeParameters = upsertParameters(),
	parametersForItem?: (itemIndex: number) => INodeParameters,
	mode?: WorkflowExecuteMode,
): Promise<Row[]> {
	const { outputs } = await executeNode(new Kingdee(), {
		parameters,
		parametersForItem,
		items,
		credentials: { kingdeeApi: kingdeeCredentialData(emulator, 'password') },
		onError: 'continueErrorOutput',
		mode,
	});
	const rows: Row[] = [];
	outputs.forEach((branch) =>
		branch.forEach((item) => {
			const index = (item.pairedItem as { item: number }).item;
			const error = errorOf(item.json);
			rows[index] = error === undefined ? item.json : { status: 'error', error: error.message };
		}),
	);
	return rows;
}

const held = (number: string) => emulator.records('BD_Customer').find((record) => record.FNumber === number);
const writes = () => emulator.stats().writeLog.map((entry) => entry.service);

describe('empty means clear', () => {
	beforeEach(() => {
		emulator.seedRecords('BD_Customer', 1, () => customer('T1', { FTEL: '13800138000', FShortName: 'Short' }));
		emulator.resetStats();
	});

	it('Map Fields Below: an expression that gives "" or null clears the field; a blank field is not sent', async () => {
		const written = { FNumber: 'T1', FName: 'Name T1', FTEL: '={{ $json.tel }}', FShortName: '' };
		const mapper = (value: Record<string, string | null>): INodeParameters => ({
			modelSource: 'mapper',
			fields: { mappingMode: 'defineBelow', value, matchingColumns: ['FNumber'], schema: [] },
		});
		for (const resolved of ['', null]) {
			const parameters = upsertParameters({ ...mapper(written), baseDataFields: '' });
			const rows = await run([{ json: { tel: resolved } }], parameters, () => mapper({ ...written, FTEL: resolved }));
			expect(rows[0]).toMatchObject({
				status: 'updated',
				changes: [{ field: 'FTEL', before: '13800138000', after: resolved }],
			});
			expect(held('T1')).toMatchObject({ FTEL: resolved, FShortName: 'Short', FDocumentStatus: 'C' });
			// Restore the phone for the second value.
			await run([{ json: customer('T1', { FTEL: '13800138000' }) }]);
		}
	});

	it('Whole Input Item: a present key with "" or null clears, an absent key is untouched', async () => {
		const rows = await run([{ json: customer('T1', { FTEL: null }) }]);
		expect(rows[0]).toMatchObject({
			status: 'updated',
			changes: [{ field: 'FTEL', before: '13800138000', after: null }],
		});
		expect(held('T1')).toMatchObject({ FShortName: 'Short' });
		expect(held('T1')?.FTEL ?? '').toBe('');
		const again = await run([{ json: customer('T1', { FShortName: '' }) }]);
		expect(again[0]).toMatchObject({
			status: 'updated',
			changes: [{ field: 'FShortName', before: 'Short', after: '' }],
		});
		expect(held('T1')?.FShortName ?? '').toBe('');
	});
});

describe('status is part of the plan', () => {
	beforeEach(() => {
		for (const status of ['A', 'B', 'D', 'C'])
			emulator.seedRecords('BD_Customer', 1, () => customer(`S${status}`, { FDocumentStatus: status }));
		emulator.seedRecords('BD_Customer', 1, () => customer('SD2', { FDocumentStatus: 'D', FName: 'Old' }));
		emulator.resetStats();
	});
	const items = () => ['SA', 'SB', 'SD', 'SC', 'SD2'].map((number) => ({ json: customer(number) }));

	it('with Auto Submit and Audit, equal records not audited are audited; Dry Run shows it first', async () => {
		const plan = await run(items(), upsertParameters({ options: { dryRun: true } }), undefined, 'manual');
		expect(plan.map((row) => [row.status, row.action])).toEqual([
			['planned', 'audit'],
			['planned', 'audit'],
			['planned', 'audit'],
			['planned', 'unchanged'],
			['planned', 'update'],
		]);
		expect(plan[0].documentStatus).toEqual({ before: 'A', after: 'C' });
		expect(plan[4].documentStatus).toEqual({ before: 'D', after: 'C' });
		expect(writes()).toEqual([]);

		const rows = await run(items());
		expect(rows.map((row) => row.status)).toEqual(['audited', 'audited', 'audited', 'unchanged', 'updated']);
		expect(rows[1].documentStatus).toEqual({ before: 'B', after: 'C' });
		expect(rows[4]).toMatchObject({
			changes: [{ field: 'FName', before: 'Old', after: 'Name SD2' }],
			documentStatus: { before: 'D', after: 'C' },
		});
		for (const number of ['SA', 'SB', 'SD', 'SC', 'SD2']) expect(held(number)?.FDocumentStatus).toBe('C');
		expect(held('SD2')?.FName).toBe('Name SD2');

		emulator.resetStats();
		const again = await run(items());
		expect(again.map((row) => row.status)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
		expect(writes()).toEqual([]);
	});

	it('without Auto Submit and Audit the status is left as it is', async () => {
		const rows = await run(items().slice(0, 3), upsertParameters({ saveOptions: {} }));
		expect(rows.map((row) => row.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
		expect(held('SA')?.FDocumentStatus).toBe('A');
		expect(writes()).toEqual([]);
	});
});

describe('un-audit is never silent', () => {
	const numbers = ['U1', 'U2', 'U3', 'U4'];
	beforeEach(() => {
		for (const number of numbers) emulator.seedRecords('BD_Customer', 1, () => customer(number, { FName: 'Old' }));
		emulator.resetStats();
	});

	it('un-audits per batch right before its save; an outage after UnAudit says "un-audited, not saved"; the next run repairs', async () => {
		emulator.setFaults({ unreachableAfterUnAudit: { calls: 30, as: 'http503' } });
		const rows = await run(
			numbers.map((number) => ({ json: customer(number) })),
			upsertParameters({ batchSize: 2, options: { maxTries: 1 } }),
		);
		expect(rows.map((row) => row.status)).toEqual(['error', 'error', 'error', 'error']);
		for (const row of rows.slice(0, 2)) {
			expect(row.error).toContain('un-audited, not saved; status D');
			expect(row.error).not.toContain('nothing was sent');
		}
		// The second batch was never un-audited: Kingdee was unreachable before its turn.
		expect(emulator.stats().writeLog.filter((entry) => entry.service === 'UnAudit')).toHaveLength(1);
		expect(numbers.map((number) => held(number)?.FDocumentStatus)).toEqual(['D', 'D', 'C', 'C']);
		for (const row of rows.slice(2)) {
			expect(row.error).toContain('un-auditing it, needed to update it, failed; nothing was saved');
			expect(row.error).not.toContain('un-audited, not saved');
		}

		emulator.setFaults({});
		const again = await run(numbers.map((number) => ({ json: customer(number) })));
		expect(again.map((row) => row.status)).toEqual(['updated', 'updated', 'updated', 'updated']);
		expect(again[0].documentStatus).toEqual({ before: 'D', after: 'C' });
		for (const number of numbers) expect(held(number)).toMatchObject({ FName: `Name ${number}`, FDocumentStatus: 'C' });
	});
});

describe('races resolve to the truth', () => {
	it('a create refused because another worker made the number meanwhile is read back: equal → unchanged, else updated', async () => {
		emulator.setFaults({
			insertBeforeNextSave: {
				formId: 'BD_Customer',
				records: [customer('R1'), customer('R2', { FName: 'Theirs' })],
			},
		});
		const rows = await run(['R1', 'R2', 'R3'].map((number) => ({ json: customer(number) })));
		expect(rows.map((row) => row.status)).toEqual(['unchanged', 'updated', 'created']);
		expect(rows[1]).toMatchObject({ changes: [{ field: 'FName', before: 'Theirs', after: 'Name R2' }] });
		expect(emulator.records('BD_Customer').map((record) => [record.FNumber, record.FName])).toEqual([
			['R1', 'Name R1'],
			['R2', 'Name R2'],
			['R3', 'Name R3'],
		]);
	});
});

describe('org-aware matching', () => {
	beforeEach(() => {
		emulator.seedRecords('BD_Customer', 1, () => customer('O1', { FName: 'Org 100' }));
		emulator.seedRecords('BD_Customer', 1, () => customer('O1', { FName: 'Org 101', FUseOrgId: '101' }));
		emulator.resetStats();
	});
	const byOrg = () =>
		emulator
			.records('BD_Customer')
			.map((record) => [record.FUseOrgId, record.FName])
			.sort();

	it("an item naming its use organisation updates that organisation's record only (numbers case-insensitive)", async () => {
		const rows = await run([{ json: customer('o1', { FName: 'Renamed 101', FUseOrgId: '101' }) }]);
		expect(rows[0]).toMatchObject({ status: 'updated' });
		expect(rows[0].changes).toEqual(
			expect.arrayContaining([{ field: 'FName', before: 'Org 101', after: 'Renamed 101' }]),
		);
		expect((rows[0].changes as Array<{ field: string }>).map((change) => change.field)).not.toContain('FUseOrgId');
		expect(byOrg()).toEqual([
			['100', 'Org 100'],
			['101', 'Renamed 101'],
		]);
	});

	it('a number held by several organisations and no organisation in the item fails the row, naming them', async () => {
		const rows = await run([{ json: { FNumber: 'O1', FName: 'Which one?' } }]);
		expect(rows[0].status).toBe('error');
		expect(rows[0].error).toContain('several use organisations (100, 101)');
		expect(writes()).toEqual([]);
		expect(byOrg()).toEqual([
			['100', 'Org 100'],
			['101', 'Org 101'],
		]);
	});
});

describe('Dry Run tells what the real run then does', () => {
	it('across clear, status, organisations, updates, creates and unchanged rows', async () => {
		emulator.seedRecords('BD_Customer', 1, () => customer('P1', { FTEL: '13800138000' }));
		emulator.seedRecords('BD_Customer', 1, () => customer('P2', { FDocumentStatus: 'A' }));
		emulator.seedRecords('BD_Customer', 1, () => customer('P3', { FDocumentStatus: 'D', FName: 'Old' }));
		emulator.seedRecords('BD_Customer', 1, () => customer('P4', { FName: 'Old' }));
		emulator.seedRecords('BD_Customer', 1, () => customer('P5'));
		emulator.seedRecords('BD_Customer', 1, () => customer('P6', { FName: 'Org 100' }));
		emulator.seedRecords('BD_Customer', 1, () => customer('P6', { FName: 'Org 101', FUseOrgId: '101' }));
		emulator.resetStats();
		const items = [
			customer('P1', { FTEL: null }),
			customer('P2'),
			customer('P3'),
			customer('P4'),
			customer('P5'),
			customer('P6', { FUseOrgId: '101', FName: 'New 101' }),
			customer('P7'),
		].map((json) => ({ json }));

		const plan = await run(items, upsertParameters({ options: { dryRun: true } }), undefined, 'manual');
		expect(writes()).toEqual([]);
		const done = await run(items);

		const statusOf: Record<string, string> = {
			create: 'created',
			update: 'updated',
			unchanged: 'unchanged',
			audit: 'audited',
		};
		expect(done.map((row) => row.status)).toEqual(plan.map((row) => statusOf[String(row.action)]));
		expect(done.map((row) => row.status)).toEqual([
			'updated',
			'audited',
			'updated',
			'updated',
			'unchanged',
			'updated',
			'created',
		]);
		done.forEach((row, index) => {
			expect(row.changes).toEqual(plan[index].action === 'create' ? undefined : plan[index].changes);
			expect(row.documentStatus).toEqual(plan[index].documentStatus);
			if (row.status !== 'created') expect(row.Id).toEqual(plan[index].Id);
		});
	});
});

describe('Server Threads (BatchCount)', () => {
	it('a refused row is never given another row’s field', async () => {
		const items = [
			customer('BC0', { FName: '' }),
			customer('BC1'),
			customer('BC2', { FCreateOrgId: 'NOPE' }),
			customer('BC3'),
		].map((json) => ({ json }));
		const { outputs } = await executeNode(new Kingdee(), {
			parameters: upsertParameters({ saveOptions: { batchCount: 2 } }),
			items,
			credentials: { kingdeeApi: kingdeeCredentialData(emulator, 'password') },
			onError: 'continueErrorOutput',
		});
		const all = outputs.flat();
		const failed = new Map(
			all
				.filter((item) => errorOf(item.json) !== undefined)
				.map((item) => [(item.pairedItem as { item: number }).item, errorOf(item.json)!]),
		);
		expect([...failed.keys()].sort()).toEqual([0, 2]);
		expect(failed.get(0)!.field).not.toBe('FCreateOrgId');
		expect(failed.get(2)!.field).not.toBe('FName');
		const saved = all.filter((item) => errorOf(item.json) === undefined).map((item) => item.json.status);
		expect(saved).toEqual(['created', 'created']);
	});
});

describe('fields a Save does not change', () => {
	beforeEach(() => {
		emulator.seedRecords('BD_Customer', 1, () => customer('NA1', { FTEL: '1' }));
		emulator.resetStats();
	});

	it('a status field (FForbidStatus) is not applied: never updated, nothing un-audited each run', async () => {
		for (let run1 = 0; run1 < 2; run1++) {
			const rows = await run([{ json: customer('NA1', { FTEL: '1', FForbidStatus: 'B' }) }]);
			expect(rows[0]).toMatchObject({ status: 'unchanged' });
		}
		expect(writes()).toEqual([]);
	});

	it('with Fields to Update, the fields outside the list are listed as not applied and never make an update', async () => {
		const parameters = upsertParameters({ saveOptions: { isAutoSubmitAndAudit: true, needUpDateFields: 'FName' } });
		const same = await run([{ json: customer('NA1', { FTEL: '2' }) }], parameters);
		expect(same[0]).toMatchObject({ status: 'unchanged' });
		expect(writes()).toEqual([]);
		const renamed = await run([{ json: customer('NA1', { FTEL: '2', FName: 'Renamed' }) }], parameters);
		expect(renamed[0]).toMatchObject({
			status: 'updated',
			changes: [{ field: 'FName', before: 'Name NA1', after: 'Renamed' }],
		});
		expect((renamed[0].notApplied as Array<{ field: string }>).map((entry) => entry.field)).toEqual(
			expect.arrayContaining(['FTEL']),
		);
		expect(held('NA1')).toMatchObject({ FName: 'Renamed', FTEL: '1', FDocumentStatus: 'C' });
	});
});

describe('compared as Kingdee stores it', () => {
	beforeEach(() => {
		emulator.seedRecords('BD_Customer', 1, () => customer('T1', { FTEL: '123', FShortName: 'Short' }));
		emulator.resetStats();
	});

	it('text with surrounding spaces or leading zeros is updated and held as sent; a re-run is unchanged', async () => {
		const items = [{ json: customer('T1', { FShortName: ' Short　', FTEL: '00123' }) }];
		const first = await run(items);
		expect(first[0]).toMatchObject({ status: 'updated' });
		expect(first[0].changes).toEqual([
			{ field: 'FShortName', before: 'Short', after: ' Short　' },
			{ field: 'FTEL', before: '123', after: '00123' },
		]);
		expect(held('T1')).toMatchObject({ FShortName: ' Short　', FTEL: '00123' });

		emulator.resetStats();
		const again = await run(items);
		expect(again[0]).toMatchObject({ status: 'unchanged' });
		expect(writes()).toEqual([]);
	});
});
