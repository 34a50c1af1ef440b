/**
 * Change-aware Batch Save against the Kingdee emulator over loopback HTTP, through n8n's real request
 * code: plan, Skip Unchanged, Dry Run, un-audit safety, and the fault matrix of lost answers. Every
 * case asserts each row's status and what Kingdee holds afterwards.
 */
import type { INodeExecutionData, INodeParameters, WorkflowExecuteMode } from 'n8n-workflow';

import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';
import { startKingdeeEmulator, type KingdeeEmulator, type KingdeeWriteFault } from '../../emulators/kingdee/server';
import { executeNode } from '../../testing/n8nHarness';
import { kingdeeCredentialData } from '../../emulators/credentials';
import { errorOf } from '../../testing/errorItems';

let emulator: KingdeeEmulator;

beforeEach(async () => {
	emulator = await startKingdeeEmulator({ port: 0 });
});

afterEach(async () => {
	await emulator.close();
});

const shop = (number: string, name: string, extra: Record<string, unknown> = {}): INodeExecutionData => ({
	json: { FNumber: number, FName: name, FCreateOrgId: '100', FUseOrgId: '100', ...extra },
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

/** `mode`: n8n's execution mode; the harness's 'trigger' (an automatic run) unless given. */
async function run(
	items: INodeExecutionData[],
	parameters: INodeParameters = upsertParameters(),
	mode?: WorkflowExecuteMode,
) {
	const { outputs } = await executeNode(new Kingdee(), {
		parameters,
		items,
		credentials: { kingdeeApi: kingdeeCredentialData(emulator, 'password') },
		onError: 'continueErrorOutput',
		mode,
	});
	const rows: Array<Record<string, unknown>> = [];
	outputs.forEach((branch) =>
		branch.forEach((item) => {
			const index = (item.pairedItem as { item: number }).item;
			const error = errorOf(item.json);
			rows[index] = error === undefined ? item.json : { status: 'error', error: error.message };
		}),
	);
	return rows;
}

function held(number: string): Record<string, unknown> | undefined {
	return emulator.records('BD_Customer').find((record) => record.FNumber === number);
}

const writes = () =>
	emulator.stats().writeLog.map((entry) => `${entry.service}:${[...entry.numbers, ...entry.ids].join(',')}`);

/** Two audited customers A1, A2 held by Kingdee before each case. */
async function seedAudited(): Promise<Map<string, unknown>> {
	const rows = await run([shop('A1', 'Old one'), shop('A2', 'Old two')]);
	expect(rows.map((row) => row.status)).toEqual(['created', 'created']);
	emulator.resetStats();
	return new Map(emulator.records('BD_Customer').map((record) => [String(record.FNumber), record.FCUSTID]));
}

describe('plan: create / update / unchanged', () => {
	it('classifies, sends only real changes, un-audits only changing records, and reports the differing fields', async () => {
		const ids = await seedAudited();
		const rows = await run([shop('A1', 'Old one'), shop('A2', ' New two '), shop('N1', 'Brand new')]);
		expect(rows).toEqual([
			{ status: 'unchanged', Id: ids.get('A1'), Number: 'A1', formId: 'BD_Customer' },
			{
				status: 'updated',
				Id: ids.get('A2'),
				Number: 'A2',
				formId: 'BD_Customer',
				changes: [{ field: 'FName', before: 'Old two', after: ' New two ' }],
			},
			{ status: 'created', Id: expect.any(Number), Number: 'N1', formId: 'BD_Customer' },
		]);
		// UnAudit names only A2's id; the BatchSave carries only A2 and N1.
		expect(writes()).toEqual([`UnAudit:${String(ids.get('A2'))}`, 'BatchSave:A2,N1']);
		expect(held('A1')).toMatchObject({ FName: 'Old one', FDocumentStatus: 'C' });
		expect(held('A2')).toMatchObject({ FName: 'New two', FDocumentStatus: 'C' });
		expect(held('N1')).toMatchObject({ FName: 'Brand new', FDocumentStatus: 'C' });
	});

	it('a reference given as {"FNumber": …} in another case, numbers vs text and empty vs null count as unchanged', async () => {
		await run([shop('R1', 'Ref', { FShortName: '', FTEL: 12345 })]);
		emulator.resetStats();
		const rows = await run([
			{
				json: {
					FNumber: 'R1',
					// Text is compared exactly (docs/kingdee-webapi.md#comparison-rules): 'Ref ' would be a change.
					FName: 'Ref',
					FCreateOrgId: { FNUMBER: '100' },
					FUseOrgId: '100',
					FShortName: null,
					FTEL: '12345',
				},
			},
		]);
		expect(rows[0]).toMatchObject({ status: 'unchanged', Number: 'R1' });
		expect(writes()).toEqual([]);
	});

	it('entry rows cannot be compared: the item is sent and the output says why', async () => {
		await run([shop('E1', 'Entries')]);
		emulator.resetStats();
		const rows = await run([shop('E1', 'Entries', { FLocationInfo: [{ FLocName: 'Shanghai' }] })]);
		expect(rows[0]).toMatchObject({
			status: 'updated',
			notCompared: [{ field: 'FLocationInfo', reason: expect.stringMatching(/entry rows/) }],
		});
		// No empty `changes` list (issue 18).
		expect(rows[0]).not.toHaveProperty('changes');
		expect(writes()).toContain('BatchSave:E1');
	});

	it('a field the form does not have is reported as not compared instead of failing the lookup', async () => {
		await run([shop('F1', 'Field')]);
		emulator.resetStats();
		const rows = await run([shop('F1', 'Field', { FNoSuchField: 'x' })]);
		expect(rows[0]).toMatchObject({
			status: 'updated',
			notCompared: [{ field: 'FNoSuchField', reason: expect.stringMatching(/no field FNoSuchField/) }],
		});
	});

	it('Skip Unchanged off: unchanged records are sent (and un-audited) again', async () => {
		await seedAudited();
		const rows = await run([shop('A1', 'Old one')], upsertParameters({ skipUnchanged: false }));
		expect(rows[0]).toMatchObject({ status: 'updated' });
		expect(rows[0]).not.toHaveProperty('changes');
		expect(writes().map((entry) => entry.split(':')[0])).toEqual(['UnAudit', 'BatchSave']);
		expect(held('A1')).toMatchObject({ FName: 'Old one', FDocumentStatus: 'C' });
	});
});

describe('calls and sessions', () => {
	const many = (count: number, name = (i: number) => `Shop ${i}`) =>
		Array.from({ length: count }, (_, i) => shop(`M${String(i).padStart(5, '0')}`, name(i)));
	const parallel = upsertParameters({ batchSize: 200, options: { parallelRequests: 5 } });

	it('first run of 2,500 new records uses the 5 sessions; a re-run with nothing changed uses one: ⌈N/1000⌉ lookups, no write', async () => {
		const first = await run(many(2500), parallel);
		expect(first.filter((row) => row.status === 'created')).toHaveLength(2500);
		expect(emulator.stats().logins).toBe(5);
		expect(emulator.stats().byService.BatchSave).toBe(13);

		emulator.resetStats();
		const again = await run(many(2500), parallel);
		expect(again.filter((row) => row.status === 'unchanged')).toHaveLength(2500);
		expect(emulator.stats().byService).toEqual({ ValidateUser: 1, ExecuteBillQuery: 3, Logout: 1 });
		expect(emulator.stats().writeLog).toEqual([]);
	});

	it('a few changes among 2,500 need one batch, so one session does the lookups and the write', async () => {
		await run(many(2500), parallel);
		emulator.resetStats();
		const rows = await run(
			many(2500, (i) => (i % 100 === 0 ? `Renamed ${i}` : `Shop ${i}`)),
			parallel,
		);
		expect(rows.filter((row) => row.status === 'updated')).toHaveLength(25);
		expect(emulator.stats().byService).toEqual({
			ValidateUser: 1,
			ExecuteBillQuery: 3,
			UnAudit: 1,
			BatchSave: 1,
			Logout: 1,
		});
	});
});

describe('Dry Run', () => {
	it('writes nothing and outputs the classification the real run then performs', async () => {
		await seedAudited();
		const items = [shop('A1', 'Old one'), shop('A2', 'Renamed'), shop('N1', 'New')];
		const planned = await run(items, upsertParameters({ options: { dryRun: true } }), 'manual');
		expect(writes()).toEqual([]);
		expect(planned.map((row) => [row.status, row.action])).toEqual([
			['planned', 'unchanged'],
			['planned', 'update'],
			['planned', 'create'],
		]);
		expect(planned[1].changes).toEqual([{ field: 'FName', before: 'Old two', after: 'Renamed' }]);
		expect(held('A2')).toMatchObject({ FName: 'Old two', FDocumentStatus: 'C' });
		expect(held('N1')).toBeUndefined();

		const real = await run(items);
		const performed = { unchanged: 'unchanged', updated: 'update', created: 'create' } as Record<string, string>;
		expect(real.map((row) => performed[String(row.status)])).toEqual(planned.map((row) => row.action));
		expect(real[1].changes).toEqual(planned[1].changes);
	});

	// A Dry Run left on by mistake must not pass for a sync (docs/kingdee-node.md#batch-save).
	it.each<WorkflowExecuteMode>(['trigger', 'webhook', 'integrated', 'retry'])(
		'in an automatic run (%s) fails the node, also with continue-on-fail, and writes nothing',
		async (mode) => {
			await seedAudited();
			const items = [shop('A1', 'Old one'), shop('A2', 'Renamed'), shop('N1', 'New')];
			const failure = await run(items, upsertParameters({ options: { dryRun: true } }), mode).then(
				() => undefined,
				(error: unknown) => error as { name: string; message: string; description?: string },
			);
			expect(failure).toMatchObject({ name: 'NodeOperationError' });
			expect(failure?.message).toMatch(/^Dry Run is on: nothing was written to Kingdee\. Turn Options → Dry Run off/);
			expect(failure?.message).toContain('turn on Options → Allow Dry Run in Automatic Runs');
			expect(failure?.description).toContain(`execution mode "${mode}"`);
			expect(failure?.description).toContain('The plan: 1 unchanged, 1 update, 1 create.');
			expect(writes()).toEqual([]);
			expect(held('A2')).toMatchObject({ FName: 'Old two', FDocumentStatus: 'C' });
			expect(held('N1')).toBeUndefined();
		},
	);

	it('in an automatic run with Allow Dry Run in Automatic Runs outputs the plan and writes nothing', async () => {
		await seedAudited();
		const items = [shop('A2', 'Renamed'), shop('N1', 'New')];
		const options = { dryRun: true, allowDryRunInAutomaticRuns: true };
		const planned = await run(items, upsertParameters({ options }), 'trigger');
		expect(planned.map((row) => [row.status, row.action])).toEqual([
			['planned', 'update'],
			['planned', 'create'],
		]);
		expect(writes()).toEqual([]);
		expect(held('N1')).toBeUndefined();
	});

	it('started by hand with `n8n execute` (mode cli) outputs the plan', async () => {
		await seedAudited();
		const planned = await run([shop('A1', 'Old one')], upsertParameters({ options: { dryRun: true } }), 'cli');
		expect(planned).toEqual([
			{ status: 'planned', action: 'unchanged', Id: expect.anything(), Number: 'A1', formId: 'BD_Customer' },
		]);
		expect(writes()).toEqual([]);
	});

	it('the new option alone changes nothing in a real automatic run', async () => {
		await seedAudited();
		const rows = await run([shop('N1', 'New')], upsertParameters({ options: { allowDryRunInAutomaticRuns: true } }));
		expect(rows).toEqual([expect.objectContaining({ status: 'created', Number: 'N1' })]);
		expect(held('N1')).toMatchObject({ FName: 'New' });
	});
});

describe('numbers that must not be written', () => {
	it('two items with one number are both rejected before sending, each naming the other', async () => {
		const rows = await run([shop('D1', 'first'), shop('OK', 'fine'), shop('d1 ', 'second')]);
		expect(rows[1]).toMatchObject({ status: 'created', Number: 'OK' });
		expect(rows[0]).toMatchObject({
			status: 'error',
			error: expect.stringMatching(/FNumber "D1" is also given by item 2 of this run; none of them was sent/),
		});
		expect(rows[2]).toMatchObject({
			status: 'error',
			error: expect.stringMatching(/is also given by item 0 of this run/),
		});
		expect(writes()).toEqual(['BatchSave:OK']);
		expect(held('D1')).toBeUndefined();
	});

	it('without upsert, a number that belongs to another record is never reported created', async () => {
		const ids = await seedAudited();
		const rows = await run([shop('A1', 'Taken'), shop('N2', 'Free')], upsertParameters({ upsertByNumber: false }));
		expect(rows[0]).toMatchObject({
			status: 'error',
			error: expect.stringMatching(`already belongs to record Id ${String(ids.get('A1'))}`),
		});
		expect(rows[1]).toMatchObject({ status: 'created', Number: 'N2' });
		expect(writes()).toEqual(['BatchSave:N2']);
		expect(held('A1')).toMatchObject({ FName: 'Old one' });
	});
});

describe('un-audit safety', () => {
	it('an update Kingdee rejects leaves its record audited again, and the error says so', async () => {
		const ids = await seedAudited();
		emulator.setFaults({ failNumbers: ['A1'] });
		const rows = await run([shop('A1', 'Rejected'), shop('A2', 'Accepted')]);
		expect(rows[0]).toMatchObject({
			status: 'error',
			error: expect.stringMatching(
				new RegExp(
					`Id ${String(ids.get('A1'))}\\) had been un-audited for this update and is audited again, with its previous values`,
				),
			),
		});
		expect(rows[1]).toMatchObject({ status: 'updated' });
		expect(held('A1')).toMatchObject({ FName: 'Old one', FDocumentStatus: 'C' });
		expect(held('A2')).toMatchObject({ FName: 'Accepted', FDocumentStatus: 'C' });
		expect(writes().map((entry) => entry.split(':')[0])).toEqual(['UnAudit', 'BatchSave', 'Submit', 'Audit']);
	});

	it('an UnAudit whose answer is lost is settled by reading the status back', async () => {
		await seedAudited();
		emulator.setFaults({ writeFaults: [{ service: 'UnAudit', fault: 'resetAfterCommit' }] });
		const rows = await run([shop('A1', 'After lost unaudit')]);
		expect(rows[0]).toMatchObject({ status: 'updated' });
		expect(held('A1')).toMatchObject({ FName: 'After lost unaudit', FDocumentStatus: 'C' });
	});
});

describe('lost answers of BatchSave (an update of audited A1 and a create of N1 in one batch)', () => {
	const cases: Array<{ fault: KingdeeWriteFault; sends: number; why: string }> = [
		{ fault: 'dropBeforeServer', sends: 2, why: 'never reached the server: read back, proven not applied, sent again' },
		{
			fault: 'responseErrorBeforeCommit',
			sends: 2,
			why: 'server exception before saving: proven not applied, sent again',
		},
		{ fault: 'resetAfterCommit', sends: 1, why: 'committed, connection reset: read back, holds the values' },
		{ fault: 'http500AfterCommit', sends: 1, why: 'committed, then HTTP 500: not retried blindly' },
		{ fault: 'htmlAfterCommit', sends: 1, why: 'committed, then an HTML page with HTTP 200' },
		{ fault: 'truncatedAfterCommit', sends: 1, why: 'committed, then cut-off JSON' },
		{ fault: 'emptyAfterCommit', sends: 1, why: 'committed, then an empty body' },
	];
	it.each(cases)('$fault — $why', async ({ fault, sends }) => {
		const ids = await seedAudited();
		emulator.setFaults({ writeFaults: [{ service: 'BatchSave', fault }] });
		const rows = await run([shop('A1', 'New one'), shop('N1', 'New shop')]);
		expect(rows.map((row) => row.status)).toEqual(['updated', 'created']);
		expect(rows[0].Id).toEqual(ids.get('A1'));
		expect(rows[1].Id).toEqual(held('N1')?.FCUSTID);
		expect(writes().filter((entry) => entry.startsWith('BatchSave'))).toEqual(Array(sends).fill('BatchSave:A1,N1'));
		expect(held('A1')).toMatchObject({ FName: 'New one', FDocumentStatus: 'C' });
		expect(held('N1')).toMatchObject({ FName: 'New shop', FDocumentStatus: 'C' });
		expect(emulator.records('BD_Customer')).toHaveLength(3);
	});

	it('an update rejected with its answer lost is never reported updated: re-sent once, then failed with the reason', async () => {
		await seedAudited();
		emulator.setFaults({ failNumbers: ['A1'], writeFaults: [{ service: 'BatchSave', fault: 'resetAfterCommit' }] });
		const rows = await run([shop('A1', 'New one'), shop('N1', 'New shop')]);
		expect(rows[0]).toMatchObject({
			status: 'error',
			error: expect.stringMatching(/A1" was not saved \(field FName\)/),
		});
		expect(rows[1]).toMatchObject({ status: 'created' });
		// The first send's outcome was unknown; the read-back showed A1 unchanged (re-sent) and N1 saved (not re-sent).
		expect(writes().filter((entry) => entry.startsWith('BatchSave'))).toEqual(['BatchSave:A1,N1', 'BatchSave:A1']);
		expect(held('A1')).toMatchObject({ FName: 'Old one', FDocumentStatus: 'C' });
	});

	it('without upsert, creates whose answer was lost are read back (by content) and not sent twice', async () => {
		emulator.setFaults({ writeFaults: [{ service: 'BatchSave', fault: 'truncatedAfterCommit' }] });
		const rows = await run(
			[shop('P1', 'Plain one'), shop('P2', 'Plain two')],
			upsertParameters({ upsertByNumber: false }),
		);
		expect(rows.map((row) => row.status)).toEqual(['created', 'created']);
		expect(writes()).toEqual(['BatchSave:P1,P2']);
		expect(emulator.records('BD_Customer').map((record) => record.FName)).toEqual(['Plain one', 'Plain two']);
	});

	it('a lost answer that cannot be settled within Max Tries is reported unknown, never saved', async () => {
		await seedAudited();
		emulator.setFaults({
			writeFaults: [
				{ service: 'BatchSave', fault: 'dropBeforeServer' },
				{ service: 'BatchSave', fault: 'dropBeforeServer' },
			],
		});
		const rows = await run([shop('A1', 'New one')], upsertParameters({ options: { maxTries: 2 } }));
		expect(rows[0]).toMatchObject({
			status: 'error',
			error: expect.stringMatching(/not saved — Not saved: no clear answer.*after 2 attempt/),
		});
		expect(rows[0].error).toMatch(/audited again, with its previous values/);
		expect(held('A1')).toMatchObject({ FName: 'Old one', FDocumentStatus: 'C' });
	});
});
