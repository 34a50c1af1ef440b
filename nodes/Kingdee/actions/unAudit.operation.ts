import { defineStateOperation } from '../helpers/stateOperation';

/** DynamicFormService.UnAudit by numbers or internal IDs, one call per item. */
export const { description, execute } = defineStateOperation('unAudit');
