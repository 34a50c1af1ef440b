/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * The editor's Kingdee features inside a real n8n 2.40.7 (packed package, `n8n execute`), against the Kingdee emulator:
 * Describe Form under the Form resource, Batch Save with Map Fields Below (a resource-mapper value as the editor saves
 * it, checked by n8n against its schema), and a credential saved without a login mode, which n8n completes with the
 * credential's default (Signed Login), and Batch Save's Dry Run preview. Judged by the emulator's state and the node outputs n8n prints.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { kingdeeCredentialData } from '../../emulators/credentials';
import { DEFAULT_KINGDEE_ACCOUNT, startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { ensureN8n } from '../../testing/n8nRuntime';
import {
	createN8nInstance,
	importCredentials,
	importWorkflow,
	nodeOutputItems,
	packPackage,
	recordSecrets,
	stopAllN8nProcesses,
	type N8nInstance,
	type WorkflowJson,
} from '../../testing/n8nInstance';
import { describeFailure, executeWithOneRetry } from '../../testing/sampleSync';

const log = (line: string) => process.stdout.write(`${line}\n`);
const CREDENTIAL = { kingdeeApi: { id: 'kingdeeEditorCred1', name: 'Kingdee editor test' } };
const customerForm = {
	__rl: true,
	mode: 'list',
	value: 'BD_Customer',
	cachedResultName: 'Customer (客户) — BD_Customer',
};

/** The mapper's schema as the editor stores it after loading the fields (organisations as a dropdown). */
const SCHEMA = [
	{
		id: 'FNumber',
		displayName: 'FNumber — 编码',
		required: true,
		defaultMatch: true,
		canBeUsedToMatch: true,
		display: true,
		type: 'string',
	},
	{
		id: 'FName',
		displayName: 'FName — 名称',
		required: true,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: 'string',
	},
	...['FCreateOrgId', 'FUseOrgId'].map((id) => ({
		id,
		displayName: `${id} (number of ORG_Organizations)`,
		required: id === 'FCreateOrgId',
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: 'options',
		options: [
			{ name: '100 — 总部组织100', value: '100' },
			{ name: '101 — 分支组织101', value: '101' },
		],
	})),
];

function workflow(orgNumber: string): WorkflowJson {
	return {
		id: 'kingdeeEditorE2E1',
		name: 'Kingdee editor features',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'b0000000-0000-4000-8000-000000000001',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'b0000000-0000-4000-8000-000000000002',
				name: 'Describe customer form',
				type: 'n8n-nodes-jikeyun-kingdee.kingdee',
				typeVersion: 1,
				position: [300, -100],
				parameters: { resource: 'form', operation: 'describeForm', formId: customerForm },
				credentials: CREDENTIAL,
			},
			{
				id: 'b0000000-0000-4000-8000-000000000003',
				name: 'Save mapped customer',
				type: 'n8n-nodes-jikeyun-kingdee.kingdee',
				typeVersion: 1,
				position: [300, 100],
				parameters: {
					operation: 'batchSave',
					formId: customerForm,
					modelSource: 'mapper',
					fields: {
						mappingMode: 'defineBelow',
						value: {
							FNumber: 'E2E1',
							FName: '={{ "映射客户 " + $runIndex }}',
							FCreateOrgId: orgNumber,
							FUseOrgId: orgNumber,
						},
						matchingColumns: ['FNumber'],
						schema: SCHEMA,
						attemptToConvertTypes: false,
						convertFieldsToString: true,
					},
					upsertByNumber: true,
				},
				credentials: CREDENTIAL,
			},
		],
		connections: {
			Start: {
				main: [
					[
						{ node: 'Describe customer form', type: 'main', index: 0 },
						{ node: 'Save mapped customer', type: 'main', index: 0 },
					],
				],
			},
		},
	} as unknown as WorkflowJson;
}

describe('Kingdee editor features in a real n8n', () => {
	let kingdee: KingdeeEmulator;
	let instance: N8nInstance;
	let workDir: string;

	beforeAll(async () => {
		const runtime = await ensureN8n({ log });
		workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-e2e-kedit-'));
		kingdee = await startKingdeeEmulator({});
		const tarball = packPackage(workDir, log);
		instance = createN8nInstance({ runtime, userFolder: path.join(workDir, 'n8n-user'), tarball, log });
		// Saved without `authType`: n8n fills in the credential's default.
		const data: Record<string, unknown> = kingdeeCredentialData(kingdee, 'sign');
		delete data.authType;
		await importCredentials(instance, [{ ...CREDENTIAL.kingdeeApi, type: 'kingdeeApi', data }]);
	});

	afterAll(async () => {
		await stopAllN8nProcesses();
		if (kingdee) {
			recordSecrets('emulator-accounts', [DEFAULT_KINGDEE_ACCOUNT.password, DEFAULT_KINGDEE_ACCOUNT.appSecret]);
			recordSecrets('kingdee-session-ids', kingdee.issuedSessionIds());
			await kingdee.close();
		}
		if (workDir && !process.env.KEEP_E2E_DIR) fs.rmSync(workDir, { recursive: true, force: true });
	});

	test('Describe Form lists the fields, Map Fields Below saves the mapped customer, the login is signed', async () => {
		const saved = await importWorkflow(instance, workflow('101'));
		const { result } = await executeWithOneRetry(instance, saved.id, log);
		if (!result.run) throw new Error(`n8n printed no execution:\n${describeFailure(result)}`);
		const fields = nodeOutputItems(result.run, 'Describe customer form').map((item) => item.json);
		expect(fields.find((field) => field.key === 'FName')).toMatchObject({
			caption: '名称',
			required: true,
			entity: 'FBillHead',
		});
		expect(fields.find((field) => field.key === 'FCreateOrgId')).toMatchObject({
			isBaseData: true,
			lookUpFormId: 'ORG_Organizations',
		});
		expect(nodeOutputItems(result.run, 'Save mapped customer').map((item) => item.json.status)).toEqual(['created']);
		const stored = kingdee.records('BD_Customer');
		expect(stored.map((record) => [record.FNumber, record.FName, record.FCreateOrgId, record.FUseOrgId])).toEqual([
			['E2E1', '映射客户 0', '101', '101'],
		]);
		expect(kingdee.stats().byService.LoginBySign).toBeGreaterThan(0);
		expect(kingdee.stats().byService.ValidateUser ?? 0).toBe(0);
	});

	test('Dry Run in the editor: Batch Save shows the plan (update with before → after) and writes nothing', async () => {
		const before = kingdee.records('BD_Customer').map((record) => ({ ...record }));
		expect(before.map((record) => [record.FNumber, record.FName])).toEqual([['E2E1', '映射客户 0']]);
		kingdee.resetStats();
		const dryRun = workflow('101');
		const save = dryRun.nodes.find((node) => node.name === 'Save mapped customer')!;
		const parameters = save.parameters as { fields: { value: Record<string, string> }; options?: object };
		parameters.fields.value.FName = '预览改名';
		parameters.options = { dryRun: true };
		const saved = await importWorkflow(instance, {
			...dryRun,
			id: 'kingdeeEditorE2E3',
			name: 'Kingdee editor features (dry run)',
		} as WorkflowJson);
		const { result } = await executeWithOneRetry(instance, saved.id, log);
		if (!result.run) throw new Error(`n8n printed no execution:\n${describeFailure(result)}`);
		expect(nodeOutputItems(result.run, 'Save mapped customer').map((item) => item.json)).toEqual([
			expect.objectContaining({
				status: 'planned',
				action: 'update',
				Number: 'E2E1',
				changes: [{ field: 'FName', before: '映射客户 0', after: '预览改名' }],
			}),
		]);
		const byService = kingdee.stats().byService;
		expect({ BatchSave: byService.BatchSave ?? 0, Save: byService.Save ?? 0, UnAudit: byService.UnAudit ?? 0 }).toEqual(
			{
				BatchSave: 0,
				Save: 0,
				UnAudit: 0,
			},
		);
		expect(kingdee.records('BD_Customer')).toEqual(before);
	});

	test('a mapped organisation that is not among the dropdown choices never reaches Kingdee; the run fails', async () => {
		kingdee.resetStats();
		const saved = await importWorkflow(instance, {
			...workflow('999'),
			id: 'kingdeeEditorE2E2',
			name: 'Kingdee editor features (bad org)',
		} as WorkflowJson);
		const { result } = await executeWithOneRetry(instance, saved.id, log);
		// n8n checks the mapped value against the schema's choices. n8n 2.40.7's `execute` then printed no execution
		// ("No active execution found"), so the message the run ends with cannot be read here.
		expect(result.code).not.toBe(0);
		expect(kingdee.stats().byService.BatchSave ?? 0).toBe(0);
		expect(kingdee.records('BD_Customer')).toHaveLength(1);
	});
});
