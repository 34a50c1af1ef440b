/**
 * The route table of the Kingdee emulator: every WebAPI service it answers, with its positional parameters and its
 * handler (docs/kingdee-webapi.md#services-and-urls). Adding a DynamicFormService is one handler module under
 * `services/` plus one line here. Login services are answered by the session registry (`auth.ts`).
 */
import { queryBusinessInfoService } from './metadata';
import { billQueryService, executeBillQueryService } from './query';
import { allocateService, cancelAllocateService } from './services/allocate';
import type { FormHandler } from './services/context';
import { batchSaveService, saveService } from './services/save';
import { auditService, deleteService, executeOperationService, submitService, unAuditService } from './services/state';
import { viewService } from './services/view';
import type { ServiceInfo } from './wire';

export interface FormRoute extends ServiceInfo {
	kind: 'form';
	handle: FormHandler;
}

const FORM_DATA = ['formid', 'data'];
const OPERATION = ['formid', 'opnumber', 'data'];
const QUERY = ['data'];

const auth = (name: string, params: string[]): ServiceInfo => ({ kind: 'auth', name, params });
const read = (name: string, params: string[], handle: FormHandler): FormRoute => ({
	kind: 'form',
	name,
	params,
	handle,
});
const write = (name: string, params: string[], handle: FormHandler): FormRoute => ({
	kind: 'form',
	name,
	params,
	handle,
	write: true,
});

export const ROUTES: Array<ServiceInfo | FormRoute> = [
	auth('ValidateUser', ['acctid', 'username', 'password', 'lcid']),
	auth('ValidateUser2', ['acctid', 'username', 'password', 'iskickoff', 'lcid']),
	auth('LoginByAppSecret', ['acctid', 'username', 'appid', 'appsecret', 'lcid']),
	auth('LoginBySign', ['acctid', 'username', 'appid', 'timestamp', 'sign', 'lcid']),
	auth('Logout', []),
	write('Save', FORM_DATA, saveService),
	write('BatchSave', FORM_DATA, batchSaveService),
	write('Submit', FORM_DATA, submitService),
	write('Audit', FORM_DATA, auditService),
	write('UnAudit', FORM_DATA, unAuditService),
	write('Delete', FORM_DATA, deleteService),
	read('View', FORM_DATA, viewService),
	write('Allocate', FORM_DATA, allocateService),
	write('CancelAllocate', FORM_DATA, cancelAllocateService),
	write('ExcuteOperation', OPERATION, executeOperationService),
	write('ExecuteOperation', OPERATION, executeOperationService),
	read('ExecuteBillQuery', QUERY, executeBillQueryService),
	read('BillQuery', QUERY, billQueryService),
	read('QueryBusinessInfo', QUERY, queryBusinessInfoService),
];

const SERVICE_PATH =
	/^\/[^/]+\/kingdee\.bos\.webapi\.servicesstub\.(authservice|dynamicformservice)\.([a-z0-9_]+)\.common\.kdsvc$/i;

/**
 * Maps a request path (`/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.save.common.kdsvc`)
 * to a route; the virtual directory, service and method names are case-insensitive.
 * Returns the raw method name as well so an unknown method can be reported.
 */
export function resolveService(pathname: string): { service?: ServiceInfo | FormRoute; rawName: string } | undefined {
	const match = SERVICE_PATH.exec(pathname);
	if (!match) return undefined;
	const group = match[1].toLowerCase() === 'authservice' ? 'auth' : 'form';
	const method = match[2].toLowerCase();
	const service = ROUTES.find((s) => s.kind === group && s.name.toLowerCase() === method);
	return { service, rawName: match[2] };
}
