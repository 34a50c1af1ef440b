/**
 * The types every step of Batch Save shares: the run's settings, the per-package outcome and the read-back context.
 * The steps are plan.ts → auditCycle.ts → batches.ts (send.ts, verify.ts) → auditCycle.ts, driven by
 * `runBatchSave` (../batchSave.ts). Pure.
 */
import type { KingdeeErrorKind, KingdeeRowError } from '../errors';
import type { FieldKind } from '../formMetadata';
import type { FieldChange, PlanAction, PlannedPackage, UnverifiableField } from '../savePlan';

export type IfExists = 'update' | 'skip' | 'fail';

export interface BatchSaveSettings {
	formId: string;
	/** FNumber for base data, FBillNo for bills. */
	numberField: string;
	/** Internal id field, e.g. FCUSTID. */
	primaryKeyField: string;
	upsertByNumber: boolean;
	/**
	 * What to do with a package whose number Kingdee already holds: update it, skip it (create once: never Save,
	 * UnAudit, Submit or Audit it; status `exists`), or fail it. Absent: update with upsertByNumber, else fail.
	 */
	ifExists?: IfExists;
	/** Upsert only: packages equal to what Kingdee holds are not sent. */
	skipUnchanged: boolean;
	/** Plan only: no Save, UnAudit, Submit or Audit. */
	dryRun: boolean;
	batchSize: number;
	/** Times one package may be sent in total: a resend happens only after a lookup proved it was not applied. */
	maxSends: number;
	/** Stop sending further batches after the first package that was not saved. */
	stopAtFirstFailure: boolean;
	/** The BatchSave data object without Model (IsAutoSubmitAndAudit, BatchCount, …). */
	saveData: Record<string, unknown>;
	/**
	 * The head fields' kinds from the form's metadata (formMetadata.ts#headFieldKinds), which decide how a value is
	 * compared (savePlan.ts). Asked only when a strict comparison finds a difference a looser one would call equal
	 * (plan.ts#planRun), so a re-run with nothing changed reads no metadata; absent or undefined: compared strictly.
	 */
	loadFieldKinds?: () => Promise<ReadonlyMap<string, FieldKind> | undefined>;
}

/** With Auto Submit and Audit every saved or held record ends audited (docs/kingdee-webapi.md#status-flow). */
function autoAudits(settings: Pick<BatchSaveSettings, 'saveData'>): boolean {
	return String(settings.saveData.IsAutoSubmitAndAudit ?? '').toLowerCase() === 'true';
}

/** FDocumentStatus before and after, when the run changes it (A, B or D → C). */
export interface StatusChange {
	before: string;
	after: string;
}

/** What the plan decided for a package, carried into its outcome. */
export interface PlannedFields {
	/** `audit`: the values are equal, only the status changes (Submit/Audit, no save). */
	action: PlanAction | 'audit';
	changes: FieldChange[];
	unverifiable: UnverifiableField[];
	/** Fields the save leaves as they are (status fields, outside Fields to Update). */
	notApplied?: UnverifiableField[];
	documentStatus?: StatusChange;
}

export type PackageOutcome =
	| ({
			status: 'created' | 'updated';
			id: string | number | null;
			number: string | null;
			verified: boolean;
	  } & PlannedFields)
	| { status: 'unchanged'; id: string | number; number: string | null }
	/** If Exists: Skip — the number exists in Kingdee; nothing was sent for it. */
	| { status: 'exists'; id: string | number; number: string | null }
	| { status: 'audited'; id: string | number; number: string | null; documentStatus: StatusChange }
	| ({ status: 'planned'; id: string | number | null; number: string | null } & PlannedFields)
	| {
			status: 'failed';
			message: string;
			rowErrors: KingdeeRowError[];
			msgCode?: number;
			kind: KingdeeErrorKind;
			number: string | null;
	  }
	| { status: 'unknown'; message: string; number: string | null };

export type SavedOutcome = Extract<PackageOutcome, { status: 'created' | 'updated' }>;

export function isSaved(outcome: PackageOutcome): outcome is SavedOutcome {
	return outcome.status === 'created' || outcome.status === 'updated';
}

/** The If Exists choice in effect: the explicit one, else what Upsert by Number meant. */
export function ifExistsOf(settings: Pick<BatchSaveSettings, 'ifExists' | 'upsertByNumber'>): IfExists {
	return settings.ifExists ?? (settings.upsertByNumber ? 'update' : 'fail');
}

/** Everything but created/updated/unchanged/exists/planned: the rows that go to the error output. */
export type UnsavedOutcome = Extract<PackageOutcome, { status: 'failed' | 'unknown' }>;

export function isUnsaved(outcome: PackageOutcome): outcome is UnsavedOutcome {
	return outcome.status === 'failed' || outcome.status === 'unknown';
}

/** One slot per input package (by input position); undefined until a step decides it. */
export type Outcomes = Array<PackageOutcome | undefined>;

/** What a read-back needs to read the same columns the plan read: the FieldKeys and the keys the form cannot read. */
export interface ReadBackColumns {
	readKeys: string[];
	/** Lower-cased query keys that cannot be read, with the reason. */
	unreadable: ReadonlyMap<string, string>;
}

/** The status change a save (or an audit) of this package makes: A, B or D → C with Auto Submit and Audit. */
export function statusChangeOf(
	item: PlannedPackage,
	settings: Pick<BatchSaveSettings, 'saveData'>,
): StatusChange | undefined {
	const before = item.existing?.documentStatus;
	return autoAudits(settings) && before && before !== 'C' ? { before, after: 'C' } : undefined;
}

export function plannedFields(item: PlannedPackage, settings: Pick<BatchSaveSettings, 'saveData'>): PlannedFields {
	const documentStatus = statusChangeOf(item, settings);
	return {
		action: item.action,
		changes: item.changes,
		unverifiable: item.unverifiable,
		...(item.notApplied && item.notApplied.length > 0 ? { notApplied: item.notApplied } : {}),
		...(documentStatus ? { documentStatus } : {}),
	};
}
