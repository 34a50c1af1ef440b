/**
 * The pure parts of issue 8 on the Kingdee side, with an injected `send` and clock: session-id redaction, the
 * credential check, login failures that are "not sent", the run's circuit breaker and the call-report sink.
 */
import { DEFAULT_KINGDEE_ACCOUNT } from '../../emulators/kingdee/server';
import type { CallRecord } from '../../nodes/common/callReport';
import { CircuitBreaker } from '../../nodes/common/circuitBreaker';
import { createRedactor } from '../../nodes/common/redact';
import { KingdeeApiError } from '../../nodes/Kingdee/protocol/errors';
import { credentialProblem } from '../../nodes/Kingdee/protocol/login';
import { KingdeeSession, type KingdeeHttpRequest } from '../../nodes/Kingdee/protocol/session';

describe('createRedactor: session ids', () => {
	it('removes known ids by value and any cookie/header/JSON session value by pattern', () => {
		const text = [
			'kdservice-sessionid: 2c6dfa6c-039b-4b65-b52f-898d3c7c522a',
			'Cookie: Theme=standard; kdservice-sessionid=aaaa-1111; ASP.NET_SessionId=n3xfizba4et0o2uutwdftvzg',
			'{"KDSVCSessionId":"bbbb-2222","UserName":"demo"}',
			'SID: cccc-3333',
			'X-Kd-Signature: ZGVhZGJlZWY=; X-Kd-Appdata: NWRiMjVh',
			'echoed alone: 9f8e7d6c-known',
		].join('\n');
		const out = createRedactor([], ['9f8e7d6c-known'])(text);
		for (const secret of [
			'2c6dfa6c-039b',
			'aaaa-1111',
			'n3xfizba4et0o2uutwdftvzg',
			'bbbb-2222',
			'cccc-3333',
			'ZGVhZGJlZWY=',
			'NWRiMjVh',
			'9f8e7d6c-known',
		]) {
			expect(out).not.toContain(secret);
		}
		expect(out).toContain('Theme=standard');
		expect(out).toContain('"UserName":"demo"');
		expect(out).toContain('kdservice-sessionid: ***');
	});
});

describe('credentialProblem', () => {
	const good = {
		serverUrl: 'https://erp.example.com/k3cloud/',
		acctId: '5db25ac8d2b819',
		authType: 'password' as const,
		username: 'webapi',
		password: 'pw-1234',
		appId: DEFAULT_KINGDEE_ACCOUNT.appId,
		appSecret: DEFAULT_KINGDEE_ACCOUNT.appSecret,
	};
	it('accepts a complete credential of every mode', () => {
		for (const authType of ['password', 'appSecret', 'sign', 'signedHeaders'] as const) {
			expect(credentialProblem({ ...good, authType })).toBeUndefined();
		}
	});
	it('a password is not needed in App ID modes, an App Secret not in password mode', () => {
		expect(credentialProblem({ ...good, authType: 'sign', password: '' })).toBeUndefined();
		expect(credentialProblem({ ...good, appSecret: '', appId: '' })).toBeUndefined();
	});
	it('names the first empty field of the mode and the URL problems', () => {
		expect(credentialProblem({ ...good, serverUrl: '  ' })).toMatch(/no Server URL/);
		expect(credentialProblem({ ...good, serverUrl: 'erp.example.com/k3cloud' })).toMatch(
			/does not start with http:\/\/ or https:\/\/: enter the full address, e\.g\. https:\/\/erp\.example\.com\/k3cloud$/,
		);
		expect(credentialProblem({ ...good, serverUrl: 'https://' })).toMatch(/is not a valid address/);
		expect(credentialProblem({ ...good, serverUrl: 'localhost:8080/k3cloud/' })).toMatch(
			/e\.g\. https:\/\/localhost:8080\/k3cloud\/$/,
		);
		expect(credentialProblem({ ...good, acctId: '' })).toMatch(/no Account ID \(账套ID\)/);
		expect(credentialProblem({ ...good, authType: 'appSecret', appSecret: '' })).toMatch(
			/no App Secret \(authentication "appSecret"\)/,
		);
		expect(credentialProblem({ ...good, authType: 'signedHeaders', appId: 'a_b_c' })).toMatch(
			/<number>_<32 characters>/,
		);
	});
});

type Reply = { statusCode?: number; body: string } | Error;

function harness(handler: (request: KingdeeHttpRequest, service: string) => Reply, breaker = new CircuitBreaker()) {
	const requests: string[] = [];
	const calls: CallRecord[] = [];
	let clock = 1_000;
	const send = async (request: KingdeeHttpRequest) => {
		const service = request.login ? 'login' : (/ServicesStub\.(.+)\.common\.kdsvc$/.exec(request.url)?.[1] ?? '?');
		requests.push(service);
		clock += 5;
		const reply = handler(request, service);
		if (reply instanceof Error) throw reply;
		return { statusCode: reply.statusCode ?? 200, headers: {}, body: reply.body };
	};
	const session = () =>
		new KingdeeSession({
			serverUrl: 'http://erp/k3cloud',
			mode: 'login',
			send,
			sleep: async () => {},
			retryPolicy: { maxTries: 4, baseDelayMs: 1, maxDelayMs: 1 },
			breaker,
			onCall: (entry) => calls.push(entry),
			now: () => clock,
		});
	return { requests, calls, session, breaker };
}

const loginOk = JSON.stringify({ LoginResultType: 1, KDSVCSessionId: 'S-1' });
const wrongPassword = JSON.stringify({ LoginResultType: 0, Message: '用户名或密码错误！' });
const batchSaveOk = JSON.stringify({
	Result: {
		ResponseStatus: { IsSuccess: true, Errors: [], SuccessEntitys: [{ Id: 1, Number: 'C1', DIndex: 0 }], MsgCode: 0 },
	},
});

describe('login failures', () => {
	it('a refused login is "login failed (reason)", not sent, opens the breaker; the next call sends nothing', async () => {
		const h = harness((_, service) => ({ body: service === 'login' ? wrongPassword : batchSaveOk }));
		const first = h.session();
		const error = await first
			.formCall('DynamicFormService.BatchSave', 'BD_Customer', { Model: [{}] }, 'batch 1 (rows 1–1)')
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(KingdeeApiError);
		expect(error).toMatchObject({ kind: 'auth', notSent: true, loginFailed: true, ambiguous: false });
		expect((error as Error).message).toMatch(/^login failed \(Kingdee login refused .*Wrong username or password/);
		expect(h.breaker.isOpen).toBe(true);
		const second = h.session();
		await expect(
			second.formCall('DynamicFormService.BatchSave', 'BD_Customer', { Model: [{}] }, 'batch 2 (rows 2–2)'),
		).rejects.toBe(error);
		expect(h.requests).toEqual(['login']);
		expect(h.calls.map((c) => [c.call, c.part, c.outcome, c.code])).toEqual([
			['Login', 'login', 'failed', 'LoginResultType 0'],
			['BatchSave BD_Customer', 'batch 2 (rows 2–2)', 'skipped', undefined],
		]);
	});

	it('a login HTTP 502 is retried like a read and a write is never "outcome unknown"', async () => {
		let logins = 0;
		const h = harness((_, service) =>
			service === 'login'
				? ++logins < 3
					? { statusCode: 502, body: '<html>Bad Gateway</html>' }
					: { body: loginOk }
				: { body: batchSaveOk },
		);
		const reply = await h.session().formCall('DynamicFormService.BatchSave', 'BD_Customer', { Model: [{}] });
		expect(reply.status.isSuccess).toBe(true);
		expect(h.requests).toEqual(['login', 'login', 'login', 'DynamicFormService.BatchSave']);
		expect(h.calls.map((c) => [c.call, c.attempt, c.outcome, c.httpStatus])).toEqual([
			['Login', 1, 'failed', 502],
			['Login', 2, 'failed', 502],
			['Login', 3, 'ok', 200],
			['BatchSave BD_Customer', 3, 'ok', 200],
		]);
		expect(h.breaker.isOpen).toBe(false);
	});

	it('a login that keeps answering 502: login failed after the tries, breaker open', async () => {
		const h = harness(() => ({ statusCode: 502, body: '<html>Bad Gateway</html>' }));
		const error = await h
			.session()
			.formCall('DynamicFormService.BatchSave', 'BD_Customer', { Model: [{}] })
			.catch((e: unknown) => e);
		expect((error as Error).message).toMatch(
			/^login failed \(Kingdee AuthService login answered HTTP 502: Bad Gateway\)$/,
		);
		expect(error).toMatchObject({ notSent: true, kind: 'transient' });
		expect(h.requests).toHaveLength(4);
		expect(h.breaker.isOpen).toBe(true);
	});
});

describe('breaker on an unreachable server', () => {
	it('connection refused: no retry, the same error for every later call, each reported as skipped', async () => {
		const refused = new KingdeeApiError('Kingdee cannot be reached at erp (ECONNREFUSED: connect ECONNREFUSED)', {
			kind: 'transient',
			retryable: true,
			notSent: true,
			code: 'ECONNREFUSED',
		});
		const h = harness(() => refused);
		const errors = await Promise.all(
			[1, 2, 3].map(
				async (n) =>
					await h
						.session()
						.executeBillQuery({ FormId: 'BD_Customer' }, `lookup ${n}`)
						.catch((e: unknown) => e),
			),
		);
		// The three sessions start together: each may log in once before the first refusal is seen, never more.
		expect(h.requests.length).toBeLessThanOrEqual(3);
		for (const error of errors) expect((error as Error).message).toMatch(/ECONNREFUSED/);
		const later = await h
			.session()
			.executeBillQuery({ FormId: 'BD_Customer' }, 'lookup 4')
			.catch((e: unknown) => e);
		expect(later).toBe(h.breaker.openedBy?.error);
		expect(h.calls.at(-1)).toMatchObject({
			call: 'ExecuteBillQuery BD_Customer',
			part: 'lookup 4',
			outcome: 'skipped',
		});
	});
});

describe('call report entries', () => {
	it('carry call, part, attempt, start, duration, outcome and MsgCode; details are redacted of session ids', async () => {
		let queries = 0;
		const h = harness((_, service) => {
			if (service === 'login') return { body: loginOk };
			queries++;
			if (queries === 1) return { statusCode: 500, body: '<html>kdservice-sessionid: S-1 crashed</html>' };
			return { body: '[[1]]' };
		});
		await h.session().executeBillQuery({ FormId: 'BD_Customer' }, 'lookup 1, page 1');
		expect(h.calls).toEqual([
			{
				system: 'kingdee',
				call: 'Login',
				part: 'login',
				attempt: 1,
				startedAt: 1000,
				durationMs: 5,
				httpStatus: 200,
				outcome: 'ok',
				code: 'LoginResultType 1',
			},
			expect.objectContaining({
				call: 'ExecuteBillQuery BD_Customer',
				part: 'lookup 1, page 1',
				attempt: 1,
				outcome: 'unknown',
				httpStatus: 500,
				durationMs: 5,
			}),
			expect.objectContaining({
				call: 'ExecuteBillQuery BD_Customer',
				part: 'lookup 1, page 1',
				attempt: 2,
				outcome: 'ok',
				httpStatus: 200,
			}),
		]);
		expect(h.calls[1].detail).toMatch(/HTTP 500/);
		expect(h.calls[1].detail).not.toContain('S-1');
	});
});
