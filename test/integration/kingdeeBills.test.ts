/**
 * Batch Save of bills with entry rows (issue 16 part 2) against the emulator's SAL_OUTSTOCK over loopback, through
 * n8n's parameter defaults and request code: created once, a re-run with Skip writes nothing, a lost answer is read
 * back (header and rows) and never sent twice, a session drop, a refused bill naming row and field, an update of one
 * changed quantity, base data inside rows, and the bad inputs. Every case checks what the emulator holds or wrote.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';
import { startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { executeNode } from '../../testing/n8nHarness';
import { kingdeeCredentialData } from '../../emulators/credentials';
import { errorOf } from '../../testing/errorItems';

const FORM = 'SAL_OUTSTOCK';

let emulator: KingdeeEmulator;

beforeEach(async () => {
	emulator = await startKingdeeEmulator({ port: 0, catalog: { materials: 5, stocks: 2 } });
	// The customers the shops sample creates.
	const shops = await run(
		[
			{ json: { FNumber: 'SHOP1', FName: '店铺一', FCreateOrgId: '100', FUseOrgId: '100' } },
			{ json: { FNumber: 'SHOP2', FName: '店铺二', FCreateOrgId: '100', FUseOrgId: '100' } },
		],
		{
			formId: { __rl: true, mode: 'list', value: 'BD_Customer' },
			baseDataFields: 'FCreateOrgId, FUseOrgId',
			ifExists: 'update',
		},
	);
	expect(shops.map((row) => row.status)).toEqual(['created', 'created']);
	emulator.resetStats();
});

afterEach(async () => {
	await emulator.close();
});

type Line = [material: string, qty: number | string, price: number];

/** One order as the sample's Set node maps it: plain codes, wrapped by Base-Data Fields. */
function order(billNo: string, lines: Line[], customer = 'SHOP1'): INodeExecutionData {
	return {
		json: {
			FBillNo: billNo,
			FBillTypeID: 'XSCKD01_SYS',
			FDate: '2024-06-05 10:30:00',
			FSaleOrgId: '100',
			FStockOrgId: '100',
			FCustomerID: customer,
			FNote: '卖家备注',
			FEntity: lines.map(([material, qty, price]) => ({
				FMaterialID: material,
				FRealQty: qty,
				FTaxPrice: price,
				FStockID: 'CK001',
			})),
		},
	};
}

const BASE_DATA = 'FBillTypeID, FSaleOrgId, FStockOrgId, FCustomerID, FEntity.FMaterialID, FEntity.FStockID';

const billParameters = (extra: INodeParameters = {}): INodeParameters => ({
	formId: { __rl: true, mode: 'list', value: FORM },
	baseDataFields: BASE_DATA,
	ifExists: 'skip',
	saveOptions: { isAutoSubmitAndAudit: true },
	...extra,
});

async function run(items: INodeExecutionData[], parameters: INodeParameters = billParameters()) {
	const { outputs } = await executeNode(new Kingdee(), {
		parameters: { operation: 'batchSave', ...parameters },
		items,
		credentials: { kingdeeApi: kingdeeCredentialData(emulator, 'password') },
		onError: 'continueErrorOutput',
	});
	const rows: Array<Record<string, unknown>> = [];
	outputs.forEach((branch) =>
		branch.forEach((item) => {
			const error = errorOf(item.json);
			rows[(item.pairedItem as { item: number }).item] =
				error === undefined ? item.json : { status: 'error', ...error };
		}),
	);
	return rows;
}

const writes = () =>
	emulator.stats().writeLog.map((entry) => `${entry.service}:${[...entry.numbers, ...entry.ids].join(',')}`);

const bills = () => emulator.records(FORM);

/** What Kingdee holds for a bill: status and rows as [material, quantity, price]. */
function held(billNo: string) {
	const found = bills().filter((bill) => String(bill.FBillNo) === billNo);
	return found.map((bill) => ({
		status: bill.FDocumentStatus,
		rows: (bill.FEntity as Array<Record<string, unknown>>).map((row) => [
			(row.FMaterialID as { FNumber?: string } | string | null) && typeof row.FMaterialID === 'object'
				? (row.FMaterialID as { FNumber: string }).FNumber
				: row.FMaterialID,
			Number(row.FRealQty),
			Number(row.FTaxPrice),
		]),
	}));
}

const three = () => [
	order('JY001', [
		['M-0001', 2, 19.9],
		['M-0002', 1, 5],
	]),
	order('JY002', [['M-0003', 1, 8]], 'SHOP2'),
	order('JY003', [
		['M-0004', 3, 1.5],
		['M-0005', 1, 2],
		['M-0001', 1, 19.9],
	]),
];

describe('bills created once', () => {
	it('creates and audits the bills with their rows; a re-run with Skip sends no write and outputs exists with the Id', async () => {
		const first = await run(three());
		expect(first.map((row) => row.status)).toEqual(['created', 'created', 'created']);
		expect(held('JY001')).toEqual([
			{
				status: 'C',
				rows: [
					['M-0001', 2, 19.9],
					['M-0002', 1, 5],
				],
			},
		]);
		expect(held('JY003')[0].rows).toHaveLength(3);
		const ids = new Map(bills().map((bill) => [String(bill.FBillNo), bill.FID]));

		emulator.resetStats();
		const again = await run(three());
		expect(again).toEqual(
			['JY001', 'JY002', 'JY003'].map((number) => ({
				status: 'exists',
				Id: ids.get(number),
				Number: number,
				formId: FORM,
			})),
		);
		expect(writes()).toEqual([]);
		// One lookup of the three numbers (id, number, status only), login and nothing else.
		expect(emulator.stats().byService.ExecuteBillQuery).toBe(1);
		expect(bills()).toHaveLength(3);
	});

	it('a lost answer after the commit: read back (head and rows as sent) → created, sent once', async () => {
		emulator.setFaults({ writeFaults: [{ service: 'BatchSave', fault: 'resetAfterCommit' }] });
		const rows = await run(three());
		expect(rows.map((row) => row.status)).toEqual(['created', 'created', 'created']);
		expect(writes().filter((entry) => entry.startsWith('BatchSave'))).toHaveLength(1);
		expect(bills()).toHaveLength(3);
		expect(held('JY003')[0].rows).toHaveLength(3);
	});

	it('a lost answer before the server: read back (absent) → sent again, created once', async () => {
		emulator.setFaults({ writeFaults: [{ service: 'BatchSave', fault: 'dropBeforeServer' }] });
		const rows = await run(three());
		expect(rows.map((row) => row.status)).toEqual(['created', 'created', 'created']);
		expect(bills()).toHaveLength(3);
	});

	it('a lost answer and other rows under the number (another worker won the race): unknown, never sent twice', async () => {
		emulator.setFaults({
			insertBeforeNextSave: {
				formId: FORM,
				records: [
					{ FBillNo: 'JY001', FEntity: [{ FMaterialID: { FNumber: 'M-0001' }, FRealQty: 5, FTaxPrice: 19.9 }] },
				],
			},
			writeFaults: [{ service: 'BatchSave', fault: 'resetAfterCommit' }],
		});
		const rows = await run([order('JY001', [['M-0001', 2, 19.9]])]);
		expect(rows[0]).toMatchObject({ status: 'error', kind: 'outcomeUnknown', number: 'JY001' });
		expect(String(rows[0].message)).toMatch(/FEntity holds 1 row\(s\), 1 sent/);
		expect(writes()).toEqual(['BatchSave:JY001']);
		expect(held('JY001')).toEqual([{ status: 'C', rows: [['M-0001', 5, 19.9]] }]);
	});

	it('a race lost to another worker: with Skip the refused create is read back and output as exists', async () => {
		emulator.setFaults({
			insertBeforeNextSave: {
				formId: FORM,
				records: [{ FBillNo: 'JY002', FEntity: [{ FMaterialID: { FNumber: 'M-0003' }, FRealQty: 7, FTaxPrice: 8 }] }],
			},
		});
		const rows = await run(three());
		expect(rows.map((row) => row.status)).toEqual(['created', 'exists', 'created']);
		const other = bills().find((bill) => bill.FBillNo === 'JY002')!;
		expect(rows[1]).toEqual({ status: 'exists', Id: other.FID, Number: 'JY002', formId: FORM });
		expect(held('JY002')).toEqual([{ status: 'C', rows: [['M-0003', 7, 8]] }]);
	});

	it('a race lost with Update: rows other than the input make it an update of that bill', async () => {
		emulator.setFaults({
			insertBeforeNextSave: {
				formId: FORM,
				records: [{ FBillNo: 'JY002', FEntity: [{ FMaterialID: { FNumber: 'M-0003' }, FRealQty: 7, FTaxPrice: 8 }] }],
			},
		});
		const rows = await run(three(), billParameters({ ifExists: 'update' }));
		expect(rows.map((row) => row.status)).toEqual(['created', 'updated', 'created']);
		expect(held('JY002')).toEqual([{ status: 'C', rows: [['M-0003', 1, 8]] }]);
	});

	it('sessions dropped every few calls: every bill created exactly once', async () => {
		emulator.setFaults({ dropSessionAfterCalls: 2 });
		const items = Array.from({ length: 12 }, (_, i) =>
			order(`JYS${String(i).padStart(3, '0')}`, [
				['M-0001', i + 1, 3],
				['M-0002', 1, 4],
			]),
		);
		const rows = await run(items, billParameters({ batchSize: 3 }));
		expect(rows.map((row) => row.status)).toEqual(items.map(() => 'created'));
		expect(bills()).toHaveLength(12);
		expect(new Set(bills().map((bill) => bill.FBillNo)).size).toBe(12);
	});
});

describe('calls at order volume', () => {
	/** 2,500 bills of 1–5 rows (materials M-0001…M-0005). */
	const many = (quantity: (bill: number, row: number) => number = () => 1) =>
		Array.from({ length: 2500 }, (_, bill) =>
			order(
				`JYV${String(bill).padStart(5, '0')}`,
				Array.from({ length: (bill % 5) + 1 }, (_, row): Line => [`M-000${row + 1}`, quantity(bill, row), 2.5]),
			),
		);
	const parallel = (ifExists: string) => billParameters({ ifExists, batchSize: 200, options: { parallelRequests: 5 } });

	it('a re-run with Skip: ⌈N/1000⌉ lookups of id/number/status, login and logout, no write', async () => {
		const first = await run(many(), parallel('skip'));
		expect(first.filter((row) => row.status === 'created')).toHaveLength(2500);
		emulator.resetStats();
		const again = await run(many(), parallel('skip'));
		expect(again.filter((row) => row.status === 'exists')).toHaveLength(2500);
		expect(emulator.stats().byService).toEqual({ ValidateUser: 1, ExecuteBillQuery: 3, Logout: 1 });
		expect(emulator.stats().writeLog).toEqual([]);
	});

	it('a re-run with Update and one changed quantity: the rows are read (2,000-row pages) and only that bill is written', async () => {
		await run(many(), parallel('update'));
		emulator.resetStats();
		const rows = await run(
			many((bill, row) => (bill === 1234 && row === 2 ? 9 : 1)),
			parallel('update'),
		);
		expect(rows.filter((row) => row.status === 'unchanged')).toHaveLength(2499);
		expect(rows[1234]).toMatchObject({ status: 'updated', Number: 'JYV01234' });
		const writes = emulator.stats().writeLog.map((entry) => `${entry.service}:${entry.numbers.join(',')}`);
		expect(writes).toEqual([expect.stringMatching(/^UnAudit:/), 'BatchSave:JYV01234']);
		// 7,500 query rows: per 1,000 bills 3,000 rows = 2 pages of 2,000 (the last list 1,500 rows, 1 page).
		expect(emulator.stats().byService.ExecuteBillQuery).toBe(5);
	});
});

describe('a bill Kingdee refuses', () => {
	it('an unknown material in row 2: that bill on the error output with number, row and field; the others saved', async () => {
		const items = three();
		items[1] = order('JY002', [
			['M-0003', 1, 8],
			['M-0042', 1, 8],
		]);
		// With IsVerifyBaseDataField every reference is checked up front and the message names the code.
		const rows = await run(
			items,
			billParameters({ saveOptions: { isAutoSubmitAndAudit: true, isVerifyBaseDataField: true } }),
		);
		expect(rows.map((row) => row.status)).toEqual(['created', 'error', 'created']);
		expect(rows[1]).toMatchObject({ number: 'JY002', row: 2, field: 'FMaterialID', kind: 'validation' });
		expect(String(rows[1].message)).toMatch(/^Item 1: FBillNo "JY002" was not saved \(row 2, field FMaterialID\)/);
		expect(String(rows[1].message)).toContain('M-0042');
		expect(
			bills()
				.map((bill) => bill.FBillNo)
				.sort(),
		).toEqual(['JY001', 'JY003']);
	});

	it('without up-front verification the unresolved material fails as a missing required field, still row 2', async () => {
		const items = [
			order('JY009', [
				['M-0001', 1, 1],
				['M-0042', 1, 8],
			]),
		];
		const rows = await run(items);
		expect(rows[0]).toMatchObject({ status: 'error', number: 'JY009', row: 2, field: 'FMaterialID' });
		expect(bills()).toEqual([]);
	});
});

describe('Update of bills with entry rows', () => {
	it('a changed quantity: only that bill is un-audited, saved and audited again; the others are unchanged', async () => {
		await run(three());
		const ids = new Map(bills().map((bill) => [String(bill.FBillNo), String(bill.FID)]));
		emulator.resetStats();
		const items = three();
		// Rows in another order are the same rows; one quantity differs in JY003.
		items[0] = order('JY001', [
			['M-0002', 1, 5],
			['M-0001', 2, 19.9],
		]);
		items[2] = order('JY003', [
			['M-0004', 3, 1.5],
			['M-0005', 4, 2],
			['M-0001', 1, 19.9],
		]);
		const rows = await run(items, billParameters({ ifExists: 'update' }));
		expect(rows.map((row) => row.status)).toEqual(['unchanged', 'unchanged', 'updated']);
		expect(rows[2].changes).toEqual([
			{
				field: 'FEntity',
				before: [
					{ FMaterialID: 'M-0005', FRealQty: expect.anything(), FTaxPrice: expect.anything(), FStockID: 'CK001' },
				],
				after: [{ FMaterialID: 'M-0005', FRealQty: 4, FTaxPrice: 2, FStockID: 'CK001' }],
			},
		]);
		expect(writes()).toEqual([`UnAudit:${ids.get('JY003')}`, 'BatchSave:JY003']);
		expect(held('JY003')).toEqual([
			{
				status: 'C',
				rows: [
					['M-0004', 3, 1.5],
					['M-0005', 4, 2],
					['M-0001', 1, 19.9],
				],
			},
		]);
		// A re-run after the update finds nothing to do.
		emulator.resetStats();
		const again = await run(items, billParameters({ ifExists: 'update' }));
		expect(again.map((row) => row.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
		expect(writes()).toEqual([]);
	});
});

describe('base data inside entry rows and bad inputs', () => {
	it('without Base-Data Fields the form metadata wraps head and entry base data', async () => {
		const rows = await run(three(), billParameters({ baseDataFields: '' }));
		expect(rows.map((row) => row.status)).toEqual(['created', 'created', 'created']);
		expect(held('JY002')[0].rows).toEqual([['M-0003', 1, 8]]);
	});

	it('a bill without entry rows is refused naming the item and FEntity; the others are saved', async () => {
		const items = three();
		items[1] = { json: { ...items[1].json, FEntity: [] } };
		const rows = await run(items);
		expect(rows.map((row) => row.status)).toEqual(['created', 'error', 'created']);
		expect(String(rows[1].message)).toMatch(/^Item 1 \(FBillNo "JY002"\): field FEntity: the bill has no entry rows/);
		expect(rows[1]).toMatchObject({ kind: 'input', field: 'FEntity', number: 'JY002' });
		expect(writes().join(' ')).not.toContain('JY002');
	});

	it('an entry field mapped at the head is refused naming the item and the field', async () => {
		const items = three();
		items[0] = { json: { ...items[0].json, FMaterialID: 'M-0001' } };
		const rows = await run(items);
		expect(rows[0]).toMatchObject({ status: 'error', kind: 'input', field: 'FMaterialID', number: 'JY001' });
		expect(String(rows[0].message)).toMatch(/^Item 0 \(FBillNo "JY001"\): field FMaterialID: .*entry rows \(FEntity\)/);
		expect(rows.slice(1).map((row) => row.status)).toEqual(['created', 'created']);
	});

	it('FMaterialID in Base-Data Fields without FEntity. is refused before anything is sent', async () => {
		await expect(
			executeNode(new Kingdee(), {
				parameters: {
					operation: 'batchSave',
					...billParameters({ baseDataFields: 'FCustomerID, FMaterialID' }),
				},
				items: three(),
				credentials: { kingdeeApi: kingdeeCredentialData(emulator, 'password') },
			}),
		).rejects.toThrow(/Base-Data Fields lists FMaterialID.*entry rows \(FEntity\).*FEntity\.FMaterialID/);
		expect(writes()).toEqual([]);
	});
});
