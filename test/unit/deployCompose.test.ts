/* eslint-disable @n8n/community-nodes/no-restricted-imports */
/**
 * deploy/queue-mode/ is not run here (no Docker on the machines); this checks it against what the queue-mode
 * end-to-end test really runs: the same n8n version, the package in the image of every n8n process, and the
 * environment of testing/queueMode.ts (queueModeEnv) on main and on every worker.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_NAME, REPO_ROOT } from '../../testing/n8nInstance';
import { N8N_VERSION } from '../../testing/n8nRuntime';
import { queueModeEnv } from '../../testing/queueMode';
import type { PostgresService, RedisService } from '../../testing/services';

const DEPLOY_DIR = path.join(REPO_ROOT, 'deploy', 'queue-mode');

interface ComposeService {
	build?: { context: string; args?: Record<string, string> };
	image?: string;
	command?: string[];
	environment?: Record<string, string>;
	depends_on?: Record<string, { condition: string }>;
	ports?: string[];
	healthcheck?: unknown;
}

const compose = parse(fs.readFileSync(path.join(DEPLOY_DIR, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
	services: Record<string, ComposeService>;
};
const dockerfile = fs.readFileSync(path.join(DEPLOY_DIR, 'Dockerfile'), 'utf8');
const envExample = fs.readFileSync(path.join(DEPLOY_DIR, '.env.example'), 'utf8');
const packageVersion = (
	JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** The environment the e2e test gives every n8n process (service objects reduced to what queueModeEnv reads). */
const testEnv = queueModeEnv({
	redis: { host: '127.0.0.1', port: 6379 } as RedisService,
	postgres: { host: '127.0.0.1', port: 5432, database: 'n8n', user: 'n8n', password: 'secret' } as PostgresService,
});

/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}` → NAME and its default. */
function interpolation(value: string): { name: string; fallback?: string } | undefined {
	const match = /^\$\{([A-Z0-9_]+)(?::-([^}]*)|:\?[^}]*)?\}$/.exec(value);
	return match ? { name: match[1], fallback: match[2] } : undefined;
}

function variablesIn(text: string): string[] {
	return [...new Set([...text.matchAll(/(?<!\$)\$\{([A-Z0-9_]+)/g)].map((m) => m[1]))].sort();
}

const n8nServices = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

describe('deploy/queue-mode/docker-compose.yml', () => {
	test('services: Postgres, Redis, one n8n main and two n8n workers', () => {
		expect(Object.keys(compose.services).sort()).toEqual([
			'n8n-main',
			'n8n-worker-1',
			'n8n-worker-2',
			'postgres',
			'redis',
		]);
		expect(compose.services.postgres.image).toMatch(/^postgres:\d+/);
		expect(compose.services.redis.image).toMatch(/^redis:\d+/);
		expect(n8nServices.map(([name]) => name).sort()).toEqual(['n8n-main', 'n8n-worker-1', 'n8n-worker-2']);
		// main runs the image's default command (n8n start); workers run `n8n worker`.
		expect(compose.services['n8n-main'].command).toBeUndefined();
		expect(compose.services['n8n-main'].ports).toEqual(['5678:5678']);
		for (const name of ['n8n-worker-1', 'n8n-worker-2']) {
			expect(compose.services[name].command?.[0]).toBe('worker');
			expect(compose.services[name].command?.[1]).toMatch(/^--concurrency=/);
		}
	});

	test('every n8n process runs the image with the package, n8n at the version the e2e test runs', () => {
		for (const [, service] of n8nServices) {
			expect(service.build?.context).toBe('.');
			expect(interpolation(service.build?.args?.N8N_VERSION ?? '')).toEqual({
				name: 'N8N_VERSION',
				fallback: N8N_VERSION,
			});
			expect(interpolation(service.build?.args?.PACKAGE_VERSION ?? '')).toEqual({
				name: 'PACKAGE_VERSION',
				fallback: packageVersion,
			});
		}
		expect(dockerfile).toContain(`ARG N8N_VERSION=${N8N_VERSION}`);
		expect(dockerfile).toMatch(/^FROM docker\.n8n\.io\/n8nio\/n8n:\$\{N8N_VERSION\}$/m);
		expect(dockerfile).toContain(`ARG PACKAGE_VERSION=${packageVersion}`);
		// Installed where n8n's Community Nodes installer puts packages, as the e2e test installs the packed tarball.
		expect(dockerfile).toContain('cd /home/node/.n8n/nodes');
		expect(dockerfile).toContain(`npm install --omit=dev --no-audit --no-fund "${PACKAGE_NAME}@\${PACKAGE_VERSION}"`);
	});

	test("main and every worker get the e2e test's queue-mode environment, pointing at the compose services", () => {
		for (const [name, service] of n8nServices) {
			const env = service.environment ?? {};
			const missing = Object.keys(testEnv).filter((key) => !(key in env));
			expect({ name, missing }).toEqual({ name, missing: [] });
			for (const key of [
				'EXECUTIONS_MODE',
				'OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS',
				'DB_TYPE',
				'QUEUE_HEALTH_CHECK_ACTIVE',
			]) {
				expect([name, key, env[key]]).toEqual([name, key, testEnv[key]]);
			}
			expect(compose.services[env.DB_POSTGRESDB_HOST]?.image).toMatch(/^postgres:/);
			expect(compose.services[env.QUEUE_BULL_REDIS_HOST]?.image).toMatch(/^redis:/);
			expect(env.DB_POSTGRESDB_PORT).toBe('5432');
			expect(env.QUEUE_BULL_REDIS_PORT).toBe('6379');
			expect(interpolation(env.N8N_ENCRYPTION_KEY)?.name).toBe('N8N_ENCRYPTION_KEY');
			expect(interpolation(env.DB_POSTGRESDB_PASSWORD)?.name).toBe('POSTGRES_PASSWORD');
			expect(Object.keys(service.depends_on ?? {}).sort()).toEqual(['postgres', 'redis']);
		}
		// One encryption key for all: the same expression everywhere.
		expect(new Set(n8nServices.map(([, s]) => s.environment?.N8N_ENCRYPTION_KEY)).size).toBe(1);
		// The database n8n uses is the one Postgres creates.
		const pg = compose.services.postgres.environment ?? {};
		for (const [, service] of n8nServices) {
			expect(interpolation(service.environment?.DB_POSTGRESDB_DATABASE ?? '')).toEqual(interpolation(pg.POSTGRES_DB));
			expect(interpolation(service.environment?.DB_POSTGRESDB_USER ?? '')).toEqual(interpolation(pg.POSTGRES_USER));
		}
	});

	test('.env.example sets every variable the compose file and the Dockerfile use', () => {
		const defined = envExample
			.split('\n')
			.filter((line) => /^[A-Z0-9_]+=/.test(line))
			.map((line) => line.slice(0, line.indexOf('=')));
		const used = variablesIn(fs.readFileSync(path.join(DEPLOY_DIR, 'docker-compose.yml'), 'utf8'));
		expect(used.filter((name) => !defined.includes(name))).toEqual([]);
		expect(used).toEqual(expect.arrayContaining(['N8N_ENCRYPTION_KEY', 'POSTGRES_PASSWORD', 'WORKER_CONCURRENCY']));
		expect(envExample).toMatch(new RegExp(`^N8N_VERSION=${N8N_VERSION.replace(/\./g, '\\.')}$`, 'm'));
		expect(envExample).toMatch(new RegExp(`^PACKAGE_VERSION=${packageVersion.replace(/\./g, '\\.')}$`, 'm'));
	});
});
