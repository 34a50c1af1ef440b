/* eslint-disable @n8n/community-nodes/no-restricted-imports */
/**
 * Injected faults of the Kingdee emulator (docs/kingdee-webapi.md#emulator-choices): the `KingdeeFaults` options and
 * the injector that consumes them call by call.
 */
import type * as http from 'http';
import { createRandom, deriveSeed } from '../jikeyun/prng';
import {
	BAD_GATEWAY_PAGE,
	htmlReply,
	jsonReply,
	SERVICE_UNAVAILABLE_PAGE,
	sessionEchoPage,
	sessionPrefixEchoPage,
	textReply,
	type Reply,
} from './replies';
import { failureBody, IIS_ERROR_PAGE, responseErrorText, wrapForService, type ServiceInfo } from './wire';

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

type CountedFault =
	| 'http500NextCalls'
	| 'msgCode14NextCalls'
	| 'responseErrorNextCalls'
	| 'commitThenTimeoutNextCalls'
	| 'loginHttp502NextCalls'
	| 'echoSessionIdNextCalls'
	| 'echoSessionIdPrefixNextCalls';

const INJECTED_EXCEPTION = '服务器内部异常：模拟器注入的异常（Object reference not set to an instance of an object.）';
const TRANSIENT_EXCEPTION = '服务器内部异常：模拟器注入的临时故障（请稍后重试）';

/** The faults in force and what is left of the counted ones. */
export class FaultInjector {
	faults: KingdeeFaults;
	private readonly transientRandom: () => number;
	/** Calls still to fail after an UnAudit (`unreachableAfterUnAudit`), and how. */
	private outage = { remaining: 0, as: 'reset' as 'reset' | 'http503' };

	constructor(initial: KingdeeFaults | undefined, seed: number) {
		this.faults = { ...(initial ?? {}) };
		this.transientRandom = createRandom(deriveSeed(seed, 'kingdee-transient'));
	}

	/** Replaces every fault; a new set also ends an outage in progress. */
	set(next: KingdeeFaults): void {
		this.faults = { ...next, writeFaults: next.writeFaults?.map((entry) => ({ ...entry })) };
		this.outage = { remaining: 0, as: 'reset' };
	}

	/** Consumes one unit of a "next N calls" fault counter. */
	take(name: CountedFault): boolean {
		const remaining = this.faults[name] ?? 0;
		if (remaining <= 0) return false;
		this.faults[name] = remaining - 1;
		return true;
	}

	/** The lost-answer fault of this write call, if one is queued for it. */
	takeWriteFault(service: ServiceInfo): KingdeeWriteFault | undefined {
		if (!service.write) return undefined;
		const list = this.faults.writeFaults ?? [];
		const index = list.findIndex(
			(entry) => !entry.service || entry.service.toLowerCase() === service.name.toLowerCase(),
		);
		if (index < 0) return undefined;
		const [entry] = list.splice(index, 1);
		return entry.fault;
	}

	/** `unreachableAfterUnAudit` in force: this call fails before anything else. */
	outageReply(): Reply | 'reset' | undefined {
		if (this.outage.remaining <= 0) return undefined;
		this.outage.remaining--;
		return this.outage.as === 'http503' ? htmlReply(503, SERVICE_UNAVAILABLE_PAGE) : 'reset';
	}

	/** Arms `unreachableAfterUnAudit` once an UnAudit has been processed. */
	afterOperation(service: ServiceInfo): void {
		const pending = this.faults.unreachableAfterUnAudit;
		if (service.name !== 'UnAudit' || !pending) return;
		delete this.faults.unreachableAfterUnAudit;
		this.outage = { remaining: Math.max(0, Math.floor(pending.calls)), as: pending.as ?? 'reset' };
	}

	/** The records of `insertBeforeNextSave` when this call is that save (consumed), else undefined. */
	takeRaceInsert(service: ServiceInfo, formId: string): Array<Record<string, unknown>> | undefined {
		const pending = this.faults.insertBeforeNextSave;
		if (!pending || (service.name !== 'Save' && service.name !== 'BatchSave')) return undefined;
		if (formId.trim().toLowerCase() !== pending.formId.toLowerCase()) return undefined;
		delete this.faults.insertBeforeNextSave;
		return pending.records;
	}

	/** A failure injected before authentication and processing (login 502, echo page, transient, 500, …). */
	injectedFailure(service: ServiceInfo, req: http.IncomingMessage): Reply | undefined {
		if (service.kind === 'auth' && service.name !== 'Logout' && this.take('loginHttp502NextCalls'))
			return htmlReply(502, BAD_GATEWAY_PAGE);
		if (service.kind === 'form' && this.take('echoSessionIdNextCalls')) return htmlReply(500, sessionEchoPage(req));
		if (service.kind === 'form' && this.take('echoSessionIdPrefixNextCalls'))
			return htmlReply(500, sessionPrefixEchoPage(req));
		if (this.faults.http503Services?.some((name) => name.toLowerCase() === service.name.toLowerCase()))
			return htmlReply(503, SERVICE_UNAVAILABLE_PAGE);
		const rate = this.faults.transientFailureRate ?? 0;
		if (service.kind === 'form' && rate > 0 && this.transientRandom() < rate) {
			if (this.transientRandom() < 0.5) return htmlReply(503, SERVICE_UNAVAILABLE_PAGE);
			return textReply(200, responseErrorText(TRANSIENT_EXCEPTION));
		}
		if (this.take('http500NextCalls')) return htmlReply(500, IIS_ERROR_PAGE);
		if (this.take('responseErrorNextCalls')) return textReply(200, responseErrorText(INJECTED_EXCEPTION));
		// MsgCode 14 is a DynamicFormService status; login replies have no such envelope.
		if (service.kind === 'form' && this.take('msgCode14NextCalls')) {
			return jsonReply(wrapForService(service.name, failureBody(14, '调用限制：接口调用过于频繁，请稍后再试')));
		}
		return undefined;
	}
}

/** The reply of a write whose answer gets lost after processing, or the normal reply. */
export function afterCommit(fault: KingdeeWriteFault | undefined, reply: Reply): Reply | 'reset' {
	switch (fault) {
		case 'resetAfterCommit':
			return 'reset';
		case 'http500AfterCommit':
			return htmlReply(500, IIS_ERROR_PAGE);
		case 'htmlAfterCommit':
			return htmlReply(200, IIS_ERROR_PAGE);
		case 'truncatedAfterCommit':
			return { ...reply, body: reply.body.slice(0, Math.floor(reply.body.length / 2)) };
		case 'emptyAfterCommit':
			return { ...reply, body: '' };
		default:
			return reply;
	}
}
