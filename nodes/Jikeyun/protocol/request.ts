import { signJikeyunRequest } from './sign';
import { formatBeijingTime } from './timestamp';

export interface JikeyunCredentialValues {
	appKey: string;
	appSecret: string;
	version: string;
}

export interface JikeyunCall {
	method: string;
	/** The JSON text of the business parameters; signed and sent byte for byte. */
	bizcontent: string;
	contextid?: string;
	token?: string;
}

/** All form parameters of one call, `sign` included, for the given moment. */
export function buildJikeyunParameters(
	call: JikeyunCall,
	credentials: JikeyunCredentialValues,
	now: Date,
): Record<string, string> {
	const parameters: Record<string, string> = {
		method: call.method,
		appkey: String(credentials.appKey).trim(),
		version: credentials.version || 'v1.0',
		contenttype: 'json',
		timestamp: formatBeijingTime(now),
		bizcontent: call.bizcontent,
	};
	parameters.sign = signJikeyunRequest(parameters, credentials.appSecret);
	if (call.contextid) parameters.contextid = call.contextid;
	if (call.token) parameters.token = call.token;
	return parameters;
}

/** application/x-www-form-urlencoded with every value encoded (a raw `+`, `&` or `%` would break the signature). */
export function encodeJikeyunForm(parameters: Record<string, string>): string {
	return new URLSearchParams(parameters).toString();
}

export const JIKEYUN_FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';

/** Serialises bizcontent once; a string is taken as already-serialised JSON text. */
export function serializeBizContent(bizContent: unknown): string {
	if (typeof bizContent === 'string') return bizContent;
	return JSON.stringify(bizContent ?? {});
}

/**
 * Checks the credential before the first request: a missing App Key or App Secret, or a Gateway URL
 * that is not an absolute http(s) URL, can only fail (and would look like a network problem). The problem, with its
 * fix, as one sentence (the same shape as Kingdee's `credentialProblem`), or undefined.
 */
export function findJikeyunCredentialProblem(values: {
	gatewayUrl?: unknown;
	appKey?: unknown;
	appSecret?: unknown;
}): string | undefined {
	const setGateway = 'set "Gateway URL" to https://open.jackyun.com/open/openapi/do';
	if (String(values.appKey ?? '').trim() === '') {
		return 'The Jikeyun credential has no App Key: fill in "App Key" (应用编号, from the open platform console)';
	}
	if (String(values.appSecret ?? '') === '') {
		return 'The Jikeyun credential has no App Secret: fill in "App Secret" (应用密钥)';
	}
	const url = String(values.gatewayUrl ?? '').trim();
	if (url === '') return `The Jikeyun credential has no Gateway URL: ${setGateway}`;
	if (!/^https?:\/\//i.test(url)) {
		return `The Jikeyun credential's Gateway URL "${url}" does not start with http:// or https://: write the full URL, e.g. https://${url.replace(/^[a-z]+:\/*/i, '')}`;
	}
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	if (!parsed || parsed.hostname === '') {
		return `The Jikeyun credential's Gateway URL "${url}" is not a valid URL: ${setGateway}`;
	}
	return undefined;
}
