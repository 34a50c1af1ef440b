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

const READ_VERBS = ['get', 'list', 'query', 'search', 'find', 'count', 'page', 'fetch', 'select'];
/** Write verbs seen in method names (skuimport, stockoutcreate, updateinfo, detailupdate …), matched anywhere in a word. */
const WRITE_VERBS = [
	'create',
	'update',
	'insert',
	'delete',
	'import',
	'modify',
	'cancel',
	'upload',
	'submit',
	'save',
	'remove',
	'audit',
];
/** Short write verbs, matched only at the start of a word (setbudget, addgoods), except in these nouns. */
const SHORT_WRITE_VERBS = ['add', 'set', 'del', 'push', 'send', 'sync', 'bind', 'close', 'confirm'];
const NOUNS_STARTING_LIKE_WRITES = ['address', 'settle', 'setting'];
/** Nouns that end like a read verb but are not one. */
const NOUNS_ENDING_LIKE_READS = ['budget', 'target', 'widget', 'gadget'];

/**
 * Read methods can be repeated safely; everything else is a write, never re-sent after an ambiguous
 * failure unless the user allows it. Decided by the action, the last dotted segment (a version
 * segment such as `v2` skipped; hyphen, underscore and camel-case words split): a read when it starts
 * with a read verb (get, list, query, search, find, count, page, …: `listrefund`, `query-info` →
 * `page`), or is `<noun><read verb>` (`fullinfoget`, `goodslist`, `skulist`) and names no write verb
 * (`updateinfo`, `setbudget`, `detailupdate`, `skuimportbatch` are writes). Anything else
 * (`goodsdocout`, `salesGoodsSummary`) counts as a write: the safe side.
 */
export function isJikeyunReadMethod(method: string): boolean {
	const segments = method.split('.').filter((segment) => segment !== '' && !/^v\d+$/i.test(segment));
	const action = segments[segments.length - 1] ?? '';
	const words = action
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.toLowerCase()
		.split(/[\s_-]+/)
		.filter((word) => word !== '');
	const flat = words.join('');
	if (READ_VERBS.some((verb) => flat.startsWith(verb))) return true;
	const namesWrite = words.some(
		(word) =>
			WRITE_VERBS.some((verb) => word.includes(verb)) ||
			(SHORT_WRITE_VERBS.some((verb) => word.startsWith(verb)) &&
				!NOUNS_STARTING_LIKE_WRITES.some((noun) => word.startsWith(noun))),
	);
	if (namesWrite) return false;
	return READ_VERBS.some((verb) => flat.endsWith(verb)) && !NOUNS_ENDING_LIKE_READS.some((noun) => flat.endsWith(noun));
}
