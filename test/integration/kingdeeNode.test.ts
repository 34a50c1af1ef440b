/**
 * The Kingdee node against the Kingdee emulator over loopback HTTP, through n8n's real request code
 * and the credential's real `authenticate` (testing/n8nHarness.ts).
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';
import { startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { executeNode } from '../../testing/n8nHarness';
import { errorOf } from '../../testing/errorItems';
import { kingdeeCredentialData, type KingdeeAuthType } from '../../emulators/credentials';

/*
 * n8n's rules for "continueErrorOutput", copied from n8n-core's workflow-execute.js `handleNodeErrorOutput`
 * (ARCHITECTURE.md#error-items). 1.123: `item.error`, or a truthy json.error with json keys exactly {error} or
 * {error, message} (message truthy). 2.40: `item.error`, or a truthy json.error with no json keys but error, message
 * and details.
 */
const routedToErrorOutputByN8n1x = (item: INodeExecutionData): boolean => {
	const keys = Object.keys(item.json);
	return (
		Boolean(item.error) ||
		(Boolean(item.json.error) && (keys.length === 1 || (Boolean(item.json.message) && keys.length === 2)))
	);
};
const routedToErrorOutputByN8n2x = (item: INodeExecutionData): boolean =>
	Boolean(item.error) ||
	(Boolean(item.json.error) && Object.keys(item.json).every((key) => ['error', 'message', 'details'].includes(key)));

/** Splits a node's output as n8n's error output does; every item must be routed the same by n8n 1.x and 2.x. */
function route(items: INodeExecutionData[]): { success: INodeExecutionData[]; errors: INodeExecutionData[] } {
	expect(items.map(routedToErrorOutputByN8n1x)).toEqual(items.map(routedToErrorOutputByN8n2x));
	return {
		success: items.filter((item) => !routedToErrorOutputByN8n2x(item)),
		errors: items.filter(routedToErrorOutputByN8n2x),
	};
}

function credentialsFor(emulator: KingdeeEmulator, authType: KingdeeAuthType = 'password') {
	return { kingdeeApi: kingdeeCredentialData(emulator, authType) };
}

function customers(count: number, prefix = 'CH', name = (i: number) => `Shop ${i}`): INodeExecutionData[] {
	return Array.from({ length: count }, (_, i) => ({
		json: { FNumber: `${prefix}${String(i).padStart(4, '0')}`, FName: name(i), FCreateOrgId: '100', FUseOrgId: '100' },
	}));
}

const batchSaveParameters = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'batchSave',
	formId: { __rl: true, mode: 'list', value: 'BD_Customer' },
	baseDataFields: 'FCreateOrgId, FUseOrgId',
	batchSize: 20,
	...extra,
});

let emulator: KingdeeEmulator;

beforeEach(async () => {
	emulator = await startKingdeeEmulator({ port: 0 });
});

afterEach(async () => {
	await emulator.close();
});

describe('Batch Save', () => {
	it('saves 1,000 items with batch size 20 in exactly 50 BatchSave calls', async () => {
		const { outputs } = await executeNode(new Kingdee(), {
			parameters: batchSaveParameters(),
			items: customers(1000),
			credentials: credentialsFor(emulator),
		});
		expect(emulator.stats().byService.BatchSave).toBe(50);
		expect(emulator.stats().logins).toBe(1);
		const { success, errors } = route(outputs[0]);
		expect(errors).toHaveLength(0);
		expect(success).toHaveLength(1000);
		expect(success.every((item) => item.json.status === 'created')).toBe(true);
		expect(success.map((item) => (item.pairedItem as { item: number }).item)).toEqual([...Array(1000).keys()]);
		const stored = emulator.records('BD_Customer');
		expect(stored).toHaveLength(1000);
		const byNumber = new Map(stored.map((record) => [record.FNumber, record]));
		expect(success[7].json.Number).toBe('CH0007');
		expect(String(success[7].json.Id)).toBe(String(byNumber.get('CH0007')?.FCUSTID));
		expect(byNumber.get('CH0007')?.FUseOrgId).toBe('100');
	});

	it('returns 18 successes and 2 precise errors when rows 3 and 17 fail (error output)', async () => {
		emulator.setFaults({ failNumbers: ['CH0003', 'CH0017'] });
		const { outputs } = await executeNode(new Kingdee(), {
			parameters: batchSaveParameters(),
			items: customers(20),
			credentials: credentialsFor(emulator),
			onError: 'continueErrorOutput',
		});
		const { success, errors } = route(outputs[0]);
		expect(success).toHaveLength(18);
		expect(errors).toHaveLength(2);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 3 }, { item: 17 }]);
		expect(errors.every((item) => routedToErrorOutputByN8n1x(item))).toBe(true);
		const itemErrors = errors.map((item) => errorOf(item.json));
		expect(itemErrors.map((error) => [error?.itemIndex, error?.field, error?.number, error?.msgCode])).toEqual([
			[3, 'FName', 'CH0003', 11],
			[17, 'FName', 'CH0017', 11],
		]);
		expect(itemErrors[0]?.message).toMatch(/Item 3.*CH0003.*FName/);
		expect(itemErrors[0]?.message).toMatch(/Fix the named field/);
		const stored = emulator.records('BD_Customer').map((record) => record.FNumber);
		expect(stored).toHaveLength(18);
		expect(stored).not.toContain('CH0003');
		expect(success.map((item) => (item.pairedItem as { item: number }).item)).not.toContain(3);
	});

	it('without continue-on-fail, fails the node naming the first failed item, field and number', async () => {
		emulator.setFaults({ failNumbers: ['CH0003', 'CH0017'] });
		const run = executeNode(new Kingdee(), {
			parameters: batchSaveParameters(),
			items: customers(20),
			credentials: credentialsFor(emulator),
		});
		await expect(run).rejects.toMatchObject({
			message: expect.stringMatching(/^Item 3: FNumber "CH0003" was not saved \(field FName\)/),
			context: expect.objectContaining({ itemIndex: 3 }),
		});
	});

	it('maps results by number when BatchCount makes DIndex per server batch', async () => {
		emulator.setFaults({ failNumbers: ['CH0013'] });
		const { outputs } = await executeNode(new Kingdee(), {
			parameters: batchSaveParameters({ saveOptions: { batchCount: 3 } }),
			items: customers(20),
			credentials: credentialsFor(emulator),
			onError: 'continueErrorOutput',
		});
		const { success, errors } = route(outputs[0]);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 13 }]);
		expect(success).toHaveLength(19);
		const stored = new Map(emulator.records('BD_Customer').map((record) => [record.FNumber, String(record.FCUSTID)]));
		for (const item of success) {
			const index = (item.pairedItem as { item: number }).item;
			const number = `CH${String(index).padStart(4, '0')}`;
			expect(item.json.Number).toBe(number);
			expect(String(item.json.Id)).toBe(stored.get(number));
		}
	});

	it('upsert by number: a second run creates nothing and updates every record (also audited ones)', async () => {
		const parameters = batchSaveParameters({
			upsertByNumber: true,
			saveOptions: { isAutoSubmitAndAudit: true, isVerifyBaseDataField: false },
		});
		const first = await executeNode(new Kingdee(), {
			parameters,
			items: customers(45),
			credentials: credentialsFor(emulator),
			onError: 'continueErrorOutput',
		});
		expect(route(first.outputs[0]).success.map((item) => item.json.status)).toEqual(Array(45).fill('created'));
		const idsBefore = new Map(emulator.records('BD_Customer').map((r) => [r.FNumber, r.FCUSTID]));
		expect(emulator.records('BD_Customer').every((r) => r.FDocumentStatus === 'C')).toBe(true);
		emulator.resetStats();

		const second = await executeNode(new Kingdee(), {
			parameters,
			items: customers(45, 'CH', (i) => `Renamed shop ${i}`),
			credentials: credentialsFor(emulator),
			onError: 'continueErrorOutput',
		});
		const { success, errors } = route(second.outputs[0]);
		expect(errors).toHaveLength(0);
		expect(success.map((item) => item.json.status)).toEqual(Array(45).fill('updated'));
		// One lookup query for all 45 numbers, then the batches of 20, each un-audited right before its save.
		expect(emulator.stats().byService.ExecuteBillQuery).toBe(1);
		expect(emulator.stats().byService.UnAudit).toBe(3);
		expect(emulator.stats().byService.BatchSave).toBe(3);
		expect(success[0].json.changes).toEqual([{ field: 'FName', before: 'Shop 0', after: 'Renamed shop 0' }]);
		const after = emulator.records('BD_Customer');
		expect(after).toHaveLength(45);
		for (const record of after) {
			expect(record.FCUSTID).toBe(idsBefore.get(record.FNumber));
			expect(record.FName).toMatch(/^Renamed shop /);
		}
		expect(success[5].json.Id).toEqual(idsBefore.get('CH0005'));
		expect(after.every((r) => r.FDocumentStatus === 'C')).toBe(true);

		// Third run, nothing changed: one lookup, no write at all.
		emulator.resetStats();
		const third = await executeNode(new Kingdee(), {
			parameters,
			items: customers(45, 'CH', (i) => `Renamed shop ${i}`),
			credentials: credentialsFor(emulator),
			onError: 'continueErrorOutput',
		});
		expect(route(third.outputs[0]).success.map((item) => item.json.status)).toEqual(Array(45).fill('unchanged'));
		expect(third.outputs[0][7].json).toEqual({
			status: 'unchanged',
			Id: idsBefore.get('CH0007'),
			Number: 'CH0007',
			formId: 'BD_Customer',
		});
		expect(emulator.stats().writeLog).toEqual([]);
		expect(emulator.stats().byService).toEqual({ ExecuteBillQuery: 1, ValidateUser: 1, Logout: 1 });
	});

	it('recovers from sessions dropped mid-run without the user noticing', async () => {
		emulator.setFaults({ dropSessionAfterCalls: 3 });
		const { outputs } = await executeNode(new Kingdee(), {
			parameters: batchSaveParameters({ upsertByNumber: true }),
			items: customers(200),
			credentials: credentialsFor(emulator),
		});
		const { success, errors } = route(outputs[0]);
		expect(errors).toHaveLength(0);
		expect(success).toHaveLength(200);
		expect(emulator.records('BD_Customer')).toHaveLength(200);
		const stats = emulator.stats();
		expect(stats.sessionsLost).toBeGreaterThan(0);
		// One login at the start, one per lost session: never a login before every call.
		expect(stats.logins).toBe(1 + stats.sessionsLost);
		// A call refused for a lost session is repeated once after the new login, never more.
		expect(stats.byService.BatchSave).toBeGreaterThanOrEqual(10);
		// 200 new numbers: one lookup, then 10 batches of 20.
		expect(stats.byService.BatchSave + stats.byService.ExecuteBillQuery).toBe(11 + stats.sessionsLost);
	});

	it('verifies instead of resending when a write commits and then times out', async () => {
		emulator.setFaults({ commitThenTimeoutNextCalls: 1 });
		const { outputs } = await executeNode(new Kingdee(), {
			parameters: batchSaveParameters({ options: { timeoutSeconds: 1 } }),
			items: customers(10),
			credentials: credentialsFor(emulator),
		});
		const { success, errors } = route(outputs[0]);
		expect(errors).toHaveLength(0);
		expect(success.map((item) => item.json.status)).toEqual(Array(10).fill('created'));
		expect(emulator.records('BD_Customer')).toHaveLength(10);
		// The timed-out BatchSave was not repeated: its packages were found by one query after the plan's lookup.
		expect(emulator.stats().byService.BatchSave).toBe(1);
		expect(emulator.stats().byService.ExecuteBillQuery).toBe(2);
	});

	it('a write answered by response_error is checked by number, then only the missing packages are sent again', async () => {
		emulator.setFaults({ writeFaults: [{ service: 'BatchSave', fault: 'responseErrorBeforeCommit' }] });
		const { outputs } = await executeNode(new Kingdee(), {
			parameters: batchSaveParameters(),
			items: customers(4),
			credentials: credentialsFor(emulator, 'signedHeaders'),
		});
		expect(route(outputs[0]).success.map((item) => item.json.status)).toEqual(Array(4).fill('created'));
		expect(emulator.records('BD_Customer')).toHaveLength(4);
		expect(emulator.stats().byService.BatchSave).toBe(2);
		// The plan's lookup, then the read-back that proved nothing was saved.
		expect(emulator.stats().byService.ExecuteBillQuery).toBe(2);
	});

	it('retries MsgCode 14 and HTTP 500 pages', async () => {
		emulator.setFaults({ msgCode14NextCalls: 1, http500NextCalls: 1 });
		const { outputs } = await executeNode(new Kingdee(), {
			parameters: batchSaveParameters(),
			items: customers(5),
			credentials: credentialsFor(emulator),
		});
		expect(route(outputs[0]).success).toHaveLength(5);
		expect(emulator.records('BD_Customer')).toHaveLength(5);
	});

	it('Model Field may be an expression that differs per item', async () => {
		const { outputs } = await executeNode(new Kingdee(), {
			parameters: batchSaveParameters({ modelSource: 'jsonField', modelField: '={{ $json.which }}' }),
			// What n8n resolves the expression to for each item.
			parametersForItem: (itemIndex) => ({ modelField: itemIndex === 0 ? 'first' : 'second' }),
			items: [
				{ json: { which: 'first', first: { FNumber: 'X1', FName: 'one', FCreateOrgId: '100' } } },
				{ json: { which: 'second', second: { FNumber: 'X2', FName: 'two', FCreateOrgId: '100' } } },
			],
			credentials: credentialsFor(emulator),
		});
		expect(outputs[0].map((item) => [item.json.status, item.json.Number])).toEqual([
			['created', 'X1'],
			['created', 'X2'],
		]);
		expect(emulator.records('BD_Customer').map((record) => record.FName)).toEqual(['one', 'two']);
	});

	it('refuses bad input before any request', async () => {
		const cases: Array<{ parameters: INodeParameters; items: INodeExecutionData[]; message: RegExp }> = [
			{
				parameters: batchSaveParameters({ formId: { __rl: true, mode: 'id', value: '' } }),
				items: customers(2),
				message: /Form ID is missing/,
			},
			{ parameters: batchSaveParameters({ batchSize: 0 }), items: customers(2), message: /Batch Size must be/ },
			{
				parameters: batchSaveParameters({ modelSource: 'jsonField', modelField: 'Model' }),
				items: [{ json: { Model: { FNumber: 'A' } } }, { json: { Model: ['not', 'an', 'object'] } }],
				message: /Item 1: the Model from field "Model" is an array, not an object/,
			},
			{
				parameters: batchSaveParameters(),
				items: [
					{ json: { FNumber: 'A', FName: 'a', FCreateOrgId: { FNumber: '100' } } },
					{ json: { FNumber: 'B', FName: 'b', FCreateOrgId: '100' } },
				],
				message: /Base-data field FCreateOrgId is an object in item 0 but a plain value in item 1/,
			},
		];
		for (const testCase of cases) {
			const harnessRun = executeNode(new Kingdee(), {
				parameters: testCase.parameters,
				items: testCase.items,
				credentials: credentialsFor(emulator),
			});
			await expect(harnessRun).rejects.toThrow(testCase.message);
		}
		expect(emulator.stats().calls).toBe(0);
	});
});
