/**
 * One per node run (an execution of a node, or a trigger poll). Once a failure that retrying cannot fix
 * has been seen (the server refuses connections, the host name does not resolve, the login is refused
 * for a reason a retry cannot change), every later request of the run fails at once with that same
 * error instead of retrying: 50 batches against a server that is down fail in milliseconds, each with
 * the one clear cause, rather than after minutes of back-off each.
 */
export class CircuitBreaker {
	private cause: { error: unknown; reason: string } | undefined;

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
 * True when `error` (or an error it wraps, e.g. axios' `cause`) says the request never reached a server:
 * connection refused, DNS failure, no route, or an invalid URL. Such a request was certainly not processed.
 */
export function isUnreachableError(error: unknown): boolean {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
		if (typeof candidate.code === 'string' && UNREACHABLE_CODES.has(candidate.code)) return true;
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
