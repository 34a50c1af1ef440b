/**
 * Bills with entry rows in Batch Save (issue 16 part 2): base data inside rows, the lookup's one row per entry row,
 * entry rows compared as a multiset, the read-back proof after a lost answer, If Exists: Skip, and the bad inputs.
 */
import {
	compareEntries,
	entryInputProblem,
	entryQueryKeys,
	entryRowOf,
	judgeEntries,
	withEntryComparison,
} from '../../nodes/Kingdee/protocol/batchSave/entries';
import { describeOutcomeFailure } from '../../nodes/Kingdee/actions/record/batchSave.operation';
import { packagesToSend, planRun } from '../../nodes/Kingdee/protocol/batchSave/plan';
import type { BatchSaveSettings, Outcomes } from '../../nodes/Kingdee/protocol/batchSave/types';
import { judgeReadBack, verifyPackages } from '../../nodes/Kingdee/protocol/batchSave/verify';
import { lookupExisting } from '../../nodes/Kingdee/protocol/existingRecords';
import { requiredEntryOf } from '../../nodes/Kingdee/protocol/forms';
import {
	findBaseDataShapeConflict,
	findUnprefixedEntryField,
	isEntryRows,
	wrapBaseDataFields,
} from '../../nodes/Kingdee/protocol/model';
import type { ExistingRecord, PlannedPackage } from '../../nodes/Kingdee/protocol/savePlan';
import { fakeKingdee } from '../helpers/fakeKingdee';

const none = new Map<string, string>();

/** A stored bill as a lookup with entry columns reads it: one query row per entry row, the head repeated. */
function storedBill(
	id: number,
	number: string,
	rows: Array<[number, string, number, number]>,
	status = 'C',
): ExistingRecord {
	const queryRows = rows.map(([entryId, material, qty, price]) => ({
		'FCustomerID.FNumber': 'C1',
		FEntity_FEntryID: entryId,
		'FMaterialID.FNumber': material,
		FRealQty: qty,
		FTaxPrice: price,
	}));
	return { id, number, documentStatus: status, values: queryRows[0], rows: queryRows };
}

const line = (material: string, qty: number | string, price: number | string) => ({
	FMaterialID: { FNumber: material },
	FRealQty: qty,
	FTaxPrice: price,
});

function bill(number: string, lines: Array<Record<string, unknown>>, customer = 'C1'): Record<string, unknown> {
	return { FBillNo: number, FCustomerID: { FNumber: customer }, FEntity: lines };
}

function updatePlan(model: Record<string, unknown>, existing: ExistingRecord): PlannedPackage {
	return {
		index: 0,
		number: String(model.FBillNo),
		action: 'unchanged',
		existing,
		changes: [],
		unverifiable: [],
		model: { ...model, FID: existing.id },
	};
}

describe('base data inside entry rows', () => {
	it('wraps FEntity.FMaterialID in every row and leaves objects, other rows and the input alone', () => {
		const model = { FBillNo: 'B1', FEntity: [{ FMaterialID: 'M1', FRealQty: 2 }, { FMaterialID: { FNumber: 'M2' } }] };
		const wrapped = wrapBaseDataFields(model, ['FEntity.FMaterialID', 'FEntity.FStockID']);
		expect(wrapped.FEntity).toEqual([
			{ FMaterialID: { FNumber: 'M1' }, FRealQty: 2 },
			{ FMaterialID: { FNumber: 'M2' } },
		]);
		expect(model.FEntity[0].FMaterialID).toBe('M1');
	});

	it('refuses an entry field that is an object in one row and a plain code in another, naming the path', () => {
		const models = [bill('B1', [{ FMaterialID: 'M1' }]), bill('B2', [{ FMaterialID: { FNumber: 'M2' } }])];
		expect(findBaseDataShapeConflict(models, ['FEntity.FMaterialID'])).toEqual({
			field: 'FEntity.FMaterialID',
			objectIndex: 1,
			plainIndex: 0,
		});
	});

	it('finds a Base-Data Fields name that lacks its entry prefix: known for the form, or seen only in rows', () => {
		const salOutstock = requiredEntryOf('SAL_OUTSTOCK')!;
		const known = new Map(salOutstock.fields.map((field) => [field.toLowerCase(), salOutstock.key]));
		expect(findUnprefixedEntryField([], ['FCustomerID', 'FMaterialID'], known)).toEqual({
			field: 'FMaterialID',
			entity: 'FEntity',
		});
		const rows = [{ FBillNo: 'B1', FDetail: [{ FItemID: 'I1' }] }];
		expect(findUnprefixedEntryField(rows, ['FItemID'], none)).toEqual({ field: 'FItemID', entity: 'FDetail' });
		expect(findUnprefixedEntryField(rows, ['FDetail.FItemID', 'FBillNo'], none)).toBeUndefined();
	});

	it('tells entry rows from multi-language lists', () => {
		expect(isEntryRows([{ FMaterialID: 'M1' }])).toBe(true);
		expect(isEntryRows([])).toBe(true);
		expect(isEntryRows([{ Key: 2052, Value: '名称' }])).toBe(false);
		expect(isEntryRows('M1')).toBe(false);
	});
});

describe('bad bills before anything is sent', () => {
	const entry = requiredEntryOf('SAL_OUTSTOCK')!;

	it('a SAL_OUTSTOCK without rows, or with an empty list, names FEntity', () => {
		expect(entryInputProblem({ FBillNo: 'B1' }, entry)).toMatchObject({ field: 'FEntity' });
		expect(entryInputProblem({ FBillNo: 'B1', FEntity: [] }, entry)?.message).toMatch(/no entry rows \(FEntity\)/);
	});

	it('an entry field mapped at the head names that field and where it belongs', () => {
		const problem = entryInputProblem({ FBillNo: 'B1', FMaterialID: 'M1', FEntity: [{ FRealQty: 1 }] }, entry);
		expect(problem).toMatchObject({ field: 'FMaterialID' });
		expect(problem?.message).toMatch(/entry rows \(FEntity\)/);
	});

	it('rows that are not objects are refused; proper rows pass', () => {
		expect(entryInputProblem({ FBillNo: 'B1', FEntity: ['M1'] }, entry)?.message).toMatch(/not a list of entry rows/);
		expect(entryInputProblem(bill('B1', [line('M1', 1, 2)]), entry)).toBeUndefined();
	});
});

describe('entry rows compared as a multiset of their mapped fields', () => {
	const stored = storedBill(9, 'B1', [
		[101, 'M1', 2, 10],
		[102, 'M2', 1, 5.5],
	]);

	it('reads the row id and the mapped entry fields, references by FNumber', () => {
		expect(entryQueryKeys([bill('B1', [line('M1', 2, 10)])]).keys).toEqual([
			'FEntity_FEntryID',
			'FMaterialID.FNumber',
			'FRealQty',
			'FTaxPrice',
		]);
	});

	it('the same rows in another order, numbers as text, codes in another case: equal', () => {
		const sent = bill('B1', [line('m2', '1.50', '5.50'), line('M1', 2, '10')]);
		// 1.50 ≠ 1: not equal; then the real equal case.
		expect(compareEntries(sent, stored, none)).toMatchObject({ kind: 'compared', equal: false });
		const same = bill('B1', [line('m2', '1', '5.50'), line('M1', 2, '10')]);
		expect(compareEntries(same, stored, none)).toMatchObject({ kind: 'compared', equal: true });
	});

	it('a changed quantity is one change showing the stored row and the sent row', () => {
		const sent = bill('B1', [line('M1', 3, 10), line('M2', 1, 5.5)]);
		const comparison = compareEntries(sent, stored, none);
		expect(comparison).toMatchObject({
			kind: 'compared',
			equal: false,
			change: {
				field: 'FEntity',
				before: [{ FMaterialID: 'M1', FRealQty: 2, FTaxPrice: 10 }],
				after: [{ FMaterialID: 'M1', FRealQty: 3, FTaxPrice: 10 }],
			},
		});
	});

	it('a missing or extra row is a change (count matters)', () => {
		expect(compareEntries(bill('B1', [line('M1', 2, 10)]), stored, none)).toMatchObject({ equal: false });
		const three = bill('B1', [line('M1', 2, 10), line('M2', 1, 5.5), line('M2', 1, 5.5)]);
		expect(compareEntries(three, stored, none)).toMatchObject({ equal: false });
	});

	it('the plan: equal rows and head are unchanged; a row change makes an update', () => {
		const same = withEntryComparison(updatePlan(bill('B1', [line('M2', 1, 5.5), line('M1', 2, 10)]), stored), none);
		expect(same.action).toBe('unchanged');
		const changed = withEntryComparison(updatePlan(bill('B1', [line('M1', 2, 10), line('M2', 4, 5.5)]), stored), none);
		expect(changed.action).toBe('update');
		expect(changed.changes.map((change) => change.field)).toEqual(['FEntity']);
	});

	it('rows read without their ids cannot be compared: the bill is sent as an update, saying why', () => {
		const withoutIds: ExistingRecord = {
			...stored,
			rows: [{ 'FCustomerID.FNumber': 'C1' }],
			values: { 'FCustomerID.FNumber': 'C1' },
		};
		const unreadable = new Map([['fentity_fentryid', 'the form has no field FEntity_FEntryID to read back']]);
		const plan = withEntryComparison(updatePlan(bill('B1', [line('M1', 2, 10)]), withoutIds), unreadable);
		expect(plan.action).toBe('update');
		expect(plan.unverifiable).toEqual([
			{ field: 'FEntity', reason: expect.stringMatching(/entry rows cannot be read back.*FEntity_FEntryID/) },
		]);
	});
});

describe('the lookup reads one query row per entry row and groups them by the bill', () => {
	it('rows of one FID join one record; another record with the number (higher id) is ignored', async () => {
		const kingdee = fakeKingdee([], (call) =>
			call.service === 'ExecuteBillQuery'
				? {
						body: [
							[9, 'B1', 'C', 101, 'M1', 2],
							[9, 'B1', 'C', 102, 'M2', 1],
							[12, 'B1', 'A', 201, 'M9', 9],
							[10, 'B2', 'A', 0, null, null],
						],
					}
				: undefined,
		);
		const settings = { formId: 'SAL_OUTSTOCK', numberField: 'FBillNo', primaryKeyField: 'FID' };
		const { found } = await lookupExisting(
			kingdee.session(),
			settings,
			['B1', 'B2'],
			['FEntity_FEntryID', 'FMaterialID.FNumber', 'FRealQty'],
		);
		expect(found.get('B1')?.rows).toHaveLength(2);
		expect(found.get('B1')?.id).toBe(9);
		expect(kingdee.calls[0].data.OrderString).toBe('FID ASC, FEntity_FEntryID ASC');
		const b2 = found.get('B2')!;
		expect(compareEntries(bill('B2', []), b2, none)).toMatchObject({ kind: 'compared', equal: true });
	});
});

describe('read-back proof after a lost answer', () => {
	const settings = { numberField: 'FBillNo', primaryKeyField: 'FID' };
	const sent = bill('B1', [line('M1', 2, 10), line('M2', 1, 5.5)]);
	const create: PlannedPackage = {
		index: 0,
		number: 'B1',
		action: 'create',
		changes: [],
		unverifiable: [],
		model: sent,
	};

	it('header and rows as sent: created (holds); absent: not applied, send again', () => {
		const now = storedBill(9, 'B1', [
			[102, 'M2', 1, 5.5],
			[101, 'M1', 2, 10],
		]);
		expect(judgeReadBack(create, now, settings, none)).toEqual({ kind: 'holds', id: 9 });
		expect(judgeReadBack(create, undefined, settings, none)).toEqual({ kind: 'notApplied' });
	});

	it('another quantity, a missing row or another customer: unclear (never sent twice)', () => {
		const otherQty = storedBill(9, 'B1', [
			[101, 'M1', 3, 10],
			[102, 'M2', 1, 5.5],
		]);
		const verdict = judgeReadBack(create, otherQty, settings, none);
		expect(verdict.kind).toBe('unclear');
		expect((verdict as { message: string }).message).toMatch(/FEntity holds 2 row\(s\), 2 sent; not found: .*"M1"/);
		const oneRow = storedBill(9, 'B1', [[101, 'M1', 2, 10]]);
		expect(judgeReadBack(create, oneRow, settings, none).kind).toBe('unclear');
		const otherCustomer = storedBill(9, 'B1', [
			[101, 'M1', 2, 10],
			[102, 'M2', 1, 5.5],
		]);
		const elsewhere = { ...create, model: { ...sent, FCustomerID: { FNumber: 'C2' } } };
		expect(judgeReadBack(elsewhere, otherCustomer, settings, none).kind).toBe('unclear');
	});

	it('an update whose rows are still the rows read before was not applied; rows as sent: holds', () => {
		const before = storedBill(9, 'B1', [
			[101, 'M1', 2, 10],
			[102, 'M2', 1, 5.5],
		]);
		const update = withEntryComparison(updatePlan(bill('B1', [line('M1', 5, 10), line('M2', 1, 5.5)]), before), none);
		expect(update.action).toBe('update');
		expect(judgeReadBack(update, before, settings, none)).toEqual({ kind: 'notApplied' });
		const after = storedBill(9, 'B1', [
			[201, 'M1', 5, 10],
			[202, 'M2', 1, 5.5],
		]);
		expect(judgeReadBack(update, after, settings, none)).toEqual({ kind: 'holds', id: 9 });
	});

	it('rows that cannot be read back leave a create unclear', () => {
		const headOnly: ExistingRecord = {
			id: 9,
			number: 'B1',
			documentStatus: 'A',
			values: { 'FCustomerID.FNumber': 'C1' },
		};
		expect(judgeEntries(create, headOnly, none)).toMatchObject({ kind: 'unclear' });
		expect(judgeReadBack(create, headOnly, settings, none).kind).toBe('unclear');
	});

	it('verifyPackages reads the rows back with the entry columns of the plan', async () => {
		const kingdee = fakeKingdee([], (call) =>
			call.service === 'ExecuteBillQuery'
				? {
						body: [
							[9, 'B1', 'A', 'C1', 101, 'M1', 2, 10],
							[9, 'B1', 'A', 'C1', 102, 'M2', 1, 5.5],
						],
					}
				: undefined,
		);
		const columns = {
			readKeys: ['FCustomerID.FNumber', 'FEntity_FEntryID', 'FMaterialID.FNumber', 'FRealQty', 'FTaxPrice'],
			unreadable: none,
		};
		const verdicts = await verifyPackages(
			kingdee.session(),
			[create],
			{ ...settings, formId: 'SAL_OUTSTOCK' },
			columns,
		);
		expect(verdicts).toEqual([{ kind: 'holds', id: 9 }]);
		expect(String(kingdee.calls[0].data.FieldKeys)).toBe(
			'FID,FBillNo,FDocumentStatus,FCustomerID.FNumber,FEntity_FEntryID,FMaterialID.FNumber,FRealQty,FTaxPrice',
		);
	});
});

describe('If Exists: Skip (create once)', () => {
	const settings: BatchSaveSettings = {
		formId: 'SAL_OUTSTOCK',
		numberField: 'FBillNo',
		primaryKeyField: 'FID',
		upsertByNumber: false,
		ifExists: 'skip',
		skipUnchanged: false,
		dryRun: false,
		batchSize: 100,
		maxSends: 2,
		stopAtFirstFailure: false,
		saveData: {},
	};

	it('plans with one existence query (no content columns) and sends only the new bill', async () => {
		const kingdee = fakeKingdee([{ id: 9, number: 'B1', status: 'C', values: {} }]);
		const models = [bill('B1', [line('M1', 2, 10)]), bill('B2', [line('M1', 1, 10)])];
		const outcomes: Outcomes = new Array(2);
		const input = { models, numbers: ['B1', 'B2'] };
		const { plans, columns } = await planRun(kingdee.pool(), input, [0, 1], settings, outcomes);
		expect(String(kingdee.calls[0].data.FieldKeys)).toBe('FID,FBillNo,FDocumentStatus');
		expect(columns.readKeys).toContain('FEntity_FEntryID');
		const toSend = packagesToSend(plans, settings, outcomes);
		expect(toSend.toSave.map((plan) => plan.number)).toEqual(['B2']);
		expect(toSend.toAudit).toEqual([]);
		expect(outcomes[0]).toEqual({ status: 'exists', id: 9, number: 'B1' });
	});

	it('Dry Run shows exists for an existing bill and planned for a new one', async () => {
		const kingdee = fakeKingdee([{ id: 9, number: 'B1', status: 'C', values: {} }]);
		const models = [bill('B1', [line('M1', 2, 10)]), bill('B2', [line('M1', 1, 10)])];
		const dry = { ...settings, dryRun: true };
		const outcomes: Outcomes = new Array(2);
		const { plans } = await planRun(kingdee.pool(), { models, numbers: ['B1', 'B2'] }, [0, 1], dry, outcomes);
		expect(packagesToSend(plans, dry, outcomes)).toEqual({ toSave: [], toAudit: [] });
		expect(outcomes.map((outcome) => outcome?.status)).toEqual(['exists', 'planned']);
	});
});

describe('a refused bill names the row and the field', () => {
	it('reads the row out of Kingdee wording (第2行分录 / 第2行)', () => {
		expect(entryRowOf('单据编号为“SCLL24112614”的出库单,第1行分录,申请出库重量不能大于库存重量!')).toBe(1);
		expect(entryRowOf('第 2 行：物料编码 M-0042 不存在')).toBe(2);
		expect(entryRowOf('编码唯一')).toBeUndefined();
	});

	it('the error text and details give the bill number, the row and the field', () => {
		const { message, details } = describeOutcomeFailure(
			{
				status: 'failed',
				message: 'FMaterialID: 第2行分录,物料编码 M-0042 不存在',
				rowErrors: [{ fieldName: 'FMaterialID', message: '第2行分录,物料编码 M-0042 不存在', dIndex: 1 }],
				msgCode: 11,
				kind: 'validation',
				number: 'JY-2',
			},
			3,
			'FBillNo',
			'SAL_OUTSTOCK',
		);
		expect(message).toMatch(/^Item 3: FBillNo "JY-2" was not saved \(row 2, field FMaterialID\) — .*M-0042/);
		expect(details).toMatchObject({ field: 'FMaterialID', row: 2, number: 'JY-2', kind: 'validation' });
	});
});
