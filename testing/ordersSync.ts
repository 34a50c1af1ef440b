/* eslint-disable @n8n/community-nodes/no-restricted-imports */
/**
 * The orders sample (workflows/jikeyun-orders-to-kingdee-sales-outbound.json) against the two emulators: what it must
 * leave in Kingdee, judged from the emulators' state. Shared by the end-to-end test and the benchmark, as
 * sampleSync.ts is for the shops sample.
 */
import * as path from 'node:path';
import type { SalesOrder } from '../emulators/jikeyun/server';
import { nodeOutputItems, type ExecutionRun, type WorkflowJson } from './n8nInstance';
import { errorOf } from './errorItems';
import { WORKFLOWS_DIR, activeShops, nodeNameOfType, type EmulatorPair } from './sampleSync';

export const ORDERS_WORKFLOW_FILE = path.join(WORKFLOWS_DIR, 'jikeyun-orders-to-kingdee-sales-outbound.json');

const SALES_OUTBOUND_FORM = 'SAL_OUTSTOCK';
/** What the first line of the sample's mapping sets: the organisation (sales and shipping) and the bill type. */
const SAMPLE_ORGANISATION = '100';
const SAMPLE_BILL_TYPE = 'XSCKD01_SYS';

/** tradeStatus values of a cancelled order (docs/jikeyun-open-api.md#sales-order-records): never a bill. */
const CANCELLED_TRADE_STATUSES: readonly number[] = [5010, 5020, 5030];

/** What the sample keeps: a consign time is set and the order is not cancelled. */
export function isShippedOrder(order: Pick<SalesOrder, 'consignTime' | 'tradeStatus'>): boolean {
	return order.consignTime !== '' && !CANCELLED_TRADE_STATUSES.includes(Number(order.tradeStatus));
}

/** `yyyy-MM-dd HH:mm:ss` Beijing time (the gateway's format) as epoch ms. */
function beijingTextToMs(text: string): number {
	return Date.parse(`${text.replace(' ', 'T')}+08:00`);
}

/**
 * The orders whose newest version is shipped, optionally only those whose consign time lies in [fromMs, toMs]
 * (the backfill's range). Newest version: what the emulator holds now, visible or not yet.
 */
export function shippedOrders(pair: EmulatorPair, range?: { fromMs: number; toMs: number }): SalesOrder[] {
	return pair.jikeyun.listSalesOrders().filter((order) => {
		if (!isShippedOrder(order)) return false;
		if (!range) return true;
		const consignMs = beijingTextToMs(order.consignTime);
		return consignMs >= range.fromMs && consignMs <= range.toMs;
	});
}

/** Numbers the Kingdee emulator holds for a base-data form (any organisation). */
function heldNumbers(pair: EmulatorPair, formId: string): Set<string> {
	return new Set(pair.kingdee.records(formId).map((record) => String(record.FNumber).toUpperCase()));
}

/**
 * What the orders sample needs in Kingdee before it runs (its note: customers first): one audited customer per
 * active shop code (what the shops sample creates), and every material and stock the orders name. Only the numbers
 * Kingdee does not hold yet are seeded, so it can be called on an emulator that seeds some of them itself.
 */
export function seedOrderReferenceData(pair: EmulatorPair): { customers: number; materials: number; stocks: number } {
	const orders = pair.jikeyun.listSalesOrders();
	const missing = (formId: string, wanted: Iterable<string>) => {
		const held = heldNumbers(pair, formId);
		return [...new Set(wanted)].filter((number) => number !== '' && !held.has(number.toUpperCase()));
	};
	const customers = missing('BD_Customer', [
		...activeShops(pair).map((shop) => shop.channelCode),
		...orders.map((order) => order.shopcode),
	]);
	const materials = missing(
		'BD_MATERIAL',
		orders.flatMap((order) => order.goodsDetail.map((line) => line.goodsNo)),
	);
	const stocks = missing(
		'BD_STOCK',
		orders.map((order) => order.warehouseCode),
	);
	const seed = (formId: string, numbers: string[]) => {
		if (numbers.length > 0)
			pair.kingdee.seedRecords(formId, numbers.length, (i) => ({
				FNumber: numbers[i],
				FName: `${formId} ${numbers[i]}`,
				FCreateOrgId: SAMPLE_ORGANISATION,
			}));
	};
	seed('BD_Customer', customers);
	seed('BD_MATERIAL', materials);
	seed('BD_STOCK', stocks);
	return { customers: customers.length, materials: materials.length, stocks: stocks.length };
}

/** The number a stored reference holds: a plain value or `{ FNumber }` / `{ Number }` as the emulator keeps it. */
function referenceNumber(value: unknown): string {
	if (value !== null && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		const number = record.FNumber ?? record.FNUMBER ?? record.Number ?? record.number;
		return number === undefined || number === null ? '' : String(number);
	}
	return value === undefined || value === null ? '' : String(value);
}

type StoredBill = Record<string, unknown>;

/** The entry rows a bill must hold for an order, in comparable form (sorted text lines). */
function expectedRows(order: SalesOrder): string[] {
	return order.goodsDetail
		.map((line) =>
			rowText(line.goodsNo, line.sellCount, line.sellPrice, order.warehouseCode, Number(line.isGift) === 1),
		)
		.sort();
}

function rowText(material: string, quantity: unknown, price: unknown, stock: string, free: boolean): string {
	return JSON.stringify([material, Number(quantity), Number(price), stock, free]);
}

function storedRows(bill: StoredBill): string[] {
	const rows = (bill.FEntity ?? []) as Array<Record<string, unknown>>;
	return rows
		.map((row) =>
			rowText(
				referenceNumber(row.FMaterialID),
				row.FRealQty,
				row.FTaxPrice,
				referenceNumber(row.FStockID),
				row.FIsFree === true || row.FIsFree === 'true' || row.FIsFree === 1,
			),
		)
		.sort();
}

/** The ways one stored bill differs from what the sample maps from its order (empty: it is the order's bill). */
function billProblems(order: SalesOrder, bill: StoredBill): string[] {
	const problems: string[] = [];
	const expect = (field: string, actual: unknown, expected: unknown) => {
		if (actual !== expected)
			problems.push(`${order.tradeNo}: ${field} ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
	};
	expect('FDocumentStatus', bill.FDocumentStatus, 'C');
	expect('FBillTypeID', referenceNumber(bill.FBillTypeID), SAMPLE_BILL_TYPE);
	expect('FSaleOrgId', referenceNumber(bill.FSaleOrgId), SAMPLE_ORGANISATION);
	expect('FStockOrgId', referenceNumber(bill.FStockOrgId), SAMPLE_ORGANISATION);
	expect('FCustomerID', referenceNumber(bill.FCustomerID), order.shopcode);
	expect('FNote', String(bill.FNote ?? ''), order.sellerMemo);
	// The bill's date is the consign day (Kingdee may keep a time part or not).
	expect('FDate', String(bill.FDate ?? '').slice(0, 10), order.consignTime.slice(0, 10));
	const rows = storedRows(bill);
	const wanted = expectedRows(order);
	if (JSON.stringify(rows) !== JSON.stringify(wanted))
		problems.push(`${order.tradeNo}: entry rows ${JSON.stringify(rows)} ≠ ${JSON.stringify(wanted)}`);
	return problems;
}

/**
 * What keeps Kingdee from holding exactly one correct bill per expected order: each order of `expected` must be one
 * audited SAL_OUTSTOCK bill (FBillNo = tradeNo) with the mapped header and one entry row per order line; no other
 * bill may exist except those numbered in `allowExtra` (e.g. bills an earlier step of a test expects). Empty when
 * Kingdee holds exactly the expected bills.
 */
export function billMirrorProblems(
	pair: EmulatorPair,
	expected: SalesOrder[],
	options: { allowExtra?: Iterable<string> } = {},
): string[] {
	const byNumber = new Map<string, StoredBill[]>();
	for (const bill of pair.kingdee.records(SALES_OUTBOUND_FORM)) {
		const number = String(bill.FBillNo).toUpperCase();
		byNumber.set(number, [...(byNumber.get(number) ?? []), bill]);
	}
	const problems: string[] = [];
	for (const order of expected) {
		const key = order.tradeNo.toUpperCase();
		const bills = byNumber.get(key) ?? [];
		byNumber.delete(key);
		if (bills.length !== 1) {
			problems.push(`${order.tradeNo}: ${bills.length} bills`);
			continue;
		}
		problems.push(...billProblems(order, bills[0]));
	}
	const allowed = new Set([...(options.allowExtra ?? [])].map((number) => number.toUpperCase()));
	for (const [number, bills] of byNumber) {
		if (!allowed.has(number) || bills.length > 1)
			problems.push(`${number}: ${bills.length} bill(s) without a shipped order expected`);
	}
	return problems;
}

/** BatchSave and Save calls in the Kingdee emulator's write log that name any of these bill numbers. */
export function writesNaming(
	pair: EmulatorPair,
	numbers: Iterable<string>,
): Array<{ service: string; numbers: string[] }> {
	const wanted = new Set([...numbers].map((number) => number.toUpperCase()));
	return pair.kingdee
		.stats()
		.writeLog.filter((entry) => entry.numbers.some((number) => wanted.has(number.toUpperCase())))
		.map(({ service, numbers }) => ({ service, numbers }));
}

interface OrdersRunCounts {
	/** Items the entry point emitted (Get Many or the trigger) and those the filter kept. */
	ordersRead: number;
	shipped: number;
	created: number;
	exists: number;
	failed: number;
	failures: Array<{ number: string; message: string; field?: unknown; row?: unknown; outcome?: unknown }>;
}

/** Counts from one execution of the orders sample (either entry point). */
export function ordersRunCounts(workflow: WorkflowJson, run: ExecutionRun): OrdersRunCounts {
	const filter = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.filter');
	if (!filter) throw new Error(`workflow ${workflow.id} has no Filter node`);
	const entryNames = workflow.nodes
		.filter((node) => node.type === 'n8n-nodes-jikeyun-kingdee.jikeyunTrigger' || node.type.endsWith('.jikeyun'))
		.map((node) => node.name);
	const batchSave = nodeNameOfType(workflow, 'kingdee');
	const saved = nodeOutputItems(run, batchSave, 0).map((item) => item.json);
	const failed = nodeOutputItems(run, batchSave, 1).map((item) => item.json);
	return {
		ordersRead: entryNames.reduce((sum, name) => sum + nodeOutputItems(run, name, 0).length, 0),
		shipped: nodeOutputItems(run, filter.name, 0).length,
		created: saved.filter((row) => row.status === 'created').length,
		exists: saved.filter((row) => row.status === 'exists').length,
		failed: failed.length,
		failures: failed.map((row) => {
			const error = errorOf(row);
			return {
				number: String(row.FBillNo ?? error?.number ?? '?'),
				message: String(error?.message ?? JSON.stringify(row)),
				field: error?.field,
				row: error?.row,
				outcome: error?.outcome,
			};
		}),
	};
}
