/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets */
/**
 * A local emulator of the Kingdee Cloud Galaxy (金蝶云星空) WebAPI, faithful to
 * docs/kingdee-webapi.md including its quirks: every login mode, cookie/header sessions
 * with sliding expiry, signed headers, per-session serialisation, BatchSave with DIndex semantics,
 * status flow, queries, form metadata (QueryBusinessInfo), and injectable faults. Only Node built-ins and the repo's signing module.
 *
 * The parts: `routes.ts` (the service table and its handlers under `services/`), `dispatch.ts` (one call, in the
 * order docs/kingdee-webapi.md#emulator-choices gives), `faults.ts`, `scheduling.ts` (sessions served one request at a
 * time), `admin.ts` (the `/__admin/` endpoints), `seeding.ts`, `stats.ts`. This module starts the HTTP server and
 * hands out the emulator's API.
 */
import * as http from 'http';
import type { Socket } from 'net';
import { listenOnLoopback } from '../loopback';
import { handleAdmin } from './admin';
import { SessionRegistry, type EmulatorUser } from './auth';
import { handleApiCall, type EmulatorState } from './dispatch';
import { FaultInjector, type KingdeeFaults } from './faults';
import { readBody, send, textReply, type Reply } from './replies';
import { resolveService } from './routes';
import { SessionQueues, Sleeper, EmulatorClosed } from './scheduling';
import { insertUnlessHeld, seedCatalog, seedRecords as seedStoredRecords, type SalesCatalog } from './seeding';
import { type LoginSignAlgorithm } from './signatures';
import { copyStats, emptyStats, type KingdeeEmulatorStats } from './stats';
import { FORM_DEFINITIONS, KingdeeStore, type StoredRecord } from './store';
import { responseErrorText } from './wire';

export type { KingdeeFaults, KingdeeWriteFault } from './faults';
export type { KingdeeEmulatorStats } from './stats';

export const DEFAULT_KINGDEE_ACCOUNT = {
	acctId: '5db25ac8d2b819',
	username: 'webapi',
	password: 'Kd-Pass-2024!',
	appId: '204399_72epSbtEQMC92Vwt2d3LRa9LRqSc1tqJ',
	appSecret: 'fb7d46647ac346dbb5fcd45b65512a45',
	lcid: 2052,
};

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
	/**
	 * Materials (BD_MATERIAL) and stocks (BD_STOCK) of the first organisation, audited, that sales outbound bills refer
	 * to: a count (numbers `M-0001`…, `CK001`…) or the numbers. Default none. Stored again by `POST /__admin/reset`.
	 */
	catalog?: SalesCatalog;
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

function emulatorUsers(options: KingdeeEmulatorOptions): EmulatorUser[] {
	const a = DEFAULT_KINGDEE_ACCOUNT;
	const users = options.users ?? [
		{ username: a.username, password: a.password, appId: a.appId, appSecret: a.appSecret },
	];
	return users.map((u) => ({ ...u }));
}

function createState(options: KingdeeEmulatorOptions, sleeper: Sleeper): EmulatorState {
	const now = options.now ?? (() => Date.now());
	const store = new KingdeeStore(options.orgs ?? ['100', '101', '102']);
	const state: EmulatorState = {
		store,
		sessions: new SessionRegistry({
			acctId: options.acctId ?? DEFAULT_KINGDEE_ACCOUNT.acctId,
			users: emulatorUsers(options),
			sessionIdleMinutes: options.sessionIdleMinutes ?? 20,
			loginSignAlgorithms: options.loginSignAlgorithms ?? ['sha256', 'sha1'],
			now,
		}),
		faults: new FaultInjector(options.faults, options.seed ?? 1),
		stats: emptyStats(),
		queues: new SessionQueues((perSession, overall) => {
			state.stats.maxConcurrencyPerSession = Math.max(state.stats.maxConcurrencyPerSession, perSession);
			state.stats.maxConcurrencyOverall = Math.max(state.stats.maxConcurrencyOverall, overall);
		}),
		now,
		sleep: sleeper.sleep,
		isClosed: () => sleeper.isClosed,
		maxQueryLimit: options.maxQueryLimit ?? 2000,
		insertRecords: (formId, records) => insertUnlessHeld(store, now(), formId, records),
		resetStore: () => {
			store.clear();
			seedCatalog(store, now(), options.catalog);
		},
	};
	seedCatalog(store, now(), options.catalog);
	return state;
}

/** A copy of a form's records (throws for a form the emulator does not know). */
function recordsOf(store: KingdeeStore, formId: string): StoredRecord[] {
	const table = store.table(formId);
	if (!table)
		throw new Error(
			`The Kingdee emulator has no form "${formId}" (known: ${FORM_DEFINITIONS.map((d) => d.formId).join(', ')})`,
		);
	return table.all().map((record) => JSON.parse(JSON.stringify(record)) as StoredRecord);
}

/** The API's methods that read or change the emulator's data, faults and statistics. */
function dataApi(state: EmulatorState) {
	return {
		records: (formId: string) => recordsOf(state.store, formId),
		seedRecords(formId: string, count: number, make?: (i: number) => Record<string, unknown>): void {
			seedStoredRecords(state.store, state.now(), formId, count, make);
		},
		setFaults: (faults: KingdeeFaults) => state.faults.set(faults),
		faults: () => state.faults.faults,
		stats: () => copyStats(state.stats),
		resetStats: () => {
			state.stats = emptyStats();
		},
		reset: () => {
			state.resetStore();
			state.sessions.clear();
		},
		dropAllSessions: () => state.sessions.clear(),
		issuedSessionIds: () => state.sessions.issuedIds(),
	};
}

async function handleRequest(
	state: EmulatorState,
	api: ReturnType<typeof dataApi>,
	req: http.IncomingMessage,
	res: http.ServerResponse,
): Promise<void> {
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	if (url.pathname.startsWith('/__admin/')) return send(res, await handleAdmin(api, req, url));
	const resolved = resolveService(url.pathname);
	if (resolved) state.stats.calls++;
	if (!resolved || !resolved.service) {
		req.resume();
		const what = resolved ? `服务方法“${resolved.rawName}”不存在，或模拟器不支持` : '请求的地址不是 WebAPI 服务';
		return send(res, textReply(404, responseErrorText(what)));
	}
	const service = resolved.service;
	state.stats.byService[service.name] = (state.stats.byService[service.name] ?? 0) + 1;
	if (req.method !== 'POST') {
		req.resume();
		return send(res, textReply(405, responseErrorText('WebAPI 只接受 POST 请求')));
	}
	const bodyText = await readBody(req);
	if (bodyText === undefined) return send(res, textReply(413, responseErrorText('请求体过大')));
	const reply = await handleApiCall(state, req, service, url.pathname, bodyText);
	// "Commit then time out": the write happened; the socket stays open without an answer until
	// the client gives up (or close() destroys it).
	if (reply === 'hang') return;
	// A lost answer: the TCP connection is reset without any HTTP response.
	if (reply === 'reset') {
		res.socket?.resetAndDestroy();
		return;
	}
	send(res, reply as Reply);
}

/** The HTTP server, its open sockets, and listening again on the same port after setUnreachable(true). */
class Listener {
	readonly sockets = new Set<Socket>();
	unreachable = false;
	port = 0;

	constructor(readonly server: http.Server) {
		server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		server.on('clientError', (_error, socket) => socket.destroy());
	}

	async listen(port: number): Promise<void> {
		this.port = await listenOnLoopback(this.server, port);
	}

	/** Stops listening and destroys every open connection. */
	async stop(): Promise<void> {
		const stopped = this.unreachable
			? Promise.resolve()
			: new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		await stopped;
	}

	async setUnreachable(next: boolean): Promise<void> {
		if (next === this.unreachable) return;
		if (next) await this.stop();
		else await listenOnLoopback(this.server, this.port);
		this.unreachable = next;
	}
}

export async function startKingdeeEmulator(options: KingdeeEmulatorOptions = {}): Promise<KingdeeEmulator> {
	const sleeper = new Sleeper();
	const state = createState(options, sleeper);
	const api = dataApi(state);
	const server = http.createServer((req, res) => {
		handleRequest(state, api, req, res).catch((error: unknown) => {
			if (error instanceof EmulatorClosed || sleeper.isClosed) {
				res.destroy();
				return;
			}
			send(res, textReply(200, responseErrorText('服务器内部异常：模拟器处理请求时出错')));
		});
	});
	const listener = new Listener(server);
	await listener.listen(options.port ?? 0);
	return {
		serverUrl: `http://127.0.0.1:${listener.port}/k3cloud/`,
		port: listener.port,
		acctId: options.acctId ?? DEFAULT_KINGDEE_ACCOUNT.acctId,
		async close() {
			if (sleeper.isClosed) return;
			sleeper.close();
			await listener.stop();
		},
		setFaults: api.setFaults,
		async setUnreachable(next: boolean) {
			if (!sleeper.isClosed) await listener.setUnreachable(next);
		},
		issuedSessionIds: api.issuedSessionIds,
		records: api.records,
		seedRecords: api.seedRecords,
		dropAllSessions: api.dropAllSessions,
		stats: api.stats,
		resetStats: api.resetStats,
	};
}
