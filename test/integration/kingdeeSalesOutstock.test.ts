/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * SAL_OUTSTOCK (销售出库单) in the Kingdee emulator over real loopback HTTP (issue 16 section 4): bills with entry
 * rows, base-data checks naming field and row, unique FBillNo, entry-level queries, the status flow, IsDeleteEntry,
 * metadata. Expected facts come from docs/kingdee-webapi.md#sal_outstock and #entry-rows.
 */
import { startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { formClient, type FormClient } from '../helpers/kingdeeWire';

const FORM = 'SAL_OUTSTOCK';
const DUPLICATE = (number: string) => `违反字段唯一性要求：编码唯一。[${number}]在当前系统中已经被使用。`;

interface Line {
	material: string;
	qty: number | string;
	price?: number;
	stock?: string;
	free?: unknown;
}

function bill(billNo: string, lines: Line[], extra: Record<string, unknown> = {}) {
	return {
		FID: 0,
		FBillNo: billNo,
		FBillTypeID: { FNumber: 'XSCKD01_SYS' },
		FDate: '2024-06-05 10:30:00',
		FSaleOrgId: { FNumber: '100' },
		FStockOrgId: { FNumber: '100' },
		FCustomerID: { FNumber: 'SHOP1' },
		FNote: '卖家备注',
		FEntity: lines.map((line) => ({
			FMaterialID: { FNumber: line.material },
			FRealQty: line.qty,
			FTaxPrice: line.price ?? 10,
			FStockID: { FNumber: line.stock ?? 'CK001' },
			FIsFree: line.free ?? false,
		})),
		...extra,
	};
}

let emulator: KingdeeEmulator;
let client: FormClient;

beforeEach(async () => {
	emulator = await startKingdeeEmulator({ catalog: { materials: 5, stocks: 2 } });
	client = await formClient(emulator);
	const shop = await client.form('BatchSave', 'BD_Customer', {
		IsAutoSubmitAndAudit: 'true',
		Model: [{ FCreateOrgId: { FNumber: '100' }, FUseOrgId: { FNumber: '100' }, FNumber: 'SHOP1', FName: '店铺一' }],
	});
	expect(shop.json.Result.ResponseStatus.IsSuccess).toBe(true);
});
afterEach(async () => {
	await emulator.close();
});

const save = (model: unknown[], extra: Record<string, unknown> = {}) =>
	client.form('BatchSave', FORM, { Model: model, ...extra });

describe('SAL_OUTSTOCK saves bills with entry rows', () => {
	it('seeds the configured materials and stocks, audited, in the first organisation', () => {
		expect(emulator.records('BD_MATERIAL').map((r) => [r.FNumber, r.FUseOrgId, r.FDocumentStatus])).toEqual([
			['M-0001', '100', 'C'],
			['M-0002', '100', 'C'],
			['M-0003', '100', 'C'],
			['M-0004', '100', 'C'],
			['M-0005', '100', 'C'],
		]);
		expect(emulator.records('BD_STOCK').map((r) => r.FNumber)).toEqual(['CK001', 'CK002']);
	});

	it('stores head and rows with typed values and answers Id and FBillNo per package', async () => {
		const answer = await save([
			bill('JY001', [
				{ material: 'm-0001', qty: '2', price: 19.9 },
				{ material: 'M-0002', qty: 1.5, stock: 'CK002', free: 1 },
			]),
		]);
		expect(answer.json.Result.ResponseStatus).toMatchObject({
			IsSuccess: true,
			SuccessEntitys: [{ Id: 100001, Number: 'JY001', DIndex: 0 }],
		});
		const [stored] = emulator.records(FORM);
		expect(stored).toMatchObject({
			FID: 100001,
			FBillNo: 'JY001',
			FDate: '2024-06-05T10:30:00',
			FSaleOrgId: '100',
			FCustomerID: { FNumber: 'SHOP1' },
			FDocumentStatus: 'A',
		});
		expect(stored.FEntity).toEqual([
			expect.objectContaining({ FEntryID: 100001, FMaterialID: expect.objectContaining({ FNumber: 'M-0001' }) }),
			expect.objectContaining({ FEntryID: 100002, FRealQty: 1.5, FIsFree: true }),
		]);
		expect((stored.FEntity as any[])[0]).toMatchObject({ FRealQty: 2, FTaxPrice: 19.9, FIsFree: false });
	});

	it('refuses an unknown material naming field and row; other bills of the batch are saved', async () => {
		const answer = await save(
			[
				bill('JY001', [{ material: 'M-0001', qty: 1 }]),
				bill('JY002', [
					{ material: 'M-0001', qty: 1 },
					{ material: 'M-0042', qty: 1 },
				]),
				bill('JY003', [{ material: 'M-0003', qty: 1 }]),
			],
			{ IsVerifyBaseDataField: 'true' },
		);
		const status = answer.json.Result.ResponseStatus;
		expect(status.IsSuccess).toBe(false);
		expect(status.MsgCode).toBe(11);
		expect(status.SuccessEntitys.map((s: any) => [s.Number, s.DIndex])).toEqual([
			['JY001', 0],
			['JY003', 2],
		]);
		expect(status.Errors).toEqual([
			{
				FieldName: 'FMaterialID',
				Message:
					'单据编号为“JY002”的销售出库单,第2行分录,字段“物料编码”的值“M-0042”在基础资料中不存在，或未被当前组织使用',
				DIndex: 1,
			},
		]);
		expect(emulator.records(FORM).map((r) => r.FBillNo)).toEqual(['JY001', 'JY003']);
	});

	it('with verification every reference is checked; without it an unresolved optional one is left empty', async () => {
		const unknownStockAndCustomer = bill('JY001', [{ material: 'M-0001', qty: 1, stock: 'NOPE' }], {
			FCustomerID: { FNumber: 'NOBODY' },
		});
		const verified = await save([unknownStockAndCustomer], { IsVerifyBaseDataField: true });
		expect(verified.json.Result.ResponseStatus.Errors.map((e: any) => e.FieldName)).toEqual([
			'FCustomerID',
			'FStockID',
		]);
		expect(verified.json.Result.ResponseStatus.Errors[1].Message).toContain('第1行分录');
		const unverified = await save([unknownStockAndCustomer]);
		expect(unverified.json.Result.ResponseStatus.Errors).toEqual([
			{ FieldName: 'FCustomerID', Message: '单据编号为“JY001”的销售出库单,字段“客户”是必填项', DIndex: 0 },
		]);
		const optionalOnly = await save([bill('JY002', [{ material: 'M-0001', qty: 1, stock: 'NOPE' }])]);
		expect(optionalOnly.json.Result.ResponseStatus.IsSuccess).toBe(true);
		expect((emulator.records(FORM)[0].FEntity as any[])[0].FStockID).toBeNull();
	});

	it('refuses a bill without rows, a bad quantity and an unknown bill type, saving none of them', async () => {
		const answer = await save([
			bill('JY001', []),
			bill('JY002', [{ material: 'M-0001', qty: 'two' }]),
			bill('JY003', [{ material: 'M-0001', qty: 1 }], { FBillTypeID: { FNumber: 'XSCKD99_SYS' } }),
		]);
		expect(answer.json.Result.ResponseStatus.Errors.map((e: any) => [e.DIndex, e.FieldName])).toEqual([
			[0, 'FEntity'],
			[1, 'FRealQty'],
			[2, 'FBillTypeID'],
		]);
		expect(emulator.records(FORM)).toEqual([]);
	});

	it('keeps FBillNo unique case-insensitively, also against a number another worker saved meanwhile', async () => {
		await save([bill('JY001', [{ material: 'M-0001', qty: 1 }])]);
		const again = await save([bill('jy001', [{ material: 'M-0001', qty: 1 }])]);
		expect(again.json.Result.ResponseStatus.Errors).toEqual([
			{ FieldName: 'FBillNo', Message: DUPLICATE('jy001'), DIndex: 0 },
		]);
		emulator.setFaults({ insertBeforeNextSave: { formId: FORM, records: [{ FBillNo: 'JY002' }] } });
		const race = await save([bill('JY002', [{ material: 'M-0001', qty: 1 }])]);
		expect(race.json.Result.ResponseStatus.Errors[0].FieldName).toBe('FBillNo');
		expect(emulator.records(FORM).map((r) => [r.FBillNo, r.FDocumentStatus])).toEqual([
			['JY001', 'A'],
			['JY002', 'C'],
		]);
	});
});

describe('SAL_OUTSTOCK queries, status flow and entry updates', () => {
	beforeEach(async () => {
		const answer = await save(
			[
				bill('JY001', [
					{ material: 'M-0001', qty: 2 },
					{ material: 'M-0002', qty: 3 },
				]),
				bill('JY002', [{ material: 'M-0003', qty: 1 }]),
			],
			{ IsAutoSubmitAndAudit: true },
		);
		expect(answer.json.Result.ResponseStatus.IsSuccess).toBe(true);
	});

	it('answers one row per entry row with the head repeated, one row per bill without entry fields', async () => {
		const keys = 'FID,FBillNo,FEntity_FEntryID,FMaterialID.FNumber,FRealQty,FStockID.FNumber,FCustomerID.FNumber';
		expect(await client.query({ FormId: FORM, FieldKeys: keys, OrderString: 'FID ASC' })).toEqual([
			[100001, 'JY001', 100001, 'M-0001', 2, 'CK001', 'SHOP1'],
			[100001, 'JY001', 100002, 'M-0002', 3, 'CK001', 'SHOP1'],
			[100002, 'JY002', 100003, 'M-0003', 1, 'CK001', 'SHOP1'],
		]);
		expect(
			await client.query({ FormId: FORM, FieldKeys: 'FBillNo,FDocumentStatus', FilterString: "FBillNo IN ('jy001')" }),
		).toEqual([['JY001', 'C']]);
		expect(
			await client.query({ FormId: FORM, FieldKeys: 'FBillNo', FilterString: "FMaterialID.FNumber = 'M-0002'" }),
		).toEqual([['JY001']]);
		// A number IN list is read through the number index; the rest of the filter still applies, OR included.
		const numbers = (filter: string) => client.query({ FormId: FORM, FieldKeys: 'FBillNo', FilterString: filter });
		expect(await numbers("FBillNo IN ('jy002','JY001','JY009') AND FDocumentStatus = 'C'")).toEqual([
			['JY001'],
			['JY002'],
		]);
		expect(await numbers("FBillNo IN ('JY001') AND FDocumentStatus = 'A'")).toEqual([]);
		expect(await numbers("FBillNo IN ('JY001') AND FDocumentStatus = 'A' OR FBillNo = 'JY002'")).toEqual([['JY002']]);
		expect(
			await client.query({
				FormId: FORM,
				FieldKeys: 'FBillNo,FRealQty',
				FilterString: "FMaterialID.FNumber = 'M-0002'",
			}),
		).toEqual([['JY001', 3]]);
	});

	it('refuses saving an audited bill; UnAudit → D, then IsDeleteEntry decides what happens to other rows', async () => {
		const update = { FID: 100001, FEntity: [{ FEntryID: 100001, FRealQty: 5 }] };
		const refused = await save([update]);
		expect(refused.json.Result.ResponseStatus).toMatchObject({ IsSuccess: false, MsgCode: 12 });
		const unAudit = await client.form('UnAudit', FORM, { Numbers: ['JY001'] });
		expect(unAudit.json.Result.ResponseStatus.IsSuccess).toBe(true);
		expect(emulator.records(FORM)[0].FDocumentStatus).toBe('D');

		await save([update], { IsDeleteEntry: 'false' });
		const kept = emulator.records(FORM)[0].FEntity as any[];
		expect(kept.map((r) => [r.FEntryID, r.FRealQty])).toEqual([
			[100001, 5],
			[100002, 3],
		]);
		await save([
			{
				FID: 100001,
				FEntity: [
					{ FEntryID: 100002, FRealQty: 4 },
					{ FMaterialID: { FNumber: 'M-0004' }, FRealQty: 1 },
				],
			},
		]);
		const replaced = emulator.records(FORM)[0].FEntity as any[];
		expect(replaced.map((r) => [r.FEntryID, r.FMaterialID.FNumber, r.FRealQty])).toEqual([
			[100002, 'M-0002', 4],
			[100004, 'M-0004', 1],
		]);
		const submit = await client.form('Submit', FORM, { Numbers: ['JY001'] });
		const audit = await client.form('Audit', FORM, { Numbers: ['JY001'] });
		expect([submit.json.Result.ResponseStatus.IsSuccess, audit.json.Result.ResponseStatus.IsSuccess]).toEqual([
			true,
			true,
		]);
		expect(emulator.records(FORM)[0].FDocumentStatus).toBe('C');
		const allocate = await client.form('Allocate', FORM, { PkIds: '100001', TOrgIds: '100002' });
		expect(allocate.json.Result.ResponseStatus).toMatchObject({ IsSuccess: false, MsgCode: 4 });
	});

	it('logs writes by FBillNo', async () => {
		emulator.resetStats();
		await save([bill('JY010', [{ material: 'M-0001', qty: 1 }]), bill('JY011', [{ material: 'M-0001', qty: 1 }])]);
		expect(emulator.stats().writeLog).toEqual([{ service: 'BatchSave', numbers: ['JY010', 'JY011'], ids: [] }]);
	});
});

describe('SAL_OUTSTOCK metadata', () => {
	it('QueryBusinessInfo describes the head and the entry FEntity with types, lookups and required fields', async () => {
		const answer = await client.call('QueryBusinessInfo', [JSON.stringify({ FormId: 'sal_outstock' })]);
		const info = answer.json.Result.NeedReturnData;
		expect(info).toMatchObject({ Id: FORM, PkFieldName: 'FID' });
		expect(info.Entrys.map((e: any) => e.Key)).toEqual(['FBillHead', 'FEntity']);
		const field = (entity: number, key: string) => info.Entrys[entity].Fields.find((f: any) => f.Key === key);
		expect(field(0, 'FCustomerID')).toMatchObject({ LookUpObjectFormId: 'BD_Customer', MustInput: 1 });
		expect(field(0, 'FBillTypeID')).toMatchObject({ LookUpObjectFormId: 'BOS_BillType', MustInput: 1 });
		expect(field(0, 'FSaleOrgId').LookUpObjectFormId).toBe('ORG_Organizations');
		expect(field(1, 'FMaterialID')).toMatchObject({ LookUpObjectFormId: 'BD_MATERIAL', MustInput: 1 });
		expect(field(1, 'FStockID')).toMatchObject({ LookUpObjectFormId: 'BD_STOCK', MustInput: 0 });
		expect(field(1, 'FIsFree').FieldType).not.toBe(field(1, 'FRealQty').FieldType);
		expect(field(1, 'FEntrynote').Name).toEqual([
			{ Key: 2052, Value: '备注' },
			{ Key: 1033, Value: 'Entry note' },
		]);
		const types = await client.query({ FormId: 'BOS_BillType', FieldKeys: 'FNumber,FName' });
		expect(types).toContainEqual(['XSCKD01_SYS', '标准销售出库单']);
	});
});
