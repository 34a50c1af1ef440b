/**
 * Logins, sessions and signed-header authentication of the Kingdee emulator (docs/kingdee-webapi.md#logins,
 * docs/kingdee-webapi.md#sessions).
 * Nothing here ever puts a password or secret into a reply.
 */
import { randomBytes, randomUUID } from 'crypto';

import { expectedLoginSign, expectedSignedHeaderSignatures, type LoginSignAlgorithm } from './signatures';
import { scalarText } from './wire';

export interface EmulatorUser {
	username: string;
	password: string;
	appId?: string;
	appSecret?: string;
	locked?: boolean;
}

export interface Session {
	/** The login JSON's KDSVCSessionId and the `kdservice-sessionid` cookie. */
	kdsvcSessionId: string;
	/** 24 characters, the `ASP.NET_SessionId` cookie and `Context.SessionId`. */
	aspNetSessionId: string;
	username: string;
	userId: number;
	lcid: number;
	lastUsedMs: number;
	/** Authenticated calls served, for the dropSessionAfterCalls fault. */
	calls: number;
}

const LCIDS: Record<number, string> = { 2052: 'zh-CN', 1033: 'en-US', 3076: 'zh-TW' };
const DISPLAY_VERSION = '9.0.553.10';

/** ASP.NET session ids: 24 characters from a–z and 0–5. */
function aspNetSessionId(): string {
	const alphabet = 'abcdefghijklmnopqrstuvwxyz012345';
	const bytes = randomBytes(24);
	let id = '';
	for (const byte of bytes) id += alphabet[byte % alphabet.length];
	return id;
}

export function sessionCookies(session: Session): string[] {
	return [
		`kdservice-sessionid=${session.kdsvcSessionId}; path=/`,
		`ASP.NET_SessionId=${session.aspNetSessionId}; path=/; HttpOnly; SameSite=Lax`,
	];
}

/** The session id a request presents: header `kdservice-sessionid`, header `SID`, or the cookies. */
export function presentedSessionIds(headers: Record<string, string | string[] | undefined>): string[] {
	const ids: string[] = [];
	const header = (name: string) => {
		const value = headers[name];
		return Array.isArray(value) ? value[0] : value;
	};
	for (const name of ['kdservice-sessionid', 'sid']) {
		const value = header(name)?.trim();
		if (value) ids.push(value);
	}
	const cookie = header('cookie');
	if (cookie) {
		for (const part of cookie.split(';')) {
			const eq = part.indexOf('=');
			if (eq < 0) continue;
			const name = part.slice(0, eq).trim().toLowerCase();
			const value = part.slice(eq + 1).trim();
			if (value && (name === 'kdservice-sessionid' || name === 'asp.net_sessionid')) ids.push(value);
		}
	}
	return ids;
}

export interface LoginReply {
	body: Record<string, unknown>;
	session?: Session;
}

export interface AuthOptions {
	acctId: string;
	users: EmulatorUser[];
	sessionIdleMinutes: number;
	loginSignAlgorithms: LoginSignAlgorithm[];
	now: () => number;
}

export type SignedCheck =
	| { outcome: 'ok'; session: Session }
	| { outcome: 'notSigned' }
	| { outcome: 'lost' }
	| { outcome: 'wrongAcct' };

export class SessionRegistry {
	private readonly sessions = new Map<string, Session>();
	private readonly byAspNetId = new Map<string, Session>();
	private readonly issued: string[] = [];

	constructor(private readonly options: AuthOptions) {}

	private userIdOf(user: EmulatorUser): number {
		return 100010 + this.options.users.indexOf(user);
	}

	create(user: EmulatorUser, lcid: number): Session {
		const session: Session = {
			kdsvcSessionId: randomUUID(),
			aspNetSessionId: aspNetSessionId(),
			username: user.username,
			userId: this.userIdOf(user),
			lcid,
			lastUsedMs: this.options.now(),
			calls: 0,
		};
		this.sessions.set(session.kdsvcSessionId, session);
		this.byAspNetId.set(session.aspNetSessionId, session);
		this.issued.push(session.kdsvcSessionId, session.aspNetSessionId);
		return session;
	}

	/** Every session id handed out so far (both kinds), kept after logout and clear() for secret scans. */
	issuedIds(): string[] {
		return [...this.issued];
	}

	remove(session: Session): void {
		this.sessions.delete(session.kdsvcSessionId);
		this.byAspNetId.delete(session.aspNetSessionId);
	}

	clear(): void {
		this.sessions.clear();
		this.byAspNetId.clear();
	}

	/** The stored session behind any of the presented ids, expired or not (used as the queue key). */
	find(ids: string[]): Session | undefined {
		for (const id of ids) {
			const session = this.sessions.get(id) ?? this.byAspNetId.get(id);
			if (session) return session;
		}
		return undefined;
	}

	/**
	 * A live session for the presented ids, renewing its idle timer; an idle-expired session is removed.
	 * `dropAfterCalls` kills a session once it has served that many authenticated calls.
	 */
	use(ids: string[], dropAfterCalls: number | undefined): Session | undefined {
		const session = this.find(ids);
		if (!session) return undefined;
		const now = this.options.now();
		if (now - session.lastUsedMs > this.options.sessionIdleMinutes * 60_000) {
			this.remove(session);
			return undefined;
		}
		if (dropAfterCalls !== undefined && dropAfterCalls > 0 && session.calls >= dropAfterCalls) {
			this.remove(session);
			return undefined;
		}
		session.lastUsedMs = now;
		session.calls++;
		return session;
	}

	/** ValidateUser / ValidateUser2 / LoginByAppSecret / LoginBySign. */
	login(serviceName: string, args: Record<string, unknown>): LoginReply {
		const text = (name: string) => scalarText(args[name])?.trim() ?? '';
		const lcidNumber = Number(text('lcid') || 2052);
		const lcid = LCIDS[lcidNumber] ? lcidNumber : 2052;
		if (text('acctid') !== this.options.acctId) {
			// Never echo what was sent: an acctId field may hold anything a user pasted.
			return { body: loginFailure(-1, '登录失败：指定的数据中心（账套）不存在，请检查 acctID。') };
		}
		const user = this.options.users.find((u) => u.username === text('username'));
		let credentialsOk = false;
		if (serviceName === 'ValidateUser' || serviceName === 'ValidateUser2') {
			credentialsOk = !!user && user.password === (scalarText(args.password) ?? '');
			if (!credentialsOk) return { body: loginFailure(0, '用户名或密码错误！') };
		} else if (serviceName === 'LoginByAppSecret') {
			if (!user) return { body: loginFailure(0, '用户名或密码错误！') };
			credentialsOk =
				!!user.appId && user.appId === text('appid') && user.appSecret === (scalarText(args.appsecret) ?? '');
			if (!credentialsOk)
				return { body: loginFailure(-1, '登录失败：应用ID或应用密钥不正确，或该应用未授权给此用户。') };
		} else {
			if (!user) return { body: loginFailure(0, '用户名或密码错误！') };
			const timestamp = text('timestamp');
			const sign = text('sign').toLowerCase();
			credentialsOk =
				!!user.appId &&
				!!user.appSecret &&
				user.appId === text('appid') &&
				timestamp !== '' &&
				this.options.loginSignAlgorithms.some(
					(algorithm) =>
						expectedLoginSign(
							{
								acctId: this.options.acctId,
								username: user.username,
								appId: user.appId ?? '',
								appSecret: user.appSecret ?? '',
								timestamp,
							},
							algorithm,
						) === sign,
				);
			if (!credentialsOk)
				return { body: loginFailure(-1, '登录失败：签名验证不通过（sign 不正确或应用未授权给此用户）。') };
		}
		if (!user) return { body: loginFailure(0, '用户名或密码错误！') };
		if (user.locked) return { body: loginFailure(-1, '登录失败：该用户已被锁定，请联系系统管理员解锁。') };
		if (serviceName === 'ValidateUser2' && ['true', '1'].includes(text('iskickoff').toLowerCase())) {
			// Kick-off login: other sessions of the same user end.
			for (const other of Array.from(this.sessions.values())) if (other.username === user.username) this.remove(other);
		}
		const session = this.create(user, lcid);
		return { body: this.loginSuccess(session), session };
	}

	private loginSuccess(session: Session): Record<string, unknown> {
		return {
			Message: null,
			MessageCode: 'CheckPasswordPolicy',
			LoginResultType: 1,
			Context: {
				UserLocale: LCIDS[session.lcid],
				LogId: '',
				UseLanguages: [{ LocaleId: session.lcid, LocaleName: LCIDS[session.lcid], Alias: 'CN' }],
				DBid: this.options.acctId,
				DatabaseType: 3,
				SessionId: session.aspNetSessionId,
				UseLanguage: LCIDS[session.lcid],
				UserId: session.userId,
				UserName: session.username,
				CustomName: 'Kingdee emulator',
				DisplayVersion: DISPLAY_VERSION,
				DataCenterName: 'Emulator data center',
				UserToken: randomUUID(),
				CurrentOrganizationInfo: { ID: 1, AcctOrgType: '1', Name: '总部组织', FunctionIds: [] },
				IsCH_ZH_AutoTrans: false,
				ClientType: 32,
				WeiboAuthInfo: null,
				UTimeZone: {
					OffsetTicks: 288000000000,
					StandardName: '(UTC+08:00)北京，重庆，香港特别行政区，乌鲁木齐',
					Id: 230,
					Number: '1078_SYS',
					CanBeUsed: true,
				},
				LCID: session.lcid,
			},
			KDSVCSessionId: session.kdsvcSessionId,
			FormId: null,
			RedirectFormParam: null,
			FormInputObject: null,
			ErrorStackTrace: null,
			Lcid: 0,
			AccessToken: null,
			CustomParam: {},
			KdAccessResult: null,
			IsSuccessByAPI: true,
		};
	}

	/**
	 * Signed-header authentication (docs/kingdee-webapi.md#signed-headers): a wrong acctId is reported apart (non-200 text); a wrong
	 * secret, user, app, lcid, or a wrong X-Api-Signature, yields the session-lost reply. The
	 * timestamp is not checked (private servers accept ±24 h and repeated nonces).
	 */
	verifySignedHeaders(headers: Record<string, string | string[] | undefined>, path: string): SignedCheck {
		const header = (name: string) => {
			const value = headers[name.toLowerCase()];
			return (Array.isArray(value) ? value[0] : value) ?? '';
		};
		const appKey = header('X-Kd-Appkey');
		const signature = header('X-Kd-Signature');
		const appDataBase64 = header('X-Kd-Appdata');
		if (!appKey && !signature && !appDataBase64) return { outcome: 'notSigned' };
		const appData = Buffer.from(appDataBase64, 'base64').toString('utf8').split(',');
		if (appData.length < 3) return { outcome: 'lost' };
		const [acctId, username, lcidText, orgNumber = '0'] = appData;
		if (acctId !== this.options.acctId) return { outcome: 'wrongAcct' };
		const user = this.options.users.find((u) => u.username === username && u.appId === appKey);
		const lcid = Number(lcidText);
		if (!user || !user.appSecret || user.locked || !LCIDS[lcid]) return { outcome: 'lost' };
		const timestamp = header('x-api-timestamp');
		const expected = expectedSignedHeaderSignatures({
			appId: appKey,
			appSecret: user.appSecret,
			appData: `${acctId},${username},${lcidText},${orgNumber}`,
			path,
			timestamp,
			nonce: header('x-api-nonce') || timestamp,
		});
		if (!expected || expected.kdSignature !== signature) return { outcome: 'lost' };
		const apiSignature = header('X-Api-Signature');
		if (apiSignature && apiSignature !== expected.apiSignature) return { outcome: 'lost' };
		const session = this.create(user, lcid);
		session.calls = 1;
		return { outcome: 'ok', session };
	}
}

function loginFailure(loginResultType: number, message: string): Record<string, unknown> {
	return {
		Message: message,
		MessageCode: '',
		LoginResultType: loginResultType,
		Context: null,
		KDSVCSessionId: null,
		FormId: null,
		ErrorStackTrace: null,
		IsSuccessByAPI: false,
	};
}
