import { createRedactor } from '../../common/redact';

/**
 * What kind of failure a Jikeyun call ended in; decides retry and the words shown to the user.
 * - throttled: the gateway refused to run the call (rate limit): always safe to retry.
 * - transient: a hiccup (HTTP 5xx, non-JSON body, generic 未知错误, network error): retried for read methods only,
 *   since a write may have been executed before the failure was reported.
 * - unknownError: 0130020001 未知错误, no diagnosis: reads get at most two quick retries
 *   (docs/jikeyun-open-api.md#failure-classification).
 * - unreachable: the request never reached a server (refused, DNS, invalid URL): not retried, opens the breaker.
 * - unavailable: not sent because the gateway answered HTTP 5xx to the last calls of the run (the run's breaker).
 * - notGateway: the URL answered, but not with the gateway's JSON envelope (e.g. an HTML page with HTTP 200).
 * - quota: 0130000609 — app not enabled / quota exhausted: stop the run.
 * - signature, timestamp, subscription, badRequest, permanent: configuration or input problems, never retried.
 */
export type JikeyunFailureKind =
	| 'throttled'
	| 'transient'
	| 'unknownError'
	| 'unreachable'
	| 'unavailable'
	| 'notGateway'
	| 'quota'
	| 'signature'
	| 'timestamp'
	| 'subscription'
	| 'badRequest'
	| 'permanent';

export interface JikeyunFailure {
	kind: JikeyunFailureKind;
	method: string;
	/** Part of the work, e.g. `page 3`. */
	part?: string;
	code?: number | string;
	subCode?: string;
	msg?: string;
	contextId?: string;
	httpStatus?: number;
}

const HINTS: Record<JikeyunFailureKind, string> = {
	throttled: 'The gateway is throttling this app; lower "Max Requests per Second" or retry later.',
	transient: 'A temporary gateway or network problem; it was retried where that is safe.',
	unknownError:
		'未知错误 (0130020001) carries no diagnosis. It is often a bad business parameter: check the field names and values in the bizcontent (reads were retried twice).',
	unreachable:
		'Not sent: no gateway answered at this URL (connection refused, unknown host or invalid URL). Check "Gateway URL" in the Jikeyun credential and the network; nothing was executed.',
	unavailable:
		'Not sent: the gateway (or a proxy in front of it) kept answering HTTP 5xx, so this run stopped calling it and nothing more was executed. Run again once it answers normally.',
	notGateway:
		'This URL does not look like a Jikeyun gateway: it did not answer with the JSON envelope (code/subCode). Check "Gateway URL" in the Jikeyun credential (normally https://open.jackyun.com/open/openapi/do).',
	quota:
		'The app is not enabled for the open platform or its call quota is exhausted (0130000609); contact your Jikeyun account manager.',
	signature: 'Signature error (签名错误): check that the App Secret belongs to this App Key and has not been rotated.',
	timestamp:
		'The gateway rejected the timestamp (时间戳); check the clock of the n8n host (requests are signed in Beijing time).',
	subscription:
		'The App Key is unknown or this method is not subscribed for the app (未订阅): subscribe it in the Jikeyun open platform console.',
	badRequest: 'The gateway rejected the business parameters (bizcontent); check the method and its fields.',
	permanent: 'The gateway rejected the call.',
};

/** A gateway or proxy may echo the request's `sign=` in its message; it never leaves the error (docs/jikeyun-open-api.md#signature). */
const redactEchoes = createRedactor([]);

/** Error of one Jikeyun call. Carries the gateway's own code, subCode, msg and contextId; never the secret. */
export class JikeyunApiError extends Error {
	readonly kind: JikeyunFailureKind;

	readonly method: string;

	readonly code?: number | string;

	readonly subCode?: string;

	readonly gatewayMessage?: string;

	readonly contextId?: string;

	readonly httpStatus?: number;

	readonly hint: string;

	readonly part?: string;

	constructor(echoed: JikeyunFailure, options?: { cause?: unknown }) {
		const failure = echoed.msg === undefined ? echoed : { ...echoed, msg: redactEchoes(echoed.msg) };
		const parts = [`Jikeyun ${failure.method}${failure.part ? ` (${failure.part})` : ''} failed`];
		if (failure.httpStatus !== undefined && failure.httpStatus !== 200) parts.push(`HTTP ${failure.httpStatus}`);
		if (failure.code !== undefined) parts.push(`code ${failure.code}`);
		if (failure.subCode) parts.push(`subCode ${failure.subCode}`);
		let message = parts.join(', ');
		if (failure.msg) message += `: ${failure.msg}`;
		if (failure.contextId) message += ` (contextId ${failure.contextId})`;
		super(message, options);
		this.name = 'JikeyunApiError';
		this.part = failure.part;
		this.kind = failure.kind;
		this.method = failure.method;
		this.code = failure.code;
		this.subCode = failure.subCode;
		this.gatewayMessage = failure.msg;
		this.contextId = failure.contextId;
		this.httpStatus = failure.httpStatus;
		this.hint = HINTS[failure.kind];
	}

	/** True when repeating the same call cannot do harm for this method. */
	isRetryable(readMethod: boolean): boolean {
		if (this.kind === 'throttled') return true;
		return this.kind === 'transient' && readMethod;
	}
}

const THROTTLE_MARKERS = ['限流', '频繁', '稍后'];

/** Classifies a gateway failure answer (code != 200) by sub-code and message markers (docs/jikeyun-open-api.md#sub-codes). */
export function classifyJikeyunFailure(subCode: string | undefined, msg: string | undefined): JikeyunFailureKind {
	const text = msg ?? '';
	switch (subCode) {
		case '0859999999':
			return 'throttled';
		case '0130000609':
			return 'quota';
		case '0858030801':
			return 'signature';
		case '0130020310':
		case '0858030802':
		case '0858030803':
			return 'subscription';
		case '0130020327':
		case '0050030002':
		case '0040139996':
		case '0250019301':
			return 'badRequest';
		case '0130020001':
			return 'unknownError';
		default:
			break;
	}
	if (THROTTLE_MARKERS.some((marker) => text.includes(marker))) return 'throttled';
	if (text.includes('额度不足')) return 'quota';
	if (text.includes('签名错误')) return 'signature';
	if (text.includes('时间戳')) return 'timestamp';
	if (text.includes('认证') || text.includes('未订阅')) return 'subscription';
	return 'permanent';
}

/**
 * A setting of the node that cannot be right (paging, List Path, credential fields): `message` says
 * what was seen, `fix` names the setting and what to change. Never retried.
 */
export class JikeyunSettingsError extends Error {
	constructor(
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'JikeyunSettingsError';
	}
}

/**
 * Methods known to only read (docs/jikeyun-open-api.md#failure-classification): the documented list and query
 * methods. Anything else is a write unless the user marks the call *Read Only (Safe to Retry)*: a name is no proof
 * (`pagecreate`, `getOrCreate` and `findandmodify` start with read verbs and write).
 */
const KNOWN_READ_METHODS: ReadonlySet<string> = new Set([
	'erp.sales.get',
	'erp.warehouse.get',
	'erp.vend.get',
	'erp.storage.goodslist',
	'erp-goods.goods.sku.search',
	'erp.stockquantity.get',
	'erp-stock.stock.skulist',
	'erp.storage.goodsdocout.v2',
	'erp.storage.goodsdocin.v2',
	'erp.company.query',
	'erp.user.search',
	'oms.trade.fullinfoget',
	'oms.trade.orderloglist',
	'omsapi-business.order.get',
	'omsapi-business.refund.listrefund',
	'jackyun.tradenotsensitiveinfos.list.get',
	'wms.order.query-info.page',
	'crm.customer.list',
]);

/** Whether a method may be repeated after a lost answer: only the known reads (method names are matched exactly, lower-case). */
export function isJikeyunReadMethod(method: string): boolean {
	return KNOWN_READ_METHODS.has(method.trim().toLowerCase());
}
