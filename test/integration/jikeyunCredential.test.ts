/* eslint-disable @n8n/community-nodes/no-restricted-imports -- a tiny non-gateway HTTP server for the test */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_JIKEYUN_APP, startJikeyunEmulator, type JikeyunEmulator } from '../../emulators/jikeyun/server';
import { testCredential } from '../../testing/n8nHarness';
import { jikeyunCredentialData } from '../../emulators/credentials';

describe('Jikeyun credential test', () => {
	let emulator: JikeyunEmulator;

	beforeAll(async () => {
		emulator = await startJikeyunEmulator({
			shopCount: 3,
			apps: [
				DEFAULT_JIKEYUN_APP,
				{ appKey: '10000002', appSecret: 'second-app-secret', methods: ['erp.warehouse.get'] },
			],
		});
	});

	afterAll(async () => {
		await emulator.close();
	});

	const data = (overrides: Record<string, string>) => jikeyunCredentialData(emulator, overrides);

	it('succeeds with a good App Key and Secret, making one signed call', async () => {
		emulator.resetStats();
		await expect(testCredential('jikeyunApi', data({}))).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(emulator.stats().byMethod['erp.sales.get']).toBe(1);
	});

	it('reports a wrong secret as a signature error', async () => {
		const result = await testCredential('jikeyunApi', data({ appSecret: 'wrong-secret' }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain('签名错误');
		expect(result.message).not.toContain('wrong-secret');
	});

	it('reports an unknown app key and an unsubscribed method', async () => {
		const unknown = await testCredential('jikeyunApi', data({ appKey: '99999999' }));
		expect(unknown).toMatchObject({ status: 'Error' });
		expect(unknown.message).toContain('未订阅');
		const unsubscribed = await testCredential(
			'jikeyunApi',
			data({ appKey: '10000002', appSecret: 'second-app-secret' }),
		);
		expect(unsubscribed.message).toContain('erp.sales.get is not subscribed');
	});

	it('reports a disabled app / exhausted quota', async () => {
		emulator.setFaults({ quotaExhausted: true });
		try {
			const result = await testCredential('jikeyunApi', data({}));
			expect(result.message).toContain('未开通开放平台');
		} finally {
			emulator.setFaults({});
		}
	});

	describe('a URL that is not a Jikeyun gateway', () => {
		let server: Server;
		let answer: { contentType: string; body: string };
		let requests = 0;
		beforeAll(async () => {
			server = createServer((_request, response) => {
				requests++;
				response.writeHead(200, { 'Content-Type': answer.contentType });
				response.end(answer.body);
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		});
		afterAll(async () => {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		});
		const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/open/openapi/do`;

		it.each([
			[
				'an HTML page with HTTP 200',
				'text/html',
				'<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>',
			],
			['other JSON with HTTP 200', 'application/json', '{"status":"ok","message":"hello"}'],
			['JSON with a code but no subCode', 'application/json', '{"code":404,"message":"no route"}'],
		])('%s → "does not look like a Jikeyun gateway"', async (_label, contentType, body) => {
			answer = { contentType, body };
			const before = requests;
			const result = await testCredential('jikeyunApi', data({ gatewayUrl: url() }));
			expect(result).toEqual({
				status: 'Error',
				message: expect.stringContaining('does not look like a Jikeyun gateway'),
			});
			expect(requests).toBe(before + 1);
		});

		it('the emulator (the real envelope) still passes', async () => {
			await expect(testCredential('jikeyunApi', data({}))).resolves.toMatchObject({ status: 'OK' });
		});
	});
});
