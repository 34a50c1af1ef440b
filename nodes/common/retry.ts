import { settle } from './settle';

/** How often and how long to retry a transient failure. */
export interface RetryPolicy {
	/** Attempts in total, the first one included (1 = no retry). */
	maxTries: number;
	/** Delay before the first retry; doubles for each further retry. */
	baseDelayMs: number;
	/** Upper bound for a single delay. */
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxTries: 8, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Exponential backoff with "equal jitter": half the exponential delay is fixed, half random, so
 * parallel clients spread out but a retry never comes back almost immediately.
 * `retryNumber` is 1 for the first retry.
 */
export function backoffDelayMs(retryNumber: number, policy: RetryPolicy, random: () => number = Math.random): number {
	const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
	return Math.round(exponential / 2 + random() * (exponential / 2));
}

export interface RetryOptions {
	policy: RetryPolicy;
	/** True when the error is transient and the call may be repeated. */
	isRetryable: (error: unknown) => boolean;
	/** Injected so node code can pass n8n-workflow's `sleep` and tests a fake clock. */
	sleep: (ms: number) => Promise<void>;
	/** Overrides the computed delay, e.g. to honour a server's Retry-After. */
	delayFor?: (error: unknown, computedDelayMs: number) => number;
	random?: () => number;
}

/** Runs `operation` until it succeeds, fails permanently, or the policy's tries are used up. */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
	const maxTries = Math.max(1, Math.floor(options.policy.maxTries));
	for (let attempt = 1; ; attempt++) {
		const outcome = await settle(async () => await operation(attempt));
		if (outcome.ok) return outcome.value;
		const { error } = outcome;
		if (attempt >= maxTries || !options.isRetryable(error)) throw error;
		const computed = backoffDelayMs(attempt, options.policy, options.random);
		const delayMs = options.delayFor ? options.delayFor(error, computed) : computed;
		await options.sleep(delayMs);
	}
}
