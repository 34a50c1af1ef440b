/**
 * The emulated gateway's business methods, one module each, dispatched by method name from this table
 * (ARCHITECTURE.md#how-to-add-a-jikeyun-method): adding a method is its module plus one line here. The server looks a
 * handler up at call time, so a test or benchmark may replace an entry.
 */
import { getOnlineOrders } from './omsapiOrderGet';
import type { MethodHandler } from './parameters';
import { getSalesChannels } from './salesGet';
import { getTradeFullInfo } from './tradeFullInfoGet';
import { getWarehouses } from './warehouseGet';
import { queryDeliveryOrders } from './wmsOrderQueryInfoPage';

export { BusinessError, type EmulatorData, type MethodHandler } from './parameters';
export { filterSalesChannels } from './salesGet';

export const METHOD_HANDLERS: Record<string, MethodHandler> = {
	'erp.sales.get': getSalesChannels,
	'erp.warehouse.get': getWarehouses,
	'wms.order.query-info.page': queryDeliveryOrders,
	'omsapi-business.order.get': getOnlineOrders,
	'oms.trade.fullinfoget': getTradeFullInfo,
};
