/** Kingdee error model: one Error subclass with MsgCode, its meaning and per-row messages. Pure. */

/**
 * What went wrong, as far as the caller's reaction is concerned:
 * - sessionLost: MsgCode 1 — log in again (session modes) or the signature was refused (signed headers);
 * - transient: busy / call limit / HTTP 5xx / timeout / network — may be retried (see `ambiguous`);
 * - outcomeUnknown: a write may or may not have been applied (timeout after sending) — verify, don't resend blindly;
 * - validation, notFound, permission, notAllowed, invalidRequest, licence, server: permanent, reported per row;
 * - unknownForm: the Form ID names no form (MsgCode 4 with 业务对象不存在; docs/kingdee-webapi.md#queries);
 * - auth: login refused or credentials wrong; transport: HTTP/format problems that retrying won't fix.
 */
export type KingdeeErrorKind =
	| 'sessionLost'
	| 'transient'
	| 'outcomeUnknown'
	| 'validation'
	| 'notFound'
	| 'permission'
	| 'notAllowed'
	| 'invalidRequest'
	| 'unknownForm'
	| 'licence'
	| 'server'
	| 'auth'
	| 'transport';

export interface KingdeeRowError {
	/** Kingdee's FieldName (e.g. FName); '' when the server names none. */
	fieldName: string;
	message: string;
	/** 0-based package position in the request (per server batch when BatchCount is set); null if absent. */
	dIndex: number | null;
}

/** MsgCode table of docs/kingdee-webapi.md#msgcodes, English and the Chinese original. */
export const KINGDEE_MSG_CODES: Record<number, { meaning: string; kind: KingdeeErrorKind }> = {
	0: { meaning: 'Other error (默认)', kind: 'server' },
	1: { meaning: 'Session lost, log in again (上下文丢失)', kind: 'sessionLost' },
	2: { meaning: 'No permission (没有权限)', kind: 'permission' },
	3: { meaning: 'Operation number is empty (操作标识为空)', kind: 'invalidRequest' },
	4: { meaning: 'Server exception (异常)', kind: 'server' },
	5: { meaning: 'Form ID is empty (单据标识为空)', kind: 'invalidRequest' },
	6: { meaning: 'Database operation failed (数据库操作失败)', kind: 'server' },
	7: { meaning: 'Licence error (许可错误)', kind: 'licence' },
	8: { meaning: 'Invalid parameter (参数错误)', kind: 'invalidRequest' },
	9: { meaning: 'Field or value does not exist (指定字段/值不存在)', kind: 'invalidRequest' },
	10: { meaning: 'No matching data found (未找到对应数据)', kind: 'notFound' },
	11: { meaning: 'Validation failed (验证失败)', kind: 'validation' },
	12: { meaning: 'Operation not allowed in this state (不可操作)', kind: 'notAllowed' },
	13: { meaning: 'Network-control conflict, record locked by another user (网控冲突)', kind: 'transient' },
	14: { meaning: 'Call limit reached (调用限制)', kind: 'transient' },
	15: { meaning: 'Administrator login forbidden (禁止管理员登录)', kind: 'auth' },
};

/** LoginResultType of docs/kingdee-webapi.md#login-result. */
export const KINGDEE_LOGIN_RESULT_TYPES: Record<number, string> = {
	[-7]: 'Activation required (激活)',
	[-6]: 'Cloud passport not bound to a Kingdee account (云通行证未绑定Cloud账号)',
	[-5]: 'Form handling required (需要表单处理)',
	[-4]: 'Login warning (登录警告)',
	[-3]: 'Password rejected by the mandatory password policy (密码验证不通过（强制的）)',
	[-2]: 'Password rejected by the optional password policy (密码验证不通过（可选的）)',
	[-1]: 'Login failed: user locked/disabled, wrong account ID, or app credentials/signature rejected (登录失败)',
	0: 'Wrong username or password (用户或密码错误)',
	1: 'Success (登录成功)',
};

export function msgCodeMeaning(msgCode: number | undefined): string | undefined {
	if (msgCode === undefined) return undefined;
	return KINGDEE_MSG_CODES[msgCode]?.meaning ?? `Unknown MsgCode ${msgCode}`;
}

/** Kingdee's words for a Form ID it does not know: 标识为“NO_SUCH_FORM”的业务对象不存在，或者被删除 (docs/kingdee-webapi.md#queries). */
const UNKNOWN_FORM_PATTERN = /标识为[“"]([^”"]+)[”"]的业务对象不存在/;

/** The Form ID Kingdee says it does not know, when one of the row errors says so; otherwise undefined. */
export function unknownFormId(rowErrors: KingdeeRowError[]): string | undefined {
	for (const row of rowErrors) {
		const match = UNKNOWN_FORM_PATTERN.exec(row.message);
		if (match) return match[1];
	}
	return undefined;
}

export interface KingdeeApiErrorInit {
	kind: KingdeeErrorKind;
	service?: string;
	msgCode?: number;
	rowErrors?: KingdeeRowError[];
	httpStatus?: number;
	loginResultType?: number;
	/** Repeating the call may help (e.g. call limit, HTTP 503). */
	retryable?: boolean;
	/** The request may have been processed although no success came back (timeout, gateway error). */
	ambiguous?: boolean;
	/** Surely not processed: the login failed or no connection was made (rows say "not sent"). */
	notSent?: boolean;
	/** The failure is the login's (session modes), so nothing of the call was sent. */
	loginFailed?: boolean;
	/** Network error code when no connection was made (ECONNREFUSED, ENOTFOUND, …). */
	code?: string;
}

/**
 * Every Kingdee failure. The message is already redacted by whoever built it (the session passes
 * the credential's secrets); it names the service, the server's messages and the MsgCode meaning.
 */
export class KingdeeApiError extends Error {
	readonly kind: KingdeeErrorKind;
	readonly service?: string;
	readonly msgCode?: number;
	readonly msgCodeMeaning?: string;
	readonly rowErrors: KingdeeRowError[];
	readonly httpStatus?: number;
	readonly loginResultType?: number;
	readonly retryable: boolean;
	readonly ambiguous: boolean;
	readonly notSent: boolean;
	readonly loginFailed: boolean;
	readonly code?: string;

	constructor(message: string, init: KingdeeApiErrorInit) {
		super(message);
		this.name = 'KingdeeApiError';
		this.kind = init.kind;
		this.service = init.service;
		this.msgCode = init.msgCode;
		this.msgCodeMeaning = msgCodeMeaning(init.msgCode);
		this.rowErrors = init.rowErrors ?? [];
		this.httpStatus = init.httpStatus;
		this.loginResultType = init.loginResultType;
		this.retryable = init.retryable ?? false;
		this.ambiguous = init.ambiguous ?? false;
		this.notSent = init.notSent ?? init.loginFailed ?? false;
		this.loginFailed = init.loginFailed ?? false;
		this.code = init.code;
	}
}

export function isKingdeeApiError(error: unknown): error is KingdeeApiError {
	return error instanceof KingdeeApiError;
}

/** "FName: 名称不能为空; 违反字段唯一性要求…" — distinct messages, field-prefixed. */
export function describeRowErrors(rowErrors: KingdeeRowError[]): string {
	const seen = new Set<string>();
	const parts: string[] = [];
	for (const row of rowErrors) {
		const text = row.fieldName ? `${row.fieldName}: ${row.message}` : row.message;
		if (!text || seen.has(text)) continue;
		seen.add(text);
		parts.push(text);
	}
	return parts.join('; ');
}
