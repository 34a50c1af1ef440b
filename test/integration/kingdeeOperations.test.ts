/**
 * Query paging, the record operations and parallel sessions of the Kingdee node against the emulator.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';
import { startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { executeNode } from '../../testing/n8nHarness';
import { kingdeeCredentialData, type KingdeeAuthType } from '../../emulators/credentials';
import { errorOf } from '../../testing/errorItems';

let emulator: KingdeeEmulator;

const form = { __rl: true, mode: 'list', value: 'BD_Customer' };

function credentials(authType: KingdeeAuthType = 'password') {
	return { kingdeeApi: kingdeeCredentialData(emulator, authType) };
}

async function run(parameters: INodeParameters, items?: INodeExecutionData[], onError?: 'continueErrorOutput') {
	return await executeNode(new Kingdee(), { parameters, items, credentials: credentials(), onError });
}

beforeEach(async () => {
	emulator = await startKingdeeEmulator({ port: 0 });
});
afterEach(async () => await emulator.close());

describe('Query', () => {
	it('Return All over 4,500 rows returns 4,500 rows in 2,000-row pages', async () => {
		emulator.seedRecords('BD_Customer', 4500);
		const { outputs } = await run({
			operation: 'query',
			formId: form,
			fieldKeys: 'FCUSTID, FNumber,FName',
			returnAll: true,
		});
		expect(outputs[0]).toHaveLength(4500);
		expect(new Set(outputs[0].map((item) => item.json.FNumber)).size).toBe(4500);
		expect(emulator.stats().byService.ExecuteBillQuery).toBe(3);
		const stored = new Map(emulator.records('BD_Customer').map((r) => [String(r.FNumber), r]));
		const sample = outputs[0][4321].json;
		expect(stored.get(String(sample.FNumber))?.FName).toBe(sample.FName);
		expect(outputs[0][4321].pairedItem).toEqual({ item: 0 });
	});

	it('Limit stops early and Filter is passed through', async () => {
		emulator.seedRecords('BD_Customer', 30, (i) => ({
			FNumber: `Q${String(i).padStart(2, '0')}`,
			FName: i % 2 ? 'odd' : 'even',
		}));
		const limited = await run({ operation: 'query', formId: form, fieldKeys: 'FNumber', limit: 7 });
		expect(limited.outputs[0]).toHaveLength(7);
		expect(emulator.stats().byService.ExecuteBillQuery).toBe(1);
		const filtered = await run({
			operation: 'query',
			formId: form,
			fieldKeys: 'FNumber,FName',
			filterString: "FName='odd'",
			orderString: 'FNumber DESC',
			returnAll: true,
		});
		expect(filtered.outputs[0].map((item) => item.json.FNumber)).toEqual(
			Array.from({ length: 15 }, (_, k) => `Q${String(29 - 2 * k).padStart(2, '0')}`),
		);
	});

	it('an unknown field becomes a per-item error with its MsgCode', async () => {
		const { outputs } = await run(
			{ operation: 'query', formId: form, fieldKeys: 'FNoSuchField' },
			undefined,
			'continueErrorOutput',
		);
		expect(outputs[0]).toHaveLength(1);
		expect(Object.keys(outputs[0][0].json)).toEqual(['error']);
		expect(errorOf(outputs[0][0].json)?.msgCode).toBe(9);
	});
});

describe('record operations', () => {
	it('Save, View, Submit, Audit, Unaudit, Execute Operation and Delete by number', async () => {
		const saved = await run({ operation: 'save', formId: form, baseDataFields: 'FCreateOrgId' }, [
			{ json: { FNumber: 'R001', FName: 'Record one', FCreateOrgId: '100' } },
		]);
		expect(saved.outputs[0][0].json).toMatchObject({ status: 'created', Number: 'R001', formId: 'BD_Customer' });
		const status = () => emulator.records('BD_Customer').find((r) => r.FNumber === 'R001');
		const byNumber = { selectBy: 'number', numbers: 'R001' };

		const viewed = await run({ operation: 'view', formId: form, ...byNumber });
		expect(viewed.outputs[0][0].json).toMatchObject({ Number: 'R001' });

		await run({ operation: 'submit', formId: form, ...byNumber });
		expect(status()?.FDocumentStatus).toBe('B');
		const audited = await run({ operation: 'audit', formId: form, ...byNumber });
		expect(audited.outputs[0][0].json).toMatchObject({ success: true, records: [{ Number: 'R001' }] });
		expect(status()?.FDocumentStatus).toBe('C');
		await run({ operation: 'executeOperation', formId: form, opNumber: 'Forbid', ...byNumber });
		expect(status()?.FForbidStatus).toBe('B');
		await run({ operation: 'unAudit', formId: form, ...byNumber });
		expect(status()?.FDocumentStatus).not.toBe('C');
		await run({ operation: 'delete', formId: form, ...byNumber });
		expect(status()).toBeUndefined();
	});

	it('Allocate distributes an audited record to another organisation', async () => {
		emulator.seedRecords('BD_Customer', 1);
		const id = emulator.records('BD_Customer')[0].FCUSTID;
		const { outputs } = await run({ operation: 'allocate', formId: form, pkIds: String(id), targetOrgIds: '100002' });
		expect(outputs[0][0].json).toMatchObject({ success: true });
	});

	it('a missing record fails only its own item', async () => {
		emulator.seedRecords('BD_Customer', 1, () => ({ FNumber: 'EXISTS' }));
		const numbers = ['EXISTS', 'MISSING'];
		const { outputs } = await executeNode(new Kingdee(), {
			parameters: { operation: 'view', formId: form, selectBy: 'number' },
			// What the expression {{ $json.n }} resolves to per item.
			parametersForItem: (itemIndex) => ({ numbers: numbers[itemIndex] }),
			items: numbers.map((n) => ({ json: { n } })),
			credentials: credentials(),
			onError: 'continueErrorOutput',
		});
		expect(outputs[0]).toHaveLength(2);
		expect(outputs[0][0].json.Number).toBe('EXISTS');
		expect(errorOf(outputs[0][1].json)?.message).toMatch(/^Item 1: View failed/);
		expect(outputs[0][1].pairedItem).toEqual({ item: 1 });
	});
});

describe('parallel requests', () => {
	it('uses one session per parallel request and keeps each session serial', async () => {
		emulator.setFaults({ latencyMs: 5 });
		const items = Array.from({ length: 60 }, (_, i) => ({
			json: { FNumber: `P${i}`, FName: `P ${i}`, FCreateOrgId: '100' },
		}));
		const { outputs } = await run(
			{
				operation: 'batchSave',
				formId: form,
				batchSize: 5,
				baseDataFields: 'FCreateOrgId',
				options: { parallelRequests: 3 },
			},
			items,
		);
		expect(outputs[0].every((item) => item.json.status === 'created')).toBe(true);
		const stats = emulator.stats();
		expect(stats.logins).toBe(3);
		expect(stats.byService.Logout).toBe(3);
		expect(stats.byService.BatchSave).toBe(12);
		expect(stats.maxConcurrencyPerSession).toBe(1);
		expect(stats.maxConcurrencyOverall).toBeGreaterThan(1);
	});
});
