/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error */
/**
 * The n8n editor in a real browser: a running n8n 2.40.7 with this package installed, the sample workflows imported
 * with credentials pointing at the two emulators, an owner account, and a headless Chromium (Debian's `chromium`,
 * driven by playwright-core; no browser download). Shared by the browser e2e test and `npm run screenshots`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, selectors, type Browser, type Page } from 'playwright-core';
import { ensureN8n, type N8nRuntime } from './n8nRuntime';
import {
	createN8nInstance,
	freePort,
	importCredentials,
	loginToN8n,
	ownerManagedByEnv,
	packPackage,
	readWorkflow,
	recordSecrets,
	recordTranscript,
	runN8nCommand,
	startN8nServer,
	stopAllN8nProcesses,
	type N8nOwner,
	type N8nRestSession,
	type N8nServer,
	type WorkflowJson,
} from './n8nInstance';
import {
	ALERT_WORKFLOW_FILE,
	RECONCILE_WORKFLOW_FILE,
	SYNC_WORKFLOW_FILE,
	emulatorCredentialsFor,
	recordEmulatorSecrets,
	startEmulatorPair,
	type EmulatorPair,
} from './sampleSync';
import { ORDERS_WORKFLOW_FILE } from './ordersSync';

type Log = (line: string) => void;

export const SAMPLE_WORKFLOW_FILES = [
	SYNC_WORKFLOW_FILE,
	RECONCILE_WORKFLOW_FILE,
	ALERT_WORKFLOW_FILE,
	ORDERS_WORKFLOW_FILE,
];

/** Where Debian (and most distributions) put Chromium; CHROMIUM_PATH overrides. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
	const override = process.env.CHROMIUM_PATH;
	if (override) return override;
	const found = CHROMIUM_CANDIDATES.find((candidate) => fs.existsSync(candidate));
	if (!found) {
		throw new Error(
			`No Chromium found (looked for ${CHROMIUM_CANDIDATES.join(', ')}). Install it with ` +
				'`apt-get install -y chromium fonts-noto-cjk` (`npm test` does this first: scripts/setup-system.ts), or set CHROMIUM_PATH.',
		);
	}
	return found;
}

/** Headless Chromium. `--no-sandbox`: CI runs as root, where Chromium refuses its sandbox. */
export async function launchChromium(): Promise<Browser> {
	// n8n's editor marks its elements with data-test-id (not Playwright's default data-testid).
	selectors.setTestIdAttribute('data-test-id');
	return await chromium.launch({
		executablePath: chromiumPath(),
		headless: true,
		args: ['--no-sandbox', '--disable-dev-shm-usage'],
	});
}

export interface EditorSetup {
	runtime: N8nRuntime;
	pair: EmulatorPair;
	server: N8nServer;
	/** The editor's REST API as the owner (for reading executions; the browser does the clicking). */
	rest: N8nRestSession;
	owner: N8nOwner;
	workflows: WorkflowJson[];
	workDir: string;
	close(): Promise<void>;
}

/**
 * Emulators (seeded with `shopCount` shops), the packed package installed into a fresh n8n, the credentials the
 * samples reference (pointing at the emulators) and the four sample workflow files imported as shipped, then
 * `n8n start` with an owner account.
 */
export async function startEditorSetup(options: {
	shopCount: number;
	seed?: number;
	/** Organisation numbers of the Kingdee emulator (its default when not given); the samples save into the first. */
	kingdeeOrgs?: string[];
	owner: N8nOwner;
	log: Log;
	label: string;
}): Promise<EditorSetup> {
	const { log, owner } = options;
	const runtime = await ensureN8n({ log });
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `jk-${options.label}-`));
	const pair = await startEmulatorPair({
		jikeyun: { shopCount: options.shopCount, seed: options.seed },
		kingdee: { orgs: options.kingdeeOrgs },
	});
	let server: N8nServer | undefined;
	const close = async () => {
		await server?.stop();
		await stopAllN8nProcesses();
		recordSecrets(options.label, [owner.password]);
		recordEmulatorSecrets(pair);
		await pair.close();
		if (!process.env.KEEP_E2E_DIR) fs.rmSync(workDir, { recursive: true, force: true });
		else log(`[${options.label}] kept ${workDir}`);
	};
	try {
		log(`[${options.label}] emulators: Jikeyun ${pair.jikeyun.url}, Kingdee ${pair.kingdee.serverUrl}`);
		const tarball = packPackage(workDir, log);
		const instance = createN8nInstance({ runtime, userFolder: path.join(workDir, 'n8n-user'), tarball, log });
		const workflows = SAMPLE_WORKFLOW_FILES.map((file) => readWorkflow(file));
		// Every sample references the same two credentials (same ids), so the sync workflow's references cover all.
		await importCredentials(instance, emulatorCredentialsFor(workflows[0], pair));
		// One `n8n import:workflow` of all the files as shipped (it takes an array): each CLI call costs n8n's start-up.
		const workflowsFile = path.join(workDir, 'sample-workflows.json');
		fs.writeFileSync(workflowsFile, JSON.stringify(workflows));
		const imported = await runN8nCommand(instance, ['import:workflow', `--input=${workflowsFile}`]);
		if (imported.code !== 0)
			throw new Error(`n8n import:workflow failed (exit ${imported.code}):\n${imported.stdout}\n${imported.stderr}`);
		log(`[${options.label}] imported ${workflows.map((workflow) => `"${workflow.name}"`).join(', ')}`);
		const port = await freePort();
		log(`[${options.label}] n8n start on port ${port} …`);
		server = await startN8nServer(instance, port, { env: ownerManagedByEnv(runtime, owner) });
		const rest = await loginToN8n(server.url, owner);
		log(`[${options.label}] n8n is up at ${server.url}`);
		return { runtime, pair, server, rest, owner, workflows, workDir, close };
	} catch (error) {
		await close();
		throw error;
	}
}

/**
 * A page of 1280×800. What the browser received from n8n's REST API and what its console printed go into the run's
 * transcript at closeEditorPage, so the secret scan also covers what reached the browser.
 */
export async function newEditorPage(browser: Browser, label: string): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
	const page = await context.newPage();
	const consoleLines: string[] = [];
	const restAnswers: Array<Promise<string>> = [];
	page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
	page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
	page.on('response', (response) => {
		if (!new URL(response.url()).pathname.startsWith('/rest/')) return;
		restAnswers.push(
			response.text().then(
				(body) => `${response.request().method()} ${response.url()} → ${response.status()}\n${body}`,
				() => '',
			),
		);
	});
	pageRecorders.set(page, async () => {
		recordTranscript(`browser-console-${label}`, consoleLines.join('\n'));
		recordTranscript(`browser-rest-answers-${label}`, (await Promise.all(restAnswers)).join('\n\n'));
	});
	return page;
}

const pageRecorders = new WeakMap<Page, () => Promise<void>>();

/** Records what the page received (see newEditorPage) and closes it with its context. */
export async function closeEditorPage(page: Page): Promise<void> {
	await pageRecorders.get(page)?.();
	await page.context().close();
}

/** Records the page as the browser holds it now (its DOM) in the run's transcript, for the secret scan. */
export async function recordPage(page: Page, label: string): Promise<void> {
	recordTranscript(`browser-page-${label}`, await page.content());
}

/** Signs in on the editor's own sign-in page, as a person does. */
export async function signIn(
	page: Page,
	serverUrl: string,
	owner: Pick<N8nOwner, 'email' | 'password'>,
): Promise<void> {
	await page.goto(`${serverUrl}/signin`);
	await page.getByTestId('emailOrLdapLoginId').locator('input').fill(owner.email);
	await page.getByTestId('password').locator('input').fill(owner.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
	// The overview it lands on, fully loaded: a route change before that is overridden by its redirect.
	await page.getByTestId('resources-list').or(page.getByTestId('add-resource')).first().waitFor({ timeout: 120_000 });
	await page.waitForLoadState('networkidle');
}

/** How one node looks on the canvas: its own icon (an image that loaded, or an icon font/SVG) or n8n's placeholder. */
export interface CanvasNodeLook {
	name: string;
	type: string;
	/** n8n 2.40.7 draws an unknown or icon-less node as a letter or "?" in a `nodeIconPlaceholder` box. */
	placeholder: string | null;
	/** The icon image's URL, when the icon is an image. */
	imageSrc: string | null;
	imageLoaded: boolean;
	/** An SVG icon (n8n's built-in nodes use icon names rendered as SVG). */
	svgIcon: boolean;
}

/**
 * Goes to an editor path inside the running app (its Vue router), as the editor's own links do: a full page load of
 * the editor costs ~20 s on a small machine. Falls back to loading the page when the app is not there.
 */
export async function goInApp(page: Page, serverUrl: string, appPath: string): Promise<void> {
	const routed = await page.evaluate(async (target) => {
		type VueRoot = {
			__vue_app__?: { config: { globalProperties: { $router?: { push(path: string): Promise<unknown> } } } };
		};
		const { document } = globalThis as unknown as { document: { querySelector(selector: string): VueRoot | null } };
		const router = document.querySelector('#app')?.__vue_app__?.config.globalProperties.$router;
		if (!router) return false;
		await router.push(target);
		return true;
	}, appPath);
	if (!routed) await page.goto(`${serverUrl}${appPath}`);
	await page.waitForURL((url) => url.pathname === appPath);
}

/** Opens a workflow in the editor and waits until the canvas shows `nodeCount` nodes (sticky notes not counted). */
export async function openWorkflow(
	page: Page,
	serverUrl: string,
	workflowId: string,
	nodeCount: number,
): Promise<void> {
	await goInApp(page, serverUrl, `/workflow/${workflowId}`);
	await page
		.getByTestId('canvas-node')
		.nth(nodeCount - 1)
		.waitFor({ timeout: 120_000 });
	// Icons are images loaded after the nodes appear.
	await page.waitForLoadState('networkidle');
}

export async function canvasNodeLooks(page: Page): Promise<CanvasNodeLook[]> {
	return await page.getByTestId('canvas-node').evaluateAll((elements) =>
		elements.map((element) => {
			const icon = element.querySelector('.n8n-node-icon');
			const image = icon?.querySelector('img') ?? null;
			const placeholder = element.querySelector('[class*="nodeIconPlaceholder"]');
			return {
				name: element.getAttribute('data-node-name') ?? '',
				type: element.getAttribute('data-node-type') ?? '',
				placeholder: placeholder ? (placeholder.textContent ?? '') : null,
				imageSrc: image ? image.getAttribute('src') : null,
				imageLoaded: image ? image.complete && image.naturalWidth > 0 : false,
				svgIcon: Boolean(icon?.querySelector('svg')),
			};
		}),
	);
}

/** Opens a credential's edit dialog (as from the Credentials list) and waits for its fields. */
export async function openCredential(page: Page, serverUrl: string, credentialId: string) {
	await goInApp(page, serverUrl, `/home/credentials/${credentialId}`);
	const dialog = page.getByTestId('editCredential-modal');
	await dialog.getByTestId('parameter-input-authType').waitFor({ timeout: 120_000 });
	return dialog;
}

/**
 * Presses Save in the credential dialog, which makes n8n test the credential, and waits until `testCalls` (a count of
 * the emulator's login calls) has grown and the dialog shows the test's success. Throws when either does not happen.
 */
export async function saveCredentialAndAwaitTest(page: Page, testCalls: () => number): Promise<void> {
	const before = testCalls();
	await page.getByTestId('credential-save-button').click();
	const deadline = Date.now() + 60_000;
	while (testCalls() <= before) {
		if (Date.now() > deadline)
			throw new Error('Save did not test the credential: the emulator saw no login within 60 s');
		await page.waitForTimeout(250);
	}
	await page.getByTestId('credentials-config-container-test-success').waitFor();
}

/** Closes the credential dialog (its × button) and waits until it is gone. */
export async function closeCredential(page: Page): Promise<void> {
	const dialog = page.getByTestId('editCredential-modal');
	await dialog.locator('.el-dialog__headerbtn').click();
	await dialog.waitFor({ state: 'hidden' });
}

/** Names of the credential fields the dialog shows now (n8n's own domain restriction left out). */
export async function shownCredentialFields(page: Page): Promise<string[]> {
	const ids = await page
		.getByTestId('editCredential-modal')
		.getByTestId('credential-connection-parameter')
		.locator('[data-test-id^="parameter-input-"]')
		.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-test-id') ?? ''));
	return ids
		.map((id) => id.replace(/^parameter-input-/, ''))
		.filter((name) => name !== 'field' && name !== 'item' && name !== 'allowedHttpRequestDomains');
}

/** Picks an option (by the start of its caption) in an options parameter of the open dialog or node panel. */
export async function chooseOption(page: Page, parameter: string, caption: string): Promise<void> {
	await page.getByTestId(`parameter-input-${parameter}`).click();
	await page.getByRole('option', { name: caption }).click();
}

/** Opens a node's panel from the canvas (double click, as a person does). */
export async function openNode(page: Page, nodeName: string) {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	const panel = page.getByTestId('ndv');
	await panel.waitFor({ timeout: 60_000 });
	return panel;
}

export async function closeNode(page: Page): Promise<void> {
	await page.getByTestId('ndv-close-button').click();
	await page.getByTestId('ndv').waitFor({ state: 'hidden' });
}

/** Something on the canvas drawn over a sticky note's text, or note text that runs past the bottom of its note. */
export interface CanvasOverlap {
	note: string;
	/** The node (with its label and handles) lying on the note's text; '' when the text overflows the note. */
	node: string;
	/** The start of the covered (or overflowing) line. */
	text: string;
}

/**
 * What on the open canvas covers sticky-note text: every line of text of every note (measured per line, so a node
 * beside a short last line does not count) against every node's box, its label and its handles; and lines that run
 * past the bottom of their note. Measured in the page, so it holds at any zoom. Empty when the canvas reads cleanly.
 */
export async function canvasOverlaps(page: Page): Promise<CanvasOverlap[]> {
	// No named functions inside: tsx (scripts/screenshots.ts) would wrap them in a helper the page does not have.
	return await page.evaluate(() => {
		type Rect = { left: number; right: number; top: number; bottom: number };
		type El = {
			getBoundingClientRect(): Rect;
			querySelector(selector: string): El | null;
			querySelectorAll(selector: string): ArrayLike<El>;
			closest(selector: string): El | null;
			getAttribute(name: string): string | null;
			textContent: string | null;
		};
		type TextWalker = { nextNode(): { textContent: string | null } | null };
		const { document } = globalThis as unknown as {
			document: {
				querySelectorAll(selector: string): ArrayLike<El>;
				createTreeWalker(root: El, whatToShow: number): TextWalker;
				createRange(): { selectNodeContents(node: unknown): void; getClientRects(): ArrayLike<Rect> };
			};
		};
		const SHOW_TEXT = 4;
		const nodes = Array.from(document.querySelectorAll('[data-test-id="canvas-node"]')).map((node) => ({
			name: node.getAttribute('data-node-name') ?? '',
			// The node box and everything drawn with it (label, subtitle, handles), but not the toolbar shown on hover.
			rects: [node, ...Array.from(node.querySelectorAll('*'))]
				.filter((element) => !element.closest('[data-test-id="canvas-node-toolbar"]'))
				.map((element) => element.getBoundingClientRect())
				.filter((rect) => rect.right > rect.left && rect.bottom > rect.top),
		}));
		const found: Array<{ note: string; node: string; text: string }> = [];
		for (const sticky of Array.from(document.querySelectorAll('[data-test-id="sticky"]'))) {
			const noteBox = sticky.getBoundingClientRect();
			const note = sticky.querySelector('h1, h2, h3, h4, p')?.textContent?.trim().slice(0, 40) ?? '';
			const walker = document.createTreeWalker(sticky, SHOW_TEXT);
			for (let textNode = walker.nextNode(); textNode; textNode = walker.nextNode()) {
				const text = (textNode.textContent ?? '').trim();
				if (!text) continue;
				const range = document.createRange();
				range.selectNodeContents(textNode);
				for (const line of Array.from(range.getClientRects())) {
					if (line.bottom > noteBox.bottom + 1) found.push({ note, node: '', text: text.slice(0, 40) });
					for (const node of nodes) {
						const covers = node.rects.some(
							(rect) =>
								rect.left < line.right && line.left < rect.right && rect.top < line.bottom && line.top < rect.bottom,
						);
						if (covers) found.push({ note, node: node.name, text: text.slice(0, 40) });
					}
				}
			}
		}
		// One entry per note, node and text.
		return found.filter(
			(entry, index) => found.findIndex((other) => JSON.stringify(other) === JSON.stringify(entry)) === index,
		);
	});
}

/**
 * Leaves the open workflow for the workflow list, answering n8n's "Save changes before leaving?" with *Leave without
 * saving* when it asks (it does when the workflow has unsaved changes).
 */
export async function leaveWorkflowWithoutSaving(page: Page, serverUrl: string): Promise<void> {
	const leaving = goInApp(page, serverUrl, '/home/workflows');
	const leaveButton = page.getByRole('button', { name: 'Leave without saving' });
	const asked = await Promise.race([
		leaving.then(() => false),
		leaveButton.waitFor({ timeout: 30_000 }).then(
			() => true,
			() => false,
		),
	]);
	if (asked) await leaveButton.click();
	await leaving;
}

/**
 * Stores a copy of `workflow` in n8n (REST, as the owner) and returns its ID: a sample can then be edited in the
 * browser without changing it (n8n autosaves what is edited).
 */
export async function copyWorkflow(rest: N8nRestSession, workflow: WorkflowJson, name: string): Promise<string> {
	const copy = await rest.request<{ id: string }>('POST', 'workflows', {
		name,
		nodes: workflow.nodes,
		connections: workflow.connections,
		settings: workflow.settings ?? {},
	});
	return copy.id;
}
