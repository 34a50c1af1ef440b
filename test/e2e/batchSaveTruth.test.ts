/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * Batch Save tells the truth at the edges (issue 19) inside a real n8n 2.40.7 (packed package, `n8n execute`),
 * against the Kingdee emulator: status is part of the plan, empty means clear (n8n resolves the mapper's expression),
 * an outage right after UnAudit, organisations and a lost race. Rows come from a Set node split into items; every case
 * is judged by the emulator's state first, then by the rows n8n printed.
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
const CREDENTIAL = { kingdeeApi: { id: 'kingdeeTruthCred1', name: 'Kingdee truth test' } };
const SAVE = 'Batch Save customers';

const customer = (number: string, extra: Record<string, unknown> = {}) => ({
	FNumber: number,
	FName: `Name ${number}`,
	FCreateOrgId: '100',
	FUseOrgId: '100',
	...extra,
});

/** Start → Set (the rows as one JSON array) → Split Out (one item per row) → Kingdee Batch Save (continue on error). */
function workflow(id: string, rows: Array<Record<string, unknown>>, save: Record<string, unknown> = {}): WorkflowJson {
	const node = (name: string, type: string, typeVersion: number, x: number, parameters: object) => ({
		id: `c0000000-0000-4000-8000-00000000000${x / 100}`,
		name,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
	});
	return {
		id,
		name: `Batch Save truth ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, 100, {}),
			node('Rows', 'n8n-nodes-base.set', 3.4, 200, { mode: 'raw', jsonOutput: JSON.stringify({ rows }), options: {} }),
			node('Split rows', 'n8n-nodes-base.splitOut', 1, 300, { fieldToSplitOut: 'rows', options: {} }),
			{
				...node(SAVE, 'n8n-nodes-jikeyun-kingdee.kingdee', 1, 400, {
					operation: 'batchSave',
					formId: { __rl: true, mode: 'id', value: 'BD_Customer' },
					baseDataFields: 'FCreateOrgId, FUseOrgId',
					upsertByNumber: true,
					saveOptions: { isAutoSubmitAndAudit: true },
					...save,
				}),
				credentials: CREDENTIAL,
				onError: 'continueErrorOutput',
			},
		],
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'Split rows', type: 'main', index: 0 }]] },
			'Split rows': { main: [[{ node: SAVE, type: 'main', index: 0 }]] },
		},
	} as unknown as WorkflowJson;
}

describe('Batch Save tells the truth in a real n8n', () => {
	let kingdee: KingdeeEmulator;
	let instance: N8nInstance;
	let workDir: string;

	beforeAll(async () => {
		const runtime = await ensureN8n({ log });
		workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-e2e-truth-'));
		kingdee = await startKingdeeEmulator({});
		const tarball = packPackage(workDir, log);
		instance = createN8nInstance({ runtime, userFolder: path.join(workDir, 'n8n-user'), tarball, log });
		await importCredentials(instance, [
			{ ...CREDENTIAL.kingdeeApi, type: 'kingdeeApi', data: kingdeeCredentialData(kingdee, 'password') },
		]);
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

	/** Runs the workflow; returns the printed rows of the success and the error output. */
	async function execute(json: WorkflowJson) {
		const saved = await importWorkflow(instance, json);
		const { result } = await executeWithOneRetry(instance, saved.id, log);
		if (!result.run) throw new Error(`n8n printed no execution:\n${describeFailure(result)}`);
		return {
			ok: nodeOutputItems(result.run, SAVE, 0).map((item) => item.json),
			failed: nodeOutputItems(result.run, SAVE, 1).map((item) => item.json),
		};
	}
	const held = (number: string) =>
		kingdee.records('BD_Customer').filter((record) => String(record.FNumber).toUpperCase() === number.toUpperCase());

	test('status: records in A and D that hold the input values come out audited', async () => {
		kingdee.seedRecords('BD_Customer', 1, () => customer('ST1', { FDocumentStatus: 'A' }));
		kingdee.seedRecords('BD_Customer', 1, () => customer('ST2', { FDocumentStatus: 'D' }));
		const { ok } = await execute(workflow('truthStatus1', [customer('ST1'), customer('ST2')]));
		expect(held('ST1')[0].FDocumentStatus).toBe('C');
		expect(held('ST2')[0].FDocumentStatus).toBe('C');
		expect(ok.map((row) => [row.Number, row.status])).toEqual([
			['ST1', 'audited'],
			['ST2', 'audited'],
		]);
	});

	test('clear: a mapped expression that n8n resolves to "" clears the field', async () => {
		kingdee.seedRecords('BD_Customer', 1, () => customer('CL1', { FTEL: '13800138000' }));
		const mapper = {
			modelSource: 'mapper',
			fields: {
				mappingMode: 'defineBelow',
				value: { FNumber: '={{ $json.FNumber }}', FName: '={{ $json.FName }}', FTEL: '={{ $json.tel }}' },
				matchingColumns: ['FNumber'],
				schema: ['FNumber', 'FName', 'FTEL'].map((id) => ({
					id,
					displayName: id,
					required: id !== 'FTEL',
					defaultMatch: id === 'FNumber',
					canBeUsedToMatch: id === 'FNumber',
					display: true,
					type: 'string',
				})),
				attemptToConvertTypes: false,
				convertFieldsToString: true,
			},
		};
		const { ok } = await execute(workflow('truthClear1', [{ FNumber: 'CL1', FName: 'Name CL1', tel: '' }], mapper));
		expect(held('CL1')[0].FTEL ?? '').toBe('');
		expect(ok[0]).toMatchObject({ status: 'updated', changes: [{ field: 'FTEL', before: '13800138000', after: '' }] });
	});

	test('un-audit outage: rows say "un-audited, not saved"; later batches stay audited; the next run repairs', async () => {
		const numbers = ['UA1', 'UA2', 'UA3', 'UA4'];
		for (const number of numbers) kingdee.seedRecords('BD_Customer', 1, () => customer(number, { FName: 'Old' }));
		kingdee.setFaults({ unreachableAfterUnAudit: { calls: 30, as: 'http503' } });
		const rows = numbers.map((number) => customer(number));
		const first = await execute(workflow('truthOutage1', rows, { batchSize: 2, options: { maxTries: 1 } }));
		expect(numbers.map((number) => held(number)[0].FDocumentStatus)).toEqual(['D', 'D', 'C', 'C']);
		expect(first.ok).toEqual([]);
		const messages = first.failed.map((row) => String((row.error as { message?: string }).message));
		expect(messages.slice(0, 2).every((message) => message.includes('un-audited, not saved; status D'))).toBe(true);
		expect(messages.some((message) => message.includes('nothing was sent'))).toBe(false);

		kingdee.setFaults({});
		const second = await execute(workflow('truthOutage2', rows));
		expect(numbers.map((number) => [held(number)[0].FName, held(number)[0].FDocumentStatus])).toEqual(
			numbers.map((number) => [`Name ${number}`, 'C']),
		);
		expect(second.ok.map((row) => row.status)).toEqual(['updated', 'updated', 'updated', 'updated']);
	});

	test('organisations: the item names FUseOrgId and only that organisation’s record changes', async () => {
		kingdee.seedRecords('BD_Customer', 1, () => customer('OR1', { FName: 'Org 100' }));
		kingdee.seedRecords('BD_Customer', 1, () => customer('OR1', { FName: 'Org 101', FUseOrgId: '101' }));
		const { ok, failed } = await execute(
			workflow('truthOrgs1', [customer('OR1', { FName: 'Renamed 101', FUseOrgId: '101' })]),
		);
		expect(
			held('OR1')
				.map((record) => [record.FUseOrgId, record.FName])
				.sort(),
		).toEqual([
			['100', 'Org 100'],
			['101', 'Renamed 101'],
		]);
		expect(failed).toEqual([]);
		expect(ok[0]).toMatchObject({ status: 'updated', Number: 'OR1' });
	});

	test('races: numbers created meanwhile by another worker end unchanged or updated, never failed', async () => {
		kingdee.setFaults({
			insertBeforeNextSave: {
				formId: 'BD_Customer',
				records: [customer('RC1'), customer('RC2', { FName: 'Theirs' })],
			},
		});
		const { ok, failed } = await execute(workflow('truthRace1', [customer('RC1'), customer('RC2'), customer('RC3')]));
		expect(['RC1', 'RC2', 'RC3'].map((number) => held(number).map((record) => record.FName))).toEqual([
			['Name RC1'],
			['Name RC2'],
			['Name RC3'],
		]);
		expect(failed).toEqual([]);
		expect(ok.map((row) => row.status)).toEqual(['unchanged', 'updated', 'created']);
	});
});
