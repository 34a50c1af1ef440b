/** Call statistics of the Kingdee emulator (what tests and the benchmark read through `stats()`). */
import type { KingdeeWriteFault } from './faults';
import { getCaseInsensitive, isPlainObject } from './store';
import { scalarText } from './wire';

export interface KingdeeEmulatorStats {
	calls: number;
	/**
	 * Every authenticated write call in arrival order: service, the package numbers (Save/BatchSave) or the
	 * Numbers/Ids it names, and the injected fault that lost its answer, if any.
	 */
	writeLog: Array<{ service: string; numbers: string[]; ids: string[]; fault?: KingdeeWriteFault }>;
	byService: Record<string, number>;
	logins: number;
	sessionsLost: number;
	/** Highest number of requests of one session processed at the same time (1 = serialised). */
	maxConcurrencyPerSession: number;
	/** Highest number of API requests processed at the same time overall. */
	maxConcurrencyOverall: number;
}

export function emptyStats(): KingdeeEmulatorStats {
	return {
		calls: 0,
		writeLog: [],
		byService: {},
		logins: 0,
		sessionsLost: 0,
		maxConcurrencyPerSession: 0,
		maxConcurrencyOverall: 0,
	};
}

export function copyStats(stats: KingdeeEmulatorStats): KingdeeEmulatorStats {
	return { ...stats, byService: { ...stats.byService }, writeLog: stats.writeLog.map((entry) => ({ ...entry })) };
}

function parsedData(args: Record<string, unknown>): Record<string, unknown> {
	let data: unknown = args.data;
	if (typeof data === 'string') {
		try {
			data = JSON.parse(data);
		} catch {
			data = undefined;
		}
	}
	return isPlainObject(data) ? data : {};
}

/** The write-log entry of a write call: package numbers (FNumber or FBillNo), Numbers, and Ids or PkIds. */
export function writeLogEntry(
	service: string,
	args: Record<string, unknown>,
	fault: KingdeeWriteFault | undefined,
): KingdeeEmulatorStats['writeLog'][number] {
	const object = parsedData(args);
	const model = getCaseInsensitive(object, 'Model');
	const packages = Array.isArray(model) ? model : model === undefined ? [] : [model];
	const numbers = packages
		.map((pkg) =>
			isPlainObject(pkg)
				? scalarText(getCaseInsensitive(pkg, 'FNumber') ?? getCaseInsensitive(pkg, 'FBillNo'))
				: undefined,
		)
		.filter((n): n is string => n !== undefined);
	const listed = getCaseInsensitive(object, 'Numbers');
	if (Array.isArray(listed)) numbers.push(...listed.map((n) => String(n)));
	const idsValue = getCaseInsensitive(object, 'Ids') ?? getCaseInsensitive(object, 'PkIds');
	const ids =
		typeof idsValue === 'string'
			? idsValue
					.split(',')
					.map((id) => id.trim())
					.filter(Boolean)
			: [];
	return { service, numbers, ids, ...(fault ? { fault } : {}) };
}
