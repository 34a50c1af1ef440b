/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets */
import { parseJsonLossless } from '../../nodes/common/losslessJson';
import { signJikeyunRequest } from '../../nodes/Jikeyun/protocol/sign';
import { formatBeijingTime } from '../../nodes/Jikeyun/protocol/timestamp';
import {
	DEFAULT_JIKEYUN_APP,
	startJikeyunEmulator,
	type JikeyunEmulator,
	type JikeyunShop,
} from '../../emulators/jikeyun/server';

/** The example of docs/jikeyun-open-api.md#test-vector (official signing documentation). */
const VECTOR_APP = {
	appKey: '187657',
	appSecret: 'f0d1483f1f2e49cea3dfd48c8d7e3c23',
	methods: ['erp.goods.skuimport'],
};
const VECTOR_BIZCONTENT = '{"brandName":"衣服","goodsNo":"H06-2"}';
/** The request of docs/jikeyun-open-api.md#wire-encoding, byte for byte. */
const VECTOR_WIRE_BODY =
	'appkey=187657&bizcontent=%7B%22brandName%22%3A%22%E8%A1%A3%E6%9C%8D%22%2C%22goodsNo%22%3A%22H06-2%22%7D&contenttype=json&method=erp.goods.skuimport&timestamp=2019-07-30+15%3A18%3A30&version=v1.0&sign=20cda156f86b919dd737a999041ac350';
const WAREHOUSE_ONLY_APP = { appKey: '20000002', appSecret: 'warehouse-only-secret', methods: ['erp.warehouse.get'] };
const ALL_SECRETS = [DEFAULT_JIKEYUN_APP.appSecret, VECTOR_APP.appSecret, WAREHOUSE_ONLY_APP.appSecret];

interface Envelope {
	code: number;
	msg: string;
	subCode: string;
	result: { data: unknown; contextId: string };
}

interface GatewayReply {
	status: number;
	text: string;
	envelope: Envelope;
}

interface CallOptions {
	method?: string;
	/** An object is serialised with JSON.stringify; a string is sent (and signed) as is. */
	bizcontent?: unknown;
	app?: { appKey: string; appSecret: string };
	timestamp?: string;
	/** Change the parameters after signing. */
	afterSigning?: (parameters: Record<string, string>) => void;
}

function signedParameters(options: CallOptions): Record<string, string> {
	const app = options.app ?? DEFAULT_JIKEYUN_APP;
	const parameters: Record<string, string> = {
		method: options.method ?? 'erp.sales.get',
		appkey: app.appKey,
		version: 'v1.0',
		contenttype: 'json',
		timestamp: options.timestamp ?? formatBeijingTime(new Date()),
		bizcontent: typeof options.bizcontent === 'string' ? options.bizcontent : JSON.stringify(options.bizcontent ?? {}),
	};
	parameters.sign = signJikeyunRequest(parameters, app.appSecret);
	options.afterSigning?.(parameters);
	return parameters;
}

async function post(url: string, body: string, contentType = 'application/x-www-form-urlencoded;charset=UTF-8') {
	const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': contentType }, body });
	return { status: response.status, text: await response.text() };
}

async function call(emulator: JikeyunEmulator, options: CallOptions = {}): Promise<GatewayReply> {
	const { status, text } = await post(emulator.url, new URLSearchParams(signedParameters(options)).toString());
	for (const secret of ALL_SECRETS) expect(text).not.toContain(secret);
	return { status, text, envelope: status === 200 ? (parseJsonLossless(text) as Envelope) : ({} as Envelope) };
}

async function salesPage(emulator: JikeyunEmulator, bizcontent: Record<string, unknown>): Promise<JikeyunShop[]> {
	const { envelope } = await call(emulator, { bizcontent });
	expect(envelope).toMatchObject({ code: 200, subCode: '' });
	return (envelope.result.data as { salesChannelInfo: JikeyunShop[] }).salesChannelInfo;
}

async function scanAll(emulator: JikeyunEmulator, pageSize: number, filters: Record<string, unknown> = {}) {
	const shops: JikeyunShop[] = [];
	for (let pageIndex = 0; pageIndex < 1000; pageIndex++) {
		const page = await salesPage(emulator, { ...filters, pageIndex, pageSize });
		shops.push(...page);
		if (page.length < pageSize) break;
	}
	return shops;
}

function isListedByDefault(shop: JikeyunShop): boolean {
	return shop.isBlockup !== 1 && shop.isDelete !== 1;
}

function byChannelId(a: JikeyunShop, b: JikeyunShop): number {
	const difference = BigInt(a.channelId) - BigInt(b.channelId);
	return difference < BigInt(0) ? -1 : difference > BigInt(0) ? 1 : 0;
}

function codesOf(shops: JikeyunShop[]): string[] {
	return shops.map((shop) => shop.channelCode).sort();
}

const minutesFromNow = (minutes: number) => formatBeijingTime(new Date(Date.now() + minutes * 60_000));

describe('Jikeyun gateway emulator', () => {
	let emulator: JikeyunEmulator;
	let allShops: JikeyunShop[];
	let listed: JikeyunShop[];

	beforeAll(async () => {
		emulator = await startJikeyunEmulator({
			shopCount: 1234,
			seed: 42,
			apps: [DEFAULT_JIKEYUN_APP, VECTOR_APP, WAREHOUSE_ONLY_APP],
		});
		allShops = emulator.listShops();
		listed = allShops.filter(isListedByDefault).sort(byChannelId);
	});
	afterAll(() => emulator.close());

	describe('signature and public parameters', () => {
		it('accepts the docs/jikeyun-open-api.md#test-vector request with a fresh timestamp', async () => {
			const reply = await call(emulator, {
				app: VECTOR_APP,
				method: 'erp.goods.skuimport',
				bizcontent: VECTOR_BIZCONTENT,
			});
			expect(reply.status).toBe(200);
			expect(reply.text).toMatch(
				/^\{"code":200,"msg":"","result":\{"data":\{\},"contextId":"\d{19}"\},"subCode":""\}$/,
			);
		});

		it('rejects the same request with a tampered bizcontent as 0858030801 签名错误', async () => {
			const reply = await call(emulator, {
				app: VECTOR_APP,
				method: 'erp.goods.skuimport',
				bizcontent: VECTOR_BIZCONTENT,
				afterSigning: (parameters) => {
					parameters.bizcontent = parameters.bizcontent.replace('H06-2', 'H06-3');
				},
			});
			expect(reply.status).toBe(200);
			expect(reply.text).toMatch(
				/^\{"code":0,"msg":"[^"]*","result":\{"data":null,"contextId":"\d{19}"\},"subCode":"0858030801"\}$/,
			);
			expect(reply.envelope.msg).toContain('签名错误');
		});

		it('rejects an upper-case hex signature (a known wrong client variant)', async () => {
			const reply = await call(emulator, {
				afterSigning: (parameters) => {
					parameters.sign = parameters.sign.toUpperCase();
				},
			});
			expect(reply.envelope).toMatchObject({ code: 0, subCode: '0858030801' });
		});

		it('accepts the docs/jikeyun-open-api.md#wire-encoding body verbatim when the allowed skew reaches back to 2019', async () => {
			const lenient = await startJikeyunEmulator({ apps: [VECTOR_APP], timestampSkewSeconds: 60 * 365 * 86_400 });
			try {
				const accepted = await post(lenient.url, VECTOR_WIRE_BODY, 'application/x-www-form-urlencoded');
				expect(JSON.parse(accepted.text)).toMatchObject({ code: 200, subCode: '', result: { data: {} } });
				const tampered = await post(lenient.url, VECTOR_WIRE_BODY.replace('H06-2', 'H06-3'));
				expect(JSON.parse(tampered.text)).toMatchObject({ code: 0, subCode: '0858030801', result: { data: null } });
			} finally {
				await lenient.close();
			}
		});

		it('accepts the vendor demo style: unencoded values with a literal space, no charset suffix', async () => {
			const parameters = signedParameters({ bizcontent: { pageIndex: 0, pageSize: 2, code: listed[0].channelCode } });
			const raw = Object.entries(parameters)
				.map(([name, value]) => `${name}=${value}`)
				.join('&');
			expect(raw).toContain(' ');
			const { text } = await post(emulator.url, raw, 'application/x-www-form-urlencoded');
			const envelope = parseJsonLossless(text) as Envelope;
			expect(envelope.code).toBe(200);
			expect((envelope.result.data as { salesChannelInfo: JikeyunShop[] }).salesChannelInfo).toEqual([listed[0]]);
		});

		it('reads the parameters from the query string too (with an unrelated JSON body)', async () => {
			const query = new URLSearchParams(signedParameters({ bizcontent: { pageSize: 1 } })).toString();
			const { text } = await post(`${emulator.url}?${query}`, '{"unrelated":true}', 'application/json');
			expect(JSON.parse(text)).toMatchObject({ code: 200, subCode: '' });
		});

		it('answers 0130020310 with the exact message for an unknown appkey', async () => {
			const { envelope } = await call(emulator, { app: { appKey: '99999999', appSecret: 'whatever' } });
			expect(envelope).toMatchObject({
				code: 0,
				subCode: '0130020310',
				msg: 'appKey=99999999,method=erp.sales.get,未查询到应用或应用未订阅此API',
				result: { data: null },
			});
		});

		it('answers 0130020310 for a method the app has not subscribed and for unknown methods', async () => {
			const notSubscribed = await call(emulator, { app: WAREHOUSE_ONLY_APP, method: 'erp.sales.get' });
			expect(notSubscribed.envelope).toMatchObject({
				code: 0,
				subCode: '0130020310',
				msg: 'appKey=20000002,method=erp.sales.get,未查询到应用或应用未订阅此API',
			});
			const subscribed = await call(emulator, { app: WAREHOUSE_ONLY_APP, method: 'erp.warehouse.get' });
			expect(subscribed.envelope.code).toBe(200);
			const unknown = await call(emulator, { method: 'erp.nothing.here' });
			expect(unknown.envelope).toMatchObject({ code: 0, subCode: '0130020310' });
			expect(unknown.envelope.msg).toBe('appKey=10000001,method=erp.nothing.here,未查询到应用或应用未订阅此API');
		});

		it('rejects timestamps outside the default ten-minute skew and in the wrong format, with 时间戳 in the message', async () => {
			for (const timestamp of [minutesFromNow(-11), minutesFromNow(11), '2024-01-01T00:00:00', '2024/01/01 00:00:00']) {
				const { envelope } = await call(emulator, { timestamp });
				expect(envelope.code).toBe(0);
				expect(envelope.subCode).not.toBe('');
				expect(envelope.msg).toContain('时间戳');
			}
			for (const timestamp of [minutesFromNow(-9), minutesFromNow(9)]) {
				expect((await call(emulator, { timestamp })).envelope.code).toBe(200);
			}
		});

		it('names a missing required parameter and rejects a contenttype other than json', async () => {
			const missing = await call(emulator, {
				afterSigning: (parameters) => {
					delete parameters.version;
				},
			});
			expect(missing.envelope).toMatchObject({ code: 0, subCode: '0130020001' });
			expect(missing.envelope.msg).toContain('version');

			const parameters: Record<string, string> = {
				method: 'erp.sales.get',
				appkey: DEFAULT_JIKEYUN_APP.appKey,
				version: 'v1.0',
				contenttype: 'xml',
				timestamp: formatBeijingTime(new Date()),
				bizcontent: '{}',
			};
			parameters.sign = signJikeyunRequest(parameters, DEFAULT_JIKEYUN_APP.appSecret);
			const { text } = await post(emulator.url, new URLSearchParams(parameters).toString());
			expect(JSON.parse(text)).toMatchObject({ code: 0, result: { data: null } });
			expect(JSON.parse(text).msg).toContain('contenttype');
		});
	});

	describe('erp.sales.get', () => {
		it('pages over 1,234 shops returning every listed shop exactly once, in ascending channelId order', async () => {
			const scanned = await scanAll(emulator, 200);
			expect(listed.length).toBeGreaterThan(1100);
			expect(listed.length).toBeLessThan(allShops.length);
			expect(scanned).toEqual(listed);
			expect(new Set(scanned.map((shop) => shop.channelId)).size).toBe(scanned.length);

			const again = await scanAll(emulator, 97);
			expect(again.map((shop) => shop.channelId)).toEqual(scanned.map((shop) => shop.channelId));
			expect(await salesPage(emulator, { pageIndex: 100, pageSize: 50 })).toEqual([]);
		});

		it('writes channelId as a bare 19-digit JSON number, and has no totals or modification times', async () => {
			const { text, envelope } = await call(emulator, { bizcontent: { pageIndex: 0, pageSize: 20 } });
			const ids = [...text.matchAll(/"channelId":(\d+)[,}]/g)].map((match) => match[1]);
			expect(ids).toHaveLength(20);
			for (const id of ids) expect(id).toMatch(/^[1-9]\d{18}$/);
			expect(text).not.toContain('"channelId":"');
			expect(ids).toEqual(listed.slice(0, 20).map((shop) => shop.channelId));
			// Plain JSON.parse would round them: that is the point of sending them as numbers.
			const naive = JSON.parse(text).result.data.salesChannelInfo[0].channelId as number;
			expect(String(naive)).not.toBe(ids[0]);

			const data = envelope.result.data as Record<string, unknown>;
			expect(Object.keys(data)).toEqual(['salesChannelInfo']);
			expect(text).not.toMatch(/gmtModified|gmtCreate|total/i);
		});

		it('mixes number and string typing of numeric fields across records', async () => {
			const kinds = new Set(listed.map((shop) => typeof shop.cateId));
			expect(kinds).toEqual(new Set(['number', 'string']));
			const stringy = listed.find((shop) => typeof shop.companyId === 'string') as JikeyunShop;
			const { text } = await call(emulator, { bizcontent: { code: stringy.channelCode } });
			expect(text).toContain(`"companyId":"${stringy.companyId}"`);
		});

		it('seeds realistic names and the awkward ones', () => {
			const names = allShops.map((shop) => shop.channelName);
			for (const marker of ['天猫', '京东', '拼多多', '抖音', '门店', '分销', '"', "'", '&', '+', '%', '=', '🎉']) {
				expect(names.some((name) => name.includes(marker))).toBe(true);
			}
			expect(names.some((name) => name.length > 300)).toBe(true);
			expect(names.some((name) => name !== name.trimStart())).toBe(true);
			expect(names.some((name) => name !== name.trimEnd())).toBe(true);
			expect(new Set(allShops.map((shop) => shop.channelCode)).size).toBe(allShops.length);
		});

		it('filters by exact code and by name substring (awkward characters survive the round trip)', async () => {
			const target = listed[321];
			expect(await salesPage(emulator, { code: target.channelCode })).toEqual([target]);
			expect(await salesPage(emulator, { code: target.channelCode.slice(0, -1) })).toEqual([]);

			for (const fragment of ['100%=正品', '"Best"', '🎉', '  前导']) {
				const expected = listed.filter((shop) => shop.channelName.includes(fragment));
				expect(expected.length).toBeGreaterThan(0);
				expect(await scanAll(emulator, 200, { name: fragment })).toEqual(expected);
			}
		});

		it('filters by channelCodes, channelIds (string or array of bare numbers) and cateNames', async () => {
			const picked = [listed[5], listed[700], listed[1000]];
			const codes = picked.map((shop) => shop.channelCode);
			expect(codesOf(await salesPage(emulator, { channelCodes: codes.join(',') }))).toEqual([...codes].sort());

			const ids = picked.map((shop) => shop.channelId);
			expect(codesOf(await salesPage(emulator, { channelIds: ` ${ids.join(' , ')} ` }))).toEqual([...codes].sort());
			const { envelope } = await call(emulator, { bizcontent: `{"channelIds":[${ids.join(',')}]}` });
			const byNumbers = (envelope.result.data as { salesChannelInfo: JikeyunShop[] }).salesChannelInfo;
			expect(codesOf(byNumbers)).toEqual([...codes].sort());

			const stores = listed.filter((shop) => shop.cateName === '线下门店');
			expect(stores.length).toBeGreaterThan(0);
			expect(await scanAll(emulator, 200, { cateNames: '线下门店' })).toEqual(stores);
		});

		it('hides deleted and blocked shops unless asked for them', async () => {
			const blocked = allShops.filter((shop) => shop.isBlockup === 1 && shop.isDelete !== 1).sort(byChannelId);
			const deleted = allShops.filter((shop) => shop.isDelete === 1 && shop.isBlockup !== 1).sort(byChannelId);
			expect(blocked.length).toBeGreaterThan(0);
			expect(deleted.length).toBeGreaterThan(0);
			expect(await scanAll(emulator, 200, { isBlockup: 1 })).toEqual(blocked);
			expect(await scanAll(emulator, 200, { isDelete: '1' })).toEqual(deleted);
			expect(await scanAll(emulator, 200, { includeDeleteAndBlockup: 1 })).toHaveLength(allShops.length);
		});

		it('accepts numeric strings for paging, defaults pageSize to 50 and ignores unknown keys', async () => {
			const second = await salesPage(emulator, { pageIndex: 1, pageSize: 10 });
			expect(second).toEqual(listed.slice(10, 20));
			expect(await salesPage(emulator, { pageIndex: '1', pageSize: '10', noSuchFilter: 'x' })).toEqual(second);
			expect(await salesPage(emulator, {})).toEqual(listed.slice(0, 50));
			expect(await salesPage(emulator, { pageNo: 3, page_size: 5 })).toEqual(listed.slice(0, 50));
		});

		it('answers 0130020327 above 200 rows per page and fails on malformed bizcontent', async () => {
			expect((await salesPage(emulator, { pageSize: 200 })).length).toBe(200);
			const tooLarge = await call(emulator, { bizcontent: { pageSize: 201 } });
			expect(tooLarge.envelope).toMatchObject({ code: 0, subCode: '0130020327', result: { data: null } });

			for (const bizcontent of [
				'not json',
				'[1,2]',
				'{"pageIndex":-1}',
				'{"pageSize":"ten"}',
				'{"gmtModifiedStart":"2024-01-01"}',
			]) {
				const { status, envelope } = await call(emulator, { bizcontent });
				expect(status).toBe(200);
				expect(envelope).toMatchObject({ code: 0, result: { data: null } });
				expect(envelope.subCode).not.toBe('');
			}
		});
	});

	describe('other methods', () => {
		it('erp.warehouse.get: warehouseInfo, 0-based paging, deleted/blocked hidden by default', async () => {
			const pages: unknown[][] = [];
			const texts: string[] = [];
			for (let pageIndex = 0; pageIndex < 4; pageIndex++) {
				const { envelope, text } = await call(emulator, {
					method: 'erp.warehouse.get',
					bizcontent: { pageIndex, pageSize: 4 },
				});
				pages.push((envelope.result.data as { warehouseInfo: unknown[] }).warehouseInfo);
				texts.push(text);
			}
			expect(pages.map((page) => page.length)).toEqual([4, 4, 2, 0]);
			// The pages with rows write the ids as bare 19-digit numbers.
			for (const text of texts.slice(0, 3)) expect(text).toMatch(/"warehouseId":\d{19}[,}]/);
			const { envelope } = await call(emulator, {
				method: 'erp.warehouse.get',
				bizcontent: { includeDeleteAndBlockup: 1 },
			});
			expect((envelope.result.data as { warehouseInfo: unknown[] }).warehouseInfo).toHaveLength(12);
		});

		it('wms.order.query-info.page: 1-based pages, the list directly in data, 24-hour window limit', async () => {
			const window = { startModifyTime: '2024-06-01 00:00:00', endModifyTime: '2024-06-01 23:59:59' };
			const read = async (bizcontent: Record<string, unknown>) => {
				const { envelope } = await call(emulator, { method: 'wms.order.query-info.page', bizcontent });
				expect(envelope.code).toBe(200);
				expect(Array.isArray(envelope.result.data)).toBe(true);
				return envelope.result.data as Array<{ deliveryNo: string; orderId: string }>;
			};
			const first = await read({ ...window, pageIndex: 1, pageSize: 50 });
			const second = await read({ ...window, pageIndex: 2, pageSize: 50 });
			expect(first).toHaveLength(50);
			expect(second).toHaveLength(50);
			expect(second[0].deliveryNo).not.toBe(first[0].deliveryNo);
			expect(await read({ ...window, pageIndex: 0, pageSize: 50 })).toEqual(first);
			expect(first[0].orderId).toMatch(/^\d{19}$/);

			const tooWide = await call(emulator, {
				method: 'wms.order.query-info.page',
				bizcontent: { startModifyTime: '2024-06-01 00:00:00', endModifyTime: '2024-06-02 00:00:01' },
			});
			expect(tooWide.envelope).toMatchObject({ code: 0, subCode: '0050030002' });
		});

		it('omsapi-business.order.get: data is a JSON string holding {"Trades":[…]}, 0-based', async () => {
			const read = async (pageIndex: number) => {
				const { envelope } = await call(emulator, {
					method: 'omsapi-business.order.get',
					bizcontent: { pageIndex, pageSize: 30 },
				});
				expect(typeof envelope.result.data).toBe('string');
				const inner = envelope.result.data as string;
				const trades = (parseJsonLossless(inner) as { Trades: Array<{ TradeNo: string; ShopId: string }> }).Trades;
				return { trades, inner };
			};
			const answers = [await read(0), await read(1), await read(2), await read(3)];
			const pages = answers.map((answer) => answer.trades);
			expect(pages.map((page) => page.length)).toEqual([30, 30, 15, 0]);
			// The pages with trades write the shop ids as bare 19-digit numbers.
			for (const { inner } of answers.slice(0, 3)) expect(inner).toMatch(/"ShopId":\d{19}[,}]/);
			const shopIds = new Set(allShops.map((shop) => shop.channelId));
			expect(shopIds.has(pages[0][0].ShopId)).toBe(true);
		});
	});

	describe('robustness', () => {
		it('survives garbage input and keeps answering', async () => {
			const garbage = [
				'',
				'%%%&&&===',
				'method=%E4%ZZ&appkey=%&sign=%C3%28',
				Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x3d, 0x26]).toString('latin1'),
				'a'.repeat(200_000),
			];
			for (const body of garbage) {
				const { status, text } = await post(emulator.url, body);
				expect(status).toBe(200);
				expect(JSON.parse(text)).toMatchObject({ code: 0, result: { data: null } });
			}
			const json = await post(emulator.url, '{"method":"erp.sales.get"}', 'application/json');
			expect(JSON.parse(json.text)).toMatchObject({ code: 0, subCode: '0130020001' });
			expect((await fetch(emulator.url)).status).toBe(405);
			expect((await fetch(emulator.url.replace('/open/openapi/do', '/nope'), { method: 'POST' })).status).toBe(404);
			expect((await call(emulator, { bizcontent: { pageSize: 1 } })).envelope.code).toBe(200);
		});
	});
});

describe('Jikeyun emulator data changes', () => {
	let emulator: JikeyunEmulator;
	beforeEach(async () => {
		emulator = await startJikeyunEmulator({ shopCount: 60, seed: 3 });
	});
	afterEach(() => emulator.close());

	const recentWindow = () => ({ gmtModifiedStart: minutesFromNow(-5), gmtModifiedEnd: formatBeijingTime(new Date()) });

	it('is deterministic per seed', async () => {
		const twin = await startJikeyunEmulator({ shopCount: 60, seed: 3 });
		const other = await startJikeyunEmulator({ shopCount: 60, seed: 4 });
		try {
			expect(twin.listShops()).toEqual(emulator.listShops());
			expect(other.listShops()).not.toEqual(emulator.listShops());
		} finally {
			await twin.close();
			await other.close();
		}
	});

	it('modifyShops bumps the hidden modification time: a gmtModified window returns exactly the modified shops', async () => {
		expect(await salesPage(emulator, recentWindow())).toEqual([]);
		const [first, second, third] = emulator.listShops().filter(isListedByDefault).slice(3, 6);
		emulator.modifyShops([first.channelCode, second.channelCode], { linkMan: '新联系人' });
		emulator.modifyShops([third.channelCode], (shop) => ({ channelName: `${shop.channelName}(改)` }));

		const changed = await salesPage(emulator, recentWindow());
		expect(codesOf(changed)).toEqual(codesOf([first, second, third]));
		expect(changed.find((shop) => shop.channelCode === first.channelCode)?.linkMan).toBe('新联系人');
		expect(changed.find((shop) => shop.channelCode === third.channelCode)?.channelName).toBe(
			`${third.channelName}(改)`,
		);
		expect(changed.find((shop) => shop.channelCode === third.channelCode)?.channelId).toBe(third.channelId);
		// The seeded history (2023–2024) lies outside the window and is still there.
		expect(await scanAll(emulator, 50)).toHaveLength(emulator.listShops().filter(isListedByDefault).length);
		expect(() => emulator.modifyShops(['NO-SUCH-CODE'], {})).toThrow('NO-SUCH-CODE');
	});

	it('addShops appends new shops with fresh codes, visible in scans and in a recent window', async () => {
		const before = emulator.listShops();
		const added = emulator.addShops(25);
		expect(added).toHaveLength(25);
		expect(emulator.listShops()).toHaveLength(85);
		const codes = new Set(emulator.listShops().map((shop) => shop.channelCode));
		expect(codes.size).toBe(85);
		const addedListed = added.filter(isListedByDefault);
		expect(codesOf(await scanAll(emulator, 200, recentWindow()))).toEqual(codesOf(addedListed));
		const everything = await scanAll(emulator, 200);
		expect(everything).toHaveLength([...before, ...added].filter(isListedByDefault).length);
	});
});

describe('Jikeyun emulator pageDrift fault', () => {
	let emulator: JikeyunEmulator;
	beforeEach(async () => {
		emulator = await startJikeyunEmulator({ shopCount: 40, seed: 5 });
	});
	afterEach(() => emulator.close());

	const activeInOrder = () => emulator.listShops().filter(isListedByDefault).sort(byChannelId);
	const recentWindow = () => ({ gmtModifiedStart: minutesFromNow(-5), gmtModifiedEnd: minutesFromNow(1) });

	it('stops, renames and adds shops at the start of the list just before page 1, once', async () => {
		const before = activeInOrder();
		emulator.setFaults({ pageDrift: { stopFirst: 2, renameFirst: 3, addFirst: 4 } });
		const page0 = await salesPage(emulator, { pageIndex: 0, pageSize: 10 });
		expect(codesOf(page0)).toEqual(codesOf(before.slice(0, 10)));
		expect(emulator.listShops().filter(isListedByDefault)).toHaveLength(before.length);

		const page1 = await salesPage(emulator, { pageIndex: 1, pageSize: 10 });
		const after = activeInOrder();
		expect(after).toHaveLength(before.length - 2 + 4);
		const stopped = emulator
			.listShops()
			.filter((shop) => before.slice(0, 2).some((b) => b.channelCode === shop.channelCode));
		expect(stopped.map((shop) => shop.isBlockup)).toEqual([1, 1]);
		const added = after.slice(0, 4);
		expect(added.every((shop) => !before.some((b) => b.channelCode === shop.channelCode))).toBe(true);
		expect(added.every((shop) => shop.channelId.length === 19)).toBe(true);
		expect(after.slice(4, 7).map((shop) => shop.channelName)).toEqual(
			before.slice(2, 5).map((shop) => `${shop.channelName} (renamed)`),
		);
		// Page 1 is answered from the changed list: offsets shifted by +4 −2.
		expect(page1.map((shop) => shop.channelCode)).toEqual(after.slice(10, 20).map((shop) => shop.channelCode));
		// The changed and added shops carry a fresh modification time; a second page-1 call changes nothing.
		expect(codesOf(await scanAll(emulator, 50, recentWindow()))).toEqual(codesOf(after.slice(0, 7)));
		await salesPage(emulator, { pageIndex: 1, pageSize: 10 });
		expect(activeInOrder()).toHaveLength(after.length);
	});

	it('honours beforePageIndex, and is accepted by POST /__admin/faults (bad values → 400)', async () => {
		const admin = emulator.url.replace('/open/openapi/do', '/__admin');
		const postFaults = async (value: unknown) =>
			(await fetch(`${admin}/faults`, { method: 'POST', body: JSON.stringify(value) })).status;
		expect(await postFaults({ pageDrift: { beforePageIndex: -1 } })).toBe(400);
		expect(await postFaults({ pageDrift: { addFirst: 1.5 } })).toBe(400);
		expect(await postFaults({ pageDrift: { beforePageIndex: 2, addFirst: 1 } })).toBe(200);
		const count = activeInOrder().length;
		await salesPage(emulator, { pageIndex: 1, pageSize: 10 });
		expect(activeInOrder()).toHaveLength(count);
		await salesPage(emulator, { pageIndex: 2, pageSize: 10 });
		expect(activeInOrder()).toHaveLength(count + 1);
	});
});

describe('Jikeyun emulator faults and stats', () => {
	let emulator: JikeyunEmulator;
	beforeEach(async () => {
		emulator = await startJikeyunEmulator({ shopCount: 10, seed: 9 });
	});
	afterEach(() => emulator.close());

	it('throttles above N calls per second with subCode 0859999999 by default', async () => {
		emulator.setFaults({ throttleAbovePerSecond: 2 });
		const replies = await Promise.all([1, 2, 3, 4, 5].map(() => call(emulator)));
		expect(replies.every((reply) => reply.status === 200)).toBe(true);
		const throttled = replies.filter((reply) => reply.envelope.code === 0);
		expect(replies.filter((reply) => reply.envelope.code === 200)).toHaveLength(2);
		expect(throttled).toHaveLength(3);
		for (const reply of throttled) {
			expect(reply.envelope).toMatchObject({
				subCode: '0859999999',
				msg: '上游限流/暂时不可用',
				result: { data: null },
			});
		}
		expect(emulator.stats()).toMatchObject({ calls: 5, throttled: 3, rejected: 0, injectedFailures: 0 });
	});

	it.each([
		['http429', 429],
		['http503', 503],
	] as const)('throttles with HTTP %s when asked', async (mode, status) => {
		emulator.setFaults({ throttleAbovePerSecond: 1, throttleResponse: mode });
		const replies = await Promise.all([1, 2, 3].map(() => call(emulator)));
		expect(replies.map((reply) => reply.status).sort()).toEqual([200, status, status]);
		expect(emulator.stats().throttled).toBe(2);
	});

	it('fails exactly the next N calls transiently with 0130020001 未知错误', async () => {
		emulator.setFaults({ failNextCalls: 2 });
		const envelopes = [];
		for (let i = 0; i < 3; i++) envelopes.push((await call(emulator)).envelope);
		const failed = { code: 0, subCode: '0130020001', msg: '未知错误', result: { data: null } };
		expect(envelopes).toMatchObject([failed, failed, { code: 200, subCode: '' }]);
		expect(emulator.stats()).toMatchObject({ calls: 3, injectedFailures: 2 });
	});

	it('draws random failures from a seeded generator (same seed, same sequence)', async () => {
		const twin = await startJikeyunEmulator({ shopCount: 10, seed: 9 });
		try {
			const outcomes = async (target: JikeyunEmulator) => {
				target.setFaults({ failureRate: 0.5 });
				const codes: number[] = [];
				for (let i = 0; i < 16; i++) codes.push((await call(target)).envelope.code);
				return codes;
			};
			const first = await outcomes(emulator);
			expect(await outcomes(twin)).toEqual(first);
			expect(first).toContain(0);
			expect(first).toContain(200);
			emulator.setFaults({ failureRate: 1 });
			expect((await call(emulator)).envelope.subCode).toBe('0130020001');
		} finally {
			await twin.close();
		}
	});

	it('answers 0130000609 to every call while the quota is exhausted, and {} clears the faults', async () => {
		emulator.setFaults({ quotaExhausted: true, latencyMs: 3 });
		expect((await call(emulator)).envelope).toMatchObject({ code: 0, subCode: '0130000609' });
		expect((await call(emulator, { method: 'erp.warehouse.get' })).envelope.subCode).toBe('0130000609');
		emulator.setFaults({});
		expect((await call(emulator)).envelope.code).toBe(200);
	});

	it('counts every call by method and by outcome', async () => {
		await call(emulator);
		await call(emulator, { method: 'erp.warehouse.get' });
		await call(emulator, { afterSigning: (parameters) => (parameters.sign = '0'.repeat(32)) });
		await call(emulator, { bizcontent: { pageSize: 500 } });
		emulator.setFaults({ failNextCalls: 1 });
		await call(emulator);
		await post(emulator.url, 'garbage');
		expect(emulator.stats()).toEqual({
			calls: 6,
			byMethod: { 'erp.sales.get': 4, 'erp.warehouse.get': 1, '(none)': 1 },
			throttled: 0,
			injectedFailures: 1,
			rejected: 3,
		});
		emulator.resetStats();
		expect(emulator.stats()).toEqual({ calls: 0, byMethod: {}, throttled: 0, injectedFailures: 0, rejected: 0 });
	});

	it('serves the admin endpoints', async () => {
		const admin = emulator.url.replace('/open/openapi/do', '/__admin');
		const postJson = async (path: string, value: unknown) => {
			const response = await fetch(`${admin}${path}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(value),
			});
			return { status: response.status, body: (await response.json()) as Record<string, unknown> };
		};

		const shops = (await (await fetch(`${admin}/shops`)).json()) as JikeyunShop[];
		expect(shops).toEqual(emulator.listShops());

		const target = shops.filter(isListedByDefault)[2];
		const modified = await postJson('/shops/modify', { codes: [target.channelCode], change: { memo: '后台修改' } });
		expect(modified.status).toBe(200);
		expect(emulator.listShops().find((shop) => shop.channelCode === target.channelCode)?.memo).toBe('后台修改');
		const window = { gmtModifiedStart: minutesFromNow(-5), gmtModifiedEnd: minutesFromNow(1) };
		expect(codesOf(await salesPage(emulator, window))).toEqual([target.channelCode]);
		expect((await postJson('/shops/modify', { codes: ['NOPE'], change: {} })).status).toBe(400);

		expect((await postJson('/faults', { failNextCalls: 1 })).status).toBe(200);
		expect((await call(emulator)).envelope.subCode).toBe('0130020001');
		expect((await call(emulator)).envelope.code).toBe(200);
		expect((await postJson('/faults', { throttleResponse: 'http418' })).status).toBe(400);

		const stats = (await (await fetch(`${admin}/stats`)).json()) as Record<string, unknown>;
		expect(stats).toMatchObject({ calls: 3, injectedFailures: 1 });
		expect((await postJson('/stats/reset', {})).body).toMatchObject({ calls: 0 });
		expect(emulator.stats().calls).toBe(0);
		expect((await fetch(`${admin}/unknown`)).status).toBe(404);
	});
});
