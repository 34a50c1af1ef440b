/**
 * Values of a bill's fields as Save stores them (docs/kingdee-webapi.md#sal_outstock): base data resolved by number in
 * the bill's organisation, decimals as numbers, dates as `yyyy-MM-ddTHH:mm:ss`, booleans as booleans. Errors name the
 * field by its caption; the bill package adds the bill number and the entry row.
 */
import type { BillField } from '../salesOutstock';
import { getCaseInsensitive, isPlainObject, type KingdeeStore } from '../store';
import { scalarText, toBoolean } from '../wire';

/** A field's value as stored, or the reason it cannot be (`missing` for an empty required value). */
export type FieldValue = { value: unknown } | { problem: string; missing?: boolean };

/** What resolving a reference needs: the store, the organisation it is used in, and whether to verify it. */
export interface ReferenceScope {
	store: KingdeeStore;
	/** Organisation number base data of this form must be used in (the bill's sales or stock organisation). */
	orgOf: (formId: string) => string | undefined;
	/** IsVerifyBaseDataField: an unresolved reference is an error even where the field is optional. */
	verify: boolean;
}

const DATE_TEXT =
	/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

function dateValue(field: BillField, raw: unknown): FieldValue {
	const text = scalarText(raw)?.trim() ?? '';
	const match = DATE_TEXT.exec(text);
	if (!match) return { problem: `字段“${field.zh}”的值“${text}”不是有效的日期` };
	const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
	const pad = (part: string) => part.padStart(2, '0');
	return { value: `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}` };
}

function decimalValue(field: BillField, raw: unknown): FieldValue {
	const text = typeof raw === 'number' ? String(raw) : (scalarText(raw)?.trim() ?? '');
	const value = Number(text);
	if (text === '' || !Number.isFinite(value)) return { problem: `字段“${field.zh}”的值“${text}”不是有效的数值` };
	return { value };
}

/** The referenced record's number and name, or undefined when nothing with that number is usable there. */
function lookUp(
	scope: ReferenceScope,
	formId: string,
	number: string,
): { FNumber: string; FName: unknown } | undefined {
	if (formId === 'ORG_Organizations') {
		const org = scope.store.orgByNumber(number);
		return org ? { FNumber: org.number, FName: org.name } : undefined;
	}
	const table = scope.store.queryTable(formId);
	const record =
		formId === 'BOS_BillType' ? table?.findByNumber(number) : table?.findByNumber(number, scope.orgOf(formId));
	return record && table ? { FNumber: table.numberOf(record), FName: record.FName ?? null } : undefined;
}

function referenceValue(field: BillField, raw: unknown, scope: ReferenceScope): FieldValue {
	if (!isPlainObject(raw)) {
		const kind = Array.isArray(raw) ? '数组' : '纯文本或数字';
		return { problem: `字段“${field.zh}”是基础资料字段，值必须是对象，例如 {"FNumber":"…"}，不能是${kind}` };
	}
	const number = scalarText(getCaseInsensitive(raw, 'FNumber'))?.trim() ?? '';
	if (number === '') return { problem: '', missing: true };
	const found = lookUp(scope, field.lookUp!, number);
	if (found) return { value: field.lookUp === 'ORG_Organizations' ? found.FNumber : found };
	// Unverified, an unresolvable reference is left empty (a required one then fails as missing).
	if (!scope.verify) return { problem: '', missing: true };
	return { problem: `字段“${field.zh}”的值“${number}”在基础资料中不存在，或未被当前组织使用` };
}

/** One field's value as stored; an empty value is `missing` (an error only where the field is required). */
export function billFieldValue(field: BillField, raw: unknown, scope: ReferenceScope): FieldValue {
	if (raw === undefined || raw === null || raw === '') return { problem: '', missing: true };
	switch (field.kind) {
		case 'baseData':
			return referenceValue(field, raw, scope);
		case 'date':
			return dateValue(field, raw);
		case 'decimal':
			return decimalValue(field, raw);
		case 'boolean':
			return { value: toBoolean(raw, false) };
		case 'text':
			return { value: scalarText(raw) ?? JSON.stringify(raw) };
		default:
			return { value: raw };
	}
}
