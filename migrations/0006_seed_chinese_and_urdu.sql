-- Chinese (zh, Simplified) and Urdu (ur) versions of every seeded text (issue 9: "every reader
-- gets the forum in their own language"), and seeded English that stated a speaker's claim as
-- the site's own fact reworded to say whose claim it is.
--
-- What it does, table by table:
--   forum          marks 0004's Chinese and Urdu as translations; the summary attributes the
--                  signing to the Science Counselor and the firm list to the report, and its
--                  Chinese and Urdu keep CIFTIS as the report writes it (no 服贸会 / سِفٹِس).
--   organisations  names and descriptions; the STZA and NLC descriptions become the
--                  Ambassador's words; ZBRA's kind becomes unknown (NULL): the report never
--                  says what ZBRA is.
--   people         names (the same in every language) and roles.
--   quotes         every body, direct and reported.
--   agreements     titles, kinds, descriptions (the signing is the Science Counselor's
--                  statement), `establishes`.
--   booths         notes: the report's listing, said as the report's.
--   initiatives    names and descriptions, each description attributed to its speaker.
--
-- Rules followed:
--   * No new facts: a translation adds no name, number, date, URL or claim the English lacks.
--     Awkward phrasings of the report are translated for their meaning, not improved.
--   * People's names stay exactly as the report spells them, in Latin letters, in all three
--     languages. Brand names and acronyms (ZBRA, ZBRA China, NETSOL, ISBEI, Fb Enterprises,
--     CIFTIS, CPEC, NLC, PIA, STZA, STI) stay as they are. A text that is such a name has zh/ur
--     versions identical to the English and no `translated` mark: it is the name, not a
--     translation. Every other zh/ur version is marked: "translated": ["zh", "ur"].
--   * Descriptive organisation names are translated: Chinese uses the established name where
--     it is certain (巴基斯坦驻华大使馆, 巴基斯坦国际航空公司, 巴基斯坦国家银行, 北京老字号协会),
--     otherwise the name's meaning; Urdu writes Pakistani (and Chinese) organisations as their
--     English names in Urdu script (پاکستان انٹرنیشنل ایئرلائنز، نیشنل بینک آف پاکستان).
--   * Chinese: full-width punctuation （，：；、。“”）; a Latin name or acronym inside Chinese text
--     is set off by one space (none next to punctuation), as 0004 did. Urdu: Urdu punctuation
--     (، ۔ ؛), quotation marks as Pakistani papers set them (’’…‘‘), Pakistani loanwords
--     (ٹیکنالوجی، آئی ٹی، ڈیجیٹل).
--   * Quotes keep their paragraphs: the same blank lines in every language, and no final full
--     stop where the English has none (the report's sentence went on with "he added").
--   * An admin's edit is never overwritten: a text is replaced only while it still holds
--     exactly what the seed put there (0002's English alone, or for the forum exactly 0004's
--     three versions). Rows are found by their seeded slug (quotes by their seeded English);
--     a row an admin re-slugged, or a text an admin touched in any language, is left alone.
--   * History as in 0004: each table's history trigger is off around its update (agreements'
--     is a deferred constraint trigger: disabled, it queues no event, so enabling it again in
--     the same transaction is allowed); every changed row gets version + 1, updated_at = now()
--     and one `seed` history row with its new snapshot. A row nothing changed in keeps its
--     version and gets no history row.

-- A text in three languages, Chinese and Urdu translated from the English.
CREATE FUNCTION pg_temp.tr(en text, zh text, ur text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    RETURN jsonb_build_object('en', en, 'zh', zh, 'ur', ur, 'translated', jsonb_build_array('zh', 'ur'));

-- A name written the same in every language (a person's name, a brand, an acronym).
CREATE FUNCTION pg_temp.same(name text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    RETURN jsonb_build_object('en', name, 'zh', name, 'ur', name);

-- `target` if `present` still holds exactly `seeded`, else `present` untouched.
CREATE FUNCTION pg_temp.replace_seeded(present jsonb, seeded jsonb, target jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN present = seeded THEN target ELSE present END;

-- The same for a text 0002 seeded in English only. `seeded_en` is that English where this
-- migration rewords it; omitted, the English stays the target's own.
CREATE FUNCTION pg_temp.localize(present jsonb, target jsonb, seeded_en text DEFAULT NULL) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    RETURN pg_temp.replace_seeded(present, jsonb_build_object('en', COALESCE(seeded_en, target ->> 'en')), target);

-- What history says about one changed row, from its snapshots before and after.
CREATE FUNCTION pg_temp.history_note(before jsonb, after jsonb) RETURNS text
    LANGUAGE sql STABLE
    RETURN concat_ws('; ',
        CASE WHEN EXISTS (SELECT 1 FROM jsonb_each(after) AS a
                          WHERE jsonb_typeof(a.value) = 'object' AND a.value IS DISTINCT FROM before -> a.key)
             THEN 'Chinese and Urdu versions' END,
        CASE WHEN EXISTS (SELECT 1 FROM jsonb_each(after) AS a
                          WHERE jsonb_typeof(a.value) = 'object' AND a.value ->> 'en' IS DISTINCT FROM before -> a.key ->> 'en')
             THEN 'the English now says whose claim it is' END,
        CASE WHEN before ->> 'kind' IS NOT NULL AND after -> 'kind' = 'null'
             THEN 'kind unknown: the report never says what it is' END);


-- ── The forum ────────────────────────────────────────────────────────────────────────────────

ALTER TABLE forum DISABLE TRIGGER forum_history;

WITH seeded AS (
    -- The forum's texts exactly as 0004 left them.
    SELECT
        jsonb_build_object('en', 'China-Pakistan Science, Technology and Innovation Cooperation',
                           'zh', '中国—巴基斯坦科技创新合作',
                           'ur', 'چین پاکستان سائنس، ٹیکنالوجی اور اختراعی تعاون') AS title,
        jsonb_build_object('en', 'Shared Journey to a Digital Era',
                           'zh', '携手迈向数字时代',
                           'ur', 'ڈیجیٹل دور کی جانب مشترکہ سفر') AS subtitle,
        jsonb_build_object('en', 'Beijing', 'zh', '北京', 'ur', 'بیجنگ') AS city,
        jsonb_build_object('en', 'China International Fair for Trade in Services',
                           'zh', '中国国际服务贸易交易会',
                           'ur', 'چائنا انٹرنیشنل فیئر فار ٹریڈ ان سروسز') AS fair_name,
        jsonb_build_object('en', 'The China-Pakistan Technology and Innovation Conference, aimed at developing science & technology bilateral cooperation between China and Pakistan, was held in Beijing, with this sideline forum at the China International Fair for Trade in Services (CIFTIS). Speakers from the Pakistan Embassy in Beijing and ZBRA China addressed it, two strategic cooperation agreements were signed, and top Pakistani firms opened their booths at CIFTIS to attract Chinese investors.',
                           'zh', '旨在推动中巴两国科技双边合作的中巴科技创新大会在北京举行，本论坛是在中国国际服务贸易交易会（服贸会）期间举办的边会。巴基斯坦驻华大使馆和 ZBRA China 的代表在论坛上发言，两项战略合作协议在会上签署，巴基斯坦知名企业在服贸会上设立展位，吸引中国投资者。',
                           'ur', 'چین اور پاکستان کے درمیان سائنس و ٹیکنالوجی کے دوطرفہ تعاون کے فروغ کے لیے چین پاکستان ٹیکنالوجی اینڈ انوویشن کانفرنس بیجنگ میں منعقد ہوئی، اور یہ ضمنی فورم چائنا انٹرنیشنل فیئر فار ٹریڈ ان سروسز (سِفٹِس) کے موقع پر ہوا۔ بیجنگ میں پاکستانی سفارت خانے اور ZBRA China کے نمائندوں نے خطاب کیا، اسٹریٹجک تعاون کے دو معاہدوں پر دستخط ہوئے، اور پاکستان کی سرکردہ کمپنیوں نے چینی سرمایہ کاروں کو راغب کرنے کے لیے سِفٹِس میں اسٹال لگائے۔') AS summary
),
translated AS (
    SELECT f.history_id, to_jsonb(f) AS before,
        pg_temp.replace_seeded(f.title, s.title, s.title || '{"translated": ["zh", "ur"]}') AS title,
        pg_temp.replace_seeded(f.subtitle, s.subtitle, s.subtitle || '{"translated": ["zh", "ur"]}') AS subtitle,
        pg_temp.replace_seeded(f.city, s.city, s.city || '{"translated": ["zh", "ur"]}') AS city,
        pg_temp.replace_seeded(f.fair_name, s.fair_name, s.fair_name || '{"translated": ["zh", "ur"]}') AS fair_name,
        pg_temp.replace_seeded(f.summary, s.summary, pg_temp.tr(
            'The China-Pakistan Technology and Innovation Conference, aimed at developing science & technology bilateral cooperation between China and Pakistan, was held in Beijing, with this sideline forum at the China International Fair for Trade in Services (CIFTIS). Speakers from the Pakistan Embassy in Beijing and ZBRA China addressed it; the Embassy’s Science Counselor said two strategic cooperation agreements were signed; and the report names the top Pakistani firms that opened their booths at CIFTIS to attract Chinese investors.',
            '旨在推动中巴两国科技双边合作的中巴科技创新大会在北京举行，本论坛是在中国国际服务贸易交易会（CIFTIS）期间举办的边会。巴基斯坦驻华大使馆和 ZBRA China 的代表在论坛上发言；大使馆科学参赞表示，两项战略合作协议已经签署；报道还列出了在 CIFTIS 开设展位、吸引中国投资者的巴基斯坦顶尖企业。',
            'چین اور پاکستان کے درمیان سائنس و ٹیکنالوجی کے دوطرفہ تعاون کے فروغ کے لیے چین پاکستان ٹیکنالوجی اینڈ انوویشن کانفرنس بیجنگ میں منعقد ہوئی، اور یہ ضمنی فورم چائنا انٹرنیشنل فیئر فار ٹریڈ ان سروسز (CIFTIS) کے موقع پر ہوا۔ بیجنگ میں پاکستانی سفارت خانے اور ZBRA China کے نمائندوں نے اس سے خطاب کیا؛ سفارت خانے کے سائنس قونصلر نے بتایا کہ اسٹریٹجک تعاون کے دو معاہدوں پر دستخط ہوئے؛ اور رپورٹ میں ان سرکردہ پاکستانی کمپنیوں کا ذکر ہے جنہوں نے چینی سرمایہ کاروں کو راغب کرنے کے لیے CIFTIS میں اسٹال لگائے۔')) AS summary
    FROM forum f, seeded s
),
changed AS (
    UPDATE forum f
       SET title = t.title, subtitle = t.subtitle, city = t.city, fair_name = t.fair_name, summary = t.summary,
           version = f.version + 1, updated_at = now()
      FROM translated t
     WHERE f.history_id = t.history_id
       AND (f.title, f.subtitle, f.city, f.fair_name, f.summary)
           IS DISTINCT FROM (t.title, t.subtitle, t.city, t.fair_name, t.summary)
    RETURNING f.*
)
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'forum', 1, 'seed', pg_temp.history_note(t.before, to_jsonb(c)), to_jsonb(c)
FROM changed c JOIN translated t USING (history_id);

ALTER TABLE forum ENABLE TRIGGER forum_history;


-- ── Organisations ────────────────────────────────────────────────────────────────────────────

ALTER TABLE organisations DISABLE TRIGGER organisations_history;

WITH translated AS (
    SELECT o.id, to_jsonb(o) AS before,
        pg_temp.localize(o.name, v.name) AS name,
        pg_temp.localize(o.description, v.description, v.seeded_description) AS description,
        -- The report never says what ZBRA is.
        CASE WHEN o.slug = 'zbra' AND o.kind = 'company' THEN NULL ELSE o.kind END AS kind
    FROM organisations o
    JOIN (VALUES
        ('pakistan-embassy-beijing',
            pg_temp.tr('Pakistan Embassy in Beijing',
                       '巴基斯坦驻华大使馆',
                       'بیجنگ میں پاکستانی سفارت خانہ'),
            NULL::jsonb, NULL::text),
        ('zbra', pg_temp.same('ZBRA China'), NULL, NULL),
        ('china-construction-huaxia',
            pg_temp.tr('China Construction Huaxia (Beijing) Industrial Operation Company',
                       '中建华夏（北京）产业运营公司',
                       'چائنا کنسٹرکشن ہواشیا (بیجنگ) انڈسٹریل آپریشن کمپنی'),
            NULL, NULL),
        ('beijing-time-honored-brands-association',
            pg_temp.tr('Beijing Time-Honored Brands Association',
                       '北京老字号协会',
                       'بیجنگ ٹائم آنرڈ برانڈز ایسوسی ایشن'),
            NULL, NULL),
        ('stza',
            pg_temp.tr('Special Technology Zone Authority',
                       '特别技术区管理局',
                       'اسپیشل ٹیکنالوجی زون اتھارٹی'),
            pg_temp.tr('The Ambassador, Moin ul Haque, said Pakistan had established it to attract tech companies to set up R&D centers and manufacturing units in Pakistan.',
                       '大使 Moin ul Haque 表示，巴基斯坦设立该机构是为了吸引科技公司在巴基斯坦设立研发中心和生产单位。',
                       'سفیر Moin ul Haque نے کہا کہ پاکستان نے یہ اتھارٹی ٹیک کمپنیوں کو پاکستان میں تحقیق و ترقی کے مراکز اور مینوفیکچرنگ یونٹس قائم کرنے کی طرف راغب کرنے کے لیے قائم کی ہے۔'),
            'Established by Pakistan to attract tech companies to set up R&D centers and manufacturing units in Pakistan.'),
        ('pia',
            pg_temp.tr('Pakistan International Airlines',
                       '巴基斯坦国际航空公司',
                       'پاکستان انٹرنیشنل ایئرلائنز'),
            NULL, NULL),
        ('netsol', pg_temp.same('NETSOL'), NULL, NULL),
        ('isbei', pg_temp.same('ISBEI'), NULL, NULL),
        ('national-bank-of-pakistan',
            pg_temp.tr('National Bank of Pakistan',
                       '巴基斯坦国家银行',
                       'نیشنل بینک آف پاکستان'),
            NULL, NULL),
        ('nlc',
            pg_temp.tr('National Logistic Corporation',
                       '国家物流公司',
                       'نیشنل لاجسٹک کارپوریشن'),
            pg_temp.tr('Described by the Ambassador, Moin ul Haque, as Pakistan’s largest logistics company.',
                       '大使 Moin ul Haque 称其为巴基斯坦最大的物流公司。',
                       'سفیر Moin ul Haque نے اسے پاکستان کی سب سے بڑی لاجسٹکس کمپنی قرار دیا۔'),
            'Pakistan’s largest logistics company.'),
        ('fb-enterprises', pg_temp.same('Fb Enterprises'), NULL, NULL)
    ) AS v (slug, name, description, seeded_description) ON v.slug = o.slug
),
changed AS (
    UPDATE organisations o
       SET name = t.name, description = t.description, kind = t.kind,
           version = o.version + 1, updated_at = now()
      FROM translated t
     WHERE o.id = t.id
       AND (o.name, o.description, o.kind) IS DISTINCT FROM (t.name, t.description, t.kind)
    RETURNING o.*
)
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'organisations', c.id, 'seed', pg_temp.history_note(t.before, to_jsonb(c)), to_jsonb(c)
FROM changed c JOIN translated t USING (id) ORDER BY c.id;

ALTER TABLE organisations ENABLE TRIGGER organisations_history;


-- ── People ───────────────────────────────────────────────────────────────────────────────────

ALTER TABLE people DISABLE TRIGGER people_history;

WITH translated AS (
    SELECT p.id, to_jsonb(p) AS before,
        pg_temp.localize(p.name, v.name) AS name,
        pg_temp.localize(p.role, v.role) AS role
    FROM people p
    JOIN (VALUES
        ('moin-ul-haque', pg_temp.same('Moin ul Haque'),
            pg_temp.tr('Pakistan Ambassador to China',
                       '巴基斯坦驻华大使',
                       'چین میں پاکستان کے سفیر')),
        ('ghulam-qadir', pg_temp.same('Ghulam Qadir'),
            pg_temp.tr('Commercial Councilor of Pakistan embassy Beijing',
                       '巴基斯坦驻华大使馆商务参赞',
                       'بیجنگ میں پاکستانی سفارت خانے کے کمرشل قونصلر')),
        ('xiaodong-zhang', pg_temp.same('Xiaodong Zhang'),
            pg_temp.tr('President, ZBRA China',
                       'ZBRA China 总裁',
                       'ZBRA China کے صدر')),
        ('khan-muhammad', pg_temp.same('Khan Muhammad'),
            pg_temp.tr('Science Counselor at Pakistan Embassy in Beijing',
                       '巴基斯坦驻华大使馆科学参赞',
                       'بیجنگ میں پاکستانی سفارت خانے کے سائنس قونصلر'))
    ) AS v (slug, name, role) ON v.slug = p.slug
),
changed AS (
    UPDATE people p
       SET name = t.name, role = t.role, version = p.version + 1, updated_at = now()
      FROM translated t
     WHERE p.id = t.id AND (p.name, p.role) IS DISTINCT FROM (t.name, t.role)
    RETURNING p.*
)
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'people', c.id, 'seed', pg_temp.history_note(t.before, to_jsonb(c)), to_jsonb(c)
FROM changed c JOIN translated t USING (id) ORDER BY c.id;

ALTER TABLE people ENABLE TRIGGER people_history;


-- ── Quotes (found by their seeded English; direct ones keep their paragraphs) ────────────────

ALTER TABLE quotes DISABLE TRIGGER quotes_history;

WITH translated AS (
    SELECT q.id, to_jsonb(q) AS before, pg_temp.localize(q.body, v.body) AS body
    FROM quotes q
    JOIN (VALUES
        -- Moin ul Haque, reported
        (pg_temp.tr(
            $q$China has become a global leader in science and technology and IT fields through strategic investments in AI, 5G, EVs, biotechnology, renewal energy, robotics, big data and e-commerce, adding that Pakistan would enhance technology cooperation.$q$,
            $q$中国通过在人工智能、5G、电动汽车、生物技术、可再生能源、机器人、大数据和电子商务方面的战略投资，已成为科技和信息技术领域的全球领导者，并补充说，巴基斯坦将加强技术合作。$q$,
            $q$چین نے مصنوعی ذہانت، فائیو جی، الیکٹرک گاڑیوں، بائیو ٹیکنالوجی، قابلِ تجدید توانائی، روبوٹکس، بگ ڈیٹا اور ای کامرس میں اسٹریٹجک سرمایہ کاری کے ذریعے سائنس و ٹیکنالوجی اور آئی ٹی کے شعبوں میں عالمی رہنما کی حیثیت حاصل کر لی ہے، اور مزید کہا کہ پاکستان ٹیکنالوجی کے شعبے میں تعاون کو فروغ دے گا۔$q$)),
        -- Moin ul Haque, direct
        (pg_temp.tr(
            $q$Pakistan itself is committed to its “Digital Pakistan” vision, tapping into its young and enterprising population. We are fostering startup culture and have established the Special Technology Zone Authority to attract tech companies to set up R&D centers and manufacturing units in Pakistan.

By offering lucrative tax incentives, we have seen a surge in our IT sector in recent years$q$,
            $q$巴基斯坦本身致力于实现其“数字巴基斯坦”愿景，充分利用其年轻且富有进取精神的人口。我们正在培育创业文化，并已设立特别技术区管理局，以吸引科技公司在巴基斯坦设立研发中心和生产单位。

通过提供优厚的税收优惠，近年来我们的信息技术行业出现了迅猛增长$q$,
            $q$پاکستان خود اپنے ’’ڈیجیٹل پاکستان‘‘ وژن کے لیے پُرعزم ہے اور اپنی نوجوان اور کاروباری جذبے سے بھرپور آبادی سے فائدہ اٹھا رہا ہے۔ ہم اسٹارٹ اپ کلچر کو فروغ دے رہے ہیں اور ہم نے اسپیشل ٹیکنالوجی زون اتھارٹی قائم کی ہے تاکہ ٹیک کمپنیوں کو پاکستان میں تحقیق و ترقی کے مراکز اور مینوفیکچرنگ یونٹس قائم کرنے کی طرف راغب کیا جا سکے۔

پرکشش ٹیکس مراعات کی پیشکش کے ذریعے ہم نے حالیہ برسوں میں اپنے آئی ٹی سیکٹر میں تیز رفتار اضافہ دیکھا ہے$q$)),
        -- Moin ul Haque, reported
        (pg_temp.tr(
            $q$China and Pakistan had identified IT and science and technology cooperation blueprint under the CPEC framework. It was a conscious choice to organize this event on the sidelines of CIFTIS which has now become a world-renowned forum for services trade. As part of our broader economic partnership, we are focusing on fintech, IT, ecommerce and logistics. Pakistan’s largest logistics company NLC is participating in this conference today.$q$,
            $q$中国和巴基斯坦已在 CPEC 框架下确定了信息技术及科技合作蓝图。在 CIFTIS 期间举办此次活动是经过深思熟虑的选择，CIFTIS 如今已成为世界知名的服务贸易论坛。作为我们更广泛经济伙伴关系的一部分，我们正聚焦金融科技、信息技术、电子商务和物流。巴基斯坦最大的物流公司 NLC 今天正在参加本次会议。$q$,
            $q$چین اور پاکستان نے CPEC فریم ورک کے تحت آئی ٹی اور سائنس و ٹیکنالوجی میں تعاون کا بلیو پرنٹ طے کیا تھا۔ اس تقریب کا انعقاد CIFTIS کے موقع پر کرنا ایک سوچا سمجھا انتخاب تھا؛ CIFTIS اب خدمات کی تجارت کا عالمی شہرت یافتہ فورم بن چکا ہے۔ اپنی وسیع تر اقتصادی شراکت داری کے حصے کے طور پر ہم فن ٹیک، آئی ٹی، ای کامرس اور لاجسٹکس پر توجہ دے رہے ہیں۔ پاکستان کی سب سے بڑی لاجسٹکس کمپنی NLC آج اس کانفرنس میں شریک ہے۔$q$)),
        -- Moin ul Haque, direct
        (pg_temp.tr(
            $q$We have also launched China-Pakistan Digital, Green, and Health Corridors to harness the potential of our two countries in these fields.

We are establishing linkages between our academic institutions, research organizations and IT companies for practical implementation of our vision and for going forward on a shared journey of digital era. In major milestone, we have recently set up China-Pakistan Joint Research Center on Earth Sciences$q$,
            $q$我们还启动了中巴数字、绿色和健康走廊，以发挥我们两国在这些领域的潜力。

我们正在我们的学术机构、研究组织和信息技术公司之间建立联系，以切实落实我们的愿景，并在数字时代的共同征程上向前迈进。作为一个重要里程碑，我们最近成立了中巴地球科学联合研究中心$q$,
            $q$ہم نے چین پاکستان ڈیجیٹل، گرین اور ہیلتھ کوریڈورز کا آغاز بھی کیا ہے تاکہ ان شعبوں میں اپنے دونوں ممالک کی صلاحیتوں کو بروئے کار لایا جا سکے۔

ہم اپنے وژن کو عملی جامہ پہنانے اور ڈیجیٹل دور کے مشترکہ سفر پر آگے بڑھنے کے لیے اپنے تعلیمی اداروں، تحقیقی تنظیموں اور آئی ٹی کمپنیوں کے درمیان روابط قائم کر رہے ہیں۔ ایک بڑے سنگِ میل کے طور پر ہم نے حال ہی میں چین پاکستان مشترکہ تحقیقی مرکز برائے ارضیاتی علوم قائم کیا ہے$q$)),
        -- Ghulam Qadir, reported
        (pg_temp.tr(
            $q$briefed audience about current business opportunities between two countries.$q$,
            $q$向听众介绍了两国之间当前的商业机会。$q$,
            $q$حاضرین کو دونوں ممالک کے درمیان موجودہ کاروباری مواقع کے بارے میں بریفنگ دی۔$q$)),
        -- Ghulam Qadir, direct
        (pg_temp.tr(
            $q$I invited all Chinese businessmen in IT sector to join us and enhance bilateral cooperation, and facilitate technology transfer to enable the development of Special Technology Zones across Pakistan$q$,
            $q$我邀请了所有信息技术领域的中国商界人士加入我们，加强双边合作，并促进技术转让，以推动巴基斯坦各地特别技术区的发展$q$,
            $q$میں نے آئی ٹی سیکٹر سے وابستہ تمام چینی کاروباری افراد کو دعوت دی کہ وہ ہمارے ساتھ شامل ہوں، دوطرفہ تعاون کو بڑھائیں اور ٹیکنالوجی کی منتقلی میں سہولت فراہم کریں تاکہ پورے پاکستان میں اسپیشل ٹیکنالوجی زونز کی ترقی ممکن ہو سکے$q$)),
        -- Xiaodong Zhang, reported
        (pg_temp.tr(
            $q$we should jointly Write a New Chapter in China-Pakistan Science and Technology Cooperation.$q$,
            $q$我们应当共同谱写中巴科技合作新篇章。$q$,
            $q$ہمیں مل کر چین پاکستان سائنس و ٹیکنالوجی تعاون میں ایک نیا باب رقم کرنا چاہیے۔$q$)),
        -- Xiaodong Zhang, reported
        (pg_temp.tr(
            $q$Pakistan and China are committed to developing a community with shared knowledge and Chinese expertises would enhance cooperation in future.$q$,
            $q$巴基斯坦和中国致力于构建知识共享的共同体，中国的专业知识将在未来加强合作。$q$,
            $q$پاکستان اور چین مشترکہ علم پر مبنی ایک کمیونٹی کی تشکیل کے لیے پُرعزم ہیں، اور چینی مہارت مستقبل میں تعاون کو فروغ دے گی۔$q$)),
        -- Khan Muhammad, reported
        (pg_temp.tr(
            $q$today event we signed different MOUs to support science and technology development.$q$,
            $q$在今天的活动中，我们签署了多项谅解备忘录，以支持科技发展。$q$,
            $q$آج کی تقریب میں ہم نے سائنس و ٹیکنالوجی کی ترقی میں معاونت کے لیے مختلف مفاہمتی یادداشتوں پر دستخط کیے۔$q$)),
        -- Khan Muhammad, direct
        (pg_temp.tr(
            $q$Signing of Strategic Cooperation Agreement on establishing China Pakistan STI Center in China between ZBRA and China Construction Huaxia (Beijing) Industrial Operation Company and Strategic Cooperation Agreement between ZBRA Beijing Time-Honored Brands Association are signed to promote cooperation between China and Pakistan$q$,
            $q$ZBRA 与中建华夏（北京）产业运营公司关于在中国建立中巴 STI 中心的战略合作协议，以及 ZBRA 与北京老字号协会的战略合作协议均已签署，以促进中国和巴基斯坦之间的合作$q$,
            $q$ZBRA اور چائنا کنسٹرکشن ہواشیا (بیجنگ) انڈسٹریل آپریشن کمپنی کے درمیان چین میں چین پاکستان STI سینٹر کے قیام سے متعلق اسٹریٹجک تعاون کے معاہدے، اور ZBRA اور بیجنگ ٹائم آنرڈ برانڈز ایسوسی ایشن کے درمیان اسٹریٹجک تعاون کے معاہدے پر چین اور پاکستان کے درمیان تعاون کے فروغ کے لیے دستخط کیے گئے ہیں$q$))
    ) AS v (body) ON q.body ->> 'en' = v.body ->> 'en'
),
changed AS (
    UPDATE quotes q
       SET body = t.body, version = q.version + 1, updated_at = now()
      FROM translated t
     WHERE q.id = t.id AND q.body IS DISTINCT FROM t.body
    RETURNING q.*
)
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'quotes', c.id, 'seed', pg_temp.history_note(t.before, to_jsonb(c)), to_jsonb(c)
FROM changed c JOIN translated t USING (id) ORDER BY c.id;

ALTER TABLE quotes ENABLE TRIGGER quotes_history;


-- ── Agreements ───────────────────────────────────────────────────────────────────────────────

-- A constraint trigger: disabled, the update queues no deferred event for it.
ALTER TABLE agreements DISABLE TRIGGER agreements_history;

WITH translated AS (
    SELECT a.id, to_jsonb(a) AS before,
        pg_temp.localize(a.title, v.title) AS title,
        pg_temp.localize(a.kind, pg_temp.tr('Strategic Cooperation Agreement',
                                            '战略合作协议',
                                            'اسٹریٹجک تعاون کا معاہدہ')) AS kind,
        pg_temp.localize(a.description,
            pg_temp.tr('The Science Counselor, Khan Muhammad, said it was signed at the forum to promote cooperation between China and Pakistan.',
                       '科学参赞 Khan Muhammad 表示，该协议在论坛上签署，旨在促进中国和巴基斯坦之间的合作。',
                       'سائنس قونصلر Khan Muhammad نے کہا کہ اس معاہدے پر چین اور پاکستان کے درمیان تعاون کے فروغ کے لیے فورم میں دستخط کیے گئے۔'),
            'Signed at the forum to promote cooperation between China and Pakistan.') AS description,
        pg_temp.localize(a.establishes, v.establishes) AS establishes
    FROM agreements a
    JOIN (VALUES
        ('china-pakistan-sti-center',
            pg_temp.tr('Strategic Cooperation Agreement on establishing China Pakistan STI Center in China',
                       '关于在中国建立中巴 STI 中心的战略合作协议',
                       'چین میں چین پاکستان STI سینٹر کے قیام سے متعلق اسٹریٹجک تعاون کا معاہدہ'),
            pg_temp.tr('China Pakistan STI Center in China',
                       '位于中国的中巴 STI 中心',
                       'چین میں چین پاکستان STI سینٹر')),
        ('zbra-beijing-time-honored-brands',
            pg_temp.tr('Strategic Cooperation Agreement between ZBRA and Beijing Time-Honored Brands Association',
                       'ZBRA 与北京老字号协会战略合作协议',
                       'ZBRA اور بیجنگ ٹائم آنرڈ برانڈز ایسوسی ایشن کے درمیان اسٹریٹجک تعاون کا معاہدہ'),
            NULL::jsonb)
    ) AS v (slug, title, establishes) ON v.slug = a.slug
),
changed AS (
    UPDATE agreements a
       SET title = t.title, kind = t.kind, description = t.description, establishes = t.establishes,
           version = a.version + 1, updated_at = now()
      FROM translated t
     WHERE a.id = t.id
       AND (a.title, a.kind, a.description, a.establishes)
           IS DISTINCT FROM (t.title, t.kind, t.description, t.establishes)
    RETURNING a.*
)
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'agreements', c.id, 'seed', pg_temp.history_note(t.before, to_jsonb(c)),
       history_snapshot('agreements', to_jsonb(c))
FROM changed c JOIN translated t USING (id) ORDER BY c.id;

ALTER TABLE agreements ENABLE TRIGGER agreements_history;


-- ── Booths ───────────────────────────────────────────────────────────────────────────────────

ALTER TABLE booths DISABLE TRIGGER booths_history;

WITH translated AS (
    SELECT b.id, to_jsonb(b) AS before,
        pg_temp.localize(b.note,
            pg_temp.tr('Named in the report among the top Pakistani firms participating in CIFTIS that opened their booths to attract Chinese investors.',
                       '报道将其列为参加 CIFTIS 并开设展位以吸引中国投资者的巴基斯坦顶尖企业之一。',
                       'رپورٹ میں اس کا نام CIFTIS میں شریک ان سرکردہ پاکستانی کمپنیوں میں لیا گیا ہے جنہوں نے چینی سرمایہ کاروں کو راغب کرنے کے لیے اپنے اسٹال لگائے۔'),
            'One of the top Pakistani firms participating in CIFTIS; opened its booth to attract Chinese investors.') AS note
    FROM booths b
    WHERE b.slug IN ('stza', 'pia', 'netsol', 'isbei', 'national-bank-of-pakistan', 'nlc', 'fb-enterprises')
),
changed AS (
    UPDATE booths b
       SET note = t.note, version = b.version + 1, updated_at = now()
      FROM translated t
     WHERE b.id = t.id AND b.note IS DISTINCT FROM t.note
    RETURNING b.*
)
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'booths', c.id, 'seed', pg_temp.history_note(t.before, to_jsonb(c)), to_jsonb(c)
FROM changed c JOIN translated t USING (id) ORDER BY c.id;

ALTER TABLE booths ENABLE TRIGGER booths_history;


-- ── Initiatives ──────────────────────────────────────────────────────────────────────────────

ALTER TABLE initiatives DISABLE TRIGGER initiatives_history;

WITH translated AS (
    SELECT i.id, to_jsonb(i) AS before,
        pg_temp.localize(i.name, v.name) AS name,
        pg_temp.localize(i.description, v.description, v.seeded_description) AS description
    FROM initiatives i
    JOIN (VALUES
        ('digital-pakistan',
            pg_temp.tr('Digital Pakistan',
                       '数字巴基斯坦',
                       'ڈیجیٹل پاکستان'),
            pg_temp.tr('The Ambassador, Moin ul Haque, said Pakistan is committed to its “Digital Pakistan” vision, tapping into its young and enterprising population.',
                       '大使 Moin ul Haque 表示，巴基斯坦致力于实现其“数字巴基斯坦”愿景，充分利用其年轻且富有进取精神的人口。',
                       'سفیر Moin ul Haque نے کہا کہ پاکستان اپنے ’’ڈیجیٹل پاکستان‘‘ وژن کے لیے پُرعزم ہے اور اپنی نوجوان اور کاروباری جذبے سے بھرپور آبادی سے فائدہ اٹھا رہا ہے۔'),
            'Pakistan’s vision, tapping into its young and enterprising population.'),
        ('cpec-it-and-st-cooperation-blueprint',
            pg_temp.tr('IT and science and technology cooperation blueprint under the CPEC framework',
                       'CPEC 框架下的信息技术及科技合作蓝图',
                       'CPEC فریم ورک کے تحت آئی ٹی اور سائنس و ٹیکنالوجی میں تعاون کا بلیو پرنٹ'),
            pg_temp.tr('The Ambassador, Moin ul Haque, said China and Pakistan had identified this blueprint under the CPEC framework.',
                       '大使 Moin ul Haque 表示，中国和巴基斯坦已在 CPEC 框架下确定了这一蓝图。',
                       'سفیر Moin ul Haque نے کہا کہ چین اور پاکستان نے CPEC فریم ورک کے تحت یہ بلیو پرنٹ طے کیا ہے۔'),
            'Identified by China and Pakistan under the CPEC framework.'),
        ('china-pakistan-digital-green-health-corridors',
            pg_temp.tr('China-Pakistan Digital, Green, and Health Corridors',
                       '中巴数字、绿色和健康走廊',
                       'چین پاکستان ڈیجیٹل، گرین اور ہیلتھ کوریڈورز'),
            pg_temp.tr('The Ambassador, Moin ul Haque, said these corridors had been launched to harness the potential of the two countries in these fields.',
                       '大使 Moin ul Haque 表示，启动这些走廊是为了发挥两国在这些领域的潜力。',
                       'سفیر Moin ul Haque نے کہا کہ ان کوریڈورز کا آغاز ان شعبوں میں دونوں ممالک کی صلاحیتوں کو بروئے کار لانے کے لیے کیا گیا ہے۔'),
            'Launched to harness the potential of the two countries in these fields.'),
        ('china-pakistan-joint-research-center-on-earth-sciences',
            pg_temp.tr('China-Pakistan Joint Research Center on Earth Sciences',
                       '中巴地球科学联合研究中心',
                       'چین پاکستان مشترکہ تحقیقی مرکز برائے ارضیاتی علوم'),
            pg_temp.tr('The Ambassador, Moin ul Haque, said it had recently been set up and called it a major milestone.',
                       '大使 Moin ul Haque 表示，该中心已于近期成立，并称之为一个重要里程碑。',
                       'سفیر Moin ul Haque نے کہا کہ یہ مرکز حال ہی میں قائم کیا گیا ہے اور اسے ایک بڑا سنگِ میل قرار دیا۔'),
            'Recently set up; described by the ambassador as a major milestone.'),
        ('special-technology-zones',
            pg_temp.tr('Special Technology Zones',
                       '特别技术区',
                       'اسپیشل ٹیکنالوجی زونز'),
            pg_temp.tr('The Commercial Councilor, Ghulam Qadir, said he invited all Chinese businessmen in the IT sector to facilitate technology transfer to enable the development of Special Technology Zones across Pakistan.',
                       '商务参赞 Ghulam Qadir 表示，他邀请了所有信息技术领域的中国商界人士促进技术转让，以推动巴基斯坦各地特别技术区的发展。',
                       'کمرشل قونصلر Ghulam Qadir نے کہا کہ انہوں نے آئی ٹی سیکٹر سے وابستہ تمام چینی کاروباری افراد کو دعوت دی کہ وہ ٹیکنالوجی کی منتقلی میں سہولت فراہم کریں تاکہ پورے پاکستان میں اسپیشل ٹیکنالوجی زونز کی ترقی ممکن ہو سکے۔'),
            'Zones to be developed across Pakistan; Chinese businessmen in the IT sector were invited to facilitate technology transfer for them.')
    ) AS v (slug, name, description, seeded_description) ON v.slug = i.slug
),
changed AS (
    UPDATE initiatives i
       SET name = t.name, description = t.description, version = i.version + 1, updated_at = now()
      FROM translated t
     WHERE i.id = t.id AND (i.name, i.description) IS DISTINCT FROM (t.name, t.description)
    RETURNING i.*
)
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'initiatives', c.id, 'seed', pg_temp.history_note(t.before, to_jsonb(c)), to_jsonb(c)
FROM changed c JOIN translated t USING (id) ORDER BY c.id;

ALTER TABLE initiatives ENABLE TRIGGER initiatives_history;


DROP FUNCTION pg_temp.history_note(jsonb, jsonb);
DROP FUNCTION pg_temp.localize(jsonb, jsonb, text);
DROP FUNCTION pg_temp.replace_seeded(jsonb, jsonb, jsonb);
DROP FUNCTION pg_temp.same(text);
DROP FUNCTION pg_temp.tr(text, text, text);
