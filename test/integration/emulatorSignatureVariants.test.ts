/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The emulators' signature checks catch the wrong variants the docs name, over loopback HTTP. Requests are signed
 * here, from the recipes of docs/jikeyun-open-api.md#signature, docs/kingdee-webapi.md#signed-login and
 * docs/kingdee-webapi.md#signed-headers, with one step changed at a time; the unchanged recipe is the control that
 * must pass, so a rejection proves the changed step matters to the emulator.
 */
import { createHash, createHmac } from 'node:crypto';

import { DEFAULT_JIKEYUN_APP, startJikeyunEmulator, type JikeyunEmulator } from '../../emulators/jikeyun/server';
import {
	DEFAULT_KINGDEE_ACCOUNT as ACCOUNT,
	startKingdeeEmulator,
	type KingdeeEmulator,
} from '../../emulators/kingdee/server';
import { KINGDEE_SESSION_LOST_BODY } from '../helpers/kingdeeReferenceBodies';

interface JikeyunRecipe {
	/** Step 2: names in ordinal order, or in the order they are sent. */
	sorted: boolean;
	/** Step 3: `name + value` without separator, or `name=value&…`. */
	join: 'concat' | 'query';
	/** Step 4: the secret at both ends, or only at the end. */
	secretAt: 'both' | 'end';
	/** Step 5: lower-case the whole pre-image. */
	lowerCase: boolean;
	/** Step 6: hex case of the MD5. */
	hex: 'lower' | 'upper';
}

const JIKEYUN_RECIPE: JikeyunRecipe = { sorted: true, join: 'concat', secretAt: 'both', lowerCase: true, hex: 'lower' };

function jikeyunSign(parameters: Array<[string, string]>, secret: string, recipe: JikeyunRecipe): string {
	const signed = parameters.filter(([name]) => !['sign', 'contextid', 'token'].includes(name));
	if (recipe.sorted) signed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	const joined =
		recipe.join === 'concat' ? signed.map(([n, v]) => n + v).join('') : signed.map(([n, v]) => `${n}=${v}`).join('&');
	const preimage = recipe.secretAt === 'both' ? secret + joined + secret : joined + secret;
	const digest = createHash('md5')
		.update(recipe.lowerCase ? preimage.toLowerCase() : preimage, 'utf8')
		.digest('hex');
	return recipe.hex === 'upper' ? digest.toUpperCase() : digest;
}

/** docs/jikeyun-open-api.md#timestamp: Beijing wall-clock time. */
function beijingNow(): string {
	const shifted = new Date(Date.now() + 8 * 3_600_000).toISOString();
	return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

async function callJikeyun(emulator: JikeyunEmulator, recipe: JikeyunRecipe) {
	// Sent in an unsorted order on purpose, and bizcontent has upper-case letters: each step of the recipe shows.
	const parameters: Array<[string, string]> = [
		['method', 'erp.sales.get'],
		['timestamp', beijingNow()],
		['appkey', DEFAULT_JIKEYUN_APP.appKey],
		['version', 'v1.0'],
		['contenttype', 'json'],
		['bizcontent', '{"pageIndex":0,"pageSize":1}'],
	];
	parameters.push(['sign', jikeyunSign(parameters, DEFAULT_JIKEYUN_APP.appSecret, recipe)]);
	const response = await fetch(emulator.url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
		body: new URLSearchParams(parameters).toString(),
	});
	const text = await response.text();
	expect(response.status).toBe(200);
	expect(text).not.toContain(DEFAULT_JIKEYUN_APP.appSecret);
	return JSON.parse(text) as { code: number; msg: string; subCode: string };
}

describe('Jikeyun emulator: documented wrong signature variants (docs/jikeyun-open-api.md#signature)', () => {
	let emulator: JikeyunEmulator;
	beforeAll(async () => {
		emulator = await startJikeyunEmulator({ shopCount: 3 });
	});
	afterAll(() => emulator.close());

	it('accepts the recipe as documented (the control)', async () => {
		expect(await callJikeyun(emulator, JIKEYUN_RECIPE)).toMatchObject({ code: 200, subCode: '' });
	});

	it.each<[string, Partial<JikeyunRecipe>]>([
		['names in the order sent, not sorted', { sorted: false }],
		['k=v&k=v joining', { join: 'query' }],
		['the secret only at the end', { secretAt: 'end' }],
		['no lower-casing of the pre-image', { lowerCase: false }],
		['upper-case hex', { hex: 'upper' }],
	])('rejects %s as 0858030801 签名错误', async (_variant, change) => {
		const reply = await callJikeyun(emulator, { ...JIKEYUN_RECIPE, ...change });
		expect(reply).toMatchObject({ code: 0, subCode: '0858030801' });
		expect(reply.msg).toContain('签名错误');
	});
});

const PREFIX = 'Kingdee.BOS.WebApi.ServicesStub.';

async function callKingdee(
	emulator: KingdeeEmulator,
	service: string,
	body: unknown,
	headers: Record<string, string> = {},
) {
	const response = await fetch(`${emulator.serverUrl}${PREFIX}${service}.common.kdsvc`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
	const text = await response.text();
	expect(text).not.toContain(ACCOUNT.appSecret);
	return { status: response.status, json: JSON.parse(text) as any, cookies: response.headers.getSetCookie() };
}

interface LoginRecipe {
	/** Step 2: the five strings sorted, or in the order acctID, username, appId, appSecret, timestamp. */
	sorted: boolean;
	/** Step 3: concatenated without separator, or comma-separated. */
	separator: '' | ',';
	/** Step 2: the App Secret is one of the sorted strings (it is signed, never sent). */
	withSecret: boolean;
}

const LOGIN_RECIPE: LoginRecipe = { sorted: true, separator: '', withSecret: true };

function loginSign(timestamp: string, recipe: LoginRecipe): string {
	const parts = [
		ACCOUNT.acctId,
		ACCOUNT.username,
		ACCOUNT.appId,
		...(recipe.withSecret ? [ACCOUNT.appSecret] : []),
		timestamp,
	];
	if (recipe.sorted) parts.sort();
	return createHash('sha256').update(parts.join(recipe.separator), 'utf8').digest('hex');
}

interface HeaderRecipe {
	/** Steps 6 and 8: base64 of the lower-case hex text, or of the raw digest. */
	encoding: 'hexThenBase64' | 'rawBase64';
	/** Step 8: the message holds the plain appData, or its base64. */
	appDataInMessage: 'plain' | 'base64';
	/** Step 2: the HMAC key of X-Api-Signature is the decoded client secret, or the App ID's second part as is. */
	clientSecret: 'decoded' | 'encodedPart';
	/** Step 3: the path percent-encoded (`/` → `%2F`), or as is. */
	path: 'encoded' | 'raw';
}

const HEADER_RECIPE: HeaderRecipe = {
	encoding: 'hexThenBase64',
	appDataInMessage: 'plain',
	clientSecret: 'decoded',
	path: 'encoded',
};

function signedHeaders(path: string, recipe: HeaderRecipe): Record<string, string> {
	const hmac = (key: string, message: string) => {
		const mac = createHmac('sha256', key).update(message, 'utf8');
		return recipe.encoding === 'hexThenBase64'
			? Buffer.from(mac.digest('hex'), 'ascii').toString('base64')
			: mac.digest('base64');
	};
	const [clientId, encodedPart] = ACCOUNT.appId.split('_');
	const pad = Buffer.from('0054f397c6234378b09ca7d3e5debce7', 'ascii');
	const decoded = Buffer.from(Buffer.from(encodedPart, 'base64').map((byte, i) => byte ^ pad[i % 32])).toString(
		'base64',
	);
	const timestamp = String(Math.floor(Date.now() / 1000));
	const signedPath = recipe.path === 'encoded' ? encodeURIComponent(path) : path;
	const stringToSign = `POST\n${signedPath}\n\nx-api-nonce:${timestamp}\nx-api-timestamp:${timestamp}\n`;
	const appData = `${ACCOUNT.acctId},${ACCOUNT.username},2052,0`;
	const appDataBase64 = Buffer.from(appData, 'utf8').toString('base64');
	return {
		'X-Api-ClientID': clientId,
		'X-Api-Auth-Version': '2.0',
		'x-api-timestamp': timestamp,
		'x-api-nonce': timestamp,
		'x-api-signheaders': 'x-api-timestamp,x-api-nonce',
		'X-Api-Signature': hmac(recipe.clientSecret === 'decoded' ? decoded : encodedPart, stringToSign),
		'X-Kd-Appkey': ACCOUNT.appId,
		'X-Kd-Appdata': appDataBase64,
		'X-Kd-Signature': hmac(
			ACCOUNT.appSecret,
			ACCOUNT.appId + (recipe.appDataInMessage === 'plain' ? appData : appDataBase64),
		),
	};
}

describe('Kingdee emulator: documented wrong signature variants', () => {
	let emulator: KingdeeEmulator;
	beforeAll(async () => {
		emulator = await startKingdeeEmulator({ port: 0 });
		emulator.seedRecords('BD_Customer', 1);
	});
	afterAll(() => emulator.close());

	describe('LoginBySign (docs/kingdee-webapi.md#signed-login)', () => {
		const login = (recipe: LoginRecipe) => {
			const timestamp = String(Math.floor(Date.now() / 1000));
			return callKingdee(emulator, 'AuthService.LoginBySign', {
				parameters: [ACCOUNT.acctId, ACCOUNT.username, ACCOUNT.appId, timestamp, loginSign(timestamp, recipe), 2052],
			});
		};

		it('accepts the recipe as documented (the control)', async () => {
			expect((await login(LOGIN_RECIPE)).json.LoginResultType).toBe(1);
		});

		it.each<[string, Partial<LoginRecipe>]>([
			['the fields in their own order, not sorted', { sorted: false }],
			['a separator between the fields', { separator: ',' }],
			['only the four sent strings, without the App Secret', { withSecret: false }],
		])('rejects %s with LoginResultType -1 and no session', async (_variant, change) => {
			const answer = await login({ ...LOGIN_RECIPE, ...change });
			expect(answer.json.LoginResultType).toBe(-1);
			expect(answer.json.Message).toContain('签名');
			expect(answer.cookies).toEqual([]);
		});
	});

	describe('signed headers (docs/kingdee-webapi.md#signed-headers)', () => {
		const view = (recipe: HeaderRecipe) => {
			const path = `/k3cloud/${PREFIX}DynamicFormService.View.common.kdsvc`;
			return callKingdee(
				emulator,
				'DynamicFormService.View',
				{ formid: 'BD_Customer', data: { Number: 'N8N-CREDENTIAL-TEST' } },
				signedHeaders(path, recipe),
			);
		};

		it('accepts the recipe as documented (the control: anything but the session-lost answer, with a session)', async () => {
			const answer = await view(HEADER_RECIPE);
			expect(answer.status).toBe(200);
			expect(answer.json).not.toEqual(KINGDEE_SESSION_LOST_BODY);
			expect(answer.cookies.map((cookie) => cookie.split('=')[0]).sort()).toEqual([
				'ASP.NET_SessionId',
				'kdservice-sessionid',
			]);
		});

		it.each<[string, Partial<HeaderRecipe>]>([
			['base64 of the raw HMAC instead of its hex text', { encoding: 'rawBase64' }],
			['X-Kd-Signature over the base64 appData', { appDataInMessage: 'base64' }],
			['X-Api-Signature keyed with the undecoded App ID part', { clientSecret: 'encodedPart' }],
			['X-Api-Signature over the unencoded path', { path: 'raw' }],
		])('answers %s with the session-lost body', async (_variant, change) => {
			const answer = await view({ ...HEADER_RECIPE, ...change });
			expect(answer.status).toBe(200);
			expect(answer.json).toEqual(KINGDEE_SESSION_LOST_BODY);
			expect(answer.cookies).toEqual([]);
		});
	});
});
