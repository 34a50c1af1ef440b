/**
 * The first step of `npm test` (scripts/setup-system.ts): the Debian packages the end-to-end suites need, installed
 * with apt-get when missing, or a failure within seconds naming the one command to run (CONTRIBUTING.md#tests).
 *
 *   redis-server, postgresql   the queue-mode e2e starts its own Redis and a throw-away Postgres (testing/services.ts)
 *   chromium, fonts-noto-cjk   the editor browser e2e and the screenshots (testing/browser.ts); without a CJK font
 *                              the editor's Chinese captions render as empty boxes
 *
 * The decisions live here with the machine behind an interface, so unit tests drive every branch
 * (test/unit/systemSetup.test.ts); setup-system.ts wires in the real probes and commands.
 */

export const SYSTEM_PACKAGES = ['redis-server', 'postgresql', 'chromium', 'fonts-noto-cjk'] as const;
export type SystemPackage = (typeof SYSTEM_PACKAGES)[number];

export interface SystemMachine {
	/** The packages of SYSTEM_PACKAGES whose files are not on this machine. */
	missingPackages(): SystemPackage[];
	/** Whether a command is on PATH. */
	hasCommand(name: string): boolean;
	isRoot: boolean;
	/** Runs a command with its output shown; resolves to its exit code. */
	run(command: string, args: string[], env?: Record<string, string>): Promise<number>;
	now(): number;
	log(line: string): void;
}

export type SetupOutcome = { ok: true; installed: SystemPackage[] } | { ok: false; installed: []; message: string };

/** The one command that installs `packages`, as a person types it (sudo unless root). */
export function installCommand(packages: readonly string[], isRoot: boolean): string {
	const sudo = isRoot ? '' : 'sudo ';
	return `${sudo}apt-get update && ${sudo}DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

export async function setUpSystem(machine: SystemMachine): Promise<SetupOutcome> {
	const missing = machine.missingPackages();
	if (missing.length === 0) {
		machine.log(`[setup] system packages present: ${SYSTEM_PACKAGES.join(', ')}`);
		return { ok: true, installed: [] };
	}
	const command = installCommand(missing, machine.isRoot);
	const fail = (why: string): SetupOutcome => ({
		ok: false,
		installed: [],
		message: `[setup] the e2e tests need ${missing.join(', ')}: ${why}. Run:\n  ${command}\nthen \`npm test\` again.`,
	});
	if (!machine.hasCommand('apt-get')) {
		return fail('this machine has no apt-get (not Debian/Ubuntu); install the same packages with its package manager');
	}
	let prefix: string[] = [];
	if (!machine.isRoot) {
		if (!machine.hasCommand('sudo')) return fail('not running as root and there is no sudo');
		// -n: never prompt. A password prompt would hang CI; a person sees the command below instead.
		if ((await machine.run('sudo', ['-n', 'true'])) !== 0) return fail('sudo needs a password here');
		prefix = ['sudo'];
	}
	const started = machine.now();
	machine.log(`[setup] installing ${missing.join(', ')} with apt-get${prefix.length ? ' (sudo)' : ''} …`);
	const apt = async (args: string[]) => {
		const [command, ...rest] = [...prefix, 'apt-get', ...args];
		return await machine.run(command, rest, { DEBIAN_FRONTEND: 'noninteractive' });
	};
	if ((await apt(['update', '-q'])) !== 0) return fail('`apt-get update` failed (output above)');
	if ((await apt(['install', '-y', '-q', '--no-install-recommends', ...missing])) !== 0) {
		return fail('`apt-get install` failed (output above)');
	}
	const still = machine.missingPackages();
	if (still.length > 0) return fail(`after apt-get install, still missing: ${still.join(', ')}`);
	machine.log(`[setup] installed ${missing.join(', ')} in ${seconds(machine.now() - started)}`);
	return { ok: true, installed: missing };
}
