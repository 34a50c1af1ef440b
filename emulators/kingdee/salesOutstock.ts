/**
 * The sales outbound bill SAL_OUTSTOCK (销售出库单) as the emulator knows it (docs/kingdee-webapi.md#sal_outstock):
 * head fields, the entry FEntity (明细信息) with its fields, which are base data (and of which form), which are
 * required, and the read-only bill types. Save (`services/billPackage.ts`), queries and QueryBusinessInfo read it.
 */

export type BillFieldKind = 'id' | 'text' | 'baseData' | 'date' | 'decimal' | 'boolean' | 'status';

export interface BillField {
	key: string;
	zh: string;
	en: string;
	kind: BillFieldKind;
	/** Base data: the form the value refers to (`ORG_Organizations` for organisations). */
	lookUp?: string;
	/** Save refuses a new bill (or a new entry row) without it. */
	required?: boolean;
}

export const SAL_OUTSTOCK_HEAD: BillField[] = [
	{ key: 'FID', zh: '实体主键', en: 'ID', kind: 'id' },
	{ key: 'FBillNo', zh: '单据编号', en: 'Bill number', kind: 'text' },
	{ key: 'FBillTypeID', zh: '单据类型', en: 'Bill type', kind: 'baseData', lookUp: 'BOS_BillType', required: true },
	{ key: 'FDate', zh: '日期', en: 'Date', kind: 'date', required: true },
	{
		key: 'FSaleOrgId',
		zh: '销售组织',
		en: 'Sales organization',
		kind: 'baseData',
		lookUp: 'ORG_Organizations',
		required: true,
	},
	{
		key: 'FStockOrgId',
		zh: '发货组织',
		en: 'Shipping organization',
		kind: 'baseData',
		lookUp: 'ORG_Organizations',
		required: true,
	},
	{ key: 'FCustomerID', zh: '客户', en: 'Customer', kind: 'baseData', lookUp: 'BD_Customer', required: true },
	{ key: 'FNote', zh: '备注', en: 'Note', kind: 'text' },
	{ key: 'FDocumentStatus', zh: '单据状态', en: 'Document status', kind: 'status' },
	{ key: 'FCreateDate', zh: '创建日期', en: 'Created on', kind: 'date' },
	{ key: 'FModifyDate', zh: '修改日期', en: 'Modified on', kind: 'date' },
	{ key: 'FAuditDate', zh: '审核日期', en: 'Audited on', kind: 'date' },
];

export const SAL_OUTSTOCK_ENTRY: BillField[] = [
	{ key: 'FEntryID', zh: '分录内码', en: 'Entry ID', kind: 'id' },
	{ key: 'FMaterialID', zh: '物料编码', en: 'Material', kind: 'baseData', lookUp: 'BD_MATERIAL', required: true },
	{ key: 'FRealQty', zh: '实发数量', en: 'Actual quantity', kind: 'decimal', required: true },
	{ key: 'FTaxPrice', zh: '含税单价', en: 'Price incl. tax', kind: 'decimal' },
	{ key: 'FPrice', zh: '单价', en: 'Price', kind: 'decimal' },
	{ key: 'FStockID', zh: '仓库', en: 'Stock', kind: 'baseData', lookUp: 'BD_STOCK' },
	{ key: 'FIsFree', zh: '是否赠品', en: 'Free gift', kind: 'boolean' },
	{ key: 'FEntrynote', zh: '备注', en: 'Entry note', kind: 'text' },
];

/** The entry collection of the bill. */
export const SAL_OUTSTOCK_ENTITY = { key: 'FEntity', zh: '明细信息', en: 'Details', idField: 'FEntryID' };

/** Bill types (BOS_BillType, read-only): the standard sales outbound type the sample uses and one more. */
export const BILL_TYPES = [
	{ FBILLTYPEID: 100001, FNumber: 'XSCKD01_SYS', FName: '标准销售出库单' },
	{ FBILLTYPEID: 100002, FNumber: 'XSCKD02_SYS', FName: '寄售出库单' },
];

/** The bill's fields by key (lower case), head and entry. */
export const BILL_FIELDS = new Map(
	[...SAL_OUTSTOCK_HEAD, ...SAL_OUTSTOCK_ENTRY].map((field) => [field.key.toLowerCase(), field] as const),
);
