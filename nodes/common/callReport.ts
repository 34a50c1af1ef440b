/**
 * The call report: what every API call of one node run did, as the iPaaS products our users come from
 * show it. Entries are built by the protocol clients from values they already hold (method or service,
 * page or batch, attempt, timing, outcome, sub-code or MsgCode, contextId); nothing in an entry comes
 * from a request body or a header, so no secret or session id can reach it by construction. Free text
 * (`detail`) is passed through the caller's redaction before it is recorded.
 */
type CallSystem = 'jikeyun' | 'kingdee';

/**
 * - ok: answered and accepted;
 * - throttled: refused by a rate limit (retried);
 * - failed: an answer that says the call did not do its work (or a request that never reached a server);
 * - unknown: no usable answer (timeout, reset, cut-off or non-JSON body): the call may or may not have run;
 * - skipped: not sent because the run's circuit breaker was open.
 */
export type CallOutcome = 'ok' | 'throttled' | 'failed' | 'unknown' | 'skipped';

export interface CallRecord {
	system: CallSystem;
	/** Jikeyun method (`erp.sales.get`) or Kingdee service with its form (`BatchSave BD_Customer`). */
	call: string;
	/** What part of the work: `page 3`, `batch 2 (rows 201–400)`, `lookup 1`, `login`. */
	part?: string;
	/** 1 for the first try of this call. */
	attempt: number;
	/** Start, ms since epoch. */
	startedAt: number;
	durationMs: number;
	outcome: CallOutcome;
	/** HTTP status when there was one. */
	httpStatus?: number;
	/** Jikeyun subCode or Kingdee MsgCode / LoginResultType. */
	code?: string;
	contextId?: string;
	/** Short, redacted reason for anything but `ok`. */
	detail?: string;
	/** True when this call was a re-login after a lost session. */
	relogin?: boolean;
}

export interface CallSummary {
	calls: number;
	/** Calls that were a further attempt of an earlier one. */
	retries: number;
	throttled: number;
	failed: number;
	unknown: number;
	skipped: number;
	relogins: number;
	/** Sum of the calls' durations (they may overlap when requests run in parallel). */
	callTimeMs: number;
	/** From the first call's start to the last call's end. */
	wallTimeMs: number;
	/** Calls per method or service. */
	byCall: Record<string, number>;
}

const SYSTEM_NAMES: Record<CallSystem, string> = { jikeyun: 'Jikeyun', kingdee: 'Kingdee' };

/** One line per call for n8n's debug log, the same for both nodes; every text in an entry is already redacted. */
export function describeCall(entry: CallRecord): string {
	const parts = [`${SYSTEM_NAMES[entry.system]} call ${entry.call}`];
	if (entry.part) parts.push(entry.part);
	parts.push(`attempt ${entry.attempt}`, entry.outcome);
	if (entry.httpStatus !== undefined) parts.push(`HTTP ${entry.httpStatus}`);
	if (entry.code !== undefined && entry.code !== '') parts.push(`code ${entry.code}`);
	if (entry.contextId) parts.push(`contextId ${entry.contextId}`);
	if (entry.relogin) parts.push('re-login');
	parts.push(`${entry.durationMs} ms`);
	if (entry.detail) parts.push(entry.detail);
	return parts.join(', ');
}

export interface CallReportOptions {
	/** Keep every entry (for the full per-call list); otherwise only the summary is kept. */
	keepCalls: boolean;
	/** Upper bound on kept entries, so a run of millions of calls cannot exhaust memory. */
	maxCalls?: number;
	/** Receives every entry as it is recorded (n8n's debug log). */
	onCall?: (entry: CallRecord) => void;
}

const DEFAULT_MAX_REPORTED_CALLS = 10_000;

export class CallReport {
	private readonly entries: CallRecord[] = [];

	private dropped = 0;

	private readonly totals: CallSummary = {
		calls: 0,
		retries: 0,
		throttled: 0,
		failed: 0,
		unknown: 0,
		skipped: 0,
		relogins: 0,
		callTimeMs: 0,
		wallTimeMs: 0,
		byCall: {},
	};

	private firstStart = Infinity;

	private lastEnd = -Infinity;

	constructor(private readonly options: CallReportOptions = { keepCalls: false }) {}

	record(entry: CallRecord): void {
		const totals = this.totals;
		totals.calls++;
		if (entry.attempt > 1) totals.retries++;
		if (entry.outcome === 'throttled') totals.throttled++;
		else if (entry.outcome === 'failed') totals.failed++;
		else if (entry.outcome === 'unknown') totals.unknown++;
		else if (entry.outcome === 'skipped') totals.skipped++;
		if (entry.relogin) totals.relogins++;
		totals.callTimeMs += entry.durationMs;
		totals.byCall[entry.call] = (totals.byCall[entry.call] ?? 0) + 1;
		this.firstStart = Math.min(this.firstStart, entry.startedAt);
		this.lastEnd = Math.max(this.lastEnd, entry.startedAt + entry.durationMs);
		if (this.options.keepCalls) {
			if (this.entries.length < (this.options.maxCalls ?? DEFAULT_MAX_REPORTED_CALLS)) this.entries.push({ ...entry });
			else this.dropped++;
		}
		this.options.onCall?.(entry);
	}

	summary(): CallSummary {
		const wallTimeMs = this.totals.calls === 0 ? 0 : Math.max(0, this.lastEnd - this.firstStart);
		return { ...this.totals, byCall: { ...this.totals.byCall }, wallTimeMs };
	}

	/** The kept entries (empty unless `keepCalls`), and how many were left out above `maxCalls`. */
	calls(): { calls: CallRecord[]; omitted: number } {
		return { calls: this.entries.map((entry) => ({ ...entry })), omitted: this.dropped };
	}

	/** One line for n8n's execution hints, e.g. "Jikeyun: 12 calls (2 retries, 1 throttled) in 3.4 s". */
	summaryLine(label: string): string {
		const s = this.summary();
		const extras: string[] = [];
		if (s.retries) extras.push(`${s.retries} ${s.retries === 1 ? 'retry' : 'retries'}`);
		if (s.throttled) extras.push(`${s.throttled} throttled`);
		if (s.relogins) extras.push(`${s.relogins} re-login${s.relogins === 1 ? '' : 's'}`);
		if (s.failed) extras.push(`${s.failed} failed`);
		if (s.unknown) extras.push(`${s.unknown} without a usable answer`);
		if (s.skipped) extras.push(`${s.skipped} not sent (circuit breaker open)`);
		const detail = extras.length ? ` (${extras.join(', ')})` : '';
		return `${label}: ${s.calls} API call${s.calls === 1 ? '' : 's'}${detail}, ${(s.wallTimeMs / 1000).toFixed(1)} s from first to last`;
	}
}
