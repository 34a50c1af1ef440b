import { JikeyunClient } from '../../nodes/Jikeyun/protocol/client';
import { JikeyunApiError } from '../../nodes/Jikeyun/protocol/errors';

const success = '{"code":200,"msg":"","result":{"data":{"salesChannelInfo":[]},"contextId":"1"},"subCode":""}';
const throttled = '{"code":0,"msg":"上游限流/暂时不可用","result":{"data":null,"contextId":"2"},"subCode":"0859999999"}';
const unknown = '{"code":0,"msg":"未知错误","result":{"data":null,"contextId":"3"},"subCode":"0130020001"}';
const badSign = '{"code":0,"msg":"签名错误","result":{"data":null,"contextId":"4"},"subCode":"0858030801"}';

function clientAnswering(bodies: string[]) {
	const sent: Array<{ method: string; bizcontent: string }> = [];
	const sleeps: number[] = [];
	const client = new JikeyunClient({
		send: async (call) => {
			sent.push(call);
			const body = bodies.shift();
			if (body === undefined) throw new Error('socket hang up');
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
	it('retries throttling and transient read failures to success and counts them', async () => {
		const { client, sent, sleeps } = clientAnswering([throttled, unknown, throttled, success]);
		const result = await client.call('erp.sales.get', { pageIndex: 0 });
		expect(result.data).toEqual({ salesChannelInfo: [] });
		expect(sent).toHaveLength(4);
		expect(client.stats).toEqual({ requests: 4, retries: 3, throttled: 2, transientFailures: 1 });
		// Three backoffs (at most maxDelayMs); the longer sleeps are the pacing the throttles switched on.
		expect(sleeps.filter((ms) => ms <= 100)).toHaveLength(3);
		expect(client.rateStats).toMatchObject({ ceiling: 0, decreases: 2 });
		expect(client.rateStats.currentRate).toBeGreaterThan(0);
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
