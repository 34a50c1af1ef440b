import { parseJsonLossless } from '../../common/losslessJson';
import { classifyJikeyunFailure, JikeyunApiError, JikeyunSettingsError } from './errors';

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
 * whatever subCode says; HTTP 429/5xx are retryable; long ids keep full precision. A body that is not
 * the JSON envelope: empty or cut-off JSON is transient (the answer was lost on the way), anything
 * else (an HTML page, other JSON) means the URL is not a Jikeyun gateway.
 */
export function parseJikeyunResponse(method: string, response: RawHttpResponse, part?: string): JikeyunSuccess {
	const { statusCode, body } = response;
	if (statusCode === 429) {
		throw new JikeyunApiError({ kind: 'throttled', method, part, httpStatus: statusCode, msg: excerpt(body) });
	}
	if (statusCode >= 500 || statusCode === 408) {
		throw new JikeyunApiError({ kind: 'transient', method, part, httpStatus: statusCode, msg: excerpt(body) });
	}
	let envelope: unknown;
	try {
		envelope = parseJsonLossless(body);
	} catch {
		envelope = undefined;
	}
	const isEnvelope =
		envelope !== null &&
		typeof envelope === 'object' &&
		!Array.isArray(envelope) &&
		('code' in envelope || 'subCode' in envelope);
	if (!isEnvelope) {
		const text = body.trim();
		const lost = statusCode < 400 && (text === '' || (envelope === undefined && /^[[{]/.test(text)));
		throw new JikeyunApiError({
			kind: lost ? 'transient' : 'notGateway',
			method,
			part,
			httpStatus: statusCode,
			msg: lost
				? `the answer was empty or cut off: ${excerpt(body) || '(empty body)'}`
				: `the answer is not the gateway's JSON envelope (code/subCode): ${excerpt(body) || '(empty body)'}`,
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
		part,
		code: record.code as number | string | undefined,
		subCode,
		msg,
		contextId,
		httpStatus: statusCode,
	});
}

/** Where an answer came from, for error messages: the method and the part of the work (`page 3`). */
export interface AnswerContext {
	method: string;
	part?: string;
}

function parseDataText(text: string, context: AnswerContext | undefined): unknown {
	try {
		return parseJsonLossless(text);
	} catch {
		// Thrown below, outside the catch block (this module has no n8n imports; the node wraps errors).
	}
	throw new JikeyunApiError({
		kind: 'permanent',
		method: context?.method ?? 'the method',
		part: context?.part,
		msg: `result.data is text that is not valid JSON: ${excerpt(text)}`,
	});
}

/**
 * The records of a list answer. `result.data` comes as an object holding the list under a
 * method-specific key, the list itself, a JSON-encoded string of either, or null (no rows).
 * `listPath` (dot path such as `salesChannelInfo` or `pageInfo.list`) picks the list; without it the
 * first array-valued property is used. A `listPath` that matches nothing in a non-empty object is a
 * wrong setting, not an empty page: it throws JikeyunSettingsError naming the keys that are there.
 */
export function extractJikeyunRecords(data: unknown, listPath?: string, context?: AnswerContext): unknown[] {
	let value = data;
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') return [];
		value = parseDataText(text, context);
	}
	if (value === null || value === undefined) return [];
	if (Array.isArray(value)) return value;
	if (typeof value !== 'object') return [value];
	const path = (listPath ?? '').trim();
	if (path) {
		let current: unknown = value;
		const walked: string[] = [];
		for (const key of path.split('.')) {
			if (typeof current === 'string') current = parseDataText(current, context);
			if (current === null || current === undefined) return [];
			if (typeof current !== 'object' || Array.isArray(current)) {
				throw listPathError(path, walked, current, context);
			}
			const container = current as Record<string, unknown>;
			const exact = key in container ? key : Object.keys(container).find((k) => k.toLowerCase() === key.toLowerCase());
			if (exact === undefined) throw listPathError(path, walked, container, context);
			walked.push(exact);
			current = container[exact];
		}
		if (typeof current === 'string') return extractJikeyunRecords(current, undefined, context);
		return Array.isArray(current) ? current : current === undefined || current === null ? [] : [current];
	}
	const firstList = Object.values(value as Record<string, unknown>).find((entry) => Array.isArray(entry));
	return (firstList as unknown[] | undefined) ?? [];
}

function listPathError(
	path: string,
	walked: string[],
	found: unknown,
	context: AnswerContext | undefined,
): JikeyunSettingsError {
	const where = walked.length ? `result.data.${walked.join('.')}` : 'result.data';
	const keys =
		found !== null && typeof found === 'object' && !Array.isArray(found)
			? `it has ${
					Object.keys(found)
						.map((key) => `"${key}"`)
						.join(', ') || 'no keys'
				}`
			: `it is ${Array.isArray(found) ? 'a list' : typeof found}`;
	const answer = context ? ` in the answer of ${context.method}${context.part ? ` (${context.part})` : ''}` : '';
	return new JikeyunSettingsError(
		`List Path "${path}" matches nothing${answer}: ${where} ${keys}`,
		'Set "List Path in Result Data" to the key that holds the records (empty: the first list in result.data).',
	);
}
