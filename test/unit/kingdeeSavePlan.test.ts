/** The pure planning steps of the change-aware Batch Save: comparison rules, fields to read, classification, read-back judgement. */
import { judgeReadBack } from '../../nodes/Kingdee/protocol/batchSave/verify';
import { KingdeeApiError } from '../../nodes/Kingdee/protocol/errors';
import { headFieldKinds, parseFormMetadata, type FieldKind } from '../../nodes/Kingdee/protocol/formMetadata';
import { lookupChunks, missingFieldOf, NUMBERS_PER_LOOKUP } from '../../nodes/Kingdee/protocol/existingRecords';
import {
	comparePackage,
	describePackageFields,
	findDuplicateNumbers,
	MAX_QUERY_COLUMNS,
	planPackages,
	readKeysForPackages,
	storedValueEquals,
	valuesEqual,
	type ExistingRecord,
	type PlannedPackage,
} from '../../nodes/Kingdee/protocol/savePlan';

describe('valuesEqual: the comparison rules', () => {
	it.each([
		['trimmed text equals untrimmed', ' Shop A ', 'Shop A', false, true],
		['text differs by case', 'shop a', 'Shop A', false, false],
		['number codes ignore case', 'c001', 'C001', true, true],
		['reference {"FNumber": x} equals the code x', { FNumber: '100' }, '100', true, true],
		['reference key case does not matter', { FNUMBER: 'pre001' }, 'PRE001', true, true],
		['reference to another code differs', { FNumber: '101' }, '100', true, false],
		['null equals empty text', null, '', false, true],
		['undefined equals whitespace', undefined, '   ', false, true],
		['empty differs from a value', '', 'x', false, false],
		['a number equals its numeric text', 12.5, '12.50', false, true],
		['numeric text equals a number', '0', 0, false, true],
		['two texts compare as text: codes keep leading zeros', '001', '1', false, false],
		['a number differs from other numeric text', 12, '12.01', false, false],
		['19-digit ids compare exactly', '1234567890123456789', '1234567890123456789', false, true],
		['19-digit id text vs another', '1234567890123456789', '1234567890123456788', false, false],
		['boolean equals "true"', true, 'true', false, true],
		['boolean equals 0', false, 0, false, true],
		['boolean differs from "yes"', true, 'yes', false, false],
		['date equals date-time at midnight', '2024-01-31', '2024-01-31T00:00:00', false, true],
		['date-time with milliseconds', '2024-01-31 08:00:00.000', '2024-01-31T08:00:00', false, true],
		['different dates differ', '2024-01-31', '2024-02-01 00:00:00', false, false],
	])('%s', (_, sent, stored, caseInsensitive, expected) => {
		expect(valuesEqual(sent, stored, caseInsensitive)).toBe(expected);
	});
});

describe('storedValueEquals: compared as Kingdee stores the field (issue 19)', () => {
	it.each<[string, unknown, unknown, FieldKind, boolean]>([
		// The ten probe cases: a save would change the stored value, so they are not equal …
		['text: leading space is kept', ' A', 'A', 'text', false],
		['text: a full-width space is a character', 'A\u3000', 'A', 'text', false],
		['text: "00123" is not "123"', '00123', '123', 'text', false],
		['text: "1.10" is not "1.1"', '1.10', '1.1', 'text', false],
		['text: "1" is not true', '1', true, 'text', false],
		['text: "TRUE" is not true', 'TRUE', true, 'text', false],
		['text: date-like text is text', '2024-01-31', '2024-01-31T00:00:00', 'text', false],
		// … and where Kingdee stores by value, equal forms are equal.
		['decimal: "1.10" equals 1.1', '1.10', 1.1, 'decimal', true],
		['decimal: "00123" equals 123', '00123', 123, 'decimal', true],
		['date: a date equals its midnight date-time', '2024-01-31', '2024-01-31T00:00:00', 'date', true],
		['base data: codes ignore case', { FNumber: 'ab01' }, 'AB01', 'baseData', true],
		// The rest of each rule.
		['text: the same text is equal', '上海 A', '上海 A', 'text', true],
		['text: a JSON number is its text', 123, '123', 'text', true],
		['text: case matters', 'a', 'A', 'text', false],
		['text: whitespace-only is not empty', ' ', '', 'text', false],
		['empty: null equals empty text', null, '', 'text', true],
		['decimal: different values differ', '1.11', 1.1, 'decimal', false],
		['decimal: 19-digit integers compare exactly', '1234567890123456789', '1234567890123456788', 'decimal', false],
		['decimal: non-numeric text is not a value', 'abc', 0, 'decimal', false],
		['date: different dates differ', '2024-01-31', '2024-02-01T00:00:00', 'date', false],
		['date: milliseconds normalised', '2024-01-31 08:00:00.000', '2024-01-31T08:00:00', 'date', true],
		['boolean: "1" equals true', '1', true, 'boolean', true],
		['boolean: "TRUE" equals true', 'TRUE', true, 'boolean', true],
		['boolean: "false" differs from true', 'false', true, 'boolean', false],
		['boolean: "yes" is not a boolean', 'yes', true, 'boolean', false],
		['base data: another code differs', { FNumber: '101' }, '100', 'baseData', false],
		['unknown: same type and value is equal', 'A', 'A', 'unknown', true],
		['unknown: numeric text is not a number', '1.10', 1.1, 'unknown', false],
		['unknown: surrounding spaces differ', ' A ', 'A', 'unknown', false],
		['unknown: "TRUE" is not true', 'TRUE', true, 'unknown', false],
		['unknown: a date is not its date-time', '2024-01-31', '2024-01-31T00:00:00', 'unknown', false],
		['unknown: a reference still compares by code', { FNumber: 'ab01' }, 'AB01', 'unknown', true],
	])('%s', (_, sent, stored, kind, expected) => {
		expect(storedValueEquals(sent, stored, kind)).toBe(expected);
	});

	it("the plan uses the metadata's kinds, and compares strictly without them", () => {
		const metadata = parseFormMetadata('BD_Customer', {
			Entrys: [
				{
					Key: 'FBillHead',
					Fields: [
						{ Key: 'FName', FieldType: 231 },
						{ Key: 'FCreditAmount', FieldType: 106 },
						{ Key: 'FOpenDate', FieldType: 58 },
						{ Key: 'FIsTrade', FieldType: 6 },
						{ Key: 'FCreateOrgId', FieldType: 1, LookUpObjectFormId: 'ORG_Organizations' },
						{ Key: 'FOdd', FieldType: 999 },
					],
				},
			],
		});
		const fieldKinds = headFieldKinds(metadata);
		expect(Object.fromEntries(fieldKinds)).toEqual({
			fname: 'text',
			fcreditamount: 'decimal',
			fopendate: 'date',
			fistrade: 'boolean',
			fcreateorgid: 'baseData',
			fodd: 'unknown',
		});
		const record = existing({
			FName: 'Shop A',
			FCreditAmount: 1.1,
			FOpenDate: '2024-01-31T00:00:00',
			FIsTrade: true,
			'FCreateOrgId.FNumber': 'AB01',
		});
		const model = {
			FNumber: 'C1',
			FName: 'Shop A ',
			FCreditAmount: '1.10',
			FOpenDate: '2024-01-31',
			FIsTrade: 'true',
			FCreateOrgId: { FNumber: 'ab01' },
		};
		expect(comparePackage(model, record, { ...settings, fieldKinds }).changes).toEqual([
			{ field: 'FName', before: 'Shop A', after: 'Shop A ' },
		]);
		// No metadata: a value a looser rule would call equal is sent, never guessed equal.
		expect(comparePackage(model, record, settings).changes.map((change) => change.field)).toEqual([
			'FName',
			'FCreditAmount',
			'FOpenDate',
			'FIsTrade',
		]);
	});
});

describe('fields to read back', () => {
	it('scalars by their key, references as <field>.FNumber, entries and other objects not comparable, the id never', () => {
		const { readable, unverifiable } = describePackageFields(
			{
				FCUSTID: 5,
				FNumber: 'C1',
				FName: 'n',
				FCreateOrgId: { FNumber: '100' },
				FEntity: [{ a: 1 }],
				FOther: { FName: 'x' },
			},
			'FCUSTID',
			'FNumber',
		);
		expect(readable).toEqual([
			{ field: 'FNumber', queryKey: 'FNumber', caseInsensitive: true },
			{ field: 'FName', queryKey: 'FName', caseInsensitive: false },
			{ field: 'FCreateOrgId', queryKey: 'FCreateOrgId.FNumber', caseInsensitive: true },
		]);
		expect(unverifiable.map((entry) => entry.field)).toEqual(['FEntity', 'FOther']);
	});

	it('the union over all packages, without the number field, capped at 30 columns with the fixed ones', () => {
		const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`F${i}`, i]));
		const { keys, overLimit } = readKeysForPackages(
			[
				{ FNumber: 'A', FName: 'a' },
				{ FNumber: 'B', ...wide },
			],
			'FCUSTID',
			'FNumber',
			3,
		);
		expect(keys).toHaveLength(MAX_QUERY_COLUMNS - 3);
		expect(keys.slice(0, 2)).toEqual(['FName', 'F0']);
		expect(overLimit.size).toBe(41 - (MAX_QUERY_COLUMNS - 3));
	});
});

const existing = (values: Record<string, unknown>, extra: Partial<ExistingRecord> = {}): ExistingRecord => ({
	id: 7,
	number: 'C1',
	documentStatus: 'C',
	values,
	...extra,
});
const settings = { primaryKeyField: 'FCUSTID', numberField: 'FNumber', unreadable: new Map<string, string>() };

describe('classification', () => {
	it('create, update with before → after, unchanged', () => {
		const found = new Map([
			['C1', existing({ FName: 'Old', 'FCreateOrgId.FNumber': '100' })],
			['C2', existing({ FName: 'Same', 'FCreateOrgId.FNumber': '100' }, { id: 8, number: 'C2' })],
		]);
		const plans = planPackages(
			[
				{ FNumber: 'C1', FName: 'New', FCreateOrgId: { FNumber: '100' } },
				{ FNumber: 'c2', FName: 'Same', FCreateOrgId: { FNumber: '100' } },
				{ FNumber: 'C3', FName: 'x' },
			],
			['C1', 'c2', 'C3'],
			found,
			{ ...settings, upsert: true },
		);
		expect(plans.map((plan) => plan.action)).toEqual(['update', 'update', 'create']);
		expect(plans[0].changes).toEqual([{ field: 'FName', before: 'Old', after: 'New' }]);
		expect(plans[0].model).toMatchObject({ FCUSTID: 7 });
		// The number matched case-insensitively, but the spelling differs: that is a change to send.
		expect(plans[1].changes).toEqual([{ field: 'FNumber', before: 'C2', after: 'c2' }]);
		expect(plans[2].model).toEqual({ FNumber: 'C3', FName: 'x' });
	});

	it('unchanged only when every field was compared equal; unreadable fields make it an update with the reason', () => {
		const record = existing({ FName: 'Same' });
		expect(comparePackage({ FNumber: 'C1', FName: 'Same' }, record, settings)).toEqual({
			changes: [],
			unverifiable: [],
		});
		const unreadable = new Map([['fx', 'the form has no field FX']]);
		expect(
			comparePackage({ FNumber: 'C1', FName: 'Same', FX: 1 }, record, { ...settings, unreadable }).unverifiable,
		).toEqual([{ field: 'FX', reason: 'the form has no field FX' }]);
	});

	it('without upsert a found number stays a create (the caller refuses it); an internal id makes an update', () => {
		const plans = planPackages(
			[{ FNumber: 'C1' }, { FNumber: 'C9', FCUSTID: 3 }],
			['C1', 'C9'],
			new Map([['C1', existing({})]]),
			{
				...settings,
				upsert: false,
			},
		);
		expect(plans.map((plan) => [plan.action, plan.existing?.id])).toEqual([
			['create', 7],
			['update', undefined],
		]);
	});

	it('duplicate numbers by the number rule (trim, case)', () => {
		expect(findDuplicateNumbers(['A', 'B', 'a', undefined, 'C', 'B'])).toEqual([
			{ number: 'A', indices: [0, 2] },
			{ number: 'B', indices: [1, 5] },
		]);
	});
});

describe('lookup helpers', () => {
	it('IN lists of at most 1,000 numbers', () => {
		const numbers = Array.from({ length: 2500 }, (_, i) => `N${i}`);
		expect(lookupChunks(numbers).map((chunk) => chunk.length)).toEqual([NUMBERS_PER_LOOKUP, NUMBERS_PER_LOOKUP, 500]);
		expect(lookupChunks(numbers).flat()).toEqual(numbers);
	});

	it('long numbers split by filter length too', () => {
		const numbers = Array.from({ length: 600 }, (_, i) => `${'X'.repeat(200)}${i}`);
		expect(lookupChunks(numbers).length).toBeGreaterThan(1);
	});

	it('reads the missing field out of MsgCode 9, nothing else', () => {
		const error = new KingdeeApiError(
			'Kingdee ExecuteBillQuery failed: 元数据中标识为FNoSuchField的字段不存在 [MsgCode 9]',
			{
				kind: 'invalidRequest',
				msgCode: 9,
			},
		);
		expect(missingFieldOf(error)).toBe('FNoSuchField');
		expect(
			missingFieldOf(new KingdeeApiError('元数据中标识为FX的字段不存在', { kind: 'server', msgCode: 4 })),
		).toBeUndefined();
	});
});

describe('judging a read-back after an unclear answer', () => {
	const plan = (extra: Partial<PlannedPackage>): PlannedPackage => ({
		index: 0,
		number: 'C1',
		action: 'update',
		existing: existing({ FName: 'Old' }),
		changes: [{ field: 'FName', before: 'Old', after: 'New' }],
		unverifiable: [],
		model: { FNumber: 'C1', FName: 'New', FCUSTID: 7 },
		...extra,
	});
	const judge = (item: PlannedPackage, now: ExistingRecord | undefined) =>
		judgeReadBack(item, now, settings, new Map());

	it('an update holds only when the record has the values sent', () => {
		expect(judge(plan({}), existing({ FName: 'New' }))).toEqual({ kind: 'holds', id: 7 });
		expect(judge(plan({}), existing({ FName: 'Old' }))).toEqual({ kind: 'notApplied' });
		expect(judge(plan({}), existing({ FName: 'Third' }))).toMatchObject({
			kind: 'unclear',
			message: expect.stringMatching(/FName is "Third", sent "New"/),
		});
		expect(judge(plan({}), existing({ FName: 'New' }, { id: 99 }))).toMatchObject({
			kind: 'unclear',
			message: expect.stringMatching(/another record/),
		});
		expect(judge(plan({}), undefined)).toMatchObject({ kind: 'unclear' });
	});

	it('a create holds when a record with the values exists, is not applied when absent', () => {
		const create = plan({ action: 'create', existing: undefined, changes: [], model: { FNumber: 'C1', FName: 'New' } });
		expect(judge(create, existing({ FName: 'New' }, { id: 12 }))).toEqual({ kind: 'holds', id: 12 });
		expect(judge(create, undefined)).toEqual({ kind: 'notApplied' });
		expect(judge(create, existing({ FName: 'Other' }))).toMatchObject({ kind: 'unclear' });
	});

	it('an update of fields that cannot be read back is never called applied', () => {
		const entries = plan({
			changes: [],
			unverifiable: [{ field: 'FEntity', reason: 'entry rows' }],
			model: { FNumber: 'C1', FEntity: [{}], FCUSTID: 7 },
		});
		expect(judge(entries, existing({}))).toMatchObject({ kind: 'unclear', message: expect.stringMatching(/FEntity/) });
	});
});
