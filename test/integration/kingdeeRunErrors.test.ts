/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets */
/**
 * Issue 8, Kingdee side: errors that name the cause (a failed login is "not sent", never "outcome unknown"), the
 * run's circuit breaker, session ids redacted everywhere, and the call report — the real node against the emulator
 * (or a tiny loopback server for answers the emulator never gives) through n8n's request code.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';
import { DEFAULT_KINGDEE_ACCOUNT, startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { kingdeeCredentialData, type KingdeeAuthType } from '../../emulators/credentials';
import { errorText } from '../helpers/errorText';
import { executeNode, type Harness } from '../../testing/n8nHarness';
import { errorOf, type ItemError } from '../../testing/errorItems';
import { SERVER_ERROR_RUN_LIMIT } from '../../nodes/common/circuitBreaker';

const account = DEFAULT_KINGDEE_ACCOUNT;
let emulator: KingdeeEmulator;

beforeEach(async () => {
	emulator = await startKingdeeEmulator({
		port: 0,
		users: [
			{ username: account.username, password: account.password, appId: account.appId, appSecret: account.appSecret },
			{ username: 'frozen', password: 'Frozen-Pass-1', locked: true },
		],
	});
});
afterEach(async () => await emulator.close());

const form = { __rl: true, mode: 'list', value: 'BD_Customer' };
const shop = (number: string): INodeExecutionData => ({
	json: { FNumber: number, FName: `Shop ${number}`, FCreateOrgId: '100', FUseOrgId: '100' },
});
const shops = (count: number) => Array.from({ length: count }, (_, i) => shop(`S${String(i + 1).padStart(3, '0')}`));

const batchSave = (options: Record<string, unknown> = {}, extra: INodeParameters = {}): INodeParameters => ({
	operation: 'batchSave',
	formId: form,
	baseDataFields: 'FCreateOrgId, FUseOrgId',
	batchSize: 2,
	upsertByNumber: true,
	options: { maxTries: 2, ...options },
	...extra,
});

interface RunResult {
	items: INodeExecutionData[];
	harness: Harness;
	error?: unknown;
}

async function run(
	parameters: INodeParameters,
	items: INodeExecutionData[],
	options: { continueOnFail?: boolean; authType?: KingdeeAuthType; credential?: Record<string, string | number> } = {},
): Promise<RunResult> {
	const credentials = {
		kingdeeApi: { ...kingdeeCredentialData(emulator, options.authType ?? 'password'), ...(options.credential ?? {}) },
	};
	const continueOnFail = options.continueOnFail !== false;
	const execute = async () =>
		await executeNode(new Kingdee(), {
			parameters,
			items,
			credentials,
			onError: continueOnFail ? 'continueErrorOutput' : undefined,
		});
	if (continueOnFail) {
		// With the error output on, a failing row must come out as an item: a thrown error fails the test as it is.
		const result = await execute();
		return { items: result.outputs.flat(), harness: result.harness };
	}
	let harness: Harness | undefined;
	try {
		const result = await execute();
		return { items: result.outputs.flat(), harness: result.harness };
	} catch (error) {
		// executeNode throws before handing out its harness; a second run is not needed for these checks.
		return { items: [], harness: harness as unknown as Harness, error };
	}
}

/** The errors of the error items among `items`, in order. */
const errorsOf = (items: INodeExecutionData[]) =>
	items.map((item) => errorOf(item.json)).filter((error): error is ItemError => error !== undefined);
/** The message without its "Item N: " prefix (which differs per row by design). */
const withoutItem = (message: string) => message.replace(/^Item \d+: /, '');

describe('a failed login: every row "not sent: login failed (reason)", nothing written', () => {
	it.each([
		['wrong password', { password: 'Not-The-Password-9' }, /Wrong username or password/],
		['locked user', { username: 'frozen', password: 'Frozen-Pass-1' }, /locked/],
		['unknown Account ID', { acctId: 'no-such-data-center' }, /acctID|Account ID|数据中心/],
	])('%s', async (_name, credential, reason) => {
		const { items } = await run(batchSave(), shops(6), { credential });
		const errors = errorsOf(items);
		expect(errors).toHaveLength(6);
		errors.forEach((error, index) => {
			expect(error.message).toMatch(new RegExp(`^Item ${index}: Batch Save not sent: login failed \\(`));
			expect(error.message).toMatch(reason);
			expect(error.message).not.toMatch(/outcome unknown|may have been saved/i);
		});
		// One login attempt for the whole run: the breaker stops the rest at once.
		expect(emulator.stats().byService.ValidateUser).toBe(1);
		expect(emulator.stats().writeLog).toEqual([]);
	});

	it('HTTP 502 on every login: retried a little (read-like), then every row says login failed, never outcome unknown', async () => {
		emulator.setFaults({ loginHttp502NextCalls: 100 });
		const { items } = await run(batchSave({ maxTries: 3 }), shops(6));
		const errors = errorsOf(items);
		expect(errors).toHaveLength(6);
		for (const error of errors) {
			expect(withoutItem(error.message)).toMatch(
				/^Batch Save not sent: login failed \(Kingdee AuthService login answered HTTP 502/,
			);
			expect(error.message).not.toMatch(/outcome unknown|may have been saved/i);
		}
		expect(emulator.stats().byService.ValidateUser).toBe(3);
		expect(emulator.stats().writeLog).toEqual([]);
	});

	it('HTTP 502 on the first login only: the retry logs in and every row is saved', async () => {
		emulator.setFaults({ loginHttp502NextCalls: 1 });
		const { items } = await run(batchSave({ maxTries: 3 }), shops(4));
		expect(items.map((item) => item.json.status)).toEqual(['created', 'created', 'created', 'created']);
		expect(emulator.stats().byService.ValidateUser).toBe(2);
	});

	it('without continue-on-fail the node error says not sent: login failed, for the first item', async () => {
		const { error } = await run(batchSave(), shops(3), {
			continueOnFail: false,
			credential: { password: 'Wrong-Pass-77' },
		});
		expect((error as Error).message).toMatch(
			/^Item 0: Batch Save not sent: login failed \(.*Wrong username or password/,
		);
		expect((error as Error).message).not.toMatch(/outcome unknown/i);
	});
});

describe('circuit breaker: one run, one unfixable failure, no retry storm', () => {
	it('Kingdee unreachable, 50 batches, continue-on-fail: 50 error rows with the same message after a single connection attempt', async () => {
		await emulator.setUnreachable(true);
		const { items, harness } = await run(
			batchSave({ maxTries: 5 }, { batchSize: 1, upsertByNumber: false }),
			shops(50),
		);
		const errors = errorsOf(items);
		expect(errors).toHaveLength(50);
		const messages = new Set(errors.map((error) => withoutItem(error.message)));
		expect(messages.size).toBe(1);
		expect([...messages][0]).toMatch(
			/^Batch Save not sent: .*Kingdee cannot be reached at 127\.0\.0\.1:\d+ \(ECONNREFUSED/,
		);
		// Every HTTP request the node made (n8n's request code, recorded by the harness): the first login only.
		expect(harness.requests).toHaveLength(1);
	});

	it.each([
		['Save', { operation: 'save', formId: form, baseDataFields: 'FCreateOrgId, FUseOrgId', options: { maxTries: 5 } }],
		['View', { operation: 'view', formId: form, numbers: 'S001', options: { maxTries: 5 } }],
		['Submit', { operation: 'submit', formId: form, numbers: 'S001', options: { maxTries: 5 } }],
	])(
		'%s with Kingdee unreachable: one error item per input item, one connection attempt',
		async (_name, parameters) => {
			await emulator.setUnreachable(true);
			const { items, harness } = await run(parameters as INodeParameters, shops(10), {});
			const errors = errorsOf(items);
			expect(errors).toHaveLength(10);
			expect(new Set(errors.map((error) => withoutItem(error.message))).size).toBe(1);
			expect(errors[0].message).toMatch(/ECONNREFUSED/);
			expect(harness.requests).toHaveLength(1);
		},
	);

	it('Query items with a wrong password: one login attempt for all ten items', async () => {
		const query = { operation: 'query', formId: form, fieldKeys: 'FNumber', returnAll: true, options: { maxTries: 5 } };
		const { items } = await run(query, shops(10), { credential: { password: 'Wrong-Pass-77' } });
		expect(errorsOf(items)).toHaveLength(10);
		expect(new Set(errorsOf(items).map((error) => withoutItem(error.message))).size).toBe(1);
		expect(emulator.stats().byService.ValidateUser).toBe(1);
	});

	it('signed headers with a wrong App Secret: the first refusal stops the run (no request per item)', async () => {
		const view = { operation: 'view', formId: form, numbers: 'S001', options: { maxTries: 5 } };
		const { items, harness } = await run(view, shops(8), {
			authType: 'signedHeaders',
			credential: { appSecret: 'f'.repeat(32) },
		});
		expect(errorsOf(items)).toHaveLength(8);
		expect(errorsOf(items)[0].message).toMatch(/rejected the signed request/);
		// The first item's request and its one repeat after the session-lost answer; nothing for the other seven.
		expect(harness.requests).toHaveLength(2);
	});
});

describe('circuit breaker: a server that keeps answering 5xx ends the run (issue 19)', () => {
	it('BatchSave answered 503 forever, 50 batches at one session: 5 BatchSave requests, the rest "not sent", none unknown', async () => {
		emulator.setFaults({ http503Services: ['BatchSave'] });
		const { items } = await run(batchSave({ maxTries: 3 }, { batchSize: 1, upsertByNumber: false }), shops(50));
		const errors = errorsOf(items);
		expect(errors).toHaveLength(50);
		// Batch 1 used its three tries, batch 2 two more: five 503s in a row stop the run.
		expect(emulator.stats().byService.BatchSave).toBe(SERVER_ERROR_RUN_LIMIT);
		expect(emulator.stats().writeLog.filter((entry) => entry.service === 'BatchSave')).toEqual([]);
		for (const error of errors.slice(0, 2)) {
			expect(withoutItem(error.message)).toMatch(
				/^FNumber "S00\d" was not saved — Kingdee BatchSave BD_Customer, batch \d .*answered HTTP 503/,
			);
		}
		for (const error of errors.slice(2)) {
			expect(withoutItem(error.message)).toMatch(
				/^FNumber "S\d+" was not saved — not sent: Kingdee answered HTTP 503 to the last 5 calls; the rest of this run was stopped/,
			);
		}
		for (const error of errors) expect(error.message).not.toMatch(/outcome unknown|may have been saved/i);
	});

	it('the same at five sessions (Parallel Requests 5, default tries): at most two rounds of requests', async () => {
		emulator.setFaults({ http503Services: ['BatchSave'] });
		const { items } = await run(
			batchSave({ maxTries: 5, parallelRequests: 5 }, { batchSize: 1, upsertByNumber: false }),
			shops(50),
		);
		const errors = errorsOf(items);
		expect(errors).toHaveLength(50);
		expect(emulator.stats().byService.BatchSave).toBeLessThanOrEqual(2 * SERVER_ERROR_RUN_LIMIT);
		const notSent = errors.filter((error) =>
			/was not saved — not sent: Kingdee answered HTTP 503 to the last 5 calls/.test(error.message),
		);
		expect(notSent.length).toBeGreaterThanOrEqual(40);
		for (const error of errors) expect(error.message).not.toMatch(/outcome unknown|may have been saved/i);
	});

	it('fewer 5xx in a row than the limit do not stop the run: four HTTP 500 pages, then every row saved', async () => {
		emulator.setFaults({ http500NextCalls: SERVER_ERROR_RUN_LIMIT - 1 });
		const { items } = await run(batchSave({ maxTries: 5 }, { batchSize: 1, upsertByNumber: false }), shops(6));
		expect(items.map((item) => item.json.status)).toEqual(Array(6).fill('created'));
	});
});

describe("one error shape in every mode: n8n's default stop shows the node's own message and text details (issue 19)", () => {
	it.each([
		['Batch Save', batchSave({ maxTries: 5 }, { batchSize: 1, upsertByNumber: false })],
		['View', { operation: 'view', formId: form, numbers: 'S001', options: { maxTries: 5 } } as INodeParameters],
	])(
		"%s with Kingdee unreachable: the message names host and cause, not n8n's generic text",
		async (_name, parameters) => {
			await emulator.setUnreachable(true);
			const stopped = await run(parameters, shops(3), { continueOnFail: false });
			const error = stopped.error as { message: string; description?: string };
			expect(error.message).toMatch(/^Item 0: .*Kingdee cannot be reached at 127\.0\.0\.1:\d+ \(ECONNREFUSED/);
			expect(error.message).not.toMatch(/^The service refused the connection/);
			// The details are lines of text, not a JSON object.
			expect(error.description).toMatch(/^kind: transient$/m);
			expect(error.description).not.toMatch(/^\{/);
			// The same words as the error item of continue-on-fail.
			const continued = await run(parameters, shops(3));
			expect(errorsOf(continued.items)[0].message).toBe(error.message);
		},
	);
});

describe('a Form ID typo is answered about the Form ID (issue 19)', () => {
	const typo = { __rl: true, mode: 'id', value: 'BD_Custmer' };
	it.each([
		['Batch Save (upsert)', batchSave({}, { formId: typo })],
		['Save', { operation: 'save', formId: typo, baseDataFields: 'FCreateOrgId, FUseOrgId', options: { maxTries: 1 } }],
		['View', { operation: 'view', formId: typo, numbers: 'S001', options: { maxTries: 1 } }],
		['Query', { operation: 'query', formId: typo, fieldKeys: 'FNumber', returnAll: true, options: { maxTries: 1 } }],
		['Submit', { operation: 'submit', formId: typo, numbers: 'S001', options: { maxTries: 1 } }],
	])('%s', async (_name, parameters) => {
		const { items } = await run(parameters as INodeParameters, shops(2));
		expect(errorsOf(items)).toHaveLength(2);
		for (const error of errorsOf(items)) {
			expect(error.message).toMatch(/BD_Custmer/);
			expect(error.message).toMatch(/Check the Form ID \(表单标识\): Kingdee knows no form by this ID/);
			expect(error.message).not.toMatch(/Server URL/);
			expect(error.kind).toBe('unknownForm');
		}
	});
});

describe('session ids never leave the node', () => {
	it('an IIS error page echoing the session id and cookie: the node error (message, description, cause, context, JSON) holds none', async () => {
		emulator.setFaults({ echoSessionIdNextCalls: 10 });
		const query = { operation: 'query', formId: form, fieldKeys: 'FNumber', returnAll: true, options: { maxTries: 2 } };
		const { error } = await run(query, [{ json: {} }], { continueOnFail: false });
		expect(error).toBeDefined();
		const text = errorText(error);
		expect(text).toMatch(/HTTP 500/);
		const ids = emulator.issuedSessionIds();
		expect(ids.length).toBeGreaterThanOrEqual(2);
		for (const id of ids) expect(text).not.toContain(id);
		expect(text).not.toContain(account.password);
		// The page did echo them: the redaction, not the emulator, kept them out.
		expect(text).toMatch(/kdservice-sessionid: \*\*\*/i);
	});

	it('an error page naming the session by a 14-character prefix: the prefix reaches no row, report, log or node error', async () => {
		emulator.setFaults({ echoSessionIdPrefixNextCalls: 3 });
		const { items, harness } = await run(batchSave({ maxTries: 1, includeCallReport: true }), shops(4));
		emulator.setFaults({ echoSessionIdPrefixNextCalls: 1 });
		const query = { operation: 'query', formId: form, fieldKeys: 'FNumber', returnAll: true, options: { maxTries: 1 } };
		const { error } = await run(query, [{ json: {} }], { continueOnFail: false });
		const text = JSON.stringify(items) + harness.logs.join('\n') + JSON.stringify(harness.hints) + errorText(error);
		// The page did echo a prefix: the redaction, not the emulator, kept it out.
		expect(text).toMatch(/Session state for context \*\*\*… could not be loaded/);
		const ids = emulator.issuedSessionIds();
		expect(ids.length).toBeGreaterThanOrEqual(2);
		for (const id of ids) expect(text).not.toContain(id.slice(0, 14));
	});

	it('Batch Save rows, the call report and the debug log after echoed session ids hold none of them', async () => {
		emulator.setFaults({ echoSessionIdNextCalls: 3 });
		const { items, harness } = await run(batchSave({ maxTries: 1, includeCallReport: true }), shops(4));
		const text = JSON.stringify(items) + harness.logs.join('\n') + JSON.stringify(harness.hints);
		expect(text).toMatch(/HTTP 500/);
		const ids = emulator.issuedSessionIds();
		expect(ids.length).toBeGreaterThanOrEqual(2);
		for (const id of ids) expect(text).not.toContain(id);
		expect(text).not.toContain(account.password);
	});
});

describe('call report', () => {
	it('a Batch Save with a dropped session shows the re-login; no session id or password in it; summary as hint; each call logged', async () => {
		emulator.setFaults({ dropSessionAfterCalls: 2 });
		const input = shops(6);
		const { items, harness } = await run(batchSave({ includeCallReport: true }), input);
		expect(items.slice(0, 6).map((item) => item.json.status)).toEqual(Array(6).fill('created'));
		const last = items[items.length - 1];
		expect(items).toHaveLength(7);
		expect(last.pairedItem).toEqual(input.map((_, item) => ({ item })));
		const report = last.json.callReport as {
			summary: { calls: number; relogins: number; byCall: Record<string, number> };
			calls: Array<Record<string, unknown>>;
			omitted: number;
		};
		expect(report.omitted).toBe(0);
		expect(report.calls.map((call) => [call.call, call.part, call.outcome])).toEqual(
			expect.arrayContaining([
				['Login', 'login', 'ok'],
				['ExecuteBillQuery BD_Customer', 'lookup 1, page 1', 'ok'],
				['BatchSave BD_Customer', 'batch 1 (rows 1–2)', 'ok'],
				['BatchSave BD_Customer', 'batch 3 (rows 5–6)', 'ok'],
				['Logout', 'logout', 'ok'],
			]),
		);
		// The session died after two calls: the next call got MsgCode 1, then a re-login, then the same call again.
		const lostAt = report.calls.findIndex((call) => call.outcome === 'failed' && call.code === '1');
		expect(lostAt).toBeGreaterThan(0);
		expect(report.calls[lostAt + 1]).toMatchObject({
			call: 'Login',
			relogin: true,
			outcome: 'ok',
			code: 'LoginResultType 1',
		});
		expect(report.calls[lostAt + 2]).toMatchObject({
			call: report.calls[lostAt].call,
			part: report.calls[lostAt].part,
			outcome: 'ok',
		});
		expect(report.summary.relogins).toBe(emulator.stats().logins - 1);
		expect(report.summary.calls).toBe(report.calls.length);
		expect(report.summary.calls).toBe(emulator.stats().calls);
		for (const call of report.calls) {
			expect(call).toMatchObject({
				system: 'kingdee',
				attempt: expect.any(Number),
				startedAt: expect.any(Number),
				durationMs: expect.any(Number),
			});
		}
		const text = JSON.stringify(report) + harness.logs.join('\n');
		for (const id of emulator.issuedSessionIds()) expect(text).not.toContain(id);
		expect(text).not.toContain(account.password);
		expect(harness.hints).toEqual([
			{
				message: expect.stringMatching(/^Kingdee: \d+ API calls \(.*re-login.*\), [\d.]+ s from first to last$/),
				location: 'outputPane',
			},
		]);
		expect(harness.logs.filter((line) => line.startsWith('debug Kingdee '))).toHaveLength(report.calls.length);
	});

	it('is off by default: no extra item, but the summary hint is there', async () => {
		const { items, harness } = await run(batchSave(), shops(2));
		expect(items).toHaveLength(2);
		expect(items.some((item) => item.json.callReport !== undefined)).toBe(false);
		expect(harness.hints).toHaveLength(1);
		expect(harness.hints[0].message).toMatch(/^Kingdee: 4 API calls, /);
	});

	it('calls the breaker stopped are reported as skipped', async () => {
		const view = { operation: 'view', formId: form, numbers: 'S001', options: { includeCallReport: true } };
		const { items } = await run(view, shops(3), { credential: { password: 'Wrong-Pass-77' } });
		const report = items[items.length - 1].json.callReport as {
			summary: { skipped: number; failed: number };
			calls: Array<Record<string, unknown>>;
		};
		expect(report.calls.map((call) => [call.call, call.outcome])).toEqual([
			['Login', 'failed'],
			['View BD_Customer', 'skipped'],
			['View BD_Customer', 'skipped'],
		]);
		expect(report.calls[0].code).toBe('LoginResultType 0');
		expect(report.summary).toMatchObject({ skipped: 2, failed: 1 });
	});
});

describe('parse failures name the service, the form, the batch and a snippet', () => {
	let server: http.Server;
	let serverUrl: string;
	/** Answers the login like Kingdee and queries with no rows; everything else with an nginx page (HTTP 200). */
	beforeEach(async () => {
		server = http.createServer((req, res) => {
			req.resume();
			req.on('end', () => {
				const url = req.url ?? '';
				if (/AuthService\.(ValidateUser|Logout)/i.test(url)) {
					res.writeHead(200, { 'Content-Type': 'application/json' });
					res.end(
						JSON.stringify({
							LoginResultType: 1,
							Message: null,
							KDSVCSessionId: 'abcdef01-2345-6789-abcd-ef0123456789',
						}),
					);
				} else if (/ExecuteBillQuery/i.test(url) && !/page2/.test(url)) {
					res.writeHead(200, { 'Content-Type': 'application/json' });
					res.end('[]');
				} else {
					res.writeHead(200, { 'Content-Type': 'text/html' });
					res.end('<html><body><h1>Welcome to nginx!</h1></body></html>');
				}
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/k3cloud/`;
	});
	afterEach(async () => await new Promise<void>((resolve) => server.close(() => resolve())));

	it('Batch Save: the row names BatchSave, the form, the batch and the page text', async () => {
		const { items } = await run(batchSave({ maxTries: 1 }), shops(3), { credential: { serverUrl } });
		const errors = errorsOf(items);
		expect(errors).toHaveLength(3);
		expect(errors[2].message).toMatch(
			/BatchSave BD_Customer, batch 2 \(rows 3–3\) answered with something that is not JSON.*Welcome to nginx!/,
		);
		expect(errors[0].message).toMatch(/batch 1 \(rows 1–2\)/);
	});

	it('View: the node error names View, the form and the page text', async () => {
		const view = { operation: 'view', formId: form, numbers: 'S001', options: { maxTries: 1 } };
		const { error } = await run(view, [{ json: {} }], { continueOnFail: false, credential: { serverUrl } });
		expect((error as Error).message).toMatch(
			/View BD_Customer answered with something that is not JSON \(check the Server URL\): Welcome to nginx!/,
		);
	});
});
