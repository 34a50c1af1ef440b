/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Binds an emulator to 127.0.0.1 (port 0 = a free one the OS picks) and resolves with the port it got. */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	return (server.address() as AddressInfo).port;
}
