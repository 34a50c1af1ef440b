/**
 * The only place that turns n8n's context into Kingdee HTTP calls. Sessions, retries and parsing
 * live in ./protocol (pure); this file adapts them to httpRequestWithAuthentication, where the
 * credential's `authenticate` fills in logins and signs requests.
 */
import type { IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { CallReport } from '../common/callReport';
import { CircuitBreaker, networkErrorCode } from '../common/circuitBreaker';
import { DEFAULT_RETRY_POLICY } from '../common/retry';
import { createRedactor } from '../common/redact';
import { KingdeeApiError } from './protocol/errors';
import {
	credentialProblem,
	KINGDEE_DEFAULT_AUTH_TYPE,
	KINGDEE_LOGIN_MARKER_HEADER,
	type KingdeeAuthType,
	type KingdeeCredentialValues,
} from './protocol/login';
import type { KingdeeRawResponse } from './protocol/responses';
import {
	KingdeeSession,
	KingdeeSessionPool,
	KINGDEE_MAX_PARALLEL_SESSIONS,
	type KingdeeSend,
	type KingdeeSessionMode,
} from './protocol/session';

export interface KingdeeTransportOptions {
	/** Parallel sessions (Kingdee serialises the requests of one session); 1–5. */
	parallelRequests: number;
	/** Attempts per call for transient faults, the first included. */
	maxTries: number;
	timeoutSeconds: number;
}

export const DEFAULT_KINGDEE_TRANSPORT_OPTIONS: KingdeeTransportOptions = {
	parallelRequests: 1,
	maxTries: 5,
	timeoutSeconds: 120,
};

/** Runs (execute) and the editor's lookups (loadOptions, listSearch, resource mapper) talk to Kingdee alike. */
export type KingdeeContext = IExecuteFunctions | ILoadOptionsFunctions;

interface KingdeeConnection {
	serverUrl: string;
	mode: KingdeeSessionMode;
	/** Language of captions and messages (the credential's LCID). */
	lcid: number;
	/** Secret values, used only to scrub them from any error text (never sent from here). */
	redactionList: string[];
}

/**
 * Reads the non-secret connection settings (and the values to redact) and checks that every field the mode needs
 * is filled in: a credential that cannot work (empty field, Server URL without http(s)://) comes back as its problem,
 * field and fix in one sentence. Makes no HTTP call, as lint requires.
 */
async function readConnection(context: KingdeeContext): Promise<KingdeeConnection | { credentialProblem: string }> {
	const credentials = await context.getCredentials('kingdeeApi');
	const authType = String(credentials.authType ?? KINGDEE_DEFAULT_AUTH_TYPE) as KingdeeAuthType;
	const problem = credentialProblem(credentials as unknown as Partial<KingdeeCredentialValues>);
	if (problem !== undefined) return { credentialProblem: problem };
	return {
		serverUrl: String(credentials.serverUrl ?? ''),
		mode: authType === 'signedHeaders' ? 'signedHeaders' : 'login',
		lcid: Number(credentials.lcid) || 2052,
		redactionList: [credentials.password, credentials.appSecret].filter(
			(value): value is string => typeof value === 'string' && value !== '',
		),
	};
}

/** Network errors where the request surely never reached the server (safe to repeat even a write). */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCode(error: unknown): string {
	const candidates = [networkErrorCode(error), (error as { httpCode?: unknown })?.httpCode];
	const found = candidates.find((value) => typeof value === 'string' && value !== '');
	return typeof found === 'string' ? found : 'UNKNOWN';
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the Server URL';
	}
}

/** No answer at all: only the network code and a scrubbed message survive. */
function noAnswerError(failure: unknown, url: string, redact: (text: string) => string): KingdeeApiError {
	const code = errorCode(failure);
	const notSent = NOT_SENT_CODES.has(code);
	const message = redact(failure instanceof Error ? failure.message : String(failure));
	return new KingdeeApiError(
		notSent
			? `Kingdee cannot be reached at ${hostOf(url)} (${code}: ${message}); nothing was sent. Check the Server URL in the credential and that the server is running`
			: `No answer from Kingdee (${code}: ${message})`,
		{ kind: 'transient', retryable: true, ambiguous: !notSent, notSent, code },
	);
}

function createSend(context: KingdeeContext, redact: (text: string) => string): KingdeeSend {
	return async (request) => {
		const headers: Record<string, string> = { ...request.headers };
		if (request.login) headers[KINGDEE_LOGIN_MARKER_HEADER] = '1';
		const options: IHttpRequestOptions = {
			method: 'POST',
			url: request.url,
			body: request.body,
			headers,
			// Text in, lossless JSON parsing here: Kingdee ids can exceed 2^53, statuses are judged by us.
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: request.timeoutMs,
		};
		let response: { statusCode: number; headers?: Record<string, unknown>; body: unknown };
		try {
			response = await context.helpers.httpRequestWithAuthentication.call(context, 'kingdeeApi', options);
		} catch (error) {
			// The session layer (protocol/session.ts) judges a missing answer by its KingdeeApiError; n8n's own error
			// object must not travel on, as it holds the sent request, which for a login contains the secret.
			throw noAnswerError(error, request.url, redact);
		}
		const body =
			typeof response.body === 'string'
				? response.body
				: Buffer.isBuffer(response.body)
					? response.body.toString('utf8')
					: JSON.stringify(response.body ?? '');
		const responseHeaders: KingdeeRawResponse['headers'] = {};
		for (const [key, value] of Object.entries(response.headers ?? {})) {
			if (typeof value === 'string' || Array.isArray(value))
				responseHeaders[key.toLowerCase()] = value as string | string[];
		}
		return { statusCode: Number(response.statusCode), headers: responseHeaders, body };
	};
}

/** A pool ready to send, or the credential's problem (nothing can be sent). */
type KingdeeSessionPoolStart =
	| { pool: KingdeeSessionPool; redact: (text: string) => string; lcid: number; credentialProblem?: undefined }
	| { credentialProblem: string };

/**
 * A pool of sessions for one execution; call `close()` (logs out) when the execution ends. One circuit breaker per
 * run; every call goes to `report`; `redact` removes the secrets and every session id the run has seen. A credential
 * that cannot work is returned as `credentialProblem` (an expected condition, not a throw), as Jikeyun's
 * `startJikeyunRun` does.
 */
export async function createKingdeeSessionPool(
	context: KingdeeContext,
	options: KingdeeTransportOptions,
	report?: CallReport,
): Promise<KingdeeSessionPoolStart> {
	const connection = await readConnection(context);
	if ('credentialProblem' in connection) return connection;
	const sessionIds = new Set<string>();
	const redact = createRedactor(connection.redactionList, sessionIds);
	const send = createSend(context, redact);
	const breaker = new CircuitBreaker();
	const size = Math.max(1, Math.min(KINGDEE_MAX_PARALLEL_SESSIONS, Math.floor(options.parallelRequests) || 1));
	const pool = new KingdeeSessionPool(
		size,
		() =>
			new KingdeeSession({
				serverUrl: connection.serverUrl,
				mode: connection.mode,
				send,
				sleep,
				redact,
				breaker,
				sessionIds,
				onCall: report ? (entry) => report.record(entry) : undefined,
				timeoutMs: Math.max(1, options.timeoutSeconds) * 1000,
				retryPolicy: {
					maxTries: Math.max(1, Math.floor(options.maxTries)),
					baseDelayMs: DEFAULT_RETRY_POLICY.baseDelayMs,
					maxDelayMs: DEFAULT_RETRY_POLICY.maxDelayMs,
				},
			}),
	);
	return { pool, redact, lcid: connection.lcid };
}

/**
 * One session for an editor lookup (dropdowns, form search, the field mapper), logged out afterwards. The editor
 * waits for the answer, so it tries twice and waits 30 seconds at most.
 */
export async function withKingdeeSession<T>(
	context: ILoadOptionsFunctions,
	work: (session: KingdeeSession, lcid: number) => Promise<T>,
): Promise<T> {
	const started = await createKingdeeSessionPool(context, {
		parallelRequests: 1,
		maxTries: 2,
		timeoutSeconds: 30,
	});
	// The editor has no item to fail: the lookup fails, and the caller shows the problem.
	if (started.credentialProblem !== undefined) throw new Error(started.credentialProblem);
	const { pool, lcid } = started;
	try {
		return await work(pool.session(0), lcid);
	} finally {
		await pool.close();
	}
}
