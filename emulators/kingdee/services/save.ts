/**
 * Save and BatchSave (docs/kingdee-webapi.md#batchsave-and-dindex, docs/kingdee-webapi.md#save-options). Choices
 * (docs/kingdee-webapi.md#emulator-choices): BatchSave commits every valid package and none of the failing ones; a
 * mixed call answers IsSuccess false, ErrorCode 500, the first error's MsgCode, and lists the committed packages in
 * SuccessEntitys. Packages commit one after the other, so a repeated number later in one batch fails as a duplicate.
 * IsAutoSubmitAndAudit leaves the saved record audited (C).
 */
import { getCaseInsensitive, isBill, isPlainObject, type FormTable, type StoredRecord } from '../store';
import { failureBody, responseStatus, toBoolean, type EntityResult, type ErrorResult } from '../wire';
import { saveBaseDataPackage } from './baseDataPackage';
import { saveBillPackage } from './billPackage';
import {
	dataObject,
	firstMsgCode,
	formTable,
	type FormHandler,
	type OperationContext,
	type Outcome,
	type PackageError,
} from './context';

export interface SaveOptions {
	needUpdateFields: string[];
	autoAudit: boolean;
	/** IsDeleteEntry (default true): entry rows the package does not name are deleted. */
	deleteEntry: boolean;
	/** IsVerifyBaseDataField (default false): every base-data reference must resolve. */
	verifyBaseData: boolean;
}

/** One package validated and, when valid, committed synchronously (no other call interleaves). */
export type SavePackage = (
	ctx: OperationContext,
	table: FormTable,
	pkg: unknown,
	options: SaveOptions,
) => { record?: StoredRecord; errors?: PackageError[] };

function packageSaver(table: FormTable): SavePackage {
	return isBill(table.definition) ? saveBillPackage : saveBaseDataPackage;
}

function saveOptions(data: Record<string, unknown>): SaveOptions {
	const needUpdate = getCaseInsensitive(data, 'NeedUpDateFields');
	return {
		needUpdateFields: Array.isArray(needUpdate) ? needUpdate.map((f) => String(f)) : [],
		autoAudit: toBoolean(getCaseInsensitive(data, 'IsAutoSubmitAndAudit'), false),
		deleteEntry: toBoolean(getCaseInsensitive(data, 'IsDeleteEntry'), true),
		verifyBaseData: toBoolean(getCaseInsensitive(data, 'IsVerifyBaseDataField'), false),
	};
}

export async function save(ctx: OperationContext, formId: unknown, rawData: unknown): Promise<Outcome> {
	const { table, failure } = formTable(ctx, formId);
	if (!table) return failure!;
	const data = dataObject(rawData);
	const model = data ? getCaseInsensitive(data, 'Model') : undefined;
	if (!data || !isPlainObject(model))
		return failureBody(8, 'data 数据包中的参数 Model 的值不能为空（Save 的 Model 是单个对象）');
	if (ctx.perRowLatencyMs > 0) await ctx.sleep(ctx.perRowLatencyMs);
	const outcome = packageSaver(table)(ctx, table, model, saveOptions(data));
	if (outcome.errors) {
		const errors = outcome.errors.map((e) => ({ FieldName: e.fieldName, Message: e.message, DIndex: 0 }));
		return {
			Result: {
				ResponseStatus: responseStatus([], errors, firstMsgCode(outcome.errors)),
				Id: '',
				Number: '',
				NeedReturnData: [{}],
			},
		};
	}
	const id = table.idOf(outcome.record!);
	const number = table.numberOf(outcome.record!);
	return {
		Result: {
			ResponseStatus: responseStatus([{ Id: id, Number: number, DIndex: 0 }], [], 0),
			Id: id,
			Number: number,
			NeedReturnData: [returnData(outcome.record!, data)],
		},
	};
}

function returnData(record: StoredRecord, data: Record<string, unknown>): Record<string, unknown> {
	const fields = getCaseInsensitive(data, 'NeedReturnFields');
	const out: Record<string, unknown> = {};
	if (Array.isArray(fields)) {
		for (const field of fields) {
			const key = Object.keys(record).find((k) => k.toLowerCase() === String(field).toLowerCase());
			if (key) out[String(field)] = record[key];
		}
	}
	return out;
}

/**
 * Splits n packages into `batchCount` server batches of nearly equal size (the first n % batchCount
 * batches one larger); returns each package's batch-relative index. Ineffective unless
 * 0 < batchCount < n ("数据包数应大于此值，否则无效").
 */
export function batchRelativeIndexes(packageCount: number, batchCount: number): number[] {
	if (!(batchCount > 0 && batchCount < packageCount)) return Array.from({ length: packageCount }, (_, i) => i);
	const base = Math.floor(packageCount / batchCount);
	const larger = packageCount % batchCount;
	const indexes: number[] = [];
	for (let batch = 0; batch < batchCount; batch++) {
		const size = base + (batch < larger ? 1 : 0);
		for (let i = 0; i < size; i++) indexes.push(i);
	}
	return indexes;
}

export async function batchSave(ctx: OperationContext, formId: unknown, rawData: unknown): Promise<Outcome> {
	const { table, failure } = formTable(ctx, formId);
	if (!table) return failure!;
	const data = dataObject(rawData);
	let model = data ? getCaseInsensitive(data, 'Model') : undefined;
	if (isPlainObject(model)) model = [model];
	if (!data || !Array.isArray(model) || model.length === 0) {
		return failureBody(8, 'data 数据包中的参数 Model 的值不能为空（BatchSave 的 Model 是数组）');
	}
	const options = saveOptions(data);
	const saveOne = packageSaver(table);
	const dIndexes = batchRelativeIndexes(model.length, Number(getCaseInsensitive(data, 'BatchCount')) || 0);
	const successes: EntityResult[] = [];
	const errors: ErrorResult[] = [];
	const codes: PackageError[] = [];
	const needReturn: Record<string, unknown>[] = [];
	for (let i = 0; i < model.length; i++) {
		if (ctx.perRowLatencyMs > 0) await ctx.sleep(ctx.perRowLatencyMs);
		const outcome = saveOne(ctx, table, model[i], options);
		if (outcome.record) {
			successes.push({ Id: table.idOf(outcome.record), Number: table.numberOf(outcome.record), DIndex: dIndexes[i] });
			needReturn.push(returnData(outcome.record, data!));
		} else {
			for (const error of outcome.errors!) {
				errors.push({ FieldName: error.fieldName, Message: error.message, DIndex: dIndexes[i] });
				codes.push(error);
			}
		}
	}
	return {
		Result: { ResponseStatus: responseStatus(successes, errors, firstMsgCode(codes)), NeedReturnData: needReturn },
	};
}

export const saveService: FormHandler = (ctx, args) => save(ctx, args.formid, args.data);
export const batchSaveService: FormHandler = (ctx, args) => batchSave(ctx, args.formid, args.data);
