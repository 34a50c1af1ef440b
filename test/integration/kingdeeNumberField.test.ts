/**
 * Batch Save on a bill form finds records by FBillNo without Number Field being set. The emulator knows base-data
 * forms only (BD_Customer, BD_Supplier, BD_MATERIAL), so for a sales order this checks what the node asks of Kingdee
 * and refuses, not a saved bill.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { kingdeeCredentialData } from '../../emulators/credentials';
import { startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';
import { executeNode } from '../../testing/n8nHarness';
import { errorOf } from '../../testing/errorItems';

let emulator: KingdeeEmulator;

beforeEach(async () => {
	emulator = await startKingdeeEmulator({ port: 0 });
});

afterEach(async () => {
	await emulator.close();
});

const upsert = (formId: string, extra: INodeParameters = {}): INodeParameters => ({
	operation: 'batchSave',
	formId: { __rl: true, mode: 'id', value: formId },
	upsertByNumber: true,
	baseDataFields: 'FSaleOrgId',
	...extra,
});

const run = async (parameters: INodeParameters, items: INodeExecutionData[]) =>
	await executeNode(new Kingdee(), {
		parameters,
		items,
		credentials: { kingdeeApi: kingdeeCredentialData(emulator, 'password') },
		continueOnFail: true,
	});

describe('Batch Save number field', () => {
	it('a sales order without FBillNo is refused naming FBillNo, before any request', async () => {
		const { outputs } = await run(upsert('SAL_SaleOrder'), [{ json: { FNumber: 'XSDD001', FSaleOrgId: '100' } }]);
		expect(outputs[0]).toHaveLength(1);
		expect(errorOf(outputs[0][0].json)?.message).toMatch(/^Item 0: the Model has no FBillNo \(Number Field\)/);
		expect(emulator.stats().calls).toBe(0);
	});

	it('a sales order is looked up by FBillNo', async () => {
		const { harness } = await run(upsert('SAL_SaleOrder'), [{ json: { FBillNo: 'XSDD001', FSaleOrgId: '100' } }]);
		const lookups = harness.requests.filter((request) => request.url.includes('ExecuteBillQuery'));
		expect(lookups.length).toBeGreaterThan(0);
		expect(JSON.stringify(lookups[0].body)).toContain("FBillNo IN ('XSDD001')");
	});

	it('a customer is still looked up by FNumber', async () => {
		const { outputs, harness } = await run(upsert('BD_Customer', { baseDataFields: 'FCreateOrgId, FUseOrgId' }), [
			{ json: { FNumber: 'C001', FName: 'One', FCreateOrgId: '100', FUseOrgId: '100' } },
		]);
		const lookups = harness.requests.filter((request) => request.url.includes('ExecuteBillQuery'));
		expect(JSON.stringify(lookups[0].body)).toContain("FNumber IN ('C001')");
		expect(outputs[0][0].json).toMatchObject({ status: 'created', Number: 'C001' });
	});

	it('a Number Field set to another field wins over the form', async () => {
		const { outputs } = await run(upsert('SAL_SaleOrder', { numberField: 'F_Custom_No' }), [
			{ json: { FBillNo: 'XSDD001' } },
		]);
		expect(errorOf(outputs[0][0].json)?.message).toMatch(/no F_Custom_No \(Number Field\)/);
	});
});
