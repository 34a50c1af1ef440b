/**
 * One Kingdee session: lazy login, session reuse, recovery from session loss, retries of transient
 * faults, and no blind retry of writes whose outcome is unknown. Pure: HTTP comes in as `send`.
 */
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from '../../common/retry';
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
	/** Removes secrets from any text that ends up in an error. */
	redact?: Redact;
	random?: () => number;
}

export const KINGDEE_DEFAULT_TIMEOUT_MS = 120_000;

const SESSION_COOKIES = ['kdservice-sessionid', 'ASP.NET_SessionId'];

function setCookieValues(headers: KingdeeRawResponse['headers']): string[] {
	const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === 'set-cookie');
	if (!key) return [];
	const value = headers[key];
	if (Array.isArray(value)) return value;
	return typeof value === 'string' ? [value] : [];
}

export class KingdeeSession {
	private readonly serverUrl: string;
	private readonly options: KingdeeSessionOptions;
	private readonly redact: Redact;
	private cookies = new Map<string, string>();
	private kdsvcSessionId: string | null = null;
	private loggedIn = false;
	private loginInFlight: Promise<void> | undefined;

	/** Logins performed (for tests and diagnostics). */
	loginCount = 0;
	/** Session losses recovered by logging in again. */
	sessionRecoveries = 0;

	constructor(options: KingdeeSessionOptions) {
		this.options = options;
		this.serverUrl = normalizeServerUrl(options.serverUrl);
		this.redact = options.redact ?? ((text) => text);
	}

	get mode(): KingdeeSessionMode {
		return this.options.mode;
	}

	/** DynamicFormService call with `[formId, data]`; per-row failures come back in the reply. */
	async formCall(service: KingdeeFormService, formId: string, data: Record<string, unknown>): Promise<KingdeeStatusReply> {
		return await this.call(service, formRequestBody(formId, data), (raw) =>
			parseStatusResponse(service, raw, this.redact),
		);
	}

	/** ExcuteOperation `[formId, opNumber, data]`. */
	async executeOperation(formId: string, opNumber: string, data: Record<string, unknown>): Promise<KingdeeStatusReply> {
		const service = 'DynamicFormService.ExcuteOperation';
		return await this.call(service, executeOperationRequestBody(formId, opNumber, data), (raw) =>
			parseStatusResponse(service, raw, this.redact),
		);
	}

	/** ExecuteBillQuery: one page of rows in FieldKeys order. */
	async executeBillQuery(data: Record<string, unknown>): Promise<unknown[][]> {
		const service = 'DynamicFormService.ExecuteBillQuery';
		return await this.call(service, queryRequestBody(data), (raw) => parseQueryResponse(service, raw, this.redact));
	}

	/** AuthService.Logout, if this session ever logged in. Never throws: a failed logout only leaves an idle session. */
	async logout(): Promise<void> {
		if (this.options.mode !== 'login' || !this.loggedIn) return;
		this.loggedIn = false;
		try {
			await this.options.send({
				url: kingdeeServiceUrl(this.serverUrl, 'AuthService.Logout'),
				body: JSON.stringify({ parameters: [] }),
				headers: this.sessionHeaders(),
				login: false,
				timeoutMs: Math.min(this.timeoutMs, 15_000),
			});
		} catch {
			// The server drops idle sessions after 20 minutes anyway.
		}
		this.cookies.clear();
		this.kdsvcSessionId = null;
	}

	private get timeoutMs(): number {
		return this.options.timeoutMs ?? KINGDEE_DEFAULT_TIMEOUT_MS;
	}

	/**
	 * Runs one service call with retries. A write whose request may have reached the server without
	 * an answer (timeout, gateway error, server exception) is NOT retried: it fails with kind
	 * 'outcomeUnknown' so the caller can verify what was saved.
	 */
	async call<T>(service: KingdeeService, body: string, parse: (raw: KingdeeRawResponse) => T): Promise<T> {
		const write = isWriteService(service);
		return await withRetry(
			async () => {
				let result: { value: T } | undefined;
				let failure: unknown;
				try {
					result = { value: await this.callOnce(service, body, parse) };
				} catch (error) {
					failure = error;
				}
				if (result) return result.value;
				if (write && isKingdeeApiError(failure) && failure.ambiguous) {
					throw new KingdeeApiError(
						`${failure.message} — the outcome of this write is unknown (it may have been saved)`,
						{ kind: 'outcomeUnknown', service, msgCode: failure.msgCode, httpStatus: failure.httpStatus, rowErrors: failure.rowErrors },
					);
				}
				throw failure;
			},
			{
				policy: this.options.retryPolicy ?? DEFAULT_RETRY_POLICY,
				isRetryable: (error) => isKingdeeApiError(error) && error.retryable,
				sleep: this.options.sleep,
				random: this.options.random,
			},
		);
	}

	/** One attempt, including one re-login and repeat when the session was lost (MsgCode 1). */
	private async callOnce<T>(service: KingdeeService, body: string, parse: (raw: KingdeeRawResponse) => T): Promise<T> {
		await this.ensureLoggedIn();
		const first = await this.attempt(service, body, parse);
		if (!('lost' in first)) return first.value;
		// Session lost: the request was refused before it ran, so repeating it (even a write) is safe.
		if (this.options.mode === 'login') {
			this.invalidate();
			await this.ensureLoggedIn();
		} else {
			// Signed headers: drop a possibly stale session cookie and let the headers authenticate anew.
			this.cookies.clear();
		}
		this.sessionRecoveries++;
		const second = await this.attempt(service, body, parse);
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
	): Promise<{ value: T } | { lost: KingdeeApiError }> {
		const raw = await this.options.send({
			url: kingdeeServiceUrl(this.serverUrl, service),
			body,
			headers: this.sessionHeaders(),
			login: false,
			timeoutMs: this.timeoutMs,
		});
		this.rememberCookies(raw);
		let value: { value: T } | undefined;
		let failure: unknown;
		try {
			value = { value: parse(raw) };
		} catch (error) {
			failure = error;
		}
		if (value) return value;
		if (isKingdeeApiError(failure) && failure.kind === 'sessionLost') return { lost: failure };
		throw failure;
	}

	private async ensureLoggedIn(): Promise<void> {
		if (this.options.mode !== 'login' || this.loggedIn) return;
		// Concurrent callers share one login instead of creating one server context each.
		this.loginInFlight ??= this.login().finally(() => {
			this.loginInFlight = undefined;
		});
		await this.loginInFlight;
	}

	private async login(): Promise<void> {
		this.cookies.clear();
		this.kdsvcSessionId = null;
		this.loginCount++;
		const raw = await this.options.send({
			// The credential's authenticate() picks the mode's login service and writes the body.
			url: kingdeeServiceUrl(this.serverUrl, 'AuthService.ValidateUser'),
			body: '',
			headers: { 'Content-Type': 'application/json' },
			login: true,
			timeoutMs: this.timeoutMs,
		});
		const reply = parseLoginResponse('AuthService login', raw, this.redact);
		this.rememberCookies(raw);
		this.kdsvcSessionId = reply.kdsvcSessionId;
		this.loggedIn = true;
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

	get loginCount(): number {
		return this.sessions.reduce((sum, s) => sum + s.loginCount, 0);
	}

	async close(): Promise<void> {
		await Promise.all(this.sessions.map(async (session) => await session.logout()));
	}
}

export const KINGDEE_MAX_PARALLEL_SESSIONS = 5;
