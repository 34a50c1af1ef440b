import { parseJsonLossless } from '../../common/losslessJson';
import { classifyJikeyunFailure, JikeyunApiError } from './errors';

export interface JikeyunSuccess {
	data: unknown;
	contextId?: string;
	subCode?: string;
	msg?: string;
}

export interface RawHttpResponse {
	statusCode: number;
	body: string;
}

function excerpt(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/**
 * Turns a gateway answer into data or a JikeyunApiError. Success is `code == 200` (number or string)
 * whatever subCode says; HTTP 429/5xx and non-JSON bodies are transient; long ids keep full precision.
 */
export function parseJikeyunResponse(method: string, response: RawHttpResponse): JikeyunSuccess {
	const { statusCode, body } = response;
	if (statusCode === 429) {
		throw new JikeyunApiError({ kind: 'throttled', method, httpStatus: statusCode, msg: excerpt(body) });
	}
	if (statusCode >= 500 || statusCode === 408) {
		throw new JikeyunApiError({ kind: 'transient', method, httpStatus: statusCode, msg: excerpt(body) });
	}
	let envelope: unknown;
	try {
		envelope = parseJsonLossless(body);
	} catch {
		envelope = undefined;
	}
	if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
		const kind = statusCode >= 400 ? 'permanent' : 'transient';
		throw new JikeyunApiError({
			kind,
			method,
			httpStatus: statusCode,
			msg: `the gateway did not answer with a JSON envelope: ${excerpt(body)}`,
		});
	}
	const record = envelope as Record<string, unknown>;
	const result = (record.result && typeof record.result === 'object' ? record.result : {}) as Record<string, unknown>;
	const contextIdValue = result.contextId ?? record.contextId;
	const contextId = contextIdValue === undefined || contextIdValue === null ? undefined : String(contextIdValue);
	const subCode = record.subCode === undefined || record.subCode === null ? undefined : String(record.subCode);
	const msg = typeof record.msg === 'string' ? record.msg : undefined;
	if (String(record.code) === '200') {
		return { data: result.data ?? null, contextId, subCode: subCode || undefined, msg: msg || undefined };
	}
	throw new JikeyunApiError({
		kind: classifyJikeyunFailure(subCode, msg),
		method,
		code: record.code as number | string | undefined,
		subCode,
		msg,
		contextId,
		httpStatus: statusCode,
	});
}

/**
 * The records of a list answer. `result.data` comes as an object holding the list under a
 * method-specific key, the list itself, a JSON-encoded string of either, or null (no rows).
 * `listPath` (dot path such as `salesChannelInfo` or `pageInfo.list`) picks the list; without it the
 * first array-valued property is used.
 */
export function extractJikeyunRecords(data: unknown, listPath?: string): unknown[] {
	let value = data;
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') return [];
		value = parseJsonLossless(text);
	}
	if (value === null || value === undefined) return [];
	if (Array.isArray(value)) return value;
	if (typeof value !== 'object') return [value];
	const path = (listPath ?? '').trim();
	if (path) {
		let current: unknown = value;
		for (const key of path.split('.')) {
			if (typeof current === 'string') current = parseJsonLossless(current);
			if (current === null || typeof current !== 'object') return [];
			const container = current as Record<string, unknown>;
			const exact = key in container ? key : Object.keys(container).find((k) => k.toLowerCase() === key.toLowerCase());
			current = exact === undefined ? undefined : container[exact];
		}
		if (typeof current === 'string') return extractJikeyunRecords(current);
		return Array.isArray(current) ? current : current === undefined || current === null ? [] : [current];
	}
	const firstList = Object.values(value as Record<string, unknown>).find((entry) => Array.isArray(entry));
	return (firstList as unknown[] | undefined) ?? [];
}
