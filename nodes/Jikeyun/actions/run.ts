import type { CallReport } from '../../common/callReport';
import type { Operation } from '../../shared/operation';
import type { JikeyunClient } from '../protocol/client';

/**
 * What every Jikeyun operation gets besides its parameters: the client of this execution (one rate limit and circuit
 * breaker) and its call report, as `startJikeyunRun` (../transport.ts) makes them.
 */
export interface JikeyunRun {
	client: JikeyunClient;
	report: CallReport;
}

/** A Jikeyun operation: items are worked one after another on the run's one client (the lane). */
export type JikeyunOperation = Operation<JikeyunRun, JikeyunClient>;
