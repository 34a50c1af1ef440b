/**
 * A scripted Kingdee for unit tests of the pure Batch Save steps: a few records in memory answer ExecuteBillQuery
 * (IN filter on the number, the FieldKeys asked), and every other service is answered by `script` (or success).
 * Sessions are KingdeeSessions with an injected `send`, so the steps run their real code; no network.
 */
import { KingdeeSession, KingdeeSessionPool, type KingdeeHttpRequest } from '../../nodes/Kingdee/protocol/session';

export interface FakeRecord {
	id: number;
	number: string;
	status: string;
	values: Record<string, unknown>;
}

export interface FakeCall {
	service: string;
	data: Record<string, unknown>;
}

/** What a scripted service answers: a body (`ResponseStatus` wrapped for you by `replyStatus`) or an Error (no answer). */
export type FakeReply = { body: unknown; statusCode?: number } | Error;

export const replyStatus = (extra: Record<string, unknown>): FakeReply => ({
	body: { Result: { ResponseStatus: { IsSuccess: true, Errors: [], SuccessEntitys: [], MsgCode: 0, ...extra } } },
});

const loginOk = {
	body: { LoginResultType: 1, KDSVCSessionId: 'S1' },
	headers: { 'set-cookie': ['kdservice-sessionid=S1; path=/'] },
};

function numbersInFilter(filter: string): string[] {
	const list = /IN \((.*)\)/.exec(filter)?.[1] ?? '';
	return [...list.matchAll(/'((?:[^']|'')*)'/g)].map((match) => match[1].replace(/''/g, "'"));
}

/** Query rows for `records` whose number is in the filter, in the order of FieldKeys (id and number fields first). */
function queryRows(records: FakeRecord[], data: Record<string, unknown>): unknown[][] {
	const keys = String(data.FieldKeys).split(',');
	const wanted = new Set(numbersInFilter(String(data.FilterString)).map((number) => number.toUpperCase()));
	if (Number(data.StartRow ?? 0) > 0) return [];
	return records
		.filter((record) => wanted.has(record.number.toUpperCase()))
		.sort((a, b) => a.id - b.id)
		.map((record) =>
			keys.map((key, index) => {
				if (index === 0) return record.id;
				if (index === 1) return record.number;
				if (key === 'FDocumentStatus') return record.status;
				return record.values[key] ?? null;
			}),
		);
}

export function fakeKingdee(
	records: FakeRecord[] = [],
	script: (call: FakeCall) => FakeReply | undefined = () => undefined,
) {
	const calls: FakeCall[] = [];
	const send = async (request: KingdeeHttpRequest) => {
		if (request.login) return { statusCode: 200, headers: loginOk.headers, body: JSON.stringify(loginOk.body) };
		const service = /ServicesStub\.(.+)\.common\.kdsvc$/.exec(request.url)?.[1]?.replace(/^.*\./, '') ?? '?';
		const parameters = JSON.parse(request.body).parameters as string[];
		const call = { service, data: JSON.parse(parameters[parameters.length - 1]) as Record<string, unknown> };
		calls.push(call);
		const reply =
			script(call) ?? (service === 'ExecuteBillQuery' ? { body: queryRows(records, call.data) } : replyStatus({}));
		if (reply instanceof Error) throw reply;
		return { statusCode: reply.statusCode ?? 200, headers: {}, body: JSON.stringify(reply.body) };
	};
	const session = () =>
		new KingdeeSession({
			serverUrl: 'http://erp/k3cloud',
			mode: 'login',
			send,
			sleep: async () => {},
			retryPolicy: { maxTries: 1, baseDelayMs: 1, maxDelayMs: 1 },
			random: () => 0,
		});
	const pool = (size = 1) => new KingdeeSessionPool(size, session);
	/** The services called, in order, without the queries' details. */
	const services = () => calls.map((call) => call.service);
	return { calls, services, session, pool };
}
