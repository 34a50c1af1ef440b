/**
 * Which Node runs n8n for the demo and the end-to-end tests. n8n 2.x needs Node 24 or newer: when the Node running
 * this script is new enough it is used as it is; otherwise the Node build that npm publishes for this operating system
 * and processor (`node-<os>-<arch>`, the packages behind npm's `node` package) is installed into the cache. Pure: the
 * caller passes the host facts, so every platform can be tested on any machine.
 */
export interface HostFacts {
	platform: string;
	arch: string;
	/** `process.versions.node`, e.g. `20.19.4`. */
	nodeVersion: string;
	/** `process.execPath`. */
	execPath: string;
}

export type NodeForN8n =
	| { kind: 'installed'; nodePath: string; version: string }
	| {
			kind: 'npmPackage';
			packageName: string;
			version: string;
			/** Binary inside the installed package folder. */ binary: string;
	  }
	| { kind: 'unsupported'; message: string };

export const MINIMUM_NODE_MAJOR_FOR_N8N = 24;

/** npm's per-platform Node packages use these operating-system names. */
const NPM_NODE_OS: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'win' };
const NPM_NODE_ARCH = new Set(['x64', 'arm64']);

/**
 * `pinned` is one version for every platform, or the version per package name: npm's per-platform packages are not
 * published in step (a platform missing from the map has no usable build and gets the message).
 */
export function chooseNodeForN8n(host: HostFacts, pinned: string | Readonly<Record<string, string>>): NodeForN8n {
	const major = Number.parseInt(host.nodeVersion.replace(/^v/, '').split('.')[0], 10);
	if (major >= MINIMUM_NODE_MAJOR_FOR_N8N)
		return { kind: 'installed', nodePath: host.execPath, version: host.nodeVersion };
	const os = NPM_NODE_OS[host.platform];
	const packageName = `node-${os}-${host.arch}`;
	const version =
		!os || !NPM_NODE_ARCH.has(host.arch) ? undefined : typeof pinned === 'string' ? pinned : pinned[packageName];
	if (version === undefined) {
		return {
			kind: 'unsupported',
			message:
				`n8n needs Node ${MINIMUM_NODE_MAJOR_FOR_N8N} or newer; this is Node ${host.nodeVersion} on ${host.platform}/${host.arch}, ` +
				`and npm publishes no Node ${MINIMUM_NODE_MAJOR_FOR_N8N} build for that platform. Install Node ${MINIMUM_NODE_MAJOR_FOR_N8N} from https://nodejs.org and run the command again with it.`,
		};
	}
	return { kind: 'npmPackage', packageName, version, binary: os === 'win' ? 'bin/node.exe' : 'bin/node' };
}
