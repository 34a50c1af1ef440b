import nock from 'nock';
import { Jikeyun } from '../../nodes/Jikeyun/Jikeyun.node';
import { signJikeyunRequest } from '../../nodes/Jikeyun/protocol/sign';
import { DEFAULT_JIKEYUN_APP, startJikeyunEmulator, type JikeyunEmulator } from '../../emulators/jikeyun/server';
import { executeNode } from '../../testing/n8nHarness';
import { jikeyunCredentialData } from '../../emulators/credentials';

const node = new Jikeyun();

function credentialsFor(emulator: JikeyunEmulator, appSecret = DEFAULT_JIKEYUN_APP.appSecret) {
	return { jikeyunApi: jikeyunCredentialData(emulator, { appSecret }) };
}

// Fast pacing for tests: no client-side limit unless a test sets one.
const fast = { requestsPerSecond: 0, maxRetryWaitSeconds: 1 };

describe('Jikeyun node against the gateway emulator', () => {
	let emulator: JikeyunEmulator;

	beforeAll(async () => {
		emulator = await startJikeyunEmulator({ shopCount: 1234, seed: 7 });
	});

	afterAll(async () => {
		await emulator.close();
	});

	beforeEach(() => {
		emulator.setFaults({});
		emulator.resetStats();
	});

	it('Return All over 1,234 shops returns each shop exactly once, ids intact', async () => {
		const { outputs } = await executeNode(node, {
			parameters: {
				resource: 'salesChannel',
				operation: 'getAll',
				returnAll: true,
				filters: { includeDeleteAndBlockup: true },
				options: { ...fast, pageSize: 200 },
			},
			credentials: credentialsFor(emulator),
		});
		const records = outputs[0].map((item) => item.json);
		expect(records).toHaveLength(1234);
		const codes = new Set(records.map((record) => record.channelCode));
		expect(codes.size).toBe(1234);
		const expected = emulator.listShops();
		expect(new Set(expected.map((shop) => shop.channelCode))).toEqual(codes);
		// 19-digit ids arrive as exact strings, equal to the emulator's own.
		const byCode = new Map(expected.map((shop) => [shop.channelCode, shop.channelId]));
		for (const record of records) {
			expect(typeof record.channelId).toBe('string');
			expect(record.channelId).toBe(byCode.get(record.channelCode as string));
		}
		expect(outputs[0].every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
		// 1,234 rows at 200 per page: 7 requests, the last one short, then the same 7 again to confirm the list held still.
		expect(emulator.stats().byMethod['erp.sales.get']).toBe(14);
	});

	it('Limit 75 returns exactly 75', async () => {
		const { outputs } = await executeNode(node, {
			parameters: { resource: 'salesChannel', operation: 'getAll', returnAll: false, limit: 75, options: fast },
			credentials: credentialsFor(emulator),
		});
		expect(outputs[0]).toHaveLength(75);
		expect(new Set(outputs[0].map((item) => item.json.channelCode)).size).toBe(75);
	});

	it('applies filters per input item and pairs every output with its item', async () => {
		const [first, second] = emulator.listShops();
		const { outputs } = await executeNode(node, {
			parameters: { resource: 'salesChannel', operation: 'getAll', returnAll: true, options: fast },
			items: [{ json: {} }, { json: {} }],
			parametersForItem: (i) => ({ filters: { code: i === 0 ? first.channelCode : second.channelCode } }),
			credentials: credentialsFor(emulator),
		});
		expect(outputs[0].map((item) => [item.json.channelCode, item.pairedItem])).toEqual([
			[first.channelCode, { item: 0 }],
			[second.channelCode, { item: 1 }],
		]);
	});

	it('retries throttling and transient failures to success, and the gateway counts them', async () => {
		emulator.setFaults({ throttleAbovePerSecond: 3, failNextCalls: 2 });
		const { outputs, harness } = await executeNode(node, {
			parameters: {
				resource: 'salesChannel',
				operation: 'getAll',
				returnAll: true,
				options: { ...fast, pageSize: 100, maxTries: 20 },
			},
			credentials: credentialsFor(emulator),
		});
		// By default the gateway hides deleted and stopped shops.
		const visible = emulator.listShops().filter((shop) => !shop.isDelete && !shop.isBlockup);
		expect(outputs[0]).toHaveLength(visible.length);
		expect(new Set(outputs[0].map((item) => item.json.channelCode))).toEqual(
			new Set(visible.map((shop) => shop.channelCode)),
		);
		const stats = emulator.stats();
		expect(stats.injectedFailures).toBe(2);
		expect(stats.throttled).toBeGreaterThan(0);
		// The data pages twice (read and confirmation) plus one repeat per refused call.
		const pages = Math.floor(visible.length / 100) + 1;
		expect(harness.requests.length).toBe(2 * pages + stats.injectedFailures + stats.throttled);
	});

	it("fails fast on a bad secret with the gateway's message and no retry", async () => {
		const run = executeNode(node, {
			parameters: { resource: 'salesChannel', operation: 'getAll', returnAll: true, options: fast },
			credentials: credentialsFor(emulator, 'not-the-secret'),
		});
		await expect(run).rejects.toThrow(/签名错误/);
		await expect(run).rejects.toMatchObject({ context: { itemIndex: 0 } });
		expect(emulator.stats().calls).toBe(1);
	});

	it('with Continue On Fail puts the failure on the item and goes on', async () => {
		const { outputs } = await executeNode(node, {
			parameters: {
				resource: 'api',
				operation: 'callMethod',
				method: 'erp.not.subscribed',
				bizContent: '{}',
				options: fast,
			},
			items: [{ json: {} }],
			continueOnFail: true,
			credentials: credentialsFor(emulator),
		});
		expect(outputs[0]).toHaveLength(1);
		expect(outputs[0][0].pairedItem).toEqual({ item: 0 });
		// The error-item shape both nodes share: the single key error, so n8n 1.x and 2.x route it to the error output.
		expect(Object.keys(outputs[0][0].json)).toEqual(['error']);
		expect(outputs[0][0].json.error).toEqual({
			message: expect.stringContaining('0130020310'),
			itemIndex: 0,
			kind: expect.any(String),
			field: '',
			method: 'erp.not.subscribed',
			subCode: '0130020310',
			contextId: expect.anything(),
			description: expect.stringMatching(/^Item 0: .*subscribe/),
		});
	});

	it("with Continue On Fail a bad parameter becomes that item's error item and the other items run", async () => {
		const { outputs } = await executeNode(node, {
			parameters: {
				resource: 'api',
				operation: 'callMethod',
				method: 'erp.sales.get',
				bizContent: '{}',
				options: fast,
			},
			parametersForItem: (itemIndex) => (itemIndex === 1 ? { method: 'not a method' } : {}),
			items: [{ json: {} }, { json: {} }],
			continueOnFail: true,
			credentials: credentialsFor(emulator),
		});
		expect(outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(outputs[0][0].json.error).toBeUndefined();
		expect(outputs[0][1].json).toEqual({
			error: {
				message:
					'Item 1: Method "not a method" is not a Jikeyun method name: give a dotted method name such as erp.warehouse.get',
				itemIndex: 1,
				kind: 'input',
				field: '',
				description: null,
			},
		});
		expect(emulator.stats().calls).toBe(1);
	});

	it('Call Method pages a 1-based method whose data is a bare array', async () => {
		const { outputs } = await executeNode(node, {
			parameters: {
				resource: 'api',
				operation: 'callMethod',
				method: 'wms.order.query-info.page',
				bizContent: '{}',
				paginate: true,
				firstPageIndex: 1,
				pageSize: 7,
				options: fast,
			},
			credentials: credentialsFor(emulator),
		});
		expect(outputs[0].length).toBeGreaterThan(7);
		const keys = outputs[0].map((item) => JSON.stringify(item.json));
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('Call Method reads a JSON-string data payload and a keyed list', async () => {
		const trades = await executeNode(node, {
			parameters: {
				resource: 'api',
				operation: 'callMethod',
				method: 'omsapi-business.order.get',
				bizContent: '{}',
				paginate: true,
				listPath: 'Trades',
				pageSize: 5,
				returnAll: false,
				limit: 12,
				options: fast,
			},
			credentials: credentialsFor(emulator),
		});
		expect(trades.outputs[0]).toHaveLength(12);
		const warehouses = await executeNode(node, {
			parameters: {
				resource: 'api',
				operation: 'callMethod',
				method: 'erp.warehouse.get',
				bizContent: '{"pageIndex":0,"pageSize":50}',
				options: fast,
			},
			credentials: credentialsFor(emulator),
		});
		expect(warehouses.outputs[0]).toHaveLength(1);
		expect(Array.isArray(warehouses.outputs[0][0].json.warehouseInfo)).toBe(true);
	});

	it('rejects bad input before any request, naming the item and the field', async () => {
		await expect(
			executeNode(node, {
				parameters: {
					resource: 'api',
					operation: 'callMethod',
					method: 'erp.warehouse.get',
					bizContent: '{oops',
					options: fast,
				},
				items: [{ json: {} }, { json: {} }],
				credentials: credentialsFor(emulator),
			}),
		).rejects.toThrow(/bizcontent\) of item 0 is not valid JSON/);
		await expect(
			executeNode(node, {
				parameters: {
					resource: 'salesChannel',
					operation: 'getAll',
					filters: { gmtModifiedStart: 'last tuesday' },
					options: fast,
				},
				credentials: credentialsFor(emulator),
			}),
		).rejects.toThrow(/gmtModifiedStart/);
		await expect(
			executeNode(node, {
				parameters: { resource: 'salesChannel', operation: 'getAll', options: { ...fast, pageSize: 500 } },
				credentials: credentialsFor(emulator),
			}),
		).rejects.toThrow(/Page Size/);
		expect(emulator.stats().calls).toBe(0);
	});
});

describe('Jikeyun request bytes (nock)', () => {
	afterEach(() => {
		nock.cleanAll();
		nock.enableNetConnect();
	});

	it('posts a signed form with every value encoded and the secret nowhere', async () => {
		nock.disableNetConnect();
		let body = '';
		let contentType = '';
		nock('https://open.jackyun.com')
			.post('/open/openapi/do', (raw: unknown) => {
				body = typeof raw === 'string' ? raw : new URLSearchParams(raw as Record<string, string>).toString();
				return true;
			})
			.reply(function reply() {
				contentType = String(this.req.headers['content-type']);
				return [200, '{"code":200,"msg":"","result":{"data":{"salesChannelInfo":[]},"contextId":"1"},"subCode":""}'];
			});
		const secret = 'nock-secret-value';
		await executeNode(node, {
			parameters: {
				resource: 'salesChannel',
				operation: 'getAll',
				returnAll: true,
				filters: { name: 'A&B+C=100% "旗舰" 🛒' },
				options: { requestsPerSecond: 0 },
			},
			credentials: {
				jikeyunApi: {
					gatewayUrl: 'https://open.jackyun.com/open/openapi/do',
					appKey: '187657',
					appSecret: secret,
					version: 'v1.0',
				},
			},
		});
		expect(contentType).toBe('application/x-www-form-urlencoded;charset=UTF-8');
		expect(body).not.toContain(secret);
		// Every value is percent-encoded: no raw &, + or = inside a value.
		expect(body.split('&').map((pair) => pair.split('=')[0])).toEqual([
			'method',
			'appkey',
			'version',
			'contenttype',
			'timestamp',
			'bizcontent',
			'sign',
		]);
		const params = Object.fromEntries(new URLSearchParams(body).entries());
		expect(JSON.parse(params.bizcontent)).toEqual({ name: 'A&B+C=100% "旗舰" 🛒', pageIndex: 0, pageSize: 50 });
		expect(params.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		const { sign, ...signed } = params;
		expect(sign).toBe(signJikeyunRequest(signed, secret));
	});
});

describe('Jikeyun node call report', () => {
	let emulator: JikeyunEmulator;
	beforeAll(async () => {
		emulator = await startJikeyunEmulator({ shopCount: 130, seed: 31 });
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('counts calls, retries and throttles in the hint; the optional report item lists every call without the secret', async () => {
		emulator.setFaults({ throttleAbovePerSecond: 3, failNextCalls: 1 });
		try {
			const { outputs, harness } = await executeNode(new Jikeyun(), {
				parameters: {
					resource: 'salesChannel',
					operation: 'getAll',
					returnAll: true,
					options: {
						requestsPerSecond: 0,
						maxRetryWaitSeconds: 1,
						maxTries: 20,
						pageSize: 50,
						includeCallReport: true,
					},
				},
				items: [{ json: {} }, { json: {} }],
				credentials: { jikeyunApi: jikeyunCredentialData(emulator) },
			});
			const stats = emulator.stats();
			const reportItem = outputs[0][outputs[0].length - 1];
			expect(reportItem.pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
			const report = reportItem.json.callReport as {
				summary: { calls: number; retries: number; throttled: number };
				calls: Array<Record<string, unknown>>;
			};
			expect(report.summary.calls).toBe(stats.calls);
			expect(report.summary.throttled).toBe(stats.throttled);
			expect(report.summary.retries).toBe(stats.throttled + stats.injectedFailures);
			expect(report.calls).toHaveLength(stats.calls);
			expect(report.calls[0]).toMatchObject({ system: 'jikeyun', call: 'erp.sales.get', part: 'page 0', attempt: 1 });
			expect(harness.hints).toEqual([
				{ message: expect.stringContaining(`Jikeyun: ${stats.calls} API calls`), location: 'outputPane' },
			]);
			expect(harness.hints[0].message).toContain(`${stats.throttled} throttled`);
			expect(harness.logs.filter((line) => line.startsWith('debug Jikeyun call erp.sales.get'))).toHaveLength(
				stats.calls,
			);
			const everything = JSON.stringify(outputs) + harness.hints[0].message + harness.logs.join('\n');
			expect(everything).not.toContain(DEFAULT_JIKEYUN_APP.appSecret);
		} finally {
			emulator.setFaults({});
		}
	});
});
