-- The rest of the default category catalog (REV-6): the operators' to edit.
-- Categories that need special qualifications list the documents required.
INSERT INTO categories (key, name, name_en, qualifications) VALUES
 ('social', '社交', 'Social', '["internet_information_service_licence"]'),
 ('shopping', '购物', 'Shopping', '[]'),
 ('travel', '出行', 'Travel', '[]'),
 ('life', '生活服务', 'Life services', '[]'),
 ('ai', '人工智能', 'AI', '["generative_ai_service_filing"]')
ON CONFLICT (key) DO NOTHING;
