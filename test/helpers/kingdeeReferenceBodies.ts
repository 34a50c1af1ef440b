/**
 * Kingdee answers exactly as captured from real servers (docs/kingdee-webapi.md), shared by the
 * emulator's tests (it must send them) and the client's tests (it must understand them).
 */

/** docs/kingdee-webapi.md#sessions: the session-lost answer (HTTP 200, MsgCode 1); ExecuteBillQuery wraps it as `[[…]]`. */
export const KINGDEE_SESSION_LOST_BODY = {
	Result: {
		ResponseStatus: {
			ErrorCode: 500,
			IsSuccess: false,
			Errors: [{ FieldName: null, Message: '会话信息已丢失，请重新登录', DIndex: 0 }],
			SuccessEntitys: [],
			SuccessMessages: [],
			MsgCode: 1,
		},
	},
};
