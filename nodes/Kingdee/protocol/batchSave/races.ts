/**
 * Races resolve to the truth: a create that Kingdee refused (e.g. as a duplicate number, because another worker
 * created the number meanwhile) is read back by number. A record holding the input's values makes the row
 * `unchanged`; one with other values is planned again as an update of that record. Never `failed` for a record Kingdee
 * holds with the item's values (docs/kingdee-webapi.md#upsert-by-number). Pure.
 */
import { settle } from '../../../common/settle';
import { isAmbiguous, lookupExisting, pickRecord, useOrgOf } from '../existingRecords';
import { comparePackage, numberKey, type PlannedPackage } from '../savePlan';
import type { KingdeeSession } from '../session';
import { isAuthError } from './failures';
import { withEntryComparison } from './entries';
import { ifExistsOf, type BatchSaveSettings, type Outcomes, type ReadBackColumns } from './types';

/** A create refused with row errors (validation): the number may have appeared meanwhile. */
function refusedCreate(plan: PlannedPackage, outcomes: Outcomes): boolean {
	const outcome = outcomes[plan.index];
	return (
		plan.action === 'create' &&
		plan.number !== undefined &&
		outcome?.status === 'failed' &&
		outcome.kind === 'validation' &&
		outcome.rowErrors.length > 0
	);
}

/**
 * Reads back the refused creates of `batch` (If Exists Update or Skip). With Skip a number Kingdee holds now is
 * `exists`; with Update those Kingdee holds with the input's values are `unchanged` and those with other values are
 * returned, planned as updates; the rest keep their failure.
 */
export async function resolveLostRaces(
	session: KingdeeSession,
	batch: PlannedPackage[],
	settings: BatchSaveSettings,
	{ readKeys, unreadable }: ReadBackColumns,
	outcomes: Outcomes,
): Promise<PlannedPackage[]> {
	const ifExists = ifExistsOf(settings);
	const refused = ifExists === 'fail' ? [] : batch.filter((plan) => refusedCreate(plan, outcomes));
	if (refused.length === 0) return [];
	const numbers = refused.map((plan) => plan.number!);
	const keys = readKeys.filter((key) => !unreadable.has(key.toLowerCase()));
	const read = await settle(
		async () => await lookupExisting(session, settings, numbers, keys, undefined, 'race check'),
	);
	if (!read.ok) {
		if (isAuthError(read.error)) throw read.error;
		return [];
	}
	const updates: PlannedPackage[] = [];
	for (const plan of refused) {
		const existing = pickRecord(read.value.all.get(numberKey(plan.number!)), { useOrg: useOrgOf(plan.model) });
		if (!existing || isAmbiguous(existing)) continue;
		if (ifExists === 'skip') {
			// Create once: the number exists now, so it is left as it is, like one the plan found.
			outcomes[plan.index] = { status: 'exists', id: existing.id, number: existing.number };
			continue;
		}
		const head = comparePackage(plan.model, existing, { ...settings, unreadable });
		const model = { ...plan.model, [settings.primaryKeyField]: existing.id };
		const headEqual = head.changes.length === 0 && head.unverifiable.length === 0;
		// Bills: the entry rows are compared too (entries.ts).
		const planned = withEntryComparison(
			{ ...plan, action: headEqual ? 'unchanged' : 'update', existing, ...head, model },
			unreadable,
		);
		if (planned.action === 'unchanged') {
			outcomes[plan.index] = { status: 'unchanged', id: existing.id, number: plan.number ?? null };
			continue;
		}
		outcomes[plan.index] = undefined;
		updates.push({ ...planned, action: 'update' });
	}
	return updates;
}
