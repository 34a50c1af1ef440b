/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets, no-console -- a throw-away owner account of a local n8n */
/**
 * `npm run screenshots` — the README's pictures of the editor, taken the way the browser test works (see
 * test/e2e/editorBrowser.test.ts): n8n 2.40.7 with this package and the sample workflows, the emulators behind the
 * credentials, headless Chromium at 1280×800. Fails when a node lies on sticky-note text in a canvas picture. Chinese text needs a CJK font (Debian: fonts-noto-cjk), or it renders
 * as empty boxes. Writes docs/images/*.png.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
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
	saveCredentialAndAwaitTest,
	signIn,
	startEditorSetup,
} from '../testing/browser';
import { REPO_ROOT, waitForNewExecution } from '../testing/n8nInstance';
import { NODE_TYPE_PREFIX } from '../testing/sampleSync';

const OUT_DIR = path.join(REPO_ROOT, 'docs', 'images');
const OWNER = {
	email: 'screenshots@example.com',
	password: 'Screenshots-n8n-2024',
	firstName: 'Screen',
	lastName: 'Shots',
};
const SYNC_WORKFLOW_ID = 'jkyShopsToKdCustomer';
const KINGDEE_CREDENTIAL_ID = 'kingdeeCredential1';

const log = (line: string) => console.log(line);

async function shot(page: Page, name: string): Promise<void> {
	// Let fonts, icons and transitions settle; toasts ("Credential saved", "Workflow executed successfully") closed.
	await page.waitForLoadState('networkidle');
	for (const close of await page.locator('.el-notification__closeBtn').all())
		await close.click().catch(() => undefined);
	await page.waitForTimeout(800);
	const file = path.join(OUT_DIR, name);
	await page.screenshot({ path: file });
	log(`[screenshots] ${path.relative(REPO_ROOT, file)} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
}

async function fitCanvas(page: Page): Promise<void> {
	await page.getByTestId('zoom-to-fit').click();
	await page.waitForTimeout(600);
	// A picture where a node hides a note's text is no use in the README: fix the positions in workflows/*.json.
	const overlaps = await canvasOverlaps(page);
	if (overlaps.length > 0) throw new Error(`nodes lie on sticky-note text: ${JSON.stringify(overlaps)}`);
}

async function main(): Promise<void> {
	fs.mkdirSync(OUT_DIR, { recursive: true });
	const setup = await startEditorSetup({ shopCount: 24, seed: 20240601, owner: OWNER, log, label: 'screenshots' });
	const browser = await launchChromium();
	try {
		const page = await newEditorPage(browser, 'screenshots');
		page.setDefaultTimeout(60_000);
		await signIn(page, setup.server.url, OWNER);
		const workflow = setup.workflows.find((w) => w.id === SYNC_WORKFLOW_ID)!;
		const nodeCount = workflow.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote').length;
		const batchSave = workflow.nodes.find((node) => node.type === `${NODE_TYPE_PREFIX}kingdee`)!;

		// 1. The sample workflow as imported.
		await openWorkflow(page, setup.server.url, SYNC_WORKFLOW_ID, nodeCount);
		await fitCanvas(page);
		await shot(page, 'sample-workflow.png');

		// 2. The Kingdee credential in signed-login mode, saved and tested against the emulator.
		await openCredential(page, setup.server.url, KINGDEE_CREDENTIAL_ID);
		await chooseOption(page, 'authType', 'Signed Login (LoginBySign)');
		await saveCredentialAndAwaitTest(page, () => setup.pair.kingdee.stats().byService.LoginBySign ?? 0);
		await shot(page, 'kingdee-credential.png');
		await page.getByTestId('parameter-input-lcid').scrollIntoViewIfNeeded();
		await shot(page, 'kingdee-credential-signed-login.png');
		await closeCredential(page);

		// 3. The Batch Save panel with its Form list open.
		await openWorkflow(page, setup.server.url, SYNC_WORKFLOW_ID, nodeCount);
		await openNode(page, batchSave.name);
		await page.getByTestId('resource-locator-formId').getByTestId('rlc-input').click();
		// The chosen form shows at once; wait for the loaded list behind it.
		await page.getByTestId('rlc-item').nth(7).waitFor();
		await shot(page, 'batch-save-node.png');
		await page.keyboard.press('Escape');
		await closeNode(page);

		// 4. Execute workflow, as the sample's notes say, then the canvas and Batch Save's output.
		await page.getByTestId('execute-workflow-button').click();
		await waitForNewExecution(setup.rest, SYNC_WORKFLOW_ID, new Set(), 180_000);
		// Green on the four nodes that ran: Jikeyun Trigger → Map → Batch Save → Summary.
		await page.getByTestId('canvas-node-status-success').nth(3).waitFor();
		await fitCanvas(page);
		await shot(page, 'execution-canvas.png');
		await openNode(page, batchSave.name);
		await shot(page, 'execution-batch-save-output.png');
		await closeNode(page);

		// 5. Map Fields Below on a copy of the sample (n8n autosaves): the fields from the form's metadata, the
		// organisation dropdown open.
		const copyId = await copyWorkflow(setup.rest, workflow, `${workflow.name} (Map Fields Below)`);
		await openWorkflow(page, setup.server.url, copyId, nodeCount);
		await openNode(page, batchSave.name);
		await chooseOption(page, 'modelSource', 'Map Fields Below');
		const mapper = page.getByTestId('mapping-fields-container');
		const orgSelect = mapper.getByTestId('parameter-input-FCreateOrgId');
		await orgSelect.scrollIntoViewIfNeeded();
		await orgSelect.click();
		await page.getByRole('option').first().waitFor();
		await shot(page, 'batch-save-mapper.png');
		// Closed by its own trigger: Escape would close the whole panel.
		await orgSelect.click();
		await page.getByRole('option').first().waitFor({ state: 'hidden' });
		await closeNode(page);
		await leaveWorkflowWithoutSaving(page, setup.server.url);
		await closeEditorPage(page);
	} finally {
		await browser.close();
		await setup.close();
	}
}

main().catch((error: Error) => {
	console.error(`[screenshots] FAILED: ${error.stack ?? error.message}`);
	process.exit(1);
});
