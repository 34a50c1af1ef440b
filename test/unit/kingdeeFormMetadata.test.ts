/**
 * Form metadata (QueryBusinessInfo) parsing, the base-data fields and number field of a form, the mapper's field
 * list and the Model it builds, and the per-run metadata cache: pure, no HTTP.
 */
import {
	baseDataFieldKeys,
	entryOnlyFields,
	FormMetadataCache,
	localizedText,
	mapperFields,
	numberFieldOf,
	parseFormMetadata,
	type KingdeeFormMetadata,
} from '../../nodes/Kingdee/protocol/formMetadata';
import { mapperModel } from '../../nodes/Kingdee/protocol/model';
import { isKingdeeApiError } from '../../nodes/Kingdee/protocol/errors';

const zhEn = (zh: string, en: string) => [
	{ Key: 2052, Value: zh },
	{ Key: 1033, Value: en },
];

/** A BD_Customer reply as a server sends NeedReturnData (trimmed): a head and one entry entity. */
const CUSTOMER = {
	Id: 'BD_Customer',
	Name: zhEn('客户', 'Customer'),
	PkFieldName: 'FCUSTID',
	Entrys: [
		{
			Key: 'FBillHead',
			Name: zhEn('单据头', 'Header'),
			Fields: [
				{ Key: 'FCUSTID', Name: zhEn('客户内码', 'Customer ID'), FieldType: 106, LookUpObjectFormId: '', MustInput: 0 },
				{ Key: 'FNumber', Name: zhEn('编码', 'Number'), FieldType: 231, LookUpObjectFormId: '', MustInput: 1 },
				{ Key: 'FName', Name: zhEn('名称', 'Name'), FieldType: 231, MustInput: 'true' },
				{
					Key: 'FCreateOrgId',
					Name: zhEn('创建组织', 'Creation organization'),
					FieldType: 1,
					LookUpObjectFormId: 'ORG_Organizations',
					MustInput: true,
				},
				{
					Key: 'FTRADINGCURRID',
					Name: [{ Key: 1033, Value: 'Currency only in English' }],
					FieldType: 1,
					LookUpObjectFormId: 'BD_Currency',
				},
				{ Key: 'FShortName', Name: '简称', FieldType: 231, LookUpObjectFormId: null, MustInput: '0' },
				{ Name: zhEn('无标识', 'No key') },
			],
		},
		{
			Key: 'FT_BD_CUSTBANK',
			Name: zhEn('银行信息', 'Bank information'),
			Fields: [
				{
					Key: 'FCURRENCYID',
					Name: zhEn('币别', 'Currency'),
					FieldType: 1,
					LookUpObjectFormId: 'BD_Currency',
					MustInput: 0,
				},
			],
		},
	],
};

describe('parseFormMetadata', () => {
	const metadata = parseFormMetadata('bd_customer', CUSTOMER);

	it('reads the form, its internal-id field and its entities with Chinese captions', () => {
		expect(metadata.formId).toBe('BD_Customer');
		expect(metadata.caption).toBe('客户');
		expect(metadata.pkFieldName).toBe('FCUSTID');
		expect(metadata.entities).toEqual([
			{ key: 'FBillHead', caption: '单据头', isHead: true },
			{ key: 'FT_BD_CUSTBANK', caption: '银行信息', isHead: false },
		]);
	});

	it('gives each field key, caption, type, entity, base data with its form, and required', () => {
		expect(metadata.fields.map((field) => field.key)).toEqual([
			'FCUSTID',
			'FNumber',
			'FName',
			'FCreateOrgId',
			'FTRADINGCURRID',
			'FShortName',
			'FCURRENCYID',
		]);
		expect(metadata.fields[3]).toEqual({
			key: 'FCreateOrgId',
			caption: '创建组织',
			type: 1,
			entity: 'FBillHead',
			isBaseData: true,
			lookUpFormId: 'ORG_Organizations',
			required: true,
		});
		expect(metadata.fields[6]).toEqual({
			key: 'FCURRENCYID',
			caption: '币别',
			type: 1,
			entity: 'FT_BD_CUSTBANK',
			isBaseData: true,
			lookUpFormId: 'BD_Currency',
			required: false,
		});
	});

	it('reads MustInput as 1, true or "true"; anything else or absent is not required', () => {
		const required = Object.fromEntries(metadata.fields.map((field) => [field.key, field.required]));
		expect(required).toMatchObject({
			FNumber: true,
			FName: true,
			FCreateOrgId: true,
			FShortName: false,
			FTRADINGCURRID: false,
		});
	});

	it('takes the caption of the asked language, else the first one, else plain text', () => {
		expect(metadata.fields.find((field) => field.key === 'FTRADINGCURRID')?.caption).toBe('Currency only in English');
		expect(metadata.fields.find((field) => field.key === 'FShortName')?.caption).toBe('简称');
		expect(parseFormMetadata('BD_Customer', CUSTOMER, 1033).fields[2].caption).toBe('Name');
		expect(localizedText(undefined)).toBe('');
	});

	it('accepts NeedReturnData as a one-element list and keys in other casing', () => {
		const lower = {
			id: 'X_Form',
			pkfieldname: 'FID',
			entrys: [{ key: 'FBillHead', fields: [{ key: 'FBillNo', fieldtype: 231 }] }],
		};
		const parsed = parseFormMetadata('X_Form', [lower]);
		expect(parsed.pkFieldName).toBe('FID');
		expect(parsed.fields).toEqual([
			{
				key: 'FBillNo',
				caption: '',
				type: 231,
				entity: 'FBillHead',
				isBaseData: false,
				lookUpFormId: null,
				required: false,
			},
		]);
	});

	it('refuses a reply without a field list, naming the form', () => {
		let thrown: unknown;
		try {
			parseFormMetadata('BD_Customer', { Id: 'BD_Customer' });
		} catch (error) {
			thrown = error;
		}
		expect(isKingdeeApiError(thrown)).toBe(true);
		expect((thrown as Error).message).toBe(
			'Kingdee QueryBusinessInfo BD_Customer answered without a field list (NeedReturnData.Entrys)',
		);
	});
});

describe('base-data fields, number field and the mapper fields of a form', () => {
	const metadata = parseFormMetadata('BD_Customer', CUSTOMER);

	it('lists the fields that point at another form: head fields by key, entry fields prefixed by their entry', () => {
		expect(baseDataFieldKeys(metadata)).toEqual(['FCreateOrgId', 'FTRADINGCURRID', 'FT_BD_CUSTBANK.FCURRENCYID']);
	});

	it('names the fields that exist only in an entry, with their entry', () => {
		expect([...entryOnlyFields(metadata)]).toEqual([['fcurrencyid', 'FT_BD_CUSTBANK']]);
	});

	it('finds FNumber for base data and FBillNo for bills, nothing when neither exists', () => {
		expect(numberFieldOf(metadata)).toBe('FNumber');
		const bill: KingdeeFormMetadata = {
			...metadata,
			fields: [
				{
					key: 'FBILLNO',
					caption: '单据编号',
					type: 231,
					entity: 'FBillHead',
					isBaseData: false,
					lookUpFormId: null,
					required: false,
				},
			],
		};
		expect(numberFieldOf(bill)).toBe('FBILLNO');
		expect(numberFieldOf({ ...metadata, fields: [] })).toBeUndefined();
	});

	it('shows "key — caption", marks required fields, matches on the number only and leaves the internal id out', () => {
		const fields = mapperFields(metadata);
		expect(fields.map((field) => field.id)).toEqual([
			'FNumber',
			'FName',
			'FCreateOrgId',
			'FTRADINGCURRID',
			'FShortName',
		]);
		expect(fields[0]).toEqual({
			id: 'FNumber',
			displayName: 'FNumber — 编码',
			required: true,
			defaultMatch: true,
			canBeUsedToMatch: true,
			display: true,
			type: 'string',
		});
		expect(fields[1]).toMatchObject({
			id: 'FName',
			displayName: 'FName — 名称',
			required: true,
			defaultMatch: false,
			canBeUsedToMatch: false,
		});
		expect(fields[3].displayName).toBe('FTRADINGCURRID — Currency only in English (number of BD_Currency)');
	});

	it('turns a reference to a form with known records into a dropdown of their numbers', () => {
		const organisations = [
			{ name: '100 — 总部', value: '100' },
			{ name: '101 — 分部', value: '101' },
		];
		const fields = mapperFields(metadata, { org_organizations: organisations });
		expect(fields[2]).toMatchObject({ id: 'FCreateOrgId', type: 'options', options: organisations, required: true });
		expect(fields[3]).toMatchObject({ id: 'FTRADINGCURRID', type: 'string' });
		expect(fields[3].options).toBeUndefined();
	});
});

describe('mapperModel', () => {
	it('takes the values mapped below and leaves out empty ones', () => {
		const model = mapperModel(
			{
				mappingMode: 'defineBelow',
				value: { FNumber: 'C001', FName: '天猫店', FShortName: '', FTEL: null, FIsTrade: false },
			},
			{ FNumber: 'ignored' },
		);
		expect(model).toEqual({ FNumber: 'C001', FName: '天猫店', FIsTrade: false });
	});

	it('with Map Automatically takes the item keys that are fields of the form (removed ones excluded)', () => {
		const model = mapperModel(
			{
				mappingMode: 'autoMapInputData',
				value: null,
				schema: [{ id: 'FNumber' }, { id: 'FName' }, { id: 'FShortName', removed: true }],
			},
			{ FNumber: 'C002', FName: '京东店', FShortName: 'JD', channelCode: 'C002' },
		);
		expect(model).toEqual({ FNumber: 'C002', FName: '京东店' });
	});

	it('sends a field whose expression gave "" or null (it clears), but not a field left blank', () => {
		const model = mapperModel(
			{
				mappingMode: 'defineBelow',
				value: { FNumber: 'C001', FTEL: '', FFAX: null, FShortName: '', FNote: null },
				written: { FNumber: 'C001', FTEL: '={{ $json.tel }}', FFAX: '={{ $json.fax }}', FShortName: '', FNote: null },
			},
			{},
		);
		expect(model).toEqual({ FNumber: 'C001', FTEL: '', FFAX: null });
	});

	it('with Map Automatically sends an item key that is present with "" or null', () => {
		const model = mapperModel(
			{ mappingMode: 'autoMapInputData', value: null, schema: [{ id: 'FNumber' }, { id: 'FTEL' }, { id: 'FFAX' }] },
			{ FNumber: 'C002', FTEL: '', channelCode: '' },
		);
		expect(model).toEqual({ FNumber: 'C002', FTEL: '' });
	});

	it('gives an empty Model when nothing is mapped (the caller reports it)', () => {
		expect(mapperModel({ mappingMode: 'defineBelow', value: null }, { FNumber: 'x' })).toEqual({});
	});
});

describe('FormMetadataCache', () => {
	it('reads each form once per run, whatever the casing, and tries again after a failure', async () => {
		const reads: string[] = [];
		let fail = true;
		const cache = new FormMetadataCache(async (formId) => {
			reads.push(formId);
			if (formId === 'SAL_SaleOrder' && fail) {
				fail = false;
				throw new Error('busy');
			}
			return parseFormMetadata(formId, CUSTOMER);
		});
		const [a, b] = await Promise.all([cache.get('BD_Customer'), cache.get(' bd_customer ')]);
		expect(a).toBe(b);
		await expect(cache.get('SAL_SaleOrder')).rejects.toThrow('busy');
		await cache.get('SAL_SaleOrder');
		expect(reads).toEqual(['BD_Customer', 'SAL_SaleOrder', 'SAL_SaleOrder']);
	});
});
