/** View by Id or Number: the record with ORM property names (docs/kingdee-webapi.md#other-operations). */
import { getCaseInsensitive, isPlainObject, SYSTEM_FIELDS, type KingdeeStore, type StoredRecord } from '../store';
import { failureBody, responseStatus, scalarText } from '../wire';
import { dataObject, formTable, namedUseOrg, type FormHandler, type OperationContext, type Outcome } from './context';

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
		Number: table.numberOf(record),
		DocumentStatus: record.FDocumentStatus,
		ForbidStatus: record.FForbidStatus,
		Name: record.FName === undefined ? null : multiLanguage(String(record.FName)),
		CreateOrgId: orgObject(ctx.store, record.FCreateOrgId),
		UseOrgId: orgObject(ctx.store, record.FUseOrgId),
		CreatorId: { Id: 100010, Name: 'webapi', UserAccount: 'webapi' },
		CreateDate: record.FCreateDate,
		ModifyDate: record.FModifyDate,
		AuditDate: record.FAuditDate ?? null,
		AllocatedOrgs: ((record.allocatedOrgs as string[] | undefined) ?? []).map((n) => orgObject(ctx.store, n)),
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

export const viewService: FormHandler = (ctx, args) => view(ctx, args.formid, args.data);
