/** Jest setup file of jest.n8n1x.config.js: ensureN8n (testing/n8nRuntime.ts) then picks n8n 1.x. */
process.env.JIKEYUN_KINGDEE_N8N_VERSION = require('../../testing/n8nRuntime').N8N_1X_VERSION;
