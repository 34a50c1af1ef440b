/**
 * What kind of failure a Jikeyun call ended in; decides retry and the words shown to the user.
 * - throttled: the gateway refused to run the call (rate limit): always safe to retry.
 * - transient: a hiccup (HTTP 5xx, non-JSON body, generic 未知错误, network error): retried for read methods only,
 *   since a write may have been executed before the failure was reported.
 * - quota: 0130000609 — app not enabled / quota exhausted: stop the run.
 * - signature, timestamp, subscription, badRequest, permanent: configuration or input problems, never retried.
 */
export type JikeyunFailureKind =
	| 'throttled'
	| 'transient'
	| 'quota'
	| 'signature'
	| 'timestamp'
	| 'subscription'
	| 'badRequest'
	| 'permanent';

export interface JikeyunFailure {
	kind: JikeyunFailureKind;
	method: string;
	code?: number | string;
	subCode?: string;
	msg?: string;
	contextId?: string;
	httpStatus?: number;
}

const HINTS: Record<JikeyunFailureKind, string> = {
	throttled: 'The gateway is throttling this app; lower "Max Requests per Second" or retry later.',
	transient: 'A temporary gateway or network problem; it was retried where that is safe.',
	quota:
		'The app is not enabled for the open platform or its call quota is exhausted (0130000609); contact your Jikeyun account manager.',
	signature:
		'Signature error (签名错误): check that the App Secret belongs to this App Key and has not been rotated.',
	timestamp:
		'The gateway rejected the timestamp (时间戳); check the clock of the n8n host (requests are signed in Beijing time).',
	subscription:
		'The App Key is unknown or this method is not subscribed for the app (未订阅): subscribe it in the Jikeyun open platform console.',
	badRequest: 'The gateway rejected the business parameters (bizcontent); check the method and its fields.',
	permanent: 'The gateway rejected the call.',
};

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

	constructor(failure: JikeyunFailure) {
		const parts = [`Jikeyun ${failure.method} failed`];
		if (failure.httpStatus !== undefined && failure.httpStatus !== 200) parts.push(`HTTP ${failure.httpStatus}`);
		if (failure.code !== undefined) parts.push(`code ${failure.code}`);
		if (failure.subCode) parts.push(`subCode ${failure.subCode}`);
		let message = parts.join(', ');
		if (failure.msg) message += `: ${failure.msg}`;
		if (failure.contextId) message += ` (contextId ${failure.contextId})`;
		super(message);
		this.name = 'JikeyunApiError';
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

/** Classifies a gateway failure answer (code != 200) by sub-code and message markers (reference §4). */
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
			return 'transient';
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

/** Read methods can be repeated safely; writes (create/update/…) must not be retried after an ambiguous failure. */
export function isJikeyunReadMethod(method: string): boolean {
	const action = method.split('.').pop() ?? method;
	return /(get|list|query|search|page|info|count|detail|report|summary)/i.test(action);
}
