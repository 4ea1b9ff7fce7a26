-- Chinese and Urdu versions of the forum's own texts: its title, subtitle, place, host fair
-- and summary. Only these are translated in the seed; people's names, roles, quotes and
-- organisations' names stay as the report gives them until an admin enters an official version.
-- Company names keep their Latin spelling inside the translated summary (no invented native names).

ALTER TABLE forum DISABLE TRIGGER forum_history;

UPDATE forum SET
    title = title || jsonb_build_object(
        'zh', '中国—巴基斯坦科技创新合作',
        'ur', 'چین پاکستان سائنس، ٹیکنالوجی اور اختراعی تعاون'),
    subtitle = subtitle || jsonb_build_object(
        'zh', '携手迈向数字时代',
        'ur', 'ڈیجیٹل دور کی جانب مشترکہ سفر'),
    city = city || jsonb_build_object(
        'zh', '北京',
        'ur', 'بیجنگ'),
    fair_name = fair_name || jsonb_build_object(
        'zh', '中国国际服务贸易交易会',
        'ur', 'چائنا انٹرنیشنل فیئر فار ٹریڈ ان سروسز'),
    summary = summary || jsonb_build_object(
        'zh', '旨在推动中巴两国科技双边合作的中巴科技创新大会在北京举行，本论坛是在中国国际服务贸易交易会（服贸会）期间举办的边会。巴基斯坦驻华大使馆和 ZBRA China 的代表在论坛上发言，两项战略合作协议在会上签署，巴基斯坦知名企业在服贸会上设立展位，吸引中国投资者。',
        'ur', 'چین اور پاکستان کے درمیان سائنس و ٹیکنالوجی کے دوطرفہ تعاون کے فروغ کے لیے چین پاکستان ٹیکنالوجی اینڈ انوویشن کانفرنس بیجنگ میں منعقد ہوئی، اور یہ ضمنی فورم چائنا انٹرنیشنل فیئر فار ٹریڈ ان سروسز (سِفٹِس) کے موقع پر ہوا۔ بیجنگ میں پاکستانی سفارت خانے اور ZBRA China کے نمائندوں نے خطاب کیا، اسٹریٹجک تعاون کے دو معاہدوں پر دستخط ہوئے، اور پاکستان کی سرکردہ کمپنیوں نے چینی سرمایہ کاروں کو راغب کرنے کے لیے سِفٹِس میں اسٹال لگائے۔'),
    version = version + 1;

ALTER TABLE forum ENABLE TRIGGER forum_history;

-- Part of the starting point, like the seed itself.
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'forum', 1, 'seed', 'Chinese and Urdu versions of the forum''s texts', to_jsonb(f) FROM forum f;
