/**
 * One base-data package of Save/BatchSave (BD_Customer, BD_Supplier, BD_MATERIAL): required FNumber, FName and
 * FCreateOrgId (an existing organisation, as an object); the number unique per use organisation, case-insensitively;
 * saving over an audited record fails with MsgCode 12 until UnAudit (docs/kingdee-webapi.md#emulator-choices).
 *
 * A package is validated and, when valid, committed synchronously (so concurrent sessions cannot interleave between
 * the duplicate check and the write). Because packages commit one after the other, a repeated number later in the same
 * batch meets the earlier package's record and fails.
 */
import type { FormTable, StoredRecord } from '../store';
import { scalarText } from '../wire';
import {
	duplicateNumberMessage,
	nameText,
	requiredMessage,
	resolveOrgReference,
	type OperationContext,
	type PackageError,
} from './context';
import { commitRecord, newRecord, openPackage } from './packageFields';
import type { SavePackage } from './save';

interface HeadValues {
	number: string;
	name: string;
	createOrg: string;
	useOrg: string;
}

/** Number, name and organisations as they will be stored, with the errors of missing or unresolvable ones. */
function headValues(
	ctx: OperationContext,
	fields: Map<string, unknown>,
	existing: StoredRecord | undefined,
	applies: (field: string) => boolean,
): { head: HeadValues; errors: PackageError[] } {
	const errors: PackageError[] = [];
	const required = (field: string, read: (value: unknown) => string | undefined, current: unknown): string => {
		if (existing && !applies(field)) return String(current);
		const text = read(fields.get(field))?.trim() ?? '';
		if (!text) errors.push({ fieldName: field, message: requiredMessage(field), msgCode: 11 });
		return text;
	};
	const number = required('FNumber', scalarText, existing?.FNumber);
	const name = required('FName', nameText, existing?.FName);
	let createOrg = existing ? String(existing.FCreateOrgId) : '';
	if (!existing || applies('FCreateOrgId')) {
		const resolved = resolveOrgReference(ctx.store, 'FCreateOrgId', fields.get('FCreateOrgId'));
		if (resolved.error) errors.push(resolved.error);
		else createOrg = resolved.org!.number;
	}
	let useOrg = existing ? String(existing.FUseOrgId) : createOrg;
	const useOrgValue = fields.get('FUseOrgId');
	if (applies('FUseOrgId') && useOrgValue !== undefined && useOrgValue !== null) {
		const resolved = resolveOrgReference(ctx.store, 'FUseOrgId', useOrgValue);
		if (resolved.error) errors.push(resolved.error);
		else useOrg = resolved.org!.number;
	} else if (!existing) useOrg = createOrg;
	return { head: { number, name, createOrg, useOrg }, errors };
}

/** The injected validation failure (`failNumbers`) and the duplicate number in the same use organisation. */
function numberErrors(
	ctx: OperationContext,
	table: FormTable,
	head: HeadValues,
	existing: StoredRecord | undefined,
): PackageError[] {
	const { number } = head;
	if (!number) return [];
	const errors: PackageError[] = [];
	if (ctx.failNumbers.includes(number)) {
		errors.push({
			fieldName: 'FName',
			message: `编码为“${number}”的${table.definition.caption}未通过校验：名称不符合校验规则（模拟器注入的校验失败）`,
			msgCode: 11,
		});
	}
	const holder = table.numberHolder(number, head.useOrg);
	if (holder && holder !== existing) {
		errors.push({ fieldName: 'FNumber', message: duplicateNumberMessage(number), msgCode: 11 });
	}
	return errors;
}

export const saveBaseDataPackage: SavePackage = (ctx, table, pkg, options) => {
	const opened = openPackage(table, pkg, options);
	if (opened.errors) return { errors: opened.errors };
	const { fields, existing, applies } = opened;
	const { head, errors } = headValues(ctx, fields, existing, applies);
	errors.push(...numberErrors(ctx, table, head, existing));
	if (errors.length > 0) return { errors };
	const record = existing ?? newRecord(ctx, table);
	record.FNumber = head.number;
	record.FName = head.name;
	record.FCreateOrgId = head.createOrg;
	record.FUseOrgId = head.useOrg;
	const handled = ['FNumber', 'FName', 'FCreateOrgId', 'FUseOrgId'];
	return { record: commitRecord(ctx, table, record, fields, applies, handled, options) };
};
