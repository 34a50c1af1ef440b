/* eslint-disable @n8n/community-nodes/no-restricted-imports */
/**
 * One WebAPI call of the Kingdee emulator, from the parsed request to the reply
 * (docs/kingdee-webapi.md#emulator-choices). Order of a DynamicFormService call: an outage after UnAudit → wait for
 * the session's queue → latency → injected HTTP 500 / `response_error:` / MsgCode 14 → authentication (session or
 * signed headers) → write fault and write log → the route's handler → optionally "commit then never answer" or a
 * lost answer.
 */
import type * as http from 'http';
import { presentedSessionIds, sessionCookies, type Session, type SessionRegistry } from './auth';
import { afterCommit, type FaultInjector } from './faults';
import { jsonReply, textReply, type CallEnd, type Reply } from './replies';
import type { FormRoute } from './routes';
import { EmulatorClosed, type SessionQueues } from './scheduling';
import type { OperationContext } from './services/context';
import { writeLogEntry, type KingdeeEmulatorStats } from './stats';
import type { KingdeeStore } from './store';
import {
	BadRequestBody,
	extractArguments,
	responseErrorText,
	scalarText,
	sessionLostBody,
	wrapForService,
	type ServiceInfo,
} from './wire';

/** What a call reads and changes; `stats` is replaced by resetStats. */
export interface EmulatorState {
	store: KingdeeStore;
	sessions: SessionRegistry;
	faults: FaultInjector;
	stats: KingdeeEmulatorStats;
	queues: SessionQueues;
	now: () => number;
	sleep: (ms: number) => Promise<void>;
	isClosed: () => boolean;
	maxQueryLimit: number;
	/** Stores records as seedRecords does (the `insertBeforeNextSave` race). */
	insertRecords: (formId: string, records: Array<Record<string, unknown>>) => void;
	/** Empties the store and seeds the starting catalogue again (`POST /__admin/reset`). */
	resetStore: () => void;
}

function operationContext(state: EmulatorState): OperationContext {
	const { faults } = state.faults;
	return {
		store: state.store,
		now: state.now,
		sleep: state.sleep,
		perRowLatencyMs: faults.perRowLatencyMs ?? 0,
		failNumbers: faults.failNumbers ?? [],
		maxQueryLimit: state.maxQueryLimit,
	};
}

async function authCall(
	state: EmulatorState,
	service: ServiceInfo,
	req: http.IncomingMessage,
	args: Record<string, unknown>,
): Promise<Reply> {
	await state.sleep(state.faults.faults.latencyMs ?? 0);
	const injected = state.faults.injectedFailure(service, req);
	if (injected) return injected;
	const ids = presentedSessionIds(req.headers);
	if (service.name === 'Logout') {
		const session = state.sessions.find(ids);
		if (session) state.sessions.remove(session);
		return jsonReply(!!session);
	}
	const login = state.sessions.login(service.name, args);
	if (!login.session) return jsonReply(login.body);
	state.stats.logins++;
	return jsonReply(login.body, sessionCookies(login.session));
}

/** Authenticates a form call: a live session, else signed headers, else the session-lost reply. */
function authenticate(
	state: EmulatorState,
	req: http.IncomingMessage,
	pathname: string,
): { session: Session; cookies?: string[] } | { reply: 'lost' | 'wrongAcct' } {
	const ids = presentedSessionIds(req.headers);
	const live = state.sessions.use(ids, state.faults.faults.dropSessionAfterCalls);
	if (live) return { session: live };
	const signed = state.sessions.verifySignedHeaders(req.headers, pathname);
	if (signed.outcome === 'ok') {
		state.stats.logins++;
		return { session: signed.session, cookies: sessionCookies(signed.session) };
	}
	if (signed.outcome === 'wrongAcct') return { reply: 'wrongAcct' };
	return { reply: 'lost' };
}

/** The operation of an authenticated form call, with its write faults and the write log. */
async function operate(
	state: EmulatorState,
	route: FormRoute,
	args: Record<string, unknown>,
	cookies: string[] | undefined,
): Promise<CallEnd> {
	const writeFault = state.faults.takeWriteFault(route);
	if (route.write) state.stats.writeLog.push(writeLogEntry(route.name, args, writeFault));
	if (writeFault === 'dropBeforeServer') return 'reset';
	if (writeFault === 'responseErrorBeforeCommit') {
		return textReply(200, responseErrorText('服务器内部异常：模拟器注入的异常（保存前）'));
	}
	const race = state.faults.takeRaceInsert(route, scalarText(args.formid) ?? '');
	if (race) state.insertRecords(scalarText(args.formid) ?? '', race);
	const result = await route.handle(operationContext(state), args);
	state.faults.afterOperation(route);
	if (route.write && state.faults.take('commitThenTimeoutNextCalls')) return 'hang';
	return afterCommit(writeFault, jsonReply(result, cookies));
}

async function formCall(
	state: EmulatorState,
	route: FormRoute,
	req: http.IncomingMessage,
	pathname: string,
	args: Record<string, unknown>,
): Promise<CallEnd> {
	const known = state.sessions.find(presentedSessionIds(req.headers));
	return state.queues.run(known ? known.kdsvcSessionId : undefined, async () => {
		if (state.isClosed()) throw new EmulatorClosed();
		await state.sleep(state.faults.faults.latencyMs ?? 0);
		const injected = state.faults.injectedFailure(route, req);
		if (injected) return injected;
		const auth = authenticate(state, req, pathname);
		if ('reply' in auth) {
			if (auth.reply === 'wrongAcct') return textReply(401, 'Fail to verify thirty passport');
			state.stats.sessionsLost++;
			return jsonReply(wrapForService(route.name, sessionLostBody()));
		}
		return operate(state, route, args, auth.cookies);
	});
}

/** A call to a known service, with its body as text. */
export async function handleApiCall(
	state: EmulatorState,
	req: http.IncomingMessage,
	service: ServiceInfo | FormRoute,
	pathname: string,
	bodyText: string,
): Promise<CallEnd> {
	const unreachable = state.faults.outageReply();
	if (unreachable) return unreachable;
	let args: Record<string, unknown>;
	try {
		args = extractArguments(bodyText.trim() === '' ? {} : JSON.parse(bodyText), service);
	} catch (error) {
		const message = error instanceof BadRequestBody ? error.message : '请求体不是有效的 JSON';
		return textReply(200, responseErrorText(message));
	}
	if (service.kind === 'auth') return authCall(state, service, req, args);
	return formCall(state, service as FormRoute, req, pathname, args);
}
