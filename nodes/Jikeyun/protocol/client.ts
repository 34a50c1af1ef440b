import { AdaptiveRateLimiter, type RateLimiterStats } from '../../common/rateLimiter';
import { type RetryPolicy, withRetry } from '../../common/retry';
import { isJikeyunReadMethod, JikeyunApiError } from './errors';
import { parseJikeyunResponse, type JikeyunSuccess, type RawHttpResponse } from './response';
import { serializeBizContent } from './request';

/** Sends one call; signing happens below this (in the credential), so the client never holds the secret. */
export type JikeyunSend = (call: { method: string; bizcontent: string }) => Promise<RawHttpResponse>;

export interface JikeyunClientOptions {
	send: JikeyunSend;
	sleep: (ms: number) => Promise<void>;
	now?: () => number;
	retryPolicy: RetryPolicy;
	/**
	 * Maximum rate shared by every call made through this client (0 = none until the gateway throttles).
	 * The rate in use adapts below it: halved on each throttle, regained while there is none.
	 */
	requestsPerSecond: number;
	random?: () => number;
}

export interface JikeyunClientStats {
	/** HTTP requests sent, retries included. */
	requests: number;
	retries: number;
	throttled: number;
	transientFailures: number;
}

/**
 * Signed calls with a shared, adaptive rate limit and retries: throttling slows the client down and is
 * always retried, transient failures only for read methods (a write may already have run), everything
 * else fails at once.
 */
export class JikeyunClient {
	readonly stats: JikeyunClientStats = { requests: 0, retries: 0, throttled: 0, transientFailures: 0 };

	private readonly limiter: AdaptiveRateLimiter;

	constructor(private readonly options: JikeyunClientOptions) {
		this.limiter = new AdaptiveRateLimiter(
			{ ceiling: options.requestsPerSecond },
			{ now: options.now ?? (() => Date.now()), sleep: options.sleep },
		);
	}

	/** Where the adaptive rate limit stands: ceiling, current rate, lowest rate and decreases. */
	get rateStats(): RateLimiterStats {
		return this.limiter.stats;
	}

	async call(method: string, bizContent: unknown, { retryWrites = false } = {}): Promise<JikeyunSuccess> {
		const bizcontent = serializeBizContent(bizContent);
		const readMethod = retryWrites || isJikeyunReadMethod(method);
		return await withRetry(
			async () => {
				const permit = await this.limiter.acquire();
				this.stats.requests++;
				let failure: unknown;
				try {
					return parseJikeyunResponse(method, await this.sendOnce(method, bizcontent));
				} catch (error) {
					failure = error;
				}
				// Slows down every later call of this client, also when this call has no tries left.
				if (failure instanceof JikeyunApiError && failure.kind === 'throttled') this.limiter.onThrottle(permit);
				throw failure;
			},
			{
				policy: this.options.retryPolicy,
				sleep: this.options.sleep,
				random: this.options.random,
				isRetryable: (error) => error instanceof JikeyunApiError && error.isRetryable(readMethod),
				onRetry: ({ error }) => {
					this.stats.retries++;
					if (error instanceof JikeyunApiError && error.kind === 'throttled') this.stats.throttled++;
					else this.stats.transientFailures++;
				},
			},
		);
	}

	/** Network errors and timeouts become transient JikeyunApiErrors. */
	private async sendOnce(method: string, bizcontent: string): Promise<RawHttpResponse> {
		let failure: unknown;
		try {
			return await this.options.send({ method, bizcontent });
		} catch (error) {
			failure = error;
		}
		const reason = failure instanceof Error ? failure.message : String(failure);
		throw new JikeyunApiError({ kind: 'transient', method, msg: `request failed: ${reason}` });
	}
}
