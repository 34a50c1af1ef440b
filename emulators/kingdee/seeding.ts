/**
 * Test seeding of the Kingdee emulator: records stored directly, without the validation of Save
 * (docs/kingdee-webapi.md#emulator-choices). Numbers stay unique as Save keeps them: per use organisation for base
 * data, per form for bills, case-insensitively.
 */
import {
	formatKingdeeDateTime,
	getCaseInsensitive,
	isBill,
	isPlainObject,
	type FormTable,
	type KingdeeStore,
	type StoredRecord,
} from './store';
import { scalarText } from './wire';

/** Statuses a seeded record may have: created, submitted, audited, re-audit pending (docs/kingdee-webapi.md#status-flow). */
const SEEDABLE_STATUSES = new Set(['A', 'B', 'C', 'D']);

/** An organisation field given as `"101"`, `101` or `{"FNumber":"101"}`, as the organisation's number. */
function orgNumber(store: KingdeeStore, field: string, value: unknown): string {
	const text = isPlainObject(value) ? scalarText(getCaseInsensitive(value, 'FNumber')) : scalarText(value);
	const org = text === undefined ? undefined : store.orgByNumber(text.trim());
	if (!org) throw new Error(`seedRecords: ${field} "${String(text)}" is not an organisation of the emulator`);
	return org.number;
}

/**
 * Stores `count` records, audited unless `make` sets `FDocumentStatus` (A, B, C or D); numbers default to
 * <prefix><id>, organisations to the first one. A record whose use organisation differs from its creation
 * organisation is an allocated copy: when the creation organisation holds the number, the copy shares its master id
 * and that record lists the organisation in `allocatedOrgs`, as Allocate leaves them.
 */
export function seedRecords(
	store: KingdeeStore,
	now: number,
	formId: string,
	count: number,
	make?: (i: number) => Record<string, unknown>,
): StoredRecord[] {
	const table = store.table(formId);
	if (!table) throw new Error(`The Kingdee emulator has no form "${formId}"`);
	const def = table.definition;
	const nowText = formatKingdeeDateTime(now);
	const stored: StoredRecord[] = [];
	for (let i = 0; i < count; i++) {
		const id = table.allocateId();
		const record = isBill(def) ? defaultBill(store, table, id, nowText) : defaultBaseData(store, table, id, nowText);
		const given = make ? make(i) : {};
		for (const [key, value] of Object.entries(given)) {
			if (key.toLowerCase() === def.pkField.toLowerCase()) continue;
			record[table.adoptField(key)] = value;
		}
		const useOrg = isBill(def) ? '' : normaliseOrgs(store, record, given);
		const status = String(record.FDocumentStatus);
		if (!SEEDABLE_STATUSES.has(status)) {
			throw new Error(`seedRecords: FDocumentStatus "${status}" is not one of A, B, C, D`);
		}
		if (status !== 'C') record.FAuditDate = null;
		const number = String(record[def.numberField]);
		record[def.numberField] = number;
		if (table.numberHolder(number, useOrg)) {
			const where = def.numberPerUseOrg ? ` for use organisation ${useOrg}` : '';
			throw new Error(`seedRecords: number "${number}" already exists in ${def.formId}${where}`);
		}
		if (isBill(def)) numberEntryRows(table, record);
		else linkAllocatedCopy(store, formId, record);
		table.put(record);
		stored.push(record);
	}
	return stored;
}

function defaultBaseData(store: KingdeeStore, table: FormTable, id: number, nowText: string): StoredRecord {
	const def = table.definition;
	return {
		[def.pkField]: id,
		FNumber: `${def.seedNumberPrefix}${id}`,
		FName: `${def.caption}${id}`,
		FCreateOrgId: store.orgs[0].number,
		FUseOrgId: store.orgs[0].number,
		FDocumentStatus: 'C',
		FForbidStatus: 'A',
		FCreateDate: nowText,
		FModifyDate: nowText,
		FAuditDate: nowText,
		allocatedOrgs: [],
	};
}

/** A bill of the first organisation and the standard bill type, audited, without entry rows unless given. */
function defaultBill(store: KingdeeStore, table: FormTable, id: number, nowText: string): StoredRecord {
	const def = table.definition;
	const billType = store.billTypes.all()[0];
	return {
		[def.pkField]: id,
		[def.numberField]: `${def.seedNumberPrefix}${String(id).padStart(6, '0')}`,
		FBillTypeID: { FNumber: billType.FNumber, FName: billType.FName },
		FDate: nowText,
		FSaleOrgId: store.orgs[0].number,
		FStockOrgId: store.orgs[0].number,
		FCustomerID: null,
		FNote: null,
		[def.entity!.key]: [],
		FDocumentStatus: 'C',
		FCreateDate: nowText,
		FModifyDate: nowText,
		FAuditDate: nowText,
	};
}

/** Seeded entry rows get their FEntryID. */
function numberEntryRows(table: FormTable, record: StoredRecord): void {
	const rows = record[table.definition.entity!.key];
	if (!Array.isArray(rows)) return;
	record[table.definition.entity!.key] = rows.map((row: StoredRecord) => ({
		...row,
		FEntryID: table.allocateEntryId(),
	}));
}

/** Organisation fields as numbers; the use organisation defaults to the creation organisation. Returns it. */
function normaliseOrgs(store: KingdeeStore, record: StoredRecord, given: Record<string, unknown>): string {
	record.FCreateOrgId = orgNumber(store, 'FCreateOrgId', record.FCreateOrgId);
	const useOrgGiven = Object.keys(given).some((key) => key.toLowerCase() === 'fuseorgid');
	record.FUseOrgId = useOrgGiven ? orgNumber(store, 'FUseOrgId', record.FUseOrgId) : record.FCreateOrgId;
	return record.FUseOrgId as string;
}

/** A copy in another use organisation shares the master id of the creation organisation's record. */
function linkAllocatedCopy(store: KingdeeStore, formId: string, record: StoredRecord): void {
	if (record.FUseOrgId === record.FCreateOrgId) return;
	const table = store.table(formId)!;
	const original = table.findByNumber(String(record.FNumber), String(record.FCreateOrgId));
	if (!original) return;
	if (record.FMasterId === undefined) record.FMasterId = original.FMasterId ?? table.idOf(original);
	const allocated = original.allocatedOrgs as string[];
	if (!allocated.includes(String(record.FUseOrgId))) allocated.push(String(record.FUseOrgId));
}

/**
 * Stores records another worker saved meanwhile (`insertBeforeNextSave`): each as seedRecords stores it, except one
 * whose number its use organisation (or, for bills, the form) already holds.
 */
export function insertUnlessHeld(
	store: KingdeeStore,
	now: number,
	formId: string,
	records: Array<Record<string, unknown>>,
): void {
	const table = store.table(formId);
	if (!table) return;
	for (const fields of records) {
		const number = scalarText(getCaseInsensitive(fields, table.definition.numberField));
		const org = getCaseInsensitive(fields, 'FUseOrgId') ?? getCaseInsensitive(fields, 'FCreateOrgId');
		const orgText = isPlainObject(org) ? scalarText(getCaseInsensitive(org, 'FNumber')) : scalarText(org);
		if (number !== undefined && table.numberHolder(number, orgText ?? store.orgs[0].number)) continue;
		seedRecords(store, now, formId, 1, () => fields);
	}
}

/** Default numbers of the seeded catalogue: materials `M-0001`, … and stocks `CK001`, … (docs/kingdee-webapi.md#sal_outstock). */
export function catalogNumber(formId: 'BD_MATERIAL' | 'BD_STOCK', index: number): string {
	return formId === 'BD_MATERIAL'
		? `M-${String(index + 1).padStart(4, '0')}`
		: `CK${String(index + 1).padStart(3, '0')}`;
}

/** Materials and stocks stored audited at start: a count (default numbers) or the numbers themselves. */
export function seedCatalog(store: KingdeeStore, now: number, catalog: SalesCatalog | undefined): void {
	const names = { BD_MATERIAL: '物料', BD_STOCK: '仓库' } as const;
	for (const [formId, spec] of [
		['BD_MATERIAL', catalog?.materials],
		['BD_STOCK', catalog?.stocks],
	] as const) {
		const numbers = typeof spec === 'number' ? Array.from({ length: spec }, (_, i) => catalogNumber(formId, i)) : spec;
		if (!numbers) continue;
		seedRecords(store, now, formId, numbers.length, (i) => ({
			FNumber: numbers[i],
			FName: `${names[formId]}${numbers[i]}`,
		}));
	}
}

/** Base data the sales outbound bills refer to: how many materials and stocks to seed, or their numbers. */
export interface SalesCatalog {
	materials?: number | string[];
	stocks?: number | string[];
}
