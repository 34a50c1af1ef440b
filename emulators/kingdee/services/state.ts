/**
 * Submit, Audit, UnAudit, Delete and ExcuteOperation by Numbers or Ids (docs/kingdee-webapi.md#state-operations,
 * docs/kingdee-webapi.md#status-flow). Choices (docs/kingdee-webapi.md#emulator-choices): Submit A/D→B, Audit B→C
 * only, UnAudit C→D, Delete only A/D; numbers or ids that do not exist are skipped when some others exist, none
 * existing fails with MsgCode 10; a record in the wrong status gets a MsgCode 12 error with its DIndex while the others
 * proceed. A number held in several use organisations names the record of the `UseOrgId` given, else the lowest id.
 */
import {
	formatKingdeeDateTime,
	getCaseInsensitive,
	type FormTable,
	type KingdeeStore,
	type StoredRecord,
} from '../store';
import { failureBody, responseStatus, scalarText, type EntityResult, type ErrorResult } from '../wire';
import { dataObject, formTable, namedUseOrg, type FormHandler, type OperationContext, type Outcome } from './context';

/** The targets of Submit/Audit/…: `Numbers` (array) or `Ids` (comma-separated string, array or number). */
function targets(
	store: KingdeeStore,
	table: FormTable,
	data: Record<string, unknown>,
): { keys: string[]; records: Array<StoredRecord | undefined> } {
	const ids = getCaseInsensitive(data, 'Ids');
	const idList =
		typeof ids === 'string'
			? ids.split(',')
			: Array.isArray(ids)
				? ids.map((v) => String(v))
				: typeof ids === 'number'
					? [String(ids)]
					: [];
	const cleanIds = idList.map((s) => s.trim()).filter((s) => s !== '');
	if (cleanIds.length > 0) {
		return { keys: cleanIds, records: cleanIds.map((id) => table.get(Number(id))) };
	}
	const numbers = getCaseInsensitive(data, 'Numbers');
	const numberList = (Array.isArray(numbers) ? numbers : typeof numbers === 'string' ? numbers.split(',') : [])
		.map((v) => (scalarText(v) ?? '').trim())
		.filter((s) => s !== '');
	const useOrg = namedUseOrg(store, data);
	return { keys: numberList, records: numberList.map((n) => table.findByNumber(n, useOrg)) };
}

type Transition = (record: StoredRecord, table: FormTable) => string | undefined;

/** Applies a per-record operation by Numbers/Ids; `apply` returns an error message or undefined. */
function recordOperation(ctx: OperationContext, formId: unknown, rawData: unknown, apply: Transition): Outcome {
	const { table, failure } = formTable(ctx, formId);
	if (!table) return failure!;
	const data = dataObject(rawData);
	if (!data) return failureBody(8, 'data 数据包不能为空');
	const { keys, records } = targets(ctx.store, table, data);
	if (keys.length === 0) return failureBody(8, 'data 数据包中的参数 Numbers 或 Ids 的值不能为空');
	if (records.every((r) => !r)) {
		return failureBody(10, `未找到对应数据：${table.definition.caption}“${keys.join(',')}”不存在，或者已被删除`);
	}
	const successes: EntityResult[] = [];
	const errors: ErrorResult[] = [];
	records.forEach((record, index) => {
		if (!record) return;
		const problem = apply(record, table);
		if (problem) errors.push({ FieldName: null, Message: problem, DIndex: index });
		else successes.push({ Id: table.idOf(record), Number: table.numberOf(record), DIndex: index });
	});
	return { Result: { ResponseStatus: responseStatus(successes, errors, 12) } };
}

export function describe(table: FormTable, record: StoredRecord): string {
	return `编码为“${table.numberOf(record)}”的数据`;
}

export function submit(ctx: OperationContext, formId: unknown, data: unknown): Outcome {
	return recordOperation(ctx, formId, data, (record, table) => {
		if (record.FDocumentStatus === 'B') return `${describe(table, record)}已经提交，不能重复提交`;
		if (record.FDocumentStatus === 'C') return `${describe(table, record)}已经审核，不能提交`;
		record.FDocumentStatus = 'B';
		record.FModifyDate = formatKingdeeDateTime(ctx.now());
		return undefined;
	});
}

export function audit(ctx: OperationContext, formId: unknown, data: unknown): Outcome {
	return recordOperation(ctx, formId, data, (record, table) => {
		if (record.FDocumentStatus === 'C') return `${describe(table, record)}已经审核，不能重复审核`;
		if (record.FDocumentStatus !== 'B') return `${describe(table, record)}不是已提交状态，请先提交再审核`;
		record.FDocumentStatus = 'C';
		record.FAuditDate = formatKingdeeDateTime(ctx.now());
		return undefined;
	});
}

export function unAudit(ctx: OperationContext, formId: unknown, data: unknown): Outcome {
	return recordOperation(ctx, formId, data, (record, table) => {
		if (record.FDocumentStatus !== 'C') return `${describe(table, record)}不是已审核状态，不能反审核`;
		record.FDocumentStatus = 'D';
		record.FModifyDate = formatKingdeeDateTime(ctx.now());
		return undefined;
	});
}

export function deleteRecords(ctx: OperationContext, formId: unknown, data: unknown): Outcome {
	return recordOperation(ctx, formId, data, (record, table) => {
		if (record.FDocumentStatus === 'C') return `${describe(table, record)}已经审核，不能删除`;
		if (record.FDocumentStatus === 'B') return `${describe(table, record)}已提交（审核中），不能删除`;
		table.remove(table.idOf(record));
		return undefined;
	});
}

export function executeOperation(ctx: OperationContext, formId: unknown, opNumber: unknown, data: unknown): Outcome {
	const op = (scalarText(opNumber) ?? '').trim().toLowerCase();
	if (!op) return failureBody(3, '操作标识为空');
	const forbid = op === 'forbid';
	if (!forbid && op !== 'enable') {
		return failureBody(4, `操作“${scalarText(opNumber)}”不存在，或模拟器不支持（支持 Forbid、Enable）`);
	}
	return recordOperation(ctx, formId, data, (record) => {
		record.FForbidStatus = forbid ? 'B' : 'A';
		record.FModifyDate = formatKingdeeDateTime(ctx.now());
		return undefined;
	});
}

export const submitService: FormHandler = (ctx, args) => submit(ctx, args.formid, args.data);
export const auditService: FormHandler = (ctx, args) => audit(ctx, args.formid, args.data);
export const unAuditService: FormHandler = (ctx, args) => unAudit(ctx, args.formid, args.data);
export const deleteService: FormHandler = (ctx, args) => deleteRecords(ctx, args.formid, args.data);
export const executeOperationService: FormHandler = (ctx, args) =>
	executeOperation(ctx, args.formid, args.opnumber, args.data);
