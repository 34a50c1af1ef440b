import type { IExecuteFunctions, IHttpRequestOptions, IPollFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import { CallReport, describeCall } from '../common/callReport';
import { CircuitBreaker } from '../common/circuitBreaker';
import { createRedactor } from '../common/redact';
import { DEFAULT_RETRY_POLICY } from '../common/retry';
import { JikeyunClient, type JikeyunSend } from './protocol/client';
import { findJikeyunCredentialProblem } from './protocol/request';

export interface JikeyunCallOptions {
	requestsPerSecond: number;
	maxTries: number;
	maxRetryWaitSeconds: number;
	timeoutSeconds: number;
}

export const DEFAULT_JIKEYUN_CALL_OPTIONS: JikeyunCallOptions = {
	// A ceiling, not a guess at the limit: no official rate limit is known (docs/jikeyun-open-api.md#rate-limits; the
	// only hint is one client's comment "官方限 1 次/秒"; production clients pace 0.3–1.2 s apart), and the throttle
	// signals (0859999999 上游限流, 限流/频繁 in the message, HTTP 429; docs/jikeyun-open-api.md#failure-classification) make
	// the client halve its rate. So the default can be fast where the gateway allows it (a sequential pager with
	// 100–300 ms of latency rarely reaches 10 req/s anyway) and still settles near a 1 req/s limit after about four
	// throttled (and retried) calls, log2(10 / 1) + 1.
	requestsPerSecond: 10,
	maxTries: DEFAULT_RETRY_POLICY.maxTries,
	maxRetryWaitSeconds: 60,
	timeoutSeconds: 60,
};

type JikeyunContext = IExecuteFunctions | IPollFunctions;

/**
 * The one place that turns n8n's context into Jikeyun HTTP calls. Signing happens in the credential's
 * `authenticate`; bodies come back as text so long ids can be parsed without loss.
 */
function createSend(context: JikeyunContext, timeoutSeconds: number): JikeyunSend {
	return async (call) => {
		const request: IHttpRequestOptions = {
			method: 'POST',
			url: '',
			body: { method: call.method, bizcontent: call.bizcontent },
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutSeconds * 1000,
		};
		const response = (await context.helpers.httpRequestWithAuthentication.call(context, 'jikeyunApi', request)) as {
			statusCode: number;
			body: unknown;
		};
		const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? null);
		return { statusCode: response.statusCode, body };
	};
}

/**
 * One client, call report and circuit breaker per execution (or poll): the rate limit is shared by
 * every call of the run, what it learned from throttling lasts for the run only, and after a failure
 * nothing can get past (gateway unreachable, quota, subscription, signature) the rest fails at once.
 */
export async function startJikeyunRun(
	context: JikeyunContext,
	options: JikeyunCallOptions,
	{ keepCalls = false } = {},
): Promise<{
	client: JikeyunClient;
	report: CallReport;
	/** Set when the credential cannot work (field and fix in one sentence); every item then fails before any request. */
	credentialProblem?: string;
}> {
	const credentials = await context.getCredentials('jikeyunApi');
	const redact = createRedactor([String(credentials.appSecret ?? '')]);
	const report = new CallReport({ keepCalls, onCall: (entry) => context.logger.debug(describeCall(entry)) });
	const client = new JikeyunClient({
		send: createSend(context, options.timeoutSeconds),
		sleep,
		requestsPerSecond: options.requestsPerSecond,
		retryPolicy: {
			maxTries: Math.max(1, Math.floor(options.maxTries)),
			baseDelayMs: DEFAULT_RETRY_POLICY.baseDelayMs,
			maxDelayMs: Math.max(1, options.maxRetryWaitSeconds) * 1000,
		},
		breaker: new CircuitBreaker(),
		onCall: (entry) => report.record(entry.detail === undefined ? entry : { ...entry, detail: redact(entry.detail) }),
	});
	return { client, report, credentialProblem: findJikeyunCredentialProblem(credentials) };
}
