/* eslint-disable @n8n/community-nodes/no-restricted-globals, @typescript-eslint/no-explicit-any */
/**
 * The Kingdee WebAPI emulator over real loopback HTTP, driven by a plain fetch client that builds
 * bodies and headers by hand (expected texts come from docs/kingdee-webapi.md, not from
 * the emulator's code).
 */
import { buildKingdeeSignedHeaders, signKingdeeLogin } from '../../nodes/Kingdee/protocol/signing';
import {
	DEFAULT_KINGDEE_ACCOUNT as ACCOUNT,
	startKingdeeEmulator,
	type KingdeeEmulator,
	type KingdeeEmulatorOptions,
} from '../../emulators/kingdee/server';
import { KINGDEE_SESSION_LOST_BODY } from '../helpers/kingdeeReferenceBodies';
import { billQuery } from '../../emulators/kingdee/query';
import { KingdeeStore } from '../../emulators/kingdee/store';

const PREFIX = 'Kingdee.BOS.WebApi.ServicesStub.';
const WRONG_SECRET = 'f'.repeat(32);
const SESSION_LOST = KINGDEE_SESSION_LOST_BODY;

interface Answer {
	status: number;
	text: string;
	json: any;
	cookies: string[];
}

async function call(
	emulator: KingdeeEmulator,
	service: string,
	body: unknown,
	headers: Record<string, string> = {},
	signal?: AbortSignal,
): Promise<Answer> {
	const response = await fetch(`${emulator.serverUrl}${PREFIX}${service}.common.kdsvc`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body),
		signal,
	});
	const text = await response.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, text, json, cookies: response.headers.getSetCookie() };
}

function cookieHeader(cookies: string[]): string {
	return cookies.map((c) => c.split(';')[0]).join('; ');
}

/** Logs in with the password (shape A) and returns the Cookie header the SDKs resend. */
async function login(emulator: KingdeeEmulator): Promise<{ cookie: string; sessionId: string }> {
	const answer = await call(emulator, 'AuthService.ValidateUser', {
		acctID: emulator.acctId,
		username: ACCOUNT.username,
		password: ACCOUNT.password,
		lcid: 2052,
	});
	expect(answer.json.LoginResultType).toBe(1);
	return { cookie: `Theme=standard; ${cookieHeader(answer.cookies)}`, sessionId: answer.json.KDSVCSessionId };
}

function batchSaveBody(model: unknown[], extra: Record<string, unknown> = {}) {
	return { parameters: ['BD_Customer', JSON.stringify({ Model: model, ...extra })] };
}

function customer(number: string, name = `店铺${number}`, org: unknown = { FNumber: '100' }) {
	return { FCUSTID: 0, FCreateOrgId: org, FUseOrgId: org, FNumber: number, FName: name };
}

function query(data: Record<string, unknown>) {
	return { parameters: [JSON.stringify({ FormId: 'BD_Customer', ...data })] };
}

const emulators: KingdeeEmulator[] = [];
async function start(options?: KingdeeEmulatorOptions): Promise<KingdeeEmulator> {
	const emulator = await startKingdeeEmulator(options);
	emulators.push(emulator);
	return emulator;
}
afterAll(async () => {
	await Promise.all(emulators.map((e) => e.close()));
});

describe('logins', () => {
	let emulator: KingdeeEmulator;
	beforeAll(async () => {
		emulator = await start({
			users: [
				{ username: ACCOUNT.username, password: ACCOUNT.password, appId: ACCOUNT.appId, appSecret: ACCOUNT.appSecret },
				{ username: 'frozen', password: 'Frozen-1', locked: true },
			],
		});
	});

	it('ValidateUser answers the top-level login object and sets both session cookies', async () => {
		const answer = await call(emulator, 'AuthService.ValidateUser', {
			acctID: ACCOUNT.acctId,
			username: ACCOUNT.username,
			password: ACCOUNT.password,
			lcid: 2052,
		});
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({ LoginResultType: 1, IsSuccessByAPI: true, Context: { UserName: 'webapi' } });
		expect(answer.json.Result).toBeUndefined();
		expect(answer.json.KDSVCSessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		expect(answer.json.Context.SessionId).toMatch(/^[a-z0-5]{24}$/);
		expect(answer.cookies.some((c) => c.startsWith(`kdservice-sessionid=${answer.json.KDSVCSessionId}`))).toBe(true);
		expect(answer.cookies.some((c) => c.startsWith(`ASP.NET_SessionId=${answer.json.Context.SessionId}`))).toBe(true);
		expect(answer.text).not.toContain(ACCOUNT.password);
	});

	it('refuses a wrong password (0), a wrong acctId (-1) and a locked user (negative, Chinese message)', async () => {
		const wrongPassword = await call(emulator, 'AuthService.ValidateUser', {
			parameters: [ACCOUNT.acctId, ACCOUNT.username, 'not-the-password', 2052],
		});
		expect(wrongPassword.json).toMatchObject({ LoginResultType: 0, Context: null, IsSuccessByAPI: false });
		expect(wrongPassword.cookies).toEqual([]);
		expect(wrongPassword.text).not.toContain('not-the-password');

		const wrongAcct = await call(emulator, 'AuthService.ValidateUser', {
			parameters: ['0000000000000', ACCOUNT.username, ACCOUNT.password, 2052],
		});
		expect(wrongAcct.json.LoginResultType).toBe(-1);
		expect(wrongAcct.text).not.toContain(ACCOUNT.password);

		const locked = await call(emulator, 'AuthService.ValidateUser2', {
			parameters: [ACCOUNT.acctId, 'frozen', 'Frozen-1', 'false', 2052],
		});
		expect(locked.json.LoginResultType).toBeLessThan(0);
		expect(locked.json.Message).toMatch(/锁定/);
	});

	it('LoginByAppSecret succeeds with the right secret only', async () => {
		const ok = await call(emulator, 'AuthService.LoginByAppSecret', {
			parameters: [ACCOUNT.acctId, ACCOUNT.username, ACCOUNT.appId, ACCOUNT.appSecret, 2052],
		});
		expect(ok.json.LoginResultType).toBe(1);
		expect(ok.text).not.toContain(ACCOUNT.appSecret);
		const bad = await call(emulator, 'AuthService.LoginByAppSecret', {
			acctid: ACCOUNT.acctId,
			username: ACCOUNT.username,
			appid: ACCOUNT.appId,
			appsecret: WRONG_SECRET,
			lcid: 2052,
		});
		expect(bad.json.LoginResultType).not.toBe(1);
		expect(bad.json.IsSuccessByAPI).toBe(false);
		expect(bad.text).not.toContain(WRONG_SECRET);
	});

	it('LoginBySign accepts the documented SHA-256 example and SHA-1, and rejects a wrong sign', async () => {
		// Digests of docs/kingdee-webapi.md#signed-login for timestamp 1700000000.
		const sha256 = await call(emulator, 'AuthService.LoginBySign', {
			parameters: [
				ACCOUNT.acctId,
				ACCOUNT.username,
				ACCOUNT.appId,
				'1700000000',
				'91020350abf9d30f0d7316b6db1c5a14eba2bde38b42cc8e8ca8b10aa0ef783d',
				'2052',
			],
		});
		expect(sha256.json.LoginResultType).toBe(1);
		const sha1 = await call(emulator, 'AuthService.LoginBySign', {
			acctID: ACCOUNT.acctId,
			username: ACCOUNT.username,
			appId: ACCOUNT.appId,
			timestamp: '1700000000',
			sign: '214cce08d2fab9540dd2f3f0b725a9f3e091d73c',
			lcid: 2052,
		});
		expect(sha1.json.LoginResultType).toBe(1);
		const wrong = await call(emulator, 'AuthService.LoginBySign', {
			parameters: [
				ACCOUNT.acctId,
				ACCOUNT.username,
				ACCOUNT.appId,
				'1700000001',
				'91020350abf9d30f0d7316b6db1c5a14eba2bde38b42cc8e8ca8b10aa0ef783d',
				'2052',
			],
		});
		expect(wrong.json.LoginResultType).not.toBe(1);
		expect(wrong.cookies).toEqual([]);
	});

	it('can be restricted to SHA-256 sign logins', async () => {
		const strict = await start({ loginSignAlgorithms: ['sha256'] });
		const timestamp = String(Math.floor(Date.now() / 1000));
		const input = {
			acctId: ACCOUNT.acctId,
			username: ACCOUNT.username,
			appId: ACCOUNT.appId,
			appSecret: ACCOUNT.appSecret,
			timestamp,
		};
		const body = (sign: string) => ({
			parameters: [ACCOUNT.acctId, ACCOUNT.username, ACCOUNT.appId, timestamp, sign, 2052],
		});
		expect(
			(await call(strict, 'AuthService.LoginBySign', body(signKingdeeLogin(input, 'sha1')))).json.LoginResultType,
		).not.toBe(1);
		expect(
			(await call(strict, 'AuthService.LoginBySign', body(signKingdeeLogin(input, 'sha256')))).json.LoginResultType,
		).toBe(1);
	});

	it('Logout ends the session', async () => {
		const { cookie } = await login(emulator);
		expect((await call(emulator, 'AuthService.Logout', {}, { Cookie: cookie })).json).toBe(true);
		const after = await call(emulator, 'DynamicFormService.ExecuteBillQuery', query({ FieldKeys: 'FNumber' }), {
			Cookie: cookie,
		});
		expect(after.json).toEqual([[SESSION_LOST]]);
	});
});

describe('signed headers', () => {
	let emulator: KingdeeEmulator;
	const path = `/k3cloud/${PREFIX}DynamicFormService.ExecuteBillQuery.common.kdsvc`;
	const signed = (overrides: Partial<Parameters<typeof buildKingdeeSignedHeaders>[0]> = {}) =>
		buildKingdeeSignedHeaders({
			acctId: ACCOUNT.acctId,
			username: ACCOUNT.username,
			appId: ACCOUNT.appId,
			appSecret: ACCOUNT.appSecret,
			lcid: 2052,
			orgNumber: 0,
			path,
			timestamp: String(Math.floor(Date.now() / 1000)),
			...overrides,
		});
	beforeAll(async () => {
		emulator = await start();
		emulator.seedRecords('BD_Customer', 3);
	});

	it('authenticates a stateless request and issues session cookies', async () => {
		const answer = await call(
			emulator,
			'DynamicFormService.ExecuteBillQuery',
			query({ FieldKeys: 'FNumber' }),
			signed(),
		);
		expect(answer.json).toHaveLength(3);
		expect(answer.cookies.map((c) => c.split('=')[0]).sort()).toEqual(['ASP.NET_SessionId', 'kdservice-sessionid']);
	});

	it('answers the session-lost body for a wrong secret, user or X-Api-Signature', async () => {
		const body = query({ FieldKeys: 'FNumber' });
		const wrongSecret = await call(
			emulator,
			'DynamicFormService.ExecuteBillQuery',
			body,
			signed({ appSecret: '0'.repeat(32) }),
		);
		expect(wrongSecret.status).toBe(200);
		expect(wrongSecret.json).toEqual([[SESSION_LOST]]);
		const wrongUser = await call(
			emulator,
			'DynamicFormService.View',
			{ formid: 'BD_Customer', data: { Number: 'x' } },
			signed({ username: 'nobody' }),
		);
		expect(wrongUser.json).toEqual(SESSION_LOST);
		const wrongPath = await call(
			emulator,
			'DynamicFormService.ExecuteBillQuery',
			body,
			signed({ path: '/k3cloud/other' }),
		);
		expect(wrongPath.json).toEqual([[SESSION_LOST]]);
	});

	it('answers a non-200 "Fail to verify thirty passport" for a wrong acctId', async () => {
		const answer = await call(
			emulator,
			'DynamicFormService.ExecuteBillQuery',
			query({ FieldKeys: 'FNumber' }),
			signed({ acctId: '1111111111' }),
		);
		expect(answer.status).not.toBe(200);
		expect(answer.text).toBe('Fail to verify thirty passport');
	});

	it('does not re-check the signature while a valid session cookie is presented', async () => {
		const first = await call(
			emulator,
			'DynamicFormService.ExecuteBillQuery',
			query({ FieldKeys: 'FNumber' }),
			signed(),
		);
		const cookie = cookieHeader(first.cookies);
		emulator.resetStats();
		const again = await call(emulator, 'DynamicFormService.ExecuteBillQuery', query({ FieldKeys: 'FNumber' }), {
			...signed({ appSecret: '0'.repeat(32) }),
			Cookie: cookie,
		});
		expect(again.json).toHaveLength(3);
		expect(again.cookies).toEqual([]);
		expect(emulator.stats().logins).toBe(0);
	});
});

describe('sessions', () => {
	let clock = Date.parse('2024-05-01T00:00:00Z');
	let emulator: KingdeeEmulator;
	beforeAll(async () => {
		emulator = await start({ sessionIdleMinutes: 20, now: () => clock });
		emulator.seedRecords('BD_Customer', 2);
	});
	afterEach(() => emulator.setFaults({}));
	const bill = query({ FieldKeys: 'FCUSTID,FNumber', OrderString: 'FCUSTID ASC' });

	it('accepts the session by cookie, by kdservice-sessionid header and by SID header', async () => {
		const { cookie, sessionId } = await login(emulator);
		const carriers: Array<Record<string, string>> = [
			{ Cookie: cookie },
			{ 'kdservice-sessionid': sessionId },
			{ SID: sessionId },
		];
		for (const headers of carriers) {
			const answer = await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, headers);
			expect(answer.json).toEqual([
				[100001, 'CUST100001'],
				[100002, 'CUST100002'],
			]);
		}
	});

	it('answers exactly the MsgCode-1 body without a session, plain for View and [[…]] for queries', async () => {
		const viewAnswer = await call(emulator, 'DynamicFormService.View', {
			formid: 'BD_Customer',
			data: { Number: 'CUST100001' },
		});
		expect(viewAnswer.status).toBe(200);
		expect(viewAnswer.json).toEqual(SESSION_LOST);
		expect((await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill)).json).toEqual([[SESSION_LOST]]);
		expect((await call(emulator, 'DynamicFormService.BillQuery', bill)).json).toEqual([[SESSION_LOST]]);
	});

	it('expires a session after the idle time and renews it on every call', async () => {
		const { cookie } = await login(emulator);
		clock += 19 * 60_000;
		expect((await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie })).json).toHaveLength(
			2,
		);
		clock += 19 * 60_000;
		expect((await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie })).json).toHaveLength(
			2,
		);
		clock += 21 * 60_000;
		expect((await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie })).json).toEqual([
			[SESSION_LOST],
		]);
	});

	it('dropSessionAfterCalls kills each session after N authenticated calls', async () => {
		emulator.setFaults({ dropSessionAfterCalls: 2 });
		emulator.resetStats();
		const { cookie } = await login(emulator);
		const view = { formid: 'BD_Customer', data: { Number: 'CUST100001' } };
		expect(
			(await call(emulator, 'DynamicFormService.View', view, { Cookie: cookie })).json.Result.ResponseStatus.IsSuccess,
		).toBe(true);
		expect((await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie })).json).toHaveLength(
			2,
		);
		expect((await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie })).json).toEqual([
			[SESSION_LOST],
		]);
		expect((await call(emulator, 'DynamicFormService.View', view, { Cookie: cookie })).json).toEqual(SESSION_LOST);
		expect(emulator.stats()).toMatchObject({ logins: 1, sessionsLost: 2 });
	});

	it('dropAllSessions ends every session', async () => {
		const { cookie } = await login(emulator);
		emulator.dropAllSessions();
		expect((await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie })).json).toEqual([
			[SESSION_LOST],
		]);
	});
});

describe('Save and BatchSave', () => {
	let emulator: KingdeeEmulator;
	let cookie: string;
	beforeEach(async () => {
		emulator = await start();
		({ cookie } = await login(emulator));
	});
	afterEach(() => emulator.close());
	const batchSave = (model: unknown[], extra?: Record<string, unknown>) =>
		call(emulator, 'DynamicFormService.BatchSave', batchSaveBody(model, extra), { Cookie: cookie });

	it('reports mixed success and failure per package with DIndex and commits only the valid ones', async () => {
		emulator.seedRecords('BD_Customer', 1, () => ({ FNumber: 'TAKEN' }));
		const answer = await batchSave([
			customer('S1'),
			{ FCUSTID: 0, FCreateOrgId: { FNumber: '100' }, FNumber: 'S2' },
			customer('S3', '店铺3', { FNUMBER: 101 }),
			customer('TAKEN'),
			customer('S5', '店铺5', '100'),
			customer('S6', '店铺6', { FNumber: '999' }),
		]);
		const status = answer.json.Result.ResponseStatus;
		expect(status).toMatchObject({ IsSuccess: false, ErrorCode: 500, MsgCode: 11 });
		expect(status.SuccessEntitys).toEqual([
			{ Id: 100002, Number: 'S1', DIndex: 0 },
			{ Id: 100003, Number: 'S3', DIndex: 2 },
		]);
		expect(status.Errors.map((e: { FieldName: string; DIndex: number }) => [e.FieldName, e.DIndex])).toEqual([
			['FName', 1],
			['FNumber', 3],
			// One package may carry several errors, all with its DIndex.
			['FCreateOrgId', 4],
			['FUseOrgId', 4],
			['FCreateOrgId', 5],
			['FUseOrgId', 5],
		]);
		expect(emulator.records('BD_Customer').map((r) => [r.FNumber, r.FCreateOrgId, r.FDocumentStatus])).toEqual([
			['TAKEN', '100', 'C'],
			['S1', '100', 'A'],
			['S3', '101', 'A'],
		]);
	});

	it('answers a successful batch without ErrorCode and with numeric ids', async () => {
		const answer = await batchSave([customer('A1'), customer('A2')], { IsAutoSubmitAndAudit: 'true' });
		expect(answer.json.Result.ResponseStatus).toEqual({
			IsSuccess: true,
			Errors: [],
			SuccessEntitys: [
				{ Id: 100001, Number: 'A1', DIndex: 0 },
				{ Id: 100002, Number: 'A2', DIndex: 1 },
			],
			SuccessMessages: [],
			MsgCode: 0,
		});
		expect(emulator.records('BD_Customer').map((r) => r.FDocumentStatus)).toEqual(['C', 'C']);
	});

	it('rejects a duplicate number with the exact product text, also inside one batch', async () => {
		await batchSave([customer('C001')]);
		const answer = await batchSave([customer('C002'), customer('C001'), customer('C002')]);
		const errors = answer.json.Result.ResponseStatus.Errors;
		expect(errors).toEqual([
			{ FieldName: 'FNumber', Message: '违反字段唯一性要求：编码唯一。[C001]在当前系统中已经被使用。', DIndex: 1 },
			{ FieldName: 'FNumber', Message: '违反字段唯一性要求：编码唯一。[C002]在当前系统中已经被使用。', DIndex: 2 },
		]);
		expect(answer.json.Result.ResponseStatus.MsgCode).toBe(11);
		expect(emulator.records('BD_Customer')).toHaveLength(2);
	});

	it('numbers DIndex per server batch when BatchCount splits the packages', async () => {
		emulator.setFaults({ failNumbers: ['B4'] });
		const answer = await batchSave(
			['B1', 'B2', 'B3', 'B4', 'B5'].map((n) => customer(n)),
			{ BatchCount: 2 },
		);
		const status = answer.json.Result.ResponseStatus;
		// 5 packages in 2 batches: [B1 B2 B3] [B4 B5].
		expect(status.SuccessEntitys.map((e: { Number: string; DIndex: number }) => [e.Number, e.DIndex])).toEqual([
			['B1', 0],
			['B2', 1],
			['B3', 2],
			['B5', 1],
		]);
		expect(status.Errors).toEqual([expect.objectContaining({ FieldName: 'FName', DIndex: 0 })]);
		// BatchCount not smaller than the package count is ineffective: global DIndex.
		const global = await batchSave([customer('G1'), customer('G2')], { BatchCount: 5 });
		expect(global.json.Result.ResponseStatus.SuccessEntitys.map((e: { DIndex: number }) => e.DIndex)).toEqual([0, 1]);
	});

	it('refuses to update an audited record until UnAudit, then honours NeedUpDateFields', async () => {
		const created = await call(
			emulator,
			'DynamicFormService.Save',
			{
				formid: 'BD_Customer',
				data: { IsAutoSubmitAndAudit: true, Model: { ...customer('U1', '旧名'), FShortName: '旧简称' } },
			},
			{ Cookie: cookie },
		);
		expect(created.json.Result).toMatchObject({ Id: 100001, Number: 'U1', ResponseStatus: { IsSuccess: true } });
		const update = { FCUSTID: 100001, FName: '新名', FShortName: '新简称' };

		const refused = await batchSave([update], { NeedUpDateFields: ['FName'] });
		expect(refused.json.Result.ResponseStatus).toMatchObject({ IsSuccess: false, MsgCode: 12 });
		expect(emulator.records('BD_Customer')[0].FName).toBe('旧名');

		const unAudit = await call(
			emulator,
			'DynamicFormService.UnAudit',
			{ parameters: ['BD_Customer', { Ids: '100001' }] },
			{ Cookie: cookie },
		);
		expect(unAudit.json.Result.ResponseStatus.SuccessEntitys).toEqual([{ Id: 100001, Number: 'U1', DIndex: 0 }]);
		const saved = await batchSave([update], { NeedUpDateFields: ['FName'], IsAutoSubmitAndAudit: false });
		expect(saved.json.Result.ResponseStatus.SuccessEntitys).toEqual([{ Id: 100001, Number: 'U1', DIndex: 0 }]);
		expect(emulator.records('BD_Customer')[0]).toMatchObject({
			FName: '新名',
			FShortName: '旧简称',
			FDocumentStatus: 'D',
		});
	});

	it('fails a package whose primary key points to no record', async () => {
		const answer = await batchSave([{ ...customer('X1'), FCUSTID: 424242 }]);
		expect(answer.json.Result.ResponseStatus).toMatchObject({
			IsSuccess: false,
			Errors: [expect.objectContaining({ FieldName: 'FCUSTID', DIndex: 0 })],
		});
		expect(emulator.records('BD_Customer')).toHaveLength(0);
	});

	it('Save answers a failure with empty Id and Number', async () => {
		const answer = await call(
			emulator,
			'DynamicFormService.Save',
			{ parameters: ['BD_Customer', { Model: { FNumber: 'N1' } }] },
			{ Cookie: cookie },
		);
		expect(answer.json.Result).toMatchObject({
			Id: '',
			Number: '',
			ResponseStatus: { ErrorCode: 500, IsSuccess: false, MsgCode: 11 },
		});
	});
});

describe('status operations, View, Allocate, Forbid', () => {
	let emulator: KingdeeEmulator;
	let cookie: string;
	beforeAll(async () => {
		emulator = await start();
		({ cookie } = await login(emulator));
		await call(
			emulator,
			'DynamicFormService.BatchSave',
			batchSaveBody([customer('K1'), customer('K2'), customer('K3')]),
			{ Cookie: cookie },
		);
	});
	const op = (service: string, data: unknown) =>
		call(
			emulator,
			`DynamicFormService.${service}`,
			{ parameters: ['BD_Customer', JSON.stringify(data)] },
			{ Cookie: cookie },
		);
	const statuses = () => emulator.records('BD_Customer').map((r) => r.FDocumentStatus);

	it('submits and audits by Numbers in order, skipping unknown numbers, failing when none exist', async () => {
		const audited = await op('Audit', { Numbers: ['K1'] });
		expect(audited.json.Result.ResponseStatus).toMatchObject({
			IsSuccess: false,
			Errors: [expect.objectContaining({ DIndex: 0 })],
		});
		const submitted = await op('Submit', { Numbers: ['K2', 'NOPE', 'K1'] });
		expect(submitted.json.Result.ResponseStatus.SuccessEntitys).toEqual([
			{ Id: 100002, Number: 'K2', DIndex: 0 },
			{ Id: 100001, Number: 'K1', DIndex: 2 },
		]);
		expect((await op('Audit', { Ids: '100001,100002' })).json.Result.ResponseStatus.IsSuccess).toBe(true);
		expect(statuses()).toEqual(['C', 'C', 'A']);
		const none = await op('Submit', { Numbers: ['NOPE'] });
		expect(none.json.Result.ResponseStatus).toMatchObject({ IsSuccess: false, MsgCode: 10 });
	});

	it('deletes only records that are not audited', async () => {
		const answer = await op('Delete', { Numbers: ['K1', 'K3'] });
		expect(answer.json.Result.ResponseStatus.SuccessEntitys).toEqual([{ Id: 100003, Number: 'K3', DIndex: 1 }]);
		expect(answer.json.Result.ResponseStatus.Errors).toEqual([expect.objectContaining({ DIndex: 0 })]);
		expect(emulator.records('BD_Customer').map((r) => r.FNumber)).toEqual(['K1', 'K2']);
	});

	it('View returns the ORM-shaped object by number or id, MsgCode 10 when missing', async () => {
		const byNumber = await op('View', { Number: 'K1' });
		expect(byNumber.json.Result.ResponseStatus.IsSuccess).toBe(true);
		expect(byNumber.json.Result.Result).toMatchObject({
			Id: 100001,
			Number: 'K1',
			DocumentStatus: 'C',
			ForbidStatus: 'A',
			Name: [{ Key: 2052, Value: '店铺K1' }],
			CreateOrgId: { Id: 1, Number: '100' },
			UseOrgId: { Id: 1, Number: '100' },
		});
		expect((await op('View', { Id: 100002 })).json.Result.Result.Number).toBe('K2');
		expect((await op('View', { Number: 'GONE' })).json.Result.ResponseStatus).toMatchObject({
			IsSuccess: false,
			MsgCode: 10,
		});
	});

	it('Allocate records the target orgs and rejects unknown orgs', async () => {
		const ok = await op('Allocate', { PkIds: '100001,100002', TOrgIds: '100002,100003', IsAutoSubmitAndAudit: 'true' });
		expect(ok.json.Result.ResponseStatus.IsSuccess).toBe(true);
		expect(emulator.records('BD_Customer')[0].allocatedOrgs).toEqual(['101', '102']);
		const bad = await op('Allocate', { PkIds: '100001', TOrgIds: '777' });
		expect(bad.json.Result.ResponseStatus.IsSuccess).toBe(false);
	});

	it('ExcuteOperation Forbid / Enable switch FForbidStatus', async () => {
		const forbid = await call(
			emulator,
			'DynamicFormService.ExcuteOperation',
			{ parameters: ['BD_Customer', 'Forbid', '{"Numbers":["K2"]}'] },
			{ Cookie: cookie },
		);
		expect(forbid.json.Result.ResponseStatus.IsSuccess).toBe(true);
		expect(emulator.records('BD_Customer')[1].FForbidStatus).toBe('B');
		await call(
			emulator,
			'DynamicFormService.excuteoperation',
			{ formid: 'BD_Customer', opNumber: 'Enable', data: { Ids: '100002' } },
			{ Cookie: cookie },
		);
		expect(emulator.records('BD_Customer')[1].FForbidStatus).toBe('A');
	});

	it('applies the same rules to BD_Supplier (FSUPPLIERID) and BD_MATERIAL (FMATERIALID)', async () => {
		const supplier = { FSUPPLIERID: 0, FCreateOrgId: { FNumber: '100' }, FNumber: 'V1', FName: '供应商1' };
		const saved = await call(
			emulator,
			'DynamicFormService.BatchSave',
			{ parameters: ['BD_Supplier', JSON.stringify({ Model: [supplier, supplier] })] },
			{ Cookie: cookie },
		);
		expect(saved.json.Result.ResponseStatus.SuccessEntitys).toEqual([{ Id: 100001, Number: 'V1', DIndex: 0 }]);
		expect(saved.json.Result.ResponseStatus.Errors).toEqual([
			expect.objectContaining({ FieldName: 'FNumber', DIndex: 1 }),
		]);
		const rows = await call(
			emulator,
			'DynamicFormService.ExecuteBillQuery',
			{ parameters: [{ FormId: 'BD_Supplier', FieldKeys: 'FSUPPLIERID,FNumber,FUseOrgId.FNumber' }] },
			{ Cookie: cookie },
		);
		expect(rows.json).toEqual([[100001, 'V1', '100']]);
		await call(
			emulator,
			'DynamicFormService.Save',
			{
				formid: 'BD_MATERIAL',
				data: { Model: { FMATERIALID: 0, FCreateOrgId: { FNumber: '100' }, FNumber: 'M1', FName: '物料1' } },
			},
			{ Cookie: cookie },
		);
		const material = await call(
			emulator,
			'DynamicFormService.View',
			{ formid: 'BD_MATERIAL', data: { Number: 'M1' } },
			{ Cookie: cookie },
		);
		expect(material.json.Result.Result).toMatchObject({ Id: 100001, Number: 'M1' });
		expect(emulator.records('BD_MATERIAL')[0]).toMatchObject({ FMATERIALID: 100001, FNumber: 'M1' });
	});

	it('reports an unknown form with MsgCode 4', async () => {
		const answer = await call(
			emulator,
			'DynamicFormService.View',
			{ parameters: ['NO_SUCH_FORM', '{"Number":"x"}'] },
			{ Cookie: cookie },
		);
		expect(answer.json.Result.ResponseStatus).toMatchObject({
			MsgCode: 4,
			Errors: [expect.objectContaining({ Message: '标识为“NO_SUCH_FORM”的业务对象不存在，或者被删除' })],
		});
	});
});

describe('ExecuteBillQuery and BillQuery', () => {
	let emulator: KingdeeEmulator;
	let cookie: string;
	const run = async (data: Record<string, unknown>, service = 'ExecuteBillQuery') =>
		(await call(emulator, `DynamicFormService.${service}`, query(data), { Cookie: cookie })).json;
	beforeAll(async () => {
		emulator = await start();
		emulator.seedRecords('BD_Customer', 4500, (i) => ({
			FNumber: `C${String(i).padStart(4, '0')}`,
			FName: i === 7 ? "O'Brien's shop" : `店铺${i}`,
			FUseOrgId: i % 2 === 0 ? '100' : '101',
			FDocumentStatus: i < 10 ? 'A' : 'C',
		}));
		({ cookie } = await login(emulator));
	});

	it('pages over 4,500 rows with StartRow/Limit and caps Limit at 2000', async () => {
		const sizes: number[] = [];
		const numbers: string[] = [];
		for (let start = 0; ; start += 2000) {
			const page = await run({ FieldKeys: 'FNumber', OrderString: 'FCUSTID ASC', StartRow: start, Limit: 2000 });
			sizes.push(page.length);
			numbers.push(...page.map((row: string[]) => row[0]));
			if (page.length < 2000) break;
		}
		expect(sizes).toEqual([2000, 2000, 500]);
		expect(new Set(numbers).size).toBe(4500);
		expect(await run({ FieldKeys: 'FNumber', Limit: 5000 })).toHaveLength(2000);
		expect(await run({ FieldKeys: 'FNumber', TopRowCount: 3 })).toHaveLength(3);
	});

	it('returns FieldKeys in order, including the org sub-field', async () => {
		expect(
			await run({
				FieldKeys: 'FCUSTID,FNumber,FName,FCreateOrgId.FNumber,FUseOrgId.FNumber,FDocumentStatus',
				FilterString: "FNumber='C0001'",
			}),
		).toEqual([[100002, 'C0001', '店铺1', '100', '101', 'A']]);
	});

	it('filters with IN, quoted values, LIKE, AND/OR and parentheses', async () => {
		expect(
			await run({
				FieldKeys: 'FNumber',
				FilterString: "FNumber IN ('C0003','C4499', 'NONE')",
				OrderString: 'FNumber DESC',
			}),
		).toEqual([['C4499'], ['C0003']]);
		expect(await run({ FieldKeys: 'FNumber,FName', FilterString: "FName = 'O''Brien''s shop'" })).toEqual([
			['C0007', "O'Brien's shop"],
		]);
		expect(
			await run({
				FieldKeys: 'FNumber',
				FilterString:
					"FNumber LIKE 'C000%' AND FDocumentStatus <> 'C' AND (FUseOrgId.FNumber = '101' OR FNumber = 'C0002')",
			}),
		).toEqual([['C0001'], ['C0002'], ['C0003'], ['C0005'], ['C0007'], ['C0009']]);
	});

	it('BillQuery keys each row by the FieldKeys strings', async () => {
		expect(
			await run({ FieldKeys: 'FCUSTID, FNumber,FCreateOrgId.FNumber', FilterString: "FNumber='C0000'" }, 'BillQuery'),
		).toEqual([{ FCUSTID: 100001, FNumber: 'C0000', 'FCreateOrgId.FNumber': '100' }]);
	});

	it('wraps errors as [[…]]: unknown field 9, empty FieldKeys 8, bad filter 4, unknown form 4', async () => {
		const status = (answer: any) => answer[0][0].Result.ResponseStatus;
		const unknownField = await run({ FieldKeys: 'FNumber,FNoSuchField' });
		expect(status(unknownField)).toMatchObject({
			IsSuccess: false,
			ErrorCode: 500,
			MsgCode: 9,
			Errors: [{ Message: '元数据中标识为FNoSuchField的字段不存在' }],
		});
		expect(status(await run({ FieldKeys: '' }))).toMatchObject({
			MsgCode: 8,
			Errors: [{ Message: 'data 数据包中的参数 FieldKeys 的值不能为空' }],
		});
		expect(status(await run({ FieldKeys: 'FNumber', FilterString: "FNumber = 'unterminated" }))).toMatchObject({
			MsgCode: 4,
		});
		expect(status(await run({ FieldKeys: 'FNumber', FilterString: 'FNumber IN (' }))).toMatchObject({ MsgCode: 4 });
		expect(status(await run({ FormId: 'NO_SUCH_FORM', FieldKeys: 'FNumber' }))).toMatchObject({ MsgCode: 4 });
	});
});

describe('body shapes', () => {
	let emulator: KingdeeEmulator;
	beforeAll(async () => {
		emulator = await start();
	});

	it('accepts named (A), positional (B) and legacy-envelope (C) bodies for login, save and query', async () => {
		const shapeB = await call(emulator, 'AuthService.ValidateUser', {
			parameters: [ACCOUNT.acctId, ACCOUNT.username, ACCOUNT.password, 2052],
		});
		const shapeC = await call(emulator, 'AuthService.ValidateUser', {
			format: 1,
			useragent: 'ApiClient',
			rid: '1',
			parameters: JSON.stringify([ACCOUNT.acctId, ACCOUNT.username, ACCOUNT.password, 2052]),
			timestamp: '2024-05-01',
			v: '1.0',
		});
		expect([shapeB.json.LoginResultType, shapeC.json.LoginResultType]).toEqual([1, 1]);
		const headers = { Cookie: cookieHeader(shapeB.cookies) };

		await call(
			emulator,
			'DynamicFormService.BatchSave',
			{ FormId: 'BD_Customer', Data: { Model: [customer('A1')] } },
			headers,
		);
		await call(
			emulator,
			'DynamicFormService.batchsave',
			{ formid: 'BD_Customer', data: JSON.stringify({ Model: [customer('A2')] }) },
			headers,
		);
		await call(
			emulator,
			'DynamicFormService.BatchSave',
			{ parameters: ['BD_Customer', { Model: [customer('B1')] }] },
			headers,
		);
		await call(
			emulator,
			'DynamicFormService.BatchSave',
			{ parameters: ['BD_Customer', JSON.stringify({ Model: [customer('B2')] })] },
			headers,
		);
		await call(
			emulator,
			'DynamicFormService.BatchSave',
			{
				format: 1,
				useragent: 'ApiClient',
				rid: '7',
				parameters: JSON.stringify(['BD_Customer', JSON.stringify({ Model: [customer('C1')] })]),
				v: '1.0',
			},
			headers,
		);
		expect(emulator.records('BD_Customer').map((r) => r.FNumber)).toEqual(['A1', 'A2', 'B1', 'B2', 'C1']);

		const named = await call(
			emulator,
			'DynamicFormService.ExecuteBillQuery',
			{ data: { FormId: 'BD_Customer', FieldKeys: 'FNumber', FilterString: "FNumber='C1'" } },
			headers,
		);
		expect(named.json).toEqual([['C1']]);
	});

	it('survives garbage and unknown services', async () => {
		const garbage = await call(emulator, 'DynamicFormService.Save', '{not json');
		expect(garbage.text.startsWith('response_error:')).toBe(true);
		const array = await call(emulator, 'DynamicFormService.BillQuery', '["{}"]');
		expect(array.text.startsWith('response_error:')).toBe(true);
		const unknown = await call(emulator, 'DynamicFormService.NoSuchMethod', {});
		expect(unknown.status).not.toBe(200);
		const ok = await call(emulator, 'AuthService.ValidateUser', {
			parameters: [ACCOUNT.acctId, ACCOUNT.username, ACCOUNT.password, 2052],
		});
		expect(ok.json.LoginResultType).toBe(1);
	});
});

describe('faults, serialisation, admin', () => {
	let emulator: KingdeeEmulator;
	beforeEach(async () => {
		emulator = await start();
	});
	afterEach(() => emulator.close());
	const bill = query({ FieldKeys: 'FNumber' });

	it('serialises requests of one session while different sessions overlap', async () => {
		emulator.setFaults({ latencyMs: 80 });
		const a = await login(emulator);
		const b = await login(emulator);
		emulator.resetStats();
		await Promise.all(
			[1, 2, 3].map(() => call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: a.cookie })),
		);
		expect(emulator.stats()).toMatchObject({ maxConcurrencyPerSession: 1, maxConcurrencyOverall: 1 });
		emulator.resetStats();
		await Promise.all(
			[a, b].map((s) => call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: s.cookie })),
		);
		expect(emulator.stats()).toMatchObject({ maxConcurrencyPerSession: 1, maxConcurrencyOverall: 2 });
		expect(emulator.stats().byService).toEqual({ ExecuteBillQuery: 2 });
	});

	it('commitThenTimeout commits the write and never answers; the session keeps working', async () => {
		const { cookie } = await login(emulator);
		emulator.setFaults({ commitThenTimeoutNextCalls: 1 });
		const hung = call(
			emulator,
			'DynamicFormService.BatchSave',
			batchSaveBody([customer('T1')]),
			{ Cookie: cookie },
			AbortSignal.timeout(300),
		);
		await expect(hung).rejects.toThrow();
		expect(emulator.records('BD_Customer').map((r) => r.FNumber)).toEqual(['T1']);
		const after = await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie });
		expect(after.json).toEqual([['T1']]);
	});

	it('close() ends a hanging request', async () => {
		const { cookie } = await login(emulator);
		emulator.setFaults({ commitThenTimeoutNextCalls: 1 });
		const hung = call(emulator, 'DynamicFormService.BatchSave', batchSaveBody([customer('T2')]), { Cookie: cookie });
		while (emulator.records('BD_Customer').length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		await emulator.close();
		await expect(hung).rejects.toThrow();
	});

	it('injects HTTP 500 pages, response_error text and MsgCode 14', async () => {
		const { cookie } = await login(emulator);
		emulator.setFaults({ http500NextCalls: 1, responseErrorNextCalls: 1, msgCode14NextCalls: 1 });
		const first = await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie });
		expect(first.status).toBe(500);
		expect(first.text).toMatch(/<html/i);
		const second = await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie });
		expect(second.text.startsWith('response_error:')).toBe(true);
		expect(JSON.parse(second.text.slice(second.text.indexOf('{'))).Message).toEqual(expect.any(String));
		const third = await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie });
		expect(third.json[0][0].Result.ResponseStatus.MsgCode).toBe(14);
		expect((await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie })).json).toEqual([]);
	});

	it('is controllable over the admin endpoints', async () => {
		const admin = (path: string, body?: unknown) =>
			fetch(
				`http://127.0.0.1:${emulator.port}/__admin/${path}`,
				body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
			).then((r) => r.json() as Promise<any>);
		const { cookie } = await login(emulator);
		await admin('faults', { failNumbers: ['BAD'] });
		const answer = await call(
			emulator,
			'DynamicFormService.BatchSave',
			batchSaveBody([customer('BAD'), customer('GOOD')]),
			{ Cookie: cookie },
		);
		expect(answer.json.Result.ResponseStatus.Errors).toEqual([
			expect.objectContaining({ FieldName: 'FName', DIndex: 0 }),
		]);
		expect((await admin('records?formId=BD_Customer')).map((r: { FNumber: string }) => r.FNumber)).toEqual(['GOOD']);
		expect(await admin('stats')).toMatchObject({ calls: 2, byService: { ValidateUser: 1, BatchSave: 1 }, logins: 1 });
		await admin('stats/reset', {});
		expect((await admin('stats')).calls).toBe(0);
		await admin('reset', {});
		expect(await admin('records?formId=BD_Customer')).toEqual([]);
		expect((await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie })).json).toEqual([
			[SESSION_LOST],
		]);
	});
});

describe('ExecuteBillQuery IN lists', () => {
	it('a list of constants matches exactly what the equivalent OR chain matches (text, numbers, numeric text)', () => {
		const store = new KingdeeStore(['100']);
		const table = store.table('BD_Customer')!;
		const values: unknown[] = ['A', 'a', '5', '5.0', ' 5', 5, 7, '007', 'x y', 12.5, '12.50', null];
		values.forEach((value, index) => {
			const id = table.allocateId();
			table.put({
				FCUSTID: id,
				FNumber: `N${index}`,
				FName: 'n',
				FCreateOrgId: '100',
				FUseOrgId: '100',
				FDescription: value,
			});
		});
		const literals = ["'A'", '5', "'007'", "'12.5'", '7.0', "'x y'", "'zz'"];
		const query = (filter: string) =>
			billQuery(
				store,
				{ FormId: 'BD_Customer', FieldKeys: 'FNumber', FilterString: filter, OrderString: 'FCUSTID ASC' },
				false,
				{
					maxQueryLimit: 2000,
				},
			).rows;
		const viaIn = query(`FDescription IN (${literals.join(',')})`);
		const viaOr = query(literals.map((literal) => `FDescription = ${literal}`).join(' OR '));
		expect(viaIn).toEqual(viaOr);
		// '12.50' is text against the text '12.5' (no number in between), so it does not match; 'a' matches 'A'
		// (text compares case-insensitively, docs/kingdee-webapi.md#emulator-choices).
		expect(viaIn).toEqual([['N0'], ['N1'], ['N2'], ['N3'], ['N4'], ['N5'], ['N6'], ['N7'], ['N8'], ['N9']]);
		expect(query(`FDescription NOT IN (${literals.join(',')})`)).toEqual([['N10'], ['N11']]);
	});
});

describe('issue-8 faults: unreachable, login 502, session-id echo, transient failures', () => {
	let emulator: KingdeeEmulator;
	beforeEach(async () => {
		emulator = await start();
	});
	afterEach(() => emulator.close());
	const bill = query({ FieldKeys: 'FNumber' });
	const admin = (path: string, body: unknown) =>
		fetch(`http://127.0.0.1:${emulator.port}/__admin/${path}`, { method: 'POST', body: JSON.stringify(body) }).then(
			(r) => r.json() as Promise<any>,
		);

	it('setUnreachable(true) refuses connections on the same port; false listens there again with state kept', async () => {
		const { cookie } = await login(emulator);
		await emulator.setUnreachable(true);
		const refused = await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie }).then(
			() => undefined,
			(error: any) => error,
		);
		expect(refused.cause?.code).toBe('ECONNREFUSED');
		await emulator.setUnreachable(false);
		const after = await call(emulator, 'DynamicFormService.ExecuteBillQuery', bill, { Cookie: cookie });
		expect(after.status).toBe(200);
		expect(after.json).toEqual([]);
	});

	it('close() works while unreachable', async () => {
		await emulator.setUnreachable(true);
		await expect(emulator.close()).resolves.toBeUndefined();
	});

	it('issuedSessionIds lists the KDSVCSessionId and ASP.NET_SessionId of every login, also after logout', async () => {
		const first = await call(emulator, 'AuthService.ValidateUser', {
			acctID: emulator.acctId,
			username: ACCOUNT.username,
			password: ACCOUNT.password,
			lcid: 2052,
		});
		const second = await login(emulator);
		await call(emulator, 'AuthService.Logout', {}, { Cookie: second.cookie });
		const cookieValue = (name: string) =>
			first.cookies
				.map((c) => c.split(';')[0])
				.find((c) => c.startsWith(`${name}=`))!
				.split('=')[1];
		expect(emulator.issuedSessionIds()).toEqual([
			first.json.KDSVCSessionId,
			cookieValue('ASP.NET_SessionId'),
			second.sessionId,
			expect.stringMatching(/^[a-z0-5]{24}$/),
		]);
		expect(cookieValue('kdservice-sessionid')).toBe(first.json.KDSVCSessionId);
	});

	it('loginHttp502NextCalls answers the next N logins with an HTML 502 page and creates no session', async () => {
		await admin('faults', { loginHttp502NextCalls: 2 });
		const body = { acctID: emulator.acctId, username: ACCOUNT.username, password: ACCOUNT.password, lcid: 2052 };
		for (let i = 0; i < 2; i++) {
			const answer = await call(emulator, 'AuthService.ValidateUser', body);
			expect(answer.status).toBe(502);
			expect(answer.text).toMatch(/<html/i);
			expect(answer.cookies).toEqual([]);
		}
		expect(emulator.issuedSessionIds()).toEqual([]);
		expect(emulator.stats().logins).toBe(0);
		const third = await call(emulator, 'AuthService.ValidateUser', body);
		expect(third.json.LoginResultType).toBe(1);
	});

	it('echoSessionIdNextCalls fails the next form call with HTTP 500 HTML echoing the session id and Cookie, writing nothing', async () => {
		const { cookie, sessionId } = await login(emulator);
		await admin('faults', { echoSessionIdNextCalls: 1 });
		const answer = await call(emulator, 'DynamicFormService.BatchSave', batchSaveBody([customer('E1')]), {
			Cookie: cookie,
			'kdservice-sessionid': sessionId,
		});
		expect(answer.status).toBe(500);
		expect(answer.text).toMatch(/<html/i);
		expect(answer.text).toContain(sessionId);
		expect(answer.text).toContain(cookie);
		expect(emulator.records('BD_Customer')).toEqual([]);
		expect(emulator.stats().writeLog).toEqual([]);
		const next = await call(emulator, 'DynamicFormService.BatchSave', batchSaveBody([customer('E1')]), {
			Cookie: cookie,
		});
		expect(next.json.Result.ResponseStatus.IsSuccess).toBe(true);
	});

	it('transientFailureRate fails about that share of form calls with 503 or response_error, the same calls for the same seed, committing nothing', async () => {
		const outcomes = async (seed: number) => {
			const e = await start({ seed, faults: { transientFailureRate: 0.3 } });
			const { cookie } = await login(e);
			const seen: string[] = [];
			for (let i = 0; i < 100; i++) {
				const answer = await call(e, 'DynamicFormService.BatchSave', batchSaveBody([customer(`T${i}`)]), {
					Cookie: cookie,
				});
				if (answer.status === 503) seen.push('503');
				else if (answer.text.startsWith('response_error:')) seen.push('response_error');
				else {
					expect(answer.json.Result.ResponseStatus.IsSuccess).toBe(true);
					seen.push('ok');
				}
			}
			const saved = e.records('BD_Customer').map((r) => r.FNumber);
			expect(saved).toEqual(seen.flatMap((outcome, i) => (outcome === 'ok' ? [`T${i}`] : [])));
			expect(e.stats().writeLog.map((w) => w.numbers[0])).toEqual(saved);
			await e.close();
			return seen;
		};
		const first = await outcomes(7);
		const failures = first.filter((o) => o !== 'ok').length;
		expect(failures).toBeGreaterThanOrEqual(15);
		expect(failures).toBeLessThanOrEqual(45);
		expect(first).toContain('503');
		expect(first).toContain('response_error');
		expect(await outcomes(7)).toEqual(first);
		expect(await outcomes(8)).not.toEqual(first);
	});
});
