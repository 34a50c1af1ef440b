import type { KingdeeFormMetadata } from '../protocol/formMetadata';
import type { KingdeeSession, KingdeeSessionPool } from '../protocol/session';
import type { Operation } from '../../shared/operation';

/** What every Kingdee operation gets besides its parameters: the session pool of this execution. */
export interface KingdeeRun {
	pool: KingdeeSessionPool;
	continueOnFail: boolean;
	/** A form's metadata, read once per run and form (QueryBusinessInfo). */
	formMetadata: (formId: string) => Promise<KingdeeFormMetadata>;
}

/** A Kingdee operation: per item its work runs on one session of the pool (the lane). */
export type KingdeeOperation = Operation<KingdeeRun, KingdeeSession>;
