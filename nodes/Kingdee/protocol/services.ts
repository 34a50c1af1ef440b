/** Kingdee WebAPI service names, URLs and request bodies (docs/kingdee-webapi.md#services-and-urls). Pure: no n8n imports. */

const KINGDEE_SERVICE_PREFIX = 'Kingdee.BOS.WebApi.ServicesStub.';

export type KingdeeLoginService =
	| 'AuthService.ValidateUser'
	| 'AuthService.LoginByAppSecret'
	| 'AuthService.LoginBySign';

export type KingdeeFormService =
	| 'DynamicFormService.Save'
	| 'DynamicFormService.BatchSave'
	| 'DynamicFormService.Submit'
	| 'DynamicFormService.Audit'
	| 'DynamicFormService.UnAudit'
	| 'DynamicFormService.Delete'
	| 'DynamicFormService.View'
	| 'DynamicFormService.ExecuteBillQuery'
	| 'DynamicFormService.Allocate'
	// Form metadata (docs/kingdee-webapi.md#metadata); a read.
	| 'DynamicFormService.QueryBusinessInfo'
	// Kingdee's historic spelling; every server version knows it, `ExecuteOperation` only newer ones.
	| 'DynamicFormService.ExcuteOperation';

export type KingdeeService = KingdeeLoginService | KingdeeFormService | 'AuthService.Logout';

/** Services that change data: a timeout on one of them leaves the outcome unknown (never retried blindly). */
const WRITE_SERVICES: ReadonlySet<KingdeeService> = new Set<KingdeeService>([
	'DynamicFormService.Save',
	'DynamicFormService.BatchSave',
	'DynamicFormService.Submit',
	'DynamicFormService.Audit',
	'DynamicFormService.UnAudit',
	'DynamicFormService.Delete',
	'DynamicFormService.Allocate',
	'DynamicFormService.ExcuteOperation',
]);

export function isWriteService(service: KingdeeService): boolean {
	return WRITE_SERVICES.has(service);
}

/** Thrown for a server URL that cannot work (not http/https). */
class KingdeeConfigurationError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'KingdeeConfigurationError';
	}
}

/**
 * `https://host/k3cloud` → `https://host/k3cloud/`: exactly one trailing slash, as the SDKs do.
 * Surrounding whitespace (a frequent copy-paste artefact) is dropped.
 */
export function normalizeServerUrl(serverUrl: string): string {
	const trimmed = String(serverUrl ?? '').trim();
	if (!/^https?:\/\/[^/]+/i.test(trimmed)) {
		throw new KingdeeConfigurationError(
			`The Server URL must start with http:// or https:// (e.g. https://erp.example.com/k3cloud/), got "${trimmed}"`,
		);
	}
	return `${trimmed.replace(/\/+$/, '')}/`;
}

/** `{serverUrl/}Kingdee.BOS.WebApi.ServicesStub.<service>.common.kdsvc` */
export function kingdeeServiceUrl(serverUrl: string, service: KingdeeService): string {
	return `${normalizeServerUrl(serverUrl)}${KINGDEE_SERVICE_PREFIX}${service}.common.kdsvc`;
}

/** The path part of a URL (what the signed-header algorithm signs), e.g. `/k3cloud/Kingdee…kdsvc`. */
export function urlPath(url: string): string {
	return new URL(url).pathname;
}

/**
 * Shape B of docs/kingdee-webapi.md#request-bodies, as the official Java/.NET SDKs send it: positional `parameters`
 * with the data object serialised to a JSON string.
 */
export function formRequestBody(formId: string, data: Record<string, unknown>): string {
	return JSON.stringify({ parameters: [formId, JSON.stringify(data)] });
}

/** ExecuteBillQuery / BillQuery / QueryBusinessInfo take only the data object. */
export function queryRequestBody(data: Record<string, unknown>): string {
	return JSON.stringify({ parameters: [JSON.stringify(data)] });
}

/** ExcuteOperation: `[formId, opNumber, data]`. */
export function executeOperationRequestBody(formId: string, opNumber: string, data: Record<string, unknown>): string {
	return JSON.stringify({ parameters: [formId, opNumber, JSON.stringify(data)] });
}
