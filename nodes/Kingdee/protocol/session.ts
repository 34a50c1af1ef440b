/**
 * One Kingdee session: lazy login, session reuse, recovery from session loss, retries of transient
 * faults, and no blind retry of writes whose outcome is unknown. Pure: HTTP comes in as `send`.
 */
import type { CallOutcome, CallRecord } from '../../common/callReport';
import { isUnreachableError, type CircuitBreaker, type ServerErrorRun } from '../../common/circuitBreaker';
import { createRedactor } from '../../common/redact';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from '../../common/retry';
import { settle } from '../../common/settle';
import { KingdeeApiError, isKingdeeApiError } from './errors';
import {
	parseLoginResponse,
	parseQueryResponse,
	parseStatusResponse,
	type KingdeeRawResponse,
	type KingdeeStatusReply,
	type Redact,
} from './responses';
import {
	executeOperationRequestBody,
	formRequestBody,
	isWriteService,
	kingdeeServiceUrl,
	normalizeServerUrl,
	queryRequestBody,
	type KingdeeFormService,
	type KingdeeService,
} from './services';

export interface KingdeeHttpRequest {
	url: string;
	/** JSON text; '' for login requests (the credential fills it in). */
	body: string;
	headers: Record<string, string>;
	/**
	 * A "log in now" request: the transport marks it so the credential's `authenticate` replaces
	 * URL and body with the login call of the configured mode.
	 */
	login: boolean;
	timeoutMs: number;
}

/**
 * Sends one request. Resolves with any HTTP answer (status codes are judged here); rejects only
 * when no answer came, preferably with a KingdeeApiError of kind 'transient' whose `ambiguous`
 * says whether the request may have reached the server (timeout) or surely did not (refused).
 */
export type KingdeeSend = (request: KingdeeHttpRequest) => Promise<KingdeeRawResponse>;

/** 'login': ValidateUser / LoginByAppSecret / LoginBySign sessions; 'signedHeaders': stateless signing. */
export type KingdeeSessionMode = 'login' | 'signedHeaders';

export interface KingdeeSessionOptions {
	serverUrl: string;
	mode: KingdeeSessionMode;
	send: KingdeeSend;
	sleep: (ms: number) => Promise<void>;
	retryPolicy?: RetryPolicy;
	/** Per-request timeout; default 120 s like the official SDKs. */
	timeoutMs?: number;
	/**
	 * The run's one redaction (`createRedactor` over the credential's secrets and `sessionIds`), applied once to every
	 * text that ends up in an error or the call report; default: the session ids only.
	 */
	redact?: Redact;
	random?: () => number;
	/** One per node run: after an unreachable server or a login retrying cannot fix, every later call fails at once. */
	breaker?: CircuitBreaker;
	/** Receives one entry per HTTP call (and per call not sent because the breaker is open), for the call report. */
	onCall?: (entry: CallRecord) => void;
	/** Session ids seen so far (shared by the sessions of a run); every error text is scrubbed of them. */
	sessionIds?: Set<string>;
	/** Clock for the call report (ms since epoch). */
	now?: () => number;
}

/** What a call is about, for messages and the call report: the form and which part of the work (`batch 2 (rows 201–400)`). */
export interface KingdeeCallContext {
	formId?: string;
	part?: string;
}

const SERVICE_PREFIXES = /^(DynamicFormService|AuthService)\./;

/** `BatchSave BD_Customer`: the service without its stub class, and the form. */
function callName(service: string, formId?: string): string {
	const short = service.replace(SERVICE_PREFIXES, '');
	return formId ? `${short} ${formId}` : short;
}

/** `BatchSave BD_Customer, batch 2 (rows 201–400)`: where a failure happened, for messages. */
function callWhere(service: string, context: KingdeeCallContext): string {
	return [callName(service, context.formId), context.part].filter(Boolean).join(', ');
}

/** The call report's reading of a failure. */
function outcomeOf(error: unknown): { outcome: CallOutcome; code?: string } {
	if (!isKingdeeApiError(error)) return { outcome: 'failed' };
	const code =
		error.msgCode !== undefined
			? String(error.msgCode)
			: error.loginResultType !== undefined
				? `LoginResultType ${error.loginResultType}`
				: error.code;
	if (error.msgCode === 13 || error.msgCode === 14 || error.httpStatus === 429) return { outcome: 'throttled', code };
	if (error.ambiguous && !error.notSent) return { outcome: 'unknown', code };
	return { outcome: 'failed', code };
}

const DETAIL_MAX = 200;

function shortDetail(text: string): string {
	return text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX)}…` : text;
}

const KINGDEE_DEFAULT_TIMEOUT_MS = 120_000;

const SESSION_COOKIES = ['kdservice-sessionid', 'ASP.NET_SessionId'];

function setCookieValues(headers: KingdeeRawResponse['headers']): string[] {
	const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === 'set-cookie');
	if (!key) return [];
	const value = headers[key];
	if (Array.isArray(value)) return value;
	return typeof value === 'string' ? [value] : [];
}

/** Failures no retry can fix: no server at the address, or a login refused for its credentials. */
function opensBreaker(error: unknown): boolean {
	if (isUnreachableError(error)) return true;
	return isKingdeeApiError(error) && error.kind === 'auth';
}

function breakerReason(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return `not sent: an earlier call of this run failed — ${shortDetail(message)}`;
}

/**
 * What every call after a run of server errors says (docs/kingdee-webapi.md#circuit-breaker): not sent, and why. The
 * rows read "not sent: Kingdee answered HTTP 503 to the last 5 calls; …".
 */
function serverErrorRunError(run: ServerErrorRun): KingdeeApiError {
	return new KingdeeApiError(
		`Kingdee answered ${run.text}; the rest of this run was stopped, since retrying a server that keeps failing does not help`,
		{ kind: 'transient', httpStatus: run.statuses[run.statuses.length - 1], notSent: true },
	);
}

/** Any login failure as "login failed (reason)", marked as not sent; retryable only when the cause was temporary. */
function loginFailure(error: unknown): KingdeeApiError {
	if (isKingdeeApiError(error) && error.loginFailed) return error;
	const reason = error instanceof Error ? error.message : String(error);
	const api = isKingdeeApiError(error) ? error : undefined;
	const unreachable = isUnreachableError(error);
	return new KingdeeApiError(`login failed (${reason})`, {
		kind: api?.kind === 'auth' ? 'auth' : unreachable ? 'transient' : (api?.kind ?? 'transport'),
		service: api?.service,
		msgCode: api?.msgCode,
		httpStatus: api?.httpStatus,
		loginResultType: api?.loginResultType,
		rowErrors: api?.rowErrors,
		retryable: api?.kind !== 'auth' && (api?.retryable ?? false),
		loginFailed: true,
		code: api?.code,
	});
}

export class KingdeeSession {
	private readonly serverUrl: string;
	private readonly options: KingdeeSessionOptions;
	private readonly redact: Redact;
	private readonly sessionIds: Set<string>;
	private cookies = new Map<string, string>();
	private kdsvcSessionId: string | null = null;
	private loggedIn = false;
	private loginInFlight: Promise<void> | undefined;

	constructor(options: KingdeeSessionOptions) {
		this.options = options;
		this.serverUrl = normalizeServerUrl(options.serverUrl);
		this.sessionIds = options.sessionIds ?? new Set<string>();
		// The run's one redaction (the transport's, over the same session ids); on its own, session ids only.
		this.redact = options.redact ?? createRedactor([], this.sessionIds);
	}

	private get now(): number {
		return (this.options.now ?? Date.now)();
	}

	private report(entry: Omit<CallRecord, 'system'>): void {
		this.options.onCall?.({
			system: 'kingdee',
			...entry,
			...(entry.detail ? { detail: shortDetail(this.redact(entry.detail)) } : {}),
		});
	}

	/** DynamicFormService call with `[formId, data]`; per-row failures come back in the reply. */
	async formCall(
		service: KingdeeFormService,
		formId: string,
		data: Record<string, unknown>,
		part?: string,
	): Promise<KingdeeStatusReply> {
		return await this.statusCall(service, formRequestBody(formId, data), { formId, part });
	}

	/** ExcuteOperation `[formId, opNumber, data]`. */
	async executeOperation(
		formId: string,
		opNumber: string,
		data: Record<string, unknown>,
		part?: string,
	): Promise<KingdeeStatusReply> {
		return await this.statusCall(
			'DynamicFormService.ExcuteOperation',
			executeOperationRequestBody(formId, opNumber, data),
			{ formId, part },
		);
	}

	/** Any DynamicFormService call answered with `Result.ResponseStatus` (the body already built). */
	async statusCall(
		service: KingdeeFormService,
		body: string,
		context: KingdeeCallContext = {},
	): Promise<KingdeeStatusReply> {
		return await this.call(
			service,
			body,
			(raw) => parseStatusResponse(callWhere(service, context), raw, this.redact),
			context,
		);
	}

	/** ExecuteBillQuery: one page of rows in FieldKeys order. */
	async executeBillQuery(data: Record<string, unknown>, part?: string): Promise<unknown[][]> {
		const service = 'DynamicFormService.ExecuteBillQuery';
		const formId = typeof data.FormId === 'string' ? data.FormId : undefined;
		const context = { formId, part };
		return await this.call(
			service,
			queryRequestBody(data),
			(raw) => parseQueryResponse(callWhere(service, context), raw, this.redact),
			context,
		);
	}

	/** AuthService.Logout, if this session ever logged in. Never throws: a failed logout only leaves an idle session. */
	async logout(): Promise<void> {
		if (this.options.mode !== 'login' || !this.loggedIn) return;
		this.loggedIn = false;
		const startedAt = this.now;
		let outcome: { outcome: CallOutcome; httpStatus?: number; detail?: string } = { outcome: 'ok' };
		try {
			const raw = await this.options.send({
				url: kingdeeServiceUrl(this.serverUrl, 'AuthService.Logout'),
				body: JSON.stringify({ parameters: [] }),
				headers: this.sessionHeaders(),
				login: false,
				timeoutMs: Math.min(this.timeoutMs, 15_000),
			});
			outcome = { outcome: raw.statusCode === 200 ? 'ok' : 'failed', httpStatus: raw.statusCode };
		} catch (error) {
			// The server drops idle sessions after 20 minutes anyway.
			outcome = { outcome: 'unknown', detail: error instanceof Error ? error.message : String(error) };
		}
		this.report({
			call: 'Logout',
			part: 'logout',
			attempt: 1,
			startedAt,
			durationMs: this.now - startedAt,
			...outcome,
		});
		this.cookies.clear();
		this.kdsvcSessionId = null;
	}

	private get timeoutMs(): number {
		return this.options.timeoutMs ?? KINGDEE_DEFAULT_TIMEOUT_MS;
	}

	/**
	 * Runs one service call with retries. A write whose request may have reached the server without
	 * an answer (timeout, gateway error, server exception) is NOT retried: it fails with kind
	 * 'outcomeUnknown' so the caller can verify what was saved. A failed login is never "unknown":
	 * nothing of the call was sent. With the run's breaker open, nothing is sent and the error that
	 * opened it is thrown again.
	 */
	async call<T>(
		service: KingdeeService,
		body: string,
		parse: (raw: KingdeeRawResponse) => T,
		context: KingdeeCallContext = {},
	): Promise<T> {
		const write = isWriteService(service);
		const breaker = this.options.breaker;
		const result = await settle(
			async () =>
				await withRetry(
					async (attempt) => {
						this.skipIfBreakerOpen(service, context, attempt);
						const once = await settle(async () => await this.callOnce(service, body, parse, context, attempt));
						if (once.ok) return once.value;
						const error = once.error;
						if (breaker && opensBreaker(error)) breaker.open(error, breakerReason(error));
						if (write && isKingdeeApiError(error) && error.ambiguous && !error.notSent) {
							throw new KingdeeApiError(
								`${error.message} — the outcome of this write is unknown (it may have been saved)`,
								{
									kind: 'outcomeUnknown',
									service,
									msgCode: error.msgCode,
									httpStatus: error.httpStatus,
									rowErrors: error.rowErrors,
								},
							);
						}
						throw error;
					},
					{
						policy: this.options.retryPolicy ?? DEFAULT_RETRY_POLICY,
						isRetryable: (error) => !breaker?.isOpen && isKingdeeApiError(error) && error.retryable,
						sleep: this.options.sleep,
						random: this.options.random,
					},
				),
		);
		if (result.ok) return result.value;
		const failure = result.error;
		// A login that still fails after its retries stops the run: every later call needs that login.
		if (breaker && isKingdeeApiError(failure) && failure.loginFailed) breaker.open(failure, breakerReason(failure));
		throw failure;
	}

	private skipIfBreakerOpen(service: KingdeeService, context: KingdeeCallContext, attempt: number): void {
		const opened = this.options.breaker?.openedBy;
		if (!opened) return;
		this.report({
			call: callName(service, context.formId),
			part: context.part,
			attempt,
			startedAt: this.now,
			durationMs: 0,
			outcome: 'skipped',
			detail: opened.reason,
		});
		this.options.breaker!.throwIfOpen();
	}

	/** One attempt, including one re-login and repeat when the session was lost (MsgCode 1). */
	private async callOnce<T>(
		service: KingdeeService,
		body: string,
		parse: (raw: KingdeeRawResponse) => T,
		context: KingdeeCallContext,
		attempt: number,
	): Promise<T> {
		await this.ensureLoggedIn(attempt, false);
		const first = await this.attempt(service, body, parse, context, attempt);
		if (!('lost' in first)) return first.value;
		// Session lost: the request was refused before it ran, so repeating it (even a write) is safe.
		if (this.options.mode === 'login') {
			this.invalidate();
			await this.ensureLoggedIn(attempt, true);
		} else {
			// Signed headers: drop a possibly stale session cookie and let the headers authenticate anew.
			this.cookies.clear();
		}
		const second = await this.attempt(service, body, parse, context, attempt);
		if (!('lost' in second)) return second.value;
		throw new KingdeeApiError(
			this.options.mode === 'signedHeaders'
				? `Kingdee rejected the signed request to ${service} (MsgCode 1, 会话信息已丢失): check App ID, App Secret, Username and Language (LCID) in the credential`
				: `Kingdee dropped the session again right after a fresh login (${service}, MsgCode 1): check the user's licence and concurrent-login limits`,
			{ kind: 'auth', service, msgCode: 1, rowErrors: second.lost.rowErrors },
		);
	}

	private async attempt<T>(
		service: KingdeeService,
		body: string,
		parse: (raw: KingdeeRawResponse) => T,
		context: KingdeeCallContext,
		attempt: number,
	): Promise<{ value: T } | { lost: KingdeeApiError }> {
		const startedAt = this.now;
		const entry = { call: callName(service, context.formId), part: context.part, attempt, startedAt };
		// Set once the server answered, so a reply that fails to parse still reports its HTTP status.
		const answered: { raw?: KingdeeRawResponse } = {};
		const parsed = await settle(async () => {
			const raw = await this.options.send({
				url: kingdeeServiceUrl(this.serverUrl, service),
				body,
				headers: this.sessionHeaders(),
				login: false,
				timeoutMs: this.timeoutMs,
			});
			answered.raw = raw;
			this.noteAnswer(raw);
			this.rememberCookies(raw);
			return parse(raw);
		});
		const raw = answered.raw;
		const durationMs = this.now - startedAt;
		if (parsed.ok) {
			const status = (parsed.value as { status?: { isSuccess?: boolean; msgCode?: number } } | undefined)?.status;
			const rejected = status !== undefined && status.isSuccess === false;
			this.report({
				...entry,
				durationMs,
				outcome: rejected ? 'failed' : 'ok',
				httpStatus: raw?.statusCode,
				...(status?.msgCode !== undefined ? { code: String(status.msgCode) } : {}),
				...(rejected ? { detail: 'Kingdee reported row errors' } : {}),
			});
			return { value: parsed.value };
		}
		const failure = parsed.error;
		this.report({
			...entry,
			durationMs,
			...outcomeOf(failure),
			httpStatus: raw?.statusCode,
			detail: failure instanceof Error ? failure.message : String(failure),
		});
		if (isKingdeeApiError(failure) && failure.kind === 'sessionLost') return { lost: failure };
		throw failure;
	}

	private async ensureLoggedIn(attempt: number, relogin: boolean): Promise<void> {
		if (this.options.mode !== 'login' || this.loggedIn) return;
		// Concurrent callers share one login instead of creating one server context each.
		this.loginInFlight ??= this.login(attempt, relogin).finally(() => {
			this.loginInFlight = undefined;
		});
		await this.loginInFlight;
	}

	/**
	 * Logs in. Any failure becomes a "login failed (reason)" error that says nothing was sent: a login
	 * changes no data, so a 5xx is retried like a read, and wrong credentials are never "outcome unknown".
	 */
	private async login(attempt: number, relogin: boolean): Promise<void> {
		this.cookies.clear();
		this.kdsvcSessionId = null;
		const startedAt = this.now;
		// Set once the server answered, so a login reply that fails to parse still reports its HTTP status.
		const answered: { raw?: KingdeeRawResponse } = {};
		const loggedIn = await settle(async () => {
			const raw = await this.options.send({
				// The credential's authenticate() picks the mode's login service and writes the body.
				url: kingdeeServiceUrl(this.serverUrl, 'AuthService.ValidateUser'),
				body: '',
				headers: { 'Content-Type': 'application/json' },
				login: true,
				timeoutMs: this.timeoutMs,
			});
			answered.raw = raw;
			this.noteAnswer(raw);
			this.rememberCookies(raw);
			return parseLoginResponse('AuthService login', raw, this.redact);
		});
		const raw = answered.raw;
		const entry = {
			call: 'Login',
			part: 'login',
			attempt,
			startedAt,
			durationMs: this.now - startedAt,
			httpStatus: raw?.statusCode,
			...(relogin ? { relogin: true } : {}),
		};
		if (loggedIn.ok) {
			const reply = loggedIn.value;
			if (reply.kdsvcSessionId) this.sessionIds.add(reply.kdsvcSessionId);
			this.report({ ...entry, outcome: 'ok', code: `LoginResultType ${reply.loginResultType}` });
			this.kdsvcSessionId = reply.kdsvcSessionId;
			this.loggedIn = true;
			return;
		}
		const error = loginFailure(loggedIn.error);
		this.report({ ...entry, ...outcomeOf(error), outcome: 'failed', detail: error.message });
		throw error;
	}

	/** Every answer goes to the run's breaker; a run of 5xx answers opens it for every later call. */
	private noteAnswer(raw: KingdeeRawResponse): void {
		const breaker = this.options.breaker;
		const run = breaker?.noteAnswer(raw.statusCode);
		if (!breaker || !run) return;
		const error = serverErrorRunError(run);
		breaker.open(error, `not sent: ${error.message}`);
	}

	private invalidate(): void {
		this.loggedIn = false;
		this.cookies.clear();
		this.kdsvcSessionId = null;
	}

	private rememberCookies(raw: KingdeeRawResponse): void {
		for (const line of setCookieValues(raw.headers)) {
			const pair = line.split(';', 1)[0];
			const eq = pair.indexOf('=');
			if (eq <= 0) continue;
			const name = pair.slice(0, eq).trim();
			const value = pair.slice(eq + 1).trim();
			if (value === '') this.cookies.delete(name);
			else this.cookies.set(name, value);
			if (value !== '' && SESSION_COOKIES.some((cookie) => cookie.toLowerCase() === name.toLowerCase()))
				this.sessionIds.add(value);
		}
	}

	private sessionHeaders(): Record<string, string> {
		const headers: Record<string, string> = { 'Content-Type': 'application/json' };
		if (this.cookies.size > 0) {
			// Session cookies first, as the SDKs send them; any other cookie the server set follows.
			const names = [...this.cookies.keys()].sort(
				(a, b) => (SESSION_COOKIES.includes(a) ? 0 : 1) - (SESSION_COOKIES.includes(b) ? 0 : 1),
			);
			headers.Cookie = names.map((name) => `${name}=${this.cookies.get(name)}`).join('; ');
		}
		if (this.kdsvcSessionId) headers['kdservice-sessionid'] = this.kdsvcSessionId;
		return headers;
	}
}

/**
 * N sessions of the same user. Kingdee (IIS) serialises the requests of one session, so parallel
 * requests need parallel sessions. Sessions are created and logged in lazily, reused across
 * `forEach` calls, and logged out by `close()`.
 */
export class KingdeeSessionPool {
	private readonly sessions: KingdeeSession[] = [];
	readonly size: number;

	constructor(
		size: number,
		private readonly createSession: () => KingdeeSession,
	) {
		this.size = Math.max(1, Math.min(KINGDEE_MAX_PARALLEL_SESSIONS, Math.floor(size) || 1));
	}

	/** Session `index` (0 = the one for work that needs no parallelism), created on first use. */
	session(index: number): KingdeeSession {
		while (this.sessions.length <= index) this.sessions.push(this.createSession());
		return this.sessions[index];
	}

	/**
	 * Runs `worker` over `inputs` as a work queue, at most `maxLanes` (≤ size) at a time, each lane on its
	 * own session. Results keep input order. If a worker throws, no further inputs are started and the
	 * first error is re-thrown once the running ones finished.
	 */
	async forEach<I, R>(
		inputs: I[],
		worker: (input: I, session: KingdeeSession, index: number) => Promise<R>,
		maxLanes = this.size,
	): Promise<R[]> {
		const results: R[] = new Array(inputs.length);
		let next = 0;
		let failure: { error: unknown } | undefined;
		const lanes = Math.max(1, Math.min(this.size, Math.floor(maxLanes), inputs.length));
		const runLane = async (lane: number) => {
			const session = this.session(lane);
			while (!failure && next < inputs.length) {
				const index = next++;
				try {
					results[index] = await worker(inputs[index], session, index);
				} catch (error) {
					failure ??= { error };
				}
			}
		};
		await Promise.all(Array.from({ length: lanes }, (_, lane) => runLane(lane)));
		if (failure) throw failure.error;
		return results;
	}

	async close(): Promise<void> {
		await Promise.all(this.sessions.map(async (session) => await session.logout()));
	}
}

export const KINGDEE_MAX_PARALLEL_SESSIONS = 5;
