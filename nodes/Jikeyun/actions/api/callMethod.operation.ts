import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';
import type { JikeyunClient } from '../../protocol/client';
import { listPagingFields, returnAllAndLimit } from '../common.description';
import { readBizContentParameter } from '../../protocol/bizContent';
import { fetchJikeyunList } from '../../protocol/listMethod';

const show = { resource: ['api'], operation: ['callMethod'] };
const showPaged = { ...show, paginate: [true] };

export const description: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		placeholder: 'erp.warehouse.get',
		description:
			'Any Open API method name (方法名称), e.g. erp.warehouse.get, oms.trade.fullinfoget, erp.stockquantity.get. It must be subscribed for your app.',
	},
	{
		displayName: 'Business Parameters (Bizcontent)',
		name: 'bizContent',
		type: 'json',
		displayOptions: { show },
		default: '{}',
		description:
			'The method\'s parameters as JSON (any JSON value: most methods take an object, a few an array). Sent exactly as written unless pagination adds its page keys.',
	},
	{
		displayName: 'Paginate',
		name: 'paginate',
		type: 'boolean',
		displayOptions: { show },
		default: false,
		description: 'Whether to page through a list method and output one item per record',
	},
	...returnAllAndLimit(showPaged, true),
	...listPagingFields(showPaged),
	{
		displayName: 'Record ID Field',
		name: 'idField',
		type: 'string',
		displayOptions: { show: showPaged },
		default: '',
		placeholder: 'warehouseId',
		description:
			'Dot path of the field that identifies a record. Used to check that a multi-page list did not change while it was read. Empty: records are compared by their whole content.',
	},
	{
		displayName: 'Page Size',
		name: 'pageSize',
		type: 'number',
		displayOptions: { show: showPaged },
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Records per request (most methods allow at most 200)',
	},
	{
		displayName: 'Retry Write Methods',
		name: 'retryWrites',
		type: 'boolean',
		displayOptions: { show },
		default: false,
		description:
			'Whether to retry temporary failures of methods that do not look like reads. Off by default: a write may already have been executed when its answer was lost. Throttled calls are always retried.',
	},
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: JikeyunClient,
): Promise<INodeExecutionData[]> {
	const method = String(this.getNodeParameter('method', itemIndex, '')).trim();
	if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/.test(method)) {
		throw new NodeOperationError(this.getNode(), `Method "${method}" is not a Jikeyun method name`, {
			itemIndex,
			description: `Item ${itemIndex}: give a dotted method name such as erp.warehouse.get.`,
		});
	}
	const bizContent = readBizContentParameter(this.getNodeParameter('bizContent', itemIndex, '{}'), `item ${itemIndex}`, {
		requireObject: this.getNodeParameter('paginate', itemIndex, false) as boolean,
	});
	const retryWrites = this.getNodeParameter('retryWrites', itemIndex, false) as boolean;
	const paginate = this.getNodeParameter('paginate', itemIndex, false) as boolean;

	if (!paginate) {
		const result = await client.call(method, bizContent.text, { retryWrites, part: `item ${itemIndex}` });
		const data = result.data;
		const json: IDataObject =
			data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as IDataObject) : { data: data as IDataObject[] };
		return [{ json, pairedItem: { item: itemIndex } }];
	}

	const returnAll = this.getNodeParameter('returnAll', itemIndex, true) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const pageSize = this.getNodeParameter('pageSize', itemIndex, 50) as number;
	if (!Number.isInteger(pageSize) || pageSize < 1) {
		throw new NodeOperationError(this.getNode(), `Page Size must be a whole number of at least 1 (got ${pageSize})`, {
			itemIndex,
			description: `Item ${itemIndex}: set "Page Size" to the records per page the method allows (most allow 1 to 200).`,
		});
	}
	const { records } = await fetchJikeyunList(client, {
		method,
		query: bizContent.value as Record<string, unknown>,
		pageSize,
		limit,
		startIndex: Number(this.getNodeParameter('firstPageIndex', itemIndex, 0)),
		pageIndexParameter: String(this.getNodeParameter('pageIndexParameter', itemIndex, 'pageIndex')),
		pageSizeParameter: String(this.getNodeParameter('pageSizeParameter', itemIndex, 'pageSize')),
		listPath: String(this.getNodeParameter('listPath', itemIndex, '')),
		idPath: String(this.getNodeParameter('idField', itemIndex, '')),
		retryWrites,
	});
	return records.map((record) => ({
		json: record !== null && typeof record === 'object' && !Array.isArray(record) ? (record as IDataObject) : { value: record as string },
		pairedItem: { item: itemIndex },
	}));
}
