import type { CallRecord } from '../../nodes/common/callReport';
import { CallReport } from '../../nodes/common/callReport';
import { CircuitBreaker } from '../../nodes/common/circuitBreaker';
import { JikeyunClient } from '../../nodes/Jikeyun/protocol/client';
import { JikeyunApiError } from '../../nodes/Jikeyun/protocol/errors';

const success = '{"code":200,"msg":"","result":{"data":{"salesChannelInfo":[]},"contextId":"1"},"subCode":""}';
const throttled =
	'{"code":0,"msg":"上游限流/暂时不可用","result":{"data":null,"contextId":"2"},"subCode":"0859999999"}';
const unknown = '{"code":0,"msg":"未知错误","result":{"data":null,"contextId":"3"},"subCode":"0130020001"}';
const badSign = '{"code":0,"msg":"签名错误","result":{"data":null,"contextId":"4"},"subCode":"0858030801"}';

function clientAnswering(
	bodies: Array<string | Error>,
	extra: { onCall?: (entry: CallRecord) => void; breaker?: CircuitBreaker } = {},
) {
	const sent: Array<{ method: string; bizcontent: string }> = [];
	const sleeps: number[] = [];
	const client = new JikeyunClient({
		...extra,
		send: async (call) => {
			sent.push(call);
			const body = bodies.shift();
			if (body === undefined) throw new Error('socket hang up');
			if (body instanceof Error) throw body;
			return { statusCode: 200, body };
		},
		sleep: async (ms) => {
			sleeps.push(ms);
		},
		requestsPerSecond: 0,
		retryPolicy: { maxTries: 5, baseDelayMs: 10, maxDelayMs: 100 },
	});
	return { client, sent, sleeps };
}

describe('JikeyunClient', () => {
	it('retries 未知错误 (0130020001) of a read at most twice, with short waits, then fails with a hint', async () => {
		const { client, sent, sleeps } = clientAnswering([unknown, unknown, unknown, success]);
		const failure = client.call('erp.sales.get', {});
		await expect(failure).rejects.toMatchObject({
			kind: 'unknownError',
			hint: expect.stringContaining('bad business parameter'),
		});
		expect(sent).toHaveLength(3);
		expect(Math.max(...sleeps)).toBeLessThanOrEqual(2_000);
	});

	it('opens the breaker on an unreachable gateway: not retried, and the next call fails at once with the same error', async () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
		const breaker = new CircuitBreaker();
		const report = new CallReport({ keepCalls: true });
		const { client, sent } = clientAnswering([refused, success, success], {
			breaker,
			onCall: (entry) => report.record(entry),
		});
		const first = await client.call('erp.sales.get', {}, { part: 'item 0' }).catch((error: unknown) => error);
		expect(first).toMatchObject({ kind: 'unreachable', part: 'item 0' });
		const second = await client.call('erp.sales.get', {}, { part: 'item 1' }).catch((error: unknown) => error);
		expect(second).toBe(first);
		expect(sent).toHaveLength(1);
		expect(report.summary()).toMatchObject({ calls: 2, failed: 1, skipped: 1 });
		expect(report.calls().calls.map((entry) => [entry.part, entry.outcome])).toEqual([
			['item 0', 'failed'],
			['item 1', 'skipped'],
		]);
	});

	it.each([
		['quota', '0130000609'],
		['subscription', '0130020310'],
		['signature', '0858030801'],
	])('a %s failure (%s) opens the breaker for the rest of the run', async (kind, subCode) => {
		const body = `{"code":0,"msg":"x","result":{"data":null,"contextId":"9"},"subCode":"${subCode}"}`;
		const breaker = new CircuitBreaker();
		const { client, sent } = clientAnswering([body, success], { breaker });
		await expect(client.call('erp.sales.get', {})).rejects.toMatchObject({ kind });
		await expect(client.call('erp.warehouse.get', {})).rejects.toMatchObject({ kind, subCode });
		expect(sent).toHaveLength(1);
	});

	it('reports every attempt: part, attempt number, outcome, subCode and contextId', async () => {
		const entries: CallRecord[] = [];
		const { client } = clientAnswering([throttled, unknown, success], { onCall: (entry) => entries.push(entry) });
		await client.call('erp.sales.get', {}, { part: 'page 3' });
		expect(
			entries.map(({ call, part, attempt, outcome, code, contextId }) => ({
				call,
				part,
				attempt,
				outcome,
				code,
				contextId,
			})),
		).toEqual([
			{ call: 'erp.sales.get', part: 'page 3', attempt: 1, outcome: 'throttled', code: '0859999999', contextId: '2' },
			{ call: 'erp.sales.get', part: 'page 3', attempt: 2, outcome: 'failed', code: '0130020001', contextId: '3' },
			{ call: 'erp.sales.get', part: 'page 3', attempt: 3, outcome: 'ok', code: undefined, contextId: '1' },
		]);
	});

	it('retries throttling and transient read failures to success, and a throttle slows the later calls', async () => {
		const { client, sent, sleeps } = clientAnswering([throttled, unknown, throttled, success]);
		const result = await client.call('erp.sales.get', { pageIndex: 0 });
		expect(result.data).toEqual({ salesChannelInfo: [] });
		expect(sent).toHaveLength(4);
		// Three backoffs (at most maxDelayMs); the longer sleeps are the pacing the throttles switched on
		// (requestsPerSecond 0 = no limit, so without a throttle nothing would be paced).
		expect(sleeps.filter((ms) => ms <= 100)).toHaveLength(3);
		expect(sleeps.filter((ms) => ms > 100).length).toBeGreaterThan(0);
	});

	it('paces nothing while no call was throttled', async () => {
		const { client, sleeps } = clientAnswering([unknown, success]);
		await client.call('erp.sales.get', { pageIndex: 0 });
		expect(sleeps).toHaveLength(1);
		expect(sleeps[0]).toBeLessThanOrEqual(100);
	});

	it('fails at once on a bad signature', async () => {
		const { client, sent } = clientAnswering([badSign, success]);
		await expect(client.call('erp.sales.get', {})).rejects.toMatchObject({ kind: 'signature', subCode: '0858030801' });
		expect(sent).toHaveLength(1);
	});

	it('does not retry an ambiguous failure of a write method, but does retry its throttling', async () => {
		const write = clientAnswering([unknown, success]);
		await expect(write.client.call('oms.trade.ordercreate', {})).rejects.toBeInstanceOf(JikeyunApiError);
		expect(write.sent).toHaveLength(1);
		const throttledWrite = clientAnswering([throttled, success]);
		await expect(throttledWrite.client.call('oms.trade.ordercreate', {})).resolves.toBeDefined();
		expect(throttledWrite.sent).toHaveLength(2);
	});

	it('turns network errors into transient errors and gives up after maxTries', async () => {
		const { client, sent } = clientAnswering([]);
		await expect(client.call('erp.sales.get', {})).rejects.toMatchObject({ kind: 'transient' });
		expect(sent).toHaveLength(5);
	});

	it('sends bizcontent text unchanged and objects serialised once', async () => {
		const { client, sent } = clientAnswering([success, success]);
		await client.call('erp.warehouse.get', '{ "pageIndex" : 0 }');
		await client.call('erp.warehouse.get', { pageIndex: 0, name: 'A&B' });
		expect(sent.map((call) => call.bizcontent)).toEqual(['{ "pageIndex" : 0 }', '{"pageIndex":0,"name":"A&B"}']);
	});
});

describe('JikeyunClient and the run breaker: HTTP 5xx in a row', () => {
	it('a read retried on 503 stops after five answers; later calls are not sent and say why', async () => {
		const breaker = new CircuitBreaker();
		const sent: string[] = [];
		const calls: CallRecord[] = [];
		const client = new JikeyunClient({
			send: async (call) => {
				sent.push(call.method);
				return { statusCode: 503, body: '<html>503 Service Temporarily Unavailable</html>' };
			},
			sleep: async () => {},
			requestsPerSecond: 0,
			retryPolicy: { maxTries: 8, baseDelayMs: 10, maxDelayMs: 100 },
			breaker,
			onCall: (entry) => calls.push(entry),
		});
		await expect(client.call('erp.sales.get', {}, { part: 'item 0' })).rejects.toMatchObject({
			kind: 'transient',
			httpStatus: 503,
		});
		expect(sent).toHaveLength(5);
		const later = await client.call('erp.sales.get', {}, { part: 'item 1' }).catch((error: unknown) => error);
		expect(later).toBeInstanceOf(JikeyunApiError);
		expect(later).toMatchObject({ kind: 'unavailable' });
		expect((later as Error).message).toMatch(/not sent: the gateway answered HTTP 503 to the last 5 calls/);
		expect(sent).toHaveLength(5);
		expect(calls.map((call) => call.outcome)).toEqual([
			'unknown',
			'unknown',
			'unknown',
			'unknown',
			'unknown',
			'skipped',
		]);
	});
});
