/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console */
/**
 * `npm run emulators -- [--jikeyun-port N] [--kingdee-port N] [--shops N] [--seed N] [--materials N] [--stocks N]`
 *
 * Starts the Jikeyun gateway emulator and the Kingdee WebAPI emulator on loopback, prints their URLs and the
 * credentials that work against them, and stops both on Ctrl-C. Point the two n8n credentials at the printed URLs to
 * try the nodes without real accounts.
 */
import { DEFAULT_JIKEYUN_APP, startJikeyunEmulator } from './jikeyun/server';
import { DEFAULT_KINGDEE_ACCOUNT, startKingdeeEmulator } from './kingdee/server';

interface CliOptions {
	jikeyunPort: number;
	kingdeePort: number;
	shops: number;
	seed?: number;
	/** Kingdee: materials (M-0001…) and stocks (CK001…) stored at start for sales outbound bills. */
	materials: number;
	stocks: number;
}

const USAGE =
	'usage: npm run emulators -- [--jikeyun-port N] [--kingdee-port N] [--shops N] [--seed N] [--materials N] [--stocks N]';

function parseArgs(argv: string[]): CliOptions {
	const options: CliOptions = { jikeyunPort: 0, kingdeePort: 0, shops: 50, materials: 0, stocks: 0 };
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		if (flag === '--help' || flag === '-h') {
			console.log(USAGE);
			process.exit(0);
		}
		const [name, inline] = flag.split('=', 2);
		const raw = inline ?? argv[++i];
		const value = Number(raw);
		if (raw === undefined || !Number.isInteger(value) || value < 0) {
			console.error(`${name} needs a non-negative integer\n${USAGE}`);
			process.exit(2);
		}
		if (name === '--jikeyun-port') options.jikeyunPort = value;
		else if (name === '--kingdee-port') options.kingdeePort = value;
		else if (name === '--shops') options.shops = value;
		else if (name === '--seed') options.seed = value;
		else if (name === '--materials') options.materials = value;
		else if (name === '--stocks') options.stocks = value;
		else {
			console.error(`unknown option ${name}\n${USAGE}`);
			process.exit(2);
		}
	}
	return options;
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const jikeyun = await startJikeyunEmulator({
		port: options.jikeyunPort,
		shopCount: options.shops,
		seed: options.seed,
	});
	const kingdee = await startKingdeeEmulator({
		port: options.kingdeePort,
		catalog: { materials: options.materials, stocks: options.stocks },
	});
	const k = DEFAULT_KINGDEE_ACCOUNT;
	console.log(
		[
			'',
			`Jikeyun emulator  (${options.shops} shops)`,
			`  Credential "Jikeyun API":  Gateway URL ${jikeyun.url}`,
			`                             App Key ${DEFAULT_JIKEYUN_APP.appKey}   App Secret ${DEFAULT_JIKEYUN_APP.appSecret}`,
			`  Admin: GET ${new URL('/__admin/shops', jikeyun.url).href}, /__admin/stats`,
			'',
			`Kingdee Cloud Galaxy emulator  (${options.materials} materials, ${options.stocks} stocks)`,
			`  Credential "Kingdee Cloud Galaxy API":  Server URL ${kingdee.serverUrl}`,
			`                             Auth type: password   Account (acctId) ${kingdee.acctId}`,
			`                             Username ${k.username}   Password ${k.password}   LCID ${k.lcid}`,
			`                             (App ID ${k.appId}, App Secret ${k.appSecret} for the appSecret/sign modes)`,
			`  Admin: GET ${new URL('/__admin/records?formId=BD_Customer', kingdee.serverUrl).href}, /__admin/stats`,
			'',
			'Press Ctrl-C to stop both.',
		].join('\n'),
	);
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nstopping emulators …');
		await Promise.allSettled([jikeyun.close(), kingdee.close()]);
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

main().catch((error: Error) => {
	console.error(error.stack ?? error.message);
	process.exit(1);
});
