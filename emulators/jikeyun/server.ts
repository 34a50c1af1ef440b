/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { parseJsonLossless } from '../../nodes/common/losslessJson';
import { listenOnLoopback } from '../loopback';
import { BusinessError, filterSalesChannels, METHOD_HANDLERS, type EmulatorData } from './methods';
import { createRandom, deriveSeed } from './prng';
import {
	SalesOrderBook,
	SalesOrderCursors,
	type ChangeTiming,
	type CursorMode,
	type SalesOrder,
	type SalesOrderSeedOptions,
} from './salesOrders';
import {
	generateDeliveryOrders,
	generateShops,
	generateTrades,
	SEED_WAREHOUSES,
	type JikeyunShop,
	type StoredShop,
} from './seedData';
import { beijingWallClock, expectedJikeyunSign, readBeijingWallClock } from './signature';

export type { JikeyunShop } from './seedData';
export type { ChangeTiming, CursorMode, SalesOrder, SalesOrderSeedOptions } from './salesOrders';
export { DEFAULT_MATERIAL_NUMBERS, TRADE_STATUS } from './salesOrders';

/**
 * Emulator of the Jikeyun (吉客云) Open API gateway `POST /open/openapi/do`
 * (docs/jikeyun-open-api.md#emulator-choices): signature, timestamp and subscription checks with the real
 * sub-codes, erp.sales.get with its filters and 0-based paging, a few other methods with their differing `data`
 * shapes, and switchable faults.
 */

export const DEFAULT_JIKEYUN_APP = { appKey: '10000001', appSecret: 'emulator-secret-0001' };

export interface JikeyunFaults {
	/** Added to every gateway call. */
	latencyMs?: number;
	/** More calls than this in a rolling second → throttled answer. */
	throttleAbovePerSecond?: number;
	/** 'subCode' (default) = code 0, subCode 0859999999, msg 上游限流/暂时不可用; or HTTP 429/503. */
	throttleResponse?: 'subCode' | 'http429' | 'http503';
	/** 0..1 probability of a transient failure (code 0, subCode 0130020001, 未知错误), seeded. */
	failureRate?: number;
	/** The next N calls that pass authentication fail transiently as above. */
	failNextCalls?: number;
	/** Every authenticated call → 0130000609. */
	quotaExhausted?: boolean;
	/** Every call is answered by a proxy's HTTP 503 page for as long as this is set (the gateway stays down). */
	unavailable?: boolean;
	/**
	 * The next N calls are refused (0130020001) with a message that echoes the request's parameters, `sign=` included,
	 * as a gateway that copies the raw request into its answer would.
	 */
	echoSignNextCalls?: number;
	/** The list changes between two page requests (offset paging then skips or repeats records). */
	pageDrift?: JikeyunPageDrift;
}

/**
 * Targets are taken from the active shops in list order before the drift: the first `stopFirst` are
 * stopped, the next `renameFirst` renamed (so both effects are visible), then `addFirst` new shops are
 * placed before all others.
 */
export interface JikeyunPageDrift {
	/** Applied once, just before answering the first erp.sales.get call whose 0-based pageIndex equals this (default 1). */
	beforePageIndex?: number;
	/** Stop (isBlockup=1, hidden from default queries) this many active shops at the start of the current list order. */
	stopFirst?: number;
	/** Add this many new active shops placed at the start of the list order (so later offsets shift). */
	addFirst?: number;
	/** Rename this many active shops at the start of the list order (channelName + ' (renamed)'). */
	renameFirst?: number;
}

export interface JikeyunEmulatorOptions {
	/** 0/undefined = free port; the host is always 127.0.0.1. */
	port?: number;
	/** `methods` = subscribed methods (default: every method the emulator implements). */
	apps?: Array<{ appKey: string; appSecret: string; methods?: string[] }>;
	/** Seeded shops (default 50), deterministic from `seed`. */
	shopCount?: number;
	seed?: number;
	/** Accepted clock difference in seconds (default 600). */
	timestampSkewSeconds?: number;
	faults?: JikeyunFaults;
	/** Orders of oms.trade.fullinfoget (docs/jikeyun-open-api.md#sales-order-emulator-choices). */
	salesOrders?: SalesOrderSeedOptions & { cursorMode?: CursorMode };
}

export interface JikeyunEmulatorStats {
	calls: number;
	byMethod: Record<string, number>;
	throttled: number;
	injectedFailures: number;
	rejected: number;
}

export interface JikeyunEmulator {
	/** Full gateway URL: http://127.0.0.1:<port>/open/openapi/do */
	url: string;
	port: number;
	close(): Promise<void>;
	/** Replaces the fault set ({} clears). */
	setFaults(faults: JikeyunFaults): void;
	/** Current data in API field shapes (channelId as string), including deleted/blocked shops. */
	listShops(): JikeyunShop[];
	/** Applies the change and bumps the hidden modification time to now. Throws on unknown codes. */
	modifyShops(codes: string[], change: Partial<JikeyunShop> | ((shop: JikeyunShop) => Partial<JikeyunShop>)): void;
	/** Appends new seeded shops (modified now) and returns them. */
	addShops(count: number): JikeyunShop[];
	stats(): JikeyunEmulatorStats;
	resetStats(): void;
	/** The newest version of every sales order, visible yet or not. */
	listSalesOrders(): SalesOrder[];
	/** New orders awaiting shipment, traded and modified at `timing.atMs` (default now). */
	addSalesOrders(count: number, timing?: ChangeTiming): SalesOrder[];
	/** A new version of each order, modified at `timing.atMs` and visible from `timing.visibleAtMs`. */
	modifySalesOrders(
		tradeNos: string[],
		change: Partial<SalesOrder> | ((order: SalesOrder) => Partial<SalesOrder>),
		timing?: ChangeTiming,
	): SalesOrder[];
	shipSalesOrders(tradeNos: string[], timing?: ChangeTiming): SalesOrder[];
	cancelSalesOrders(tradeNos: string[], timing?: ChangeTiming): SalesOrder[];
	/** Runs `hook` once just before page `pageNumber` (0 = first request) of the next scrollId read is answered. */
	beforeCursorPage(pageNumber: number, hook: () => void): void;
	/** How scrollId reads see changes made during them (default 'snapshot'). */
	setCursorMode(mode: CursorMode): void;
}

export const GATEWAY_PATH = '/open/openapi/do';
const REQUIRED_PARAMETERS = ['method', 'appkey', 'version', 'contenttype', 'timestamp', 'bizcontent', 'sign'] as const;
const MAX_BODY_BYTES = 16 * 1024 * 1024;

const SUBCODE_UNKNOWN_ERROR = '0130020001';
const SUBCODE_NOT_SUBSCRIBED = '0130020310';
const SUBCODE_BAD_SIGNATURE = '0858030801';
/**
 * Timestamp problems: the real sub-code was never captured (docs/jikeyun-open-api.md#not-confirmed), only that the message
 * contains 时间戳. 0858030804 continues the gateway's auth family (0858030801–03). Unconfirmed.
 */
const SUBCODE_BAD_TIMESTAMP = '0858030804';
const SUBCODE_QUOTA = '0130000609';
/** Single source, uncorroborated (docs/jikeyun-open-api.md#sub-codes); the contract fixes it. */
const SUBCODE_THROTTLED = '0859999999';

const MSG_UNKNOWN_ERROR = '未知错误';
const MSG_QUOTA = '该应用未开通开放平台，无法调用接口，请联系客户经理处理';
const MSG_THROTTLED = '上游限流/暂时不可用';

type Outcome = 'ok' | 'rejected' | 'throttled' | 'injected';

interface GatewayAnswer {
	status: number;
	body: string;
	contentType: string;
	headers?: Record<string, string>;
	outcome: Outcome;
}

interface App {
	appSecret: string;
	methods?: Set<string>;
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Lenient application/x-www-form-urlencoded decoding, as the gateway accepts the vendor demo's
 * unencoded values: `+` is a space, a literal space stays a space, and a malformed `%` sequence
 * is kept as typed instead of failing the request. The first occurrence of a name wins.
 */
export function parseFormLeniently(text: string): Map<string, string> {
	const parameters = new Map<string, string>();
	for (const pair of text.split('&')) {
		if (pair === '') continue;
		const equals = pair.indexOf('=');
		const name = decodeComponent(equals < 0 ? pair : pair.slice(0, equals));
		const value = equals < 0 ? '' : decodeComponent(pair.slice(equals + 1));
		if (!parameters.has(name)) parameters.set(name, value);
	}
	return parameters;
}

function decodeComponent(raw: string): string {
	const spaced = raw.replace(/\+/g, ' ');
	try {
		return decodeURIComponent(spaced);
	} catch {
		// Decode the well-formed UTF-8 escapes one run at a time; keep the broken ones literally.
		return spaced.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
			try {
				return decodeURIComponent(run);
			} catch {
				return run;
			}
		});
	}
}

function envelope(code: number, msg: string, dataText: string, contextId: string, subCode: string): string {
	// Key order as in the official samples: code, msg, result, subCode.
	return `{"code":${code},"msg":${JSON.stringify(msg)},"result":{"data":${dataText},"contextId":"${contextId}"},"subCode":${JSON.stringify(subCode)}}`;
}

function readBody(request: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk);
		});
		request.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
		request.on('error', reject);
	});
}

function cloneShop(shop: JikeyunShop): JikeyunShop {
	return { ...shop };
}

function nowToWholeSecond(): number {
	// The modification-time filter has second precision; a stored millisecond part would make an
	// inclusive `gmtModifiedEnd` of "now" miss a change made in the same second.
	return Math.floor(Date.now() / 1000) * 1000;
}

/** `{ atMs?, visibleAtMs? }` of an admin request (epoch milliseconds). */
function readTiming(input: unknown): ChangeTiming | undefined {
	if (input === undefined || input === null) return undefined;
	if (typeof input !== 'object' || Array.isArray(input)) throw new TypeError('timing must be an object');
	const raw = input as Record<string, unknown>;
	const timing: ChangeTiming = {};
	for (const name of ['atMs', 'visibleAtMs'] as const) {
		const value = raw[name];
		if (value === undefined || value === null) continue;
		if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`timing.${name} must be a number`);
		timing[name] = value;
	}
	return timing;
}

function normalizeFaults(input: unknown): JikeyunFaults {
	if (input === null || typeof input !== 'object' || Array.isArray(input)) {
		throw new TypeError('faults must be an object');
	}
	const raw = input as Record<string, unknown>;
	const faults: JikeyunFaults = {};
	const numberField = (name: keyof JikeyunFaults): number | undefined => {
		const value = raw[name];
		if (value === undefined || value === null) return undefined;
		if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
			throw new TypeError(`${name} must be a non-negative number`);
		}
		return value;
	};
	faults.latencyMs = numberField('latencyMs');
	faults.throttleAbovePerSecond = numberField('throttleAbovePerSecond');
	faults.failureRate = numberField('failureRate');
	faults.failNextCalls = numberField('failNextCalls');
	faults.echoSignNextCalls = numberField('echoSignNextCalls');
	if (raw.unavailable !== undefined) faults.unavailable = raw.unavailable === true;
	if (raw.throttleResponse !== undefined) {
		if (
			raw.throttleResponse !== 'subCode' &&
			raw.throttleResponse !== 'http429' &&
			raw.throttleResponse !== 'http503'
		) {
			throw new TypeError("throttleResponse must be 'subCode', 'http429' or 'http503'");
		}
		faults.throttleResponse = raw.throttleResponse;
	}
	if (raw.quotaExhausted !== undefined) faults.quotaExhausted = raw.quotaExhausted === true;
	if (raw.pageDrift !== undefined && raw.pageDrift !== null) faults.pageDrift = normalizePageDrift(raw.pageDrift);
	return faults;
}

function normalizePageDrift(input: unknown): JikeyunPageDrift {
	if (typeof input !== 'object' || Array.isArray(input)) throw new TypeError('pageDrift must be an object');
	const raw = input as Record<string, unknown>;
	const drift: JikeyunPageDrift = {};
	for (const name of ['beforePageIndex', 'stopFirst', 'addFirst', 'renameFirst'] as const) {
		const value = raw[name];
		if (value === undefined || value === null) continue;
		if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
			throw new TypeError(`pageDrift.${name} must be a non-negative integer`);
		}
		drift[name] = value;
	}
	return drift;
}

export async function startJikeyunEmulator(options: JikeyunEmulatorOptions = {}): Promise<JikeyunEmulator> {
	const seed = options.seed ?? 1;
	const skewMs = (options.timestampSkewSeconds ?? 600) * 1000;
	const apps = new Map<string, App>();
	const configuredApps: NonNullable<JikeyunEmulatorOptions['apps']> = options.apps ?? [DEFAULT_JIKEYUN_APP];
	for (const app of configuredApps) {
		apps.set(String(app.appKey), { appSecret: app.appSecret, methods: app.methods ? new Set(app.methods) : undefined });
	}

	const shops: StoredShop[] = generateShops(seed, 0, options.shopCount ?? 50);
	let nextShopIndex = shops.length;
	const seedShopViews = shops.map(({ shop }) => shop);
	const salesOrderBook = new SalesOrderBook(seed, seedShopViews, options.salesOrders ?? {}, () => Date.now());
	const cursors = new SalesOrderCursors();
	cursors.mode = options.salesOrders?.cursorMode ?? 'snapshot';
	const data: EmulatorData = {
		shops,
		warehouses: SEED_WAREHOUSES,
		deliveryOrders: generateDeliveryOrders(seed, seedShopViews, 120),
		trades: generateTrades(seed, seedShopViews, 75),
		salesOrders: { orders: salesOrderBook, cursors, now: () => Date.now() },
	};

	let faults: JikeyunFaults = normalizeFaults(options.faults ?? {});
	let failNextRemaining = faults.failNextCalls ?? 0;
	let pendingDrift = faults.pageDrift;
	const failureRandom = createRandom(deriveSeed(seed, 'faults'));
	const admittedAt: number[] = [];

	const contextBase = BigInt('2086180815000000000') + BigInt(deriveSeed(seed, 'context')) * BigInt(1_000);
	let contextCounter = BigInt(0);
	const nextContextId = (): string => {
		contextCounter += BigInt(1);
		return (contextBase + contextCounter * BigInt(7_919)).toString();
	};

	let stats: JikeyunEmulatorStats = { calls: 0, byMethod: {}, throttled: 0, injectedFailures: 0, rejected: 0 };

	const jsonAnswer = (text: string, outcome: Outcome): GatewayAnswer => ({
		status: 200,
		body: text,
		contentType: 'application/json;charset=UTF-8',
		outcome,
	});
	const failure = (subCode: string, msg: string, outcome: Outcome = 'rejected'): GatewayAnswer =>
		jsonAnswer(envelope(0, msg, 'null', nextContextId(), subCode), outcome);
	const notSubscribed = (appKey: string, method: string): GatewayAnswer =>
		failure(SUBCODE_NOT_SUBSCRIBED, `appKey=${appKey},method=${method},未查询到应用或应用未订阅此API`);

	/** Sliding one-second window over admitted calls, so at most N calls succeed in any second. */
	function isThrottled(): boolean {
		const limit = faults.throttleAbovePerSecond;
		if (limit === undefined) return false;
		const now = Date.now();
		while (admittedAt.length > 0 && now - admittedAt[0] >= 1000) admittedAt.shift();
		if (admittedAt.length >= limit) return true;
		admittedAt.push(now);
		return false;
	}

	function throttledAnswer(): GatewayAnswer {
		const mode = faults.throttleResponse ?? 'subCode';
		if (mode === 'subCode') return failure(SUBCODE_THROTTLED, MSG_THROTTLED, 'throttled');
		return proxyPage(mode === 'http429' ? 429 : 503, 'throttled');
	}

	function proxyPage(status: 429 | 503, outcome: Outcome): GatewayAnswer {
		const title = status === 429 ? '429 Too Many Requests' : '503 Service Temporarily Unavailable';
		return {
			status,
			// What a reverse proxy in front of the gateway would answer: HTML, not the JSON envelope.
			body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
			contentType: 'text/html',
			headers: { 'Retry-After': '1' },
			outcome,
		};
	}

	function isInjectedFailure(): boolean {
		if (failNextRemaining > 0) {
			failNextRemaining--;
			return true;
		}
		const rate = faults.failureRate ?? 0;
		return rate > 0 && failureRandom() < rate;
	}

	function answerGatewayCall(parameters: Map<string, string>): GatewayAnswer {
		if (faults.unavailable) return proxyPage(503, 'injected');
		if ((faults.echoSignNextCalls ?? 0) > 0) {
			faults.echoSignNextCalls = (faults.echoSignNextCalls ?? 0) - 1;
			const echoed = ['method', 'appkey', 'timestamp', 'sign'].map((name) => `${name}=${parameters.get(name) ?? ''}`);
			return failure(SUBCODE_UNKNOWN_ERROR, `请求参数异常：${echoed.join('&')}`, 'injected');
		}
		if (isThrottled()) return throttledAnswer();

		for (const name of REQUIRED_PARAMETERS) {
			if ((parameters.get(name) ?? '') === '') {
				// Real sub-code for a missing parameter unknown (docs/jikeyun-open-api.md#emulator-choices); the generic one is used.
				return failure(SUBCODE_UNKNOWN_ERROR, `缺少必填参数${name}`);
			}
		}
		const method = parameters.get('method') as string;
		const appKey = parameters.get('appkey') as string;
		if (parameters.get('contenttype')?.toLowerCase() !== 'json') {
			return failure(SUBCODE_UNKNOWN_ERROR, '参数contenttype错误，返回格式暂时只支持json');
		}

		const app = apps.get(appKey);
		const implemented = Object.prototype.hasOwnProperty.call(METHOD_HANDLERS, method);
		const subscribed = app !== undefined && (app.methods ? app.methods.has(method) : implemented);
		if (!app || !subscribed) return notSubscribed(appKey, method);

		const timestampText = parameters.get('timestamp') as string;
		const sentAt = readBeijingWallClock(timestampText);
		if (!sentAt) {
			return failure(SUBCODE_BAD_TIMESTAMP, '时间戳格式错误，应为北京时间yyyy-MM-dd HH:mm:ss');
		}
		if (Math.abs(Date.now() - sentAt.getTime()) > skewMs) {
			return failure(
				SUBCODE_BAD_TIMESTAMP,
				`时间戳已过期或超前，与服务器时间相差超过${skewMs / 1000}秒（服务器时间${beijingWallClock(new Date())}）`,
			);
		}

		// Neither the expected signature nor anything derived from the secret goes into the answer.
		if (expectedJikeyunSign(parameters, app.appSecret) !== parameters.get('sign')) {
			return failure(SUBCODE_BAD_SIGNATURE, '签名错误，请检查签名参数及appSecret');
		}

		if (faults.quotaExhausted) return failure(SUBCODE_QUOTA, MSG_QUOTA);
		if (isInjectedFailure()) return failure(SUBCODE_UNKNOWN_ERROR, MSG_UNKNOWN_ERROR, 'injected');

		const handler = implemented ? METHOD_HANDLERS[method] : undefined;
		// A subscribed method the emulator does not model answers an empty success.
		if (!handler) return jsonAnswer(envelope(200, '', '{}', nextContextId(), ''), 'ok');

		let bizcontent: unknown;
		try {
			bizcontent = parseJsonLossless(parameters.get('bizcontent') as string);
		} catch {
			bizcontent = undefined;
		}
		if (bizcontent === null || typeof bizcontent !== 'object' || Array.isArray(bizcontent)) {
			return failure(SUBCODE_UNKNOWN_ERROR, '业务参数bizcontent格式错误，应为JSON对象');
		}
		if (pendingDrift && method === 'erp.sales.get') {
			const pageIndex = Number((bizcontent as Record<string, unknown>).pageIndex ?? 0);
			if (pageIndex === (pendingDrift.beforePageIndex ?? 1)) {
				applyPageDrift(pendingDrift);
				pendingDrift = undefined;
			}
		}
		let dataText: string;
		try {
			dataText = handler(bizcontent as Record<string, unknown>, data);
		} catch (error) {
			if (error instanceof BusinessError) return failure(error.subCode, error.msg);
			return failure(SUBCODE_UNKNOWN_ERROR, MSG_UNKNOWN_ERROR);
		}
		return jsonAnswer(envelope(200, '', dataText, nextContextId(), ''), 'ok');
	}

	function applyPageDrift(drift: JikeyunPageDrift): void {
		const modifiedAtMs = nowToWholeSecond();
		const active = filterSalesChannels({}, shops);
		const stopCount = drift.stopFirst ?? 0;
		for (const stored of active.slice(0, stopCount)) {
			stored.shop = { ...stored.shop, isBlockup: 1 };
			stored.modifiedAtMs = modifiedAtMs;
		}
		for (const stored of active.slice(stopCount, stopCount + (drift.renameFirst ?? 0))) {
			stored.shop = { ...stored.shop, channelName: `${stored.shop.channelName} (renamed)` };
			stored.modifiedAtMs = modifiedAtMs;
		}
		const addCount = drift.addFirst ?? 0;
		if (addCount === 0) return;
		// Ids below every existing one put the new shops first in the (ascending channelId) list order.
		const lowestId = shops.reduce(
			(lowest, { shop }) => {
				const id = BigInt(shop.channelId);
				return id < lowest ? id : lowest;
			},
			BigInt(shops[0]?.shop.channelId ?? '1900000000000000000'),
		);
		const added = generateShops(seed, nextShopIndex, addCount, modifiedAtMs);
		nextShopIndex += addCount;
		added.forEach((stored, i) => {
			stored.shop.channelId = (lowestId - BigInt((addCount - i) * 7)).toString();
			stored.shop.isBlockup = 0;
			stored.shop.isDelete = 0;
		});
		shops.push(...added);
	}

	async function handleGateway(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
		const body = await readBody(request);
		if (faults.latencyMs) await sleep(faults.latencyMs);

		const parameters = new Map<string, string>();
		const contentType = (request.headers['content-type'] ?? '').toLowerCase();
		// The form body (any charset suffix, or no Content-Type at all) wins over the query string.
		if (!contentType.includes('json') && !contentType.includes('multipart')) {
			for (const [name, value] of parseFormLeniently(body.text)) parameters.set(name, value);
		}
		for (const [name, value] of parseFormLeniently(url.search.slice(1))) {
			if (!parameters.has(name)) parameters.set(name, value);
		}

		const method = parameters.get('method') || '(none)';
		stats.calls++;
		stats.byMethod[method] = (stats.byMethod[method] ?? 0) + 1;

		const answer = body.tooLarge ? failure(SUBCODE_UNKNOWN_ERROR, '请求体过大') : answerGatewayCall(parameters);
		if (answer.outcome === 'throttled') stats.throttled++;
		else if (answer.outcome === 'injected') stats.injectedFailures++;
		else if (answer.outcome === 'rejected') stats.rejected++;

		response.writeHead(answer.status, { 'Content-Type': answer.contentType, ...answer.headers });
		response.end(answer.body);
	}

	const emulator: JikeyunEmulator = {
		url: '',
		port: 0,
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				server.closeAllConnections();
			}),
		setFaults(next) {
			faults = normalizeFaults(next);
			failNextRemaining = faults.failNextCalls ?? 0;
			pendingDrift = faults.pageDrift;
			admittedAt.length = 0;
		},
		listShops: () => shops.map(({ shop }) => cloneShop(shop)),
		modifyShops(codes, change) {
			const wanted = new Set(codes);
			const found = new Set<string>();
			const modifiedAtMs = nowToWholeSecond();
			for (const stored of shops) {
				if (!wanted.has(stored.shop.channelCode)) continue;
				found.add(stored.shop.channelCode);
				const patch = typeof change === 'function' ? change(cloneShop(stored.shop)) : change;
				// channelId is the record's identity; changing it would make a different shop.
				stored.shop = { ...stored.shop, ...patch, channelId: stored.shop.channelId };
				stored.modifiedAtMs = modifiedAtMs;
			}
			const missing = codes.filter((code) => !found.has(code));
			if (missing.length > 0) throw new Error(`Unknown channelCode(s): ${missing.join(', ')}`);
		},
		addShops(count) {
			const added = generateShops(seed, nextShopIndex, count, nowToWholeSecond());
			nextShopIndex += count;
			shops.push(...added);
			return added.map(({ shop }) => cloneShop(shop));
		},
		stats: () => ({ ...stats, byMethod: { ...stats.byMethod } }),
		resetStats() {
			stats = { calls: 0, byMethod: {}, throttled: 0, injectedFailures: 0, rejected: 0 };
		},
		listSalesOrders: () => salesOrderBook.latest(),
		addSalesOrders: (count, timing) => salesOrderBook.add(count, timing),
		modifySalesOrders: (tradeNos, change, timing) => salesOrderBook.modify(tradeNos, change, timing),
		shipSalesOrders: (tradeNos, timing) => salesOrderBook.ship(tradeNos, timing),
		cancelSalesOrders: (tradeNos, timing) => salesOrderBook.cancel(tradeNos, timing),
		beforeCursorPage: (pageNumber, hook) => cursors.beforePage(pageNumber, hook),
		setCursorMode(mode) {
			cursors.mode = mode;
		},
	};

	async function handleAdmin(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
		const reply = (status: number, value: unknown) => {
			response.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
			response.end(JSON.stringify(value));
		};
		const readJson = async (): Promise<Record<string, unknown>> => {
			const body = await readBody(request);
			const parsed: unknown = body.text.trim() === '' ? {} : JSON.parse(body.text);
			if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
				throw new TypeError('body must be a JSON object');
			}
			return parsed as Record<string, unknown>;
		};
		const route = `${request.method ?? ''} ${path}`;
		try {
			switch (route) {
				case 'GET /__admin/shops':
					return reply(200, emulator.listShops());
				case 'POST /__admin/shops/modify': {
					const { codes, change } = await readJson();
					if (!Array.isArray(codes) || codes.some((code) => typeof code !== 'string')) {
						throw new TypeError('codes must be an array of channelCodes');
					}
					if (change === null || typeof change !== 'object' || Array.isArray(change)) {
						throw new TypeError('change must be an object');
					}
					emulator.modifyShops(codes as string[], change as Partial<JikeyunShop>);
					const changed = new Set(codes as string[]);
					return reply(200, { modified: emulator.listShops().filter((shop) => changed.has(shop.channelCode)) });
				}
				case 'POST /__admin/shops/add': {
					const { count } = await readJson();
					if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
						throw new TypeError('count must be a non-negative integer');
					}
					return reply(200, { added: emulator.addShops(count) });
				}
				case 'POST /__admin/faults': {
					const next = normalizeFaults(await readJson());
					emulator.setFaults(next);
					return reply(200, { faults: next });
				}
				case 'GET /__admin/salesOrders':
					return reply(200, emulator.listSalesOrders());
				case 'POST /__admin/salesOrders/add': {
					const { count, timing } = await readJson();
					if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
						throw new TypeError('count must be a non-negative integer');
					}
					return reply(200, { added: emulator.addSalesOrders(count, readTiming(timing)) });
				}
				case 'POST /__admin/salesOrders/modify':
				case 'POST /__admin/salesOrders/ship':
				case 'POST /__admin/salesOrders/cancel': {
					const { tradeNos, change, timing } = await readJson();
					if (!Array.isArray(tradeNos) || tradeNos.some((tradeNo) => typeof tradeNo !== 'string')) {
						throw new TypeError('tradeNos must be an array of order numbers');
					}
					const numbers = tradeNos as string[];
					const when = readTiming(timing);
					if (route.endsWith('/ship')) return reply(200, { modified: emulator.shipSalesOrders(numbers, when) });
					if (route.endsWith('/cancel')) return reply(200, { modified: emulator.cancelSalesOrders(numbers, when) });
					if (change === null || typeof change !== 'object' || Array.isArray(change)) {
						throw new TypeError('change must be an object');
					}
					return reply(200, { modified: emulator.modifySalesOrders(numbers, change as Partial<SalesOrder>, when) });
				}
				case 'GET /__admin/stats':
					return reply(200, emulator.stats());
				case 'POST /__admin/stats/reset':
					emulator.resetStats();
					return reply(200, emulator.stats());
				default:
					return reply(404, { error: `No admin route ${route}` });
			}
		} catch (error) {
			return reply(400, { error: error instanceof Error ? error.message : String(error) });
		}
	}

	const server = createServer((request, response) => {
		let url: URL;
		try {
			url = new URL(request.url ?? '/', 'http://127.0.0.1');
		} catch {
			response.writeHead(400).end();
			return;
		}
		let handling: Promise<void>;
		if (url.pathname === GATEWAY_PATH && request.method === 'POST') {
			handling = handleGateway(request, response, url);
		} else if (url.pathname.startsWith('/__admin/')) {
			handling = handleAdmin(request, response, url.pathname);
		} else {
			response.writeHead(url.pathname === GATEWAY_PATH ? 405 : 404, { 'Content-Type': 'text/plain' });
			response.end(url.pathname === GATEWAY_PATH ? 'Method Not Allowed' : 'Not Found');
			return;
		}
		handling.catch(() => {
			// Whatever went wrong (aborted upload, bug), answer like the gateway's generic failure.
			if (!response.headersSent) {
				response.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
				response.end(envelope(0, MSG_UNKNOWN_ERROR, 'null', nextContextId(), SUBCODE_UNKNOWN_ERROR));
			} else {
				response.destroy();
			}
		});
	});

	const port = await listenOnLoopback(server, options.port ?? 0);
	emulator.port = port;
	emulator.url = `http://127.0.0.1:${port}${GATEWAY_PATH}`;
	return emulator;
}
