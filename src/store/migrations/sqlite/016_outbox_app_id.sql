-- The deliveries list of an app (console and GET /v1/apps/{id}/deliveries)
-- is newest first and paged by id: with (app, id) it reads the newest rows
-- of the app and stops at the page's end, instead of sorting every event
-- of the app (100,000 for a busy one) for each page (issue 11, Speed).
CREATE INDEX outbox_app_id ON outbox(app, id);
