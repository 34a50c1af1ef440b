/**
 * Allocate / CancelAllocate (docs/kingdee-webapi.md#other-operations): audited records only, organisations by internal
 * id (numbers tolerated). Base data is unique per use organisation, so allocation stores a record per target
 * organisation (docs/kingdee-webapi.md#emulator-choices).
 */
import { formatKingdeeDateTime, getCaseInsensitive, type FormTable, type OrgInfo, type StoredRecord } from '../store';
import { failureBody, responseStatus, scalarText, type EntityResult, type ErrorResult } from '../wire';
import { dataObject, formTable, type FormHandler, type OperationContext, type Outcome } from './context';
import { describe } from './state';

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
	// Only base data is allocated to organisations; a bill belongs to its own.
	if (!table.definition.numberPerUseOrg) return failureBody(4, `${table.definition.caption}不是基础资料，不支持分配`);
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
			errors.push({ FieldName: null, Message: `${describe(table, record)}未审核，不能分配`, DIndex: index });
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
		successes.push({ Id: table.idOf(record), Number: table.numberOf(record), DIndex: index });
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

export const allocateService: FormHandler = (ctx, args) => allocate(ctx, args.formid, args.data, false);
export const cancelAllocateService: FormHandler = (ctx, args) => allocate(ctx, args.formid, args.data, true);
