import type { IExecuteFunctions, IHttpRequestOptions, IPollFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import { DEFAULT_RETRY_POLICY } from '../common/retry';
import { JikeyunClient, type JikeyunSend } from './protocol/client';

export interface JikeyunCallOptions {
	requestsPerSecond: number;
	maxTries: number;
	maxRetryWaitSeconds: number;
	timeoutSeconds: number;
}

export const DEFAULT_JIKEYUN_CALL_OPTIONS: JikeyunCallOptions = {
	// A ceiling, not a guess at the limit: reference §8 documents no official rate limit (the only hint
	// is one client's comment "官方限 1 次/秒"; production clients pace 0.3–1.2 s apart), and §4.2/§4.3 and
	// §1.2 name the throttle signals (0859999999 上游限流, 限流/频繁 in the message, HTTP 429), which the
	// client answers by halving its rate. So the default can be fast where the gateway allows it (a
	// sequential pager with 100–300 ms of latency rarely reaches 10 req/s anyway) and still settles
	// near a 1 req/s limit after about four throttled (and retried) calls, log2(10 / 1) + 1.
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
 * One client per execution (or poll): its rate limit is shared by every call made through it, and what
 * it learned from throttling lasts for that execution only.
 */
export function createJikeyunClient(context: JikeyunContext, options: JikeyunCallOptions): JikeyunClient {
	return new JikeyunClient({
		send: createSend(context, options.timeoutSeconds),
		sleep,
		requestsPerSecond: options.requestsPerSecond,
		retryPolicy: {
			maxTries: Math.max(1, Math.floor(options.maxTries)),
			baseDelayMs: DEFAULT_RETRY_POLICY.baseDelayMs,
			maxDelayMs: Math.max(1, options.maxRetryWaitSeconds) * 1000,
		},
	});
}
