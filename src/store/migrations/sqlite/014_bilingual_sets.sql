-- Permission sets speak both languages (issue 11): `name` was already
-- Chinese and `name_en` English, but the description and the data a set
-- entrusts existed only in English. The consent page shows them in the
-- page's language. `member_data` marks the sets that hand over members'
-- data (DATA-1): only an app asking for one of them gets the member-scope
-- box on the consent page.
ALTER TABLE permission_sets ADD COLUMN description_zh TEXT NOT NULL DEFAULT '';
ALTER TABLE permission_sets ADD COLUMN data_entrusted_zh TEXT NOT NULL DEFAULT '';
ALTER TABLE permission_sets ADD COLUMN member_data INTEGER NOT NULL DEFAULT 0;

UPDATE permission_sets SET description_zh = '接收并回复发送给帐号的消息', data_entrusted_zh = '用户发送给帐号的消息'
 WHERE key = 'messages' AND description_zh = '';
UPDATE permission_sets SET description_zh = '读取成员通讯录', data_entrusted_zh = '你设为可见的成员的姓名和部门', member_data = 1
 WHERE key = 'members' AND description_zh = '';
UPDATE permission_sets SET description_zh = '读取帐号资料', data_entrusted_zh = '帐号名称、头像和认证状态'
 WHERE key = 'account' AND description_zh = '';
UPDATE permission_sets SET description_zh = '读写日程', data_entrusted_zh = '可见成员的日程', member_data = 1
 WHERE key = 'calendar' AND description_zh = '';
UPDATE permission_sets SET description_zh = '创建和管理会议', data_entrusted_zh = '帐号主持的会议'
 WHERE key = 'meetings' AND description_zh = '';
UPDATE permission_sets SET description_zh = '读取店铺的订单', data_entrusted_zh = '订单和买家联系方式'
 WHERE key = 'orders' AND description_zh = '';

-- A URL check claimed by a worker was marked by moving requested_at into
-- the future (now + lease), so a finished check showed requested_at later
-- than checked_at. The claim has its own column now; requested_at stays
-- the time the check was asked for.
ALTER TABLE url_checks ADD COLUMN claimed_until INTEGER;
