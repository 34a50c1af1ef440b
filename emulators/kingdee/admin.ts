/* eslint-disable @n8n/community-nodes/no-restricted-imports */
/**
 * The admin endpoints of the Kingdee emulator (`/__admin/…` on the API port), a route table: records, seeding,
 * faults, statistics and reset. Tests in other processes (real n8n) drive the emulator through them.
 */
import type * as http from 'http';
import type { KingdeeFaults } from './faults';
import { JSON_TYPE, jsonReply, readBody, type Reply } from './replies';

/** What the admin endpoints act on: the emulator's own API. */
export interface AdminTarget {
	records(formId: string): unknown[];
	seedRecords(formId: string, count: number, make?: (i: number) => Record<string, unknown>): void;
	setFaults(faults: KingdeeFaults): void;
	faults(): KingdeeFaults;
	stats(): unknown;
	resetStats(): void;
	reset(): void;
}

type AdminRoute = (target: AdminTarget, body: Record<string, unknown>, url: URL) => unknown;

function seed(target: AdminTarget, body: Record<string, unknown>): unknown {
	// `records`: the fields of each record (status, organisations, …); `count` alone: default records.
	const given = Array.isArray(body.records) ? (body.records as Array<Record<string, unknown>>) : undefined;
	const count = given ? given.length : Number(body.count) || 0;
	target.seedRecords(String(body.formId ?? 'BD_Customer'), count, given ? (i) => given[i] : undefined);
	return { ok: true };
}

const ADMIN_ROUTES: Record<string, AdminRoute> = {
	'GET /__admin/records': (target, _body, url) => target.records(url.searchParams.get('formId') ?? 'BD_Customer'),
	'POST /__admin/records/seed': seed,
	'POST /__admin/faults': (target, body) => {
		target.setFaults(body as KingdeeFaults);
		return { ok: true, faults: target.faults() };
	},
	'GET /__admin/faults': (target) => target.faults(),
	'GET /__admin/stats': (target) => target.stats(),
	'POST /__admin/stats/reset': (target) => {
		target.resetStats();
		return { ok: true };
	},
	'POST /__admin/reset': (target) => {
		target.reset();
		return { ok: true };
	},
};

const errorReply = (status: number, error: string): Reply => ({
	status,
	body: JSON.stringify({ error }),
	contentType: JSON_TYPE,
});

export async function handleAdmin(target: AdminTarget, req: http.IncomingMessage, url: URL): Promise<Reply> {
	const route = `${req.method ?? ''} ${url.pathname}`;
	const bodyText = (await readBody(req)) ?? '';
	let body: Record<string, unknown> = {};
	try {
		body = bodyText.trim() ? (JSON.parse(bodyText) as Record<string, unknown>) : {};
	} catch {
		return errorReply(400, 'invalid JSON');
	}
	const handler = ADMIN_ROUTES[route];
	if (!handler) return errorReply(404, `no admin route ${route}`);
	try {
		return jsonReply(handler(target, body, url));
	} catch (error) {
		return errorReply(404, (error as Error).message);
	}
}
