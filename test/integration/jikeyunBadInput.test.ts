/* eslint-disable @n8n/community-nodes/no-restricted-imports -- a tiny non-gateway HTTP server for the test */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { Jikeyun } from '../../nodes/Jikeyun/Jikeyun.node';
import { JikeyunTrigger } from '../../nodes/Jikeyun/JikeyunTrigger.node';
import { jikeyunCredentialData } from '../../emulators/credentials';
import { DEFAULT_JIKEYUN_APP, startJikeyunEmulator, type JikeyunEmulator } from '../../emulators/jikeyun/server';
import { executeNode, pollTrigger } from '../../testing/n8nHarness';
import { errorOf } from '../../testing/errorItems';

/**
 * Bad-input catalogue, Jikeyun part (issue 8): each case runs the real node or trigger against the
 * emulator (or a tiny non-gateway server) and checks that the error names the item, the field and the
 * fix, that no write method reached the gateway, and how many requests were made (0 = rejected before
 * any request; 1 = not retried).
 */
const READ_METHODS = new Set(['erp.sales.get', 'erp.warehouse.get', 'wms.order.query-info.page', 'erp.vend.get']);
const fast = { requestsPerSecond: 0, maxRetryWaitSeconds: 1, maxTries: 3 };

let emulator: JikeyunEmulator;
let fake: Server;
let fakeAnswer = { status: 200, contentType: 'text/html', body: '' };
let fakeRequests = 0;

beforeAll(async () => {
	emulator = await startJikeyunEmulator({ shopCount: 60, seed: 21 });
	fake = createServer((_request, response) => {
		fakeRequests++;
		response.writeHead(fakeAnswer.status, { 'Content-Type': fakeAnswer.contentType });
		response.end(fakeAnswer.body);
	});
	await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
	await emulator.close();
	await new Promise<void>((resolve) => fake.close(() => resolve()));
});
beforeEach(() => {
	emulator.resetStats();
	emulator.setFaults({});
	fakeRequests = 0;
});

const fakeUrl = () => `http://127.0.0.1:${(fake.address() as AddressInfo).port}/open/openapi/do`;
const getAll = (extra: INodeParameters = {}) => ({
	resource: 'salesChannel',
	operation: 'getAll',
	returnAll: true,
	...extra,
});
const callMethod = (extra: INodeParameters) => ({ resource: 'api', operation: 'callMethod', ...extra });
const paged = (extra: INodeParameters) => callMethod({ paginate: true, pageSize: 10, ...extra });

interface NodeCase {
	parameters: INodeParameters;
	credentials?: Record<string, string>;
	faults?: Parameters<JikeyunEmulator['setFaults']>[0];
	fakeAnswer?: typeof fakeAnswer;
	/** Error text (message + description) must match all of these. */
	says: RegExp[];
	/** Requests that reached the gateway (emulator or fake server). */
	requests: number;
}

function errorText(error: unknown): string {
	const { message, description } = error as { message: string; description?: string };
	return `${message} ${description ?? ''}`;
}

function expectNothingWritten(): void {
	for (const method of Object.keys(emulator.stats().byMethod)) expect(READ_METHODS.has(method)).toBe(true);
}

const ITEM_0 = /item 0/i;

const nodeCases: Array<[string, NodeCase]> = [
	[
		'credential: empty App Key',
		{ parameters: getAll(), credentials: { appKey: '' }, says: [ITEM_0, /no App Key/, /"App Key"/], requests: 0 },
	],
	[
		'credential: empty App Secret',
		{
			parameters: getAll(),
			credentials: { appSecret: '' },
			says: [ITEM_0, /no App Secret/, /"App Secret"/],
			requests: 0,
		},
	],
	[
		'credential: empty Gateway URL',
		{
			parameters: getAll(),
			credentials: { gatewayUrl: '' },
			says: [ITEM_0, /no Gateway URL/, /"Gateway URL"/],
			requests: 0,
		},
	],
	[
		'credential: Gateway URL without http(s)://',
		{
			parameters: getAll(),
			credentials: { gatewayUrl: 'open.jackyun.com/open/openapi/do' },
			says: [ITEM_0, /does not start with http:\/\/ or https:\/\//, /https:\/\/open\.jackyun\.com/],
			requests: 0,
		},
	],
	[
		'credential: Gateway URL that is not a URL',
		{
			parameters: getAll(),
			credentials: { gatewayUrl: 'http://' },
			says: [ITEM_0, /not a valid URL/, /"Gateway URL"/],
			requests: 0,
		},
	],
	[
		'credential: wrong App Secret (signature error, not retried)',
		{
			parameters: getAll(),
			credentials: { appSecret: 'not-the-secret' },
			says: [ITEM_0, /0858030801/, /App Secret/],
			requests: 1,
		},
	],
	[
		'credential: Gateway URL where nothing listens (not retried)',
		{
			parameters: getAll(),
			credentials: { gatewayUrl: 'http://127.0.0.1:9/open/openapi/do' },
			says: [ITEM_0, /refused the connection/, /Gateway URL/, /nothing was executed/],
			requests: 0,
		},
	],
	[
		'JSON field: bizcontent that is not JSON',
		{
			parameters: callMethod({ method: 'erp.warehouse.get', bizContent: '{pageIndex: 0}' }),
			says: [/item 0/, /Business Parameters \(bizcontent\)/, /\{pageIndex: 0\}/, /quoted keys/],
			requests: 0,
		},
	],
	[
		'JSON field: an array bizcontent with Paginate on',
		{
			parameters: paged({ method: 'erp.warehouse.get', bizContent: '[1,2]' }),
			says: [/item 0/, /must be a JSON object/, /Paginate off/],
			requests: 0,
		},
	],
	[
		'JSON field: a method name that is not one',
		{
			parameters: callMethod({ method: 'erp sales get' }),
			says: [ITEM_0, /not a Jikeyun method name/, /erp\.warehouse\.get/],
			requests: 0,
		},
	],
	[
		'page size: Get Many above 200',
		{ parameters: getAll({ options: { ...fast, pageSize: 500 } }), says: [ITEM_0, /Page Size/, /200/], requests: 0 },
	],
	[
		'page size: Call Method page size 0',
		{
			parameters: paged({ method: 'erp.warehouse.get', pageSize: 0 }),
			says: [ITEM_0, /Page Size must be a whole number/, /"Page Size"/],
			requests: 0,
		},
	],
	[
		'page size: Limit 0',
		{ parameters: getAll({ returnAll: false, limit: 0 }), says: [ITEM_0, /Limit must be/, /"Limit"/], requests: 0 },
	],
	[
		'filter: Modified After that is not a date',
		{
			parameters: getAll({ filters: { gmtModifiedStart: 'last tuesday' } }),
			says: [ITEM_0, /gmtModifiedStart/, /yyyy-MM-dd HH:mm:ss/],
			requests: 0,
		},
	],
	[
		'paging: List Path that matches nothing',
		{
			parameters: paged({ method: 'erp.warehouse.get', listPath: 'warehouses' }),
			says: [ITEM_0, /List Path "warehouses" matches nothing/, /"warehouseInfo"/, /List Path in Result Data/],
			requests: 1,
		},
	],
	[
		'paging: a page-index key the gateway ignores',
		{
			parameters: paged({ method: 'erp.sales.get', pageIndexParameter: 'page', listPath: 'salesChannelInfo' }),
			says: [ITEM_0, /returned the same records/, /Page Index Parameter/],
			requests: 4,
		},
	],
	[
		'paging: First Page Index One on a 0-based method',
		{
			parameters: paged({ method: 'erp.sales.get', firstPageIndex: 1, listPath: 'salesChannelInfo' }),
			says: [ITEM_0, /pages start at 0/, /First Page Index/],
			requests: 2,
		},
	],
	[
		'paging: First Page Index Zero on a 1-based method',
		{
			parameters: paged({ method: 'wms.order.query-info.page', firstPageIndex: 0 }),
			says: [ITEM_0, /same records as page 0/, /First Page Index/],
			requests: 4,
		},
	],
	[
		'paging: a page-size key the gateway ignores',
		{
			parameters: paged({
				method: 'erp.sales.get',
				pageSize: 20,
				pageSizeParameter: 'size',
				listPath: 'salesChannelInfo',
			}),
			says: [ITEM_0, /50 records although 20/, /Page Size Parameter/],
			requests: 1,
		},
	],
	[
		'server: a method the app has not subscribed',
		{ parameters: callMethod({ method: 'erp.vend.get' }), says: [ITEM_0, /0130020310/, /subscribe/], requests: 1 },
	],
	[
		'server: 未知错误 (0130020001) on a read: two quick retries, then a hint',
		{
			parameters: getAll({ options: { ...fast, maxTries: 8 } }),
			faults: { failNextCalls: 10 },
			says: [ITEM_0, /0130020001/, /bad business parameter/],
			requests: 3,
		},
	],
	[
		'server: quota exhausted (0130000609), not retried',
		{
			parameters: getAll(),
			faults: { quotaExhausted: true },
			says: [ITEM_0, /0130000609/, /account manager/],
			requests: 1,
		},
	],
	[
		'server reply: an HTML page with HTTP 200 (not retried)',
		{
			parameters: getAll(),
			fakeAnswer: { status: 200, contentType: 'text/html', body: '<html><body>Welcome</body></html>' },
			says: [ITEM_0, /page 0/, /not the gateway's JSON envelope/, /<html>/, /Gateway URL/],
			requests: 1,
		},
	],
	[
		'server reply: JSON that is not the envelope (not retried)',
		{
			parameters: getAll(),
			fakeAnswer: { status: 200, contentType: 'application/json', body: '{"hello":"world"}' },
			says: [ITEM_0, /erp\.sales\.get \(page 0\)/, /not the gateway's JSON envelope/, /Gateway URL/],
			requests: 1,
		},
	],
	[
		'server reply: an empty body (retried as lost, then named)',
		{
			parameters: getAll(),
			fakeAnswer: { status: 200, contentType: 'application/json', body: '' },
			says: [ITEM_0, /erp\.sales\.get \(page 0\)/, /empty or cut off/],
			requests: 3,
		},
	],
	[
		'server reply: cut-off JSON (retried as lost, then named with a snippet)',
		{
			parameters: getAll(),
			fakeAnswer: {
				status: 200,
				contentType: 'application/json',
				body: '{"code":200,"msg":"","result":{"data":{"salesChan',
			},
			says: [ITEM_0, /erp\.sales\.get \(page 0\)/, /cut off/, /salesChan/],
			requests: 3,
		},
	],
	[
		'server reply: result.data text that is not JSON',
		{
			parameters: getAll(),
			fakeAnswer: {
				status: 200,
				contentType: 'application/json',
				body: '{"code":200,"msg":"","subCode":"","result":{"data":"{oops","contextId":"1"}}',
			},
			says: [ITEM_0, /erp\.sales\.get \(page 0\)/, /not valid JSON/, /\{oops/],
			requests: 1,
		},
	],
];

describe('Jikeyun bad-input catalogue: node', () => {
	it.each(nodeCases)('%s', async (_label, testCase) => {
		if (testCase.faults) emulator.setFaults(testCase.faults);
		const useFake = testCase.fakeAnswer !== undefined;
		if (testCase.fakeAnswer) fakeAnswer = testCase.fakeAnswer;
		const credentials = jikeyunCredentialData(emulator, {
			...(useFake ? { gatewayUrl: fakeUrl() } : {}),
			...testCase.credentials,
		});
		const { options, ...rest } = testCase.parameters as { options?: IDataObject };
		const failure = await executeNode(new Jikeyun(), {
			parameters: { ...rest, options: { ...fast, ...(options ?? {}) } } as INodeParameters,
			credentials: { jikeyunApi: credentials },
		}).catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(Error);
		const text = errorText(failure);
		for (const pattern of testCase.says) expect(text).toMatch(pattern);
		expect(text).not.toContain(DEFAULT_JIKEYUN_APP.appSecret);
		expect(useFake ? fakeRequests : emulator.stats().calls).toBe(testCase.requests);
		expectNothingWritten();
	});

	it('continue-on-fail with the gateway down: one error item per input item, one connection attempt in all', async () => {
		const { outputs, harness } = await executeNode(new Jikeyun(), {
			parameters: getAll({ options: fast }),
			items: [{ json: {} }, { json: {} }, { json: {} }],
			continueOnFail: true,
			credentials: {
				jikeyunApi: jikeyunCredentialData(emulator, { gatewayUrl: 'http://127.0.0.1:9/open/openapi/do' }),
			},
		});
		expect(outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(outputs[0].every((item) => /refused the connection/.test(errorOf(item.json)?.message ?? ''))).toBe(true);
		expect(harness.requests).toHaveLength(1);
	});
});

describe('Jikeyun bad-input catalogue: trigger', () => {
	const pollWith = (
		parameters: INodeParameters,
		staticData: IDataObject,
		credentials = jikeyunCredentialData(emulator),
	) =>
		pollTrigger(new JikeyunTrigger(), {
			parameters: { options: fast, ...parameters },
			credentials: { jikeyunApi: credentials },
			staticData,
		});

	it('"any method" mode with a List Path that matches nothing fails and leaves the watermark and seen-state alone', async () => {
		const staticData: IDataObject = {};
		const settings = { event: 'methodWindow', method: 'erp.warehouse.get' };
		await pollWith(settings, staticData);
		const before = JSON.stringify(staticData);
		const failure = await pollWith({ ...settings, listPath: 'orders' }, staticData).catch((error: unknown) => error);
		expect(errorText(failure)).toMatch(/Poll: .*List Path in Result Data/);
		expect(errorText(failure)).toMatch(/List Path "orders" matches nothing/);
		expect(JSON.stringify(staticData)).toBe(before);
		expectNothingWritten();
	});

	it('"any method" mode with a page-index key the gateway ignores fails and leaves the state alone', async () => {
		const staticData: IDataObject = {};
		const settings = {
			event: 'methodWindow',
			method: 'erp.sales.get',
			idField: 'channelId',
			options: { ...fast, pageSize: 10 },
			firstRunLookbackHours: 1,
		};
		await pollWith(settings, staticData);
		const before = JSON.stringify(staticData);
		emulator.modifyShops(
			emulator
				.listShops()
				.filter((shop) => !shop.isBlockup && !shop.isDelete)
				.slice(0, 25)
				.map((shop) => shop.channelCode),
			{ memo: 'x' },
		);
		const failure = await pollWith({ ...settings, pageIndexParameter: 'page' }, staticData).catch(
			(error: unknown) => error,
		);
		expect(errorText(failure)).toMatch(/Page Index Parameter/);
		expect(JSON.stringify(staticData)).toBe(before);
	});

	it('bizcontent that is not JSON names the field and a snippet, before any request', async () => {
		const failure = await pollWith(
			{ event: 'methodWindow', method: 'erp.warehouse.get', bizContent: '{"a":' },
			{},
		).catch((error: unknown) => error);
		expect(errorText(failure)).toMatch(/Business Parameters \(bizcontent\) of the poll is not valid JSON.*\{"a":/);
		expect(emulator.stats().calls).toBe(0);
	});

	it('a page size above the 200 erp.sales.get allows is refused with the fix, before any request', async () => {
		const staticData: IDataObject = {};
		const failure = await pollWith({ options: { ...fast, pageSize: 500 } }, staticData).catch(
			(error: unknown) => error,
		);
		expect(errorText(failure)).toMatch(
			/^Poll: Page Size must be a whole number from 1 to 200, got 500: set "Page Size" in Options/,
		);
		expect(emulator.stats().calls).toBe(0);
		expect(staticData).toEqual({});
	});

	it('an empty App Secret names the field, before any request', async () => {
		const failure = await pollWith({}, {}, jikeyunCredentialData(emulator, { appSecret: '' })).catch(
			(error: unknown) => error,
		);
		expect(errorText(failure)).toMatch(/Poll: .*"App Secret"/);
		expect(emulator.stats().calls).toBe(0);
	});
});
