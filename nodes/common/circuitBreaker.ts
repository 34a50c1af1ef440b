/**
 * Server errors in a row that stop a run: this many HTTP 5xx answers with no other answer between them, counted over
 * every call and retry of the run (all sessions, all batches). Five answers take one call's retries (about 7 s of
 * back-off), so a server that keeps failing ends the run in seconds instead of minutes of back-off per batch or item
 * (docs/kingdee-webapi.md#circuit-breaker, docs/jikeyun-open-api.md#failure-classification).
 */
export const SERVER_ERROR_RUN_LIMIT = 5;

/**
 * One per node run (an execution of a node, or a trigger poll). Once a failure that retrying cannot fix
 * has been seen (the server refuses connections, the host name does not resolve, the login is refused
 * for a reason a retry cannot change, or the server answered HTTP 5xx to the last SERVER_ERROR_RUN_LIMIT calls),
 * every later request of the run fails at once with one error instead of retrying: 50 batches against a server
 * that is down fail in seconds, each with the one clear cause, rather than after minutes of back-off each.
 */
export class CircuitBreaker {
	private cause: { error: unknown; reason: string } | undefined;

	/** The HTTP statuses of the current run of 5xx answers (emptied by any other answer). */
	private serverErrors: number[] = [];

	constructor(private readonly serverErrorLimit = SERVER_ERROR_RUN_LIMIT) {}

	get isOpen(): boolean {
		return this.cause !== undefined;
	}

	/** The error that opened the breaker and a short reason (for the call report); undefined while closed. */
	get openedBy(): { error: unknown; reason: string } | undefined {
		return this.cause;
	}

	/** Opens the breaker; the first cause is kept, since later failures are its consequences. */
	open(error: unknown, reason: string): void {
		this.cause ??= { error, reason };
	}

	/** Throws the error that opened the breaker, unchanged, so every later failure reads the same. */
	throwIfOpen(): void {
		if (this.cause) throw this.cause.error;
	}

	/**
	 * Counts one HTTP answer of the server. When it completes a run of `serverErrorLimit` 5xx answers and the breaker
	 * is still closed, returns the run (e.g. "HTTP 503 to the last 5 calls") for the caller to open the breaker with
	 * its own not-sent error; otherwise undefined.
	 */
	noteAnswer(httpStatus: number): ServerErrorRun | undefined {
		if (httpStatus < 500) {
			this.serverErrors = [];
			return undefined;
		}
		this.serverErrors.push(httpStatus);
		if (this.isOpen || this.serverErrors.length < this.serverErrorLimit) return undefined;
		return describeServerErrorRun(this.serverErrors);
	}
}

export interface ServerErrorRun {
	statuses: number[];
	/** "HTTP 503 to the last 5 calls", "HTTP 500/502/503 to the last 6 calls". */
	text: string;
}

function describeServerErrorRun(statuses: number[]): ServerErrorRun {
	const distinct = [...new Set(statuses)].sort((a, b) => a - b);
	return { statuses: [...statuses], text: `HTTP ${distinct.join('/')} to the last ${statuses.length} calls` };
}

/** Error codes of Node's network stack that mean "no server is there", not "the request may have run". */
const UNREACHABLE_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EAI_FAIL',
	'ERR_INVALID_URL',
]);

/**
 * The network error code (ECONNREFUSED, ETIMEDOUT, …) of `error` or of an error it wraps; undefined when there is none.
 * n8n's request helpers wrap axios' error in a NodeApiError with generic wording: the code is its `httpCode` (n8n 1.x
 * and 2.x), and the axios error is its `cause` (2.x) or `errorResponse` (1.x).
 */
export function networkErrorCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	const pending: unknown[] = [error];
	while (pending.length > 0) {
		const current = pending.shift();
		if (!current || typeof current !== 'object' || seen.has(current)) continue;
		seen.add(current);
		const candidate = current as { code?: unknown; httpCode?: unknown; cause?: unknown; errorResponse?: unknown };
		for (const code of [candidate.code, candidate.httpCode]) {
			if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		}
		pending.push(candidate.cause, candidate.errorResponse);
	}
	return undefined;
}

/**
 * True when `error` (or an error it wraps, e.g. axios' `cause`) says the request never reached a server:
 * connection refused, DNS failure, no route, or an invalid URL. Such a request was certainly not processed.
 */
export function isUnreachableError(error: unknown): boolean {
	const code = networkErrorCode(error);
	if (code !== undefined && UNREACHABLE_CODES.has(code)) return true;
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const candidate = current as { message?: unknown; cause?: unknown };
		if (
			typeof candidate.message === 'string' &&
			/\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/.test(candidate.message)
		) {
			return true;
		}
		current = candidate.cause;
	}
	return false;
}
