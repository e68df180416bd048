-- PROTOCOL.md §8.5: the message handling of the `messages` permission set
-- is also checked with the older event form (a LOCATION event answered
-- passively with "LOCATIONfrom_callback"), as apps built on the
-- third-party-platform SDKs implement it.
UPDATE permission_sets SET capability_check = 'text_reply api_reply event_reply' WHERE key = 'messages';
