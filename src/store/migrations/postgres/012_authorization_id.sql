-- `authorization` is a reserved word of PostgreSQL: the columns that name
-- an authorization are called authorization_id on both engines. Here they
-- were created with that name (003), so there is nothing to rename.
SELECT 1;
