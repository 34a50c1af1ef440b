/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error */
/**
 * The sample sync workflow against the two emulators in a real n8n: shared by the end-to-end test and the demo.
 * Emulators run in this process; n8n runs as a child process (see n8nInstance.ts).
 */
import * as path from 'node:path';
import { jikeyunCredentialData, kingdeeCredentialData } from '../emulators/credentials';
import {
	DEFAULT_JIKEYUN_APP,
	startJikeyunEmulator,
	type JikeyunEmulator,
	type JikeyunEmulatorOptions,
} from '../emulators/jikeyun/server';
import {
	DEFAULT_KINGDEE_ACCOUNT,
	startKingdeeEmulator,
	type KingdeeEmulator,
	type KingdeeEmulatorOptions,
} from '../emulators/kingdee/server';
import {
	REPO_ROOT,
	credentialReferences,
	executeWorkflow,
	nodeOutputItems,
	recordSecrets,
	type ExecutionRun,
	type CredentialToImport,
	type ExecuteResult,
	type N8nInstance,
	type WorkflowJson,
} from './n8nInstance';
import { errorOf } from './errorItems';

export const WORKFLOWS_DIR = path.join(REPO_ROOT, 'workflows');
export const SYNC_WORKFLOW_FILE = path.join(WORKFLOWS_DIR, 'jikeyun-shops-to-kingdee-customers.json');
export const ALERT_WORKFLOW_FILE = path.join(WORKFLOWS_DIR, 'sync-error-alert.json');
export const RECONCILE_WORKFLOW_FILE = path.join(WORKFLOWS_DIR, 'reconcile-shops-and-customers.json');

export const NODE_TYPE_PREFIX = 'n8n-nodes-jikeyun-kingdee.';

export interface EmulatorPair {
	jikeyun: JikeyunEmulator;
	kingdee: KingdeeEmulator;
	close(): Promise<void>;
}

export async function startEmulatorPair(options: {
	jikeyun?: JikeyunEmulatorOptions;
	kingdee?: KingdeeEmulatorOptions;
}): Promise<EmulatorPair> {
	const jikeyun = await startJikeyunEmulator(options.jikeyun);
	let kingdee: KingdeeEmulator;
	try {
		kingdee = await startKingdeeEmulator(options.kingdee);
	} catch (error) {
		await jikeyun.close();
		throw error;
	}
	return {
		jikeyun,
		kingdee,
		close: async () => {
			await Promise.allSettled([jikeyun.close(), kingdee.close()]);
		},
	};
}

/**
 * Records the secrets the pair has handed out or accepted (account password and app secrets, every Kingdee session id
 * it issued) in the run's transcript, for the secret scan. Call it before the pair is closed.
 */
export function recordEmulatorSecrets(pair: EmulatorPair): void {
	recordSecrets('emulator-accounts', [
		DEFAULT_JIKEYUN_APP.appSecret,
		DEFAULT_KINGDEE_ACCOUNT.password,
		DEFAULT_KINGDEE_ACCOUNT.appSecret,
	]);
	recordSecrets('kingdee-session-ids', pair.kingdee.issuedSessionIds());
}

/**
 * Closes the pair and starts fresh emulators on the same ports (so credentials that name those URLs still work):
 * the seeded shops again, no customers, no faults, no sessions. Records the old pair's secrets first.
 */
export async function restartEmulatorPair(
	pair: EmulatorPair,
	options: { jikeyun?: JikeyunEmulatorOptions; kingdee?: KingdeeEmulatorOptions },
): Promise<EmulatorPair> {
	recordEmulatorSecrets(pair);
	await pair.close();
	return await startEmulatorPair({
		jikeyun: { ...options.jikeyun, port: pair.jikeyun.port },
		kingdee: { ...options.kingdee, port: pair.kingdee.port },
	});
}

type Shop = ReturnType<JikeyunEmulator['listShops']>[number];

/**
 * Shops that erp.sales.get returns by default and the sample workflow therefore syncs: the gateway hides stopped
 * (isBlockup) and deleted (isDelete) shops unless asked for them.
 */
export function isActiveShop(shop: Shop): boolean {
	return Number(shop.isBlockup ?? 0) === 0 && Number(shop.isDelete ?? 0) === 0;
}

export function activeShops(pair: EmulatorPair): Shop[] {
	return pair.jikeyun.listShops().filter(isActiveShop);
}

/**
 * Credentials pointing at the emulators, under exactly the ids and names the workflow references — so the shipped
 * workflow file is imported unchanged and n8n links it to these credentials.
 */
export function emulatorCredentialsFor(workflow: WorkflowJson, pair: EmulatorPair): CredentialToImport[] {
	const refs = credentialReferences(workflow);
	const credentials: CredentialToImport[] = [];
	if (refs.jikeyunApi) {
		credentials.push({
			...refs.jikeyunApi,
			type: 'jikeyunApi',
			data: jikeyunCredentialData(pair.jikeyun),
		});
	}
	if (refs.kingdeeApi) {
		credentials.push({
			...refs.kingdeeApi,
			type: 'kingdeeApi',
			data: kingdeeCredentialData(pair.kingdee, 'password'),
		});
	}
	return credentials;
}

/** Name of the first node of a given package node type (`jikeyun`, `kingdee`, …) in the workflow. */
export function nodeNameOfType(
	workflow: WorkflowJson,
	type: string,
	predicate?: (parameters: Record<string, unknown>) => boolean,
): string {
	const node = workflow.nodes.find(
		(n) => n.type === `${NODE_TYPE_PREFIX}${type}` && (predicate ? predicate(n.parameters) : true),
	);
	if (!node) throw new Error(`workflow ${workflow.id} has no ${type} node`);
	return node.name;
}

/**
 * What keeps Kingdee from mirroring the shops: every active shop (by channel code) must be exactly one audited customer
 * in org 100 with the mapped name (the sample trims it); no other customer may exist, except those whose numbers are
 * in `allowExtra` (e.g. shops stopped while the run read them). Empty when Kingdee mirrors the shops.
 */
export function customerMirrorProblems(pair: EmulatorPair, options: { allowExtra?: Iterable<string> } = {}): string[] {
	const shops = activeShops(pair);
	const byNumber = new Map<string, Array<Record<string, unknown>>>();
	for (const record of pair.kingdee.records('BD_Customer')) {
		const number = String(record.FNumber);
		byNumber.set(number, [...(byNumber.get(number) ?? []), record]);
	}
	const problems: string[] = [];
	for (const shop of shops) {
		const matches = byNumber.get(shop.channelCode) ?? [];
		byNumber.delete(shop.channelCode);
		if (matches.length !== 1) {
			problems.push(`${shop.channelCode}: ${matches.length} customers`);
			continue;
		}
		const [customer] = matches;
		const expectedName = shop.channelName.trim();
		if (customer.FName !== expectedName)
			problems.push(`${shop.channelCode}: FName ${JSON.stringify(customer.FName)} ≠ ${JSON.stringify(expectedName)}`);
		if (customer.FDocumentStatus !== 'C')
			problems.push(`${shop.channelCode}: FDocumentStatus ${String(customer.FDocumentStatus)}`);
		if (String(customer.FCreateOrgId) !== '100')
			problems.push(`${shop.channelCode}: FCreateOrgId ${String(customer.FCreateOrgId)}`);
		if (String(customer.FUseOrgId) !== '100')
			problems.push(`${shop.channelCode}: FUseOrgId ${String(customer.FUseOrgId)}`);
	}
	const allowed = new Set(options.allowExtra ?? []);
	for (const [number, records] of byNumber) {
		if (!allowed.has(number) || records.length > 1)
			problems.push(`${number}: ${records.length} customer(s) without an active shop`);
	}
	return problems;
}

/** The items on the sample workflow's failed-rows path (Batch Save's error output), as the run recorded them. */
export function failedRowsOf(workflow: WorkflowJson, run: ExecutionRun): Array<Record<string, unknown>> {
	return nodeOutputItems(run, nodeNameOfType(workflow, 'kingdee'), 1).map((item) => item.json);
}

export interface SyncCounts {
	shopsRead: number;
	created: number;
	updated: number;
	unchanged: number;
	failed: number;
	failures: string[];
}

/** Counts from the execution output of the sample sync workflow (Get Many → … → Batch Save). */
export function syncCountsFromRun(workflow: WorkflowJson, result: ExecuteResult): SyncCounts | undefined {
	if (!result.run) return undefined;
	const getMany = nodeNameOfType(workflow, 'jikeyun');
	const batchSave = nodeNameOfType(workflow, 'kingdee');
	const saved = nodeOutputItems(result.run, batchSave, 0);
	const failedItems = failedRowsOf(workflow, result.run);
	return {
		shopsRead: nodeOutputItems(result.run, getMany, 0).length,
		created: saved.filter((item) => item.json.status === 'created').length,
		updated: saved.filter((item) => item.json.status === 'updated').length,
		unchanged: saved.filter((item) => item.json.status === 'unchanged').length,
		failed: failedItems.length,
		failures: failedItems.map((row) => errorOf(row)?.message ?? JSON.stringify(row)),
	};
}

export interface AttemptedRun {
	result: ExecuteResult;
	attempts: number;
}

/**
 * Runs a workflow with `n8n execute`, re-running once when the process died without printing its execution
 * (n8n 2.40.7 sometimes crashes with SIGSEGV at shutdown after the run finished; the sample workflows are idempotent,
 * so running again is safe). Callers still judge the outcome by the emulators' state.
 */
export async function executeWithOneRetry(
	instance: N8nInstance,
	workflowId: string,
	log: (line: string) => void,
): Promise<AttemptedRun> {
	let attempts = 0;
	for (;;) {
		attempts++;
		const started = Date.now();
		const result = await executeWorkflow(instance, workflowId);
		const seconds = ((Date.now() - started) / 1000).toFixed(1);
		log(
			`[n8n] execute --id=${workflowId}: exit ${result.code ?? '-'}${result.signal ? ` signal ${result.signal}` : ''}, ` +
				`${result.run ? 'execution output received' : 'no execution output'} (${seconds}s)`,
		);
		const crashedBeforeReporting = !result.run && (result.signal !== null || (result.code ?? 0) >= 128);
		if (!crashedBeforeReporting || attempts >= 2) return { result, attempts };
		log('[n8n] n8n crashed before printing the execution (known n8n 2.40.7 shutdown crash) — running once more');
	}
}

export function describeFailure(result: ExecuteResult): string {
	const tail = (text: string) => text.split('\n').slice(-30).join('\n');
	const runError = result.run?.data.resultData.error?.message;
	return [
		`exit ${result.code} signal ${result.signal}`,
		runError ? `execution error: ${runError}` : '',
		`stdout (tail):\n${tail(result.stdout)}`,
		`stderr (tail):\n${tail(result.stderr)}`,
	]
		.filter(Boolean)
		.join('\n');
}
