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
