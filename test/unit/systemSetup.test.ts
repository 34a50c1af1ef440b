import { installCommand, setUpSystem, type SystemMachine, type SystemPackage } from '../../testing/systemSetup';

/** A machine whose packages, commands, user and exit codes the test chooses; it records what was run. */
function fakeMachine(options: {
	missing: SystemPackage[];
	commands?: string[];
	isRoot?: boolean;
	exitCodes?: Record<string, number>;
	installWorks?: boolean;
}) {
	let missing = [...options.missing];
	const ran: string[] = [];
	const logged: string[] = [];
	let clock = 1_000_000;
	const machine: SystemMachine = {
		missingPackages: () => [...missing],
		hasCommand: (name) => (options.commands ?? ['apt-get', 'sudo']).includes(name),
		isRoot: options.isRoot ?? true,
		run: async (command, args, env) => {
			const line = [env?.DEBIAN_FRONTEND ? 'DEBIAN_FRONTEND=' + env.DEBIAN_FRONTEND : '', command, ...args]
				.filter(Boolean)
				.join(' ');
			ran.push(line);
			clock += 42_000;
			const code = Object.entries(options.exitCodes ?? {}).find(([prefix]) => line.includes(prefix))?.[1] ?? 0;
			if (code === 0 && args.includes('install') && options.installWorks !== false) missing = [];
			return code;
		},
		now: () => clock,
		log: (line) => logged.push(line),
	};
	return { machine, ran, logged };
}

describe('npm test set-up: system packages (testing/systemSetup.ts)', () => {
	test('all present: runs nothing and says so', async () => {
		const { machine, ran, logged } = fakeMachine({ missing: [] });
		await expect(setUpSystem(machine)).resolves.toEqual({ ok: true, installed: [] });
		expect(ran).toEqual([]);
		expect(logged.join('\n')).toContain('redis-server, postgresql, chromium, fonts-noto-cjk');
	});

	test('as root: apt-get update, then install only the missing packages, and how long it took', async () => {
		const { machine, ran, logged } = fakeMachine({ missing: ['chromium', 'fonts-noto-cjk'], isRoot: true });
		await expect(setUpSystem(machine)).resolves.toEqual({ ok: true, installed: ['chromium', 'fonts-noto-cjk'] });
		expect(ran).toEqual([
			'DEBIAN_FRONTEND=noninteractive apt-get update -q',
			'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk',
		]);
		expect(logged).toContain('[setup] installed chromium, fonts-noto-cjk in 84s');
	});

	test('not root with password-less sudo: the same through sudo', async () => {
		const { machine, ran } = fakeMachine({ missing: ['redis-server'], isRoot: false });
		await expect(setUpSystem(machine)).resolves.toMatchObject({ ok: true });
		expect(ran).toEqual([
			'sudo -n true',
			'DEBIAN_FRONTEND=noninteractive sudo apt-get update -q',
			'DEBIAN_FRONTEND=noninteractive sudo apt-get install -y -q --no-install-recommends redis-server',
		]);
	});

	test('sudo wants a password: fails before apt-get with the command to run', async () => {
		const { machine, ran } = fakeMachine({ missing: ['postgresql'], isRoot: false, exitCodes: { 'sudo -n': 1 } });
		const outcome = await setUpSystem(machine);
		expect(ran).toEqual(['sudo -n true']);
		expect(outcome).toMatchObject({ ok: false });
		if (outcome.ok) throw new Error('expected a failure');
		expect(outcome.message).toContain('sudo needs a password');
		expect(outcome.message).toContain(installCommand(['postgresql'], false));
	});

	test('not root and no sudo: fails at once', async () => {
		const { machine, ran } = fakeMachine({ missing: ['chromium'], isRoot: false, commands: ['apt-get'] });
		const outcome = await setUpSystem(machine);
		expect(ran).toEqual([]);
		expect(outcome.ok ? '' : outcome.message).toMatch(/no sudo[\s\S]*sudo apt-get update && sudo DEBIAN_FRONTEND/);
	});

	test('no apt-get: fails at once, naming the packages', async () => {
		const { machine, ran } = fakeMachine({ missing: ['redis-server', 'chromium'], commands: [] });
		const outcome = await setUpSystem(machine);
		expect(ran).toEqual([]);
		expect(outcome.ok ? '' : outcome.message).toMatch(/need redis-server, chromium: this machine has no apt-get/);
	});

	test('apt-get install fails: reported, not taken for success', async () => {
		const { machine } = fakeMachine({ missing: ['chromium'], exitCodes: { 'apt-get install': 100 } });
		const outcome = await setUpSystem(machine);
		expect(outcome.ok ? '' : outcome.message).toContain('`apt-get install` failed');
	});

	test('apt-get reports success but a package is still missing: a failure naming it', async () => {
		const { machine } = fakeMachine({ missing: ['fonts-noto-cjk'], installWorks: false });
		const outcome = await setUpSystem(machine);
		expect(outcome.ok ? '' : outcome.message).toContain('still missing: fonts-noto-cjk');
	});

	test('the command printed for a person', () => {
		expect(installCommand(['chromium'], true)).toBe(
			'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium',
		);
	});
});
