-- LST-20: the privacy policy must name the provider's operating entity.
-- The URL check keeps the skeleton (core/terms.h) of an opened page's
-- readable text, so the release pipeline can look for the entity's name
-- in it; NULL when the page was not HTML or plain text, or never opened.
ALTER TABLE url_checks ADD COLUMN page_text TEXT;
