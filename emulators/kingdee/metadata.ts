/**
 * QueryBusinessInfo of the emulator (docs/kingdee-webapi.md#metadata): `[{"FormId": …}]` → `Result.ResponseStatus`
 * and the form's metadata in `Result.NeedReturnData`: `Id`, `Name`, `PkFieldName` and `Entrys[]` (`Key`, `Name`,
 * `Fields[]` with `Key`, `Name`, `FieldType`, `LookUpObjectFormId`, `MustInput`).
 *
 * Choices where the documentation is silent:
 * - Captions are `[{"Key":2052,"Value":"…"},{"Key":1033,"Value":"…"}]` (Chinese and English), as Name arrays elsewhere.
 * - `MustInput` (1 = required, else 0) is not in the documentation; public integration code reads it under this name.
 *   Required here: FNumber, FName and FCreateOrgId, exactly what the emulator's Save refuses to miss.
 * - FieldType codes are illustrative (real codes vary; the node passes them through): 231 text, 1 base data,
 *   58 date, 106 number, 6 check box, 9 combo box. Base-data fields point at the forms named below.
 * - The head entity is `FBillHead` with every field of the form's definition; BD_Customer also has a bank-account
 *   entry entity `FT_BD_CUSTBANK` (its fields cannot be saved or queried in the emulator).
 * - ORG_Organizations (read-only: queried, not saved) is described too, and BD_Currency (币别, a form base-data fields
 *   point at) is described only: it has no records and the other services do not know it. An unknown form answers
 *   MsgCode 4 with the unknown-form text of the other services; an empty FormId MsgCode 8.
 */
import { SAL_OUTSTOCK_ENTITY, SAL_OUTSTOCK_ENTRY, SAL_OUTSTOCK_HEAD, type BillField } from './salesOutstock';
import {
	BILL_TYPE_FORM_DEFINITION,
	FORM_DEFINITIONS,
	getCaseInsensitive,
	isBill,
	isPlainObject,
	ORG_FORM_DEFINITION,
	type FormDefinition,
} from './store';
import { unknownFormMessage, type FormHandler } from './services/context';
import { failureBody, responseStatus, scalarText } from './wire';

const TEXT = 231;
const BASE_DATA = 1;
const DATE = 58;
const NUMBER = 106;
const CHECK_BOX = 6;
const COMBO = 9;

interface FieldMeta {
	zh: string;
	en: string;
	type: number;
	lookUp?: string;
}

const ASSISTANT_DATA = 'BOS_ASSISTANTDATA_DETAIL';

/** Per field key (lower case); forms share most of them. */
const FIELD_META: Record<string, FieldMeta> = {
	fcustid: { zh: '客户内码', en: 'Customer ID', type: NUMBER },
	fcurrencyid: { zh: '币别内码', en: 'Currency ID', type: NUMBER },
	fsupplierid: { zh: '供应商内码', en: 'Supplier ID', type: NUMBER },
	fmaterialid: { zh: '物料内码', en: 'Material ID', type: NUMBER },
	forgid: { zh: '组织内码', en: 'Organization ID', type: NUMBER },
	fmasterid: { zh: '主数据内码', en: 'Master ID', type: NUMBER },
	fnumber: { zh: '编码', en: 'Number', type: TEXT },
	fname: { zh: '名称', en: 'Name', type: TEXT },
	fshortname: { zh: '简称', en: 'Short name', type: TEXT },
	fcreateorgid: { zh: '创建组织', en: 'Creation organization', type: BASE_DATA, lookUp: 'ORG_Organizations' },
	fuseorgid: { zh: '使用组织', en: 'Use organization', type: BASE_DATA, lookUp: 'ORG_Organizations' },
	fdocumentstatus: { zh: '数据状态', en: 'Document status', type: COMBO },
	fforbidstatus: { zh: '禁用状态', en: 'Forbid status', type: COMBO },
	fcreatedate: { zh: '创建日期', en: 'Created on', type: DATE },
	fmodifydate: { zh: '修改日期', en: 'Modified on', type: DATE },
	fauditdate: { zh: '审核日期', en: 'Audited on', type: DATE },
	fdescription: { zh: '描述', en: 'Description', type: TEXT },
	fgroup: { zh: '分组', en: 'Group', type: TEXT },
	fcusttypeid: { zh: '客户类别', en: 'Customer type', type: BASE_DATA, lookUp: ASSISTANT_DATA },
	ftradingcurrid: { zh: '结算币别', en: 'Settlement currency', type: BASE_DATA, lookUp: 'BD_Currency' },
	ftaxrate: { zh: '默认税率', en: 'Default tax rate', type: BASE_DATA, lookUp: 'BD_TaxRate' },
	finvoicetype: { zh: '发票类型', en: 'Invoice type', type: COMBO },
	fistrade: { zh: '是否交易客户', en: 'Trading customer', type: CHECK_BOX },
	fcountry: { zh: '国家', en: 'Country', type: BASE_DATA, lookUp: ASSISTANT_DATA },
	fprovincial: { zh: '地区', en: 'Region', type: BASE_DATA, lookUp: ASSISTANT_DATA },
	faddress: { zh: '通讯地址', en: 'Address', type: TEXT },
	ftel: { zh: '联系电话', en: 'Telephone', type: TEXT },
	fseller: { zh: '销售员', en: 'Salesperson', type: BASE_DATA, lookUp: 'BD_Saler' },
	fsaldeptid: { zh: '销售部门', en: 'Sales department', type: BASE_DATA, lookUp: 'BD_Department' },
	fsettletypeid: { zh: '结算方式', en: 'Settlement method', type: BASE_DATA, lookUp: 'BD_SETTLETYPE' },
	frecconditionid: { zh: '收款条件', en: 'Receipt condition', type: BASE_DATA, lookUp: 'BD_RecCondition' },
	finvoicetitle: { zh: '发票抬头', en: 'Invoice title', type: TEXT },
	ftaxregistercode: { zh: '纳税登记号', en: 'Tax registration number', type: TEXT },
	fsupplierclassify: { zh: '供应类别', en: 'Supply category', type: BASE_DATA, lookUp: ASSISTANT_DATA },
	fpaycurrencyid: { zh: '结算币别', en: 'Settlement currency', type: BASE_DATA, lookUp: 'BD_Currency' },
	ftaxrateid: { zh: '默认税率', en: 'Default tax rate', type: BASE_DATA, lookUp: 'BD_TaxRate' },
	fspecification: { zh: '规格型号', en: 'Specification', type: TEXT },
	fmaterialgroup: { zh: '物料分组', en: 'Material group', type: BASE_DATA, lookUp: 'BD_MaterialGroup' },
	fbaseunitid: { zh: '基本单位', en: 'Base unit', type: BASE_DATA, lookUp: 'BD_UNIT' },
	ferpclsid: { zh: '物料属性', en: 'Material attribute', type: COMBO },
	fbarcode: { zh: '条码', en: 'Barcode', type: TEXT },
	foldnumber: { zh: '旧物料编码', en: 'Old number', type: TEXT },
	fstockid: { zh: '仓库内码', en: 'Stock ID', type: NUMBER },
	fstockproperty: { zh: '仓库属性', en: 'Stock property', type: COMBO },
	fbilltypeid: { zh: '单据类型内码', en: 'Bill type ID', type: NUMBER },
};

/** What the emulator's Save refuses to miss; forms it does not save require only number and name. */
const REQUIRED_SAVED = new Set(['fnumber', 'fname', 'fcreateorgid']);
const REQUIRED_DESCRIBED = new Set(['fnumber', 'fname']);

/** The caption pair of docs/kingdee-webapi.md#other-operations (`Name:[{"Key":2052,"Value":"…"}]`). */
function captions(zh: string, en: string): Array<{ Key: number; Value: string }> {
	return [
		{ Key: 2052, Value: zh },
		{ Key: 1033, Value: en },
	];
}

function fieldEntry(key: string, requiredKeys: Set<string>): Record<string, unknown> {
	const meta = FIELD_META[key.toLowerCase()] ?? { zh: key, en: key, type: TEXT };
	return {
		Key: key,
		Name: captions(meta.zh, meta.en),
		FieldType: meta.type,
		LookUpObjectFormId: meta.lookUp ?? '',
		MustInput: requiredKeys.has(key.toLowerCase()) ? 1 : 0,
	};
}

/** Described, not stored: a form that exists for references only. */
const CURRENCY_FORM: FormDefinition = {
	formId: 'BD_Currency',
	caption: '币别',
	pkField: 'FCURRENCYID',
	numberField: 'FNumber',
	seedNumberPrefix: 'PRE',
	fields: ['FCURRENCYID', 'FNumber', 'FName', 'FDocumentStatus', 'FForbidStatus'],
};

const FORM_EN: Record<string, string> = {
	BD_Currency: 'Currency',
	BD_Customer: 'Customer',
	BD_Supplier: 'Supplier',
	BD_MATERIAL: 'Material',
	BD_STOCK: 'Stock',
	BOS_BillType: 'Bill type',
	SAL_OUTSTOCK: 'Sales outbound',
	ORG_Organizations: 'Organization',
};

const CUSTOMER_BANK_ENTRY = {
	Key: 'FT_BD_CUSTBANK',
	Name: captions('银行信息', 'Bank information'),
	Fields: [
		{
			Key: 'FBANKCODE',
			Name: captions('银行账号', 'Bank account'),
			FieldType: TEXT,
			LookUpObjectFormId: '',
			MustInput: 0,
		},
		{
			Key: 'FACCOUNTNAME',
			Name: captions('账户名称', 'Account name'),
			FieldType: TEXT,
			LookUpObjectFormId: '',
			MustInput: 0,
		},
		{
			Key: 'FCURRENCYID',
			Name: captions('币别', 'Currency'),
			FieldType: BASE_DATA,
			LookUpObjectFormId: 'BD_Currency',
			MustInput: 0,
		},
	],
};

/** FieldType codes of a bill's field kinds (decimals are numbers, 106, as ids are). */
const KIND_TYPES: Record<BillField['kind'], number> = {
	id: NUMBER,
	text: TEXT,
	baseData: BASE_DATA,
	date: DATE,
	decimal: NUMBER,
	boolean: CHECK_BOX,
	status: COMBO,
};

function billFieldEntry(field: BillField): Record<string, unknown> {
	return {
		Key: field.key,
		Name: captions(field.zh, field.en),
		FieldType: KIND_TYPES[field.kind],
		LookUpObjectFormId: field.lookUp ?? '',
		MustInput: field.required ? 1 : 0,
	};
}

/** A bill: the head `FBillHead` and the entry `FEntity` with its own fields (docs/kingdee-webapi.md#sal_outstock). */
function describeBill(definition: FormDefinition): Record<string, unknown> {
	return {
		Id: definition.formId,
		Name: captions(definition.caption, FORM_EN[definition.formId] ?? definition.formId),
		PkFieldName: definition.pkField,
		Entrys: [
			{ Key: 'FBillHead', Name: captions('单据头', 'Header'), Fields: SAL_OUTSTOCK_HEAD.map(billFieldEntry) },
			{
				Key: SAL_OUTSTOCK_ENTITY.key,
				Name: captions(SAL_OUTSTOCK_ENTITY.zh, SAL_OUTSTOCK_ENTITY.en),
				Fields: SAL_OUTSTOCK_ENTRY.map(billFieldEntry),
			},
		],
	};
}

function describe(definition: FormDefinition): Record<string, unknown> {
	if (isBill(definition)) return describeBill(definition);
	const required = FORM_DEFINITIONS.includes(definition) ? REQUIRED_SAVED : REQUIRED_DESCRIBED;
	const entrys: Array<Record<string, unknown>> = [
		{
			Key: 'FBillHead',
			Name: captions('单据头', 'Header'),
			Fields: definition.fields.map((key) => fieldEntry(key, required)),
		},
	];
	if (definition.formId === 'BD_Customer') entrys.push(CUSTOMER_BANK_ENTRY);
	return {
		Id: definition.formId,
		Name: captions(definition.caption, FORM_EN[definition.formId] ?? definition.formId),
		PkFieldName: definition.pkField,
		Entrys: entrys,
	};
}

/** The whole reply of QueryBusinessInfo for `data` (`{"FormId": …}`). */
export function queryBusinessInfo(data: unknown): Record<string, unknown> {
	const formId = isPlainObject(data) ? (scalarText(getCaseInsensitive(data, 'FormId'))?.trim() ?? '') : '';
	if (!formId) return failureBody(8, 'data 数据包中的参数 FormId 的值不能为空');
	const definition = [...FORM_DEFINITIONS, ORG_FORM_DEFINITION, BILL_TYPE_FORM_DEFINITION, CURRENCY_FORM].find(
		(form) => form.formId.toLowerCase() === formId.toLowerCase(),
	);
	if (!definition) return failureBody(4, unknownFormMessage(formId));
	return { Result: { ResponseStatus: responseStatus([], [], 0), NeedReturnData: describe(definition) } };
}

export const queryBusinessInfoService: FormHandler = (_ctx, args) => queryBusinessInfo(args.data);
