/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets */
/**
 * The emulators' own signature and timestamp code against the vectors of docs/jikeyun-open-api.md#test-vector,
 * docs/kingdee-webapi.md#signed-login and docs/kingdee-webapi.md#signed-headers. The emulators do not use the package's
 * signing code (test/unit/importBoundaries.test.ts), so these vectors are what ties the two together; the package's
 * own code is checked against the same literals here, so a drift on either side fails.
 */
import { buildKingdeeSignedHeaders } from '../../nodes/Kingdee/protocol/signing';
import { beijingWallClock, expectedJikeyunSign, readBeijingWallClock } from '../../emulators/jikeyun/signature';
import { expectedLoginSign, expectedSignedHeaderSignatures } from '../../emulators/kingdee/signatures';

describe('Jikeyun emulator: sign (docs/jikeyun-open-api.md#test-vector)', () => {
	const secret = 'f0d1483f1f2e49cea3dfd48c8d7e3c23';
	const vector: Array<[string, string]> = [
		['method', 'erp.goods.skuimport'],
		['appkey', '187657'],
		['version', 'v1.0'],
		['contenttype', 'json'],
		['timestamp', '2019-07-30 15:18:30'],
		['bizcontent', '{"brandName":"衣服","goodsNo":"H06-2"}'],
	];

	it('computes the documented sign', () => {
		expect(expectedJikeyunSign(vector, secret)).toBe('20cda156f86b919dd737a999041ac350');
	});

	it('leaves sign, contextid and token out, whatever their values', () => {
		const withUnsigned: Array<[string, string]> = [...vector, ['sign', 'x'], ['contextid', '1'], ['token', 't']];
		expect(expectedJikeyunSign(withUnsigned, secret)).toBe('20cda156f86b919dd737a999041ac350');
	});

	it('changes with any signed value and with the secret', () => {
		const tampered = vector.map(([name, value]): [string, string] => [name, value.replace('H06-2', 'H06-3')]);
		expect(expectedJikeyunSign(tampered, secret)).not.toBe('20cda156f86b919dd737a999041ac350');
		expect(expectedJikeyunSign(vector, secret.replace('f0', 'f1'))).not.toBe('20cda156f86b919dd737a999041ac350');
	});
});

describe('Jikeyun emulator: Beijing time (docs/jikeyun-open-api.md#timestamp)', () => {
	it('writes the vector timestamp for its UTC instant (UTC+8, whatever the host zone)', () => {
		expect(beijingWallClock(new Date(Date.UTC(2019, 6, 30, 7, 18, 30)))).toBe('2019-07-30 15:18:30');
		expect(beijingWallClock(new Date(Date.UTC(2019, 6, 30, 20, 0, 5)))).toBe('2019-07-31 04:00:05');
	});

	it('reads it back as the same instant', () => {
		expect(readBeijingWallClock('2019-07-30 15:18:30')?.toISOString()).toBe('2019-07-30T07:18:30.000Z');
		expect(readBeijingWallClock('2020-01-01 00:00:00')?.toISOString()).toBe('2019-12-31T16:00:00.000Z');
	});

	it.each([
		'2019-07-30T15:18:30',
		'2019-07-30 15:18:30.000',
		'2019-07-30 15:18',
		'2019-02-30 00:00:00',
		'2019-07-30 24:00:00',
		'',
	])('refuses %j', (text) => {
		expect(readBeijingWallClock(text)).toBeUndefined();
	});
});

/** The public sample credentials of docs/kingdee-webapi.md#signed-login. */
const KINGDEE_SAMPLE = {
	acctId: '5db25ac8d2b819',
	username: 'webapi',
	appId: '204399_72epSbtEQMC92Vwt2d3LRa9LRqSc1tqJ',
	appSecret: 'fb7d46647ac346dbb5fcd45b65512a45',
	timestamp: '1700000000',
};
const VIEW_PATH = '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.View.common.kdsvc';
/** docs/kingdee-webapi.md#signed-headers, vector table. */
const SIGNED_HEADER_VECTOR = {
	'X-Api-Signature': 'NDkzNDliNDk2YjBhYjU1N2Y3ODIwYmIzODhkMzRhMmMwYTBjYzI3MDkwOTA3ZGIyYjNiZWY5M2EzZDE1OGUwMg==',
	'X-Kd-Appdata': 'NWRiMjVhYzhkMmI4MTksd2ViYXBpLDIwNTIsMA==',
	'X-Kd-Signature': 'OWQ2YWVhM2JmOGVlYWEzYjVlZGI0NzM3MjlmYzA4NTkyYjhiMTAwNTgxODk5MmQ5NWIxMzBjZTQxNjk5ZWFiYg==',
};

describe('Kingdee emulator: LoginBySign (docs/kingdee-webapi.md#signed-login)', () => {
	it('computes the documented SHA-256 and SHA-1 signs', () => {
		expect(expectedLoginSign(KINGDEE_SAMPLE, 'sha256')).toBe(
			'91020350abf9d30f0d7316b6db1c5a14eba2bde38b42cc8e8ca8b10aa0ef783d',
		);
		expect(expectedLoginSign(KINGDEE_SAMPLE, 'sha1')).toBe('214cce08d2fab9540dd2f3f0b725a9f3e091d73c');
	});

	it('does not depend on which field holds which value (the five strings are sorted)', () => {
		const swapped = { ...KINGDEE_SAMPLE, acctId: KINGDEE_SAMPLE.username, username: KINGDEE_SAMPLE.acctId };
		expect(expectedLoginSign(swapped, 'sha256')).toBe(
			'91020350abf9d30f0d7316b6db1c5a14eba2bde38b42cc8e8ca8b10aa0ef783d',
		);
	});
});

describe('Kingdee emulator: signed headers (docs/kingdee-webapi.md#signed-headers)', () => {
	const fields = {
		appId: KINGDEE_SAMPLE.appId,
		appSecret: KINGDEE_SAMPLE.appSecret,
		appData: '5db25ac8d2b819,webapi,2052,0',
		path: VIEW_PATH,
		timestamp: '1700000000',
		nonce: '1700000000',
	};

	it('computes the documented X-Kd-Signature and X-Api-Signature', () => {
		expect(expectedSignedHeaderSignatures(fields)).toEqual({
			kdSignature: SIGNED_HEADER_VECTOR['X-Kd-Signature'],
			apiSignature: SIGNED_HEADER_VECTOR['X-Api-Signature'],
		});
		expect(Buffer.from(SIGNED_HEADER_VECTOR['X-Kd-Appdata'], 'base64').toString('utf8')).toBe(fields.appData);
	});

	it('X-Api-Signature depends on the path, the nonce and the timestamp; X-Kd-Signature does not', () => {
		const reference = expectedSignedHeaderSignatures(fields)!;
		for (const change of [{ path: '/k3cloud/other' }, { nonce: '1700000001' }, { timestamp: '1700000001' }]) {
			const changed = expectedSignedHeaderSignatures({ ...fields, ...change })!;
			expect(changed.apiSignature).not.toBe(reference.apiSignature);
			expect(changed.kdSignature).toBe(reference.kdSignature);
		}
	});

	it.each(['204399', '204399_a_b', '_72epSbtEQMC92Vwt2d3LRa9LRqSc1tqJ'])(
		'has no signature for the App ID %j',
		(appId) => {
			expect(expectedSignedHeaderSignatures({ ...fields, appId })).toBeUndefined();
		},
	);

	it('the package computes the same documented headers', () => {
		const headers = buildKingdeeSignedHeaders({ ...KINGDEE_SAMPLE, lcid: 2052, orgNumber: 0, path: VIEW_PATH });
		expect(headers).toMatchObject(SIGNED_HEADER_VECTOR);
	});
});
