import { CallReport, describeCall, type CallRecord } from '../../nodes/common/callReport';
import {
	CircuitBreaker,
	isUnreachableError,
	networkErrorCode,
	SERVER_ERROR_RUN_LIMIT,
} from '../../nodes/common/circuitBreaker';

const call = (overrides: Partial<CallRecord>): CallRecord => ({
	system: 'jikeyun',
	call: 'erp.sales.get',
	attempt: 1,
	startedAt: 1_000,
	durationMs: 100,
	outcome: 'ok',
	...overrides,
});

describe('CallReport', () => {
	test('counts calls, retries, throttles, re-logins and time from first start to last end', () => {
		const seen: CallRecord[] = [];
		const report = new CallReport({ keepCalls: false, onCall: (entry) => seen.push(entry) });
		report.record(call({ part: 'page 1' }));
		report.record(call({ part: 'page 2', attempt: 1, outcome: 'throttled', startedAt: 1_200, code: '0859999999' }));
		report.record(call({ part: 'page 2', attempt: 2, startedAt: 1_500, durationMs: 300 }));
		report.record(call({ system: 'kingdee', call: 'Login', relogin: true, startedAt: 1_900, durationMs: 50 }));
		const summary = report.summary();
		expect(summary).toEqual({
			calls: 4,
			retries: 1,
			throttled: 1,
			failed: 0,
			unknown: 0,
			skipped: 0,
			relogins: 1,
			callTimeMs: 550,
			wallTimeMs: 950,
			byCall: { 'erp.sales.get': 3, Login: 1 },
		});
		expect(seen).toHaveLength(4);
		expect(report.calls()).toEqual({ calls: [], omitted: 0 });
		expect(report.summaryLine('Jikeyun')).toBe(
			'Jikeyun: 4 API calls (1 retry, 1 throttled, 1 re-login), 0.9 s from first to last',
		);
	});

	test('keeps entries up to the bound and counts the rest as omitted', () => {
		const report = new CallReport({ keepCalls: true, maxCalls: 2 });
		for (let i = 0; i < 5; i++) report.record(call({ part: `page ${i + 1}`, outcome: i === 4 ? 'unknown' : 'ok' }));
		const { calls, omitted } = report.calls();
		expect(calls.map((entry) => entry.part)).toEqual(['page 1', 'page 2']);
		expect(omitted).toBe(3);
		expect(report.summary().unknown).toBe(1);
	});

	test('an empty report says zero calls', () => {
		const report = new CallReport();
		expect(report.summary().wallTimeMs).toBe(0);
		expect(report.summaryLine('Kingdee')).toBe('Kingdee: 0 API calls, 0.0 s from first to last');
	});
});

describe('describeCall (the debug log line of both nodes)', () => {
	test('names the system, the call, its part and attempt, then what happened', () => {
		const kingdee: CallRecord = {
			system: 'kingdee',
			call: 'BatchSave BD_Customer',
			part: 'batch 2 (rows 201–400)',
			attempt: 2,
			startedAt: 0,
			durationMs: 35,
			outcome: 'unknown',
			httpStatus: 502,
			relogin: true,
			detail: 'HTTP 502 page',
		};
		expect(describeCall(kingdee)).toBe(
			'Kingdee call BatchSave BD_Customer, batch 2 (rows 201–400), attempt 2, unknown, HTTP 502, re-login, 35 ms, HTTP 502 page',
		);
		const jikeyun: CallRecord = {
			system: 'jikeyun',
			call: 'erp.sales.get',
			part: 'page 0',
			attempt: 1,
			startedAt: 0,
			durationMs: 8,
			outcome: 'throttled',
			code: '0130020041',
			contextId: 'ctx-1',
		};
		expect(describeCall(jikeyun)).toBe(
			'Jikeyun call erp.sales.get, page 0, attempt 1, throttled, code 0130020041, contextId ctx-1, 8 ms',
		);
	});
});

describe('CircuitBreaker', () => {
	test('stays closed until opened, then rethrows the first cause unchanged', () => {
		const breaker = new CircuitBreaker();
		expect(() => breaker.throwIfOpen()).not.toThrow();
		const first = new Error('connection refused');
		breaker.open(first, 'unreachable');
		breaker.open(new Error('later'), 'later');
		expect(breaker.isOpen).toBe(true);
		expect(breaker.openedBy?.reason).toBe('unreachable');
		let thrown: unknown;
		try {
			breaker.throwIfOpen();
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBe(first);
	});

	test.each([
		[Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), true],
		[new Error('getaddrinfo ENOTFOUND kingdee.invalid'), true],
		[Object.assign(new Error('wrapped'), { cause: { code: 'EAI_AGAIN' } }), true],
		[Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), false],
		[new Error('timeout of 60000ms exceeded'), false],
		['ECONNREFUSED as a plain string', false],
		[Object.assign(new Error('The service refused the connection'), { httpCode: 'ECONNREFUSED' }), true],
	])('isUnreachableError(%p) is %p', (error, expected) => {
		expect(isUnreachableError(error)).toBe(expected);
	});

	test('a run of SERVER_ERROR_RUN_LIMIT 5xx answers is reported once; any other answer starts the count again', () => {
		const breaker = new CircuitBreaker();
		expect(SERVER_ERROR_RUN_LIMIT).toBe(5);
		for (const status of [503, 502, 503, 503]) expect(breaker.noteAnswer(status)).toBeUndefined();
		expect(breaker.noteAnswer(200)).toBeUndefined();
		for (const status of [503, 503, 503, 503]) expect(breaker.noteAnswer(status)).toBeUndefined();
		expect(breaker.noteAnswer(500)).toEqual({
			statuses: [503, 503, 503, 503, 500],
			text: 'HTTP 500/503 to the last 5 calls',
		});
		breaker.open(new Error('stopped'), 'not sent');
		// Once open, later answers (of calls already under way) open nothing again.
		expect(breaker.noteAnswer(503)).toBeUndefined();
	});

	test.each([
		[
			Object.assign(new Error('The service refused the connection'), { cause: { code: 'ECONNREFUSED' } }),
			'ECONNREFUSED',
		],
		[Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }), 'ETIMEDOUT'],
		[Object.assign(new Error('The service refused the connection'), { httpCode: 'ECONNREFUSED' }), 'ECONNREFUSED'],
		[Object.assign(new Error('n8n 1.x'), { errorResponse: { code: 'ENOTFOUND' } }), 'ENOTFOUND'],
		[Object.assign(new Error('HTTP'), { code: 503, httpCode: '503' }), undefined],
		[new Error('no code'), undefined],
	])('networkErrorCode(%p) is %p', (error, expected) => {
		expect(networkErrorCode(error)).toBe(expected);
	});
});
