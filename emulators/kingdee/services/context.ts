/**
 * What every DynamicFormService handler of the emulator shares: the call context, the form lookup, organisation
 * references and the product's messages (docs/kingdee-webapi.md#emulator-choices).
 */
import { getCaseInsensitive, isPlainObject, type FormTable, type KingdeeStore, type OrgInfo } from '../store';
import { failureBody, scalarText } from '../wire';

export interface OperationContext {
	store: KingdeeStore;
	now: () => number;
	sleep: (ms: number) => Promise<void>;
	perRowLatencyMs: number;
	/** Save/BatchSave packages with these numbers fail validation (fault injection). */
	failNumbers: string[];
	/** Rows per query call at most (docs/kingdee-webapi.md#query-limits). */
	maxQueryLimit: number;
}

/** A DynamicFormService handler: the call's arguments (lower-case parameter names) → the answer body. */
export type FormHandler = (ctx: OperationContext, args: Record<string, unknown>) => unknown;

export interface PackageError {
	fieldName: string | null;
	message: string;
	msgCode: number;
}

export type Outcome = Record<string, unknown>;

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

export function requiredMessage(field: string): string {
	return `字段“${FIELD_CAPTIONS[field] ?? field}”是必填项`;
}

/** Looks up the form named by `formid`; undefined + a failure body when missing or unknown. */
export function formTable(ctx: OperationContext, formId: unknown): { table?: FormTable; failure?: Outcome } {
	const id = scalarText(formId)?.trim() ?? '';
	if (!id) return { failure: failureBody(5, 'formid 参数（业务对象标识）不能为空') };
	const table = ctx.store.table(id);
	if (!table) return { failure: failureBody(4, unknownFormMessage(id)) };
	return { table };
}

export function dataObject(data: unknown): Record<string, unknown> | undefined {
	return isPlainObject(data) ? data : undefined;
}

/** Resolves an organisation reference: `{"FNumber":"100"}` / `{"FNUMBER":100}` (or `{"FOrgID":1}`). */
export function resolveOrgReference(
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
export function nameText(value: unknown): string | undefined {
	if (Array.isArray(value)) {
		const first = value.find((v) => isPlainObject(v) && scalarText(getCaseInsensitive(v, 'Value')));
		return first ? scalarText(getCaseInsensitive(first as Record<string, unknown>, 'Value')) : undefined;
	}
	return scalarText(value);
}

/** A use organisation no record has: a call naming an unknown organisation finds nothing. */
const NO_SUCH_ORG = '\u0000no such organisation';

/**
 * The use organisation a Numbers/Number call names in `UseOrgId` (internal id, number or `{"FNumber":…}`), as its
 * number; undefined when absent or 0, so the lowest id holding a number answers (docs/kingdee-webapi.md#emulator-choices).
 */
export function namedUseOrg(store: KingdeeStore, data: Record<string, unknown>): string | undefined {
	const value = getCaseInsensitive(data, 'UseOrgId');
	const key = isPlainObject(value) ? scalarText(getCaseInsensitive(value, 'FNumber')) : scalarText(value);
	if (key === undefined || key.trim() === '' || key.trim() === '0') return undefined;
	const org = store.orgById(Number(key)) ?? store.orgByNumber(key.trim());
	// An organisation that does not exist holds no record: a number no record has.
	return org ? org.number : NO_SUCH_ORG;
}

export function firstMsgCode(errors: Array<{ msgCode: number }>): number {
	return errors.length > 0 ? errors[0].msgCode : 0;
}
