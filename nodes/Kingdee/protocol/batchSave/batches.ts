/**
 * Sending: the packages go in batches to the sessions as a work queue; per batch send → map → verify → resend (only
 * what a read-back proved not applied, within the send limit). Pure: talks to Kingdee only through the pool.
 */
import { settle } from '../../../common/settle';
import type { PlannedPackage } from '../savePlan';
import type { KingdeeSession, KingdeeSessionPool } from '../session';
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
function recordResults(pending: PlannedPackage[], results: SendResult[], outcomes: Outcomes): Unclear[] {
	const unclear: Unclear[] = [];
	pending.forEach((plan, position) => {
		const result = results[position];
		if (result.kind === 'saved') {
			outcomes[plan.index] = {
				status: plan.action === 'create' ? 'created' : 'updated',
				id: result.entity.id ?? plan.existing?.id ?? null,
				number: result.entity.number ?? plan.number ?? null,
				verified: false,
				...plannedFields(plan),
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
	maxSends: number,
): PackageOutcome | undefined {
	const number = plan.number ?? null;
	const why =
		result.reason === 'noAnswer'
			? `no clear answer from Kingdee (${result.context})`
			: `Kingdee reported neither success nor an error for it${result.context ? ` (the batch reported: ${result.context})` : ''}`;
	if (verification.kind === 'holds') {
		const status = plan.action === 'create' ? 'created' : 'updated';
		return { status, id: verification.id, number, verified: true, ...plannedFields(plan) };
	}
	if (verification.kind === 'notApplied' && result.reason === 'noAnswer' && send < maxSends) return undefined;
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
		const unclear = recordResults(pending, results, outcomes);
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
			const outcome = judgedOutcome(entry, verifications[position], send, settings.maxSends);
			if (outcome) outcomes[entry.plan.index] = outcome;
			else resend.push(entry.plan);
		});
		pending = resend;
	}
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
				await saveOneBatch(session, batch, settings, columns, outcomes, part);
				if (settings.stopAtFirstFailure && batch.some((plan) => unsavedAt(outcomes, plan.index))) throw STOP;
			}),
	);
	// STOP only ends the sending early.
	if (!sending.ok && sending.error !== STOP) throw sending.error;
}
