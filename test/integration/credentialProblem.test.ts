/**
 * A credential that cannot work fails the same way in both nodes and the Jikeyun trigger (issue 17): every item's
 * error says "Item N: not sent: <the problem with its field and fix>", kind and field `credential`, a description
 * telling which credential to open, and no request is made.
 */
import type { INodeExecutionData, INodeType } from 'n8n-workflow';

import { jikeyunCredentialData, kingdeeCredentialData } from '../../emulators/credentials';
import { startJikeyunEmulator, type JikeyunEmulator } from '../../emulators/jikeyun/server';
import { startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { Jikeyun } from '../../nodes/Jikeyun/Jikeyun.node';
import { JikeyunTrigger } from '../../nodes/Jikeyun/JikeyunTrigger.node';
import { Kingdee } from '../../nodes/Kingdee/Kingdee.node';
import { errorOf } from '../../testing/errorItems';
import { executeNode, pollTrigger } from '../../testing/n8nHarness';

let jikeyun: JikeyunEmulator;
let kingdee: KingdeeEmulator;
beforeAll(async () => {
	jikeyun = await startJikeyunEmulator({ shopCount: 5, seed: 3 });
	kingdee = await startKingdeeEmulator({ port: 0 });
});
afterAll(async () => {
	await jikeyun.close();
	await kingdee.close();
});

const items: INodeExecutionData[] = [{ json: { FNumber: 'C1' } }, { json: { FNumber: 'C2' } }];

interface NodeCase {
	service: 'Jikeyun' | 'Kingdee';
	node: () => INodeType;
	parameters: Record<string, unknown>;
	credentials: () => Record<string, Record<string, string | number>>;
	/** The emptied field, as the message names it. */
	field: string;
}

const cases: NodeCase[] = [
	{
		service: 'Jikeyun',
		node: () => new Jikeyun(),
		parameters: { resource: 'salesChannel', operation: 'getAll', returnAll: true },
		credentials: () => ({ jikeyunApi: jikeyunCredentialData(jikeyun, { appSecret: '' }) }),
		field: 'App Secret',
	},
	{
		service: 'Kingdee',
		node: () => new Kingdee(),
		parameters: {
			operation: 'query',
			formId: { __rl: true, mode: 'list', value: 'BD_Customer' },
			fieldKeys: 'FNumber',
			returnAll: true,
		},
		credentials: () => ({ kingdeeApi: kingdeeCredentialData(kingdee, 'password', { password: '' }) }),
		field: 'Password',
	},
];

const requestsMade = () => jikeyun.stats().calls + kingdee.stats().calls;

/** The message with the service and the problem's own words taken out: what both nodes must share. */
const shapeOf = (message: string, service: string) =>
	message.replace(service, 'SERVICE').replace(/credential has no [^:]+: .+$/, 'credential has no FIELD: FIX');

describe('a credential that cannot work: one failure shape for both nodes', () => {
	it.each(cases)('$service: continue on fail gives one credential error item per item', async (testCase) => {
		const before = requestsMade();
		const { outputs, harness } = await executeNode(testCase.node(), {
			parameters: testCase.parameters as never,
			items,
			continueOnFail: true,
			credentials: testCase.credentials(),
		});
		expect(outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		outputs[0].forEach((item, index) => {
			const error = errorOf(item.json);
			expect(error).toMatchObject({ itemIndex: index, kind: 'credential', field: 'credential' });
			expect(error?.message).toMatch(
				new RegExp(`^Item ${index}: not sent: The ${testCase.service} credential has no ${testCase.field}\\b.*: \\S`),
			);
			expect(error?.description).toBe(
				`Open the ${testCase.service} credential of this node and correct the field named in the message; no request was sent.`,
			);
		});
		expect(harness.requests).toHaveLength(0);
		expect(requestsMade()).toBe(before);
	});

	it('both nodes word it alike: the same message shape, details and thrown error (without continue on fail)', async () => {
		const shapes = [];
		for (const testCase of cases) {
			const failure = (await executeNode(testCase.node(), {
				parameters: testCase.parameters as never,
				items,
				credentials: testCase.credentials(),
			}).catch((error: unknown) => error)) as { message: string; description?: string; context?: object };
			expect(failure).toBeInstanceOf(Error);
			expect(failure.context).toMatchObject({ itemIndex: 0 });
			const { outputs } = await executeNode(testCase.node(), {
				parameters: testCase.parameters as never,
				items,
				continueOnFail: true,
				credentials: testCase.credentials(),
			});
			const error = errorOf(outputs[0][0].json);
			expect(error?.message).toBe(failure.message);
			shapes.push({
				thrown: shapeOf(failure.message, testCase.service),
				description: failure.description?.replace(testCase.service, 'SERVICE'),
				detailKeys: Object.keys(error ?? {}).sort(),
			});
		}
		expect(shapes[0].thrown).toBe('Item 0: not sent: The SERVICE credential has no FIELD: FIX');
		expect(shapes[1]).toEqual(shapes[0]);
	});

	it('the Jikeyun trigger says the same, for the poll', async () => {
		const before = requestsMade();
		const failure = (await pollTrigger(new JikeyunTrigger(), {
			parameters: {},
			credentials: { jikeyunApi: jikeyunCredentialData(jikeyun, { appKey: ' ' }) },
			staticData: {},
		}).catch((error: unknown) => error)) as { message: string; description?: string };
		expect(failure).toBeInstanceOf(Error);
		expect(failure.message).toMatch(/^Poll: not sent: The Jikeyun credential has no App Key: fill in "App Key"/);
		expect(failure.description).toMatch(/^Open the Jikeyun credential of this node/);
		expect(requestsMade()).toBe(before);
	});
});
