/**
 * DynamicFormService write and read operations of the emulator (docs/kingdee-webapi.md#batchsave-and-dindex,
 * docs/kingdee-webapi.md#state-operations, docs/kingdee-webapi.md#other-operations):
 * Save, BatchSave, Submit, Audit, UnAudit, Delete, View, Allocate, CancelAllocate, ExcuteOperation.
 *
 * Choices where the product's behaviour is unknown (also in docs/kingdee-webapi.md#emulator-choices):
 * - BatchSave commits every valid package and none of the failing ones (no all-or-nothing rollback);
 *   a mixed call answers IsSuccess false, ErrorCode 500, the first error's MsgCode, and lists the
 *   committed packages in SuccessEntitys. The real server's semantics are unconfirmed (docs/kingdee-webapi.md#partial-batches).
 * - Status flow as in the product: Submit A/D→B, Audit B→C only (an unsubmitted record must be
 *   submitted first), UnAudit C→D (重新审核), Delete only A/D (not B or C). Saving over an audited
 *   record (C) fails with MsgCode 12 until UnAudit; A, B and D records may be saved over.
 * - IsAutoSubmitAndAudit on Save/BatchSave leaves the saved record audited (C), created or updated.
 * - Submit/Audit/UnAudit/Delete/ExcuteOperation: numbers or ids that do not exist are skipped when
 *   some others exist (as observed); when none exists the call fails with MsgCode 10. A record in the
 *   wrong status gets an error (MsgCode 12) with its DIndex while the others proceed.
 * - Allocate needs audited records (as the product does) and org internal ids (numbers are tolerated); it stores a
 *   record per target organisation (same number and master id), as base data is unique per use organisation.
 * - Numbers compare case-insensitively; a Numbers-based call or View takes the record of the `UseOrgId` named, else the
 *   lowest internal id holding the number.
 */
import {
	formatKingdeeDateTime,
	getCaseInsensitive,
	isPlainObject,
	SYSTEM_FIELDS,
	type FormTable,
	type KingdeeStore,
	type OrgInfo,
	type StoredRecord,
} from './store';
import { failureBody, responseStatus, scalarText, toBoolean, type EntityResult, type ErrorResult } from './wire';

export interface OperationContext {
	store: KingdeeStore;
	now: () => number;
	sleep: (ms: number) => Promise<void>;
	perRowLatencyMs: number;
	/** Save/BatchSave packages with these numbers fail validation (fault injection). */
	failNumbers: string[];
}

interface PackageError {
	fieldName: string | null;
	message: string;
	msgCode: number;
}

const FIELD_CAPTIONS: Record<string, string> = {
	FNumber: '编码',
	FName: '名称',
	FCreateOrgId: '创建组织',
	FUseOrgId: '使用组织',
};

export function duplicateNumberMessage(number: string): string {
	return `违反字段唯一性要求：编码唯一。[${number}]在当前系统中已经被使用。`;
}

export function unknownFormMessage(formId: string): string {
	return `标识为“${formId}”的业务对象不存在，或者被删除`;
}

function requiredMessage(field: string): string {
	return `字段“${FIELD_CAPTIONS[field] ?? field}”是必填项`;
}

type Outcome = Record<string, unknown>;

/** Looks up the form named by `formid`; undefined + a failure body when missing or unknown. */
export function formTable(ctx: OperationContext, formId: unknown): { table?: FormTable; failure?: Outcome } {
	const id = scalarText(formId)?.trim() ?? '';
	if (!id) return { failure: failureBody(5, 'formid 参数（业务对象标识）不能为空') };
	const table = ctx.store.table(id);
	if (!table) return { failure: failureBody(4, unknownFormMessage(id)) };
	return { table };
}

function dataObject(data: unknown): Record<string, unknown> | undefined {
	return isPlainObject(data) ? data : undefined;
}

/** Resolves an organisation reference: `{"FNumber":"100"}` / `{"FNUMBER":100}` (or `{"FOrgID":1}`). */
function resolveOrgReference(
	store: KingdeeStore,
	field: string,
	value: unknown,
): { org?: OrgInfo; error?: PackageError } {
	if (value === undefined || value === null || value === '') {
		return { error: { fieldName: field, message: requiredMessage(field), msgCode: 11 } };
	}
	if (!isPlainObject(value)) {
		return {
			error: {
				fieldName: field,
				message: `字段“${FIELD_CAPTIONS[field]}”是基础资料字段，值必须是对象，例如 {"FNumber":"100"}，不能是${
					Array.isArray(value) ? '数组' : '纯文本或数字'
				}`,
				msgCode: 11,
			},
		};
	}
	const number = scalarText(getCaseInsensitive(value, 'FNumber'))?.trim();
	const id = Number(getCaseInsensitive(value, 'FOrgID') ?? getCaseInsensitive(value, 'FID'));
	const org = number ? store.orgByNumber(number) : Number.isInteger(id) && id > 0 ? store.orgById(id) : undefined;
	// An unresolvable reference leaves the field empty, which the product reports as "required".
	if (!org) return { error: { fieldName: field, message: requiredMessage(field), msgCode: 11 } };
	return { org };
}

/** Text of FName: a string, a number, or the product's multi-language array `[{Key, Value}]`. */
function nameText(value: unknown): string | undefined {
	if (Array.isArray(value)) {
		const first = value.find((v) => isPlainObject(v) && scalarText(getCaseInsensitive(v, 'Value')));
		return first ? scalarText(getCaseInsensitive(first as Record<string, unknown>, 'Value')) : undefined;
	}
	return scalarText(value);
}

interface SaveOptions {
	needUpdateFields: string[];
	autoAudit: boolean;
}

/**
 * Validates one package and, when valid, commits it synchronously (so concurrent sessions cannot
 * interleave between the duplicate check and the write). Because packages commit one after the
 * other, a repeated number later in the same batch meets the earlier package's record and fails.
 */
function saveOnePackage(
	ctx: OperationContext,
	table: FormTable,
	pkg: unknown,
	options: SaveOptions,
): { record?: StoredRecord; errors?: PackageError[] } {
	const { store } = ctx;
	const def = table.definition;
	if (!isPlainObject(pkg)) {
		return { errors: [{ fieldName: null, message: 'Model 中的数据包必须是 JSON 对象', msgCode: 8 }] };
	}
	const fields = new Map<string, unknown>();
	for (const [key, value] of Object.entries(pkg)) fields.set(table.adoptField(key), value);

	const pkValue = fields.get(def.pkField);
	let existing: StoredRecord | undefined;
	if (pkValue !== undefined && pkValue !== null && pkValue !== '' && Number(pkValue) !== 0) {
		const id = Number(pkValue);
		if (!Number.isInteger(id) || id < 0) {
			return { errors: [{ fieldName: def.pkField, message: `字段“${def.pkField}”的值不是有效的内码`, msgCode: 11 }] };
		}
		existing = table.get(id);
		if (!existing) {
			return {
				errors: [{ fieldName: def.pkField, message: `内码为“${id}”的${def.caption}不存在，或者已被删除`, msgCode: 10 }],
			};
		}
		if (existing.FDocumentStatus === 'C') {
			return {
				errors: [
					{
						fieldName: null,
						message: `编码为“${String(existing.FNumber)}”的${def.caption}已审核，不允许修改；请先反审核后再保存`,
						msgCode: 12,
					},
				],
			};
		}
	}

	// On update with NeedUpDateFields only the listed fields change.
	const listed = new Set(options.needUpdateFields.map((f) => f.toLowerCase()));
	const applies = (field: string) =>
		fields.has(field) && field !== def.pkField && (!existing || listed.size === 0 || listed.has(field.toLowerCase()));

	const errors: PackageError[] = [];
	let number = existing ? String(existing.FNumber) : '';
	if (!existing || applies('FNumber')) {
		const text = scalarText(fields.get('FNumber'))?.trim() ?? '';
		if (!text) errors.push({ fieldName: 'FNumber', message: requiredMessage('FNumber'), msgCode: 11 });
		number = text;
	}
	let name = existing ? String(existing.FName) : '';
	if (!existing || applies('FName')) {
		const text = nameText(fields.get('FName'))?.trim() ?? '';
		if (!text) errors.push({ fieldName: 'FName', message: requiredMessage('FName'), msgCode: 11 });
		name = text;
	}
	let createOrg = existing ? String(existing.FCreateOrgId) : '';
	if (!existing || applies('FCreateOrgId')) {
		const resolved = resolveOrgReference(store, 'FCreateOrgId', fields.get('FCreateOrgId'));
		if (resolved.error) errors.push(resolved.error);
		else createOrg = resolved.org!.number;
	}
	let useOrg = existing ? String(existing.FUseOrgId) : createOrg;
	if (applies('FUseOrgId') && fields.get('FUseOrgId') !== undefined && fields.get('FUseOrgId') !== null) {
		const resolved = resolveOrgReference(store, 'FUseOrgId', fields.get('FUseOrgId'));
		if (resolved.error) errors.push(resolved.error);
		else useOrg = resolved.org!.number;
	} else if (!existing) useOrg = createOrg;

	if (number && ctx.failNumbers.includes(number)) {
		errors.push({
			fieldName: 'FName',
			message: `编码为“${number}”的${def.caption}未通过校验：名称不符合校验规则（模拟器注入的校验失败）`,
			msgCode: 11,
		});
	}
	if (number) {
		const holder = table.numberHolder(number, useOrg);
		if (holder && holder !== existing) {
			errors.push({ fieldName: 'FNumber', message: duplicateNumberMessage(number), msgCode: 11 });
		}
	}
	if (errors.length > 0) return { errors };

	const nowText = formatKingdeeDateTime(ctx.now());
	const record: StoredRecord = existing ?? {
		[def.pkField]: table.allocateId(),
		FDocumentStatus: 'A',
		FForbidStatus: 'A',
		FCreateDate: nowText,
		allocatedOrgs: [],
	};
	record.FNumber = number;
	record.FName = name;
	record.FCreateOrgId = createOrg;
	record.FUseOrgId = useOrg;
	for (const [field, value] of fields) {
		if (['FNumber', 'FName', 'FCreateOrgId', 'FUseOrgId', def.pkField].includes(field)) continue;
		if (SYSTEM_FIELDS.has(field.toLowerCase()) || !applies(field)) continue;
		record[field] = value === undefined ? null : JSON.parse(JSON.stringify(value));
	}
	record.FModifyDate = nowText;
	if (options.autoAudit) {
		record.FDocumentStatus = 'C';
		record.FAuditDate = nowText;
	}
	table.put(record);
	return { record };
}

function saveOptions(data: Record<string, unknown>): SaveOptions {
	const needUpdate = getCaseInsensitive(data, 'NeedUpDateFields');
	return {
		needUpdateFields: Array.isArray(needUpdate) ? needUpdate.map((f) => String(f)) : [],
		autoAudit: toBoolean(getCaseInsensitive(data, 'IsAutoSubmitAndAudit'), false),
	};
}

function firstMsgCode(errors: Array<{ msgCode: number }>): number {
	return errors.length > 0 ? errors[0].msgCode : 0;
}

export async function save(ctx: OperationContext, formId: unknown, rawData: unknown): Promise<Outcome> {
	const { table, failure } = formTable(ctx, formId);
	if (!table) return failure!;
	const data = dataObject(rawData);
	const model = data ? getCaseInsensitive(data, 'Model') : undefined;
	if (!data || !isPlainObject(model))
		return failureBody(8, 'data 数据包中的参数 Model 的值不能为空（Save 的 Model 是单个对象）');
	if (ctx.perRowLatencyMs > 0) await ctx.sleep(ctx.perRowLatencyMs);
	const outcome = saveOnePackage(ctx, table, model, saveOptions(data));
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
	const number = String(outcome.record!.FNumber);
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
	const dIndexes = batchRelativeIndexes(model.length, Number(getCaseInsensitive(data, 'BatchCount')) || 0);
	const successes: EntityResult[] = [];
	const errors: ErrorResult[] = [];
	const codes: PackageError[] = [];
	const needReturn: Record<string, unknown>[] = [];
	for (let i = 0; i < model.length; i++) {
		if (ctx.perRowLatencyMs > 0) await ctx.sleep(ctx.perRowLatencyMs);
		const outcome = saveOnePackage(ctx, table, model[i], options);
		if (outcome.record) {
			successes.push({ Id: table.idOf(outcome.record), Number: String(outcome.record.FNumber), DIndex: dIndexes[i] });
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

/** A use organisation no record has: a call naming an unknown organisation finds nothing. */
const NO_SUCH_ORG = '\u0000no such organisation';

/**
 * The use organisation a Numbers/Number call names in `UseOrgId` (internal id, number or `{"FNumber":…}`), as its
 * number; undefined when absent or 0, so the lowest id holding a number answers (docs/kingdee-webapi.md#emulator-choices).
 */
function namedUseOrg(store: KingdeeStore, data: Record<string, unknown>): string | undefined {
	const value = getCaseInsensitive(data, 'UseOrgId');
	const key = isPlainObject(value) ? scalarText(getCaseInsensitive(value, 'FNumber')) : scalarText(value);
	if (key === undefined || key.trim() === '' || key.trim() === '0') return undefined;
	const org = store.orgById(Number(key)) ?? store.orgByNumber(key.trim());
	// An organisation that does not exist holds no record: a number no record has.
	return org ? org.number : NO_SUCH_ORG;
}

type Transition = (record: StoredRecord) => string | undefined;

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
		const problem = apply(record);
		if (problem) errors.push({ FieldName: null, Message: problem, DIndex: index });
		else successes.push({ Id: table.idOf(record), Number: String(record.FNumber), DIndex: index });
	});
	return { Result: { ResponseStatus: responseStatus(successes, errors, 12) } };
}

function describe(record: StoredRecord): string {
	return `编码为“${String(record.FNumber)}”的数据`;
}

export function submit(ctx: OperationContext, formId: unknown, data: unknown): Outcome {
	return recordOperation(ctx, formId, data, (record) => {
		if (record.FDocumentStatus === 'B') return `${describe(record)}已经提交，不能重复提交`;
		if (record.FDocumentStatus === 'C') return `${describe(record)}已经审核，不能提交`;
		record.FDocumentStatus = 'B';
		record.FModifyDate = formatKingdeeDateTime(ctx.now());
		return undefined;
	});
}

export function audit(ctx: OperationContext, formId: unknown, data: unknown): Outcome {
	return recordOperation(ctx, formId, data, (record) => {
		if (record.FDocumentStatus === 'C') return `${describe(record)}已经审核，不能重复审核`;
		if (record.FDocumentStatus !== 'B') return `${describe(record)}不是已提交状态，请先提交再审核`;
		record.FDocumentStatus = 'C';
		record.FAuditDate = formatKingdeeDateTime(ctx.now());
		return undefined;
	});
}

export function unAudit(ctx: OperationContext, formId: unknown, data: unknown): Outcome {
	return recordOperation(ctx, formId, data, (record) => {
		if (record.FDocumentStatus !== 'C') return `${describe(record)}不是已审核状态，不能反审核`;
		record.FDocumentStatus = 'D';
		record.FModifyDate = formatKingdeeDateTime(ctx.now());
		return undefined;
	});
}

export function deleteRecords(ctx: OperationContext, formId: unknown, data: unknown): Outcome {
	const { table } = formTable(ctx, formId);
	return recordOperation(ctx, formId, data, (record) => {
		if (record.FDocumentStatus === 'C') return `${describe(record)}已经审核，不能删除`;
		if (record.FDocumentStatus === 'B') return `${describe(record)}已提交（审核中），不能删除`;
		table!.remove(table!.idOf(record));
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

function multiLanguage(text: string): Array<{ Key: number; Value: string }> {
	return [{ Key: 2052, Value: text }];
}

function orgObject(store: KingdeeStore, number: unknown): Record<string, unknown> | null {
	const org = store.orgByNumber(String(number));
	return org ? { Id: org.id, Number: org.number, Name: multiLanguage(org.name) } : null;
}

/** View: the record with ORM property names (F prefix dropped), references as objects. */
export function view(ctx: OperationContext, formId: unknown, rawData: unknown): Outcome {
	const { table, failure } = formTable(ctx, formId);
	if (!table) return failure!;
	const data = dataObject(rawData) ?? {};
	const idText = scalarText(getCaseInsensitive(data, 'Id'))?.trim() ?? '';
	const numberText = scalarText(getCaseInsensitive(data, 'Number'))?.trim() ?? '';
	let record: StoredRecord | undefined;
	if (idText !== '' && idText !== '0') record = table.get(Number(idText));
	else if (numberText !== '') record = table.findByNumber(numberText, namedUseOrg(ctx.store, data));
	else return failureBody(8, 'data 数据包中的参数 Id 或 Number 的值不能为空');
	if (!record) {
		const which = idText !== '' && idText !== '0' ? `内码为“${idText}”` : `编码为“${numberText}”`;
		return failureBody(10, `未找到对应数据：${which}的${table.definition.caption}不存在，或者已被删除`);
	}
	const def = table.definition;
	const object: Record<string, unknown> = {
		Id: record[def.pkField],
		msterID: record.FMasterId ?? record[def.pkField],
		Number: record.FNumber,
		DocumentStatus: record.FDocumentStatus,
		ForbidStatus: record.FForbidStatus,
		Name: multiLanguage(String(record.FName)),
		CreateOrgId: orgObject(ctx.store, record.FCreateOrgId),
		UseOrgId: orgObject(ctx.store, record.FUseOrgId),
		CreatorId: { Id: 100010, Name: 'webapi', UserAccount: 'webapi' },
		CreateDate: record.FCreateDate,
		ModifyDate: record.FModifyDate,
		AuditDate: record.FAuditDate ?? null,
		AllocatedOrgs: (record.allocatedOrgs as string[]).map((n) => orgObject(ctx.store, n)),
	};
	for (const [key, value] of Object.entries(record)) {
		if (key === def.pkField || SYSTEM_FIELDS.has(key.toLowerCase())) continue;
		const property = /^F[A-Z]/i.test(key) ? key.slice(1) : key;
		if (property in object) continue;
		object[property] =
			isPlainObject(value) && getCaseInsensitive(value, 'FNumber') !== undefined
				? { Id: 0, Number: getCaseInsensitive(value, 'FNumber'), Name: multiLanguage('') }
				: value;
	}
	return { Result: { ResponseStatus: responseStatus([], [], 0), Result: object } };
}

function idList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter((s) => s !== '');
	const text = scalarText(value) ?? '';
	return text
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s !== '');
}

/** Allocate / CancelAllocate `{PkIds, TOrgIds, IsAutoSubmitAndAudit}`. */
export function allocate(ctx: OperationContext, formId: unknown, rawData: unknown, cancel: boolean): Outcome {
	const { table, failure } = formTable(ctx, formId);
	if (!table) return failure!;
	const data = dataObject(rawData) ?? {};
	const pkIds = idList(getCaseInsensitive(data, 'PkIds'));
	const orgKeys = idList(getCaseInsensitive(data, 'TOrgIds'));
	if (pkIds.length === 0) return failureBody(8, 'data 数据包中的参数 PkIds 的值不能为空');
	if (orgKeys.length === 0) return failureBody(8, 'data 数据包中的参数 TOrgIds 的值不能为空');
	const orgs: OrgInfo[] = [];
	for (const key of orgKeys) {
		// TOrgIds are internal ids; an org number is tolerated when no id matches.
		const org = ctx.store.orgById(Number(key)) ?? ctx.store.orgByNumber(key);
		if (!org) return failureBody(9, `目标组织内码“${key}”不存在`, 'TOrgIds');
		orgs.push(org);
	}
	const records = pkIds.map((id) => table.get(Number(id)));
	if (records.every((r) => !r)) {
		return failureBody(10, `未找到对应数据：内码为“${pkIds.join(',')}”的${table.definition.caption}不存在`);
	}
	const successes: EntityResult[] = [];
	const errors: ErrorResult[] = [];
	records.forEach((record, index) => {
		if (!record) {
			errors.push({
				FieldName: 'PkIds',
				Message: `内码为“${pkIds[index]}”的${table.definition.caption}不存在`,
				DIndex: index,
			});
			return;
		}
		if (!cancel && record.FDocumentStatus !== 'C') {
			errors.push({ FieldName: null, Message: `${describe(record)}未审核，不能分配`, DIndex: index });
			return;
		}
		const allocated = new Set(record.allocatedOrgs as string[]);
		for (const org of orgs) {
			if (org.number === record.FCreateOrgId) continue;
			if (cancel) {
				allocated.delete(org.number);
				removeAllocatedCopy(table, record, org);
			} else {
				allocated.add(org.number);
				storeAllocatedCopy(ctx, table, record, org);
			}
		}
		record.allocatedOrgs = Array.from(allocated);
		successes.push({ Id: table.idOf(record), Number: String(record.FNumber), DIndex: index });
	});
	return { Result: { ResponseStatus: responseStatus(successes, errors, 12) } };
}

/**
 * Allocation gives the target organisation its own record: a new internal id, the same number and master id, use
 * organisation the target, audited (docs/kingdee-webapi.md#emulator-choices). Nothing happens when the organisation
 * already holds the number.
 */
function storeAllocatedCopy(ctx: OperationContext, table: FormTable, record: StoredRecord, org: OrgInfo): void {
	if (table.findByNumber(String(record.FNumber), org.number)) return;
	const nowText = formatKingdeeDateTime(ctx.now());
	const copy = JSON.parse(JSON.stringify(record)) as StoredRecord;
	copy[table.definition.pkField] = table.allocateId();
	copy.FMasterId = record.FMasterId ?? table.idOf(record);
	copy.FUseOrgId = org.number;
	copy.FDocumentStatus = 'C';
	copy.FCreateDate = nowText;
	copy.FModifyDate = nowText;
	copy.FAuditDate = nowText;
	copy.allocatedOrgs = [];
	table.put(copy);
}

/** CancelAllocate removes the target organisation's copy of the record (same master id). */
function removeAllocatedCopy(table: FormTable, record: StoredRecord, org: OrgInfo): void {
	const master = record.FMasterId ?? table.idOf(record);
	const copy = table
		.findAllByNumber(String(record.FNumber))
		.find((other) => other !== record && other.FUseOrgId === org.number && other.FMasterId === master);
	if (copy) table.remove(table.idOf(copy));
}
