/**
 * Turns a raw Kingdee HTTP answer into a value or a KingdeeApiError, in the order of docs/kingdee-webapi.md#parsing-order.
 * Pure: the caller passes `redact` so no secret survives into an error message.
 */
import { parseJsonLossless } from '../../common/losslessJson';
import type { Redact } from '../../common/redact';
import {
	KINGDEE_LOGIN_RESULT_TYPES,
	KINGDEE_MSG_CODES,
	KingdeeApiError,
	describeRowErrors,
	msgCodeMeaning,
	unknownFormId,
	type KingdeeRowError,
} from './errors';

export interface KingdeeRawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

export type { Redact };

const identity: Redact = (text) => text;

export interface KingdeeSuccessEntity {
	id: string | number | null;
	number: string | null;
	dIndex: number | null;
}

export interface KingdeeResponseStatus {
	isSuccess: boolean;
	msgCode?: number;
	errors: KingdeeRowError[];
	successEntities: KingdeeSuccessEntity[];
}

/** A `Result.ResponseStatus` reply (Save, BatchSave, Submit, Audit, View, …), successful or not. */
export interface KingdeeStatusReply {
	status: KingdeeResponseStatus;
	/** Save's top-level Id / Number ('' on failure). */
	id?: string | number;
	number?: string;
	needReturnData?: unknown;
	/** View's record (`Result.Result`). */
	result?: unknown;
}

export interface KingdeeLoginReply {
	loginResultType: number;
	message: string | null;
	/** Sent as header `kdservice-sessionid`; null on 7.x servers (cookies only). */
	kdsvcSessionId: string | null;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Case-insensitive key lookup: older servers and templates vary the casing. */
function pick(object: JsonObject, key: string): unknown {
	if (key in object) return object[key];
	const lower = key.toLowerCase();
	const found = Object.keys(object).find((k) => k.toLowerCase() === lower);
	return found === undefined ? undefined : object[found];
}

function toNumberOrUndefined(value: unknown): number | undefined {
	if (value === null || value === undefined || value === '') return undefined;
	const n = Number(value);
	return Number.isFinite(n) ? n : undefined;
}

function toText(value: unknown): string {
	if (value === null || value === undefined) return '';
	return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A short, tag-free excerpt of an unexpected body (HTML error pages), for messages. */
function bodyExcerpt(body: string, max = 300): string {
	const text = body
		.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/&nbsp;/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Steps 1–3 of docs/kingdee-webapi.md#parsing-order: HTTP status, `response_error:` envelope, JSON. Returns the parsed JSON.
 */
function parseKingdeeJson(service: string, raw: KingdeeRawResponse, redact: Redact = identity): unknown {
	const body = raw.body ?? '';
	if (raw.statusCode !== 200 && raw.statusCode !== 206) {
		const excerpt = bodyExcerpt(redact(body));
		if (/Fail to verify thirty passport/i.test(body)) {
			throw new KingdeeApiError(
				`Kingdee ${service} refused the signed request (HTTP ${raw.statusCode}, "Fail to verify thirty passport"): the Account ID (账套) is probably wrong`,
				{ kind: 'auth', service, httpStatus: raw.statusCode },
			);
		}
		const status = raw.statusCode;
		const serverSide = status >= 500;
		// A 5xx may come after the server committed (an IIS error page on the way out, a gateway that
		// forwarded the request): reads are retried, writes are verified before anything is re-sent.
		// 503 is IIS refusing the request (application pool stopped or queue full): nothing ran.
		const ambiguous = serverSide && status !== 503;
		throw new KingdeeApiError(`Kingdee ${service} answered HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`, {
			kind: serverSide || status === 429 ? 'transient' : 'transport',
			service,
			httpStatus: status,
			retryable: serverSide || status === 429,
			ambiguous,
		});
	}
	const trimmed = body.trim();
	if (/^response_error:/i.test(trimmed)) {
		// Server exception envelope (docs/kingdee-webapi.md#http-status-and-exceptions): parse from the first `{`, report Message.
		let message = bodyExcerpt(redact(trimmed.slice('response_error:'.length)));
		const start = trimmed.indexOf('{');
		if (start >= 0) {
			try {
				const parsed = parseJsonLossless(trimmed.slice(start));
				if (isObject(parsed)) message = toText(pick(parsed, 'Message')) || message;
			} catch {
				// keep the excerpt
			}
		}
		throw new KingdeeApiError(`Kingdee ${service} raised a server exception: ${redact(message)}`, {
			kind: 'server',
			service,
			// An exception inside the server may come after the data was written: retry reads, verify writes.
			retryable: true,
			ambiguous: true,
		});
	}
	if (trimmed === '') {
		throw new KingdeeApiError(`Kingdee ${service} answered with an empty body`, {
			kind: 'transport',
			service,
			retryable: true,
			ambiguous: true,
		});
	}
	try {
		return parseJsonLossless(trimmed);
	} catch {
		// fall through to the error below (thrown outside the catch block)
	}
	// HTML or cut-off JSON with HTTP 200: a proxy page, a wrong URL, or an answer lost after a commit.
	// Not retried; a write is verified before anything is re-sent.
	throw new KingdeeApiError(
		`Kingdee ${service} answered with something that is not JSON (check the Server URL): ${bodyExcerpt(redact(trimmed))}`,
		{ kind: 'transport', service, ambiguous: true },
	);
}

function parseRowErrors(value: unknown): KingdeeRowError[] {
	if (!Array.isArray(value)) return [];
	return value.filter(isObject).map((row) => ({
		fieldName: toText(pick(row, 'FieldName')),
		message: toText(pick(row, 'Message')),
		dIndex: toNumberOrUndefined(pick(row, 'DIndex')) ?? null,
	}));
}

function parseSuccessEntities(value: unknown): KingdeeSuccessEntity[] {
	if (!Array.isArray(value)) return [];
	return value.filter(isObject).map((row) => {
		const id = pick(row, 'Id');
		const number = pick(row, 'Number');
		return {
			id: typeof id === 'number' || (typeof id === 'string' && id !== '') ? id : null,
			number: number === null || number === undefined || number === '' ? null : String(number),
			dIndex: toNumberOrUndefined(pick(row, 'DIndex')) ?? null,
		};
	});
}

/** `ResponseStatus` with IsSuccess as boolean or "true"/"false" string (official templates use strings). */
function parseResponseStatus(value: unknown): KingdeeResponseStatus | undefined {
	if (!isObject(value)) return undefined;
	const isSuccessRaw = pick(value, 'IsSuccess');
	return {
		isSuccess: isSuccessRaw === true || (typeof isSuccessRaw === 'string' && isSuccessRaw.toLowerCase() === 'true'),
		msgCode: toNumberOrUndefined(pick(value, 'MsgCode')),
		errors: parseRowErrors(pick(value, 'Errors')),
		successEntities: parseSuccessEntities(pick(value, 'SuccessEntitys')),
	};
}

/** The error for a failed status: kind from the MsgCode table (session loss, transient, permanent). */
export function statusError(
	service: string,
	status: KingdeeResponseStatus,
	redact: Redact = identity,
): KingdeeApiError {
	const msgCode = status.msgCode;
	const entry = msgCode === undefined ? undefined : KINGDEE_MSG_CODES[msgCode];
	// An unknown form comes as MsgCode 4 "exception"; its own kind gets it a Form ID hint, not "check the Server URL".
	const kind = unknownFormId(status.errors) !== undefined ? 'unknownForm' : (entry?.kind ?? 'server');
	const details = describeRowErrors(status.errors) || 'no message';
	const meaning = msgCodeMeaning(msgCode);
	const rowErrors = status.errors.map((row) => ({ ...row, message: redact(row.message) }));
	return new KingdeeApiError(
		redact(`Kingdee ${service} failed: ${details}${meaning ? ` [MsgCode ${msgCode}: ${meaning}]` : ''}`),
		{
			kind,
			service,
			msgCode,
			rowErrors,
			retryable: kind === 'transient' || msgCode === 6,
			// MsgCode 6 (database failure) on a write: verify before resending (docs/kingdee-webapi.md#msgcodes).
			ambiguous: msgCode === 6,
		},
	);
}

/** Failures the caller can never map to rows: session loss, busy/limit, database failure. */
function isCallLevelFailure(status: KingdeeResponseStatus): boolean {
	if (status.isSuccess) return false;
	return status.msgCode === 1 || status.msgCode === 6 || status.msgCode === 13 || status.msgCode === 14;
}

/**
 * Step 6 of docs/kingdee-webapi.md#parsing-order for DynamicFormService calls. Returns the reply even when IsSuccess is false
 * (BatchSave has per-row outcomes); throws for call-level failures (session lost, transient).
 */
export function parseStatusResponse(
	service: string,
	raw: KingdeeRawResponse,
	redact: Redact = identity,
): KingdeeStatusReply {
	const json = parseKingdeeJson(service, raw, redact);
	// Some servers wrap even these replies in [[…]] (as ExecuteBillQuery does for errors).
	const unwrapped = unwrapQueryError(json) ?? json;
	const resultValue = isObject(unwrapped) ? pick(unwrapped, 'Result') : undefined;
	const result = isObject(resultValue) ? resultValue : undefined;
	const status = result ? parseResponseStatus(pick(result, 'ResponseStatus')) : undefined;
	if (!result || !status) {
		throw new KingdeeApiError(
			`Kingdee ${service} answered without Result.ResponseStatus: ${bodyExcerpt(redact(raw.body))}`,
			{ kind: 'transport', service },
		);
	}
	if (isCallLevelFailure(status)) throw statusError(service, status, redact);
	status.errors = status.errors.map((row) => ({ ...row, message: redact(row.message) }));
	const id = pick(result, 'Id');
	const number = pick(result, 'Number');
	return {
		status,
		id: typeof id === 'number' || typeof id === 'string' ? id : undefined,
		number: number === null || number === undefined ? undefined : String(number),
		needReturnData: pick(result, 'NeedReturnData'),
		result: pick(result, 'Result'),
	};
}

/** `[[{"Result":{"ResponseStatus":…}}]]` → the inner object; anything else → undefined. */
function unwrapQueryError(json: unknown): JsonObject | undefined {
	if (!Array.isArray(json) || json.length !== 1) return undefined;
	const inner = json[0];
	if (!Array.isArray(inner) || inner.length !== 1) return undefined;
	const candidate = inner[0];
	if (isObject(candidate) && isObject(pick(candidate, 'Result'))) return candidate;
	return undefined;
}

/**
 * ExecuteBillQuery (docs/kingdee-webapi.md#queries): a bare 2-D array of rows, or a status object wrapped in `[[…]]`
 * (also plain, on some versions) which always means failure here.
 */
export function parseQueryResponse(service: string, raw: KingdeeRawResponse, redact: Redact = identity): unknown[][] {
	const json = parseKingdeeJson(service, raw, redact);
	const wrapped = unwrapQueryError(json) ?? (isObject(json) ? json : undefined);
	if (wrapped) {
		const result = pick(wrapped, 'Result');
		const status = isObject(result) ? parseResponseStatus(pick(result, 'ResponseStatus')) : undefined;
		if (status) {
			if (status.isSuccess) return [];
			throw statusError(service, status, redact);
		}
		throw new KingdeeApiError(
			`Kingdee ${service} answered with an unexpected object: ${bodyExcerpt(redact(raw.body))}`,
			{
				kind: 'transport',
				service,
			},
		);
	}
	if (!Array.isArray(json)) {
		throw new KingdeeApiError(
			`Kingdee ${service} answered with something that is not a row list: ${bodyExcerpt(redact(raw.body))}`,
			{
				kind: 'transport',
				service,
			},
		);
	}
	return json.map((row) => (Array.isArray(row) ? row : [row]));
}

/**
 * Login answers are top-level objects (docs/kingdee-webapi.md#login-result). Success: LoginResultType 1,
 * or -5 which the manual allows.
 */
export function parseLoginResponse(
	service: string,
	raw: KingdeeRawResponse,
	redact: Redact = identity,
): KingdeeLoginReply {
	const json = parseKingdeeJson(service, raw, redact);
	if (!isObject(json)) {
		throw new KingdeeApiError(
			`Kingdee ${service} answered with an unexpected login reply: ${bodyExcerpt(redact(raw.body))}`,
			{
				kind: 'transport',
				service,
			},
		);
	}
	const loginResultType = toNumberOrUndefined(pick(json, 'LoginResultType'));
	if (loginResultType === undefined) {
		const result = pick(json, 'Result');
		const status = isObject(result) ? parseResponseStatus(pick(result, 'ResponseStatus')) : undefined;
		if (status && !status.isSuccess) {
			const error = statusError(service, status, redact);
			throw new KingdeeApiError(error.message, {
				kind: 'auth',
				service,
				msgCode: error.msgCode,
				rowErrors: error.rowErrors,
			});
		}
		throw new KingdeeApiError(`Kingdee ${service} answered without LoginResultType: ${bodyExcerpt(redact(raw.body))}`, {
			kind: 'transport',
			service,
		});
	}
	const messageValue = pick(json, 'Message');
	const message = messageValue === null || messageValue === undefined ? null : redact(toText(messageValue));
	if (loginResultType !== 1 && loginResultType !== -5) {
		const meaning = KINGDEE_LOGIN_RESULT_TYPES[loginResultType] ?? `Unknown LoginResultType ${loginResultType}`;
		throw new KingdeeApiError(
			redact(
				`Kingdee login refused (${service}): ${meaning}${message ? ` — ${message}` : ''} [LoginResultType ${loginResultType}]`,
			),
			{ kind: 'auth', service, loginResultType },
		);
	}
	const sessionId = pick(json, 'KDSVCSessionId');
	return {
		loginResultType,
		message,
		kdsvcSessionId: typeof sessionId === 'string' && sessionId !== '' ? sessionId : null,
	};
}
