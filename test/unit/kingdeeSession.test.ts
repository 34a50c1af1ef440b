/** KingdeeSession and saveBatch with an injected fake `send` (no n8n, no network). */
import { KingdeeApiError } from '../../nodes/Kingdee/protocol/errors';
import { runBatchSave } from '../../nodes/Kingdee/protocol/batchSave';
import { mapBatchSaveReply } from '../../nodes/Kingdee/protocol/batchSave/send';
import { KingdeeSession, KingdeeSessionPool, type KingdeeHttpRequest } from '../../nodes/Kingdee/protocol/session';

type Reply = { statusCode?: number; body: unknown; headers?: Record<string, string | string[]> } | Error;

const status = (extra: Record<string, unknown>) => ({
	Result: { ResponseStatus: { IsSuccess: true, Errors: [], SuccessEntitys: [], MsgCode: 0, ...extra } },
});
const lost = status({
	IsSuccess: false,
	MsgCode: 1,
	Errors: [{ FieldName: null, Message: '会话信息已丢失，请重新登录', DIndex: 0 }],
});
const loginOk = (id: string) => ({
	body: { LoginResultType: 1, KDSVCSessionId: id },
	headers: { 'set-cookie': [`kdservice-sessionid=${id}; path=/`, `ASP.NET_SessionId=asp${id}; path=/; HttpOnly`] },
});

/** A scripted server: `handler` sees every request and returns the reply. */
function fakeServer(handler: (request: KingdeeHttpRequest, service: string) => Reply) {
	const requests: Array<KingdeeHttpRequest & { service: string }> = [];
	const sleeps: number[] = [];
	const send = async (request: KingdeeHttpRequest) => {
		const service = request.login ? 'login' : (/ServicesStub\.(.+)\.common\.kdsvc$/.exec(request.url)?.[1] ?? '?');
		requests.push({ ...request, service });
		const reply = handler(request, service);
		if (reply instanceof Error) throw reply;
		return {
			statusCode: reply.statusCode ?? 200,
			headers: reply.headers ?? {},
			body: typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body),
		};
	};
	const session = (mode: 'login' | 'signedHeaders' = 'login') =>
		new KingdeeSession({
			serverUrl: 'http://erp/k3cloud',
			mode,
			send,
			sleep: async (ms) => {
				sleeps.push(ms);
			},
			retryPolicy: { maxTries: 4, baseDelayMs: 10, maxDelayMs: 100 },
			random: () => 0,
		});
	return { requests, sleeps, session };
}

const timeout = () =>
	new KingdeeApiError('No answer from Kingdee (ECONNABORTED: timeout of 1000ms exceeded)', {
		kind: 'transient',
		retryable: true,
		ambiguous: true,
	});

describe('KingdeeSession', () => {
	it('logs in lazily once and sends the session as cookies and header', async () => {
		const server = fakeServer((_, service) => (service === 'login' ? loginOk('S1') : { body: [[1, 'C001']] }));
		const session = server.session();
		expect(server.requests).toHaveLength(0);
		await session.executeBillQuery({ FormId: 'BD_Customer' });
		await session.executeBillQuery({ FormId: 'BD_Customer' });
		expect(server.requests.map((r) => r.service)).toEqual([
			'login',
			'DynamicFormService.ExecuteBillQuery',
			'DynamicFormService.ExecuteBillQuery',
		]);
		expect(server.requests[0]).toMatchObject({ login: true, body: '' });
		expect(server.requests[2].headers).toMatchObject({
			Cookie: 'kdservice-sessionid=S1; ASP.NET_SessionId=aspS1',
			'kdservice-sessionid': 'S1',
		});
		expect(server.requests[2].url).toBe(
			'http://erp/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.ExecuteBillQuery.common.kdsvc',
		);
	});

	it('on MsgCode 1 (also inside [[…]]) logs in again and repeats the call once', async () => {
		let logins = 0;
		let queries = 0;
		const server = fakeServer((_, service) => {
			if (service === 'login') return loginOk(`S${++logins}`);
			return ++queries === 1 ? { body: [[lost]] } : { body: [[42]] };
		});
		const session = server.session();
		expect(await session.executeBillQuery({})).toEqual([[42]]);
		expect(server.requests.map((r) => r.service)).toEqual([
			'login',
			'DynamicFormService.ExecuteBillQuery',
			'login',
			'DynamicFormService.ExecuteBillQuery',
		]);
		expect(server.requests[3].headers['kdservice-sessionid']).toBe('S2');
	});

	it('a session lost again right after a fresh login is a credential error, not a loop', async () => {
		const server = fakeServer((_, service) => (service === 'login' ? loginOk('S') : { body: lost }));
		await expect(server.session().formCall('DynamicFormService.Save', 'BD_Customer', {})).rejects.toMatchObject({
			kind: 'auth',
			msgCode: 1,
		});
		expect(server.requests.filter((r) => r.service === 'login')).toHaveLength(2);
	});

	it('signed headers: MsgCode 1 means wrong credentials after one retry; no login call ever', async () => {
		const server = fakeServer(() => ({ body: lost }));
		await expect(server.session('signedHeaders').executeBillQuery({})).rejects.toThrow(/rejected the signed request/);
		expect(server.requests.map((r) => r.service)).toEqual([
			'DynamicFormService.ExecuteBillQuery',
			'DynamicFormService.ExecuteBillQuery',
		]);
	});

	it('retries MsgCode 14 and HTTP 503 with backoff; not validation errors', async () => {
		const replies: Reply[] = [
			{ body: status({ IsSuccess: false, MsgCode: 14, Errors: [{ Message: '调用限制' }] }) },
			{ statusCode: 503, body: '<html>busy</html>' },
			{ body: status({}) },
		];
		const server = fakeServer((_, service) => (service === 'login' ? loginOk('S') : (replies.shift() as Reply)));
		const reply = await server.session().formCall('DynamicFormService.Audit', 'BD_Customer', { Numbers: ['C1'] });
		expect(reply.status.isSuccess).toBe(true);
		expect(server.sleeps).toEqual([5, 10]);

		const invalid = fakeServer((_, service) =>
			service === 'login'
				? loginOk('S')
				: {
						body: status({ IsSuccess: false, MsgCode: 11, Errors: [{ FieldName: 'FName', Message: 'x', DIndex: 0 }] }),
					},
		);
		const result = await invalid.session().formCall('DynamicFormService.Save', 'F', {});
		expect(result.status.isSuccess).toBe(false);
		expect(invalid.requests).toHaveLength(2);
	});

	it('retries a read after a timeout, but never a write: that is outcomeUnknown', async () => {
		let calls = 0;
		const reads = fakeServer((_, service) =>
			service === 'login' ? loginOk('S') : ++calls === 1 ? timeout() : { body: [] },
		);
		expect(await reads.session().executeBillQuery({})).toEqual([]);

		const writes = fakeServer((_, service) => (service === 'login' ? loginOk('S') : timeout()));
		await expect(writes.session().formCall('DynamicFormService.BatchSave', 'F', { Model: [] })).rejects.toMatchObject({
			kind: 'outcomeUnknown',
		});
		expect(writes.requests.filter((r) => r.service === 'DynamicFormService.BatchSave')).toHaveLength(1);
	});

	it('a refused connection (request never sent) is retried even for writes', async () => {
		let calls = 0;
		const server = fakeServer((_, service) => {
			if (service === 'login') return loginOk('S');
			return ++calls === 1
				? new KingdeeApiError('No answer (ECONNREFUSED)', { kind: 'transient', retryable: true, ambiguous: false })
				: { body: status({}) };
		});
		await server.session().formCall('DynamicFormService.Save', 'F', { Model: {} });
		expect(calls).toBe(2);
	});

	it('logout is sent once per logged-in session; the pool bounds parallel sessions', async () => {
		let logins = 0;
		const server = fakeServer((_, service) =>
			service === 'login' ? loginOk(`S${++logins}`) : { body: service.endsWith('Logout') ? 'true' : [] },
		);
		const pool = new KingdeeSessionPool(9, () => server.session());
		expect(pool.size).toBe(5);
		await pool.forEach([1, 2, 3, 4, 5, 6, 7], async (_, session) => await session.executeBillQuery({}));
		await pool.close();
		expect(server.requests.filter((r) => r.service === 'login')).toHaveLength(5);
		expect(server.requests.filter((r) => r.service === 'AuthService.Logout')).toHaveLength(5);
	});

	it('hands inputs to the sessions as a work queue: one slow input does not hold back the others', async () => {
		const server = fakeServer(() => loginOk('S'));
		const pool = new KingdeeSessionPool(2, () => server.session());
		let releaseSlow = () => {};
		const slow = new Promise<void>((resolve) => (releaseSlow = resolve));
		const order: number[] = [];
		const sessionsUsed = new Map<number, KingdeeSession>();
		await pool.forEach([0, 1, 2, 3, 4], async (input, session) => {
			sessionsUsed.set(input, session);
			// Input 0 finishes only after every other input did: with a fixed split (0, 2, 4 on one session) this would hang.
			if (input === 0) await slow;
			order.push(input);
			if (order.length === 4) releaseSlow();
		});
		expect(order).toEqual([1, 2, 3, 4, 0]);
		expect(new Set([1, 2, 3, 4].map((input) => sessionsUsed.get(input))).size).toBe(1);
		expect(sessionsUsed.get(0)).not.toBe(sessionsUsed.get(1));
	});
});

describe('runBatchSave with a scripted server', () => {
	const settings = {
		formId: 'BD_Customer',
		numberField: 'FNumber',
		primaryKeyField: 'FCUSTID',
		upsertByNumber: false,
		skipUnchanged: true,
		dryRun: false,
		batchSize: 20,
		maxSends: 3,
		stopAtFirstFailure: false,
		saveData: {},
	};
	const models = ['A', 'B', 'C'].map((n) => ({ FNumber: n, FName: n }));
	const poolOf = (server: ReturnType<typeof fakeServer>) => new KingdeeSessionPool(1, () => server.session());
	const bodyOf = (request: KingdeeHttpRequest, position = 1) =>
		JSON.parse(JSON.parse(request.body).parameters[position]);

	it('maps SuccessEntitys and Errors by DIndex', async () => {
		const server = fakeServer((_, service) => {
			if (service === 'login') return loginOk('S');
			if (service.endsWith('ExecuteBillQuery')) return { body: [] };
			return {
				body: status({
					IsSuccess: false,
					MsgCode: 11,
					SuccessEntitys: [
						{ Id: 1, Number: 'A', DIndex: 0 },
						{ Id: 3, Number: 'C', DIndex: 2 },
					],
					Errors: [{ FieldName: 'FName', Message: 'bad name', DIndex: 1 }],
				}),
			};
		});
		const outcomes = await runBatchSave(poolOf(server), models, settings);
		expect(outcomes).toEqual([
			{ status: 'created', id: 1, number: 'A', verified: false, action: 'create', changes: [], unverifiable: [] },
			{
				status: 'failed',
				message: 'FName: bad name [MsgCode 11: Validation failed (验证失败)]',
				rowErrors: [{ fieldName: 'FName', message: 'bad name', dIndex: 1 }],
				msgCode: 11,
				kind: 'validation',
				number: 'B',
			},
			{ status: 'created', id: 3, number: 'C', verified: false, action: 'create', changes: [], unverifiable: [] },
		]);
	});

	it('with BatchCount, DIndex is per server batch: successes by Number, errors by the number they name', () => {
		const mapping = mapBatchSaveReply(
			['A', 'B', 'C', 'D'],
			{
				status: {
					isSuccess: false,
					msgCode: 11,
					successEntities: [
						{ id: 1, number: 'A', dIndex: 0 },
						{ id: 4, number: 'D', dIndex: 1 },
						{ id: 2, number: 'B', dIndex: 1 },
					],
					errors: [{ fieldName: 'FNumber', message: '[C]在当前系统中已经被使用。', dIndex: 0 }],
				},
			},
			true,
		);
		expect([...mapping.success.entries()].map(([pos, e]) => [pos, e.id])).toEqual([
			[0, 1],
			[3, 4],
			[1, 2],
		]);
		expect([...mapping.errors.keys()]).toEqual([2]);
	});

	it('after a write timeout: reads the numbers back, keeps what Kingdee holds, re-sends only the missing package', async () => {
		let saves = 0;
		let queries = 0;
		const server = fakeServer((_, service) => {
			if (service === 'login') return loginOk('S');
			// Rows in FieldKeys order: FCUSTID, FNumber, FDocumentStatus, FName.
			if (service.endsWith('ExecuteBillQuery'))
				return {
					body:
						queries++ === 0
							? []
							: [
									[11, 'A', 'A', 'A'],
									[13, 'C', 'A', 'C'],
								],
				};
			saves++;
			if (saves === 1) return timeout();
			return { body: status({ SuccessEntitys: [{ Id: 12, Number: 'B', DIndex: 0 }] }) };
		});
		const outcomes = await runBatchSave(poolOf(server), models, settings);
		expect(outcomes.map((o) => [o?.status, o && 'id' in o ? o.id : null])).toEqual([
			['created', 11],
			['created', 12],
			['created', 13],
		]);
		const saveRequests = server.requests.filter((r) => r.service.endsWith('BatchSave'));
		expect(bodyOf(saveRequests[1]).Model).toEqual([{ FNumber: 'B', FName: 'B' }]);
		const lookups = server.requests.filter((r) => r.service.endsWith('ExecuteBillQuery')).map((r) => bodyOf(r, 0));
		expect(lookups.map((query) => query.FilterString)).toEqual([
			"FNumber IN ('A','B','C')",
			"FNumber IN ('A','B','C')",
		]);
		// Without upsert the read-back still reads the fields sent, to prove content rather than existence; base data
		// also reads the use organisation, to match a number per organisation (issue 19).
		expect(lookups[1].FieldKeys).toBe('FCUSTID,FNumber,FDocumentStatus,FName,FUseOrgId.FNumber');
	});

	it('upsert: one lookup reading the sent fields, only the audited record that changes is un-audited, unchanged ones are not sent', async () => {
		const server = fakeServer((_, service) => {
			if (service === 'login') return loginOk('S');
			if (service.endsWith('ExecuteBillQuery'))
				return {
					body: [
						[7, "O'Neil", 'C', 'old'],
						[8, 'B', 'C', 'same'],
						[9, 'C', 'A', 'old'],
					],
				};
			if (service.endsWith('UnAudit'))
				return { body: status({ SuccessEntitys: [{ Id: 7, Number: "O'Neil", DIndex: 0 }] }) };
			return {
				body: status({
					SuccessEntitys: [
						{ Id: 7, Number: "O'Neil", DIndex: 0 },
						{ Id: 9, Number: 'C', DIndex: 1 },
						{ Id: 10, Number: 'D', DIndex: 2 },
					],
				}),
			};
		});
		const upsertModels = [
			{ FNumber: "O'Neil", FName: 'new' },
			{ FNumber: 'B', FName: 'same' },
			{ FNumber: 'C', FName: 'new' },
			{ FNumber: 'D', FName: 'new' },
		];
		const outcomes = await runBatchSave(poolOf(server), upsertModels, { ...settings, upsertByNumber: true });
		expect(outcomes.map((o) => o?.status)).toEqual(['updated', 'unchanged', 'updated', 'created']);
		expect(server.requests.map((r) => r.service)).toEqual([
			'login',
			'DynamicFormService.ExecuteBillQuery',
			'DynamicFormService.UnAudit',
			'DynamicFormService.BatchSave',
		]);
		expect(bodyOf(server.requests[1], 0)).toMatchObject({
			FieldKeys: 'FCUSTID,FNumber,FDocumentStatus,FName,FUseOrgId.FNumber',
			FilterString: "FNumber IN ('O''Neil','B','C','D')",
		});
		expect(bodyOf(server.requests[2])).toEqual({ Ids: '7' });
		expect(bodyOf(server.requests[3]).Model).toEqual([
			{ FNumber: "O'Neil", FName: 'new', FCUSTID: 7 },
			{ FNumber: 'C', FName: 'new', FCUSTID: 9 },
			{ FNumber: 'D', FName: 'new' },
		]);
		expect(upsertModels[0]).toEqual({ FNumber: "O'Neil", FName: 'new' });
	});

	it('dry run: one lookup, no write call', async () => {
		const server = fakeServer((_, service) => (service === 'login' ? loginOk('S') : { body: [[7, 'A', 'C', 'old']] }));
		const outcomes = await runBatchSave(
			poolOf(server),
			[
				{ FNumber: 'A', FName: 'new' },
				{ FNumber: 'B', FName: 'b' },
			],
			{ ...settings, upsertByNumber: true, dryRun: true },
		);
		expect(outcomes).toEqual([
			{
				status: 'planned',
				id: 7,
				number: 'A',
				action: 'update',
				changes: [{ field: 'FName', before: 'old', after: 'new' }],
				unverifiable: [],
			},
			{ status: 'planned', id: null, number: 'B', action: 'create', changes: [], unverifiable: [] },
		]);
		expect(server.requests.map((r) => r.service)).toEqual(['login', 'DynamicFormService.ExecuteBillQuery']);
	});

	it('stops sending after the first failed batch when asked to; a later batch is never un-audited (un-audit per batch, issue 19)', async () => {
		const server = fakeServer((request, service) => {
			if (service === 'login') return loginOk('S');
			if (service.endsWith('ExecuteBillQuery'))
				return {
					body: [
						[1, 'A', 'C', 'old'],
						[2, 'B', 'C', 'old'],
					],
				};
			if (service.endsWith('BatchSave'))
				return {
					body: status({ IsSuccess: false, MsgCode: 11, Errors: [{ FieldName: 'FName', Message: 'bad', DIndex: 0 }] }),
				};
			const ids = String(bodyOf(request).Ids).split(',');
			return { body: status({ SuccessEntitys: ids.map((id, index) => ({ Id: Number(id), DIndex: index })) }) };
		});
		const outcomes = await runBatchSave(
			poolOf(server),
			[
				{ FNumber: 'A', FName: 'x' },
				{ FNumber: 'B', FName: 'y' },
			],
			{ ...settings, upsertByNumber: true, batchSize: 1, stopAtFirstFailure: true },
		);
		expect(outcomes[0]).toMatchObject({ status: 'failed' });
		expect(outcomes[1]).toBeUndefined();
		expect(server.requests.map((r) => r.service.replace('DynamicFormService.', ''))).toEqual([
			'login',
			'ExecuteBillQuery',
			'UnAudit',
			'BatchSave',
			'Submit',
			'Audit',
			'ExecuteBillQuery',
		]);
		expect(bodyOf(server.requests[2])).toEqual({ Ids: '1' });
		expect(bodyOf(server.requests[4])).toEqual({ Ids: '1' });
	});
});
