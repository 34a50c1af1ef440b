/* eslint-disable @n8n/community-nodes/no-restricted-imports */
/**
 * Bad-input catalogue, Kingdee part (issue 8): each case runs the real node against the emulator (or, for server
 * replies the emulator never gives, a tiny loopback server) and asserts that the message names the item, the field
 * and the fix, and that nothing was written.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';
import { startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { kingdeeCredentialData, type KingdeeAuthType } from '../../emulators/credentials';
import { executeNode } from '../../testing/n8nHarness';

let emulator: KingdeeEmulator;
beforeAll(async () => {
	emulator = await startKingdeeEmulator({ port: 0 });
});
afterAll(async () => await emulator.close());
beforeEach(() => emulator.resetStats());

const form = { __rl: true, mode: 'list', value: 'BD_Customer' };
const shop = (number: string): INodeExecutionData => ({
	json: { FNumber: number, FName: `Shop ${number}`, FCreateOrgId: '100', FUseOrgId: '100' },
});
const batchSave = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'batchSave',
	formId: form,
	baseDataFields: 'FCreateOrgId, FUseOrgId',
	batchSize: 10,
	upsertByNumber: true,
	options: { maxTries: 2 },
	...extra,
});
const query = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'query',
	formId: form,
	fieldKeys: 'FNumber,FName',
	returnAll: true,
	options: { maxTries: 2 },
	...extra,
});

/** Runs the node without continue-on-fail and returns the error message it stopped with. */
async function failure(
	parameters: INodeParameters,
	items: INodeExecutionData[] = [shop('C001'), shop('C002')],
	credential: { authType?: KingdeeAuthType; overrides?: Record<string, string | number>; serverUrl?: string } = {},
): Promise<string> {
	const data = {
		...kingdeeCredentialData(emulator, credential.authType ?? 'password', credential.overrides ?? {}),
		...(credential.serverUrl !== undefined ? { serverUrl: credential.serverUrl } : {}),
	};
	let message: string | undefined;
	try {
		await executeNode(new Kingdee(), { parameters, items, credentials: { kingdeeApi: data } });
	} catch (error) {
		message = (error as Error).message;
	}
	if (message === undefined) throw new Error('the node did not fail');
	return message;
}

/** Nothing reached Kingdee as a write (the log is reset before each case). */
function expectNothingWritten(): void {
	expect(emulator.stats().writeLog).toEqual([]);
}

describe('credential fields, per login mode (nothing is sent at all)', () => {
	it.each([
		[
			'password',
			'acctId',
			/^Item 0: not sent: The Kingdee credential has no Account ID \(账套ID\) \(authentication "password"\): enter the data-center id/,
		],
		[
			'password',
			'username',
			/^Item 0: not sent: The Kingdee credential has no Username \(authentication "password"\): enter the Kingdee user/,
		],
		[
			'password',
			'password',
			/^Item 0: not sent: The Kingdee credential has no Password \(authentication "password"\): enter the password/,
		],
		[
			'appSecret',
			'appId',
			/^Item 0: not sent: The Kingdee credential has no App ID \(authentication "appSecret"\): copy it from 第三方系统登录授权/,
		],
		[
			'appSecret',
			'appSecret',
			/^Item 0: not sent: The Kingdee credential has no App Secret \(authentication "appSecret"\): copy it/,
		],
		['sign', 'appId', /^Item 0: not sent: The Kingdee credential has no App ID \(authentication "sign"\)/],
		[
			'signedHeaders',
			'appSecret',
			/^Item 0: not sent: The Kingdee credential has no App Secret \(authentication "signedHeaders"\)/,
		],
	] as Array<[KingdeeAuthType, string, RegExp]>)('%s mode with an empty %s', async (authType, field, expected) => {
		expect(await failure(batchSave(), undefined, { authType, overrides: { [field]: '  ' } })).toMatch(expected);
		expect(emulator.stats().calls).toBe(0);
	});

	it('signed headers with an App ID that is not <number>_<32 characters>', async () => {
		const message = await failure(batchSave(), undefined, {
			authType: 'signedHeaders',
			overrides: { appId: 'just-an-id' },
		});
		expect(message).toMatch(
			/^Item 0: not sent: The Kingdee credential's App ID must have the form <number>_<32 characters> for Signed Headers: copy it unchanged/,
		);
		expect(emulator.stats().calls).toBe(0);
	});
});

describe('server URL forms (nothing is sent at all)', () => {
	it('empty', async () => {
		expect(await failure(batchSave(), undefined, { serverUrl: '' })).toMatch(
			/^Item 0: not sent: The Kingdee credential has no Server URL: enter the address .* e\.g\. https:\/\/erp\.example\.com\/k3cloud\//,
		);
		expect(emulator.stats().calls).toBe(0);
	});

	it('without http(s)://: says so and suggests the full address, no retries', async () => {
		const hostOnly = emulator.serverUrl.replace(/^http:\/\//, '');
		const message = await failure(batchSave(), undefined, { serverUrl: hostOnly });
		expect(message).toBe(
			`Item 0: not sent: The Kingdee credential's Server URL "${hostOnly}" does not start with http:// or https://: enter the full address, e.g. https://${hostOnly}`,
		);
		expect(emulator.stats().calls).toBe(0);
	});

	it('another scheme (ftp://)', async () => {
		expect(await failure(batchSave(), undefined, { serverUrl: 'ftp://erp.example.com/k3cloud/' })).toMatch(
			/^Item 0: not sent: The Kingdee credential's Server URL "ftp:\/\/erp\.example\.com\/k3cloud\/" does not start with http:\/\/ or https:\/\/: enter the full address, e\.g\. https:\/\/erp\.example\.com\/k3cloud\//,
		);
		expect(emulator.stats().calls).toBe(0);
	});
});

describe('Form ID and Model', () => {
	it('Form ID empty', async () => {
		expect(await failure(batchSave({ formId: { __rl: true, mode: 'id', value: '' } }))).toMatch(
			/^Item 0: Form ID is missing: choose a form from the list \(e\.g\. BD_Customer\) or enter its Form ID/,
		);
		expectNothingWritten();
	});

	it('Model JSON that is invalid', async () => {
		const items = [shop('C001'), { json: { Model: '{"FNumber": "C002", "FName": ' } }];
		expect(await failure(batchSave({ modelSource: 'jsonField', modelField: 'Model' }), items)).toMatch(
			/^Item 0: the Model from field "Model" is missing, not an object: give one Model package per item as a JSON object.*or choose the field that holds it in Model Field/,
		);
		const second = await failure(batchSave({ modelSource: 'jsonField', modelField: 'Model' }), [
			{ json: { Model: { FNumber: 'C1', FName: 'x' } } },
			items[1],
		]);
		expect(second).toMatch(
			/^Item 1: field "Model" is not valid JSON \("\{\\"FNumber\\": \\"C002\\", \\"FName\\": "\): put the Model object or its JSON text into this field/,
		);
		expectNothingWritten();
	});

	it('Model that is not an object (a number)', async () => {
		const items = [{ json: { Model: { FNumber: 'C1', FName: 'x' } } }, { json: { Model: 42 } }];
		expect(await failure(batchSave({ modelSource: 'jsonField', modelField: 'Model' }), items)).toMatch(
			/^Item 1: the Model from field "Model" is a number, not an object: give one Model package per item as a JSON object/,
		);
		expectNothingWritten();
	});

	it('Models field holding an array instead of one package', async () => {
		const items = [
			{ json: { Model: { FNumber: 'C1', FName: 'x' } } },
			{ json: { Model: [{ FNumber: 'C2' }, { FNumber: 'C3' }] } },
		];
		expect(await failure(batchSave({ modelSource: 'jsonField', modelField: 'Model' }), items)).toMatch(
			/^Item 1: the Model from field "Model" is an array, not an object: give one Model package per item/,
		);
		expectNothingWritten();
	});

	it('Model that is an empty object', async () => {
		expect(await failure(batchSave(), [shop('C001'), { json: {} }])).toMatch(
			/^Item 1: the Model from the input item is empty \(\{\}\): map at least the number and name fields into it/,
		);
		expectNothingWritten();
	});

	it('Number field missing with Upsert by Number', async () => {
		const items = [shop('C001'), { json: { FName: 'No number', FCreateOrgId: '100', FUseOrgId: '100' } }];
		expect(await failure(batchSave(), items)).toBe(
			'Item 1: the Model has no FNumber (Number Field), which If Exists: Update needs to find the record: map the number into FNumber, or set Number Field to the field that holds it',
		);
		expectNothingWritten();
	});

	it('Number Field naming a field the items do not have', async () => {
		expect(await failure(batchSave({ numberField: 'FShopCode' }))).toMatch(
			/^Item 0: the Model has no FShopCode \(Number Field\), which If Exists: Update needs.*set Number Field to the field that holds it/,
		);
		expectNothingWritten();
	});

	it('Number duplicated in two items: neither is sent', async () => {
		expect(await failure(batchSave(), [shop('D1'), shop('D1')])).toMatch(
			/^Item 0: FNumber "D1" was not saved — FNumber "D1" is also given by item 1 of this run; none of them was sent\. Make the numbers unique/,
		);
		expectNothingWritten();
	});
});

describe('Batch Size', () => {
	it.each([
		['0', 0],
		['negative', -5],
		['too large', 5000],
		['not whole', 2.5],
	])('%s', async (_name, batchSize) => {
		expect(await failure(batchSave({ batchSize }))).toBe(
			`Item 0: Batch Size must be a whole number from 1 to 1000, got ${batchSize}: set Batch Size to e.g. 100`,
		);
		expectNothingWritten();
		expect(emulator.stats().calls).toBe(0);
	});
});

describe('Query settings', () => {
	it('Field Keys empty', async () => {
		expect(await failure(query({ fieldKeys: ' , ' }))).toBe(
			'Item 0: Field Keys is empty: list the fields to return, e.g. FNumber,FName',
		);
		expect(emulator.stats().calls).toBe(0);
	});

	it('Field Keys with something that is not a key', async () => {
		expect(await failure(query({ fieldKeys: "FNumber,FName'; DROP" }))).toMatch(
			/^Item 0: Field Keys has "FName'; DROP", which is not a field key: use keys like FNumber, FCreateOrgId\.FNumber/,
		);
		expect(emulator.stats().calls).toBe(0);
	});

	it('Field Keys naming a field the form does not have (Kingdee MsgCode 9)', async () => {
		expect(await failure(query({ fieldKeys: 'FNumber,FNoSuchField' }))).toMatch(
			/^Item 0: Query failed — Kingdee ExecuteBillQuery BD_Customer, page 1 failed: .*FNoSuchField.*\[MsgCode 9: .*\] — check Field Keys, Filter and Order By of this item\. Check the Form ID, field keys and option values\./,
		);
		expectNothingWritten();
	});

	it('Filter that Kingdee cannot parse (MsgCode 4)', async () => {
		expect(await failure(query({ filterString: "FNumber = = 'x'" }))).toMatch(
			/^Item 0: Query failed — Kingdee ExecuteBillQuery BD_Customer, page 1 failed: .*\[MsgCode 4: .*\] — check Field Keys, Filter and Order By of this item/,
		);
		expectNothingWritten();
	});

	it.each([
		['0', 0],
		['negative', -3],
		['not whole', 1.5],
	])('Limit %s', async (_name, limit) => {
		expect(await failure(query({ returnAll: false, limit }))).toBe(
			`Item 0: Limit must be a whole number of at least 1, got ${limit}: set "Limit" (e.g. 50) or turn on "Return All"`,
		);
		expect(emulator.stats().calls).toBe(0);
	});

	it.each([
		['0', 0],
		['above 10,000', 20000],
	])('Page Size %s', async (_name, pageSize) => {
		expect(await failure(query({ options: { pageSize } }))).toBe(
			`Item 0: Page Size must be a whole number from 1 to 10000, got ${pageSize}: set Page Size in Options (2,000 works on every server)`,
		);
		expect(emulator.stats().calls).toBe(0);
	});
});

describe('server replies that are not a Kingdee answer', () => {
	let server: http.Server;
	let serverUrl: string;
	let reply: { status: number; type: string; body: string };
	let writes: string[];
	beforeAll(async () => {
		server = http.createServer((req, res) => {
			req.resume();
			req.on('end', () => {
				const url = req.url ?? '';
				if (/AuthService\./i.test(url)) {
					res.writeHead(200, { 'Content-Type': 'application/json' });
					res.end(
						JSON.stringify({
							LoginResultType: 1,
							Message: null,
							KDSVCSessionId: 'fe1d2c3b-0000-4000-8000-0123456789ab',
						}),
					);
					return;
				}
				if (/Save|Submit|Audit|Delete|Allocate/i.test(url)) writes.push(url);
				res.writeHead(reply.status, { 'Content-Type': reply.type });
				res.end(reply.body);
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/k3cloud/`;
	});
	afterAll(async () => await new Promise<void>((resolve) => server.close(() => resolve())));
	beforeEach(() => {
		writes = [];
	});

	it.each([
		[
			'HTML with HTTP 200',
			{ status: 200, type: 'text/html', body: '<html><body>Portal login page</body></html>' },
			/answered with something that is not JSON \(check the Server URL\): Portal login page/,
		],
		['an empty body', { status: 200, type: 'application/json', body: '' }, /answered with an empty body/],
		[
			'cut-off JSON',
			{ status: 200, type: 'application/json', body: '[["C001","Shop C' },
			/answered with something that is not JSON \(check the Server URL\): \[\["C001","Shop C/,
		],
		[
			'an unknown MsgCode',
			{
				status: 200,
				type: 'application/json',
				body: JSON.stringify([
					[
						{
							Result: {
								ResponseStatus: {
									IsSuccess: false,
									MsgCode: 99,
									Errors: [{ FieldName: '', Message: '未知错误', DIndex: 0 }],
								},
							},
						},
					],
				]),
			},
			/failed: 未知错误 \[MsgCode 99: Unknown MsgCode 99\]/,
		],
	])('Query gets %s: names item, service, form and page, and what to check', async (_name, answer, expected) => {
		reply = answer;
		const message = await failure(query(), [{ json: {} }], { serverUrl });
		expect(message).toMatch(/^Item 0: Query failed — Kingdee ExecuteBillQuery BD_Customer, page 1 /);
		expect(message).toMatch(expected);
		expect(message).toMatch(/Check the Server URL|run again/);
		expect(writes).toEqual([]);
	});
});
