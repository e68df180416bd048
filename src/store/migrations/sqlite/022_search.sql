-- The marketplace search (issue 13, docs/architecture.md "Search").
--
-- search_docs: the normalised searchable text of every released app's live
-- listing (core/search.h), one row per app, rewritten by store/search.c in
-- the transaction that releases the app, changes its live listing or
-- deletes it. It also holds the listing's category for the lists.
-- search_postings: every 1-, 2- and 3-character gram of that text with its
-- points (relevance of the gram plus the install points of the app), so
-- that a query walks the postings of one gram best first and stops early.
-- Whether an app may appear (released, search listed, not recommended,
-- search banned) is read from the app row at query time.
CREATE TABLE search_docs (
  app INTEGER PRIMARY KEY REFERENCES apps(id),
  category TEXT,
  name TEXT NOT NULL DEFAULT '',
  pinyin TEXT NOT NULL DEFAULT '',
  initials TEXT NOT NULL DEFAULT '',
  keywords TEXT NOT NULL DEFAULT '',
  intro TEXT NOT NULL DEFAULT '',
  developer TEXT NOT NULL DEFAULT ''
);
CREATE INDEX search_docs_category ON search_docs(category);

CREATE TABLE search_postings (
  gram TEXT NOT NULL,
  score INTEGER NOT NULL,
  app INTEGER NOT NULL REFERENCES apps(id),
  PRIMARY KEY (gram, score, app)
) WITHOUT ROWID;
CREATE INDEX search_postings_app ON search_postings(app);

-- Installs: the app's current active authorizations (of real host accounts,
-- not the platform's test accounts of the release checks), kept by store/authz.c
-- in the transaction that creates or ends one, so that ranking reads it
-- from the row; install_points its kf_search_pop (bit length), also added
-- to the app's postings when it changes.
ALTER TABLE apps ADD COLUMN installs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE apps ADD COLUMN install_points INTEGER NOT NULL DEFAULT 0;
UPDATE apps SET installs = (SELECT COUNT(*) FROM authorizations z JOIN host_accounts h ON h.id = z.host_account
  WHERE z.app = apps.id AND z.state = 'active' AND h.platform_test = 0);
