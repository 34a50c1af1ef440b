import type { CallOutcome, CallRecord } from '../../common/callReport';
import { CircuitBreaker, isUnreachableError, networkErrorCode, type ServerErrorRun } from '../../common/circuitBreaker';
import { AdaptiveRateLimiter } from '../../common/rateLimiter';
import { type RetryPolicy, withRetry } from '../../common/retry';
import { settle } from '../../common/settle';
import { isJikeyunReadMethod, JikeyunApiError, type JikeyunFailureKind } from './errors';
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
	/** Receives one entry per attempt (the run's call report). */
	onCall?: (entry: CallRecord) => void;
	/** The run's breaker: after a failure no retry can fix, every later call fails at once with it. */
	breaker?: CircuitBreaker;
}

export interface JikeyunCallSettings {
	/** Retry temporary failures even when the method is not a read. */
	retryWrites?: boolean;
	/** What part of the work this call is (`page 3`, `item 2`), for the report and error messages. */
	part?: string;
}

/**
 * 0130020001 carries no diagnosis: reads get this many quick retries, not the full policy
 * (docs/jikeyun-open-api.md#failure-classification).
 */
const UNKNOWN_ERROR_RETRIES = 2;
const UNKNOWN_ERROR_RETRY_WAIT_MS = 1_000;

/** Failures that no retry and no other item of the run can get past: they open the breaker. */
const RUN_STOPPING_KINDS = new Set<JikeyunFailureKind>(['unreachable', 'quota', 'subscription', 'signature']);

/** What every call after a run of 5xx answers says: not sent, and why (docs/jikeyun-open-api.md#failure-classification). */
function serverErrorRunError(method: string, run: ServerErrorRun): JikeyunApiError {
	return new JikeyunApiError({
		kind: 'unavailable',
		method,
		msg: `not sent: the gateway answered ${run.text}; the rest of this run was stopped, since retrying a gateway that keeps failing does not help`,
	});
}

function outcomeOf(error: unknown): CallOutcome {
	if (!(error instanceof JikeyunApiError)) return 'unknown';
	if (error.kind === 'throttled') return 'throttled';
	if (error.kind === 'transient') return 'unknown';
	return 'failed';
}

/**
 * Signed calls with a shared, adaptive rate limit and retries: throttling slows the client down and is
 * always retried, transient failures only for read methods (a write may already have run), 未知错误
 * twice for reads, everything else fails at once.
 */
export class JikeyunClient {
	private readonly limiter: AdaptiveRateLimiter;

	private readonly now: () => number;

	constructor(private readonly options: JikeyunClientOptions) {
		this.now = options.now ?? (() => Date.now());
		this.limiter = new AdaptiveRateLimiter(
			{ ceiling: options.requestsPerSecond },
			{ now: this.now, sleep: options.sleep },
		);
	}

	async call(method: string, bizContent: unknown, settings: JikeyunCallSettings = {}): Promise<JikeyunSuccess> {
		const bizcontent = serializeBizContent(bizContent);
		const readMethod = settings.retryWrites === true || isJikeyunReadMethod(method);
		const { part } = settings;
		let unknownErrors = 0;
		return await withRetry(
			async (attempt) => {
				const breaker = this.options.breaker;
				if (breaker?.isOpen) {
					this.options.onCall?.({
						system: 'jikeyun',
						call: method,
						part,
						attempt,
						startedAt: this.now(),
						durationMs: 0,
						outcome: 'skipped',
						detail: breaker.openedBy?.reason,
					});
					breaker.throwIfOpen();
				}
				const permit = await this.limiter.acquire();
				const startedAt = this.now();
				const answer = await settle(async () => {
					const success = parseJikeyunResponse(method, await this.sendOnce(method, bizcontent, part), part);
					this.record({
						method,
						part,
						attempt,
						startedAt,
						outcome: 'ok',
						contextId: success.contextId,
						httpStatus: 200,
					});
					return success;
				});
				const failure = answer.ok ? undefined : answer.error;
				const apiError = failure instanceof JikeyunApiError ? failure : undefined;
				this.noteAnswer(method, answer.ok ? 200 : apiError?.httpStatus);
				if (answer.ok) return answer.value;
				this.record({
					method,
					part,
					attempt,
					startedAt,
					outcome: outcomeOf(failure),
					httpStatus: apiError?.httpStatus,
					code: apiError?.subCode,
					contextId: apiError?.contextId,
					detail: apiError ? (apiError.gatewayMessage ?? apiError.kind) : String(failure),
				});
				if (apiError?.kind === 'unknownError') unknownErrors++;
				if (apiError && RUN_STOPPING_KINDS.has(apiError.kind)) breaker?.open(apiError, apiError.kind);
				// Slows down every later call of this client, also when this call has no tries left.
				if (apiError?.kind === 'throttled') this.limiter.onThrottle(permit);
				throw failure;
			},
			{
				policy: this.options.retryPolicy,
				sleep: this.options.sleep,
				random: this.options.random,
				isRetryable: (error) => {
					if (!(error instanceof JikeyunApiError) || this.options.breaker?.isOpen) return false;
					if (error.kind === 'unknownError') return readMethod && unknownErrors <= UNKNOWN_ERROR_RETRIES;
					return error.isRetryable(readMethod);
				},
				delayFor: (error, computed) =>
					error instanceof JikeyunApiError && error.kind === 'unknownError'
						? Math.min(computed, UNKNOWN_ERROR_RETRY_WAIT_MS * unknownErrors)
						: computed,
			},
		);
	}

	/** Every HTTP answer goes to the run's breaker; a run of 5xx answers opens it for every later call. */
	private noteAnswer(method: string, httpStatus: number | undefined): void {
		const breaker = this.options.breaker;
		if (!breaker || httpStatus === undefined) return;
		const run = breaker.noteAnswer(httpStatus);
		if (run) breaker.open(serverErrorRunError(method, run), `not sent: the gateway answered ${run.text}`);
	}

	private record(entry: {
		method: string;
		part?: string;
		attempt: number;
		startedAt: number;
		outcome: CallOutcome;
		httpStatus?: number;
		code?: string;
		contextId?: string;
		detail?: string;
	}): void {
		if (!this.options.onCall) return;
		const detail =
			entry.detail === undefined
				? undefined
				: entry.detail.length > 160
					? `${entry.detail.slice(0, 160)}…`
					: entry.detail;
		this.options.onCall({
			system: 'jikeyun',
			call: entry.method,
			part: entry.part,
			attempt: entry.attempt,
			startedAt: entry.startedAt,
			durationMs: Math.max(0, this.now() - entry.startedAt),
			outcome: entry.outcome,
			httpStatus: entry.httpStatus,
			code: entry.code || undefined,
			contextId: entry.contextId,
			detail: entry.outcome === 'ok' ? undefined : detail,
		});
	}

	/** Network errors and timeouts become JikeyunApiErrors: unreachable (certainly not sent) or transient. */
	private async sendOnce(method: string, bizcontent: string, part: string | undefined): Promise<RawHttpResponse> {
		const sent = await settle(async () => await this.options.send({ method, bizcontent }));
		if (sent.ok) return sent.value;
		const failure = sent.error;
		const reason = failure instanceof Error ? failure.message : String(failure);
		const code = networkErrorCode(failure);
		const unreachable = isUnreachableError(failure);
		throw new JikeyunApiError(
			{
				kind: unreachable ? 'unreachable' : 'transient',
				method,
				part,
				msg: `request failed${code && !reason.includes(code) ? ` (${code})` : ''}: ${reason}`,
			},
			{ cause: failure },
		);
	}
}
