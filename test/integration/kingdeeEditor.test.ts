/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets, @typescript-eslint/no-explicit-any */
/**
 * The editor that knows Kingdee, against the emulator over loopback HTTP: QueryBusinessInfo and ORG_Organizations in
 * the emulator, Describe Form, Batch Save's base-data fields from the metadata, Map Fields Below, the organisation
 * dropdowns, the server lookup of a typed form, resources, and the credential's default login mode.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { KingdeeApi } from '../../credentials/KingdeeApi.credentials';
import { kingdeeCredentialData } from '../../emulators/credentials';
import {
	DEFAULT_KINGDEE_ACCOUNT as ACCOUNT,
	startKingdeeEmulator,
	type KingdeeEmulator,
} from '../../emulators/kingdee/server';
import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';
import { executeNode, loadOptionsContext } from '../../testing/n8nHarness';
import { errorOf } from '../../testing/errorItems';

let emulator: KingdeeEmulator;
const form = (value: string) => ({ __rl: true, mode: 'list', value });
const customer = form('BD_Customer');

function credentials(overrides: Record<string, string | number> = {}) {
	return { kingdeeApi: kingdeeCredentialData(emulator, 'password', overrides) };
}

async function run(parameters: INodeParameters, items?: INodeExecutionData[], onError?: 'continueErrorOutput') {
	return await executeNode(new Kingdee(), { parameters, items, credentials: credentials(), onError });
}

async function failureOf(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('expected a failure');
}

function lookups(parameters: INodeParameters = {}, overrides: Record<string, string | number> = {}) {
	return loadOptionsContext(new Kingdee(), { parameters, credentials: credentials(overrides) }).context;
}

const calls = (service: string) => emulator.stats().byService[service] ?? 0;

beforeEach(async () => {
	emulator = await startKingdeeEmulator({ port: 0 });
});
afterEach(async () => await emulator.close());

describe('emulator: QueryBusinessInfo and ORG_Organizations', () => {
	async function post(service: string, body: unknown, cookie = ''): Promise<{ json: any; cookies: string[] }> {
		const response = await fetch(`${emulator.serverUrl}Kingdee.BOS.WebApi.ServicesStub.${service}.common.kdsvc`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
			body: JSON.stringify(body),
		});
		return { json: JSON.parse(await response.text()), cookies: response.headers.getSetCookie() };
	}
	async function session(): Promise<string> {
		const answer = await post('AuthService.ValidateUser', {
			parameters: [emulator.acctId, ACCOUNT.username, ACCOUNT.password, 2052],
		});
		return answer.cookies.map((cookie) => cookie.split(';')[0]).join('; ');
	}

	it('describes BD_Customer in NeedReturnData: PkFieldName, entities, fields with captions, type, lookup form, MustInput', async () => {
		const cookie = await session();
		const { json } = await post(
			'DynamicFormService.QueryBusinessInfo',
			{ parameters: [JSON.stringify({ FormId: 'BD_Customer' })] },
			cookie,
		);
		expect(json.Result.ResponseStatus.IsSuccess).toBe(true);
		const data = json.Result.NeedReturnData;
		expect(data.PkFieldName).toBe('FCUSTID');
		expect(data.Name).toContainEqual({ Key: 2052, Value: '客户' });
		expect(data.Entrys.map((entity: any) => entity.Key)).toEqual(['FBillHead', 'FT_BD_CUSTBANK']);
		const head = new Map(data.Entrys[0].Fields.map((field: any) => [field.Key, field]));
		expect(head.get('FName')).toMatchObject({
			Name: expect.arrayContaining([{ Key: 2052, Value: '名称' }]),
			MustInput: 1,
		});
		expect(head.get('FCreateOrgId')).toMatchObject({ LookUpObjectFormId: 'ORG_Organizations', MustInput: 1 });
		expect(head.get('FShortName')).toMatchObject({ LookUpObjectFormId: '', MustInput: 0 });
		expect(typeof (head.get('FNumber') as any).FieldType).toBe('number');
	});

	it('answers an unknown form with MsgCode 4 and the unknown-form text, without a session with MsgCode 1', async () => {
		const cookie = await session();
		const unknown = await post(
			'DynamicFormService.QueryBusinessInfo',
			{ parameters: [JSON.stringify({ FormId: 'NO_SUCH_FORM' })] },
			cookie,
		);
		expect(unknown.json.Result.ResponseStatus).toMatchObject({
			IsSuccess: false,
			MsgCode: 4,
			Errors: [{ Message: '标识为“NO_SUCH_FORM”的业务对象不存在，或者被删除' }],
		});
		const lost = await post('DynamicFormService.QueryBusinessInfo', {
			parameters: [JSON.stringify({ FormId: 'BD_Customer' })],
		});
		expect(lost.json.Result.ResponseStatus.MsgCode).toBe(1);
	});

	it('lets ExecuteBillQuery read ORG_Organizations (FOrgID, FNumber, FName) with a filter', async () => {
		const cookie = await session();
		const query = (filter: string) =>
			post(
				'DynamicFormService.ExecuteBillQuery',
				{
					parameters: [
						JSON.stringify({
							FormId: 'ORG_Organizations',
							FieldKeys: 'FOrgID,FNumber,FName',
							FilterString: filter,
							OrderString: 'FNumber ASC',
						}),
					],
				},
				cookie,
			);
		expect((await query('')).json).toEqual([
			[1, '100', '总部组织100'],
			[100002, '101', '分支组织101'],
			[100003, '102', '分支组织102'],
		]);
		expect((await query("FNumber='101'")).json).toEqual([[100002, '101', '分支组织101']]);
	});
});

describe('Describe Form', () => {
	it('gives one item per field with key, caption, type, entity, base data and its form, required', async () => {
		const { outputs } = await run({ resource: 'form', operation: 'describeForm', formId: customer });
		const byKey = new Map(outputs[0].map((item) => [`${item.json.entity}.${item.json.key}`, item.json]));
		expect(byKey.get('FBillHead.FName')).toMatchObject({
			caption: '名称',
			isBaseData: false,
			lookUpFormId: null,
			required: true,
			entityCaption: '单据头',
			formId: 'BD_Customer',
			formCaption: '客户',
		});
		expect(byKey.get('FBillHead.FCreateOrgId')).toMatchObject({
			caption: '创建组织',
			isBaseData: true,
			lookUpFormId: 'ORG_Organizations',
			required: true,
		});
		expect(byKey.get('FBillHead.FUseOrgId')).toMatchObject({ isBaseData: true, required: false });
		expect(byKey.get('FT_BD_CUSTBANK.FCURRENCYID')).toMatchObject({
			caption: '币别',
			isBaseData: true,
			lookUpFormId: 'BD_Currency',
		});
		expect(byKey.get('FBillHead.FCUSTID')).toMatchObject({ isPrimaryKey: true });
		expect(typeof byKey.get('FBillHead.FNumber')?.type).toBe('number');
		expect(outputs[0].every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
	});

	it('reads each form once per run: two items on one form, one on another', async () => {
		const { outputs } = await executeNode(new Kingdee(), {
			parameters: { resource: 'form', operation: 'describeForm', formId: customer },
			parametersForItem: (itemIndex) => ({ formId: form(itemIndex === 2 ? 'BD_Supplier' : 'BD_Customer') }),
			items: [{ json: {} }, { json: {} }, { json: {} }],
			credentials: credentials(),
		});
		expect(calls('QueryBusinessInfo')).toBe(2);
		const formsOfItem = (item: number) =>
			new Set(
				outputs[0]
					.filter((entry) => (entry.pairedItem as { item: number }).item === item)
					.map((entry) => entry.json.formId),
			);
		expect([...formsOfItem(0)]).toEqual(['BD_Customer']);
		expect([...formsOfItem(1)]).toEqual(['BD_Customer']);
		expect([...formsOfItem(2)]).toEqual(['BD_Supplier']);
	});

	it('an unknown form becomes an error item naming the form and MsgCode 4', async () => {
		const { outputs } = await run(
			{ resource: 'form', operation: 'describeForm', formId: form('NO_SUCH_FORM') },
			undefined,
			'continueErrorOutput',
		);
		expect(outputs[0]).toHaveLength(1);
		expect(errorOf(outputs[0][0].json)?.message).toMatch(
			/^Item 0: Describe Form failed — .*NO_SUCH_FORM.*业务对象不存在/,
		);
		expect(errorOf(outputs[0][0].json)?.msgCode).toBe(4);
	});
});

describe('Batch Save: Base-Data Fields from the form metadata', () => {
	const shop = (number: string, name: string) => ({
		json: { FNumber: number, FName: name, FCreateOrgId: '101', FUseOrgId: '101', FShortName: name },
	});
	const batchSave = { operation: 'batchSave', formId: customer, upsertByNumber: true };

	it('left empty: detects them with one QueryBusinessInfo and wraps plain codes as {"FNumber": …}', async () => {
		const { outputs } = await run(batchSave, [shop('D1', 'One'), shop('D2', 'Two')]);
		expect(outputs[0].map((item) => item.json.status)).toEqual(['created', 'created']);
		expect(calls('QueryBusinessInfo')).toBe(1);
		const stored = emulator
			.records('BD_Customer')
			.map((record) => [record.FNumber, record.FCreateOrgId, record.FUseOrgId, record.FShortName]);
		expect(stored).toEqual([
			['D1', '101', '101', 'One'],
			['D2', '101', '101', 'Two'],
		]);
	});

	it('a typed list overrides the detection: no metadata is read, only the listed fields are wrapped', async () => {
		const { outputs } = await run(
			{ ...batchSave, baseDataFields: 'FCreateOrgId' },
			[shop('D3', 'Three')],
			'continueErrorOutput',
		);
		expect(calls('QueryBusinessInfo')).toBe(0);
		// FUseOrgId was not listed, so it went as plain text, which Kingdee refuses for a base-data field.
		expect(errorOf(outputs[0][0].json)?.message).toMatch(/FUseOrgId.*基础资料字段/);
	});

	it('metadata that cannot be read stops the run before any save, saying so and suggesting the override', async () => {
		const message = await failureOf(
			run({ ...batchSave, formId: form('SAL_SaleOrder'), numberField: 'FBillNo' }, [
				{ json: { FBillNo: 'SO1', FDate: '2024-05-01' } },
			]),
		);
		expect(message).toMatch(
			/^Item 0: the base-data fields of form SAL_SaleOrder could not be detected: its metadata could not be read \(QueryBusinessInfo: .*业务对象不存在.*\)\. List them in Base-Data Fields, e\.g\. FCreateOrgId, FUseOrgId, to skip the detection$/,
		);
		expect(calls('BatchSave')).toBe(0);
		expect(calls('ExecuteBillQuery')).toBe(0);
	});

	it('Save detects them the same way', async () => {
		const { outputs } = await run({ operation: 'save', formId: customer }, [shop('S1', 'Single')]);
		expect(outputs[0][0].json.status).toBe('created');
		expect(emulator.records('BD_Customer')[0].FCreateOrgId).toBe('101');
		expect(calls('QueryBusinessInfo')).toBe(1);
	});
});

describe('Map Fields Below', () => {
	it('the mapper lists the form fields with captions, required marks, the number as match column and organisations to choose', async () => {
		const node = new Kingdee();
		const context = lookups({ operation: 'batchSave', formId: customer, modelSource: 'mapper' });
		const { fields } = await node.methods.resourceMapping.getModelFields.call(context);
		const byId = new Map(fields.map((field) => [field.id, field]));
		expect(byId.has('FCUSTID')).toBe(false);
		expect(byId.get('FNumber')).toMatchObject({
			displayName: 'FNumber — 编码',
			required: true,
			defaultMatch: true,
			canBeUsedToMatch: true,
		});
		expect(byId.get('FName')).toMatchObject({
			displayName: 'FName — 名称',
			required: true,
			defaultMatch: false,
			canBeUsedToMatch: false,
		});
		expect(byId.get('FShortName')).toMatchObject({ displayName: 'FShortName — 简称', required: false, type: 'string' });
		expect(byId.get('FCreateOrgId')).toMatchObject({
			displayName: 'FCreateOrgId — 创建组织 (number of ORG_Organizations)',
			required: true,
			type: 'options',
			options: [
				{ name: '100 — 总部组织100', value: '100' },
				{ name: '101 — 分支组织101', value: '101' },
				{ name: '102 — 分支组织102', value: '102' },
			],
		});
		expect(byId.get('FTRADINGCURRID')).toMatchObject({
			displayName: 'FTRADINGCURRID — 结算币别 (number of BD_Currency)',
			type: 'string',
		});
		// The lookup logged out again: it leaves no session behind.
		expect(calls('Logout')).toBe(1);
	});

	it('Batch Save saves the mapped values, wraps base data and upserts by the match column', async () => {
		const mapping = (name: string) => ({
			fields: {
				mappingMode: 'defineBelow',
				value: { FNumber: 'M1', FName: name, FCreateOrgId: '102', FUseOrgId: '102', FShortName: '' },
				matchingColumns: ['FNumber'],
				schema: [],
			},
		});
		const parameters = { operation: 'batchSave', formId: customer, modelSource: 'mapper', upsertByNumber: true };
		const first = await run({ ...parameters, ...mapping('Mapped') }, [{ json: { channelCode: 'ignored' } }]);
		expect(first.outputs[0][0].json).toMatchObject({ status: 'created', Number: 'M1' });
		const second = await run({ ...parameters, ...mapping('Renamed') }, [{ json: {} }]);
		expect(second.outputs[0][0].json).toMatchObject({
			status: 'updated',
			Number: 'M1',
			changes: [{ field: 'FName', before: 'Mapped', after: 'Renamed' }],
		});
		const stored = emulator.records('BD_Customer');
		expect(stored).toHaveLength(1);
		expect(stored[0]).toMatchObject({ FNumber: 'M1', FName: 'Renamed', FCreateOrgId: '102', FUseOrgId: '102' });
		expect(stored[0]).not.toHaveProperty('FShortName');
		expect(stored[0]).not.toHaveProperty('channelCode');
	});

	it('with Map Automatically only the item keys that are form fields are sent', async () => {
		const parameters = {
			operation: 'batchSave',
			formId: customer,
			modelSource: 'mapper',
			fields: {
				mappingMode: 'autoMapInputData',
				value: null,
				matchingColumns: ['FNumber'],
				schema: ['FNumber', 'FName', 'FCreateOrgId', 'FUseOrgId'].map((id) => ({
					id,
					displayName: id,
					required: false,
					defaultMatch: false,
					display: true,
				})),
			},
		};
		const { outputs } = await run(parameters, [
			{ json: { FNumber: 'A1', FName: 'Auto', FCreateOrgId: '100', FUseOrgId: '100', channelCode: 'A1' } },
		]);
		expect(outputs[0][0].json.status).toBe('created');
		expect(emulator.records('BD_Customer')[0]).not.toHaveProperty('channelCode');
	});

	it('an item with nothing mapped fails naming the item and the Fields parameter', async () => {
		const parameters = {
			operation: 'batchSave',
			formId: customer,
			modelSource: 'mapper',
			fields: { mappingMode: 'defineBelow', value: {}, matchingColumns: ['FNumber'], schema: [] },
		};
		expect(await failureOf(run(parameters))).toBe(
			'Item 0: the Model from Fields (Map Fields Below) is empty ({}): map at least the number and name fields into it',
		);
		expect(calls('BatchSave')).toBe(0);
	});
});

describe('organisation dropdowns and the form locator', () => {
	it('Allocate offers the organisations of ORG_Organizations by internal id', async () => {
		const node = new Kingdee();
		const options = await node.methods.loadOptions.getOrganizations.call(
			lookups({ operation: 'allocate', formId: customer }),
		);
		expect(options).toEqual([
			{ name: '100 — 总部组织100', value: '1', description: 'Internal ID 1' },
			{ name: '101 — 分支组织101', value: '100002', description: 'Internal ID 100002' },
			{ name: '102 — 分支组织102', value: '100003', description: 'Internal ID 100003' },
		]);
	});

	it('Allocate takes the chosen organisations as a list (and still as text from an expression)', async () => {
		await run({ operation: 'batchSave', formId: customer, saveOptions: { isAutoSubmitAndAudit: true } }, [
			{ json: { FNumber: 'AL1', FName: 'Allocated', FCreateOrgId: '100', FUseOrgId: '100' } },
		]);
		const id = String(emulator.records('BD_Customer')[0].FCUSTID);
		const asList = await run({ operation: 'allocate', formId: customer, pkIds: id, targetOrgIds: ['100002'] });
		expect(asList.outputs[0][0].json).toMatchObject({ operation: 'Allocate', success: true });
		const asText = await run({ operation: 'allocate', formId: customer, pkIds: id, targetOrgIds: '100003' });
		expect(asText.outputs[0][0].json).toMatchObject({ success: true });
		expect(emulator.records('BD_Customer')[0].allocatedOrgs).toEqual(['101', '102']);
	});

	it('the form list is filtered locally and a typed Form ID is looked up on the server', async () => {
		const node = new Kingdee();
		const search = (filter: string, overrides?: Record<string, string | number>) =>
			node.methods.listSearch.searchForms.call(lookups({ formId: customer }, overrides), filter);
		expect((await search('客户')).results).toEqual([{ name: 'Customer (客户) — BD_Customer', value: 'BD_Customer' }]);
		expect(calls('QueryBusinessInfo')).toBe(0);
		expect((await search('BD_Currency')).results[0]).toEqual({ name: '币别 — BD_Currency', value: 'BD_Currency' });
		expect(calls('QueryBusinessInfo')).toBe(1);
		expect((await search('NO_SUCH_FORM')).results).toEqual([]);
		const message = await failureOf(search('BD_Currency', { password: 'Wrong-Secret-Pass-77' }));
		expect(message).toMatch(/^Could not look up the form BD_Currency in Kingdee: .*LoginResultType 0/);
		expect(message).not.toContain('Wrong-Secret-Pass-77');
	});
});

describe('resources', () => {
	it('Document Status → Audit and Record → View run under their resource', async () => {
		await run({ operation: 'batchSave', formId: customer }, [
			{ json: { FNumber: 'R1', FName: 'Res', FCreateOrgId: '100', FUseOrgId: '100' } },
		]);
		await run({ resource: 'documentStatus', operation: 'submit', formId: customer, numbers: 'R1' });
		await run({ resource: 'documentStatus', operation: 'audit', formId: customer, numbers: 'R1' });
		const viewed = await run({ resource: 'record', operation: 'view', formId: customer, numbers: 'R1' });
		expect(viewed.outputs[0][0].json).toMatchObject({ Number: 'R1', DocumentStatus: 'C' });
	});

	it('every operation belongs to exactly one resource, and an old workflow without a resource resolves to Record', () => {
		const properties = new Kingdee().description.properties;
		const resource = properties.find((property) => property.name === 'resource');
		expect(resource?.default).toBe('record');
		const byResource = Object.fromEntries(
			properties
				.filter((property) => property.name === 'operation')
				.map((property) => [
					property.displayOptions?.show?.resource?.[0],
					(property.options as Array<{ value: string }>).map((option) => option.value),
				]),
		);
		expect(byResource).toEqual({
			record: ['allocate', 'batchSave', 'delete', 'executeOperation', 'query', 'save', 'view'],
			documentStatus: ['audit', 'submit', 'unAudit'],
			form: ['describeForm'],
		});
		const sample = JSON.parse(
			fs.readFileSync(path.join(__dirname, '../../workflows/jikeyun-shops-to-kingdee-customers.json'), 'utf8'),
		);
		const kingdeeNodes = sample.nodes.filter((node: any) => node.type.endsWith('.kingdee'));
		expect(kingdeeNodes.map((node: any) => [node.parameters.resource ?? 'record', node.parameters.operation])).toEqual([
			['record', 'batchSave'],
		]);
	});
});

describe('Kingdee credential and documentation', () => {
	it('defaults to Signed Login, and values saved without a mode log in with LoginBySign', async () => {
		const authType = new KingdeeApi().properties.find((property) => property.name === 'authType');
		expect(authType?.default).toBe('sign');
		const data: Record<string, string | number> = kingdeeCredentialData(emulator, 'sign');
		delete data.authType;
		await executeNode(new Kingdee(), {
			parameters: { operation: 'query', formId: customer, fieldKeys: 'FNumber' },
			credentials: { kingdeeApi: data },
		});
		expect(calls('LoginBySign')).toBe(1);
		expect(calls('ValidateUser')).toBe(0);
	});

	it('the node and the credential link to README sections that exist', () => {
		const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
		const anchors = new Set(
			readme
				.split('\n')
				.filter((line) => /^#{1,6} /.test(line))
				.map((line) =>
					line
						.replace(/^#+ /, '')
						.trim()
						.toLowerCase()
						.replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
						.replace(/ /g, '-'),
				),
		);
		const anchorOf = (url: string | undefined) => String(url).split('#')[1];
		expect(anchors.has(anchorOf(new Kingdee().description.documentationUrl))).toBe(true);
		expect(anchors.has(anchorOf(new KingdeeApi().documentationUrl))).toBe(true);
	});
});
