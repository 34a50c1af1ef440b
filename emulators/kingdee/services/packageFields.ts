/**
 * Steps every Save package takes whatever the form (docs/kingdee-webapi.md#upsert-by-number): its fields under their
 * canonical keys, the record an internal id names (create when 0 or absent), which fields an update applies
 * (`NeedUpDateFields`), and the commit of the plain fields.
 */
import { formatKingdeeDateTime, isPlainObject, SYSTEM_FIELDS, type FormTable, type StoredRecord } from '../store';
import type { OperationContext, PackageError } from './context';
import type { SaveOptions } from './save';

/** The package's fields keyed by canonical field key (unknown keys remembered as first spelled). */
function packageFields(table: FormTable, pkg: Record<string, unknown>): Map<string, unknown> {
	const fields = new Map<string, unknown>();
	for (const [key, value] of Object.entries(pkg)) fields.set(table.adoptField(key), value);
	return fields;
}

/**
 * The record the package's internal id names: undefined to create (id 0 or absent); an error for an invalid or
 * unknown id, or an audited record (saving over it needs UnAudit first, MsgCode 12).
 */
function existingTarget(
	table: FormTable,
	fields: Map<string, unknown>,
): { existing?: StoredRecord; errors?: PackageError[] } {
	const def = table.definition;
	const pkValue = fields.get(def.pkField);
	if (pkValue === undefined || pkValue === null || pkValue === '' || Number(pkValue) === 0) return {};
	const id = Number(pkValue);
	if (!Number.isInteger(id) || id < 0) {
		return { errors: [{ fieldName: def.pkField, message: `字段“${def.pkField}”的值不是有效的内码`, msgCode: 11 }] };
	}
	const existing = table.get(id);
	if (!existing) {
		return {
			errors: [{ fieldName: def.pkField, message: `内码为“${id}”的${def.caption}不存在，或者已被删除`, msgCode: 10 }],
		};
	}
	if (existing.FDocumentStatus === 'C') {
		const number = String(existing[def.numberField] ?? '');
		const message = `编码为“${number}”的${def.caption}已审核，不允许修改；请先反审核后再保存`;
		return { errors: [{ fieldName: null, message, msgCode: 12 }] };
	}
	return { existing };
}

/** Whether the package sets `field`: on update with NeedUpDateFields only the listed fields change. */
function fieldApplies(
	table: FormTable,
	fields: Map<string, unknown>,
	existing: StoredRecord | undefined,
	options: SaveOptions,
): (field: string) => boolean {
	const listed = new Set(options.needUpdateFields.map((f) => f.toLowerCase()));
	return (field) =>
		fields.has(field) &&
		field !== table.definition.pkField &&
		(!existing || listed.size === 0 || listed.has(field.toLowerCase()));
}

/** A new record of the form, status A (created). */
export function newRecord(ctx: OperationContext, table: FormTable): StoredRecord {
	return {
		[table.definition.pkField]: table.allocateId(),
		FDocumentStatus: 'A',
		FForbidStatus: 'A',
		FCreateDate: formatKingdeeDateTime(ctx.now()),
		allocatedOrgs: [],
	};
}

/** Copies the plain fields the package sets (not `handled`, not system fields) and stores the record. */
export function commitRecord(
	ctx: OperationContext,
	table: FormTable,
	record: StoredRecord,
	fields: Map<string, unknown>,
	applies: (field: string) => boolean,
	handled: string[],
	options: SaveOptions,
): StoredRecord {
	const skip = new Set([...handled, table.definition.pkField]);
	for (const [field, value] of fields) {
		if (skip.has(field) || SYSTEM_FIELDS.has(field.toLowerCase()) || !applies(field)) continue;
		record[field] = value === undefined ? null : JSON.parse(JSON.stringify(value));
	}
	const nowText = formatKingdeeDateTime(ctx.now());
	record.FModifyDate = nowText;
	if (options.autoAudit) {
		record.FDocumentStatus = 'C';
		record.FAuditDate = nowText;
	}
	table.put(record);
	return record;
}

/**
 * The start of every save (base data and bills alike): the package must be an object; its fields by form key, the
 * record it modifies (by internal id) and which of its fields a save applies.
 */
export function openPackage(
	table: FormTable,
	pkg: unknown,
	options: SaveOptions,
):
	| { errors: PackageError[] }
	| {
			errors?: undefined;
			fields: Map<string, unknown>;
			existing?: StoredRecord;
			applies: (field: string) => boolean;
	  } {
	if (!isPlainObject(pkg)) {
		return { errors: [{ fieldName: null, message: 'Model 中的数据包必须是 JSON 对象', msgCode: 8 }] };
	}
	const fields = packageFields(table, pkg);
	const target = existingTarget(table, fields);
	if (target.errors) return { errors: target.errors };
	return { fields, existing: target.existing, applies: fieldApplies(table, fields, target.existing, options) };
}
