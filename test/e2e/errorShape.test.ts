/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * Issue 19, "one error shape in every mode", inside a real n8n (2.40.7 here, the newest 1.x through
 * jest.n8n1x.config.js): in n8n's default *stop* mode a network failure shows the node's own message (n8n's error
 * classes replace any message naming ECONNREFUSED by "The service refused the connection") and its details as text.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureN8n } from '../../testing/n8nRuntime';
import {
	createN8nInstance,
	executeWorkflow,
	importCredentials,
	importWorkflow,
	packPackage,
	stopAllN8nProcesses,
	type ExecuteResult,
	type N8nInstance,
	type WorkflowJson,
} from '../../testing/n8nInstance';
import {
	describeFailure,
	NODE_TYPE_PREFIX,
	recordEmulatorSecrets,
	startEmulatorPair,
	type EmulatorPair,
} from '../../testing/sampleSync';
import { jikeyunCredentialData, kingdeeCredentialData } from '../../emulators/credentials';

const log = (line: string) => process.stdout.write(`${line}\n`);

const KINGDEE_CREDENTIAL = { id: 'errShapeKingdee01', name: 'Kingdee (error shape)' };
const JIKEYUN_CREDENTIAL = { id: 'errShapeJikeyun01', name: 'Jikeyun (unreachable)' };

/** Manual Trigger → one node of this package, in n8n's default stop mode (no continue on fail). */
function oneNodeWorkflow(id: string, node: WorkflowJson['nodes'][number]): WorkflowJson {
	return {
		id,
		name: `Error shape: ${node.name}`,
		nodes: [
			{
				id: `${id}-trigger`,
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{ ...node, id: `${id}-node`, position: [220, 0] },
		],
		connections: { Start: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

const kingdeeView = oneNodeWorkflow('errShapeKingdeeView', {
	id: '',
	name: 'Kingdee View',
	type: `${NODE_TYPE_PREFIX}kingdee`,
	typeVersion: 1,
	parameters: {
		operation: 'view',
		formId: { __rl: true, mode: 'list', value: 'BD_Customer' },
		numbers: 'S001',
		options: { maxTries: 3 },
	},
	credentials: { kingdeeApi: KINGDEE_CREDENTIAL },
});

const jikeyunCall = oneNodeWorkflow('errShapeJikeyunCall', {
	id: '',
	name: 'Jikeyun Call',
	type: `${NODE_TYPE_PREFIX}jikeyun`,
	typeVersion: 1,
	parameters: { resource: 'api', operation: 'callMethod', method: 'erp.sales.get', bizContent: '{"pageIndex":0}' },
	credentials: { jikeyunApi: JIKEYUN_CREDENTIAL },
});

/** The node's error as n8n stored it in the run (message and description are what the editor shows). */
function nodeError(result: ExecuteResult, nodeName: string): { message?: string; description?: string } {
	const runs = result.run?.data.resultData.runData[nodeName];
	const error = runs?.[0]?.error as { message?: string; description?: string } | undefined;
	if (!error) throw new Error(`no error of ${nodeName} in the run:\n${describeFailure(result)}`);
	return error;
}

describe("n8n's default stop mode shows the node's own message and text details", () => {
	let pair: EmulatorPair;
	let instance: N8nInstance;
	let workDir: string;

	beforeAll(async () => {
		const runtime = await ensureN8n({ log });
		workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jk-e2e-errshape-'));
		pair = await startEmulatorPair({ jikeyun: { shopCount: 5, seed: 19 } });
		const tarball = packPackage(workDir, log);
		instance = createN8nInstance({ runtime, userFolder: path.join(workDir, 'n8n-user'), tarball, log });
		await importCredentials(instance, [
			{ ...KINGDEE_CREDENTIAL, type: 'kingdeeApi', data: kingdeeCredentialData(pair.kingdee, 'password') },
			{
				...JIKEYUN_CREDENTIAL,
				type: 'jikeyunApi',
				// Port 9 (discard) on loopback: nothing listens, so the connection is refused.
				data: { ...jikeyunCredentialData(pair.jikeyun), gatewayUrl: 'http://127.0.0.1:9/open/openapi/do' },
			},
		]);
		await importWorkflow(instance, kingdeeView);
		await importWorkflow(instance, jikeyunCall);
	});

	afterAll(async () => {
		await stopAllN8nProcesses();
		if (pair) recordEmulatorSecrets(pair);
		await pair?.close();
		if (workDir && !process.env.KEEP_E2E_DIR) fs.rmSync(workDir, { recursive: true, force: true });
	});

	test('Kingdee unreachable: "Item 0: View not sent: … cannot be reached … (ECONNREFUSED", details as lines of text', async () => {
		await pair.kingdee.setUnreachable(true);
		const result = await executeWorkflow(instance, kingdeeView.id);
		const error = nodeError(result, 'Kingdee View');
		log(`[e2e] Kingdee View error: ${JSON.stringify(error.message)} / ${JSON.stringify(error.description)}`);
		expect(error.message).toMatch(
			/^Item 0: View not sent: login failed \(Kingdee cannot be reached at 127\.0\.0\.1:\d+ \(ECONNREFUSED/,
		);
		expect(error.message).not.toMatch(/^The service refused the connection/);
		expect(error.description).toMatch(/^kind: transient$/m);
		expect(error.description).not.toMatch(/^\{/);
	});

	test('Jikeyun gateway unreachable: the method, the item and ECONNREFUSED, with the hint as description', async () => {
		const result = await executeWorkflow(instance, jikeyunCall.id);
		const error = nodeError(result, 'Jikeyun Call');
		log(`[e2e] Jikeyun Call error: ${JSON.stringify(error.message)} / ${JSON.stringify(error.description)}`);
		expect(error.message).toMatch(/^Jikeyun erp\.sales\.get \(item 0\) failed: request failed \(ECONNREFUSED\)/);
		expect(error.description).toMatch(/^Item 0: Not sent: no gateway answered at this URL/);
	});
});
