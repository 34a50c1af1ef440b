/**
 * Issue 19, Jikeyun side: a gateway that keeps answering HTTP 5xx ends the run after a few answers (the run's breaker),
 * and a `sign=` echoed by the gateway reaches no output, error or log — the real node against the emulator.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Jikeyun } from '../../nodes/Jikeyun/Jikeyun.node';
import { SERVER_ERROR_RUN_LIMIT } from '../../nodes/common/circuitBreaker';
import { jikeyunCredentialData } from '../../emulators/credentials';
import { DEFAULT_JIKEYUN_APP, startJikeyunEmulator, type JikeyunEmulator } from '../../emulators/jikeyun/server';
import { executeNode } from '../../testing/n8nHarness';
import { errorOf, type ItemError } from '../../testing/errorItems';
import { errorText } from '../helpers/errorText';

let emulator: JikeyunEmulator;

beforeAll(async () => {
	emulator = await startJikeyunEmulator({ shopCount: 5, seed: 19 });
});
afterAll(async () => await emulator.close());
beforeEach(() => {
	emulator.resetStats();
	emulator.setFaults({});
});

const items = (count: number): INodeExecutionData[] => Array.from({ length: count }, () => ({ json: {} }));
const callMethod = (method: string, options: Record<string, unknown> = {}): INodeParameters => ({
	resource: 'api',
	operation: 'callMethod',
	method,
	bizContent: '{"pageIndex":0,"pageSize":5}',
	options: { requestsPerSecond: 0, ...options },
});
/** The `sign` of a recorded request body (form text or the object n8n encodes). */
const signOf = (body: unknown): string =>
	typeof body === 'string'
		? (new URLSearchParams(body).get('sign') ?? '')
		: String((body as Record<string, unknown> | undefined)?.sign ?? '');
const errorsOf = (output: INodeExecutionData[]) =>
	output.map((item) => errorOf(item.json)).filter((error): error is ItemError => error !== undefined);

describe('a gateway that answers HTTP 503 forever', () => {
	it('Call Method (a read, 8 tries) on 20 items: five requests in all, the other items "not sent"', async () => {
		emulator.setFaults({ unavailable: true });
		const { outputs, harness } = await executeNode(new Jikeyun(), {
			parameters: callMethod('erp.sales.get', { maxTries: 8 }),
			items: items(20),
			continueOnFail: true,
			credentials: { jikeyunApi: jikeyunCredentialData(emulator) },
		});
		const errors = errorsOf(outputs[0]);
		expect(errors).toHaveLength(20);
		// Before the breaker counted 5xx answers this was 8 tries per item: 160 requests.
		expect(harness.requests).toHaveLength(SERVER_ERROR_RUN_LIMIT);
		expect(errors[0].message).toMatch(/HTTP 503/);
		expect(errors[0].message).not.toMatch(/not sent/);
		for (const error of errors.slice(1)) {
			expect(error.message).toMatch(
				/not sent: the gateway answered HTTP 503 to the last 5 calls; the rest of this run was stopped/,
			);
			expect(error.kind).toBe('unavailable');
		}
	});

	it('a write method is never retried: one request per item until five 503s in a row, then nothing', async () => {
		emulator.setFaults({ unavailable: true });
		const { outputs, harness } = await executeNode(new Jikeyun(), {
			parameters: callMethod('erp.sales.create', { maxTries: 8 }),
			items: items(20),
			continueOnFail: true,
			credentials: { jikeyunApi: jikeyunCredentialData(emulator) },
		});
		expect(errorsOf(outputs[0])).toHaveLength(20);
		expect(harness.requests).toHaveLength(SERVER_ERROR_RUN_LIMIT);
		expect(errorsOf(outputs[0]).filter((error) => /not sent: the gateway answered/.test(error.message))).toHaveLength(
			20 - SERVER_ERROR_RUN_LIMIT,
		);
	});
});

describe("one error shape in every mode: n8n's default stop shows the node's own message (issue 19)", () => {
	it('gateway unreachable: the thrown error names the method, the item and ECONNREFUSED, like the error item', async () => {
		const credentials = {
			jikeyunApi: jikeyunCredentialData(emulator, { gatewayUrl: 'http://127.0.0.1:9/open/openapi/do' }),
		};
		const parameters = callMethod('erp.sales.get');
		const thrown = (await executeNode(new Jikeyun(), { parameters, credentials }).catch((error: unknown) => error)) as {
			message: string;
			description?: string;
		};
		expect(thrown.message).toMatch(/^Jikeyun erp\.sales\.get \(item 0\) failed: request failed \(ECONNREFUSED\)/);
		expect(thrown.description).toMatch(/^Item 0: Not sent: no gateway answered at this URL/);
		const { outputs } = await executeNode(new Jikeyun(), { parameters, credentials, continueOnFail: true });
		expect(errorsOf(outputs[0])[0].message).toBe(thrown.message);
	});
});

describe("the request's sign= echoed by the gateway", () => {
	it('reaches neither the error items, the node error, the call report nor the debug log', async () => {
		emulator.setFaults({ echoSignNextCalls: 3 });
		const { outputs, harness } = await executeNode(new Jikeyun(), {
			parameters: callMethod('erp.sales.get', { maxTries: 1, includeCallReport: true }),
			items: items(3),
			continueOnFail: true,
			credentials: { jikeyunApi: jikeyunCredentialData(emulator) },
		});
		const signs = harness.requests.map((request) => signOf(request.body));
		expect(signs).toHaveLength(3);
		for (const sign of signs) expect(sign).toMatch(/^[0-9a-fA-F]{32}$/);
		const text = JSON.stringify(outputs) + harness.logs.join('\n') + JSON.stringify(harness.hints);
		// The gateway did echo it: the redaction, not the emulator, kept it out.
		expect(text).toMatch(/请求参数异常：method=erp\.sales\.get&appkey=\d+&timestamp=[^&]+&sign=\*\*\*/);
		for (const sign of signs) expect(text).not.toContain(sign);
		expect(text).not.toContain(DEFAULT_JIKEYUN_APP.appSecret);

		emulator.setFaults({ echoSignNextCalls: 1 });
		const thrown = await executeNode(new Jikeyun(), {
			parameters: callMethod('erp.sales.get', { maxTries: 1 }),
			credentials: { jikeyunApi: jikeyunCredentialData(emulator) },
		}).catch((error: unknown) => error);
		expect(errorText(thrown)).toMatch(/sign=\*\*\*/);
		expect(errorText(thrown)).not.toMatch(/sign=[0-9a-fA-F]{32}/);
	});
});
