-- `authorization` is a reserved word of PostgreSQL: the columns that name
-- an authorization are called authorization_id on both engines. (SQLite
-- renames them in place, with their indexes and foreign keys.)
ALTER TABLE authorization_history RENAME COLUMN authorization TO authorization_id;
ALTER TABLE tokens RENAME COLUMN authorization TO authorization_id;
ALTER TABLE codes RENAME COLUMN authorization TO authorization_id;
ALTER TABLE authorizer_options RENAME COLUMN authorization TO authorization_id;
