-- Authorizations of host accounts to apps, and the tokens and codes of both
-- front doors (the component API and OAuth 2.0). Tokens and codes are
-- stored only as SHA-256 hashes.

CREATE TABLE authorizations (
  id INTEGER PRIMARY KEY,
  host_account INTEGER NOT NULL REFERENCES host_accounts(id),
  app INTEGER NOT NULL REFERENCES apps(id),
  state TEXT NOT NULL,                 -- active | revoked
  granted TEXT NOT NULL,               -- JSON array of permission set ids
  pending TEXT NOT NULL DEFAULT '[]',  -- sets added by the app, awaiting re-consent (APP-7)
  offered TEXT NOT NULL DEFAULT '[]',  -- the app's sets shown at the last consent (APP-7)
  data_scope TEXT NOT NULL DEFAULT '{"members":"all"}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  revoked_at INTEGER,
  UNIQUE (host_account, app)
);
CREATE INDEX authorizations_app ON authorizations(app, state);

CREATE TABLE authorization_history (
  id INTEGER PRIMARY KEY,
  authorization INTEGER NOT NULL REFERENCES authorizations(id),
  at INTEGER NOT NULL,
  action TEXT NOT NULL,                -- authorized | updated | revoked
  granted TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX authorization_history_auth ON authorization_history(authorization);

CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,                  -- component_access | authorizer_access | authorizer_refresh | oauth_access | oauth_refresh
  app INTEGER NOT NULL REFERENCES apps(id),
  authorization INTEGER REFERENCES authorizations(id),
  family TEXT,                         -- refresh rotation family (OAuth)
  code INTEGER,                        -- the code it was issued from (AUTH-3 replay revokes these)
  created_at INTEGER NOT NULL,
  expires_at INTEGER,                  -- NULL: until revoked
  revoked_at INTEGER,
  superseded_at INTEGER                -- a rotated refresh token
);
CREATE INDEX tokens_authorization ON tokens(authorization, kind);
CREATE INDEX tokens_app ON tokens(app, kind);
CREATE INDEX tokens_family ON tokens(family);
CREATE INDEX tokens_code ON tokens(code);
CREATE INDEX tokens_expires ON tokens(expires_at);

CREATE TABLE codes (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,                  -- pre_auth | auth | oauth
  app INTEGER NOT NULL REFERENCES apps(id),
  authorization INTEGER REFERENCES authorizations(id),
  redirect_uri TEXT,
  code_challenge TEXT,                 -- PKCE S256
  scope TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX codes_expires ON codes(expires_at);

-- Every revocation appends a row; each process polls the highest id and
-- drops cached token checks when it moves (cross-process invalidation).
CREATE TABLE revocations (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  what TEXT NOT NULL
);

CREATE TABLE authorizer_options (
  authorization INTEGER NOT NULL REFERENCES authorizations(id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (authorization, name)
);

-- Process-wide settings shared by every kaifangd on this database, such as
-- the server key that signs the consent page's form tokens.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
