/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A plain fetch client for the Kingdee emulator tests: bodies and headers built by hand, as
 * docs/kingdee-webapi.md#request-bodies describes them (shape B, `parameters`).
 */
import { DEFAULT_KINGDEE_ACCOUNT as ACCOUNT, type KingdeeEmulator } from '../../emulators/kingdee/server';

const PREFIX = 'Kingdee.BOS.WebApi.ServicesStub.';

export interface WireAnswer {
	status: number;
	text: string;
	json: any;
}

/** POSTs `body` to `<serverUrl>Kingdee.BOS.WebApi.ServicesStub.<service>.common.kdsvc`. */
export async function callService(
	emulator: KingdeeEmulator,
	service: string,
	body: unknown,
	headers: Record<string, string> = {},
): Promise<WireAnswer> {
	const response = await fetch(`${emulator.serverUrl}${PREFIX}${service}.common.kdsvc`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
	const text = await response.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, text, json };
}

/** A logged-in client: form services by name with `(formId, data)`, queries with `data`. */
export interface FormClient {
	form(service: string, formId: string, data: Record<string, unknown>): Promise<WireAnswer>;
	query(data: Record<string, unknown>): Promise<unknown[][]>;
	/** Any DynamicFormService with its positional parameters (e.g. QueryBusinessInfo `[{"FormId":…}]`). */
	call(service: string, parameters: unknown[]): Promise<WireAnswer>;
}

/** Logs in with the password and returns a client that sends the session cookie. */
export async function formClient(emulator: KingdeeEmulator): Promise<FormClient> {
	const response = await fetch(`${emulator.serverUrl}${PREFIX}AuthService.ValidateUser.common.kdsvc`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ parameters: [emulator.acctId, ACCOUNT.username, ACCOUNT.password, 2052] }),
	});
	const login = (await response.json()) as { LoginResultType: number };
	if (login.LoginResultType !== 1) throw new Error(`login failed: ${JSON.stringify(login)}`);
	const cookie = response.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
	return {
		form: (service, formId, data) =>
			callService(
				emulator,
				`DynamicFormService.${service}`,
				{ parameters: [formId, JSON.stringify(data)] },
				{ Cookie: cookie },
			),
		call: (service, parameters) =>
			callService(emulator, `DynamicFormService.${service}`, { parameters }, { Cookie: cookie }),
		async query(data) {
			const answer = await callService(
				emulator,
				'DynamicFormService.ExecuteBillQuery',
				{ parameters: [JSON.stringify(data)] },
				{ Cookie: cookie },
			);
			return answer.json as unknown[][];
		},
	};
}
