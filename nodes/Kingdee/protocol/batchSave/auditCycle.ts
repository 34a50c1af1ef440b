/**
 * The audit cycle around a save: Kingdee refuses to modify audited records (docs/kingdee-webapi.md#status-flow), so
 * records that change are un-audited first, and records this run un-audited but did not save are submitted and
 * audited again. An unclear state-call answer is settled by reading the status back. Pure.
 */
import { settle } from '../../../common/settle';
import { isAmbiguous, lookupExisting, NUMBERS_PER_LOOKUP, pickRecord } from '../existingRecords';
import { numberKey, type PlannedPackage } from '../savePlan';
import type { KingdeeSession } from '../session';
import { asApiError, failureMessage, isAuthError } from './failures';
import { isSaved, isUnsaved, type BatchSaveSettings, type Outcomes } from './types';

/** UnAudit / Submit / Audit take at most this many ids per call (no documented limit; keeps requests moderate). */
const IDS_PER_STATE_CALL = NUMBERS_PER_LOOKUP;

type StateService = 'DynamicFormService.UnAudit' | 'DynamicFormService.Submit' | 'DynamicFormService.Audit';
type RecordSettings = Pick<BatchSaveSettings, 'formId' | 'numberField' | 'primaryKeyField'>;

/**
 * One state call (UnAudit, Submit, Audit) by Ids for many records, in calls of 1,000 ids.
 * Returns the error text per id that did not succeed ('' = succeeded).
 */
export async function changeState(
	session: KingdeeSession,
	service: StateService,
	formId: string,
	ids: string[],
): Promise<Map<string, string>> {
	const results = new Map<string, string>();
	for (let start = 0; start < ids.length; start += IDS_PER_STATE_CALL) {
		const chunk = ids.slice(start, start + IDS_PER_STATE_CALL);
		const answer = await settle(
			async () =>
				await session.formCall(service, formId, { Ids: chunk.join(',') }, `ids ${start + 1}–${start + chunk.length}`),
		);
		if (!answer.ok) {
			if (isAuthError(answer.error)) throw answer.error;
			for (const id of chunk) results.set(id, asApiError(answer.error).message);
			continue;
		}
		const reply = answer.value;
		const succeeded = new Set(reply.status.successEntities.map((entity) => String(entity.id)));
		chunk.forEach((id, position) => {
			if (reply.status.isSuccess || succeeded.has(id)) {
				results.set(id, '');
				return;
			}
			const own = reply.status.errors.filter((error) => error.dIndex === position);
			results.set(id, failureMessage(own.length > 0 ? own : reply.status.errors, reply.status.msgCode));
		});
	}
	return results;
}

/** Submit, then Audit: back to audited (C) from D. Returns the failure text per id ('' = audited again). */
export async function reAudit(session: KingdeeSession, formId: string, ids: string[]): Promise<Map<string, string>> {
	const submitted = await changeState(session, 'DynamicFormService.Submit', formId, ids);
	const toAudit = ids.filter((id) => submitted.get(id) === '');
	const audited =
		toAudit.length > 0
			? await changeState(session, 'DynamicFormService.Audit', formId, toAudit)
			: new Map<string, string>();
	return new Map(
		ids.map((id) => [
			id,
			submitted.get(id)
				? `Submit failed: ${submitted.get(id)}`
				: audited.get(id)
					? `Audit failed: ${audited.get(id)}`
					: '',
		]),
	);
}

/** FDocumentStatus now, by input position, read by number (only where the number still names the planned record). */
async function readStatuses(
	session: KingdeeSession,
	settings: RecordSettings,
	plans: PlannedPackage[],
): Promise<Map<number, string | null>> {
	const numbers = plans.map((plan) => plan.number).filter((number): number is string => number !== undefined);
	const { all } = await lookupExisting(session, settings, numbers, [], undefined, 'status read-back');
	const statuses = new Map<number, string | null>();
	for (const plan of plans) {
		const records = plan.number === undefined ? undefined : all.get(numberKey(plan.number));
		const record = plan.existing ? pickRecord(records, { id: plan.existing.id }) : undefined;
		if (record && !isAmbiguous(record)) statuses.set(plan.index, record.documentStatus);
	}
	return statuses;
}

const idOf = (plan: PlannedPackage) => String(plan.existing!.id);

/**
 * Un-audits the audited (C) records among the updates to send. Returns those now un-audited; the others get a
 * `failed` outcome (they are unchanged and still audited).
 */
export async function unAuditForUpdate(
	session: KingdeeSession,
	toSend: PlannedPackage[],
	settings: RecordSettings,
	outcomes: Outcomes,
): Promise<PlannedPackage[]> {
	const audited = toSend.filter((plan) => plan.action === 'update' && plan.existing?.documentStatus === 'C');
	if (audited.length === 0) return [];
	const results = await changeState(session, 'DynamicFormService.UnAudit', settings.formId, audited.map(idOf));
	const unclear = audited.filter((plan) => results.get(idOf(plan)) !== '');
	const read =
		unclear.length > 0 ? await settle(async () => await readStatuses(session, settings, unclear)) : undefined;
	if (read && !read.ok && isAuthError(read.error)) throw read.error;
	const statuses = read?.ok ? read.value : new Map<number, string | null>();
	const unAudited: PlannedPackage[] = [];
	for (const plan of audited) {
		const problem = results.get(idOf(plan)) ?? '';
		const status = statuses.get(plan.index);
		if (problem === '' || (status !== undefined && status !== 'C')) {
			unAudited.push(plan);
			continue;
		}
		const state =
			status === 'C'
				? 'it is unchanged and still audited'
				: `nothing was saved; its status could not be read back${read && !read.ok ? ` (${asApiError(read.error).message})` : ''}`;
		outcomes[plan.index] = {
			status: 'failed',
			message: `The record (Id ${idOf(plan)}) is audited and un-auditing it, needed to update it, failed; ${state}: ${problem}`,
			rowErrors: [],
			// Refused by Kingdee (still audited) or not answered: what to do differs.
			kind: status === 'C' ? 'notAllowed' : 'transient',
			number: plan.number ?? null,
		};
	}
	return unAudited;
}

/** A failure message of a save that never reached Kingdee, without its "nothing was sent" advice (the UnAudit was). */
function withoutNothingSent(message: string): string {
	const cut = message.indexOf('; nothing was sent');
	return cut >= 0 ? message.slice(0, cut) : message;
}

/**
 * Re-audits the records this run un-audited and did not save, then says in each unsaved row what happened and the
 * status Kingdee shows now: un-audit is never silent. Never throws: a failure here is reported in the rows.
 */
export async function reAuditUnsaved(
	session: KingdeeSession,
	unAudited: PlannedPackage[],
	settings: RecordSettings,
	outcomes: Outcomes,
): Promise<void> {
	const restore = unAudited.filter((plan) => {
		const outcome = outcomes[plan.index];
		return !outcome || !isSaved(outcome);
	});
	if (restore.length === 0) return;
	const reAudited = await settle(async () => await reAudit(session, settings.formId, restore.map(idOf)));
	const problems = reAudited.ok
		? reAudited.value
		: new Map(restore.map((plan) => [idOf(plan), asApiError(reAudited.error).message]));
	const read = await settle(async () => await readStatuses(session, settings, restore));
	// A failed read is reported below as "status unknown".
	const statuses = read.ok ? read.value : new Map<number, string | null>();
	for (const plan of restore) {
		const outcome = outcomes[plan.index];
		if (!outcome || !isUnsaved(outcome)) continue;
		const id = idOf(plan);
		const status = statuses.get(plan.index);
		const problem = problems.get(id) ?? '';
		if (status === 'C') {
			outcome.message += `. The record (Id ${id}) had been un-audited for this update and is audited again${outcome.status === 'unknown' ? '; whether it holds the new values is unknown' : ', with its previous values'}`;
			continue;
		}
		const state = `status ${status ?? 'D as the un-audit left it (reading it back failed)'}`;
		const head =
			outcome.status === 'unknown'
				? `The record (Id ${id}) was un-audited for this update; whether it was saved is unknown; ${state}`
				: `The record (Id ${id}) was un-audited, not saved; ${state}`;
		outcome.message = `${head}${problem ? ` (auditing it again failed: ${problem})` : ''}. A run with the same input brings it back to audited; or audit it in Kingdee. What happened: ${withoutNothingSent(outcome.message)}`;
	}
}

/**
 * Audits records that hold the input's values but are not audited (status is part of the plan, with Auto Submit and
 * Audit): Submit those in A or D, then Audit what is submitted. An unclear answer is settled by reading the status.
 */
export async function auditHeld(
	session: KingdeeSession,
	plans: PlannedPackage[],
	settings: RecordSettings,
	outcomes: Outcomes,
): Promise<void> {
	if (plans.length === 0) return;
	const toSubmit = plans.filter((plan) => plan.existing?.documentStatus !== 'B');
	const submitted = await changeState(session, 'DynamicFormService.Submit', settings.formId, toSubmit.map(idOf));
	const problems = new Map(
		[...submitted].filter(([, problem]) => problem !== '').map(([id, p]) => [id, `Submit: ${p}`]),
	);
	const toAudit = plans.filter((plan) => !problems.has(idOf(plan)));
	const audited = await changeState(session, 'DynamicFormService.Audit', settings.formId, toAudit.map(idOf));
	for (const [id, problem] of audited) if (problem !== '') problems.set(id, `Audit: ${problem}`);
	const unclear = plans.filter((plan) => problems.has(idOf(plan)));
	const read =
		unclear.length > 0 ? await settle(async () => await readStatuses(session, settings, unclear)) : undefined;
	const statuses = read?.ok ? read.value : new Map<number, string | null>();
	for (const plan of plans) {
		const before = plan.existing!.documentStatus ?? '?';
		const now = problems.has(idOf(plan)) ? statuses.get(plan.index) : 'C';
		if (now === 'C') {
			outcomes[plan.index] = {
				status: 'audited',
				id: plan.existing!.id,
				number: plan.number ?? null,
				documentStatus: { before, after: 'C' },
			};
			continue;
		}
		outcomes[plan.index] = {
			status: 'failed',
			message: `The record (Id ${idOf(plan)}) holds the input's values but is in status ${now ?? 'unknown'} (was ${before}), and auditing it failed: ${problems.get(idOf(plan))}`,
			rowErrors: [],
			kind: 'notAllowed',
			number: plan.number ?? null,
		};
	}
}
