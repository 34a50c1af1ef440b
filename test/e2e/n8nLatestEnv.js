/** Jest setup file of jest.n8nLatest.config.js: ensureN8n (testing/n8nRuntime.ts) then picks the newest pinned 2.x. */
process.env.JIKEYUN_KINGDEE_N8N_VERSION = 'latest';
