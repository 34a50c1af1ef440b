/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets -- throw-away test accounts and deliberately wrong secrets */
/**
 * The credentials' "Test" button inside a real n8n 2.40.7 (from the per-machine cache) with the packed package
 * installed, against the two emulators. Each case goes the editor's way: the owner logs in, saves the credential
 * (`POST /rest/credentials`), opens it again (`GET /rest/credentials/:id?includeData=true`, secrets come back redacted)
 * and presses Test (`POST /rest/credentials/test` with what the editor holds; n8n puts the stored secrets back in).
 * What is asserted is the `{status, message}` the editor shows.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { jikeyunCredentialData } from '../../emulators/credentials';
import { DEFAULT_KINGDEE_ACCOUNT } from '../../emulators/kingdee/server';
import { ensureN8n } from '../../testing/n8nRuntime';
import {
	createN8nInstance,
	freePort,
	loginToN8n,
	ownerManagedByEnv,
	packPackage,
	recordSecrets,
	startN8nServer,
	stopAllN8nProcesses,
	type N8nRestSession,
	type N8nServer,
} from '../../testing/n8nInstance';
import { recordEmulatorSecrets, startEmulatorPair, type EmulatorPair } from '../../testing/sampleSync';

const log = (line: string) => process.stdout.write(`${line}\n`);

const OWNER = {
	email: 'credential-tests@example.com',
	password: 'Cred-Test-n8n-2024',
	firstName: 'Credential',
	lastName: 'Tests',
};
/** A 32-hex secret of the right shape that the emulator does not know. */
const WRONG_APP_SECRET = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const WRONG_JIKEYUN_SECRET = 'not-the-emulator-secret';
const WRONG_KINGDEE_PASSWORD = 'Not-The-Password-1';
const UNREACHABLE_SERVER_PASSWORD = 'Some-Pass-1';
/** The credential fields n8n must never hand back to the editor nor show in a test message. */
const SECRET_FIELDS = ['appSecret', 'password'];

interface TestResult {
	status: 'OK' | 'Error';
	message: string;
}

describe('credential tests in a real n8n', () => {
	let pair: EmulatorPair;
	let workDir: string;
	let server: N8nServer | undefined;
	let rest: N8nRestSession;
	let saved = 0;
	/** Any website: HTTP 200 with an HTML page for every path and method. */
	let htmlSite: http.Server;
	let htmlSiteUrl: string;

	beforeAll(async () => {
		const runtime = await ensureN8n({ log });
		workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-e2e-cred-'));
		pair = await startEmulatorPair({ jikeyun: { shopCount: 3 } });
		htmlSite = http.createServer((request, response) => {
			request.resume();
			response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			response.end('<!doctype html><html><head><title>Welcome</title></head><body><h1>It works</h1></body></html>');
		});
		await new Promise<void>((resolve) => htmlSite.listen(0, '127.0.0.1', resolve));
		htmlSiteUrl = `http://127.0.0.1:${(htmlSite.address() as { port: number }).port}`;
		log(`[e2e-cred] emulators: Jikeyun ${pair.jikeyun.url}, Kingdee ${pair.kingdee.serverUrl}`);
		const tarball = packPackage(workDir, log);
		const instance = createN8nInstance({ runtime, userFolder: path.join(workDir, 'n8n-user'), tarball, log });
		const port = await freePort();
		log(`[e2e-cred] n8n start on port ${port} …`);
		server = await startN8nServer(instance, port, { env: ownerManagedByEnv(runtime, OWNER) });
		rest = await loginToN8n(server.url, OWNER);
		log(`[e2e-cred] n8n is up at ${server.url}, logged in as ${OWNER.email}`);
	});

	afterAll(async () => {
		await server?.stop();
		await stopAllN8nProcesses();
		await new Promise((resolve) => htmlSite?.close(resolve));
		recordSecrets('credential-tests', [
			OWNER.password,
			WRONG_APP_SECRET,
			WRONG_JIKEYUN_SECRET,
			WRONG_KINGDEE_PASSWORD,
			UNREACHABLE_SERVER_PASSWORD,
		]);
		if (pair) recordEmulatorSecrets(pair);
		await pair?.close();
		if (workDir && !process.env.KEEP_E2E_DIR) fs.rmSync(workDir, { recursive: true, force: true });
		else if (workDir) log(`[e2e-cred] kept ${workDir}`);
	});

	/** Saves the credential, re-opens it (secrets redacted, as the editor holds them) and presses Test. */
	async function saveAndTest(type: string, data: Record<string, unknown>, label: string): Promise<TestResult> {
		const name = `${label} #${++saved}`;
		const created = await rest.request<{ id: string }>('POST', 'credentials', { name, type, data });
		const opened = await rest.request<{ id: string; name: string; type: string; data: Record<string, unknown> }>(
			'GET',
			`credentials/${created.id}?includeData=true`,
		);
		const secretFields = SECRET_FIELDS.filter((field) => typeof data[field] === 'string' && data[field] !== '');
		if (secretFields.length === 0)
			throw new Error(`${label}: the credential holds no secret, so the redaction checks could not run`);
		// The editor never receives a stored secret back, so the test below proves n8n restores it server-side.
		expect(secretFields.filter((field) => opened.data[field] === data[field])).toEqual([]);
		const result = await rest.request<TestResult>('POST', 'credentials/test', {
			credentials: { id: opened.id, name: opened.name, type: opened.type, data: opened.data },
		});
		log(`[e2e-cred] ${label}: ${result.status} — ${result.message}`);
		// Whatever the outcome, the words the editor shows never contain a secret.
		expect(secretFields.filter((field) => result.message.includes(data[field] as string))).toEqual([]);
		return result;
	}

	describe('Jikeyun API', () => {
		const jikeyun = (overrides: Record<string, string> = {}) => jikeyunCredentialData(pair.jikeyun, overrides);

		test('good App Key and App Secret: OK, after one signed erp.sales.get', async () => {
			const before = pair.jikeyun.stats().byMethod['erp.sales.get'] ?? 0;
			expect(await saveAndTest('jikeyunApi', jikeyun(), 'Jikeyun good')).toEqual({
				status: 'OK',
				message: 'Connection successful!',
			});
			expect(pair.jikeyun.stats().byMethod['erp.sales.get']).toBe(before + 1);
		});

		test('wrong App Secret: the signature error in words', async () => {
			const result = await saveAndTest(
				'jikeyunApi',
				jikeyun({ appSecret: WRONG_JIKEYUN_SECRET }),
				'Jikeyun wrong secret',
			);
			expect(result.status).toBe('Error');
			expect(result.message).toContain('签名错误');
		});

		test('a Gateway URL that answers any web page (HTML, HTTP 200): "does not look like a Jikeyun gateway"', async () => {
			const result = await saveAndTest(
				'jikeyunApi',
				jikeyun({ gatewayUrl: `${htmlSiteUrl}/open/openapi/do` }),
				'Jikeyun HTML site',
			);
			expect(result).toEqual({
				status: 'Error',
				message: expect.stringMatching(/^This URL does not look like a Jikeyun gateway/),
			});
		});

		test('unknown App Key: points at the subscription', async () => {
			const result = await saveAndTest('jikeyunApi', jikeyun({ appKey: '99999999' }), 'Jikeyun unknown key');
			expect(result.status).toBe('Error');
			expect(result.message).toContain('未订阅');
		});
	});

	describe('Kingdee Cloud Galaxy API', () => {
		const kingdee = (authType: string, overrides: Record<string, unknown> = {}) => ({
			serverUrl: pair.kingdee.serverUrl,
			acctId: pair.kingdee.acctId,
			authType,
			username: DEFAULT_KINGDEE_ACCOUNT.username,
			...(authType === 'password'
				? { password: DEFAULT_KINGDEE_ACCOUNT.password }
				: { appId: DEFAULT_KINGDEE_ACCOUNT.appId, appSecret: DEFAULT_KINGDEE_ACCOUNT.appSecret }),
			lcid: DEFAULT_KINGDEE_ACCOUNT.lcid,
			...overrides,
		});
		const OK: TestResult = { status: 'OK', message: 'Connection successful!' };

		test('username and password: good → OK', async () => {
			const before = pair.kingdee.stats().calls;
			expect(await saveAndTest('kingdeeApi', kingdee('password'), 'Kingdee password good')).toEqual(OK);
			expect(pair.kingdee.stats().calls).toBeGreaterThan(before);
		});

		test('username and password: wrong password → "Wrong username or password"', async () => {
			const result = await saveAndTest(
				'kingdeeApi',
				kingdee('password', { password: WRONG_KINGDEE_PASSWORD }),
				'Kingdee wrong password',
			);
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/^Wrong username or password \(用户或密码错误, LoginResultType 0\)/);
		});

		test('signed login (SHA-256): good → OK', async () => {
			expect(
				await saveAndTest('kingdeeApi', kingdee('sign', { signAlgorithm: 'sha256' }), 'Kingdee sign good'),
			).toEqual(OK);
		});

		test('signed headers: good → OK', async () => {
			expect(
				await saveAndTest('kingdeeApi', kingdee('signedHeaders', { orgNumber: '0' }), 'Kingdee signed headers good'),
			).toEqual(OK);
		});

		test('signed headers: wrong App Secret → Error naming the signed headers', async () => {
			const result = await saveAndTest(
				'kingdeeApi',
				kingdee('signedHeaders', { orgNumber: '0', appSecret: WRONG_APP_SECRET }),
				'Kingdee signed headers wrong secret',
			);
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/rejected the signed headers \(MsgCode 1\)/);
		});

		test('a Server URL that is not a Kingdee WebAPI (HTTP 404): the responseCode rule explains it', async () => {
			const serverUrl = new URL('/k3cloud/', pair.jikeyun.url).href; // some other web server
			const result = await saveAndTest('kingdeeApi', kingdee('password', { serverUrl }), 'Kingdee not a WebAPI');
			expect(result).toEqual({
				status: 'Error',
				message: expect.stringMatching(/^No Kingdee WebAPI at this Server URL \(HTTP 404\)/),
			});
		});

		test.each(['password', 'sign'])(
			'a Server URL that answers any web page (HTML, HTTP 200), %s login: "does not look like a Kingdee WebAPI"',
			async (authType) => {
				const result = await saveAndTest(
					'kingdeeApi',
					kingdee(authType, { serverUrl: `${htmlSiteUrl}/k3cloud/` }),
					`Kingdee HTML site (${authType})`,
				);
				expect(result).toEqual({
					status: 'Error',
					message: expect.stringMatching(/^This URL does not look like a Kingdee WebAPI/),
				});
			},
		);

		test('the server answers HTTP 500: the responseCode rule explains it', async () => {
			pair.kingdee.setFaults({ http500NextCalls: 1 });
			try {
				const result = await saveAndTest('kingdeeApi', kingdee('password'), 'Kingdee HTTP 500');
				expect(result).toEqual({
					status: 'Error',
					message: expect.stringMatching(/^The Kingdee server answered HTTP 500/),
				});
			} finally {
				pair.kingdee.setFaults({});
			}
		});

		test('signed headers with a wrong Account ID (non-200 "Fail to verify thirty passport"): names the Account ID', async () => {
			const result = await saveAndTest(
				'kingdeeApi',
				kingdee('signedHeaders', { orgNumber: '0', acctId: 'no-such-acct' }),
				'Kingdee wrong account',
			);
			expect(result.status).toBe('Error');
			expect(result.message).toContain('wrong Account ID');
		});
	});

	test('an unreachable server: n8n reports the network error code', async () => {
		const closedPort = await freePort();
		const result = await saveAndTest(
			'kingdeeApi',
			{
				serverUrl: `http://127.0.0.1:${closedPort}/k3cloud/`,
				acctId: pair.kingdee.acctId,
				authType: 'password',
				username: 'u',
				password: UNREACHABLE_SERVER_PASSWORD,
			},
			'Kingdee unreachable',
		);
		expect(result).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
	});
});
