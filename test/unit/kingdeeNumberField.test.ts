/** Batch Save's number field comes from the form: FBillNo for bills (单据), FNumber for base data (issue 11). */
import { numberFieldFor } from '../../nodes/Kingdee/protocol/forms';

describe('numberFieldFor', () => {
	it('gives bills FBillNo and base data FNumber when Number Field is left at its default', () => {
		expect(numberFieldFor('SAL_SaleOrder', 'FNumber')).toBe('FBillNo');
		expect(numberFieldFor('pur_purchaseorder', '')).toBe('FBillNo');
		expect(numberFieldFor('BD_Customer', 'FNumber')).toBe('FNumber');
		expect(numberFieldFor('BD_MATERIAL')).toBe('FNumber');
	});

	it('keeps FNumber for forms it does not know', () => {
		expect(numberFieldFor('PRD_MO', 'FNumber')).toBe('FNumber');
	});

	it('uses any other configured field as it is', () => {
		expect(numberFieldFor('SAL_SaleOrder', ' F_Custom_No ')).toBe('F_Custom_No');
		expect(numberFieldFor('BD_Customer', 'FShortName')).toBe('FShortName');
	});
});
