/**
 * Wire format of the Kingdee WebAPI as the emulator speaks it: service routing, the three request
 * body shapes (docs/kingdee-webapi.md#request-bodies) and the response envelopes
 * (docs/kingdee-webapi.md#sessions, docs/kingdee-webapi.md#response-envelope).
 */
import { getCaseInsensitive, isPlainObject } from './store';

export type ServiceKind = 'auth' | 'form';

export interface ServiceInfo {
	kind: ServiceKind;
	/** Canonical method name, also the key in stats().byService (`BatchSave`, `ValidateUser`, …). */
	name: string;
	/** Positional parameter names (shape B/C), also the named keys of shape A. */
	params: string[];
	/** Changes data: write faults and the write log apply, a lost answer may have committed. */
	write?: boolean;
}

/** Services whose errors arrive wrapped as `[[{…}]]`. */
export const QUERY_SERVICES = new Set(['ExecuteBillQuery', 'BillQuery']);

export class BadRequestBody extends Error {}

/**
 * Extracts the arguments of a call, keyed by the lower-case parameter names of `service.params`:
 * - shape A: named keys, any case (`{"formid":…,"data":…}`);
 * - shape B: `{"parameters":[…]}`, positional;
 * - shape C: the legacy envelope, where `parameters` is a JSON string of the array.
 * `data` given as a JSON string is parsed; any other element is left as sent.
 */
export function extractArguments(body: unknown, service: ServiceInfo): Record<string, unknown> {
	if (!isPlainObject(body)) throw new BadRequestBody('请求体必须是 JSON 对象（命名参数或 parameters 数组）');
	const args: Record<string, unknown> = {};
	let positional = getCaseInsensitive(body, 'parameters');
	if (typeof positional === 'string') {
		try {
			positional = JSON.parse(positional);
		} catch {
			positional = undefined;
		}
		if (!Array.isArray(positional)) throw new BadRequestBody('参数 parameters 不是有效的 JSON 数组');
	}
	if (Array.isArray(positional)) {
		service.params.forEach((name, index) => (args[name] = positional && (positional as unknown[])[index]));
	} else {
		for (const name of service.params) args[name] = getCaseInsensitive(body, name);
	}
	if (typeof args.data === 'string') {
		const text = args.data.trim();
		if (text === '') args.data = undefined;
		else {
			let parsed: unknown;
			let valid = true;
			try {
				parsed = JSON.parse(text);
			} catch {
				valid = false;
			}
			if (!valid) throw new BadRequestBody('data 数据包不是有效的 JSON');
			args.data = parsed;
		}
	}
	return args;
}

export interface EntityResult {
	Id: number | string;
	Number: string;
	DIndex: number;
}

export interface ErrorResult {
	FieldName: string | null;
	Message: string;
	DIndex: number;
}

/** `Result.ResponseStatus`: success has no ErrorCode and MsgCode 0; failure ErrorCode 500 and the MsgCode. */
export function responseStatus(
	successes: EntityResult[],
	errors: ErrorResult[],
	msgCode: number,
): Record<string, unknown> {
	if (errors.length === 0) {
		return { IsSuccess: true, Errors: [], SuccessEntitys: successes, SuccessMessages: [], MsgCode: 0 };
	}
	return {
		ErrorCode: 500,
		IsSuccess: false,
		Errors: errors,
		SuccessEntitys: successes,
		SuccessMessages: [],
		MsgCode: msgCode,
	};
}

/** The whole-call failure body `{"Result":{"ResponseStatus":{…}}}` with one error. */
export function failureBody(
	msgCode: number,
	message: string,
	fieldName: string | null = null,
): Record<string, unknown> {
	return {
		Result: { ResponseStatus: responseStatus([], [{ FieldName: fieldName, Message: message, DIndex: 0 }], msgCode) },
	};
}

/** The exact session-lost reply (docs/kingdee-webapi.md#sessions). */
export const SESSION_LOST_MESSAGE = '会话信息已丢失，请重新登录';
export function sessionLostBody(): Record<string, unknown> {
	return failureBody(1, SESSION_LOST_MESSAGE);
}

/** Query services deliver failures wrapped in two arrays. */
export function wrapForService(serviceName: string, body: Record<string, unknown>): unknown {
	return QUERY_SERVICES.has(serviceName) ? [[body]] : body;
}

/** The server-exception envelope (`response_error:` + JSON), docs/kingdee-webapi.md#http-status-and-exceptions. */
export function responseErrorText(message: string): string {
	return `response_error:${JSON.stringify({
		Message: message,
		InnerExWrapper: null,
		InnerException: null,
		StackTrace: null,
	})}`;
}

export const IIS_ERROR_PAGE =
	'<!DOCTYPE html>\r\n<html><head><title>Runtime Error</title></head><body>' +
	"<h1>Server Error in '/K3Cloud' Application.</h1><h2><i>Runtime Error</i></h2>" +
	'<p>An application error occurred on the server (Kingdee emulator: injected HTTP 500).</p></body></html>';

/** `true`, `"true"`, `"True"`, 1 and `"1"` are true (templates write booleans as strings). */
export function toBoolean(value: unknown, fallback: boolean): boolean {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value === 'boolean') return value;
	if (typeof value === 'number') return value !== 0;
	if (typeof value === 'string') {
		const lower = value.trim().toLowerCase();
		if (lower === 'true' || lower === '1') return true;
		if (lower === 'false' || lower === '0') return false;
	}
	return fallback;
}

/** Scalars to text (numbers allowed where the product takes text); objects and arrays → undefined. */
export function scalarText(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}
