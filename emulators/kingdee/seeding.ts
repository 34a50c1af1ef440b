/**
 * Test seeding of the Kingdee emulator: records stored directly, without the validation of Save
 * (docs/kingdee-webapi.md#emulator-choices). Numbers stay unique as Save keeps them: per use organisation for base
 * data, per form for bills, case-insensitively.
 */
import {
	formatKingdeeDateTime,
	getCaseInsensitive,
	isPlainObject,
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
		const record: StoredRecord = {
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
		const given = make ? make(i) : {};
		for (const [key, value] of Object.entries(given)) {
			if (key.toLowerCase() === def.pkField.toLowerCase()) continue;
			record[table.adoptField(key)] = value;
		}
		record.FNumber = String(record.FNumber);
		record.FCreateOrgId = orgNumber(store, 'FCreateOrgId', record.FCreateOrgId);
		const useOrgGiven = Object.keys(given).some((key) => key.toLowerCase() === 'fuseorgid');
		record.FUseOrgId = useOrgGiven ? orgNumber(store, 'FUseOrgId', record.FUseOrgId) : record.FCreateOrgId;
		const status = String(record.FDocumentStatus);
		if (!SEEDABLE_STATUSES.has(status)) {
			throw new Error(`seedRecords: FDocumentStatus "${status}" is not one of A, B, C, D`);
		}
		if (status !== 'C') record.FAuditDate = null;
		if (table.numberHolder(record.FNumber as string, record.FUseOrgId as string)) {
			throw new Error(
				`seedRecords: number "${String(record.FNumber)}" already exists in ${def.formId}` +
					(def.numberPerUseOrg ? ` for use organisation ${String(record.FUseOrgId)}` : ''),
			);
		}
		linkAllocatedCopy(store, formId, record);
		table.put(record);
		stored.push(record);
	}
	return stored;
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
