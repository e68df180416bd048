-- The review queue (issue 12): ordered by deadline whatever the state, and
-- filtered by provider; staff notices of reviews (REV-1), each sent once.
CREATE INDEX reviews_due_id ON reviews(due_at, id);
CREATE INDEX reviews_org_due ON reviews(org_id, due_at, id);
CREATE INDEX reviews_assignee ON reviews(assignee_id, state);
-- the counts per kind of the queue's navigation read only this index
CREATE INDEX reviews_open ON reviews(state, kind, due_at, assignee_id);

-- Which notice of a review went out: new, due_soon, overdue. One row per
-- review and kind, so a restarted worker sends nothing twice.
CREATE TABLE review_notices (
  review_id INTEGER NOT NULL REFERENCES reviews(id),
  kind TEXT NOT NULL,                  -- new | due_soon | overdue
  sent_at INTEGER NOT NULL,
  PRIMARY KEY (review_id, kind)
);

-- What each staff member was told, for their daily digest mail: mailed_at
-- is set when a digest listed it (or the person's digest is off).
CREATE TABLE staff_notices (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  review_id INTEGER NOT NULL REFERENCES reviews(id),
  kind TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  mailed_at INTEGER,
  UNIQUE (user_id, review_id, kind)
);
CREATE INDEX staff_notices_unmailed ON staff_notices(mailed_at, user_id);

-- Per staff member: digest 1 = the daily mail is on (the default when no
-- row), 0 = an admin switched it off; last_digest_day = the local day
-- number of the last digest sent (one a day).
CREATE TABLE staff_settings (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  digest INTEGER NOT NULL DEFAULT 1,
  last_digest_day INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
-- the desk's pager and the provider's history (newest first)
CREATE INDEX reviews_pending_due ON reviews(state, due_at, id);
CREATE INDEX reviews_org_submitted ON reviews(org_id, submitted_at, id);
