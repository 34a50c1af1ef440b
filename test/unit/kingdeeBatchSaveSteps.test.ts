/** The steps of the Batch Save pipeline (nodes/Kingdee/protocol/batchSave/), each on its own, against a scripted Kingdee. */
import {
	auditHeld,
	changeState,
	reAudit,
	reAuditUnsaved,
	unAuditForUpdate,
} from '../../nodes/Kingdee/protocol/batchSave/auditCycle';
import { saveInBatches } from '../../nodes/Kingdee/protocol/batchSave/batches';
import { packagesToSend, planRun, refuseDuplicateNumbers } from '../../nodes/Kingdee/protocol/batchSave/plan';
import { sendBatch } from '../../nodes/Kingdee/protocol/batchSave/send';
import type { BatchSaveSettings, Outcomes } from '../../nodes/Kingdee/protocol/batchSave/types';
import { verifyPackages } from '../../nodes/Kingdee/protocol/batchSave/verify';
import { KingdeeApiError } from '../../nodes/Kingdee/protocol/errors';
import { findBaseDataShapeConflict, parseFieldList, wrapBaseDataFields } from '../../nodes/Kingdee/protocol/model';
import { pickRecord, useOrgOf } from '../../nodes/Kingdee/protocol/existingRecords';
import type { PlannedPackage } from '../../nodes/Kingdee/protocol/savePlan';
import { fakeKingdee, replyStatus, type FakeRecord } from '../helpers/fakeKingdee';

const settings: BatchSaveSettings = {
	formId: 'BD_Customer',
	numberField: 'FNumber',
	primaryKeyField: 'FCUSTID',
	upsertByNumber: true,
	skipUnchanged: true,
	dryRun: false,
	batchSize: 2,
	maxSends: 2,
	stopAtFirstFailure: false,
	saveData: {},
};
const noColumns = { readKeys: ['FName'], unreadable: new Map<string, string>() };

const timeout = () =>
	new KingdeeApiError('No answer from Kingdee (timeout)', { kind: 'transient', retryable: true, ambiguous: true });

const record = (id: number, number: string, name: string, status = 'C'): FakeRecord => ({
	id,
	number,
	status,
	values: { FName: name },
});

function plan(index: number, number: string, name: string, existing?: FakeRecord): PlannedPackage {
	return {
		index,
		number,
		action: existing ? 'update' : 'create',
		existing: existing && {
			id: existing.id,
			number: existing.number,
			documentStatus: existing.status,
			values: { ...existing.values },
		},
		changes: existing ? [{ field: 'FName', before: existing.values.FName, after: name }] : [],
		unverifiable: [],
		model: { FNumber: number, FName: name, ...(existing ? { FCUSTID: existing.id } : {}) },
	};
}

describe('plan', () => {
	it('refuses every package of a number given twice (case-insensitively) and keeps the others', () => {
		const outcomes: Outcomes = new Array(3);
		const input = { models: [{}, {}, {}], numbers: ['c1', 'C2', 'C1'] };
		const rest = refuseDuplicateNumbers(input, 'FNumber', (position) => `item ${position}`, outcomes);
		expect(rest).toEqual([1]);
		expect(outcomes[0]).toMatchObject({ status: 'failed', kind: 'validation', number: 'c1' });
		expect((outcomes[0] as { message: string }).message).toContain('also given by item 2');
		expect((outcomes[2] as { message: string }).message).toContain('also given by item 0');
	});

	it('plans create, update and unchanged from one lookup', async () => {
		const kingdee = fakeKingdee([record(7, 'C1', 'Old'), record(8, 'C2', 'Same')]);
		const models = [
			{ FNumber: 'C1', FName: 'New' },
			{ FNumber: 'C2', FName: 'Same' },
			{ FNumber: 'C3', FName: 'Fresh' },
		];
		const { plans, columns } = await planRun(
			kingdee.pool(),
			{ models, numbers: ['C1', 'C2', 'C3'] },
			[0, 1, 2],
			settings,
			new Array(3),
		);
		expect(plans.map((p) => [p.index, p.action, p.existing?.id])).toEqual([
			[0, 'update', 7],
			[1, 'unchanged', 8],
			[2, 'create', undefined],
		]);
		expect(plans[0].changes).toEqual([{ field: 'FName', before: 'Old', after: 'New' }]);
		expect(columns.readKeys).toEqual(['FName']);
		expect(kingdee.services()).toEqual(['ExecuteBillQuery']);
	});

	it('packagesToSend settles skipped, planned and refused packages without sending them', () => {
		const existing = record(7, 'C1', 'Same');
		const unchanged = { ...plan(0, 'C1', 'Same', existing), action: 'unchanged' as const, changes: [] };
		const created = plan(1, 'C2', 'New');
		const outcomes: Outcomes = new Array(2);
		expect(packagesToSend([unchanged, created], settings, outcomes)).toEqual({ toSave: [created], toAudit: [] });
		expect(outcomes[0]).toEqual({ status: 'unchanged', id: 7, number: 'C1' });

		const sentAnyway = packagesToSend([unchanged], { ...settings, skipUnchanged: false }, new Array(1));
		expect(sentAnyway.toSave.map((p) => p.action)).toEqual(['update']);

		const dry: Outcomes = new Array(2);
		expect(packagesToSend([unchanged, created], { ...settings, dryRun: true }, dry)).toEqual({
			toSave: [],
			toAudit: [],
		});
		expect(dry.map((o) => o?.status)).toEqual(['planned', 'planned']);

		const refused: Outcomes = new Array(1);
		const found = { ...plan(0, 'C1', 'X', existing), action: 'create' as const };
		expect(packagesToSend([found], { ...settings, upsertByNumber: false }, refused)).toEqual({
			toSave: [],
			toAudit: [],
		});
		expect(refused[0]).toMatchObject({ status: 'failed', kind: 'validation' });
	});
});

describe('pickRecord: a number per use organisation', () => {
	const held = (id: number, useOrg?: string) => ({
		id,
		number: 'O1',
		documentStatus: 'C',
		values: {},
		...(useOrg ? { useOrg } : {}),
	});
	const both = [held(1, '100'), held(2, '101')];

	it('matches by id, else by the item organisation (case-insensitively), else the only record', () => {
		expect(pickRecord(both, { id: 2 })).toBe(both[1]);
		expect(pickRecord(both, { useOrg: '101' })).toBe(both[1]);
		expect(pickRecord([held(3, 'ORG-A')], { useOrg: 'org-a' })).toMatchObject({ id: 3 });
		expect(pickRecord(both, { useOrg: '102' })).toBeUndefined();
		expect(pickRecord([both[0]], {})).toBe(both[0]);
		expect(pickRecord([held(4), held(5)], {})).toMatchObject({ id: 4 });
	});

	it('several organisations and none named is ambiguous, naming them', () => {
		expect(pickRecord(both, {})).toEqual({ ambiguous: true, useOrgs: ['100', '101'] });
	});

	it('reads the organisation an item names as a code or a reference', () => {
		expect(useOrgOf({ FUseOrgId: { FNumber: '101' } })).toBe('101');
		expect(useOrgOf({ fuseorgid: 100 })).toBe('100');
		expect(useOrgOf({ FUseOrgId: '' })).toBeUndefined();
		expect(useOrgOf({ FName: 'x' })).toBeUndefined();
	});
});

describe('send', () => {
	const packages = [plan(0, 'C1', 'A'), plan(1, 'C2', 'B')];

	it('maps a reply to saved, failed and not reported', async () => {
		const kingdee = fakeKingdee([], () =>
			replyStatus({
				IsSuccess: false,
				MsgCode: 11,
				SuccessEntitys: [{ Id: 5, Number: 'C1', DIndex: 0 }],
				Errors: [],
			}),
		);
		const results = await sendBatch(kingdee.session(), packages, settings);
		expect(results[0]).toMatchObject({ kind: 'saved', entity: { id: 5 } });
		expect(results[1]).toMatchObject({ kind: 'unclear', reason: 'notReported' });
		expect(kingdee.calls[0].data.Model).toEqual(packages.map((p) => p.model));
	});

	it('a lost answer leaves every package unclear; a refused connection fails them as not sent', async () => {
		const lost = await sendBatch(fakeKingdee([], () => timeout()).session(), packages, settings);
		expect(lost.map((r) => r.kind === 'unclear' && r.reason)).toEqual(['noAnswer', 'noAnswer']);
		const refused = new KingdeeApiError('connect ECONNREFUSED', {
			kind: 'transient',
			retryable: true,
			ambiguous: false,
		});
		const failed = await sendBatch(fakeKingdee([], () => refused).session(), packages, settings);
		expect(failed.map((r) => r.kind)).toEqual(['failed', 'failed']);
	});

	it('throws a login failure instead of failing the packages', async () => {
		const auth = new KingdeeApiError('wrong password', { kind: 'auth' });
		await expect(sendBatch(fakeKingdee([], () => auth).session(), packages, settings)).rejects.toBe(auth);
	});
});

describe('verify', () => {
	it('judges each package by what the read-back finds', async () => {
		const kingdee = fakeKingdee([record(5, 'C1', 'A'), record(6, 'C2', 'Old')]);
		const packages = [plan(0, 'C1', 'A'), plan(1, 'C2', 'New', record(6, 'C2', 'Old')), plan(2, 'C3', 'X')];
		const verdicts = await verifyPackages(kingdee.session(), packages, settings, noColumns);
		expect(verdicts).toEqual([{ kind: 'holds', id: 5 }, { kind: 'notApplied' }, { kind: 'notApplied' }]);
	});

	it('a read-back that fails too leaves the packages unclear', async () => {
		const kingdee = fakeKingdee([], () => new KingdeeApiError('HTTP 500', { kind: 'server' }));
		const [verdict] = await verifyPackages(kingdee.session(), [plan(0, 'C1', 'A')], settings, noColumns);
		expect(verdict).toMatchObject({ kind: 'unclear' });
		expect((verdict as { message: string }).message).toContain('reading it back failed too');
	});
});

describe('auditCycle', () => {
	it('changeState reports each id that Kingdee refused with its own error', async () => {
		const kingdee = fakeKingdee([], () =>
			replyStatus({
				IsSuccess: false,
				SuccessEntitys: [{ Id: 1 }],
				Errors: [{ FieldName: null, Message: 'locked', DIndex: 1 }],
			}),
		);
		const results = await changeState(kingdee.session(), 'DynamicFormService.UnAudit', 'BD_Customer', ['1', '2']);
		expect(results.get('1')).toBe('');
		expect(results.get('2')).toContain('locked');
		expect(kingdee.calls[0].data).toEqual({ Ids: '1,2' });
	});

	it('reAudit audits only what submitted', async () => {
		const kingdee = fakeKingdee([], (call) =>
			call.service === 'Submit'
				? replyStatus({ IsSuccess: false, SuccessEntitys: [{ Id: 1 }], Errors: [{ Message: 'no', DIndex: 1 }] })
				: undefined,
		);
		const results = await reAudit(kingdee.session(), 'BD_Customer', ['1', '2']);
		expect(results.get('1')).toBe('');
		expect(results.get('2')).toMatch(/^Submit failed: /);
		expect(kingdee.calls.map((c) => [c.service, c.data.Ids])).toEqual([
			['Submit', '1,2'],
			['Audit', '1'],
		]);
	});

	it('un-audits only audited updates; a refused un-audit whose record is still audited fails the row', async () => {
		const audited = record(1, 'C1', 'Old');
		const stillAudited = record(2, 'C2', 'Old');
		const kingdee = fakeKingdee([audited, stillAudited], (call) =>
			call.service === 'UnAudit'
				? replyStatus({ IsSuccess: false, SuccessEntitys: [{ Id: 1 }], Errors: [{ Message: 'locked', DIndex: 1 }] })
				: undefined,
		);
		const toSend = [plan(0, 'C1', 'New', audited), plan(1, 'C2', 'New', stillAudited), plan(2, 'C3', 'New')];
		const outcomes: Outcomes = new Array(3);
		const unAudited = await unAuditForUpdate(kingdee.session(), toSend, settings, outcomes);
		expect(unAudited.map((p) => p.index)).toEqual([0]);
		expect(outcomes[1]).toMatchObject({ status: 'failed', kind: 'notAllowed' });
		expect(outcomes[0]).toBeUndefined();
		expect(kingdee.services()).toEqual(['UnAudit', 'ExecuteBillQuery']);
	});

	it('re-audits what was un-audited and not saved, and says so in the row', async () => {
		const kingdee = fakeKingdee([record(1, 'C1', 'Old', 'C')]);
		const unAudited = [plan(0, 'C1', 'New', record(1, 'C1', 'Old'))];
		const outcomes: Outcomes = [{ status: 'failed', message: 'bad', rowErrors: [], kind: 'validation', number: 'C1' }];
		await reAuditUnsaved(kingdee.session(), unAudited, settings, outcomes);
		expect(kingdee.services()).toEqual(['Submit', 'Audit', 'ExecuteBillQuery']);
		expect((outcomes[0] as { message: string }).message).toBe(
			'bad. The record (Id 1) had been un-audited for this update and is audited again, with its previous values',
		);
	});
});

describe('auditHeld', () => {
	it('submits records in A or D, audits those and the submitted ones in B; a refusal read back as not audited fails', async () => {
		const records = [record(1, 'A1', 'x', 'A'), record(2, 'B1', 'x', 'B'), record(3, 'D1', 'x', 'D')];
		const kingdee = fakeKingdee(records, (call) =>
			call.service === 'Audit'
				? replyStatus({
						IsSuccess: false,
						SuccessEntitys: [{ Id: 1 }, { Id: 2 }],
						Errors: [{ Message: 'workflow', DIndex: 2 }],
					})
				: undefined,
		);
		const plans = records.map((held, index) => ({
			...plan(index, held.number, 'x', held),
			action: 'unchanged' as const,
		}));
		const outcomes: Outcomes = new Array(3);
		await auditHeld(kingdee.session(), plans, settings, outcomes);
		expect(kingdee.calls.filter((c) => c.service !== 'ExecuteBillQuery').map((c) => [c.service, c.data.Ids])).toEqual([
			['Submit', '1,3'],
			['Audit', '1,2,3'],
		]);
		expect(outcomes[0]).toEqual({
			status: 'audited',
			id: 1,
			number: 'A1',
			documentStatus: { before: 'A', after: 'C' },
		});
		expect(outcomes[1]).toMatchObject({ status: 'audited', documentStatus: { before: 'B', after: 'C' } });
		expect(outcomes[2]).toMatchObject({ status: 'failed' });
		expect((outcomes[2] as { message: string }).message).toContain('in status D');
		expect((outcomes[2] as { message: string }).message).toContain('workflow');
	});
});

describe('batches', () => {
	it('resends only what the read-back proved not applied, then reports it saved', async () => {
		let batchSaves = 0;
		const kingdee = fakeKingdee([], (call) => {
			if (call.service !== 'BatchSave') return undefined;
			batchSaves++;
			return batchSaves === 1 ? timeout() : replyStatus({ SuccessEntitys: [{ Id: 9, Number: 'C1', DIndex: 0 }] });
		});
		const outcomes: Outcomes = new Array(1);
		await saveInBatches(kingdee.pool(), [plan(0, 'C1', 'A')], settings, noColumns, outcomes);
		expect(kingdee.services()).toEqual(['BatchSave', 'ExecuteBillQuery', 'BatchSave']);
		expect(outcomes[0]).toMatchObject({ status: 'created', id: 9, verified: false });
	});

	it('stops after the first batch with an unsaved package when asked to', async () => {
		const kingdee = fakeKingdee([], (call) =>
			call.service === 'BatchSave'
				? replyStatus({ IsSuccess: false, MsgCode: 11, Errors: [{ FieldName: 'FName', Message: 'bad', DIndex: 0 }] })
				: undefined,
		);
		const packages = [plan(0, 'C1', 'A'), plan(1, 'C2', 'B'), plan(2, 'C3', 'C')];
		const outcomes: Outcomes = new Array(3);
		await saveInBatches(kingdee.pool(), packages, { ...settings, stopAtFirstFailure: true }, noColumns, outcomes);
		// The first batch only: its second package, in neither list, is read back (and found not saved), then the
		// refused create is checked for a lost race (the number is not held: it stays failed).
		expect(kingdee.services()).toEqual(['BatchSave', 'ExecuteBillQuery', 'ExecuteBillQuery']);
		expect(outcomes[0]).toMatchObject({ status: 'failed' });
		expect(outcomes[1]).toMatchObject({ status: 'failed', kind: 'server' });
		expect(outcomes[2]).toBeUndefined();
	});
});

describe('Base-Data Fields as people type them (issue 19)', () => {
	it('full-width separators split the list, and a field in another case wraps the item key', () => {
		const fields = parseFieldList('fcreateorgid，FUSEORGID；FSALDEPTID、FSELLER');
		expect(fields).toEqual(['fcreateorgid', 'FUSEORGID', 'FSALDEPTID', 'FSELLER']);
		expect(wrapBaseDataFields({ FNumber: 'C1', FCreateOrgId: '100', FUseOrgId: 101 }, fields)).toEqual({
			FNumber: 'C1',
			FCreateOrgId: { FNumber: '100' },
			FUseOrgId: { FNumber: 101 },
		});
	});

	it('a shape conflict is found whatever the case of the listed field', () => {
		const models = [{ FUseOrgId: { FNumber: '100' } }, { FUseOrgId: '100' }];
		expect(findBaseDataShapeConflict(models, ['fuseorgid'])).toEqual({
			field: 'fuseorgid',
			objectIndex: 0,
			plainIndex: 1,
		});
	});
});
