/* eslint-disable @n8n/community-nodes/no-restricted-imports */
/**
 * HTTP replies of the Kingdee emulator: JSON and text bodies, the IIS/ASP.NET error pages its faults answer with
 * (docs/kingdee-webapi.md#http-status-and-exceptions), and reading/writing bodies.
 */
import type * as http from 'http';

export const MAX_BODY_BYTES = 32 * 1024 * 1024;
export const JSON_TYPE = 'application/json; charset=utf-8';
export const TEXT_TYPE = 'text/plain; charset=utf-8';
export const HTML_TYPE = 'text/html; charset=utf-8';

export interface Reply {
	status: number;
	body: string;
	contentType: string;
	cookies?: string[];
}

/** What a call may end in besides an answer: a socket left open ("commit then time out") or reset. */
export type CallEnd = Reply | 'hang' | 'reset';

export function jsonReply(value: unknown, cookies?: string[]): Reply {
	return { status: 200, body: JSON.stringify(value), contentType: JSON_TYPE, cookies };
}

export function textReply(status: number, body: string): Reply {
	return { status, body, contentType: TEXT_TYPE };
}

export function htmlReply(status: number, body: string): Reply {
	return { status, body, contentType: HTML_TYPE };
}

export const BAD_GATEWAY_PAGE =
	'<!DOCTYPE html>\r\n<html><head><title>502 - Web server received an invalid response while acting as a gateway or proxy server.</title></head>' +
	'<body><h1>Server Error</h1><h2>502 - Web server received an invalid response while acting as a gateway or proxy server.</h2>' +
	'<p>Kingdee emulator: injected HTTP 502 on login.</p></body></html>';

export const SERVICE_UNAVAILABLE_PAGE =
	'<!DOCTYPE html>\r\n<html><head><title>Service Unavailable</title></head>' +
	'<body><h1>Service Unavailable</h1><p>HTTP Error 503. The service is unavailable (Kingdee emulator: injected transient failure).</p></body></html>';

/** An ASP.NET error page with request details, as a server with customErrors off shows them (session ids included). */
export function sessionEchoPage(req: http.IncomingMessage): string {
	const lines = ['kdservice-sessionid', 'sid', 'cookie', 'x-kd-appdata', 'x-kd-signature']
		.map((name) => [name, req.headers[name]] as const)
		.filter(([, value]) => value !== undefined)
		.map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
	return (
		'<!DOCTYPE html>\r\n<html><head><title>Runtime Error</title></head><body>' +
		"<h1>Server Error in '/K3Cloud' Application.</h1><h2><i>Object reference not set to an instance of an object.</i></h2>" +
		`<pre>Request headers:\r\n${lines.join('\r\n')}</pre></body></html>`
	);
}

/** An error page that names the session by the first 14 characters of its id, as a page that cuts ids short does. */
export function sessionPrefixEchoPage(req: http.IncomingMessage): string {
	const header = req.headers['kdservice-sessionid'];
	const cookie = /(?:kdservice-sessionid|ASP\.NET_SessionId)=([^;]+)/i.exec(String(req.headers.cookie ?? ''))?.[1];
	const id = (typeof header === 'string' ? header : undefined) ?? cookie ?? '';
	return (
		'<!DOCTYPE html>\r\n<html><head><title>Runtime Error</title></head><body>' +
		"<h1>Server Error in '/K3Cloud' Application.</h1>" +
		`<p>Session state for context ${id.slice(0, 14)}… could not be loaded.</p></body></html>`
	);
}

export function send(res: http.ServerResponse, reply: Reply): void {
	if (res.destroyed || res.headersSent) return;
	const headers: http.OutgoingHttpHeaders = { 'Content-Type': reply.contentType, 'Cache-Control': 'private' };
	if (reply.cookies) headers['Set-Cookie'] = reply.cookies;
	res.writeHead(reply.status, headers);
	res.end(reply.body);
}

/** The body as text; undefined when it is larger than MAX_BODY_BYTES or the request fails. */
export function readBody(req: http.IncomingMessage): Promise<string | undefined> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
		req.on('error', () => resolve(undefined));
	});
}
