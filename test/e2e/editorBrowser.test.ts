/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/require-node-api-error -- a throw-away owner account; test code rethrows assertion errors */
/**
 * The n8n editor in a real browser (headless Debian Chromium through playwright-core), with the packed package
 * installed into n8n 2.40.7 and the four sample workflows imported as shipped, credentials pointing at the emulators.
 * Everything is done the way a person does it: sign in on the sign-in page, open the workflows, the credential and the
 * Batch Save panel, and click *Execute workflow* as the sample's notes say. What a run did is judged by the emulators;
 * what the metadata-driven editor lists is judged against the Kingdee emulator's own data (its QueryBusinessInfo answer
 * and its organisations), and the sample's notes are checked to be readable (no node on their text).
 */
import type { Browser, Page } from 'playwright-core';
import { queryBusinessInfo } from '../../emulators/kingdee/metadata';
import { KingdeeStore } from '../../emulators/kingdee/store';
import {
	canvasNodeLooks,
	canvasOverlaps,
	chooseOption,
	closeCredential,
	closeEditorPage,
	closeNode,
	copyWorkflow,
	launchChromium,
	leaveWorkflowWithoutSaving,
	newEditorPage,
	openCredential,
	openNode,
	openWorkflow,
	recordPage,
	saveCredentialAndAwaitTest,
	shownCredentialFields,
	signIn,
	startEditorSetup,
	type EditorSetup,
} from '../../testing/browser';
import { fetchExecution, listExecutions, waitForNewExecution, type WorkflowJson } from '../../testing/n8nInstance';
import { NODE_TYPE_PREFIX, activeShops, customerMirrorProblems } from '../../testing/sampleSync';

const log = (line: string) => process.stdout.write(`${line}\n`);

const OWNER = {
	email: 'browser-test@example.com',
	password: 'Browser-Test-n8n-2024',
	firstName: 'Browser',
	lastName: 'Test',
};
/** More shops than the trigger's old 5-record manual sample, so a sample run cannot pass for a full resync. */
const SHOP_COUNT = 40;
const SYNC_WORKFLOW_ID = 'jkyShopsToKdCustomer';
const KINGDEE_CREDENTIAL_ID = 'kingdeeCredential1';

/** The Kingdee emulator's organisations (the sample saves into 100); not its default list, so a list from elsewhere shows. */
const KINGDEE_ORGS = ['100', '230', '310'];
/** The credential's language: lcid 2052 (Simplified Chinese), its default; the editor shows captions in it. */
const CAPTION_LCID = 2052;

const STICKY_TYPE = 'n8n-nodes-base.stickyNote';

interface EmulatorField {
	key: string;
	caption: string;
	/** The form a base-data field points at; '' for other fields. */
	lookUp: string;
	required: boolean;
}

/** A form as the Kingdee emulator describes it (its QueryBusinessInfo answer): caption, internal-id field, head fields. */
function emulatorForm(formId: string): { caption: string; pkField: string; headFields: EmulatorField[] } {
	type Caption = Array<{ Key: number; Value: string }>;
	const reply = queryBusinessInfo({ FormId: formId }) as {
		Result: {
			NeedReturnData: {
				Name: Caption;
				PkFieldName: string;
				Entrys: Array<{
					Key: string;
					Fields: Array<{ Key: string; Name: Caption; LookUpObjectFormId: string; MustInput: number }>;
				}>;
			};
		};
	};
	const form = reply.Result.NeedReturnData;
	const caption = (names: Caption) => names.find((name) => name.Key === CAPTION_LCID)?.Value ?? '';
	const head = form.Entrys.find((entity) => entity.Key === 'FBillHead')!;
	return {
		caption: caption(form.Name),
		pkField: form.PkFieldName,
		headFields: head.Fields.map((field) => ({
			key: field.Key,
			caption: caption(field.Name),
			lookUp: field.LookUpObjectFormId,
			required: field.MustInput === 1,
		})),
	};
}

/** A label of the mapper shows `field`: it starts with the field key and carries its caption (and, for base data, the form it points at). */
function labelShows(label: string, field: EmulatorField): boolean {
	return (
		new RegExp(`^${field.key}\\b`).test(label) &&
		label.includes(field.caption) &&
		(!field.lookUp || label.includes(field.lookUp))
	);
}

/** Retries an assertion until it holds (the editor updates asynchronously), rethrowing its last failure at the end. */
async function eventually(assertion: () => unknown, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			await assertion();
			return;
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
}

const nodesOnCanvas = (workflow: WorkflowJson) => workflow.nodes.filter((node) => node.type !== STICKY_TYPE);

describe('the n8n editor in a real browser', () => {
	let setup: EditorSetup;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		setup = await startEditorSetup({
			shopCount: SHOP_COUNT,
			seed: 20241111,
			kingdeeOrgs: KINGDEE_ORGS,
			owner: OWNER,
			log,
			label: 'e2e-browser',
		});
		browser = await launchChromium();
		page = await newEditorPage(browser, 'editor-browser-test');
		page.setDefaultTimeout(60_000);
	});

	afterAll(async () => {
		if (page) await closeEditorPage(page);
		await browser?.close();
		await setup?.close();
	});

	test('signs in on the sign-in page', async () => {
		await signIn(page, setup.server.url, OWNER);
		expect(new URL(page.url()).pathname).not.toMatch(/^\/signin/);
	});

	test.each([['jkyShopsToKdCustomer'], ['jkyKdReconcile01'], ['jkySyncErrorAlert01'], ['jkyOrdersToKdOutstock']])(
		'sample workflow %s: every node renders with its own icon, none as an unknown-node placeholder, none on note text',
		async (workflowId) => {
			const workflow = setup.workflows.find((w) => w.id === workflowId)!;
			const expected = nodesOnCanvas(workflow);
			await openWorkflow(page, setup.server.url, workflowId, expected.length);
			const looks = await canvasNodeLooks(page);
			expect(looks.map((look) => look.name).sort()).toEqual(expected.map((node) => node.name).sort());
			for (const look of looks) {
				// Asserted per node so a failure names it.
				expect({ name: look.name, placeholder: look.placeholder }).toEqual({ name: look.name, placeholder: null });
				expect({ name: look.name, hasIcon: look.imageLoaded || look.svgIcon }).toEqual({
					name: look.name,
					hasIcon: true,
				});
			}
			// This package's nodes, as many as the workflow file has (the alert sample has none): their own SVG file,
			// served by n8n from the installed package, and loaded.
			const ours = looks.filter((look) => look.type.startsWith(NODE_TYPE_PREFIX));
			expect(ours.map((look) => look.name).sort()).toEqual(
				expected
					.filter((node) => node.type.startsWith(NODE_TYPE_PREFIX))
					.map((node) => node.name)
					.sort(),
			);
			for (const look of ours) {
				expect({ name: look.name, src: look.imageSrc, loaded: look.imageLoaded }).toEqual({
					name: look.name,
					src: expect.stringMatching(
						/^\/icons\/n8n-nodes-jikeyun-kingdee\/dist\/nodes\/(Jikeyun|Kingdee)\/[\w.]+\.svg$/,
					),
					loaded: true,
				});
			}
			// The notes read cleanly: no node, label or handle lies on their text, and no text runs past its note.
			expect(await canvasOverlaps(page)).toEqual([]);
		},
	);

	describe('the Kingdee credential', () => {
		const always = ['serverUrl', 'acctId', 'authType', 'username', 'lcid'];
		const appFields = ['appId', 'appSecret'];
		const modes: Array<[string, string, string[]]> = [
			['App Secret (LoginByAppSecret)', 'appSecret', [...always, ...appFields]],
			['Signed Headers (Stateless, SDK Style)', 'signedHeaders', [...always, ...appFields, 'orgNumber']],
			['Username and Password (ValidateUser)', 'password', [...always, 'password']],
			['Signed Login (LoginBySign)', 'sign', [...always, ...appFields, 'signAlgorithm']],
		];

		const signLogins = () => setup.pair.kingdee.stats().byService.LoginBySign ?? 0;

		test('the fields shown follow the login mode', async () => {
			await openCredential(page, setup.server.url, KINGDEE_CREDENTIAL_ID);
			for (const [caption, mode, fields] of modes) {
				await chooseOption(page, 'authType', caption);
				await page.getByTestId(`parameter-input-${fields[fields.length - 1]}`).waitFor();
				expect({ mode, fields: (await shownCredentialFields(page)).sort() }).toEqual({
					mode,
					fields: [...fields].sort(),
				});
			}
		});

		test('Save (which tests the credential) succeeds against the emulator in signed-login mode', async () => {
			// The dialog is still open in the last mode chosen above: Signed Login.
			await saveCredentialAndAwaitTest(page, signLogins);
			expect(await page.getByTestId('credentials-config-container-test-success').innerText()).toMatch(
				/tested successfully/i,
			);
			const saved = await setup.rest.request<{ data: Record<string, unknown> }>(
				'GET',
				`credentials/${KINGDEE_CREDENTIAL_ID}?includeData=true`,
			);
			// Signed Login is the credential's default, and n8n stores no value equal to the default; any other mode is stored.
			expect(['sign', undefined]).toContain(saved.data.authType);
			// …and the Retry button of the success banner tests again.
			const afterSave = signLogins();
			await page
				.getByTestId('credentials-config-container-test-success')
				.getByRole('button', { name: 'Retry' })
				.click();
			await eventually(() => expect(signLogins()).toBeGreaterThan(afterSave));
			await page.getByTestId('credentials-config-container-test-success').waitFor();
			// The secret scan checks that the stored App Secret and password never reached the dialog.
			await recordPage(page, 'kingdee-credential');
			await closeCredential(page);
		});
	});

	test('Batch Save: the Form list is filled with the common forms, searchable, and finds other forms on the server', async () => {
		const workflow = setup.workflows.find((w) => w.id === SYNC_WORKFLOW_ID)!;
		await openWorkflow(page, setup.server.url, SYNC_WORKFLOW_ID, nodesOnCanvas(workflow).length);
		const batchSave = workflow.nodes.find(
			(node) => node.type === `${NODE_TYPE_PREFIX}kingdee` && node.parameters.operation === 'batchSave',
		)!;
		await openNode(page, batchSave.name);
		await page.getByTestId('resource-locator-formId').getByTestId('rlc-input').click();
		const items = page.getByTestId('rlc-item');
		// The list shows the chosen form at once and the loaded ones (from the node's list search) a moment later.
		const formIds = async () => (await items.allInnerTexts()).map((caption) => caption.split(' — ').pop());
		await eventually(async () =>
			expect(await formIds()).toEqual(
				expect.arrayContaining(['BD_Customer', 'BD_Supplier', 'BD_MATERIAL', 'SAL_SaleOrder']),
			),
		);
		await page.getByTestId('rlc-search').fill('物料');
		// The form already chosen stays on top of the list; the search keeps only the matching one below it.
		const chosen = 'Customer (客户) — BD_Customer';
		await eventually(async () =>
			expect((await items.allInnerTexts()).filter((caption) => caption !== chosen)).toEqual([
				'Material (物料) — BD_MATERIAL',
			]),
		);
		// A form that is not one of the common ones (the emulator describes BD_Currency) is found by its ID on the
		// server (QueryBusinessInfo), listed with the caption Kingdee gives it.
		const other = 'BD_Currency';
		expect(await formIds()).not.toContain(other);
		const describedBefore = setup.pair.kingdee.stats().byService.QueryBusinessInfo ?? 0;
		await page.getByTestId('rlc-search').fill(other);
		const { caption } = emulatorForm(other);
		await eventually(async () =>
			expect((await items.allInnerTexts()).filter((text) => text !== chosen)).toEqual([
				expect.stringMatching(new RegExp(`${caption}.*${other}$`)),
			]),
		);
		expect(setup.pair.kingdee.stats().byService.QueryBusinessInfo ?? 0).toBeGreaterThan(describedBefore);
		await page.keyboard.press('Escape');
		await closeNode(page);
	});

	test("Batch Save, Map Fields Below (on a copy): the form's fields from its metadata, required ones shown, base data named, organisations to choose", async () => {
		const workflow = setup.workflows.find((w) => w.id === SYNC_WORKFLOW_ID)!;
		// A copy, so that n8n's autosave cannot change the sample the next test runs.
		const copyId = await copyWorkflow(setup.rest, workflow, `${workflow.name} (Map Fields Below)`);
		await openWorkflow(page, setup.server.url, copyId, nodesOnCanvas(workflow).length);
		const batchSave = workflow.nodes.find(
			(node) => node.type === `${NODE_TYPE_PREFIX}kingdee` && node.parameters.operation === 'batchSave',
		)!;
		await openNode(page, batchSave.name);
		const form = emulatorForm('BD_Customer');
		const describedBefore = setup.pair.kingdee.stats().byService.QueryBusinessInfo ?? 0;
		await chooseOption(page, 'modelSource', 'Map Fields Below');
		const mapper = page.getByTestId('mapping-fields-container');
		const shownIds = async () =>
			(
				await mapper
					.locator('[data-test-id^="parameter-input-"]:not([data-test-id="parameter-input-field"])')
					.evaluateAll((elements) =>
						elements.map((element) => (element.getAttribute('data-test-id') ?? '').replace(/^parameter-input-/, '')),
					)
			).sort();
		// n8n's mapper (upsert mode) shows the required fields and the match column at once; the rest are added by hand.
		const numberField = form.headFields.find((field) => field.key === 'FNumber')!;
		const shownFields = form.headFields.filter((field) => field.required || field === numberField);
		await eventually(async () => expect(await shownIds()).toEqual(shownFields.map((field) => field.key).sort()));
		expect(setup.pair.kingdee.stats().byService.QueryBusinessInfo ?? 0).toBeGreaterThan(describedBefore);
		const labels = await mapper.locator('label[for^="value["]').allInnerTexts();
		for (const field of shownFields) {
			expect({ field: field.key, shownAs: labels.filter((label) => labelShows(label.trim(), field)).length }).toEqual({
				field: field.key,
				shownAs: 1,
			});
		}
		// The number field is the match column (the select shows its key).
		expect(await page.getByTestId('matching-column-select').locator('input').inputValue()).toBe(numberField.key);
		// Every other head field but the internal ID can be added, with its caption; base-data fields name their form.
		await page.getByTestId('add-fields-select').getByRole('button').click();
		const menuItems = page.getByRole('menuitem');
		await menuItems.first().waitFor();
		// (n8n's menu also holds one item without text, not a field.)
		const addable = (await menuItems.allInnerTexts()).map((text) => text.trim()).filter(Boolean);
		const others = form.headFields.filter((field) => !shownFields.includes(field) && field.key !== form.pkField);
		expect(addable).toHaveLength(others.length);
		for (const field of others) {
			expect({ field: field.key, listedAs: addable.filter((text) => labelShows(text, field)).length }).toEqual({
				field: field.key,
				listedAs: 1,
			});
		}
		// Base data detected from the metadata: the fields the emulator gives a LookUpObjectFormId name that form (checked
		// above); the others name none.
		const lookedUpForms = [...new Set(form.headFields.map((field) => field.lookUp).filter(Boolean))];
		for (const field of [...shownFields, ...others].filter((each) => !each.lookUp)) {
			const label = [...labels, ...addable].find((text) => labelShows(text.trim(), field)) ?? '';
			expect({ field: field.key, namesForms: lookedUpForms.filter((formId) => label.includes(formId)) }).toEqual({
				field: field.key,
				namesForms: [],
			});
		}
		// Organisation fields are dropdowns of the emulator's organisations (ORG_Organizations): the required one shown
		// at once, and one added from the menu (which closes it; Escape would close the whole panel).
		const orgFields = form.headFields.filter((field) => field.lookUp === 'ORG_Organizations');
		const addedOrgField = orgFields.find((field) => others.includes(field))!;
		await menuItems.filter({ hasText: new RegExp(`^\\s*${addedOrgField.key}\\b`) }).click();
		await mapper.getByTestId(`parameter-input-${addedOrgField.key}`).waitFor();
		expect(orgFields.filter((field) => shownFields.includes(field)).length).toBeGreaterThan(0);
		const organisations = new KingdeeStore(KINGDEE_ORGS).orgs;
		const options = page.getByRole('option');
		for (const orgField of orgFields) {
			const orgSelect = mapper.getByTestId(`parameter-input-${orgField.key}`);
			await orgSelect.click();
			await eventually(async () => expect(await options.count()).toBe(organisations.length));
			const optionTexts = await options.allInnerTexts();
			for (const org of organisations) {
				expect({
					field: orgField.key,
					org: org.number,
					options: optionTexts.filter((text) => text.includes(org.number) && text.includes(org.name)).length,
				}).toEqual({
					field: orgField.key,
					org: org.number,
					options: 1,
				});
			}
			// Closed by its own trigger.
			await orgSelect.click();
			await options.first().waitFor({ state: 'hidden' });
		}
		await recordPage(page, 'batch-save-mapper');
		await closeNode(page);
		await leaveWorkflowWithoutSaving(page, setup.server.url);
	});

	test('Execute workflow, clicked as the notes say, brings every active shop into Kingdee', async () => {
		const workflow = setup.workflows.find((w) => w.id === SYNC_WORKFLOW_ID)!;
		await openWorkflow(page, setup.server.url, SYNC_WORKFLOW_ID, nodesOnCanvas(workflow).length);
		// What the notes on the canvas tell a new user to do.
		const notes = (await page.getByTestId('sticky').allInnerTexts()).join('\n');
		expect(notes).toMatch(/click Execute workflow at the bottom for a full resync/);
		const known = new Set((await listExecutions(setup.rest, SYNC_WORKFLOW_ID)).map((execution) => execution.id));
		const button = page.getByTestId('execute-workflow-button');
		const buttonText = await button.innerText();
		log(`[e2e-browser] the button says: ${buttonText.replace(/\s+/g, ' ')}`);
		await button.click();
		const finished = await waitForNewExecution(setup.rest, SYNC_WORKFLOW_ID, known, 180_000);
		const execution = await fetchExecution(setup.runtime, setup.rest, finished.id);
		const started = Object.keys(execution.run.data.resultData.runData);
		log(`[e2e-browser] execution ${finished.id}: ${finished.status}, nodes run: ${started.join(', ')}`);
		expect(finished).toMatchObject({ mode: 'manual', status: 'success' });
		// The start the button offers by default (n8n ranks a community trigger above the Manual Trigger).
		expect(started).toContain('Jikeyun Trigger · shops changed');
		expect(setup.pair.kingdee.records('BD_Customer')).toHaveLength(activeShops(setup.pair).length);
		expect(customerMirrorProblems(setup.pair)).toEqual([]);
		await recordPage(page, 'after-execute-workflow');
	});
});
