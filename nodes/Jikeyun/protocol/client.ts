import { RateLimiter } from '../../common/rateLimiter';
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
	/** Client-side limit shared by every call made through this client (0 = none). */
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
 * Signed calls with a shared rate limit and retries: throttling is always retried, transient failures
 * only for read methods (a write may already have run), everything else fails at once.
 */
export class JikeyunClient {
	readonly stats: JikeyunClientStats = { requests: 0, retries: 0, throttled: 0, transientFailures: 0 };

	private readonly limiter: RateLimiter;

	constructor(private readonly options: JikeyunClientOptions) {
		this.limiter = new RateLimiter(options.requestsPerSecond, {
			now: options.now ?? (() => Date.now()),
			sleep: options.sleep,
		});
	}

	async call(method: string, bizContent: unknown, { retryWrites = false } = {}): Promise<JikeyunSuccess> {
		const bizcontent = serializeBizContent(bizContent);
		const readMethod = retryWrites || isJikeyunReadMethod(method);
		return await withRetry(
			async () => {
				await this.limiter.acquire();
				this.stats.requests++;
				const response = await this.sendOnce(method, bizcontent);
				return parseJikeyunResponse(method, response);
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
