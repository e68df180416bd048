-- Marketplace governance (GOV-1 … GOV-8, issue 13).
--
-- violations: what an operator recorded against an app (GOV-3), with the
-- level asked for and the level applied after GOV-4's escalation; kind
-- 'plugin' follows GOV-5's ladder instead of GOV-3's levels.
-- measures: every effect on an app or a whole provider, with its start and
-- its end (NULL: until lifted, rectified or for good); a measure is in
-- force while started_at <= now and it has not ended (ended_at NULL and
-- ends_at NULL or > now). The worker's governance pass starts and ends
-- timed measures and keeps the apps' market columns below in step.
-- objections: a provider's answer to a measure (GOV-6) and its decision.
-- campaigns: marketing pushes and pop-ups registered ahead (GOV-8).
CREATE TABLE violations (
  id INTEGER PRIMARY KEY,
  app INTEGER NOT NULL REFERENCES apps(id),
  org INTEGER NOT NULL REFERENCES orgs(id),
  kind TEXT NOT NULL DEFAULT 'general',  -- general (GOV-3) | plugin (GOV-5)
  level INTEGER,                         -- applied level 1..3 (general)
  requested_level INTEGER,               -- what the operator chose
  escalated INTEGER NOT NULL DEFAULT 0,  -- 1: raised by GOV-4
  severe INTEGER NOT NULL DEFAULT 0,     -- plugin: a severe case (GOV-5)
  step INTEGER,                          -- plugin: 1st, 2nd, 3rd offence
  rule TEXT NOT NULL,
  evidence TEXT NOT NULL,
  evidence_files TEXT NOT NULL DEFAULT '[]', -- JSON array of file ids
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX violations_app ON violations(app, id);
CREATE INDEX violations_org ON violations(org, kind, level);

CREATE TABLE measures (
  id INTEGER PRIMARY KEY,
  app INTEGER REFERENCES apps(id),       -- NULL: a measure on the whole provider
  org INTEGER NOT NULL REFERENCES orgs(id),
  violation INTEGER REFERENCES violations(id),
  kind TEXT NOT NULL,   -- warning | not_recommended | delisted | ranking_adjustment | down_weight
                        -- | search_ban | refuse_access | close_new_authorizations
                        -- | block_existing_users | ban_new_apps
  rule TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  weight INTEGER NOT NULL DEFAULT 0,     -- ranking_adjustment / down_weight: points
  started_at INTEGER NOT NULL,           -- may lie ahead (GOV-5: delisting 15 days after the warning)
  ends_at INTEGER,                       -- NULL: no fixed end
  min_until INTEGER,                     -- until rectified: the earliest the operator may confirm
  needs_rectification INTEGER NOT NULL DEFAULT 0,
  rectified_at INTEGER,
  applied_at INTEGER,                    -- when its effect was put in place (NULL: not yet started)
  ended_at INTEGER,                      -- when it stopped (expired, rectified, lifted, objection upheld)
  end_reason TEXT,                       -- expired | rectified | lifted | objection
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX measures_app ON measures(app, ended_at);
CREATE INDEX measures_org ON measures(org, ended_at);
CREATE INDEX measures_due ON measures(ended_at, applied_at, started_at);
CREATE INDEX measures_ends ON measures(ended_at, ends_at);

CREATE TABLE objections (
  id INTEGER PRIMARY KEY,
  measure INTEGER NOT NULL REFERENCES measures(id),
  org INTEGER NOT NULL REFERENCES orgs(id),
  text TEXT NOT NULL,
  files TEXT NOT NULL DEFAULT '[]',      -- JSON array of file ids
  state TEXT NOT NULL DEFAULT 'pending', -- pending | upheld | rejected
  submitted_by INTEGER REFERENCES users(id),
  submitted_at INTEGER NOT NULL,
  decided_by INTEGER REFERENCES users(id),
  decided_at INTEGER,
  decision_note TEXT
);
CREATE INDEX objections_measure ON objections(measure, id);
CREATE INDEX objections_state ON objections(state, submitted_at);

CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  app INTEGER NOT NULL REFERENCES apps(id),
  org INTEGER NOT NULL REFERENCES orgs(id),
  kind TEXT NOT NULL,                    -- push | popup
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending', -- pending | approved | rejected | cancelled
  submitted_by INTEGER REFERENCES users(id),
  submitted_at INTEGER NOT NULL,
  decided_by INTEGER REFERENCES users(id),
  decided_at INTEGER,
  decision_note TEXT
);
CREATE INDEX campaigns_app ON campaigns(app, id);
CREATE INDEX campaigns_state ON campaigns(state, starts_at);

-- The apps' market columns: what the measures in force mean for the
-- marketplace, kept in step by the governance code in the transaction
-- that changes a measure, so that lists and search filter on the app row.
ALTER TABLE apps ADD COLUMN not_recommended INTEGER NOT NULL DEFAULT 0; -- GOV-1: out of lists and search, installable by link
ALTER TABLE apps ADD COLUMN search_banned INTEGER NOT NULL DEFAULT 0;   -- GOV-5, GOV-7: out of search
ALTER TABLE apps ADD COLUMN rank_penalty INTEGER NOT NULL DEFAULT 0;    -- GOV-7: points taken off its rank
ALTER TABLE apps ADD COLUMN new_auth_closed INTEGER NOT NULL DEFAULT 0; -- GOV-7: no new authorizations
ALTER TABLE apps ADD COLUMN users_blocked INTEGER NOT NULL DEFAULT 0;   -- GOV-7: existing users blocked
ALTER TABLE apps ADD COLUMN access_refused INTEGER NOT NULL DEFAULT 0;  -- GOV-7: the app may not call the APIs
ALTER TABLE orgs ADD COLUMN new_apps_banned INTEGER NOT NULL DEFAULT 0; -- GOV-7: no new apps
-- GOV-2: when the provider withdrew the app (NULL: not withdrawn).
ALTER TABLE apps ADD COLUMN withdrawn_at INTEGER;
