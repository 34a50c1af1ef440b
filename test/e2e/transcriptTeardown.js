/** Jest global teardown of the e2e suite (see transcriptSetup.js). */
module.exports = require('./transcriptSetup').closeTranscript;
