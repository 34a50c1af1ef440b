/**
 * Batch Save tells the truth at the edges (issue 19), against the Kingdee emulator over loopback HTTP through n8n's
 * real request code: empty means clear, status is part of the plan, un-audit is never silent. Every case asserts each
 * row and what Kingdee holds afterwards.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

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
): Promise<Row[]> {
	const { outputs } = await executeNode(new Kingdee(), {
		parameters,
		parametersForItem,
		items,
		credentials: { kingdeeApi: kingdeeCredentialData(emulator, 'password') },
		onError: 'continueErrorOutput',
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
		const mapper = (value: Record<string, unknown>): INodeParameters => ({
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
