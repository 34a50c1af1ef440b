/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets */
/**
 * A local emulator of the Kingdee Cloud Galaxy (金蝶云星空) WebAPI, faithful to
 * docs/kingdee-webapi.md including its quirks: every login mode, cookie/header sessions
 * with sliding expiry, signed headers, per-session serialisation, BatchSave with DIndex semantics,
 * status flow, queries, form metadata (QueryBusinessInfo), and injectable faults. Only Node built-ins and the repo's signing module.
 *
 * Order of a DynamicFormService call: wait for the session's queue → latency → injected HTTP 500 /
 * response_error / MsgCode 14 → authentication (session or signed headers) → operation →
 * optionally "commit then never answer".
 */
import * as http from 'http';
import type { Socket } from 'net';
import { listenOnLoopback } from '../loopback';
import { createRandom, deriveSeed } from '../jikeyun/prng';

import { type LoginSignAlgorithm } from './signatures';
import { presentedSessionIds, SessionRegistry, sessionCookies, type EmulatorUser, type Session } from './auth';
import {
	allocate,
	audit,
	batchSave,
	deleteRecords,
	executeOperation,
	save,
	submit,
	unAudit,
	view,
	type OperationContext,
} from './operations';
import { queryBusinessInfo } from './metadata';
import { seedRecords as seedStoredRecords } from './seeding';
import { billQuery } from './query';
import { FORM_DEFINITIONS, getCaseInsensitive, isPlainObject, KingdeeStore, type StoredRecord } from './store';
import {
	BadRequestBody,
	extractArguments,
	failureBody,
	IIS_ERROR_PAGE,
	resolveService,
	responseErrorText,
	scalarText,
	sessionLostBody,
	WRITE_SERVICES,
	wrapForService,
	type ServiceInfo,
} from './wire';

export const DEFAULT_KINGDEE_ACCOUNT = {
	acctId: '5db25ac8d2b819',
	username: 'webapi',
	password: 'Kd-Pass-2024!',
	appId: '204399_72epSbtEQMC92Vwt2d3LRa9LRqSc1tqJ',
	appSecret: 'fb7d46647ac346dbb5fcd45b65512a45',
	lcid: 2052,
};

export interface KingdeeFaults {
	latencyMs?: number;
	perRowLatencyMs?: number;
	http500NextCalls?: number;
	msgCode14NextCalls?: number;
	responseErrorNextCalls?: number;
	dropSessionAfterCalls?: number;
	commitThenTimeoutNextCalls?: number;
	failNumbers?: string[];
	/**
	 * Lost answers of writes, consumed one per matching write call (BatchSave, Save, UnAudit, …), first match first.
	 * `service` limits an entry to one service (e.g. 'BatchSave'); absent = any write service.
	 */
	writeFaults?: Array<{ service?: string; fault: KingdeeWriteFault }>;
	/** The next N login calls (not Logout) get an IIS-style HTTP 502 HTML page; nothing is processed. */
	loginHttp502NextCalls?: number;
	/**
	 * The next N authenticated (form) calls fail with an HTTP 500 HTML page that echoes the caller's session ids and
	 * Cookie header, as a misconfigured IIS/ASP.NET error page does; nothing is processed.
	 */
	echoSessionIdNextCalls?: number;
	/**
	 * The next N authenticated (form) calls fail with an HTTP 500 HTML page that names only the first 14 characters of
	 * the caller's session id (a page that cuts the id short); nothing is processed.
	 */
	echoSessionIdPrefixNextCalls?: number;
	/**
	 * Every call of these services (e.g. `['BatchSave']`) is answered with IIS's HTTP 503 page for as long as the fault
	 * is set (an application pool that stays stopped); nothing is processed.
	 */
	http503Services?: string[];
	/**
	 * 0..1: seeded probability that an authenticated (form) call fails before processing with HTTP 503 or a
	 * `response_error:` exception (nothing committed).
	 */
	transientFailureRate?: number;
	/**
	 * Kingdee unreachable right after an UnAudit: once the next UnAudit has been processed and answered, the next
	 * `calls` calls of any service (logins included) fail before processing, with a connection reset (`reset`, the
	 * default) or an HTTP 503 page (`http503`). One-shot: consumed by the first UnAudit.
	 */
	unreachableAfterUnAudit?: { calls: number; as?: 'reset' | 'http503' };
	/**
	 * A number appears meanwhile (a lost race with another worker): right before the next Save or BatchSave of
	 * `formId` is processed, `records` are stored as `seedRecords` stores them (audited unless they say otherwise); a
	 * record whose number the organisation already holds is left out. One-shot.
	 */
	insertBeforeNextSave?: { formId: string; records: Array<Record<string, unknown>> };
}

/**
 * How the answer of a write gets lost:
 * - dropBeforeServer: the connection is reset before the request is processed (nothing committed);
 * - responseErrorBeforeCommit: a `response_error:` server exception before anything is processed;
 * - resetAfterCommit: processed (committed, or rejected per row), then the connection is reset;
 * - http500AfterCommit / htmlAfterCommit: processed, then an IIS error page (HTTP 500 / HTTP 200 HTML);
 * - truncatedAfterCommit: processed, then the JSON answer cut in half with HTTP 200;
 * - emptyAfterCommit: processed, then HTTP 200 with an empty body.
 */
export type KingdeeWriteFault =
	| 'dropBeforeServer'
	| 'responseErrorBeforeCommit'
	| 'resetAfterCommit'
	| 'http500AfterCommit'
	| 'htmlAfterCommit'
	| 'truncatedAfterCommit'
	| 'emptyAfterCommit';

export interface KingdeeEmulatorOptions {
	port?: number;
	users?: Array<{ username: string; password: string; appId?: string; appSecret?: string; locked?: boolean }>;
	acctId?: string;
	orgs?: string[];
	sessionIdleMinutes?: number;
	maxQueryLimit?: number;
	faults?: KingdeeFaults;
	/** LoginBySign hashes accepted (default both: SHA-256 of current servers, SHA-1 of pre-PT-146911 ones). */
	loginSignAlgorithms?: LoginSignAlgorithm[];
	/** Clock for session expiry and record dates (tests inject one to expire sessions without waiting). */
	now?: () => number;
	/** Seed of the transientFailureRate draws (default 1): the same seed fails the same calls. */
	seed?: number;
}

export interface KingdeeEmulatorStats {
	calls: number;
	/**
	 * Every authenticated write call in arrival order: service, the package numbers (Save/BatchSave) or the
	 * Numbers/Ids it names, and the injected fault that lost its answer, if any.
	 */
	writeLog: Array<{ service: string; numbers: string[]; ids: string[]; fault?: KingdeeWriteFault }>;
	byService: Record<string, number>;
	logins: number;
	sessionsLost: number;
	/** Highest number of requests of one session processed at the same time (1 = serialised). */
	maxConcurrencyPerSession: number;
	/** Highest number of API requests processed at the same time overall. */
	maxConcurrencyOverall: number;
}

export interface KingdeeEmulator {
	serverUrl: string;
	port: number;
	acctId: string;
	close(): Promise<void>;
	setFaults(faults: KingdeeFaults): void;
	records(formId: string): Array<Record<string, unknown>>;
	/**
	 * Stores records directly (no validation but unique numbers): audited unless `make` sets `FDocumentStatus` (A, B, C
	 * or D); a record with `FUseOrgId` other than its `FCreateOrgId` is a copy allocated to that organisation.
	 */
	seedRecords(formId: string, count: number, make?: (i: number) => Record<string, unknown>): void;
	dropAllSessions(): void;
	stats(): KingdeeEmulatorStats;
	resetStats(): void;
	/**
	 * true: close the listener so connections are refused (ECONNREFUSED) on the same port; false: listen again on it.
	 * In-process only: the admin endpoints share the API port, so they are unreachable too while it is closed.
	 */
	setUnreachable(unreachable: boolean): Promise<void>;
	/** Every session id issued so far (KDSVCSessionId / kdservice-sessionid and ASP.NET_SessionId), for secret scans. */
	issuedSessionIds(): string[];
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

const BAD_GATEWAY_PAGE =
	'<!DOCTYPE html>\r\n<html><head><title>502 - Web server received an invalid response while acting as a gateway or proxy server.</title></head>' +
	'<body><h1>Server Error</h1><h2>502 - Web server received an invalid response while acting as a gateway or proxy server.</h2>' +
	'<p>Kingdee emulator: injected HTTP 502 on login.</p></body></html>';

const SERVICE_UNAVAILABLE_PAGE =
	'<!DOCTYPE html>\r\n<html><head><title>Service Unavailable</title></head>' +
	'<body><h1>Service Unavailable</h1><p>HTTP Error 503. The service is unavailable (Kingdee emulator: injected transient failure).</p></body></html>';

/** An ASP.NET error page with request details, as a server with customErrors off shows them (session ids included). */
function sessionEchoPage(req: http.IncomingMessage): string {
	const lines = ['kdservice-sessionid', 'sid', 'cookie', 'x-kd-appdata', 'x-kd-signature']
		.map((name) => [name, req.headers[name]] as const)
		.filter(([, value]) => value !== undefined)
		.map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
	return (
		'<!DOCTYPE html>\r\n<html><head><title>Runtime Error</title></head><body>' +
		"<h1>Server Error in '/K3Cloud' Application.</h1><h2><i>Object reference not set to an instance of an object.</i></h2>" +
		`<pre>Request headers:\r\n${lines.join('\r\n')}</pre></body></html>`
	);
}

/** An error page that names the session by the first 14 characters of its id, as a page that cuts ids short does. */
function sessionPrefixEchoPage(req: http.IncomingMessage): string {
	const header = req.headers['kdservice-sessionid'];
	const cookie = /(?:kdservice-sessionid|ASP\.NET_SessionId)=([^;]+)/i.exec(String(req.headers.cookie ?? ''))?.[1];
	const id = (typeof header === 'string' ? header : undefined) ?? cookie ?? '';
	return (
		'<!DOCTYPE html>\r\n<html><head><title>Runtime Error</title></head><body>' +
		"<h1>Server Error in '/K3Cloud' Application.</h1>" +
		`<p>Session state for context ${id.slice(0, 14)}… could not be loaded.</p></body></html>`
	);
}

class EmulatorClosed extends Error {}

interface Reply {
	status: number;
	body: string;
	contentType: string;
	cookies?: string[];
}

function jsonReply(value: unknown, cookies?: string[]): Reply {
	return { status: 200, body: JSON.stringify(value), contentType: JSON_TYPE, cookies };
}

function emptyStats(): KingdeeEmulatorStats {
	return {
		calls: 0,
		writeLog: [],
		byService: {},
		logins: 0,
		sessionsLost: 0,
		maxConcurrencyPerSession: 0,
		maxConcurrencyOverall: 0,
	};
}

export async function startKingdeeEmulator(options: KingdeeEmulatorOptions = {}): Promise<KingdeeEmulator> {
	const acctId = options.acctId ?? DEFAULT_KINGDEE_ACCOUNT.acctId;
	const users: EmulatorUser[] = (
		options.users ?? [
			{
				username: DEFAULT_KINGDEE_ACCOUNT.username,
				password: DEFAULT_KINGDEE_ACCOUNT.password,
				appId: DEFAULT_KINGDEE_ACCOUNT.appId,
				appSecret: DEFAULT_KINGDEE_ACCOUNT.appSecret,
			},
		]
	).map((u) => ({ ...u }));
	const now = options.now ?? (() => Date.now());
	const maxQueryLimit = options.maxQueryLimit ?? 2000;
	const store = new KingdeeStore(options.orgs ?? ['100', '101', '102']);
	const sessions = new SessionRegistry({
		acctId,
		users,
		sessionIdleMinutes: options.sessionIdleMinutes ?? 20,
		loginSignAlgorithms: options.loginSignAlgorithms ?? ['sha256', 'sha1'],
		now,
	});
	let faults: KingdeeFaults = { ...(options.faults ?? {}) };
	const transientRandom = createRandom(deriveSeed(options.seed ?? 1, 'kingdee-transient'));
	let stats = emptyStats();
	let closed = false;

	const sockets = new Set<Socket>();
	const pendingSleeps = new Set<{ timer: NodeJS.Timeout; reject: (error: Error) => void }>();
	const sleep = (ms: number) =>
		new Promise<void>((resolve, reject) => {
			if (closed) return reject(new EmulatorClosed());
			if (!(ms > 0)) return resolve();
			const entry = {
				timer: setTimeout(() => {
					pendingSleeps.delete(entry);
					resolve();
				}, ms),
				reject,
			};
			pendingSleeps.add(entry);
		});

	// Per-session serialisation: requests presenting the same session run one after another, as IIS
	// queues them; other sessions (and requests without one) run concurrently.
	const queues = new Map<string, Promise<void>>();
	const activeBySession = new Map<string, number>();
	let activeOverall = 0;
	async function serialised<T>(key: string | undefined, work: () => Promise<T>): Promise<T> {
		let release = () => {};
		if (key !== undefined) {
			const previous = queues.get(key) ?? Promise.resolve();
			const mine = new Promise<void>((resolve) => (release = resolve));
			const tail = previous.then(() => mine);
			queues.set(key, tail);
			await previous;
			const finish = release;
			release = () => {
				finish();
				if (queues.get(key) === tail) queues.delete(key);
			};
		}
		activeOverall++;
		stats.maxConcurrencyOverall = Math.max(stats.maxConcurrencyOverall, activeOverall);
		if (key !== undefined) {
			const active = (activeBySession.get(key) ?? 0) + 1;
			activeBySession.set(key, active);
			stats.maxConcurrencyPerSession = Math.max(stats.maxConcurrencyPerSession, active);
		}
		try {
			return await work();
		} finally {
			activeOverall--;
			if (key !== undefined) {
				const active = (activeBySession.get(key) ?? 1) - 1;
				if (active === 0) activeBySession.delete(key);
				else activeBySession.set(key, active);
			}
			release();
		}
	}

	/** Consumes one unit of a "next N calls" fault counter. */
	function takeFault(
		name:
			| 'http500NextCalls'
			| 'msgCode14NextCalls'
			| 'responseErrorNextCalls'
			| 'commitThenTimeoutNextCalls'
			| 'loginHttp502NextCalls'
			| 'echoSessionIdNextCalls'
			| 'echoSessionIdPrefixNextCalls',
	): boolean {
		const remaining = faults[name] ?? 0;
		if (remaining <= 0) return false;
		faults[name] = remaining - 1;
		return true;
	}

	function takeWriteFault(service: ServiceInfo): KingdeeWriteFault | undefined {
		if (!WRITE_SERVICES.has(service.name)) return undefined;
		const list = faults.writeFaults ?? [];
		const index = list.findIndex(
			(entry) => !entry.service || entry.service.toLowerCase() === service.name.toLowerCase(),
		);
		if (index < 0) return undefined;
		const [entry] = list.splice(index, 1);
		return entry.fault;
	}

	function logWrite(service: ServiceInfo, args: Record<string, unknown>, fault: KingdeeWriteFault | undefined): void {
		if (!WRITE_SERVICES.has(service.name)) return;
		let data: unknown = args.data;
		if (typeof data === 'string') {
			try {
				data = JSON.parse(data);
			} catch {
				data = undefined;
			}
		}
		const object = isPlainObject(data) ? data : {};
		const model = getCaseInsensitive(object, 'Model');
		const packages = Array.isArray(model) ? model : model === undefined ? [] : [model];
		const numbers = packages
			.map((pkg) =>
				isPlainObject(pkg)
					? scalarText(getCaseInsensitive(pkg, 'FNumber') ?? getCaseInsensitive(pkg, 'FBillNo'))
					: undefined,
			)
			.filter((n): n is string => n !== undefined);
		const listed = getCaseInsensitive(object, 'Numbers');
		if (Array.isArray(listed)) numbers.push(...listed.map((n) => String(n)));
		const idsValue = getCaseInsensitive(object, 'Ids') ?? getCaseInsensitive(object, 'PkIds');
		const ids =
			typeof idsValue === 'string'
				? idsValue
						.split(',')
						.map((id) => id.trim())
						.filter(Boolean)
				: [];
		stats.writeLog.push({ service: service.name, numbers, ids, ...(fault ? { fault } : {}) });
	}

	function injectedFailure(service: ServiceInfo, req: http.IncomingMessage): Reply | undefined {
		if (service.kind === 'auth' && service.name !== 'Logout' && takeFault('loginHttp502NextCalls'))
			return { status: 502, body: BAD_GATEWAY_PAGE, contentType: HTML_TYPE };
		if (service.kind === 'form' && takeFault('echoSessionIdNextCalls'))
			return { status: 500, body: sessionEchoPage(req), contentType: HTML_TYPE };
		if (service.kind === 'form' && takeFault('echoSessionIdPrefixNextCalls'))
			return { status: 500, body: sessionPrefixEchoPage(req), contentType: HTML_TYPE };
		if (faults.http503Services?.some((name) => name.toLowerCase() === service.name.toLowerCase()))
			return { status: 503, body: SERVICE_UNAVAILABLE_PAGE, contentType: HTML_TYPE };
		const rate = faults.transientFailureRate ?? 0;
		if (service.kind === 'form' && rate > 0 && transientRandom() < rate) {
			if (transientRandom() < 0.5) return { status: 503, body: SERVICE_UNAVAILABLE_PAGE, contentType: HTML_TYPE };
			return {
				status: 200,
				body: responseErrorText('服务器内部异常：模拟器注入的临时故障（请稍后重试）'),
				contentType: TEXT_TYPE,
			};
		}
		if (takeFault('http500NextCalls'))
			return { status: 500, body: IIS_ERROR_PAGE, contentType: 'text/html; charset=utf-8' };
		if (takeFault('responseErrorNextCalls')) {
			return {
				status: 200,
				body: responseErrorText(
					'服务器内部异常：模拟器注入的异常（Object reference not set to an instance of an object.）',
				),
				contentType: TEXT_TYPE,
			};
		}
		// MsgCode 14 is a DynamicFormService status; login replies have no such envelope.
		if (service.kind === 'form' && takeFault('msgCode14NextCalls')) {
			return jsonReply(wrapForService(service.name, failureBody(14, '调用限制：接口调用过于频繁，请稍后再试')));
		}
		return undefined;
	}

	function operationContext(): OperationContext {
		return { store, now, sleep, perRowLatencyMs: faults.perRowLatencyMs ?? 0, failNumbers: faults.failNumbers ?? [] };
	}

	async function runOperation(service: ServiceInfo, args: Record<string, unknown>): Promise<unknown> {
		const ctx = operationContext();
		switch (service.name) {
			case 'Save':
				return save(ctx, args.formid, args.data);
			case 'BatchSave':
				return batchSave(ctx, args.formid, args.data);
			case 'Submit':
				return submit(ctx, args.formid, args.data);
			case 'Audit':
				return audit(ctx, args.formid, args.data);
			case 'UnAudit':
				return unAudit(ctx, args.formid, args.data);
			case 'Delete':
				return deleteRecords(ctx, args.formid, args.data);
			case 'View':
				return view(ctx, args.formid, args.data);
			case 'Allocate':
				return allocate(ctx, args.formid, args.data, false);
			case 'CancelAllocate':
				return allocate(ctx, args.formid, args.data, true);
			case 'ExcuteOperation':
			case 'ExecuteOperation':
				return executeOperation(ctx, args.formid, args.opnumber, args.data);
			case 'QueryBusinessInfo':
				return queryBusinessInfo(args.data);
			default: {
				const result = billQuery(store, args.data, service.name === 'BillQuery', { maxQueryLimit });
				return result.rows ?? [[result.failure]];
			}
		}
	}

	/** Authenticates a form call: a live session, else signed headers, else the session-lost reply. */
	function authenticate(
		req: http.IncomingMessage,
		ids: string[],
		pathname: string,
	): { session: Session; cookies?: string[] } | { reply: 'lost' | 'wrongAcct' } {
		const live = sessions.use(ids, faults.dropSessionAfterCalls);
		if (live) return { session: live };
		const signed = sessions.verifySignedHeaders(req.headers, pathname);
		if (signed.outcome === 'ok') {
			stats.logins++;
			return { session: signed.session, cookies: sessionCookies(signed.session) };
		}
		if (signed.outcome === 'wrongAcct') return { reply: 'wrongAcct' };
		return { reply: 'lost' };
	}

	/** Calls still to fail after an UnAudit (`unreachableAfterUnAudit`), and how. */
	let outage = { remaining: 0, as: 'reset' as 'reset' | 'http503' };

	function outageReply(): Reply | 'reset' | undefined {
		if (outage.remaining <= 0) return undefined;
		outage.remaining--;
		return outage.as === 'http503' ? { status: 503, body: SERVICE_UNAVAILABLE_PAGE, contentType: HTML_TYPE } : 'reset';
	}

	/** Arms `unreachableAfterUnAudit` once an UnAudit has been processed. */
	function afterOperation(service: ServiceInfo): void {
		const pending = faults.unreachableAfterUnAudit;
		if (service.name !== 'UnAudit' || !pending) return;
		delete faults.unreachableAfterUnAudit;
		outage = { remaining: Math.max(0, Math.floor(pending.calls)), as: pending.as ?? 'reset' };
	}

	/** `insertBeforeNextSave`: another worker's records land right before this save is processed. */
	function beforeOperation(service: ServiceInfo, args: Record<string, unknown>): void {
		const pending = faults.insertBeforeNextSave;
		if (!pending || (service.name !== 'Save' && service.name !== 'BatchSave')) return;
		if ((scalarText(args.formid) ?? '').trim().toLowerCase() !== pending.formId.toLowerCase()) return;
		delete faults.insertBeforeNextSave;
		for (const fields of pending.records) {
			const table = store.table(pending.formId);
			const number = scalarText(getCaseInsensitive(fields, 'FNumber') ?? getCaseInsensitive(fields, 'FBillNo'));
			const useOrg = getCaseInsensitive(fields, 'FUseOrgId') ?? getCaseInsensitive(fields, 'FCreateOrgId');
			const useOrgNumber = isPlainObject(useOrg)
				? scalarText(getCaseInsensitive(useOrg, 'FNumber'))
				: scalarText(useOrg);
			if (table && number && table.numberHolder(number, useOrgNumber ?? store.orgs[0].number)) continue;
			seedRecords(pending.formId, 1, () => fields);
		}
	}

	async function handleApiCall(
		req: http.IncomingMessage,
		service: ServiceInfo,
		pathname: string,
		bodyText: string,
	): Promise<Reply | 'hang' | 'reset'> {
		const unreachable = outageReply();
		if (unreachable) return unreachable;
		let args: Record<string, unknown>;
		try {
			args = extractArguments(bodyText.trim() === '' ? {} : JSON.parse(bodyText), service);
		} catch (error) {
			const message = error instanceof BadRequestBody ? error.message : '请求体不是有效的 JSON';
			return { status: 200, body: responseErrorText(message), contentType: TEXT_TYPE };
		}
		const ids = presentedSessionIds(req.headers);

		if (service.kind === 'auth') {
			await sleep(faults.latencyMs ?? 0);
			const injected = injectedFailure(service, req);
			if (injected) return injected;
			if (service.name === 'Logout') {
				const session = sessions.find(ids);
				if (session) sessions.remove(session);
				return jsonReply(!!session);
			}
			const login = sessions.login(service.name, args);
			if (!login.session) return jsonReply(login.body);
			stats.logins++;
			return jsonReply(login.body, sessionCookies(login.session));
		}

		const known = sessions.find(ids);
		return serialised(known ? known.kdsvcSessionId : undefined, async () => {
			if (closed) throw new EmulatorClosed();
			await sleep(faults.latencyMs ?? 0);
			const injected = injectedFailure(service, req);
			if (injected) return injected;
			const auth = authenticate(req, ids, pathname);
			if ('reply' in auth) {
				if (auth.reply === 'wrongAcct')
					return { status: 401, body: 'Fail to verify thirty passport', contentType: TEXT_TYPE };
				stats.sessionsLost++;
				return jsonReply(wrapForService(service.name, sessionLostBody()));
			}
			const writeFault = takeWriteFault(service);
			logWrite(service, args, writeFault);
			if (writeFault === 'dropBeforeServer') return 'reset';
			if (writeFault === 'responseErrorBeforeCommit') {
				return {
					status: 200,
					body: responseErrorText('服务器内部异常：模拟器注入的异常（保存前）'),
					contentType: TEXT_TYPE,
				};
			}
			beforeOperation(service, args);
			const result = await runOperation(service, args);
			afterOperation(service);
			if (WRITE_SERVICES.has(service.name) && takeFault('commitThenTimeoutNextCalls')) return 'hang';
			const reply = jsonReply(result, auth.cookies);
			switch (writeFault) {
				case 'resetAfterCommit':
					return 'reset';
				case 'http500AfterCommit':
					return { status: 500, body: IIS_ERROR_PAGE, contentType: 'text/html; charset=utf-8' };
				case 'htmlAfterCommit':
					return { status: 200, body: IIS_ERROR_PAGE, contentType: 'text/html; charset=utf-8' };
				case 'truncatedAfterCommit':
					return { ...reply, body: reply.body.slice(0, Math.floor(reply.body.length / 2)) };
				case 'emptyAfterCommit':
					return { ...reply, body: '' };
				default:
					return reply;
			}
		});
	}

	function send(res: http.ServerResponse, reply: Reply): void {
		if (res.destroyed || res.headersSent) return;
		const headers: http.OutgoingHttpHeaders = { 'Content-Type': reply.contentType, 'Cache-Control': 'private' };
		if (reply.cookies) headers['Set-Cookie'] = reply.cookies;
		res.writeHead(reply.status, headers);
		res.end(reply.body);
	}

	function readBody(req: http.IncomingMessage): Promise<string | undefined> {
		return new Promise((resolve) => {
			const chunks: Buffer[] = [];
			let size = 0;
			req.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size <= MAX_BODY_BYTES) chunks.push(chunk);
			});
			req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
			req.on('error', () => resolve(undefined));
		});
	}

	function records(formId: string): StoredRecord[] {
		const table = store.table(formId);
		if (!table)
			throw new Error(
				`The Kingdee emulator has no form "${formId}" (known: ${FORM_DEFINITIONS.map((d) => d.formId).join(', ')})`,
			);
		return table.all().map((record) => JSON.parse(JSON.stringify(record)) as StoredRecord);
	}

	function seedRecords(formId: string, count: number, make?: (i: number) => Record<string, unknown>): void {
		seedStoredRecords(store, now(), formId, count, make);
	}

	function setFaults(next: KingdeeFaults): void {
		faults = { ...next, writeFaults: next.writeFaults?.map((entry) => ({ ...entry })) };
		// A new fault set ends an outage in progress, as it replaces every other fault.
		outage = { remaining: 0, as: 'reset' };
	}

	function resetStats(): void {
		stats = emptyStats();
	}

	function snapshotStats(): KingdeeEmulatorStats {
		return { ...stats, byService: { ...stats.byService }, writeLog: stats.writeLog.map((entry) => ({ ...entry })) };
	}

	async function handleAdmin(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
		const route = `${req.method ?? ''} ${url.pathname}`;
		const bodyText = (await readBody(req)) ?? '';
		let body: Record<string, unknown> = {};
		try {
			body = bodyText.trim() ? (JSON.parse(bodyText) as Record<string, unknown>) : {};
		} catch {
			return send(res, { status: 400, body: JSON.stringify({ error: 'invalid JSON' }), contentType: JSON_TYPE });
		}
		try {
			switch (route) {
				case 'GET /__admin/records':
					return send(res, jsonReply(records(url.searchParams.get('formId') ?? 'BD_Customer')));
				case 'POST /__admin/records/seed': {
					// `records`: the fields of each record (status, organisations, …); `count` alone: default records.
					const given = Array.isArray(body.records) ? (body.records as Array<Record<string, unknown>>) : undefined;
					const count = given ? given.length : Number(body.count) || 0;
					seedRecords(String(body.formId ?? 'BD_Customer'), count, given ? (i) => given[i] : undefined);
					return send(res, jsonReply({ ok: true }));
				}
				case 'POST /__admin/faults':
					setFaults(body as KingdeeFaults);
					return send(res, jsonReply({ ok: true, faults }));
				case 'GET /__admin/faults':
					return send(res, jsonReply(faults));
				case 'GET /__admin/stats':
					return send(res, jsonReply(snapshotStats()));
				case 'POST /__admin/stats/reset':
					resetStats();
					return send(res, jsonReply({ ok: true }));
				case 'POST /__admin/reset':
					store.clear();
					sessions.clear();
					return send(res, jsonReply({ ok: true }));
				default:
					return send(res, {
						status: 404,
						body: JSON.stringify({ error: `no admin route ${route}` }),
						contentType: JSON_TYPE,
					});
			}
		} catch (error) {
			return send(res, {
				status: 404,
				body: JSON.stringify({ error: (error as Error).message }),
				contentType: JSON_TYPE,
			});
		}
	}

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		if (url.pathname.startsWith('/__admin/')) return handleAdmin(req, res, url);

		const resolved = resolveService(url.pathname);
		if (resolved) stats.calls++;
		if (!resolved || !resolved.service) {
			req.resume();
			const what = resolved ? `服务方法“${resolved.rawName}”不存在，或模拟器不支持` : '请求的地址不是 WebAPI 服务';
			return send(res, { status: 404, body: responseErrorText(what), contentType: TEXT_TYPE });
		}
		const service = resolved.service;
		stats.byService[service.name] = (stats.byService[service.name] ?? 0) + 1;
		if (req.method !== 'POST') {
			req.resume();
			return send(res, { status: 405, body: responseErrorText('WebAPI 只接受 POST 请求'), contentType: TEXT_TYPE });
		}
		const bodyText = await readBody(req);
		if (bodyText === undefined) {
			return send(res, { status: 413, body: responseErrorText('请求体过大'), contentType: TEXT_TYPE });
		}
		const reply = await handleApiCall(req, service, url.pathname, bodyText);
		// "Commit then time out": the write happened; the socket stays open without an answer until
		// the client gives up (or close() destroys it).
		if (reply === 'hang') return;
		// A lost answer: the TCP connection is reset without any HTTP response.
		if (reply === 'reset') {
			res.socket?.resetAndDestroy();
			return;
		}
		send(res, reply);
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			if (error instanceof EmulatorClosed || closed) {
				res.destroy();
				return;
			}
			send(res, {
				status: 200,
				body: responseErrorText('服务器内部异常：模拟器处理请求时出错'),
				contentType: TEXT_TYPE,
			});
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('clientError', (_error, socket) => socket.destroy());

	const port = await listenOnLoopback(server, options.port ?? 0);
	let unreachable = false;

	async function setUnreachable(next: boolean): Promise<void> {
		if (closed || next === unreachable) return;
		unreachable = next;
		if (next) {
			const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const socket of sockets) socket.destroy();
			sockets.clear();
			await stopped;
		} else {
			await listenOnLoopback(server, port);
		}
	}

	return {
		serverUrl: `http://127.0.0.1:${port}/k3cloud/`,
		port,
		acctId,
		async close() {
			if (closed) return;
			closed = true;
			for (const entry of pendingSleeps) {
				clearTimeout(entry.timer);
				entry.reject(new EmulatorClosed());
			}
			pendingSleeps.clear();
			const stopped = unreachable ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
			for (const socket of sockets) socket.destroy();
			sockets.clear();
			await stopped;
		},
		setFaults,
		setUnreachable,
		issuedSessionIds: () => sessions.issuedIds(),
		records,
		seedRecords,
		dropAllSessions: () => sessions.clear(),
		stats: snapshotStats,
		resetStats,
	};
}
