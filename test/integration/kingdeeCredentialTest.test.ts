/* eslint-disable @n8n/community-nodes/no-restricted-imports */
/**
 * The Kingdee credential's "Test" must talk to a Kingdee WebAPI: a server answering an HTML page or text with HTTP 200
 * is not "Connection successful!". Run the way n8n 2.40.7's tester runs it (testing/n8nHarness.ts testCredential),
 * against tiny loopback servers and the emulator.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

import { startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { kingdeeCredentialData, type KingdeeAuthType } from '../../emulators/credentials';
import { testCredential } from '../../testing/n8nHarness';

const MODES: KingdeeAuthType[] = ['password', 'appSecret', 'sign', 'signedHeaders'];
const NOT_KINGDEE = /^This URL does not look like a Kingdee WebAPI \(…\/k3cloud\/\)/;

let emulator: KingdeeEmulator;
const servers: http.Server[] = [];

/** A server that answers every request with HTTP 200 and this body. */
async function staticServer(contentType: string, body: string): Promise<string> {
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			res.writeHead(200, { 'Content-Type': contentType });
			res.end(body);
		});
	});
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}/k3cloud/`;
}

beforeAll(async () => {
	emulator = await startKingdeeEmulator({ port: 0 });
});
afterAll(async () => {
	await emulator.close();
	await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

const credential = (authType: KingdeeAuthType, overrides: Record<string, string | number> = {}) =>
	kingdeeCredentialData(emulator, authType, overrides);

describe('the credential test requires a Kingdee answer', () => {
	it.each(MODES)('%s: an HTML page with HTTP 200 is "not a Kingdee WebAPI"', async (authType) => {
		const serverUrl = await staticServer(
			'text/html',
			'<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>',
		);
		const result = await testCredential('kingdeeApi', credential(authType, { serverUrl }));
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(NOT_KINGDEE) });
	});

	it.each(MODES)('%s: plain text with HTTP 200 is "not a Kingdee WebAPI"', async (authType) => {
		const serverUrl = await staticServer('text/plain', 'OK');
		const result = await testCredential('kingdeeApi', credential(authType, { serverUrl }));
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(NOT_KINGDEE) });
	});

	it('a Kingdee login answer sent as text/plain still counts as Kingdee JSON (no false alarm)', async () => {
		const serverUrl = await staticServer(
			'text/plain; charset=utf-8',
			JSON.stringify({ LoginResultType: 1, Message: null, KDSVCSessionId: null }),
		);
		expect(await testCredential('kingdeeApi', credential('password', { serverUrl }))).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
	});

	it.each(MODES)('%s: the emulator (a Kingdee WebAPI) with good values is OK', async (authType) => {
		expect(await testCredential('kingdeeApi', credential(authType))).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
	});
});

describe('the credential test names an empty field or a Server URL without scheme, without sending anything', () => {
	it.each([
		['password', 'acctId', /no Account ID \(账套ID\) \(authentication "password"\): enter the data-center id/],
		['password', 'username', /no Username \(authentication "password"\): enter the Kingdee user/],
		['password', 'password', /no Password \(authentication "password"\): enter the password/],
		['appSecret', 'appId', /no App ID \(authentication "appSecret"\): copy it from 第三方系统登录授权/],
		['sign', 'appSecret', /no App Secret \(authentication "sign"\): copy it from 第三方系统登录授权/],
		['signedHeaders', 'appSecret', /no App Secret \(authentication "signedHeaders"\): copy it from 第三方系统登录授权/],
	] as Array<[KingdeeAuthType, string, RegExp]>)('%s mode, empty %s', async (authType, field, expected) => {
		const before = emulator.stats().calls;
		const result = await testCredential('kingdeeApi', credential(authType, { [field]: '' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(expected);
		expect(emulator.stats().calls).toBe(before);
	});

	it('a Server URL without http(s)://', async () => {
		const hostOnly = emulator.serverUrl.replace(/^http:\/\//, '');
		const result = await testCredential('kingdeeApi', credential('password', { serverUrl: hostOnly }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/does not start with http:\/\/ or https:\/\//);
	});
});
