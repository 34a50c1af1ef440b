/**
 * The Kingdee emulator's numbers per use organisation, status seeding and the race/outage faults (issue 19), over
 * real loopback HTTP. Expected texts come from docs/kingdee-webapi.md (#upsert-by-number, #emulator-choices).
 */
import { startKingdeeEmulator, type KingdeeEmulator } from '../../emulators/kingdee/server';
import { formClient, type FormClient } from '../helpers/kingdeeWire';

const FORM = 'BD_Customer';
const DUPLICATE = (number: string) => `违反字段唯一性要求：编码唯一。[${number}]在当前系统中已经被使用。`;

function customer(number: string, org: string, extra: Record<string, unknown> = {}) {
	return {
		FCUSTID: 0,
		FCreateOrgId: { FNumber: org },
		FUseOrgId: { FNumber: org },
		FNumber: number,
		FName: `店铺${number}`,
		...extra,
	};
}

let emulator: KingdeeEmulator;
let client: FormClient;

beforeEach(async () => {
	emulator = await startKingdeeEmulator();
	client = await formClient(emulator);
});
afterEach(async () => {
	await emulator.close();
});

const rowsOf = (filter: string, keys = 'FCUSTID,FNumber,FUseOrgId.FNumber,FDocumentStatus') =>
	client.query({ FormId: FORM, FieldKeys: keys, FilterString: filter, OrderString: 'FCUSTID ASC' });

describe('numbers are unique per use organisation, case-insensitively', () => {
	it('refuses a new record whose number the same organisation holds in another case, with Kingdee wording', async () => {
		await client.form('BatchSave', FORM, { Model: [customer('C001', '100')] });
		const answer = await client.form('BatchSave', FORM, { Model: [customer('c001', '100')] });
		expect(answer.json.Result.ResponseStatus).toMatchObject({
			IsSuccess: false,
			MsgCode: 11,
			Errors: [{ FieldName: 'FNumber', Message: DUPLICATE('c001'), DIndex: 0 }],
			SuccessEntitys: [],
		});
		const single = await client.form('Save', FORM, { Model: customer('c001', '100') });
		expect(single.json.Result.ResponseStatus.Errors).toEqual([
			{ FieldName: 'FNumber', Message: DUPLICATE('c001'), DIndex: 0 },
		]);
		expect(emulator.records(FORM).map((r) => r.FNumber)).toEqual(['C001']);
	});

	it('stores the same number in a second organisation as a second record; queries return one row per record', async () => {
		const first = await client.form('BatchSave', FORM, { Model: [customer('C001', '100')] });
		const second = await client.form('BatchSave', FORM, { Model: [customer('C001', '101')] });
		expect(second.json.Result.ResponseStatus.IsSuccess).toBe(true);
		const firstId = first.json.Result.ResponseStatus.SuccessEntitys[0].Id;
		const secondId = second.json.Result.ResponseStatus.SuccessEntitys[0].Id;
		expect(secondId).not.toBe(firstId);
		expect(await rowsOf("FNumber = 'c001'")).toEqual([
			[firstId, 'C001', '100', 'A'],
			[secondId, 'C001', '101', 'A'],
		]);
		expect(await rowsOf("FNumber IN ('c001') AND FUseOrgId.FNumber = '101'")).toEqual([[secondId, 'C001', '101', 'A']]);
		expect(await rowsOf("FNumber LIKE 'c0%'")).toHaveLength(2);
	});

	it('refuses moving a record into an organisation that holds its number', async () => {
		await client.form('BatchSave', FORM, { Model: [customer('C001', '100'), customer('C001', '101')] });
		const [, inOrg101] = emulator.records(FORM);
		const moved = await client.form('BatchSave', FORM, {
			Model: [{ FCUSTID: inOrg101.FCUSTID, FUseOrgId: { FNumber: '100' } }],
		});
		expect(moved.json.Result.ResponseStatus.Errors).toEqual([
			{ FieldName: 'FNumber', Message: DUPLICATE('C001'), DIndex: 0 },
		]);
		expect(emulator.records(FORM).map((r) => r.FUseOrgId)).toEqual(['100', '101']);
	});

	it('Numbers-based calls pick the record of the UseOrgId named, else the lowest id', async () => {
		await client.form('BatchSave', FORM, { Model: [customer('C001', '100'), customer('C001', '101')] });
		const submitted = await client.form('Submit', FORM, { Numbers: ['c001'], UseOrgId: 100002 });
		expect(submitted.json.Result.ResponseStatus.SuccessEntitys).toEqual([{ Id: 100002, Number: 'C001', DIndex: 0 }]);
		const plain = await client.form('Submit', FORM, { Numbers: ['C001'] });
		expect(plain.json.Result.ResponseStatus.SuccessEntitys).toEqual([{ Id: 100001, Number: 'C001', DIndex: 0 }]);
		const unknownOrg = await client.form('Submit', FORM, { Numbers: ['C001'], UseOrgId: '999' });
		expect(unknownOrg.json.Result.ResponseStatus).toMatchObject({ IsSuccess: false, MsgCode: 10 });
	});

	it('Allocate gives the target organisation its own audited record with the same number and master id', async () => {
		await client.form('BatchSave', FORM, { Model: [customer('AL1', '100')], IsAutoSubmitAndAudit: 'true' });
		const allocated = await client.form('Allocate', FORM, { PkIds: '100001', TOrgIds: '100002' });
		expect(allocated.json.Result.ResponseStatus.IsSuccess).toBe(true);
		expect(await rowsOf("FNumber = 'AL1'", 'FCUSTID,FMasterId,FUseOrgId.FNumber,FDocumentStatus')).toEqual([
			[100001, 100001, '100', 'C'],
			[100002, 100001, '101', 'C'],
		]);
		const again = await client.form('Allocate', FORM, { PkIds: '100001', TOrgIds: '100002' });
		expect(again.json.Result.ResponseStatus.IsSuccess).toBe(true);
		expect(emulator.records(FORM)).toHaveLength(2);
		await client.form('CancelAllocate', FORM, { PkIds: '100001', TOrgIds: '100002' });
		expect(emulator.records(FORM).map((r) => r.FUseOrgId)).toEqual(['100']);
	});
});

describe('seeding', () => {
	it('stores records in status A, B, C and D, and a copy allocated to a second organisation', async () => {
		const statuses = ['A', 'B', 'C', 'D'];
		emulator.seedRecords(FORM, 4, (i) => ({ FNumber: `S${i}`, FDocumentStatus: statuses[i] }));
		emulator.seedRecords(FORM, 1, () => ({ FNumber: 'S2', FUseOrgId: '101' }));
		expect(await rowsOf("FNumber LIKE 'S%'", 'FNumber,FUseOrgId.FNumber,FDocumentStatus,FMasterId')).toEqual([
			['S0', '100', 'A', 100001],
			['S1', '100', 'B', 100002],
			['S2', '100', 'C', 100003],
			['S3', '100', 'D', 100004],
			['S2', '101', 'C', 100003],
		]);
		expect(emulator.records(FORM)[2].allocatedOrgs).toEqual(['101']);
		expect(emulator.records(FORM)[0].FAuditDate).toBeNull();
		// The seeded statuses take part in the status flow: A may be submitted, D must be submitted before audit.
		const audit = await client.form('Audit', FORM, { Numbers: ['S3'] });
		expect(audit.json.Result.ResponseStatus.IsSuccess).toBe(false);
		const submit = await client.form('Submit', FORM, { Numbers: ['S0', 'S3'] });
		expect(submit.json.Result.ResponseStatus.SuccessEntitys).toHaveLength(2);
	});

	it('refuses a seeded duplicate in the same organisation (any case) and an unknown status', () => {
		emulator.seedRecords(FORM, 1, () => ({ FNumber: 'DUP' }));
		expect(() => emulator.seedRecords(FORM, 1, () => ({ FNumber: 'dup' }))).toThrow(/already exists/);
		expect(() => emulator.seedRecords(FORM, 1, () => ({ FNumber: 'X', FDocumentStatus: 'Q' }))).toThrow(
			/not one of A, B, C, D/,
		);
	});

	it('seeds records with fields over the admin endpoint', async () => {
		const response = await fetch(new URL('/__admin/records/seed', emulator.serverUrl), {
			method: 'POST',
			body: JSON.stringify({
				formId: FORM,
				records: [
					{ FNumber: 'ADM1', FDocumentStatus: 'D' },
					{ FNumber: 'ADM1', FUseOrgId: { FNumber: '102' } },
				],
			}),
		});
		expect(response.status).toBe(200);
		expect(await rowsOf("FNumber = 'ADM1'", 'FNumber,FUseOrgId.FNumber,FDocumentStatus')).toEqual([
			['ADM1', '100', 'D'],
			['ADM1', '102', 'C'],
		]);
	});
});

describe('faults of issue 19', () => {
	it('unreachableAfterUnAudit resets the next N calls after an UnAudit has been answered', async () => {
		emulator.seedRecords(FORM, 1, () => ({ FNumber: 'U1' }));
		emulator.setFaults({ unreachableAfterUnAudit: { calls: 2 } });
		const unAudit = await client.form('UnAudit', FORM, { Numbers: ['U1'] });
		expect(unAudit.json.Result.ResponseStatus.IsSuccess).toBe(true);
		await expect(client.query({ FormId: FORM, FieldKeys: 'FNumber' })).rejects.toThrow();
		await expect(client.form('Submit', FORM, { Numbers: ['U1'] })).rejects.toThrow();
		expect(emulator.records(FORM)[0].FDocumentStatus).toBe('D');
		expect(await client.query({ FormId: FORM, FieldKeys: 'FNumber' })).toEqual([['U1']]);
		// One-shot: a second UnAudit is followed by no outage.
		await client.form('Submit', FORM, { Numbers: ['U1'] });
		await client.form('Audit', FORM, { Numbers: ['U1'] });
		await client.form('UnAudit', FORM, { Numbers: ['U1'] });
		expect(await client.query({ FormId: FORM, FieldKeys: 'FDocumentStatus' })).toEqual([['D']]);
	});

	it('unreachableAfterUnAudit can answer HTTP 503 instead, logins included', async () => {
		emulator.seedRecords(FORM, 1, () => ({ FNumber: 'U1' }));
		emulator.setFaults({ unreachableAfterUnAudit: { calls: 2, as: 'http503' } });
		await client.form('UnAudit', FORM, { Numbers: ['U1'] });
		const refused = await client.form('BatchSave', FORM, { Model: [customer('U2', '100')] });
		expect(refused.status).toBe(503);
		await expect(formClient(emulator)).rejects.toThrow();
		expect(emulator.records(FORM)).toHaveLength(1);
		expect((await client.form('BatchSave', FORM, { Model: [customer('U2', '100')] })).status).toBe(200);
	});

	it('insertBeforeNextSave lets another worker store a number right before the next save: a lost race', async () => {
		emulator.setFaults({ insertBeforeNextSave: { formId: FORM, records: [{ FNumber: 'RACE1', FName: 'theirs' }] } });
		const answer = await client.form('BatchSave', FORM, {
			Model: [customer('race1', '100'), customer('RACE2', '100')],
		});
		expect(answer.json.Result.ResponseStatus).toMatchObject({
			IsSuccess: false,
			Errors: [{ FieldName: 'FNumber', Message: DUPLICATE('race1'), DIndex: 0 }],
			SuccessEntitys: [{ Number: 'RACE2', DIndex: 1 }],
		});
		expect(emulator.records(FORM).map((r) => [r.FNumber, r.FName, r.FDocumentStatus])).toEqual([
			['RACE1', 'theirs', 'C'],
			['RACE2', '店铺RACE2', 'A'],
		]);
		// One-shot: the next save meets no inserted record.
		const next = await client.form('BatchSave', FORM, { Model: [customer('RACE3', '100')] });
		expect(next.json.Result.ResponseStatus.IsSuccess).toBe(true);
		expect(emulator.records(FORM)).toHaveLength(3);
	});
});
