--liquibase formatted sql

--changeset syncplane:1
--comment: integrations, their connections, the update runs that change them, and the syncs they run
CREATE TABLE integrations (
  id           text        PRIMARY KEY,
  provider     text        NOT NULL,
  name         text        NOT NULL,
  period_ms    bigint      NOT NULL CHECK (period_ms > 0),
  sync_enabled boolean     NOT NULL DEFAULT true,
  version      bigint      NOT NULL DEFAULT 1 CHECK (version >= 1),
  state        text        NOT NULL DEFAULT 'ACTIVE' CHECK (state IN ('ACTIVE', 'DELETING')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE connections (
  id             text        PRIMARY KEY,
  integration_id text        NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  customer_id    text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT connections_one_per_customer UNIQUE (integration_id, customer_id)
);
CREATE INDEX connections_by_integration ON connections (integration_id, id);

CREATE TABLE update_runs (
  id                text        PRIMARY KEY,
  integration_id    text        NOT NULL,
  kind              text        NOT NULL CHECK (kind IN ('CHANGE', 'DELETE')),
  version           bigint,
  state             text        NOT NULL,
  idempotency_key   text,
  schedules_total   integer     NOT NULL DEFAULT 0,
  schedules_applied integer     NOT NULL DEFAULT 0,
  workflow_id       text        NOT NULL,
  run_id            text        NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz,
  CONSTRAINT update_runs_idempotency UNIQUE (integration_id, idempotency_key)
);
CREATE INDEX update_runs_by_integration ON update_runs (integration_id, created_at DESC);

CREATE TABLE sync_runs (
  id             bigserial   PRIMARY KEY,
  connection_id  text        NOT NULL,
  integration_id text        NOT NULL,
  workflow_id    text        NOT NULL,
  run_id         text        NOT NULL UNIQUE,
  config_version bigint,
  scheduled_at   timestamptz,
  started_at     timestamptz NOT NULL,
  finished_at    timestamptz,
  status         text        NOT NULL,
  records        bigint      NOT NULL DEFAULT 0,
  error          text
);
CREATE INDEX sync_runs_by_connection ON sync_runs (connection_id, started_at DESC);
CREATE INDEX sync_runs_by_integration ON sync_runs (integration_id);

--changeset syncplane:2
--comment: drift-repair reports, one row per scan, newest last
CREATE TABLE drift_reports (
  scan_id     text        PRIMARY KEY,
  trigger     text        NOT NULL,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  repaired    integer     NOT NULL,
  report      jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX drift_reports_by_time ON drift_reports (finished_at DESC);

--changeset syncplane:3
--comment: the runs still on their way to the Schedules, which every pass updates, found without reading the integration's whole change history
-- (without it, each of a pass's three updates scanned every run of the integration: 4 ms at 6,000 runs)
CREATE INDEX update_runs_on_their_way ON update_runs (integration_id, version) WHERE state IN ('COMMITTED', 'PROPAGATING');

--changeset syncplane:4
--comment: the ids of disconnected connections, so that a connect attempt that outlived its timeout cannot insert its row again after a disconnect
CREATE TABLE disconnected_connections (
  id              text        PRIMARY KEY,
  integration_id  text        NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  disconnected_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disconnected_connections_by_time ON disconnected_connections (disconnected_at);

--changeset syncplane:5
--comment: the Schedule RPC timeline of each Temporal namespace, shared by every replica: fanOut.scheduleRpcPerSecond is the namespace's total (ADR 0008)
CREATE TABLE schedule_rpc_ledger (
  namespace    text   PRIMARY KEY,
  next_free_us bigint NOT NULL
);

--changeset syncplane:6
--comment: an update run links to the run that carries it (its pass, or its delete); a delete links to its workflow id alone, whose newest run is the delete
ALTER TABLE update_runs ALTER COLUMN run_id DROP NOT NULL;
