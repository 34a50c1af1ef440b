/**
 * One bill package of Save/BatchSave (SAL_OUTSTOCK, docs/kingdee-webapi.md#sal_outstock): head and entry rows
 * validated together and committed at once or not at all. Errors name the bill number, the entry row (1-based, as
 * Kingdee's `第1行分录` messages) and the field in `FieldName`; the bill number is unique in the form,
 * case-insensitively; entry rows follow IsDeleteEntry (docs/kingdee-webapi.md#entry-rows).
 */
import { BILL_FIELDS, SAL_OUTSTOCK_ENTRY, SAL_OUTSTOCK_HEAD, type BillField } from '../salesOutstock';
import { getCaseInsensitive, isPlainObject, type FormTable, type StoredRecord } from '../store';
import { scalarText } from '../wire';
import { duplicateNumberMessage, type OperationContext, type PackageError } from './context';
import { billFieldValue, type ReferenceScope } from './billReferences';
import { commitRecord, newRecord, openPackage } from './packageFields';
import type { SaveOptions, SavePackage } from './save';

/** Fields the bill package handles itself; the others are stored as sent. */
const HEAD_INPUT = SAL_OUTSTOCK_HEAD.filter((f) => f.kind !== 'id' && f.kind !== 'status' && !/Date$/.test(f.key));
const HEAD_INPUT_WITH_DATE = [...HEAD_INPUT, SAL_OUTSTOCK_HEAD.find((f) => f.key === 'FDate')!];
const ENTRY_INPUT = SAL_OUTSTOCK_ENTRY.filter((f) => f.kind !== 'id');

interface Problems {
	billNo: string;
	caption: string;
	errors: PackageError[];
}

function report(problems: Problems, field: BillField | string, text: string, row?: number): void {
	const where = row === undefined ? '' : `第${row}行分录,`;
	problems.errors.push({
		fieldName: typeof field === 'string' ? field : field.key,
		message: `单据编号为“${problems.billNo}”的${problems.caption},${where}${text}`,
		msgCode: 11,
	});
}

/** Reads `fields` (head or one row) into `target`; required ones must be present on a new head/row. */
function readValues(
	source: (key: string) => unknown,
	given: (key: string) => boolean,
	list: BillField[],
	target: Record<string, unknown>,
	isNew: boolean,
	scope: ReferenceScope,
	problems: Problems,
	row?: number,
): void {
	for (const field of list) {
		if (!isNew && !given(field.key)) continue;
		const outcome = billFieldValue(field, source(field.key), scope);
		if ('value' in outcome) target[field.key] = outcome.value;
		else if (!outcome.missing) report(problems, field, outcome.problem, row);
		else if (field.required && (isNew || given(field.key))) report(problems, field, `字段“${field.zh}”是必填项`, row);
		else target[field.key] = null;
	}
}

/** A package row's fields under canonical keys (`fmaterialid` → `FMaterialID`), unknown keys as sent. */
function rowFields(row: Record<string, unknown>): Map<string, unknown> {
	const fields = new Map<string, unknown>();
	for (const [key, value] of Object.entries(row)) fields.set(BILL_FIELDS.get(key.toLowerCase())?.key ?? key, value);
	return fields;
}

/**
 * The entry rows after the save: rows named by FEntryID change, rows without one are added; with IsDeleteEntry
 * (default) the bill's rows the package does not name are deleted, without it they stay.
 */
function mergeEntries(
	table: FormTable,
	oldRows: StoredRecord[],
	packageRows: unknown[],
	options: SaveOptions,
	scope: ReferenceScope,
	problems: Problems,
): StoredRecord[] {
	const kept = options.deleteEntry ? [] : oldRows.map((row) => ({ ...row }));
	const result: StoredRecord[] = [...kept];
	packageRows.forEach((raw, index) => {
		const row = index + 1;
		if (!isPlainObject(raw)) return report(problems, 'FEntity', '分录数据必须是 JSON 对象', row);
		const fields = rowFields(raw);
		const id = Number(fields.get('FEntryID') ?? 0);
		const old = id ? oldRows.find((r) => r.FEntryID === id) : undefined;
		if (id && !old) return report(problems, 'FEntryID', `分录内码“${id}”不存在`, row);
		const target: StoredRecord = old ? { ...old } : { FEntryID: 0 };
		readValues(
			(k) => fields.get(k),
			(k) => fields.has(k),
			ENTRY_INPUT,
			target,
			!old,
			scope,
			problems,
			row,
		);
		for (const [key, value] of fields) if (!BILL_FIELDS.has(key.toLowerCase())) target[key] = value;
		const at = result.findIndex((r) => old && r.FEntryID === old.FEntryID);
		if (at >= 0) result[at] = target;
		else result.push(target);
	});
	// Ids are given only when the whole bill is valid, so a refused bill leaves no gaps.
	if (problems.errors.length === 0) for (const r of result) if (!r.FEntryID) r.FEntryID = table.allocateEntryId();
	return result;
}

/** The organisation number a package (or the stored bill) gives in `field`. */
function orgNumber(
	fields: Map<string, unknown>,
	existing: StoredRecord | undefined,
	field: string,
): string | undefined {
	const value = fields.has(field) ? fields.get(field) : existing?.[field];
	return isPlainObject(value) ? scalarText(getCaseInsensitive(value, 'FNumber'))?.trim() : scalarText(value)?.trim();
}

function billNumberOf(table: FormTable, fields: Map<string, unknown>, existing: StoredRecord | undefined): string {
	const given = scalarText(fields.get('FBillNo'))?.trim() ?? '';
	if (given) return given;
	return existing ? table.numberOf(existing) : '';
}

export const saveBillPackage: SavePackage = (ctx: OperationContext, table, pkg, options) => {
	const opened = openPackage(table, pkg, options);
	if (opened.errors) return { errors: opened.errors };
	const { fields, existing, applies } = opened;
	const billNo = billNumberOf(table, fields, existing);
	const problems: Problems = { billNo, caption: table.definition.caption, errors: [] };
	const head: Record<string, unknown> = {};
	const scope: ReferenceScope = {
		store: ctx.store,
		// Customers are used by the sales organisation, materials and stocks by the shipping (stock) organisation.
		orgOf: (formId) => orgNumber(fields, existing, formId === 'BD_Customer' ? 'FSaleOrgId' : 'FStockOrgId'),
		verify: options.verifyBaseData,
	};
	readValues((k) => fields.get(k), applies, HEAD_INPUT_WITH_DATE, head, !existing, scope, problems);
	const entity = table.definition.entity!.key;
	const rows = fields.get(entity);
	let entries = (existing?.[entity] as StoredRecord[] | undefined) ?? [];
	if (applies(entity) && Array.isArray(rows)) {
		entries = mergeEntries(table, entries, rows, options, scope, problems);
	}
	if (entries.length === 0) report(problems, entity, '分录“明细信息”至少需要一行');
	if (billNo && ctx.failNumbers.includes(billNo)) {
		report(problems, 'FNote', '未通过校验：备注不符合校验规则（模拟器注入的校验失败）');
	}
	const holder = billNo ? table.numberHolder(billNo, '') : undefined;
	if (holder && holder !== existing) {
		// Observed for bills: the duplicate text of base data, FieldName FBillNo (docs/kingdee-webapi.md#upsert-by-number).
		problems.errors.push({ fieldName: 'FBillNo', message: duplicateNumberMessage(billNo), msgCode: 11 });
	}
	if (problems.errors.length > 0) return { errors: problems.errors };
	const record = existing ?? newRecord(ctx, table);
	Object.assign(record, head, { [entity]: entries });
	record.FBillNo = billNo || `${table.definition.seedNumberPrefix}${String(table.idOf(record)).padStart(6, '0')}`;
	const handled = [...HEAD_INPUT_WITH_DATE.map((f) => f.key), entity];
	return { record: commitRecord(ctx, table, record, fields, applies, handled, options) };
};
