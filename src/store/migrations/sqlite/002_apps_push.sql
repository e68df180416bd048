-- Apps (APP-*), host accounts, operator API keys, the push outbox and its
-- attempt log, verify tickets and ICP filings of entities (APP-2).

CREATE TABLE entity_icp_filings (
  entity_id INTEGER NOT NULL REFERENCES entities(id),
  domain TEXT NOT NULL,                -- registrable domain, lower case
  icp_no TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (entity_id, domain)
);

CREATE TABLE apps (
  id INTEGER PRIMARY KEY,
  app_id TEXT NOT NULL UNIQUE,         -- kf + 16 hex
  provider_id INTEGER NOT NULL REFERENCES orgs(id),
  state TEXT NOT NULL,                 -- see core/app.h
  audience TEXT NOT NULL,              -- self_use | public
  live_config_id INTEGER,
  draft_config_id INTEGER,
  review_id INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX apps_provider ON apps(provider_id, state);
CREATE INDEX apps_state ON apps(state);

CREATE TABLE app_configs (
  id INTEGER PRIMARY KEY,
  app INTEGER NOT NULL REFERENCES apps(id),
  version INTEGER NOT NULL,
  config TEXT NOT NULL,                -- JSON as in the API (no secrets)
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  UNIQUE (app, version)
);

CREATE TABLE app_secrets (
  id INTEGER PRIMARY KEY,
  app INTEGER NOT NULL REFERENCES apps(id),
  secret_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,                  -- set at rotation
  valid_until INTEGER                  -- end of the rotation grace period
);
CREATE INDEX app_secrets_app ON app_secrets(app);

CREATE TABLE host_accounts (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  external_id TEXT NOT NULL UNIQUE,    -- the host product's own id
  kind TEXT NOT NULL,
  owner_user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX host_accounts_owner ON host_accounts(owner_user_id);

CREATE TABLE operator_api_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  scope TEXT NOT NULL,                 -- host
  key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

-- The outbox: one row per event, written in the transaction that causes it.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,       -- carried to the app for de-duplication
  app INTEGER NOT NULL REFERENCES apps(id),
  kind TEXT NOT NULL,                  -- component_verify_ticket | authorized | …
  target TEXT NOT NULL,                -- auth_receive | message
  authorizer TEXT,                     -- the authorizer a message event is for ($APPID$); NULL otherwise
  payload TEXT NOT NULL,               -- plaintext XML; encrypted at send time
  state TEXT NOT NULL DEFAULT 'pending',  -- pending | delivered | dead | superseded
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0, -- a worker holds it until then
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  last_error TEXT
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_app ON outbox(app, state, id);

CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  outbox_id INTEGER NOT NULL REFERENCES outbox(id),
  attempted_at INTEGER NOT NULL,
  http_status INTEGER,
  error TEXT,
  latency_ms INTEGER NOT NULL,
  response_excerpt TEXT
);
CREATE INDEX deliveries_outbox ON deliveries(outbox_id);

CREATE TABLE verify_tickets (
  id INTEGER PRIMARY KEY,
  app INTEGER NOT NULL REFERENCES apps(id),
  ticket_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX verify_tickets_app ON verify_tickets(app, id);

-- Invitations of people created on someone's behalf (host account owners):
-- the mailed token lets them choose a password and activate the account.
CREATE TABLE invitations (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX invitations_user ON invitations(user_id);
