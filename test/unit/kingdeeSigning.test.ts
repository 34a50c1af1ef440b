/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets */
/**
 * LoginBySign vector of docs/kingdee-webapi.md#signed-login (both hashes) and the signed-header algorithm of
 * docs/kingdee-webapi.md#signed-headers,
 * recomputed here step by step with node:crypto.
 */
import { createHash, createHmac } from 'node:crypto';

import { authenticateKingdeeRequest, buildKingdeeLoginRequest } from '../../nodes/Kingdee/protocol/login';
import { buildKingdeeSignedHeaders, signKingdeeLogin } from '../../nodes/Kingdee/protocol/signing';

const sample = {
	acctId: '5db25ac8d2b819',
	username: 'webapi',
	appId: '204399_72epSbtEQMC92Vwt2d3LRa9LRqSc1tqJ',
	appSecret: 'fb7d46647ac346dbb5fcd45b65512a45',
	timestamp: '1700000000',
};

describe('LoginBySign (docs/kingdee-webapi.md#signed-login)', () => {
	it('matches the published SHA-256 and SHA-1 digests', () => {
		expect(signKingdeeLogin(sample, 'sha256')).toBe('91020350abf9d30f0d7316b6db1c5a14eba2bde38b42cc8e8ca8b10aa0ef783d');
		expect(signKingdeeLogin(sample, 'sha1')).toBe('214cce08d2fab9540dd2f3f0b725a9f3e091d73c');
	});

	it('the login body carries timestamp and sign, never the secret', () => {
		const login = buildKingdeeLoginRequest(
			{ serverUrl: 'https://erp.example.com/k3cloud', authType: 'sign', lcid: 2052, ...sample },
			1700000000,
		);
		expect(login.url).toBe(
			'https://erp.example.com/k3cloud/Kingdee.BOS.WebApi.ServicesStub.AuthService.LoginBySign.common.kdsvc',
		);
		expect(JSON.parse(login.body)).toEqual({
			parameters: [
				sample.acctId,
				sample.username,
				sample.appId,
				'1700000000',
				'91020350abf9d30f0d7316b6db1c5a14eba2bde38b42cc8e8ca8b10aa0ef783d',
				2052,
			],
		});
		expect(login.body).not.toContain(sample.appSecret);
	});
});

describe('signed headers (docs/kingdee-webapi.md#signed-headers)', () => {
	const path = '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.View.common.kdsvc';

	/** The recipe of docs/kingdee-webapi.md#signed-headers, written out independently of the implementation. */
	function expected(appSecret: string, timestamp: string) {
		const encodedPart = sample.appId.split('_')[1];
		const raw = Buffer.from(encodedPart, 'base64');
		const pad = Buffer.from('0054f397c6234378b09ca7d3e5debce7', 'ascii');
		const clientSecret = Buffer.from(raw.map((byte, i) => byte ^ pad[i % 32])).toString('base64');
		const encodedPath = path.split('/').join('%2F');
		const toSign = `POST\n${encodedPath}\n\nx-api-nonce:${timestamp}\nx-api-timestamp:${timestamp}\n`;
		const hexThenBase64 = (key: string, text: string) =>
			Buffer.from(createHmac('sha256', key).update(text).digest('hex')).toString('base64');
		const appData = `${sample.acctId},${sample.username},2052,0`;
		return {
			'X-Api-ClientID': '204399',
			'X-Api-Auth-Version': '2.0',
			'x-api-timestamp': timestamp,
			'x-api-nonce': timestamp,
			'x-api-signheaders': 'x-api-timestamp,x-api-nonce',
			'X-Api-Signature': hexThenBase64(clientSecret, toSign),
			'X-Kd-Appkey': sample.appId,
			'X-Kd-Appdata': Buffer.from(appData).toString('base64'),
			'X-Kd-Signature': hexThenBase64(appSecret, sample.appId + appData),
		};
	}

	it('computes every header as the recipe says', () => {
		const headers = buildKingdeeSignedHeaders({ ...sample, lcid: 2052, orgNumber: 0, path });
		expect(headers).toEqual(expected(sample.appSecret, sample.timestamp));
		expect(headers['X-Api-Signature']).toHaveLength(88);
	});

	it('authenticate signs the request path including the virtual directory, at the current second', () => {
		const signed = authenticateKingdeeRequest(
			{
				serverUrl: 'https://erp.example.com/k3cloud/',
				authType: 'signedHeaders',
				lcid: 2052,
				orgNumber: '0',
				...sample,
			},
			{ url: `https://erp.example.com${path}`, headers: { 'Content-Type': 'application/json' }, body: '{}' },
			1700000000,
		);
		expect(signed.headers).toMatchObject(expected(sample.appSecret, '1700000000'));
		expect(signed.body).toBe('{}');
		expect(JSON.stringify(signed)).not.toContain(sample.appSecret);
	});
});

describe('authenticate for session modes', () => {
	const base = { serverUrl: 'http://h/k3cloud', acctId: 'A1', username: 'u', lcid: 2052 };
	const marker = { 'x-n8n-kingdee-login': '1', 'Content-Type': 'application/json' };

	it("turns a marked request into the mode's login call and drops the marker", () => {
		const password = authenticateKingdeeRequest(
			{ ...base, authType: 'password', password: ' p w ' },
			{ url: 'http://h/k3cloud/x', headers: marker, body: '' },
			1,
		);
		expect(password.url).toBe('http://h/k3cloud/Kingdee.BOS.WebApi.ServicesStub.AuthService.ValidateUser.common.kdsvc');
		expect(JSON.parse(String(password.body))).toEqual({ parameters: ['A1', 'u', ' p w ', 2052] });
		expect(password.headers).toEqual({ 'Content-Type': 'application/json' });

		const appSecret = authenticateKingdeeRequest(
			{ ...base, authType: 'appSecret', appId: 'X_Y', appSecret: 'S3cret-value' },
			{ url: 'http://h/k3cloud/x', headers: marker, body: '' },
			1,
		);
		expect(appSecret.url).toContain('AuthService.LoginByAppSecret');
		expect(JSON.parse(String(appSecret.body))).toEqual({ parameters: ['A1', 'u', 'X_Y', 'S3cret-value', 2052] });
	});

	it('leaves unmarked requests of session modes untouched', () => {
		const request = { url: 'http://h/k3cloud/y', headers: { Cookie: 'a=b' }, body: '{"parameters":[]}' };
		expect(authenticateKingdeeRequest({ ...base, authType: 'password', password: 'pw12' }, request, 1)).toEqual(
			request,
		);
	});

	it('hash check: SHA-256 of the sorted concatenation', () => {
		const concatenated = [sample.acctId, sample.username, sample.appId, sample.appSecret, sample.timestamp]
			.sort()
			.join('');
		expect(signKingdeeLogin(sample)).toBe(createHash('sha256').update(concatenated).digest('hex'));
	});
});
