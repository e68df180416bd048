-- Foundation: people, organisations, agreements, provider onboarding,
-- reviews, files, notifications, email outbox, audit log and catalogs.
-- Times are unix seconds (UTC).

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,           -- lower-cased
  mobile TEXT UNIQUE,                   -- E.164; NULL only for operator staff created by the CLI
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active', -- active | disabled | anonymised
  email_verified_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE email_codes (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  code_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX email_codes_user ON email_codes(user_id);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  address TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Failed-login counters, per account ("u:<id>") and per address ("a:<ip>").
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  locked_until INTEGER NOT NULL
);

CREATE TABLE entities (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                  -- company | individual
  legal_name TEXT NOT NULL,
  legal_name_norm TEXT NOT NULL UNIQUE,
  licence_no TEXT NOT NULL,
  verified_at INTEGER,
  certified_at INTEGER,
  created_at INTEGER NOT NULL
);

CREATE TABLE orgs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                  -- operator | provider | host
  name TEXT NOT NULL,
  state TEXT NOT NULL,                 -- provider: see core/provider.h
  entity_id INTEGER REFERENCES entities(id),
  bound_until INTEGER,                 -- ONB-5 lock period end
  contact_name TEXT, contact_email TEXT, contact_phone TEXT, address TEXT,
  cancelled_at INTEGER,
  purge_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX orgs_kind ON orgs(kind, state);
CREATE INDEX orgs_purge ON orgs(purge_at);

CREATE TABLE memberships (
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,                  -- operator: admin|reviewer|ops; provider: owner|member
  created_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE files (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  name TEXT NOT NULL,
  owner_user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX files_owner ON files(owner_user_id);
CREATE INDEX files_sha ON files(sha256);

CREATE TABLE provider_applications (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  entity_kind TEXT NOT NULL,
  legal_name TEXT NOT NULL,
  licence_no TEXT NOT NULL,
  documents TEXT NOT NULL,             -- JSON array of file ids
  entity_id INTEGER REFERENCES entities(id),  -- set when an existing entity is reused (ONB-4)
  state TEXT NOT NULL,                 -- pending | approved | rejected
  review_id INTEGER,
  submitted_by INTEGER NOT NULL REFERENCES users(id),
  submitted_at INTEGER NOT NULL,
  decided_at INTEGER
);
CREATE INDEX provider_applications_org ON provider_applications(org_id);

CREATE TABLE reviews (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                  -- qualification | creation | release | change | search_listing | display_listing
  subject_type TEXT NOT NULL,
  subject_id INTEGER NOT NULL,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  state TEXT NOT NULL,                 -- pending | approved | rejected
  submitted_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  reviewer_id INTEGER REFERENCES users(id),
  decided_at INTEGER,
  reasons TEXT NOT NULL DEFAULT '[]'   -- JSON [{rule, field, message}]
);
CREATE INDEX reviews_queue ON reviews(kind, state, due_at);
CREATE INDEX reviews_subject ON reviews(subject_type, subject_id);
CREATE INDEX reviews_org ON reviews(org_id, state);

CREATE TABLE agreements (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  effective_at INTEGER NOT NULL,
  notice_days INTEGER NOT NULL,
  change_kind TEXT NOT NULL DEFAULT 'rules', -- rules | fees | service_end (ONB-12 notice)
  required_for TEXT NOT NULL,          -- JSON array: "all", "provider", "host"
  published_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  UNIQUE (key, version)
);

CREATE TABLE consents (
  user_id INTEGER NOT NULL REFERENCES users(id),
  agreement_key TEXT NOT NULL,
  version INTEGER NOT NULL,
  consented_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, agreement_key, version)
);

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  org_id INTEGER REFERENCES orgs(id),
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  read_at INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, id);

CREATE TABLE emails (
  id INTEGER PRIMARY KEY,
  to_addr TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | dead
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX emails_due ON emails(state, next_attempt_at);

CREATE TABLE calendar_days (
  day TEXT PRIMARY KEY,                -- YYYY-MM-DD, operator's local date
  kind TEXT NOT NULL,                  -- holiday | workday
  note TEXT
);

CREATE TABLE idempotency_keys (
  user_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  request_hash TEXT NOT NULL,           -- SHA-256 of the request body
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_created ON idempotency_keys(created_at);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,                 -- "user:12", "system", "apikey:3"
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  digest TEXT NOT NULL,                -- SHA-256 of the change's detail
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

-- Catalogs: created here, then the operators' to edit.
CREATE TABLE categories (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  qualifications TEXT NOT NULL DEFAULT '[]'  -- JSON: documents required (REV-6)
);

CREATE TABLE permission_sets (
  id INTEGER PRIMARY KEY,              -- numeric id, used as funcscope_category id
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  description TEXT NOT NULL,
  data_entrusted TEXT NOT NULL,
  apis TEXT NOT NULL DEFAULT '[]',
  optional INTEGER NOT NULL DEFAULT 1,
  capability_check TEXT
);

CREATE TABLE term_lists (
  list TEXT NOT NULL,  -- protected_marks (APP-11) | generic_names (LST-3) | hot_words (LST-4) | gambling_names (LST-5) | superlatives (LST-18) | banned_terms (LST-19)
  term TEXT NOT NULL,
  PRIMARY KEY (list, term)
);

INSERT INTO categories (key, name, name_en, qualifications) VALUES
 ('tools', '工具', 'Tools', '[]'),
 ('office', '办公协作', 'Office and collaboration', '[]'),
 ('education', '教育', 'Education', '["education_licence"]'),
 ('finance', '金融', 'Finance', '["financial_licence"]'),
 ('payments', '支付', 'Payments', '["payment_licence"]'),
 ('medical', '医疗', 'Medical', '["medical_institution_licence"]'),
 ('news', '新闻资讯', 'News', '["news_information_licence"]'),
 ('ecommerce', '电商', 'E-commerce', '[]'),
 ('hr', '人力资源', 'Human resources', '[]'),
 ('marketing', '营销', 'Marketing', '[]');

INSERT INTO permission_sets (id, key, name, name_en, description, data_entrusted, optional) VALUES
 (1, 'messages', '消息管理', 'Messages', 'Receive and reply to messages sent to the account', 'Messages users send to the account', 0),
 (2, 'members', '成员信息', 'Members', 'Read the member directory', 'Names and departments of the members you make visible', 1),
 (3, 'account', '帐号信息', 'Account info', 'Read the account profile', 'Account name, avatar and verification state', 0),
 (4, 'calendar', '日程', 'Calendar', 'Read and write schedules', 'Schedules of the visible members', 1),
 (5, 'meetings', '会议', 'Meetings', 'Create and manage meetings', 'Meetings the account hosts', 1),
 (6, 'orders', '订单', 'Orders', 'Read orders of the shop', 'Orders and buyer contact details', 1);

INSERT INTO term_lists (list, term) VALUES
 ('protected_marks', 'kaifang'), ('protected_marks', '开放平台'),
 ('generic_names', '电话'), ('generic_names', '邮件'), ('generic_names', '日历'),
 ('generic_names', '相机'), ('generic_names', '天气'), ('generic_names', '计算器'),
 ('hot_words', '红包'), ('hot_words', '免费领取'),
 ('gambling_names', '六合'), ('gambling_names', '心水'), ('gambling_names', '白小姐'),
 ('gambling_names', '曾道人'), ('gambling_names', '铁算盘'), ('gambling_names', '神算人'),
 ('superlatives', '最'), ('superlatives', '第一'), ('superlatives', '百分百'),
 ('superlatives', '顶级'), ('superlatives', '绝对'),
 ('banned_terms', '彩票'), ('banned_terms', '博彩'), ('banned_terms', '赌博'),
 ('banned_terms', '赌场'), ('banned_terms', '六合彩'), ('banned_terms', '梭哈');
