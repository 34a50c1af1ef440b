/**
 * In-memory data of the Kingdee emulator: organisations, bill types, the base-data forms it knows
 * (BD_Customer, BD_Supplier, BD_MATERIAL, BD_STOCK) and the bill SAL_OUTSTOCK, with their metadata field lists.
 *
 * Records are kept with F-key names as the WebAPI uses them in Save packages and queries:
 * the primary key (FCUSTID, …) as a number, FNumber, FName, FCreateOrgId / FUseOrgId as organisation
 * NUMBERS (strings), FDocumentStatus, FForbidStatus, the dates, `allocatedOrgs` (org numbers the record
 * was distributed to) and every other field exactly as it was saved.
 */

import { BILL_TYPES, SAL_OUTSTOCK_ENTITY, SAL_OUTSTOCK_ENTRY, SAL_OUTSTOCK_HEAD } from './salesOutstock';

/** An entry collection of a bill (docs/kingdee-webapi.md#entry-rows). */
export interface EntityDefinition {
	key: string;
	/** The entry rows' internal id field (FEntryID). */
	idField: string;
	/** Field keys of the rows. */
	fields: string[];
}

export interface FormDefinition {
	formId: string;
	/** Chinese caption used in messages, as the product phrases them. */
	caption: string;
	pkField: string;
	/** The number field: `FNumber` for base data, `FBillNo` for bills (docs/kingdee-webapi.md#upsert-by-number). */
	numberField: string;
	/** Prefix of numbers given to seeded records. */
	seedNumberPrefix: string;
	/** Metadata field keys (canonical spelling); queries accept these plus any field a Save stored. */
	fields: string[];
	/**
	 * Base data: a number is unique per use organisation (one record per organisation it is allocated to). Absent for
	 * bills, whose number is unique in the form (docs/kingdee-webapi.md#emulator-choices).
	 */
	numberPerUseOrg?: boolean;
	/** Fields holding organisations (stored as their numbers); default FCreateOrgId and FUseOrgId. */
	orgFields?: string[];
	/** Bills: the entry collection. */
	entity?: EntityDefinition;
}

/** Bills are saved by `services/billPackage.ts`, base data by `services/baseDataPackage.ts`. */
export function isBill(definition: FormDefinition): boolean {
	return definition.entity !== undefined;
}

const COMMON_FIELDS = [
	'FMasterId',
	'FNumber',
	'FName',
	'FShortName',
	'FCreateOrgId',
	'FUseOrgId',
	'FDocumentStatus',
	'FForbidStatus',
	'FCreateDate',
	'FModifyDate',
	'FAuditDate',
	'FDescription',
	'FGroup',
];

export const FORM_DEFINITIONS: FormDefinition[] = [
	{
		formId: 'BD_Customer',
		caption: '客户',
		numberPerUseOrg: true,
		pkField: 'FCUSTID',
		numberField: 'FNumber',
		seedNumberPrefix: 'CUST',
		fields: [
			'FCUSTID',
			...COMMON_FIELDS,
			'FCustTypeId',
			'FTRADINGCURRID',
			'FTaxRate',
			'FInvoiceType',
			'FIsTrade',
			'FCOUNTRY',
			'FPROVINCIAL',
			'FADDRESS',
			'FTEL',
			'FSELLER',
			'FSALDEPTID',
			'FSETTLETYPEID',
			'FRECCONDITIONID',
			'FINVOICETITLE',
			'FTAXREGISTERCODE',
		],
	},
	{
		formId: 'BD_Supplier',
		caption: '供应商',
		numberPerUseOrg: true,
		pkField: 'FSUPPLIERID',
		numberField: 'FNumber',
		seedNumberPrefix: 'SUP',
		fields: [
			'FSUPPLIERID',
			...COMMON_FIELDS,
			'FCountry',
			'FAddress',
			'FSupplierClassify',
			'FPayCurrencyId',
			'FTaxRateId',
		],
	},
	{
		formId: 'BD_MATERIAL',
		caption: '物料',
		numberPerUseOrg: true,
		pkField: 'FMATERIALID',
		numberField: 'FNumber',
		seedNumberPrefix: 'MAT',
		fields: [
			'FMATERIALID',
			...COMMON_FIELDS,
			'FSpecification',
			'FMaterialGroup',
			'FBaseUnitId',
			'FErpClsID',
			'FBARCODE',
			'FOldNumber',
		],
	},
	{
		formId: 'BD_STOCK',
		caption: '仓库',
		pkField: 'FSTOCKID',
		numberField: 'FNumber',
		numberPerUseOrg: true,
		seedNumberPrefix: 'CK',
		fields: ['FSTOCKID', ...COMMON_FIELDS, 'FStockProperty', 'FAddress'],
	},
	{
		formId: 'SAL_OUTSTOCK',
		caption: '销售出库单',
		pkField: 'FID',
		numberField: 'FBillNo',
		seedNumberPrefix: 'XSCKD',
		orgFields: ['FSaleOrgId', 'FStockOrgId'],
		fields: [...SAL_OUTSTOCK_HEAD, ...SAL_OUTSTOCK_ENTRY].map((field) => field.key).concat(SAL_OUTSTOCK_ENTITY.key),
		entity: {
			key: SAL_OUTSTOCK_ENTITY.key,
			idField: SAL_OUTSTOCK_ENTITY.idField,
			fields: SAL_OUTSTOCK_ENTRY.map((field) => field.key),
		},
	},
];

/** Bill types as a form: read-only, queried and referenced by bills (FBillTypeID). */
export const BILL_TYPE_FORM_DEFINITION: FormDefinition = {
	formId: 'BOS_BillType',
	caption: '单据类型',
	pkField: 'FBILLTYPEID',
	numberField: 'FNumber',
	seedNumberPrefix: 'BT',
	fields: ['FBILLTYPEID', 'FNumber', 'FName', 'FDocumentStatus', 'FForbidStatus'],
};

/**
 * Organisations as a form: read-only (ExecuteBillQuery and QueryBusinessInfo answer for it; the write services do
 * not know it). Its records are the store's organisations.
 */
export const ORG_FORM_DEFINITION: FormDefinition = {
	formId: 'ORG_Organizations',
	caption: '组织机构',
	pkField: 'FORGID',
	numberField: 'FNumber',
	seedNumberPrefix: 'ORG',
	fields: ['FORGID', 'FNumber', 'FName', 'FDocumentStatus', 'FForbidStatus', 'FDescription'],
};

/** Fields a Save package may not set: the emulator (like the product) maintains them itself. */
export const SYSTEM_FIELDS = new Set(
	['FMasterId', 'FDocumentStatus', 'FForbidStatus', 'FCreateDate', 'FModifyDate', 'FAuditDate', 'allocatedOrgs'].map(
		(f) => f.toLowerCase(),
	),
);

export interface OrgInfo {
	/** Internal organisation id (what FCreateOrgId holds in queries and what Allocate's TOrgIds list). */
	id: number;
	number: string;
	name: string;
}

export type StoredRecord = Record<string, unknown>;

/** Numbers are compared as Kingdee's SQL Server collation does: case-insensitively (docs/kingdee-webapi.md#emulator-choices). */
export function numberKey(number: unknown): string {
	return String(number).toLowerCase();
}

/** One form's records plus the extra field names clients saved (so queries may ask for them). */
export class FormTable {
	private readonly byId = new Map<number, StoredRecord>();
	/** Case-folded number → ids holding it (one per use organisation for base data). */
	private readonly idsByNumber = new Map<string, Set<number>>();
	private readonly numberById = new Map<number, string>();
	private readonly canonicalByLower = new Map<string, string>();
	private nextId = 100001;
	private nextEntryId = 100001;

	constructor(readonly definition: FormDefinition) {
		for (const field of definition.fields) this.canonicalByLower.set(field.toLowerCase(), field);
	}

	/** Canonical spelling of a known field key (case-insensitive), or undefined. */
	knownField(key: string): string | undefined {
		return this.canonicalByLower.get(key.toLowerCase());
	}

	/** Canonical spelling of a field a package sends; unknown fields are remembered as first spelled. */
	adoptField(key: string): string {
		const known = this.knownField(key);
		if (known) return known;
		this.canonicalByLower.set(key.toLowerCase(), key);
		return key;
	}

	allocateId(): number {
		return this.nextId++;
	}

	allocateEntryId(): number {
		return this.nextEntryId++;
	}

	/**
	 * The canonical key of an entry field (`FMaterialID`, `FEntity_FEntryID` → `FEntryID`), or undefined for a head
	 * field or a form without entries.
	 */
	entryField(key: string): string | undefined {
		const entity = this.definition.entity;
		if (!entity) return undefined;
		const prefix = `${entity.key.toLowerCase()}_`;
		const bare = key.toLowerCase().startsWith(prefix) ? key.slice(prefix.length) : key;
		return entity.fields.find((field) => field.toLowerCase() === bare.toLowerCase());
	}

	get(id: number): StoredRecord | undefined {
		return this.byId.get(id);
	}

	put(record: StoredRecord): void {
		const id = record[this.definition.pkField] as number;
		this.byId.set(id, record);
		this.indexNumber(id, record[this.definition.numberField]);
	}

	remove(id: number): void {
		this.byId.delete(id);
		this.indexNumber(id, undefined);
	}

	/**
	 * Every record holding the number (case-insensitively), lowest id first, through an index (100,000-record
	 * benchmarks would otherwise scan per package). Every change of a record's FNumber goes through put().
	 */
	findAllByNumber(number: string): StoredRecord[] {
		const ids = this.idsByNumber.get(numberKey(number));
		if (!ids) return [];
		return Array.from(ids)
			.sort((a, b) => a - b)
			.map((id) => this.byId.get(id)!);
	}

	/**
	 * The record with this number: for base data in the given use organisation (its number) when one is named, else
	 * the lowest id (docs/kingdee-webapi.md#emulator-choices). Bills have one record per number.
	 */
	findByNumber(number: string, useOrg?: string): StoredRecord | undefined {
		const all = this.findAllByNumber(number);
		if (useOrg === undefined || !this.definition.numberPerUseOrg) return all[0];
		return all.find((record) => String(record.FUseOrgId) === useOrg);
	}

	/** The record another package may not duplicate: same number in the same use org (base data) or in the form. */
	numberHolder(number: string, useOrg: string): StoredRecord | undefined {
		return this.definition.numberPerUseOrg ? this.findByNumber(number, useOrg) : this.findByNumber(number);
	}

	private indexNumber(id: number, number: unknown): void {
		const previous = this.numberById.get(id);
		if (previous !== undefined) {
			const ids = this.idsByNumber.get(previous);
			ids?.delete(id);
			if (ids && ids.size === 0) this.idsByNumber.delete(previous);
		}
		if (number === undefined || number === null) {
			this.numberById.delete(id);
			return;
		}
		const key = numberKey(number);
		this.numberById.set(id, key);
		const ids = this.idsByNumber.get(key) ?? new Set<number>();
		ids.add(id);
		this.idsByNumber.set(key, ids);
	}

	idOf(record: StoredRecord): number {
		return record[this.definition.pkField] as number;
	}

	/** The record's number (FNumber, or FBillNo for bills) as text. */
	numberOf(record: StoredRecord): string {
		return String(record[this.definition.numberField]);
	}

	/** Records in primary-key order (insertion order, since ids only grow). */
	all(): StoredRecord[] {
		return Array.from(this.byId.values());
	}

	clear(): void {
		this.byId.clear();
		this.idsByNumber.clear();
		this.numberById.clear();
		this.nextId = 100001;
		this.nextEntryId = 100001;
		this.canonicalByLower.clear();
		for (const field of this.definition.fields) this.canonicalByLower.set(field.toLowerCase(), field);
	}
}

export class KingdeeStore {
	readonly orgs: OrgInfo[];
	private readonly tables = new Map<string, FormTable>();
	private readonly orgTable = new FormTable(ORG_FORM_DEFINITION);
	readonly billTypes = new FormTable(BILL_TYPE_FORM_DEFINITION);

	constructor(orgNumbers: string[]) {
		// The first org gets id 1 (the product's "100" main org); the others 100002, 100003, … as in
		// the Allocate example of docs/kingdee-webapi.md#other-operations (TOrgIds "100002,100003").
		this.orgs = orgNumbers.map((number, index) => ({
			id: index === 0 ? 1 : 100001 + index,
			number,
			name: index === 0 ? `总部组织${number}` : `分支组织${number}`,
		}));
		for (const definition of FORM_DEFINITIONS)
			this.tables.set(definition.formId.toLowerCase(), new FormTable(definition));
		for (const type of BILL_TYPES) this.billTypes.put({ ...type, FDocumentStatus: 'C', FForbidStatus: 'A' });
		for (const org of this.orgs) {
			this.orgTable.put({
				FORGID: org.id,
				FNumber: org.number,
				FName: org.name,
				FDocumentStatus: 'C',
				FForbidStatus: 'A',
			});
		}
	}

	/** Form ids are matched case-insensitively. */
	table(formId: string): FormTable | undefined {
		return this.tables.get(formId.toLowerCase());
	}

	/** What queries may read: the forms, the organisations as ORG_Organizations, the bill types as BOS_BillType. */
	queryTable(formId: string): FormTable | undefined {
		const lower = formId.toLowerCase();
		if (lower === ORG_FORM_DEFINITION.formId.toLowerCase()) return this.orgTable;
		if (lower === BILL_TYPE_FORM_DEFINITION.formId.toLowerCase()) return this.billTypes;
		return this.table(formId);
	}

	orgByNumber(number: string): OrgInfo | undefined {
		return this.orgs.find((org) => org.number === number);
	}

	orgById(id: number): OrgInfo | undefined {
		return this.orgs.find((org) => org.id === id);
	}

	clear(): void {
		for (const table of this.tables.values()) table.clear();
	}
}

/** `2024-05-01T08:30:00` — the product's local date-time text (no zone, no milliseconds). */
export function formatKingdeeDateTime(epochMs: number): string {
	return new Date(epochMs).toISOString().slice(0, 19);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Looks a key up case-insensitively (the WebAPI binds data keys without regard to case). */
export function getCaseInsensitive(object: Record<string, unknown>, key: string): unknown {
	if (key in object) return object[key];
	const lower = key.toLowerCase();
	for (const k of Object.keys(object)) if (k.toLowerCase() === lower) return object[k];
	return undefined;
}
