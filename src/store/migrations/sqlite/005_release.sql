-- The release pipeline (APP-6 … APP-9, REV-1 … REV-6, LST-*): listings and
-- their findings, URL check results, authenticity certifications, category
-- qualification documents, capability check runs and the calls apps make
-- for Kaifang's own test host accounts, release submissions (REV-4) and
-- search/display listing applications.

-- Reviews get an assignee and what was submitted for them (the config and
-- listing versions of a release or change, the attestations of a display
-- listing), so a decision applies exactly what the reviewer saw.
ALTER TABLE reviews ADD COLUMN assignee_id INTEGER REFERENCES users(id);
ALTER TABLE reviews ADD COLUMN detail TEXT NOT NULL DEFAULT '{}';
CREATE INDEX reviews_due ON reviews(state, due_at, id);

-- Listing versions: every save is a new row; the app points at its draft
-- and its live version (APP-7: the live one serves until a change passes).
CREATE TABLE listings (
  id INTEGER PRIMARY KEY,
  app INTEGER NOT NULL REFERENCES apps(id),
  body TEXT NOT NULL,                  -- JSON with the API field names
  findings TEXT NOT NULL DEFAULT '[]', -- JSON [{rule, field, severity, message}] at save time
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX listings_app ON listings(app, id);

ALTER TABLE apps ADD COLUMN draft_listing_id INTEGER;
ALTER TABLE apps ADD COLUMN live_listing_id INTEGER;
ALTER TABLE apps ADD COLUMN released_version TEXT;   -- LST-12: the last released version
ALTER TABLE apps ADD COLUMN released_at INTEGER;
ALTER TABLE apps ADD COLUMN search_listed INTEGER NOT NULL DEFAULT 0;  -- REV-2
ALTER TABLE apps ADD COLUMN display_listed INTEGER NOT NULL DEFAULT 0; -- REV-2, REV-3

-- LST-14, LST-16: the latest result of opening each URL a listing names.
CREATE TABLE url_checks (
  url TEXT PRIMARY KEY,
  state TEXT NOT NULL,                 -- pending | ok | failed
  status INTEGER,                      -- HTTP status of the last answer
  final_url TEXT,
  redirects INTEGER,
  ms INTEGER,
  error TEXT,
  requested_at INTEGER NOT NULL,
  checked_at INTEGER
);
CREATE INDEX url_checks_state ON url_checks(state, requested_at);

-- APP-9: the provider's authenticity certification, its own review.
CREATE TABLE authenticity (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  evidence TEXT NOT NULL,              -- JSON {documents: [file ids], statement}
  state TEXT NOT NULL,                 -- pending | approved | rejected
  review_id INTEGER,
  submitted_by INTEGER NOT NULL REFERENCES users(id),
  submitted_at INTEGER NOT NULL,
  decided_at INTEGER,
  valid_until INTEGER                  -- set on approval (policy: one year)
);
CREATE INDEX authenticity_org ON authenticity(org_id, id);

-- REV-6: documents a category requires, per app.
CREATE TABLE app_qualifications (
  app INTEGER NOT NULL REFERENCES apps(id),
  doc TEXT NOT NULL,                   -- a key from categories.qualifications
  file_id INTEGER NOT NULL REFERENCES files(id),
  state TEXT NOT NULL,                 -- pending | accepted | rejected
  reason TEXT,
  submitted_by INTEGER REFERENCES users(id),
  submitted_at INTEGER NOT NULL,
  decided_by INTEGER REFERENCES users(id),
  decided_at INTEGER,
  PRIMARY KEY (app, doc)
);

-- APP-9: capability check runs (PROTOCOL.md §8).
CREATE TABLE check_runs (
  id INTEGER PRIMARY KEY,
  app INTEGER NOT NULL REFERENCES apps(id),
  config_id INTEGER,
  purpose TEXT NOT NULL,               -- manual | release | change
  passed INTEGER NOT NULL,
  checks TEXT NOT NULL,                -- JSON [{check, permission_set, status, reason, ms}]
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL
);
CREATE INDEX check_runs_app ON check_runs(app, id);

-- Host accounts Kaifang itself owns for capability checks (PROTOCOL.md §8).
ALTER TABLE host_accounts ADD COLUMN platform_test INTEGER NOT NULL DEFAULT 0;

-- What apps send through the APIs Kaifang serves for its test host accounts.
CREATE TABLE test_calls (
  id INTEGER PRIMARY KEY,
  app INTEGER NOT NULL REFERENCES apps(id),
  host_account INTEGER NOT NULL REFERENCES host_accounts(id),
  api TEXT NOT NULL,                   -- message/custom/send
  touser TEXT,
  msgtype TEXT,
  content TEXT,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX test_calls_app ON test_calls(app, id);

-- REV-4: every release or change submission, passed or not.
CREATE TABLE submissions (
  id INTEGER PRIMARY KEY,
  app INTEGER NOT NULL REFERENCES apps(id),
  kind TEXT NOT NULL,                  -- release | change
  outcome TEXT NOT NULL,               -- running | queued | failed
  stage TEXT,                          -- the stage that failed
  findings TEXT NOT NULL DEFAULT '[]',
  review_id INTEGER,
  submitted_by INTEGER REFERENCES users(id),
  submitted_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX submissions_app ON submissions(app, kind, submitted_at);

-- REV-2, REV-3: search and display listing applications of released apps.
CREATE TABLE listing_applications (
  id INTEGER PRIMARY KEY,
  app INTEGER NOT NULL REFERENCES apps(id),
  kind TEXT NOT NULL,                  -- search_listing | display_listing
  attestations TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL,                 -- pending | approved | rejected | withdrawn
  review_id INTEGER,
  evidence_holds INTEGER,              -- REV-3: the reviewer's finding
  submitted_by INTEGER REFERENCES users(id),
  submitted_at INTEGER NOT NULL,
  decided_at INTEGER
);
CREATE INDEX listing_applications_app ON listing_applications(app, kind);

-- The checks a permission set names (APP-9): message handling is checked by
-- the passive text reply and the API round trip of PROTOCOL.md §8.
UPDATE permission_sets SET capability_check = 'text_reply api_reply' WHERE key = 'messages';
