/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets */
/**
 * Every login mode, the credential test, and "no secret in any output or error" — the Kingdee node and
 * credential against the emulator over loopback HTTP.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { ICredentialDataDecryptedObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';
import { DEFAULT_KINGDEE_ACCOUNT, startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { errorText } from '../helpers/errorText';
import { executeNode, testCredential } from '../../testing/n8nHarness';
import { kingdeeCredentialData, type KingdeeAuthType } from '../../emulators/credentials';

const account = DEFAULT_KINGDEE_ACCOUNT;
type AuthType = KingdeeAuthType;

function credential(
	emulator: { serverUrl: string },
	authType: AuthType,
	overrides: Record<string, string | number> = {},
) {
	return kingdeeCredentialData({ serverUrl: emulator.serverUrl, acctId: account.acctId }, authType, overrides);
}

const queryParameters: INodeParameters = {
	operation: 'query',
	formId: { __rl: true, mode: 'list', value: 'BD_Customer' },
	fieldKeys: 'FCUSTID,FNumber,FName',
	returnAll: true,
};

describe('login modes', () => {
	let emulator: KingdeeEmulator;
	beforeAll(async () => {
		emulator = await startKingdeeEmulator({ port: 0 });
		emulator.seedRecords('BD_Customer', 3);
	});
	afterAll(async () => await emulator.close());

	it.each([
		['password', 'ValidateUser'],
		['appSecret', 'LoginByAppSecret'],
		['sign', 'LoginBySign'],
	] as const)('%s mode logs in once with %s, queries, and logs out', async (authType, service) => {
		emulator.resetStats();
		const { outputs, harness } = await executeNode(new Kingdee(), {
			parameters: queryParameters,
			credentials: { kingdeeApi: credential(emulator, authType) },
		});
		expect(outputs[0]).toHaveLength(3);
		expect(Object.keys(outputs[0][0].json)).toEqual(['FCUSTID', 'FNumber', 'FName']);
		const stats = emulator.stats();
		expect(stats.byService[service]).toBe(1);
		expect(stats.byService.Logout).toBe(1);
		// The node never held the secret: only the credential's authenticate put it on the wire.
		const login = harness.requests.find((request) => request.url.includes(`AuthService.${service}`));
		expect(login).toBeDefined();
		expect(login?.headers).not.toHaveProperty('x-n8n-kingdee-login');
	});

	it('sign mode with SHA-1 works against a server that only knows SHA-1, SHA-256 does not', async () => {
		const old = await startKingdeeEmulator({ port: 0, loginSignAlgorithms: ['sha1'] });
		try {
			old.seedRecords('BD_Customer', 2);
			const ok = await executeNode(new Kingdee(), {
				parameters: queryParameters,
				credentials: { kingdeeApi: credential(old, 'sign', { signAlgorithm: 'sha1' }) },
			});
			expect(ok.outputs[0]).toHaveLength(2);
			await expect(
				executeNode(new Kingdee(), {
					parameters: queryParameters,
					credentials: { kingdeeApi: credential(old, 'sign', { signAlgorithm: 'sha256' }) },
				}),
			).rejects.toThrow(/Kingdee login refused.*LoginResultType -1/);
		} finally {
			await old.close();
		}
	});

	it('signed-headers mode needs no login call and signs every request over the /k3cloud/ path', async () => {
		emulator.resetStats();
		const { outputs, harness } = await executeNode(new Kingdee(), {
			parameters: queryParameters,
			credentials: { kingdeeApi: credential(emulator, 'signedHeaders') },
		});
		expect(outputs[0]).toHaveLength(3);
		const services = Object.keys(emulator.stats().byService);
		expect(services).toEqual(['ExecuteBillQuery']);
		for (const request of harness.requests) expect(request.headers).toHaveProperty('X-Kd-Signature');
	});

	it('wrong password fails with LoginResultType in words', async () => {
		await expect(
			executeNode(new Kingdee(), {
				parameters: queryParameters,
				credentials: { kingdeeApi: credential(emulator, 'password', { password: 'Not-The-Password-9' }) },
			}),
		).rejects.toThrow(/Wrong username or password \(用户或密码错误\).*LoginResultType 0/);
	});

	it('signed headers with a wrong App Secret fail as a credential problem after one retry', async () => {
		emulator.resetStats();
		await expect(
			executeNode(new Kingdee(), {
				parameters: queryParameters,
				credentials: { kingdeeApi: credential(emulator, 'signedHeaders', { appSecret: '0'.repeat(32) }) },
			}),
		).rejects.toThrow(/rejected the signed request.*App Secret/);
		expect(emulator.stats().byService.ExecuteBillQuery).toBe(2);
	});
});

const runCredentialTest = async (data: ICredentialDataDecryptedObject) => await testCredential('kingdeeApi', data);

describe('credential test', () => {
	let emulator: KingdeeEmulator;
	beforeAll(async () => {
		emulator = await startKingdeeEmulator({
			port: 0,
			users: [
				{ username: account.username, password: account.password, appId: account.appId, appSecret: account.appSecret },
				{ username: 'locked', password: 'Locked-Pass-1', locked: true },
			],
		});
	});
	afterAll(async () => await emulator.close());

	it.each(['password', 'appSecret', 'sign', 'signedHeaders'] as const)(
		'%s mode with good values: OK',
		async (authType) => {
			expect(await runCredentialTest(credential(emulator, authType))).toEqual({
				status: 'OK',
				message: 'Connection successful!',
			});
		},
	);

	it('reports a wrong password, a locked user, a bad signature and a wrong account in words', async () => {
		expect((await runCredentialTest(credential(emulator, 'password', { password: 'nope-nope' }))).message).toMatch(
			/^Wrong username or password \(用户或密码错误/,
		);
		expect(
			(await runCredentialTest(credential(emulator, 'password', { username: 'locked', password: 'Locked-Pass-1' })))
				.message,
		).toMatch(/^Login failed \(登录失败, LoginResultType -1\): the user may be locked/);
		expect((await runCredentialTest(credential(emulator, 'sign', { appSecret: 'f'.repeat(32) }))).status).toBe('Error');
		expect(
			(await runCredentialTest(credential(emulator, 'signedHeaders', { appSecret: 'f'.repeat(32) }))).message,
		).toMatch(/rejected the signed headers \(MsgCode 1\)/);
		const wrongAccount = await runCredentialTest(credential(emulator, 'signedHeaders', { acctId: 'no-such-acct' }));
		expect(wrongAccount.status).toBe('Error');
	});
});

describe('no password or secret in any output or error', () => {
	let emulator: KingdeeEmulator;
	beforeEach(async () => {
		emulator = await startKingdeeEmulator({ port: 0 });
	});
	afterEach(async () => await emulator.close());

	const saveParameters = (extra: INodeParameters = {}): INodeParameters => ({
		operation: 'batchSave',
		formId: { __rl: true, mode: 'list', value: 'BD_Customer' },
		baseDataFields: 'FCreateOrgId',
		batchSize: 5,
		options: { maxTries: 1, timeoutSeconds: 1 },
		...extra,
	});
	const items: INodeExecutionData[] = Array.from({ length: 6 }, (_, i) => ({
		json: { FNumber: `S${i}`, FName: `Shop ${i}`, FCreateOrgId: '100' },
	}));

	type Scenario = {
		name: string;
		authType: AuthType;
		overrides?: Record<string, string | number>;
		prepare?: () => void | Promise<void>;
		serverUrl?: () => Promise<string>;
	};
	const scenarios: Scenario[] = [
		{ name: 'wrong password', authType: 'password', overrides: { password: 'Wrong-Secret-Pass-77' } },
		{ name: 'wrong app secret', authType: 'appSecret', overrides: { appSecret: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' } },
		{ name: 'wrong sign secret', authType: 'sign', overrides: { appSecret: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' } },
		{
			name: 'wrong signed-header secret',
			authType: 'signedHeaders',
			overrides: { appSecret: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' },
		},
		{ name: 'wrong account in signed headers', authType: 'signedHeaders', overrides: { acctId: 'wrong-acct' } },
		{
			name: 'validation failures',
			authType: 'password',
			prepare: () => emulator.setFaults({ failNumbers: ['S1', 'S4'] }),
		},
		{ name: 'HTTP 500 pages', authType: 'password', prepare: () => emulator.setFaults({ http500NextCalls: 5 }) },
		{
			name: 'response_error on login',
			authType: 'appSecret',
			prepare: () => emulator.setFaults({ responseErrorNextCalls: 3 }),
		},
		{ name: 'write timeout', authType: 'sign', prepare: () => emulator.setFaults({ commitThenTimeoutNextCalls: 3 }) },
		{
			name: 'server unreachable',
			authType: 'password',
			serverUrl: async () => {
				const server = http.createServer();
				await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
				const port = (server.address() as AddressInfo).port;
				await new Promise<void>((resolve) => server.close(() => resolve()));
				return `http://127.0.0.1:${port}/k3cloud/`;
			},
		},
	];

	it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
		await scenario.prepare?.();
		const data = credential(emulator, scenario.authType, scenario.overrides);
		if (scenario.serverUrl) data.serverUrl = await scenario.serverUrl();
		const secrets = [account.password, account.appSecret, data.password, data.appSecret].map(String);
		const texts: string[] = [];
		for (const onError of ['continueErrorOutput', undefined] as const) {
			try {
				const { outputs } = await executeNode(new Kingdee(), {
					parameters: saveParameters(),
					items,
					credentials: { kingdeeApi: data },
					onError,
				});
				texts.push(JSON.stringify(outputs));
			} catch (error) {
				texts.push(errorText(error));
			}
		}
		// Something went wrong in every scenario, and was reported.
		expect(texts.join('\n')).toMatch(/error|failed|refused|unknown|No answer/i);
		for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
	});
});
