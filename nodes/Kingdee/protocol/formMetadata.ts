/**
 * Form metadata from QueryBusinessInfo (docs/kingdee-webapi.md#metadata): parsing, the base-data fields of a form,
 * its number field, and the field list the editor's mapper shows. Pure: no n8n imports.
 */
import { KingdeeApiError } from './errors';
import { statusError, type KingdeeStatusReply } from './responses';
import { queryRequestBody } from './services';
import type { KingdeeSession } from './session';

/** The head entity: fields of the Model package itself (entry entities hold rows). */
const KINGDEE_HEAD_ENTITY = 'FBillHead';

interface KingdeeFieldInfo {
	key: string;
	/** The caption in the credential's language, else the first one given; '' when the server sends none. */
	caption: string;
	/** Kingdee's FieldType code as sent (a number on real servers), or null. */
	type: number | string | null;
	/** Key of the entity that holds the field: FBillHead for head fields, else the entry entity. */
	entity: string;
	/** Reference (基础资料) field: sent as {"FNumber": …}. */
	isBaseData: boolean;
	/** The form the reference points at (LookUpObjectFormId), or null. */
	lookUpFormId: string | null;
	/** Must be filled (MustInput); false when the server does not say. */
	required: boolean;
}

interface KingdeeEntityInfo {
	key: string;
	caption: string;
	isHead: boolean;
}

export interface KingdeeFormMetadata {
	formId: string;
	caption: string;
	/** The internal-id field (PkFieldName), or '' when not sent. */
	pkFieldName: string;
	entities: KingdeeEntityInfo[];
	fields: KingdeeFieldInfo[];
}

function isObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads a key regardless of case (servers differ in the casing of metadata keys). */
function pick(object: Record<string, unknown>, key: string): unknown {
	if (key in object) return object[key];
	const lower = key.toLowerCase();
	const found = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
	return found === undefined ? undefined : object[found];
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/** `[{"Key":2052,"Value":"客户"}]` (or plain text) → the text for `lcid`, else the first non-empty one. */
export function localizedText(value: unknown, lcid = 2052): string {
	if (!Array.isArray(value)) return text(value);
	const entries = value
		.filter(isObject)
		.map((entry) => ({ lcid: Number(pick(entry, 'Key')), text: text(pick(entry, 'Value')) }));
	return (
		entries.find((entry) => entry.lcid === lcid && entry.text)?.text ?? entries.find((entry) => entry.text)?.text ?? ''
	);
}

/** MustInput arrives as a boolean, 0/1 or their text. */
function isTrue(value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'number') return value !== 0;
	return ['true', '1'].includes(text(value).toLowerCase());
}

/**
 * NeedReturnData of a QueryBusinessInfo reply → the form's metadata, fields in server order. A field listed in two
 * entities is kept in each (its entity tells them apart). Throws when there is no field list at all.
 */
export function parseFormMetadata(formId: string, needReturnData: unknown, lcid = 2052): KingdeeFormMetadata {
	// Some servers send NeedReturnData as a one-element list.
	const data = Array.isArray(needReturnData) ? needReturnData.find(isObject) : needReturnData;
	const rawEntities = isObject(data) ? pick(data, 'Entrys') : undefined;
	if (!isObject(data) || !Array.isArray(rawEntities)) {
		throw new KingdeeApiError(
			`Kingdee QueryBusinessInfo ${formId} answered without a field list (NeedReturnData.Entrys)`,
			{ kind: 'transport', service: 'DynamicFormService.QueryBusinessInfo' },
		);
	}
	const entities: KingdeeEntityInfo[] = [];
	const fields: KingdeeFieldInfo[] = [];
	rawEntities.filter(isObject).forEach((rawEntity, index) => {
		const key = text(pick(rawEntity, 'Key')) || `Entity${index}`;
		entities.push({
			key,
			caption: localizedText(pick(rawEntity, 'Name'), lcid),
			isHead: key.toLowerCase() === KINGDEE_HEAD_ENTITY.toLowerCase(),
		});
		const rawFields = pick(rawEntity, 'Fields');
		for (const rawField of Array.isArray(rawFields) ? rawFields.filter(isObject) : []) {
			const fieldKey = text(pick(rawField, 'Key'));
			if (!fieldKey) continue;
			const lookUp = text(pick(rawField, 'LookUpObjectFormId'));
			const type = pick(rawField, 'FieldType');
			fields.push({
				key: fieldKey,
				caption: localizedText(pick(rawField, 'Name'), lcid),
				type: typeof type === 'number' || (typeof type === 'string' && type !== '') ? type : null,
				entity: key,
				isBaseData: lookUp !== '',
				lookUpFormId: lookUp || null,
				required: isTrue(pick(rawField, 'MustInput')),
			});
		}
	});
	return {
		formId: text(pick(data, 'Id')) || formId,
		caption: localizedText(pick(data, 'Name'), lcid),
		pkFieldName: text(pick(data, 'PkFieldName')),
		entities,
		fields,
	};
}

/** Fields of the Model package itself (the head entity), where Batch Save and Save wrap base data. */
function headFields(metadata: KingdeeFormMetadata): KingdeeFieldInfo[] {
	const head = metadata.entities.find((entity) => entity.isHead)?.key ?? metadata.entities[0]?.key;
	return metadata.fields.filter((field) => field.entity === head);
}

/** How Kingdee stores a field's value, which decides when a sent value equals the stored one (protocol/savePlan.ts). */
export type FieldKind = 'text' | 'decimal' | 'date' | 'boolean' | 'baseData' | 'unknown';

/**
 * FieldType codes by kind. Kingdee does not document them (docs/kingdee-webapi.md#metadata); these are the emulator's
 * (emulators/kingdee/metadata.ts): 231 text, 9 combo box (its value is a text code), 106 decimal or integer, 58 date,
 * 6 check box. Any other code is `unknown` and compared strictly.
 */
const KIND_OF_TYPE: Record<string, FieldKind> = {
	'231': 'text',
	'9': 'text',
	'106': 'decimal',
	'58': 'date',
	'6': 'boolean',
};

/** A field's kind: base data when it points at a form (LookUpObjectFormId), else by its FieldType code. */
function fieldKindOf(field: KingdeeFieldInfo): FieldKind {
	if (field.isBaseData) return 'baseData';
	return field.type === null ? 'unknown' : (KIND_OF_TYPE[String(field.type).trim()] ?? 'unknown');
}

/** The kinds of the head fields by lower-cased key (a key listed twice with two kinds is `unknown`). */
export function headFieldKinds(metadata: KingdeeFormMetadata): Map<string, FieldKind> {
	const kinds = new Map<string, FieldKind>();
	for (const field of headFields(metadata)) {
		const lower = field.key.toLowerCase();
		const kind = fieldKindOf(field);
		kinds.set(lower, kinds.has(lower) && kinds.get(lower) !== kind ? 'unknown' : kind);
	}
	return kinds;
}

/**
 * The base-data (reference) fields: what Base-Data Fields would list by hand. Head fields by their key, entry fields
 * as `<entry>.<field>` (e.g. `FEntity.FMaterialID`), the form in which wrapBaseDataFields (protocol/model.ts) takes them.
 */
export function baseDataFieldKeys(metadata: KingdeeFormMetadata): string[] {
	const head = new Set(headFields(metadata));
	return [
		...new Set(
			metadata.fields
				.filter((field) => field.isBaseData)
				.map((field) => (head.has(field) ? field.key : `${field.entity}.${field.key}`)),
		),
	];
}

/**
 * Fields that exist only in an entry entity, by lower-cased key → the entry's key: a Model that sets one of them at the
 * head (or lists it in Base-Data Fields without the entry prefix) means the entry rows were meant.
 */
export function entryOnlyFields(metadata: KingdeeFormMetadata): Map<string, string> {
	const head = new Set(headFields(metadata).map((field) => field.key.toLowerCase()));
	const out = new Map<string, string>();
	for (const field of metadata.fields) {
		const lower = field.key.toLowerCase();
		if (!head.has(lower) && !out.has(lower)) out.set(lower, field.entity);
	}
	return out;
}

/** The business-number field: FNumber for base data, FBillNo for bills; undefined when the form has neither. */
export function numberFieldOf(metadata: KingdeeFormMetadata): string | undefined {
	const keys = headFields(metadata).map((field) => field.key);
	return ['FNumber', 'FBillNo']
		.map((wanted) => keys.find((key) => key.toLowerCase() === wanted.toLowerCase()))
		.find(Boolean);
}

/** One field as n8n's resource mapper shows it (structurally n8n's ResourceMapperField; this module imports no n8n). */
export interface MapperField {
	id: string;
	displayName: string;
	required: boolean;
	defaultMatch: boolean;
	canBeUsedToMatch: boolean;
	display: boolean;
	type: 'string' | 'options';
	options?: Array<{ name: string; value: string }>;
}

/**
 * The head fields of a form for the mapper: `FName — 名称`, required ones marked by Kingdee's MustInput, base-data
 * fields named with the form they point at (their value is a number, wrapped as {"FNumber": …} when saved), the
 * number field as the only match column. The internal id is left out (Batch Save fills it in). `choices` gives
 * dropdowns for references to a form whose records are known (e.g. organisations).
 */
export function mapperFields(
	metadata: KingdeeFormMetadata,
	choices: Record<string, Array<{ name: string; value: string }>> = {},
): MapperField[] {
	const numberField = numberFieldOf(metadata);
	const pk = metadata.pkFieldName.toLowerCase();
	const seen = new Set<string>();
	const out: MapperField[] = [];
	for (const field of headFields(metadata)) {
		const lower = field.key.toLowerCase();
		if (lower === pk || seen.has(lower)) continue;
		seen.add(lower);
		const caption = field.caption ? `${field.key} — ${field.caption}` : field.key;
		const options = field.lookUpFormId ? choices[field.lookUpFormId.toLowerCase()] : undefined;
		out.push({
			id: field.key,
			displayName: field.isBaseData ? `${caption} (number of ${field.lookUpFormId})` : caption,
			required: field.required,
			defaultMatch: field.key === numberField,
			canBeUsedToMatch: field.key === numberField,
			display: true,
			type: options && options.length > 0 ? 'options' : 'string',
			...(options && options.length > 0 ? { options } : {}),
		});
	}
	return out;
}

/**
 * One QueryBusinessInfo per form and run (Batch Save and the editor ask for the same form again and again); a
 * failed read is not kept, so a later item may try again.
 */
export class FormMetadataCache {
	private readonly entries = new Map<string, Promise<KingdeeFormMetadata>>();

	constructor(private readonly read: (formId: string) => Promise<KingdeeFormMetadata>) {}

	get(formId: string): Promise<KingdeeFormMetadata> {
		const key = formId.trim().toLowerCase();
		let entry = this.entries.get(key);
		if (!entry) {
			entry = this.read(formId.trim());
			this.entries.set(key, entry);
			entry.catch(() => this.entries.delete(key));
		}
		return entry;
	}
}

/** QueryBusinessInfo `[{"FormId": …}]` (a read: retried like queries) → the parsed metadata. */
export async function fetchFormMetadata(
	session: KingdeeSession,
	formId: string,
	lcid = 2052,
): Promise<KingdeeFormMetadata> {
	const service = 'DynamicFormService.QueryBusinessInfo';
	const reply: KingdeeStatusReply = await session.statusCall(service, queryRequestBody({ FormId: formId }), { formId });
	if (!reply.status.isSuccess) throw statusError(`QueryBusinessInfo ${formId}`, reply.status);
	return parseFormMetadata(formId, reply.needReturnData, lcid);
}
