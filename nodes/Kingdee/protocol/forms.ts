/** The business objects (forms) most integrations use, with their internal-id field, and the organisations. Pure. */
import { queryAllRows } from './query';
import type { KingdeeSession } from './session';

export interface KingdeeFormInfo {
	formId: string;
	name: string;
	/** Internal id field (primary key) used by upsert and as default sort key. */
	primaryKey: string;
	/** Number field: FNumber for base data, FBillNo for bills (单据); read by numberFieldFor. */
	numberField: string;
	/**
	 * A bill that Kingdee cannot save without entry rows: the entry's key and its fields
	 * (docs/kingdee-webapi.md#sal_outstock); Batch Save refuses such a bill without rows, or with an entry field at
	 * the head, before anything is sent.
	 */
	entry?: { key: string; fields: string[] };
}

export const COMMON_KINGDEE_FORMS: KingdeeFormInfo[] = [
	{ formId: 'BD_Customer', name: 'Customer (客户)', primaryKey: 'FCUSTID', numberField: 'FNumber' },
	{ formId: 'BD_Supplier', name: 'Supplier (供应商)', primaryKey: 'FSUPPLIERID', numberField: 'FNumber' },
	{ formId: 'BD_MATERIAL', name: 'Material (物料)', primaryKey: 'FMATERIALID', numberField: 'FNumber' },
	{ formId: 'BD_Empinfo', name: 'Employee (员工)', primaryKey: 'FID', numberField: 'FNumber' },
	{ formId: 'BD_Department', name: 'Department (部门)', primaryKey: 'FDEPTID', numberField: 'FNumber' },
	{ formId: 'BD_STOCK', name: 'Warehouse (仓库)', primaryKey: 'FSTOCKID', numberField: 'FNumber' },
	{ formId: 'ORG_Organizations', name: 'Organisation (组织机构)', primaryKey: 'FORGID', numberField: 'FNumber' },
	{ formId: 'SAL_SaleOrder', name: 'Sales Order (销售订单)', primaryKey: 'FID', numberField: 'FBillNo' },
	{
		formId: 'SAL_OUTSTOCK',
		name: 'Sales Delivery (销售出库单)',
		primaryKey: 'FID',
		numberField: 'FBillNo',
		entry: {
			key: 'FEntity',
			fields: ['FEntryID', 'FMaterialID', 'FRealQty', 'FTaxPrice', 'FPrice', 'FStockID', 'FIsFree', 'FEntrynote'],
		},
	},
	{ formId: 'PUR_PurchaseOrder', name: 'Purchase Order (采购订单)', primaryKey: 'FID', numberField: 'FBillNo' },
	{ formId: 'STK_InStock', name: 'Purchase Receipt (采购入库单)', primaryKey: 'FID', numberField: 'FBillNo' },
	{
		formId: 'STK_MISCELLANEOUS',
		name: 'Miscellaneous Receipt (其他入库单)',
		primaryKey: 'FID',
		numberField: 'FBillNo',
	},
	{ formId: 'AR_receivable', name: 'Receivable (应收单)', primaryKey: 'FID', numberField: 'FBillNo' },
	{ formId: 'AP_Payable', name: 'Payable (应付单)', primaryKey: 'FID', numberField: 'FBillNo' },
	{ formId: 'AR_RECEIVEBILL', name: 'Receipt (收款单)', primaryKey: 'FID', numberField: 'FBillNo' },
	{ formId: 'AP_PAYBILL', name: 'Payment (付款单)', primaryKey: 'FID', numberField: 'FBillNo' },
];

const BY_ID = new Map(COMMON_KINGDEE_FORMS.map((form) => [form.formId.toLowerCase(), form]));

export function knownForm(formId: string): KingdeeFormInfo | undefined {
	return BY_ID.get(formId.trim().toLowerCase());
}

/**
 * The internal-id field of a form: the explicit override, else the known one; bills (and most
 * other forms) use FID.
 */
export function primaryKeyFieldFor(formId: string, override?: string): string {
	const explicit = (override ?? '').trim();
	if (explicit) return explicit;
	return knownForm(formId)?.primaryKey ?? 'FID';
}

/** The entry a known bill needs rows in, with its fields; undefined for other forms. */
export function requiredEntryOf(formId: string): { key: string; fields: string[] } | undefined {
	return knownForm(formId)?.entry;
}

/** The number field of base data, and the Number Field parameter's default. */
export const BASE_DATA_NUMBER_FIELD = 'FNumber';

/**
 * The field holding a form's business number (docs/kingdee-webapi.md#upsert-by-number): the configured one, unless it
 * is the default FNumber, which bills do not have; else the known form's (FBillNo for bills); FNumber for base data
 * and unknown forms.
 */
export function numberFieldFor(formId: string, configured?: string): string {
	const explicit = (configured ?? '').trim();
	if (explicit && explicit !== BASE_DATA_NUMBER_FIELD) return explicit;
	return knownForm(formId)?.numberField ?? BASE_DATA_NUMBER_FIELD;
}

export const ORGANIZATION_FORM_ID = 'ORG_Organizations';

export interface KingdeeOrganization {
	/** Internal id (FOrgID): what Allocate's TOrgIds lists. */
	id: string;
	/** Number (FNumber): what base-data fields such as FCreateOrgId take as {"FNumber": …}. */
	number: string;
	name: string;
}

/** The organisations not forbidden, by number (ExecuteBillQuery on ORG_Organizations, all pages). */
export async function fetchOrganizations(session: KingdeeSession): Promise<KingdeeOrganization[]> {
	const rows = await queryAllRows(session, {
		formId: ORGANIZATION_FORM_ID,
		fieldKeys: ['FOrgID', 'FNumber', 'FName'],
		filterString: "FForbidStatus='A'",
		orderString: 'FNumber ASC',
		part: 'organisations',
	});
	return rows.map((row) => ({
		id: String(row.FOrgID ?? ''),
		number: String(row.FNumber ?? ''),
		name: String(row.FName ?? ''),
	}));
}
