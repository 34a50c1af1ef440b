/**
 * Verify by content: a package whose outcome an answer did not state is read back by number and counts as saved only
 * when Kingdee holds the values sent; one that still holds every previous value was not applied. Pure.
 */
import { settle } from '../../../common/settle';
import { isAmbiguous, lookupExisting, pickRecord, useOrgOf } from '../existingRecords';
import {
	describePackageFields,
	displayValue,
	numberKey,
	valuesEqual,
	type ExistingRecord,
	type PlannedPackage,
} from '../savePlan';
import type { KingdeeSession } from '../session';
import { entryOf, judgeEntries } from './entries';
import { asApiError, isAuthError } from './failures';
import type { BatchSaveSettings, ReadBackColumns } from './types';

export type Verification =
	| { kind: 'holds'; id: string | number }
	| { kind: 'notApplied' }
	| { kind: 'unclear'; message: string };

type FieldSettings = Pick<BatchSaveSettings, 'numberField' | 'primaryKeyField'>;

/** The sent fields Kingdee now holds other values for, and how many fields could be compared at all. */
function differingFields(
	item: PlannedPackage,
	now: ExistingRecord,
	settings: FieldSettings,
	unreadable: ReadonlyMap<string, string>,
): { differing: string[]; compared: number } {
	const { readable } = describePackageFields(item.model, settings.primaryKeyField, settings.numberField);
	const differing: string[] = [];
	let compared = 0;
	const leftAsIs = new Set((item.notApplied ?? []).map((entry) => entry.field.toLowerCase()));
	for (const { field, queryKey, caseInsensitive } of readable) {
		if (field.toLowerCase() === settings.numberField.toLowerCase() || leftAsIs.has(field.toLowerCase())) continue;
		const lowerKey = queryKey.toLowerCase();
		if (unreadable.has(lowerKey)) continue;
		const storedKey = Object.keys(now.values).find((key) => key.toLowerCase() === lowerKey);
		if (storedKey === undefined) continue;
		compared++;
		if (!valuesEqual(item.model[field], now.values[storedKey], caseInsensitive)) {
			differing.push(
				`${field} is ${JSON.stringify(now.values[storedKey] ?? null)}, sent ${JSON.stringify(displayValue(item.model[field]))}`,
			);
		}
	}
	return { differing, compared };
}

/** An update that left every changed field at its previous value was not applied. */
function stillHoldsPrevious(item: PlannedPackage, now: ExistingRecord): boolean {
	// Entry changes are judged by judgeEntries; the head's changed fields here.
	const entity = entryOf(item.model)?.entity;
	const headChanges = item.changes.filter((change) => change.field !== entity);
	return (
		item.action !== 'create' &&
		item.changes.length > 0 &&
		headChanges.every((change) => {
			const key = Object.keys(now.values).find(
				(k) =>
					k.toLowerCase() === change.field.toLowerCase() || k.toLowerCase() === `${change.field.toLowerCase()}.fnumber`,
			);
			return key !== undefined && valuesEqual(change.before, now.values[key], true);
		})
	);
}

/** What Kingdee holds now for the fields this package sent, compared with the sent and the previous values. */
export function judgeReadBack(
	item: PlannedPackage,
	now: ExistingRecord | undefined,
	settings: FieldSettings,
	unreadable: ReadonlyMap<string, string>,
): Verification {
	const creating = item.action === 'create';
	if (!now) {
		return creating
			? { kind: 'notApplied' }
			: {
					kind: 'unclear',
					message: `the record (Id ${String(item.existing?.id ?? '?')}) is no longer found by its number`,
				};
	}
	if (!creating && item.existing && String(now.id) !== String(item.existing.id)) {
		return { kind: 'unclear', message: `the number now belongs to another record (Id ${String(now.id)})` };
	}
	const head = differingFields(item, now, settings, unreadable);
	const entries = judgeEntries(item, now, unreadable);
	if (entries.kind === 'unclear')
		return { kind: 'unclear', message: `Kingdee holds the record, but ${entries.message}` };
	const differing = entries.kind === 'differs' ? [...head.differing, entries.message] : head.differing;
	// Entry rows proven equal count as compared content (count, material, quantity, price, …).
	const compared = head.compared + (entries.kind === 'holds' ? 1 : 0);
	if (differing.length === 0) {
		if (creating || item.changes.length > 0 || (compared > 0 && item.unverifiable.length === 0))
			return { kind: 'holds', id: now.id };
		return {
			kind: 'unclear',
			message: `Kingdee holds the record, but the fields that changed (${item.unverifiable.map((u) => u.field).join(', ')}) cannot be read back to check`,
		};
	}
	const entity = entryOf(item.model)?.entity;
	const entriesChanged = item.changes.some((change) => change.field === entity);
	const entriesUnchanged =
		entries.kind === 'none' ||
		(entries.kind === 'holds' && !entriesChanged) ||
		(entries.kind === 'differs' && entries.stillPrevious);
	if (entriesUnchanged && stillHoldsPrevious(item, now)) return { kind: 'notApplied' };
	return { kind: 'unclear', message: `Kingdee holds other values than sent: ${differing.slice(0, 5).join('; ')}` };
}

/** Reads back the packages (by number) and judges each. Packages without a number cannot be checked. */
export async function verifyPackages(
	session: KingdeeSession,
	packages: PlannedPackage[],
	settings: Pick<BatchSaveSettings, 'formId' | 'numberField' | 'primaryKeyField'>,
	{ readKeys, unreadable }: ReadBackColumns,
	part = 'read-back',
): Promise<Verification[]> {
	const numbers = packages.map((item) => item.number).filter((number): number is string => number !== undefined);
	const readBack = await settle(async () => {
		const keys = readKeys.filter((key) => !unreadable.has(key.toLowerCase()));
		return (await lookupExisting(session, settings, numbers, keys, undefined, part)).all;
	});
	if (!readBack.ok && isAuthError(readBack.error)) throw readBack.error;
	return packages.map((item): Verification => {
		if (item.number === undefined) {
			return {
				kind: 'unclear',
				message: `the package has no ${settings.numberField} to look it up, so it is not sent again`,
			};
		}
		if (!readBack.ok)
			return { kind: 'unclear', message: `reading it back failed too (${asApiError(readBack.error).message})` };
		const records = readBack.value.get(numberKey(item.number));
		const now = item.existing
			? (pickRecord(records, { id: item.existing.id }) ?? records?.[0])
			: pickRecord(records, { useOrg: useOrgOf(item.model) });
		if (isAmbiguous(now)) {
			return { kind: 'unclear', message: `the number is held in several organisations (${now.useOrgs.join(', ')})` };
		}
		return judgeReadBack(item, now, settings, unreadable);
	});
}
