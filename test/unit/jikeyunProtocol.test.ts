/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- docs/jikeyun-open-api.md#test-vector is public */
import { createHash } from 'node:crypto';
import { classifyJikeyunFailure, isJikeyunReadMethod, JikeyunApiError } from '../../nodes/Jikeyun/protocol/errors';
import { buildJikeyunParameters, encodeJikeyunForm } from '../../nodes/Jikeyun/protocol/request';
import { extractJikeyunRecords, parseJikeyunResponse } from '../../nodes/Jikeyun/protocol/response';
import { jikeyunSignaturePreimage, signJikeyunRequest } from '../../nodes/Jikeyun/protocol/sign';
import { formatBeijingTime, parseBeijingTime } from '../../nodes/Jikeyun/protocol/timestamp';
import { toJikeyunDateTime } from '../../nodes/Jikeyun/protocol/salesChannels';

// The worked example of docs/jikeyun-open-api.md#test-vector (inputs from the official signing page).
const VECTOR = {
	secret: 'f0d1483f1f2e49cea3dfd48c8d7e3c23',
	params: {
		method: 'erp.goods.skuimport',
		appkey: '187657',
		version: 'v1.0',
		contenttype: 'json',
		timestamp: '2019-07-30 15:18:30',
		bizcontent: '{"brandName":"衣服","goodsNo":"H06-2"}',
	},
	preimage:
		'f0d1483f1f2e49cea3dfd48c8d7e3c23appkey187657bizcontent{"brandname":"衣服","goodsno":"h06-2"}contenttypejsonmethoderp.goods.skuimporttimestamp2019-07-30 15:18:30versionv1.0f0d1483f1f2e49cea3dfd48c8d7e3c23',
	sign: '20cda156f86b919dd737a999041ac350',
};

describe('Jikeyun signature', () => {
	it('reproduces docs/jikeyun-open-api.md#test-vector (pre-image and MD5)', () => {
		expect(jikeyunSignaturePreimage(VECTOR.params, VECTOR.secret)).toBe(VECTOR.preimage);
		expect(signJikeyunRequest(VECTOR.params, VECTOR.secret)).toBe(VECTOR.sign);
	});

	it('ignores sign, contextid and token, and parameters without a value', () => {
		const withExtras = { ...VECTOR.params, sign: 'x', contextid: '131562131', token: 'abc', empty: undefined };
		expect(signJikeyunRequest(withExtras, VECTOR.secret)).toBe(VECTOR.sign);
	});

	it('changes when any signed value changes', () => {
		const other = { ...VECTOR.params, bizcontent: '{"brandName":"衣服","goodsNo":"H06-3"}' };
		expect(signJikeyunRequest(other, VECTOR.secret)).not.toBe(VECTOR.sign);
		expect(signJikeyunRequest(VECTOR.params, `${VECTOR.secret}0`)).not.toBe(VECTOR.sign);
	});

	it('form-encodes every value as docs/jikeyun-open-api.md#wire-encoding shows', () => {
		const parameters = buildJikeyunParameters(
			{ method: VECTOR.params.method, bizcontent: VECTOR.params.bizcontent },
			{ appKey: '187657', appSecret: VECTOR.secret, version: 'v1.0' },
			new Date(Date.UTC(2019, 6, 30, 7, 18, 30)),
		);
		expect(parameters.timestamp).toBe('2019-07-30 15:18:30');
		expect(parameters.sign).toBe(VECTOR.sign);
		const body = encodeJikeyunForm(parameters);
		expect(body).toBe(
			'method=erp.goods.skuimport&appkey=187657&version=v1.0&contenttype=json&timestamp=2019-07-30+15%3A18%3A30' +
				'&bizcontent=%7B%22brandName%22%3A%22%E8%A1%A3%E6%9C%8D%22%2C%22goodsNo%22%3A%22H06-2%22%7D&sign=20cda156f86b919dd737a999041ac350',
		);
	});

	it('signs the exact bizcontent text that is sent, awkward characters included', () => {
		const bizcontent = '{"name":"A&B+C=100% \\"x\\" 🛒"}';
		const parameters = buildJikeyunParameters(
			{ method: 'erp.sales.get', bizcontent },
			{ appKey: '1', appSecret: 's3cret', version: 'v1.0' },
			new Date(),
		);
		const decoded = new URLSearchParams(encodeJikeyunForm(parameters));
		expect(decoded.get('bizcontent')).toBe(bizcontent);
		const { sign, ...rest } = Object.fromEntries(decoded.entries());
		const expected = createHash('md5')
			.update(
				`s3cret${Object.keys(rest)
					.sort()
					.map((k) => k + rest[k])
					.join('')}s3cret`.toLowerCase(),
			)
			.digest('hex');
		expect(sign).toBe(expected);
	});
});

describe('Beijing timestamps', () => {
	const originalTz = process.env.TZ;
	afterEach(() => {
		process.env.TZ = originalTz;
	});

	it.each(['America/Los_Angeles', 'Europe/Berlin', 'Asia/Kolkata', 'UTC', 'Asia/Shanghai'])(
		'are UTC+8 wall-clock time when the host zone is %s',
		(zone) => {
			process.env.TZ = zone;
			// 2024-01-31 20:30:05 UTC is 2024-02-01 04:30:05 in Beijing.
			const instant = new Date(Date.UTC(2024, 0, 31, 20, 30, 5));
			expect(formatBeijingTime(instant)).toBe('2024-02-01 04:30:05');
			expect(parseBeijingTime('2024-02-01 04:30:05')?.getTime()).toBe(instant.getTime());
			const parameters = buildJikeyunParameters(
				{ method: 'erp.sales.get', bizcontent: '{}' },
				{ appKey: '1', appSecret: 'secret', version: 'v1.0' },
				instant,
			);
			expect(parameters.timestamp).toBe('2024-02-01 04:30:05');
		},
	);

	it('rejects malformed and impossible times', () => {
		expect(parseBeijingTime('2024-02-31 00:00:00')).toBeUndefined();
		expect(parseBeijingTime('2024-02-01T04:30:05')).toBeUndefined();
		expect(parseBeijingTime('2024-2-1 4:30:05')).toBeUndefined();
	});

	it('converts date filter input to Beijing time', () => {
		expect(toJikeyunDateTime('2024-01-31 23:59:59')).toBe('2024-01-31 23:59:59');
		expect(toJikeyunDateTime('2024-01-31T15:59:59Z')).toBe('2024-01-31 23:59:59');
		expect(toJikeyunDateTime('2024-01-31T23:59:59+08:00')).toBe('2024-01-31 23:59:59');
		expect(toJikeyunDateTime('2024-01-31T10:00:00.000-05:00')).toBe('2024-01-31 23:00:00');
		expect(toJikeyunDateTime('2024-01-31T23:59')).toBe('2024-01-31 23:59:00');
		expect(toJikeyunDateTime('2024-01-31')).toBe('2024-01-31 00:00:00');
		expect(toJikeyunDateTime('yesterday')).toBeUndefined();
	});
});

describe('Jikeyun responses', () => {
	const ok = (data: string, extra = '') =>
		`{"code":200,"msg":"","result":{"data":${data},"contextId":"2086180815808988032"},"subCode":""${extra}}`;

	it('keeps 19-digit ids exact', () => {
		const body = ok('{"salesChannelInfo":[{"channelId":1990412345678901234,"channelCode":"CH001","channelType":1}]}');
		const result = parseJikeyunResponse('erp.sales.get', { statusCode: 200, body });
		const [record] = extractJikeyunRecords(result.data, 'salesChannelInfo') as Array<Record<string, unknown>>;
		expect(record.channelId).toBe('1990412345678901234');
		expect(record.channelType).toBe(1);
		expect(result.contextId).toBe('2086180815808988032');
	});

	it('treats code 200 as success whatever subCode says, and "200" as well', () => {
		const body = '{"code":"200","msg":"操作成功","result":{"data":null},"subCode":"0030000004"}';
		const result = parseJikeyunResponse('erp.storage.goodslist', { statusCode: 200, body });
		expect(result.data).toBeNull();
		expect(extractJikeyunRecords(result.data)).toEqual([]);
	});

	it('turns failures into errors with code, subCode, msg, contextId and method', () => {
		const body =
			'{"code":0,"msg":"签名错误","result":{"data":null,"contextId":"412815373296750208"},"subCode":"0858030801"}';
		let caught: unknown;
		try {
			parseJikeyunResponse('erp.sales.get', { statusCode: 200, body });
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(JikeyunApiError);
		const error = caught as JikeyunApiError;
		expect(error.kind).toBe('signature');
		expect(error.subCode).toBe('0858030801');
		expect(error.contextId).toBe('412815373296750208');
		expect(error.message).toContain('erp.sales.get');
		expect(error.message).toContain('签名错误');
		expect(error.message).toContain('412815373296750208');
		expect(error.isRetryable(true)).toBe(false);
	});

	it('classifies transport problems as retryable', () => {
		const cases: Array<[number, string, string]> = [
			[503, '<html>Service Unavailable</html>', 'transient'],
			[429, 'Too Many Requests', 'throttled'],
			// An HTML page with HTTP 200 is not the gateway (wrong URL); an empty or cut-off envelope was lost on the way.
			[200, '<html>gateway hiccup</html>', 'notGateway'],
			[200, '{"other":"json"}', 'notGateway'],
			[404, '<html>Not Found</html>', 'notGateway'],
			[200, '', 'transient'],
			[200, '{"code":200,"msg":"","result":{"data":{"salesCha', 'transient'],
		];
		for (const [statusCode, body, kind] of cases) {
			expect(() => parseJikeyunResponse('erp.sales.get', { statusCode, body })).toThrow(
				expect.objectContaining({ kind }) as Error,
			);
		}
	});

	it('classifies sub-codes and message markers', () => {
		expect(classifyJikeyunFailure('0859999999', '上游限流/暂时不可用')).toBe('throttled');
		expect(classifyJikeyunFailure(undefined, '调用太频繁，请稍后再试')).toBe('throttled');
		expect(classifyJikeyunFailure('0130000609', '')).toBe('quota');
		expect(classifyJikeyunFailure('0130020310', 'appKey=1,method=x,未查询到应用或应用未订阅此API')).toBe(
			'subscription',
		);
		expect(classifyJikeyunFailure('0130020001', '未知错误')).toBe('unknownError');
		expect(classifyJikeyunFailure('0999999999', '时间戳已过期')).toBe('timestamp');
		expect(classifyJikeyunFailure('0130020327', '')).toBe('badRequest');
		expect(classifyJikeyunFailure('0123', 'something else')).toBe('permanent');
	});

	// Reads are declared (issue 19): the documented list (docs/jikeyun-open-api.md#failure-classification); every other
	// name is a write, whatever verb it starts or ends with.
	it.each([
		['erp.sales.get', true],
		['oms.trade.fullinfoget', true],
		['OMS.Trade.FullInfoGet', true],
		['wms.order.query-info.page', true],
		['erp.storage.goodslist', true],
		['erp-stock.stock.skulist', true],
		['crm.customer.list', true],
		['erp.user.search', true],
		['erp.company.query', true],
		['erp.warehouse.get', true],
		['erp-goods.goods.sku.search', true],
		['oms.trade.orderloglist', true],
		['omsapi-business.refund.listrefund', true],
		['jackyun.tradenotsensitiveinfos.list.get', true],
		['erp.storage.goodsdocout.v2', true],
		['erp.goods.pagecreate', false],
		['oms.trade.getOrCreate', false],
		['erp.stock.findandmodify', false],
		['erp.customer.addresslist', false],
		['oms.trade.updateinfo', false],
		['erp.finance.setbudget', false],
		['oms.trade.ordercreate', false],
		['erp.goods.skuimportbatch', false],
		['birc.report.salesGoodsSummary', false],
	] as const)('%s is a read: %s', (method, read) => {
		expect(isJikeyunReadMethod(method)).toBe(read);
	});

	it('normalises every result.data variety', () => {
		expect(extractJikeyunRecords({ warehouseInfo: [{ a: 1 }] })).toEqual([{ a: 1 }]);
		expect(extractJikeyunRecords([{ a: 1 }, { a: 2 }])).toEqual([{ a: 1 }, { a: 2 }]);
		expect(extractJikeyunRecords('{"Trades":[{"tradeNo":"T1","id":12345678901234567890}]}', 'trades')).toEqual([
			{ tradeNo: 'T1', id: '12345678901234567890' },
		]);
		expect(extractJikeyunRecords({ pageInfo: { list: [{ x: 1 }] } }, 'pageInfo.list')).toEqual([{ x: 1 }]);
		expect(extractJikeyunRecords(null)).toEqual([]);
		expect(extractJikeyunRecords({ salesChannelInfo: [] }, 'salesChannelInfo')).toEqual([]);
	});
});
