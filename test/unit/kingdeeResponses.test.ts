/* eslint-disable @n8n/community-nodes/require-node-api-error */
/** Every response shape of docs/kingdee-webapi.md#parsing-order → value or KingdeeApiError. */
import { KingdeeApiError } from '../../nodes/Kingdee/protocol/errors';
import {
	parseLoginResponse,
	parseQueryResponse,
	parseStatusResponse,
	statusError,
} from '../../nodes/Kingdee/protocol/responses';
import { KINGDEE_SESSION_LOST_BODY } from '../helpers/kingdeeReferenceBodies';

const ok = (body: unknown, statusCode = 200) => ({
	statusCode,
	headers: {},
	body: typeof body === 'string' ? body : JSON.stringify(body),
});

const sessionLost = KINGDEE_SESSION_LOST_BODY;

function caught(fn: () => unknown): KingdeeApiError {
	try {
		fn();
	} catch (error) {
		if (error instanceof KingdeeApiError) return error;
		throw error;
	}
	throw new Error('expected a KingdeeApiError');
}

describe('status replies', () => {
	it('reads a real Save success (boolean IsSuccess, numeric Id, no ErrorCode)', () => {
		const reply = parseStatusResponse(
			'Save',
			ok(
				'{"Result":{"ResponseStatus":{"IsSuccess":true,"Errors":[],"SuccessEntitys":[{"Id":103697,"Number":"SCLL24112614","DIndex":0}],"SuccessMessages":[],"MsgCode":0},"Id":103697,"Number":"SCLL24112614","NeedReturnData":[{}]}}',
			),
		);
		expect(reply.status).toEqual({
			isSuccess: true,
			msgCode: 0,
			errors: [],
			successEntities: [{ id: 103697, number: 'SCLL24112614', dIndex: 0 }],
		});
		expect(reply.id).toBe(103697);
	});

	it("accepts the template's string IsSuccess and keeps ids beyond 2^53 exact", () => {
		const reply = parseStatusResponse(
			'Save',
			ok(
				'{"Result":{"ResponseStatus":{"IsSuccess":"true","ErrorCode":"","MsgCode":"","SuccessEntitys":[{"Id":1234567890123456789,"Number":"A","DIndex":"0"}]}}}',
			),
		);
		expect(reply.status.isSuccess).toBe(true);
		expect(reply.status.msgCode).toBeUndefined();
		expect(reply.status.successEntities[0]).toEqual({ id: '1234567890123456789', number: 'A', dIndex: 0 });
	});

	it('returns per-row failures (MsgCode 11) for mapping, and statusError turns them into an error', () => {
		const body = {
			Result: {
				ResponseStatus: {
					ErrorCode: 500,
					IsSuccess: false,
					Errors: [
						{
							FieldName: 'FBillNo',
							Message: '违反字段唯一性要求：编码唯一。[test5]在当前系统中已经被使用。',
							DIndex: 0,
						},
					],
					SuccessEntitys: [],
					MsgCode: 11,
				},
				Id: '',
				Number: '',
			},
		};
		const { status } = parseStatusResponse('Save', ok(body));
		expect(status.errors).toEqual([
			{ fieldName: 'FBillNo', message: '违反字段唯一性要求：编码唯一。[test5]在当前系统中已经被使用。', dIndex: 0 },
		]);
		const error = statusError('Save', status);
		expect(error).toMatchObject({ kind: 'validation', msgCode: 11, retryable: false });
		expect(error.msgCodeMeaning).toBe('Validation failed (验证失败)');
		expect(error.message).toContain('FBillNo: 违反字段唯一性要求');
	});

	it('raises session loss, call limit and network-control conflicts as call-level errors', () => {
		expect(caught(() => parseStatusResponse('Save', ok(sessionLost)))).toMatchObject({
			kind: 'sessionLost',
			msgCode: 1,
		});
		const limited = JSON.parse(JSON.stringify(sessionLost));
		limited.Result.ResponseStatus.MsgCode = 14;
		expect(caught(() => parseStatusResponse('Save', ok(limited)))).toMatchObject({
			kind: 'transient',
			retryable: true,
		});
		limited.Result.ResponseStatus.MsgCode = 13;
		expect(caught(() => parseStatusResponse('Save', ok(limited)))).toMatchObject({
			kind: 'transient',
			retryable: true,
		});
	});
});

describe('transport-level shapes', () => {
	it('HTTP 500 HTML page → transient and ambiguous (it may come after a commit), with a tag-free excerpt', () => {
		const error = caught(() =>
			parseStatusResponse(
				'Save',
				ok("<html><head><style>x{}</style></head><body><h1>Server Error in '/' Application.</h1></body></html>", 500),
			),
		);
		expect(error).toMatchObject({ kind: 'transient', retryable: true, ambiguous: true, httpStatus: 500 });
		expect(error.message).toContain("Server Error in '/' Application.");
		expect(error.message).not.toContain('<h1>');
	});

	it('HTTP 504 from a gateway is ambiguous (a write may have happened); 503 (nothing ran) is not; 404 is permanent', () => {
		expect(caught(() => parseStatusResponse('Save', ok('timeout', 504)))).toMatchObject({
			ambiguous: true,
			retryable: true,
		});
		expect(caught(() => parseStatusResponse('Save', ok('Service Unavailable', 503)))).toMatchObject({
			ambiguous: false,
			retryable: true,
		});
		expect(caught(() => parseStatusResponse('Save', ok('<html>proxy</html>', 200)))).toMatchObject({
			ambiguous: true,
			retryable: false,
		});
		expect(caught(() => parseStatusResponse('Save', ok('{"Result":{"ResponseStatus":{"IsSu', 200)))).toMatchObject({
			ambiguous: true,
		});
		expect(caught(() => parseStatusResponse('Save', ok('not found', 404)))).toMatchObject({
			kind: 'transport',
			retryable: false,
		});
	});

	it('"Fail to verify thirty passport" → wrong account id in signed mode', () => {
		expect(caught(() => parseQueryResponse('Q', ok('Fail to verify thirty passport', 401)))).toMatchObject({
			kind: 'auth',
		});
	});

	it('response_error: envelope → its Message, redacted', () => {
		const error = caught(() =>
			parseStatusResponse(
				'Save',
				ok('response_error:{"Message":"Object reference not set; pwd=Sup3r-Secret","InnerExWrapper":null}'),
				(text) => text.split('Sup3r-Secret').join('***'),
			),
		);
		expect(error.message).toBe('Kingdee Save raised a server exception: Object reference not set; pwd=***');
		expect(error).toMatchObject({ kind: 'server', retryable: true, ambiguous: true });
	});

	it('non-JSON 200 → transport error naming the Server URL', () => {
		expect(caught(() => parseStatusResponse('Save', ok('<html>login page</html>'))).message).toMatch(
			/not JSON \(check the Server URL\)/,
		);
	});
});

describe('ExecuteBillQuery', () => {
	it('bare 2-D array → rows; [] → no rows', () => {
		expect(parseQueryResponse('Q', ok('[[100123,"C001","天猫旗舰店"]]'))).toEqual([[100123, 'C001', '天猫旗舰店']]);
		expect(parseQueryResponse('Q', ok('[]'))).toEqual([]);
	});

	it('[[{"Result":…}]] → error with MsgCode (and session loss inside the wrapper)', () => {
		const wrapped = [
			[
				{
					Result: {
						ResponseStatus: {
							ErrorCode: 500,
							IsSuccess: false,
							Errors: [{ FieldName: null, Message: '元数据中标识为FIssueType的字段不存在', DIndex: 0 }],
							SuccessEntitys: [],
							SuccessMessages: [],
							MsgCode: 9,
						},
					},
				},
			],
		];
		expect(caught(() => parseQueryResponse('Q', ok(wrapped)))).toMatchObject({ kind: 'invalidRequest', msgCode: 9 });
		expect(caught(() => parseQueryResponse('Q', ok([[sessionLost]])))).toMatchObject({ kind: 'sessionLost' });
	});
});

describe('login replies', () => {
	it('success with KDSVCSessionId; 7.x servers without one', () => {
		expect(parseLoginResponse('L', ok({ LoginResultType: 1, KDSVCSessionId: 'abc', Message: null }))).toEqual({
			loginResultType: 1,
			message: null,
			kdsvcSessionId: 'abc',
		});
		expect(parseLoginResponse('L', ok({ LoginResultType: 1, KDSVCSessionId: null })).kdsvcSessionId).toBeNull();
		expect(parseLoginResponse('L', ok({ LoginResultType: -5 })).loginResultType).toBe(-5);
	});

	it('failure → auth error with LoginResultType in words and the server message', () => {
		const error = caught(() =>
			parseLoginResponse('L', ok({ Message: '用户名或密码错误！', LoginResultType: 0, Context: null })),
		);
		expect(error).toMatchObject({ kind: 'auth', loginResultType: 0 });
		expect(error.message).toBe(
			'Kingdee login refused (L): Wrong username or password (用户或密码错误) — 用户名或密码错误！ [LoginResultType 0]',
		);
	});
});
