/**
 * Batch Save's If Exists (Update / Skip / Fail) against the Kingdee emulator over loopback, through n8n's parameter
 * defaults: Skip sends no write for an existing number, saved workflows with Upsert by Number keep their meaning.
 */
import type { INodeExecutionData, INodeParameters, WorkflowExecuteMode } from 'n8n-workflow';

import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';
import { startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
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

const shop = (number: string, name: string): INodeExecutionData => ({
	json: { FNumber: number, FName: name, FCreateOrgId: '100', FUseOrgId: '100' },
});

const parameters = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'batchSave',
	formId: { __rl: true, mode: 'list', value: 'BD_Customer' },
	baseDataFields: 'FCreateOrgId, FUseOrgId',
	saveOptions: { isAutoSubmitAndAudit: true },
	...extra,
});

async function run(items: INodeExecutionData[], extra: INodeParameters, mode?: WorkflowExecuteMode) {
	const { outputs } = await executeNode(new Kingdee(), {
		parameters: parameters(extra),
		items,
		credentials: { kingdeeApi: kingdeeCredentialData(emulator, 'password') },
		onError: 'continueErrorOutput',
		mode,
	});
	const rows: Array<Record<string, unknown>> = [];
	outputs.forEach((branch) =>
		branch.forEach((item) => {
			const error = errorOf(item.json);
			rows[(item.pairedItem as { item: number }).item] =
				error === undefined ? item.json : { status: 'error', error: error.message };
		}),
	);
	return rows;
}

const writes = () => emulator.stats().writeLog.map((entry) => entry.service);
const held = (number: string) => emulator.records('BD_Customer').find((record) => record.FNumber === number);

describe('If Exists', () => {
	beforeEach(async () => {
		const rows = await run([shop('A1', 'Old one')], { ifExists: 'fail' });
		expect(rows[0]).toMatchObject({ status: 'created' });
		emulator.resetStats();
	});

	it('Skip: an existing number is output as exists with its Id, nothing is written for it; a new one is created', async () => {
		const id = held('A1')!.FCUSTID;
		const rows = await run([shop('A1', 'Changed name'), shop('N1', 'New')], { ifExists: 'skip' });
		expect(rows[0]).toEqual({ status: 'exists', Id: id, Number: 'A1', formId: 'BD_Customer' });
		expect(rows[1]).toMatchObject({ status: 'created', Number: 'N1' });
		expect(emulator.stats().writeLog.map((entry) => `${entry.service}:${entry.numbers.join(',')}`)).toEqual([
			'BatchSave:N1',
		]);
		expect(held('A1')).toMatchObject({ FName: 'Old one', FDocumentStatus: 'C' });
	});

	it('Skip with Dry Run shows exists and writes nothing', async () => {
		const rows = await run(
			[shop('A1', 'Changed name'), shop('N1', 'New')],
			{ ifExists: 'skip', options: { dryRun: true } },
			'manual',
		);
		expect(rows.map((row) => row.status)).toEqual(['exists', 'planned']);
		expect(writes()).toEqual([]);
	});

	it('Fail: an existing number goes to the error output and nothing is sent', async () => {
		const rows = await run([shop('A1', 'Changed name')], { ifExists: 'fail' });
		expect(rows[0]).toMatchObject({ status: 'error', error: expect.stringMatching(/already belongs.*If Exists/) });
		expect(writes()).toEqual([]);
	});

	it('a saved workflow with Upsert by Number on (If Exists at its default) still updates', async () => {
		const rows = await run([shop('A1', 'Changed name')], { upsertByNumber: true });
		expect(rows[0]).toMatchObject({ status: 'updated', changes: [{ field: 'FName', after: 'Changed name' }] });
		expect(held('A1')).toMatchObject({ FName: 'Changed name', FDocumentStatus: 'C' });
	});

	it('an explicit Skip wins over the old switch', async () => {
		const rows = await run([shop('A1', 'Changed name')], { upsertByNumber: true, ifExists: 'skip' });
		expect(rows[0]).toMatchObject({ status: 'exists' });
		expect(writes()).toEqual([]);
	});

	it('Skip needs the number: an item without one is refused naming the item and the field', async () => {
		const rows = await run([{ json: { FName: 'No number', FCreateOrgId: '100', FUseOrgId: '100' } }], {
			ifExists: 'skip',
		});
		expect(rows[0]).toMatchObject({ status: 'error', error: expect.stringMatching(/^Item 0: .*no FNumber.*Skip/) });
		expect(writes()).toEqual([]);
	});
});
