import { DEFAULT_JIKEYUN_APP } from './jikeyun/server';
import { DEFAULT_KINGDEE_ACCOUNT } from './kingdee/server';

/**
 * Credential data, as n8n hands it to the nodes (decrypted), that points at a running emulator and uses its default
 * app / account. One definition for the tests, the benchmark, the demo and the end-to-end suites.
 */
export function jikeyunCredentialData(
	emulator: { url: string },
	overrides: Record<string, string> = {},
): Record<string, string> {
	return {
		gatewayUrl: emulator.url,
		appKey: DEFAULT_JIKEYUN_APP.appKey,
		appSecret: DEFAULT_JIKEYUN_APP.appSecret,
		version: 'v1.0',
		...overrides,
	};
}

export type KingdeeAuthType = 'password' | 'appSecret' | 'sign' | 'signedHeaders';

/** All fields of every mode are filled; n8n would drop the ones the chosen mode hides, and the nodes ignore them. */
export function kingdeeCredentialData(
	emulator: { serverUrl: string; acctId: string },
	authType: KingdeeAuthType = 'password',
	overrides: Record<string, string | number> = {},
): Record<string, string | number> {
	return {
		serverUrl: emulator.serverUrl,
		acctId: emulator.acctId,
		authType,
		username: DEFAULT_KINGDEE_ACCOUNT.username,
		password: DEFAULT_KINGDEE_ACCOUNT.password,
		appId: DEFAULT_KINGDEE_ACCOUNT.appId,
		appSecret: DEFAULT_KINGDEE_ACCOUNT.appSecret,
		signAlgorithm: 'sha256',
		lcid: DEFAULT_KINGDEE_ACCOUNT.lcid,
		orgNumber: '0',
		...overrides,
	};
}
