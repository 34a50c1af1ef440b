/**
 * Sending: the packages go in batches to the sessions as a work queue; per batch send → map → verify → resend (only
 * what a read-back proved not applied, within the send limit). Pure: talks to Kingdee only through the pool.
 */
import { settle } from '../../../common/settle';
import type { PlannedPackage } from '../savePlan';
import type { KingdeeSession, KingdeeSessionPool } from '../session';
import { reAuditUnsaved, unAuditForUpdate } from './auditCycle';
import { resolveLostRaces } from './races';
import { sendBatch, type SendResult } from './send';
import {
	isUnsaved,
	plannedFields,
	type BatchSaveSettings,
	type Outcomes,
	type PackageOutcome,
	type ReadBackColumns,
} from './types';
import { verifyPackages, type Verification } from './verify';

type Unclear = { plan: PlannedPackage; result: Extract<SendResult, { kind: 'unclear' }> };

const STOP = Symbol('stop after the first package that was not saved');

function unsavedAt(outcomes: Outcomes, index: number): boolean {
	const outcome = outcomes[index];
	return outcome !== undefined && isUnsaved(outcome);
}

/** Records saved and failed results in `outcomes`; returns the packages whose outcome the answer did not state. */
function recordResults(
	pending: PlannedPackage[],
	results: SendResult[],
	settings: BatchSaveSettings,
	outcomes: Outcomes,
): Unclear[] {
	const unclear: Unclear[] = [];
	pending.forEach((plan, position) => {
		const result = results[position];
		if (result.kind === 'saved') {
			outcomes[plan.index] = {
				status: plan.action === 'create' ? 'created' : 'updated',
				id: result.entity.id ?? plan.existing?.id ?? null,
				number: result.entity.number ?? plan.number ?? null,
				verified: false,
				...plannedFields(plan, settings),
			};
		} else if (result.kind === 'failed') {
			outcomes[plan.index] = result.outcome;
		} else {
			unclear.push({ plan, result });
		}
	});
	return unclear;
}

/** The outcome of a package whose answer was unclear, once read back; undefined = send it again. */
function judgedOutcome(
	{ plan, result }: Unclear,
	verification: Verification,
	send: number,
	settings: BatchSaveSettings,
): PackageOutcome | undefined {
	const number = plan.number ?? null;
	const why =
		result.reason === 'noAnswer'
			? `no clear answer from Kingdee (${result.context})`
			: `Kingdee reported neither success nor an error for it${result.context ? ` (the batch reported: ${result.context})` : ''}`;
	if (verification.kind === 'holds') {
		const status = plan.action === 'create' ? 'created' : 'updated';
		return { status, id: verification.id, number, verified: true, ...plannedFields(plan, settings) };
	}
	if (verification.kind === 'notApplied' && result.reason === 'noAnswer' && send < settings.maxSends) return undefined;
	if (verification.kind === 'notApplied') {
		return {
			status: 'failed',
			message: `Not saved: ${why}, and reading it back shows Kingdee does not hold it${result.reason === 'noAnswer' ? ` after ${send} attempt(s)` : ''}`,
			rowErrors: result.rowErrors,
			msgCode: result.msgCode,
			kind: result.reason === 'noAnswer' ? 'transient' : 'server',
			number,
		};
	}
	return {
		status: 'unknown',
		message: `Outcome unknown: ${why}; ${verification.message}. Check in Kingdee before running it again`,
		number,
	};
}

/** send → map → verify → resend (only what a lookup proved not applied), for one batch on one session. */
async function saveOneBatch(
	session: KingdeeSession,
	batch: PlannedPackage[],
	settings: BatchSaveSettings,
	columns: ReadBackColumns,
	outcomes: Outcomes,
	part?: string,
): Promise<void> {
	let pending = batch;
	for (let send = 1; pending.length > 0; send++) {
		const results = await sendBatch(
			session,
			pending,
			settings,
			send > 1 && part ? `${part}, resend ${send - 1}` : part,
		);
		const unclear = recordResults(pending, results, settings, outcomes);
		if (unclear.length === 0) return;
		const verifications = await verifyPackages(
			session,
			unclear.map((entry) => entry.plan),
			settings,
			columns,
			part ? `read-back of ${part}` : undefined,
		);
		const resend: PlannedPackage[] = [];
		unclear.forEach((entry, position) => {
			const outcome = judgedOutcome(entry, verifications[position], send, settings);
			if (outcome) outcomes[entry.plan.index] = outcome;
			else resend.push(entry.plan);
		});
		pending = resend;
	}
}

/**
 * One batch: its audited records that change are un-audited right before its save (docs/kingdee-webapi.md#status-flow),
 * and those then not saved are audited again, their rows saying so, before anything is thrown.
 */
async function unAuditAndSave(
	session: KingdeeSession,
	batch: PlannedPackage[],
	settings: BatchSaveSettings,
	columns: ReadBackColumns,
	outcomes: Outcomes,
	part: string,
): Promise<void> {
	const unAudited = await unAuditForUpdate(session, batch, settings, outcomes);
	const sendable = batch.filter((plan) => outcomes[plan.index] === undefined);
	const saving = await settle(async () => await saveOneBatch(session, sendable, settings, columns, outcomes, part));
	await reAuditUnsaved(session, unAudited, settings, outcomes);
	if (!saving.ok) throw saving.error;
	// A create that lost a race is an update of the record the other worker made (once: updates do not race so).
	const raced = await resolveLostRaces(session, sendable, settings, columns, outcomes);
	if (raced.length > 0) await unAuditAndSave(session, raced, settings, columns, outcomes, `${part}, after a lost race`);
}

/**
 * Sends `packages` in batches of `batchSize` over the pool's sessions, recording every outcome. With
 * `stopAtFirstFailure` no further batch starts after one with an unsaved package. Throws what a batch threw (auth).
 */
export async function saveInBatches(
	pool: KingdeeSessionPool,
	packages: PlannedPackage[],
	settings: BatchSaveSettings,
	columns: ReadBackColumns,
	outcomes: Outcomes,
): Promise<void> {
	const batches: PlannedPackage[][] = [];
	const size = Math.max(1, Math.floor(settings.batchSize));
	for (let start = 0; start < packages.length; start += size) batches.push(packages.slice(start, start + size));
	const sending = await settle(
		async () =>
			await pool.forEach(batches, async (batch, session, batchIndex) => {
				const firstRow = batchIndex * size + 1;
				const part = `batch ${batchIndex + 1} (rows ${firstRow}–${firstRow + batch.length - 1})`;
				await unAuditAndSave(session, batch, settings, columns, outcomes, part);
				if (settings.stopAtFirstFailure && batch.some((plan) => unsavedAt(outcomes, plan.index))) throw STOP;
			}),
	);
	// STOP only ends the sending early.
	if (!sending.ok && sending.error !== STOP) throw sending.error;
}
