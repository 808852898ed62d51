// The ops files (Prometheus scrape config and alerting rules, Grafana dashboard) agree with what the services export.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parse } from 'yaml';
import { METRIC_FAMILIES, createMetricsRegistry } from '@distribution/server/metrics';
import * as manufacturer from '../subgraphs/manufacturer/src/config.js';
import * as inventory from '../subgraphs/inventory/src/config.js';
import * as order from '../subgraphs/order/src/config.js';
import * as account from '../subgraphs/account/src/config.js';
import * as gateway from '../gateway/src/config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}
interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: Array<{ expr: string; datasource?: { uid?: string } }>;
  panels?: Panel[];
}
interface ScrapeJob {
  job_name: string;
  dns_sd_configs?: Array<{ names: string[]; type: string; port: number }>;
}

const rules = parse(read('ops/prometheus/rules.yml')) as { groups: Array<{ name: string; rules: Rule[] }> };
const prometheus = parse(read('ops/prometheus/prometheus.yml')) as { rule_files: string[]; scrape_configs: ScrapeJob[] };
const dashboard = JSON.parse(read('ops/grafana/dashboards/distribution.json')) as { uid: string; panels: Panel[] };
const datasources = parse(read('ops/grafana/provisioning/datasources/prometheus.yml')) as { datasources: Array<{ uid: string; url: string }> };
const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, { environment?: Record<string, unknown>; expose?: unknown[]; volumes?: string[]; stop_grace_period?: string }>;
};

const apps = { manufacturer, inventory, order, account, gateway };

/**
 * Every series name a scrape of the services can hold: the catalog's families (a histogram only as
 * its `_bucket`, `_sum` and `_count` series, as Prometheus stores it) and prom-client's default
 * process metrics, read from a registry made as the services make theirs.
 */
async function exportedSeries(): Promise<Set<string>> {
  const expand = (name: string, type: string) => (type === 'histogram' || type === 'summary' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name]);
  const defaults = await createMetricsRegistry().getMetricsAsJSON();
  return new Set([...METRIC_FAMILIES.flatMap((family) => expand(family.name, family.type)), ...defaults.flatMap((metric) => expand(metric.name, String(metric.type)))]);
}
/** Series Prometheus writes itself for every target. */
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression reads. Strings, label matchers `{...}`, ranges `[...]` and
 * grouping lists `by (...)` are taken out first; what is left that looks like a name and is not
 * a function call, a keyword or a number is a metric name.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ');
  const names = [...stripped.matchAll(/(?<![\w.$])([a-zA-Z_:][\w:]*)(?!\w)(\s*\()?/g)]
    .filter(([, name, call]) => !call && !KEYWORDS.has(name!.toLowerCase()))
    .map(([, name]) => name!);
  return [...new Set(names)];
}

function panelsOf(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...panelsOf(panel.panels ?? [])]);
}
const dashboardPanels = panelsOf(dashboard.panels).filter((panel) => panel.type !== 'row');
const ruleList = rules.groups.flatMap((group) => group.rules);

describe('reading metric names out of PromQL', () => {
  it('finds the series and leaves out functions, labels, ranges, grouping and keywords', () => {
    expect(
      metricNamesIn('sum by (job, le) (rate(a_total{outcome="error", job=~"x|y"}[5m])) / on (job) group_left sum(rate(b_count[$__rate_interval])) > bool 0.05 and up'),
    ).toEqual(['a_total', 'b_count', 'up']);
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le) (rate(c_bucket[5m]))) > 2e3')).toEqual(['c_bucket']);
    expect(metricNamesIn('max(x) offset 5m')).toEqual(['x']);
  });
});

describe('Prometheus alerting rules (ops/prometheus/rules.yml)', () => {
  it('are loaded by the Prometheus config from where compose mounts them', () => {
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/rules.yml']);
    expect(compose.services.prometheus?.volumes).toContain('./ops/prometheus:/etc/prometheus:ro');
  });

  it('alert on bus lag, outbox lag, parked events and the error rate', () => {
    const used = new Set(ruleList.flatMap((rule) => metricNamesIn(rule.expr)));
    for (const name of [
      'event_consumer_oldest_unapplied_age_seconds',
      'event_outbox_oldest_event_age_seconds',
      'event_consumer_parked_events',
      'graphql_request_duration_seconds_count',
    ]) {
      expect(used, name).toContain(name);
    }
    for (const rule of ruleList) expect(rule.alert ?? rule.record, rule.expr).toBeTruthy();
  });

  it.each(ruleList.map((rule) => [rule.alert ?? rule.record!, rule.expr]))('%s reads only series the services export', async (_name, expr) => {
    const exported = await exportedSeries();
    const names = metricNamesIn(expr);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !exported.has(name) && !PROMETHEUS_SERIES.has(name))).toEqual([]);
  });
});

describe('Grafana dashboard (ops/grafana/dashboards/distribution.json)', () => {
  it('shows requests, latency, orders, reservations, bus lag and subscriptions', () => {
    const used = new Set(dashboardPanels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricNamesIn(target.expr))));
    for (const name of [
      'graphql_request_duration_seconds_count',
      'graphql_request_duration_seconds_bucket',
      'order_place_order_wait_seconds_count',
      'inventory_reservation_outcomes_total',
      'event_consumer_oldest_unapplied_age_seconds',
      'event_consumer_parked_events',
      'gateway_subscription_connections',
      'gateway_downstream_subscriptions',
      'gateway_subscription_events_delivered_total',
    ]) {
      expect(used, name).toContain(name);
    }
  });

  it('reads from the provisioned Prometheus data source', () => {
    const [source] = datasources.datasources;
    expect(source?.url).toBe('http://prometheus:9090');
    for (const panel of dashboardPanels) {
      expect(panel.datasource?.uid, panel.title).toBe(source!.uid);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it.each(dashboardPanels.map((panel) => [panel.title, panel]))('"%s" reads only series the services export', async (_title, panel) => {
    const exported = await exportedSeries();
    for (const { expr } of panel.targets ?? []) {
      const names = metricNamesIn(expr);
      expect(names.length, expr).toBeGreaterThan(0);
      expect(
        names.filter((name) => !exported.has(name) && !PROMETHEUS_SERIES.has(name)),
        expr,
      ).toEqual([]);
    }
  });
});

describe('Prometheus scraping (ops/prometheus/prometheus.yml)', () => {
  it.each(Object.entries(apps))('scrapes every %s replica on the metrics port compose gives it', (name, config) => {
    const service = compose.services[name]!;
    const metricsPort = Number(service.environment?.METRICS_PORT);
    // Compose sets the port the service would take by itself, so the README's port table holds either way.
    expect(metricsPort).toBe(config.loadServiceConfig({}).metricsPort);
    expect(service.expose?.map(String)).toContain(String(metricsPort));
    const job = prometheus.scrape_configs.find((scrape) => scrape.job_name === name);
    // DNS service discovery: one target per replica, not one per service name.
    expect(job?.dns_sd_configs).toEqual([expect.objectContaining({ names: [name], type: 'A', port: metricsPort })]);
  });
});

// The grace the services give themselves on SIGTERM (packages/server/src/process.ts, stopOnSignals).
const SERVICE_GRACE_SECONDS = 15;

describe('stopping', () => {
  it.each(Object.keys(apps))('%s: docker waits longer than the service takes to stop by itself', (name) => {
    const grace = compose.services[name]!.stop_grace_period ?? '10s';
    expect(grace).toMatch(/^\d+s$/);
    expect(parseInt(grace, 10)).toBeGreaterThan(SERVICE_GRACE_SECONDS);
  });

  it('knows the grace the services give themselves', () => {
    expect(read('packages/server/src/process.ts')).toMatch(new RegExp(`graceMs = ${SERVICE_GRACE_SECONDS}_000`));
  });
});

const hasDockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
// CI runs on a machine that has docker-compose: there, its absence is a failure, not a skip.
const checkCompose = hasDockerCompose || process.env.CI === 'true';

describe.skipIf(!checkCompose)(checkCompose ? 'docker-compose config' : 'docker-compose config (SKIPPED: no docker-compose binary)', () => {
  it('accepts docker-compose.yml with every service, replicas and ops service in it', () => {
    const secrets = {
      ACCOUNT_SIGNING_KEYS: '{"keys":[]}',
      INTERNAL_CREDENTIAL: 'a'.repeat(48),
      POSTGRES_PASSWORD: 'b'.repeat(32),
      OPERATOR_EMAIL: 'operator@example.com',
      OPERATOR_PASSWORD: 'c'.repeat(16),
      GF_SECURITY_ADMIN_PASSWORD: 'd'.repeat(16),
    };
    // An empty env file and a bare environment: only these variables, nothing from a .env or this shell.
    const dir = mkdtempSync(path.join(tmpdir(), 'compose-'));
    writeFileSync(path.join(dir, 'empty.env'), '');
    const result = spawnSync('docker-compose', ['-f', path.join(root, 'docker-compose.yml'), '--env-file', path.join(dir, 'empty.env'), 'config'], {
      env: { PATH: process.env.PATH, HOME: dir, ...secrets },
      encoding: 'utf8',
      timeout: 30_000,
    });
    rmSync(dir, { recursive: true, force: true });
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const resolved = parse(result.stdout) as { services: Record<string, { deploy?: { replicas?: number } }> };
    expect(Object.keys(resolved.services).sort()).toEqual(
      ['account', 'gateway', 'grafana', 'inventory', 'jaeger', 'manufacturer', 'order', 'otel-collector', 'postgres', 'prometheus', 'traefik'].sort(),
    );
    for (const name of Object.keys(apps)) expect(resolved.services[name]?.deploy?.replicas, name).toBe(2);
  });
});
