-- Seed: every fact of the China Economic Net report of 2023-09-05, and nothing it does not say.
-- Booth numbers, halls, websites, photos, bios and e-mails are not in the report: they stay NULL.
-- Quotes are word for word; names are spelled as the report spells them.
-- Every seeded row points at the report through source_id.

INSERT INTO sources (slug, publisher, published_on, url, body) VALUES
('cen-2023-09-05', 'China Economic Net (CEN)', '2023-09-05', NULL, $article$China-Pakistan Technology and Innovation Conference, aimed at developing science & technology bilateral cooperation between China and Pakistan, was held in Beijing on Tuesday, China Economic Net (CEN) reported.

Addressing a sideline forum titled “China-Pakistan Science, Technology and Innovation Cooperation- Shared Journey to a Digital Era” at the China International Fair for Trade in Services (CIFTIS), Pakistan Ambassador to China, Moin ul Haque said that China has become a global leader in science and technology and IT fields through strategic investments in AI, 5G, EVs, biotechnology, renewal energy, robotics, big data and e-commerce, adding that Pakistan would enhance technology cooperation.

“Pakistan itself is committed to its “Digital Pakistan” vision, tapping into its young and enterprising population. We are fostering startup culture and have established the Special Technology Zone Authority to attract tech companies to set up R&D centers and manufacturing units in Pakistan.

By offering lucrative tax incentives, we have seen a surge in our IT sector in recent years”, he added.

The ambassador further said that China and Pakistan had identified IT and science and technology cooperation blueprint under the CPEC framework. It was a conscious choice to organize this event on the sidelines of CIFTIS which has now become a world-renowned forum for services trade. As part of our broader economic partnership, we are focusing on fintech, IT, ecommerce and logistics. Pakistan’s largest logistics company NLC is participating in this conference today.

“We have also launched China-Pakistan Digital, Green, and Health Corridors to harness the potential of our two countries in these fields.

We are establishing linkages between our academic institutions, research organizations and IT companies for practical implementation of our vision and for going forward on a shared journey of digital era. In major milestone, we have recently set up China-Pakistan Joint Research Center on Earth Sciences”, he added.

Ghulam Qadir, Commercial Councilor of Pakistan embassy Beijing briefed audience about current business opportunities between two countries.

” I invited all Chinese businessmen in IT sector to join us and enhance bilateral cooperation, and facilitate technology transfer to enable the development of Special Technology Zones across Pakistan”, he added.

Xiaodong Zhang, President, ZBRA China said we should jointly Write a New Chapter in China-Pakistan Science and Technology Cooperation.

He further said that Pakistan and China are committed to developing a community with shared knowledge and Chinese expertises would enhance cooperation in future.

Khan Muhammad, Science Counselor at Pakistan Embassy in Beijing said that today event we signed different MOUs to support science and technology development.

“Signing of Strategic Cooperation Agreement on establishing China Pakistan STI Center in China between ZBRA and China Construction Huaxia (Beijing) Industrial Operation Company and Strategic Cooperation Agreement between ZBRA Beijing Time-Honored Brands Association are signed to promote cooperation between China and Pakistan “, he added.

It is to be noted that the top Pakistani firms participating in CIFTIS, Special Technology Zone Authority (STZA), Pakistan International Airlines (PIA), NETSOL, ISBEI, National Bank of Pakistan, National Logistic Corporation (NLC), Fb Enterprises and other opened their booths to attract Chinese investors at CIFTIS, takes place in Beijing from September 2 to 6.$article$);

INSERT INTO forum (title, subtitle, held_on, city, summary, fair_name, fair_short_name, fair_starts_on, fair_ends_on, source_id)
SELECT
    jsonb_build_object('en', 'China-Pakistan Science, Technology and Innovation Cooperation'),
    jsonb_build_object('en', 'Shared Journey to a Digital Era'),
    '2023-09-05',
    jsonb_build_object('en', 'Beijing'),
    jsonb_build_object('en', 'The China-Pakistan Technology and Innovation Conference, aimed at developing science & technology bilateral cooperation between China and Pakistan, was held in Beijing, with this sideline forum at the China International Fair for Trade in Services (CIFTIS). Speakers from the Pakistan Embassy in Beijing and ZBRA China addressed it, two strategic cooperation agreements were signed, and top Pakistani firms opened their booths at CIFTIS to attract Chinese investors.'),
    jsonb_build_object('en', 'China International Fair for Trade in Services'),
    'CIFTIS',
    '2023-09-02',
    '2023-09-06',
    id
FROM sources WHERE slug = 'cen-2023-09-05';

INSERT INTO organisations (slug, name, short_name, country, kind, description, source_id)
SELECT o.slug, jsonb_build_object('en', o.name), o.short_name, o.country, o.kind,
       CASE WHEN o.description IS NULL THEN NULL ELSE jsonb_build_object('en', o.description) END,
       s.id
FROM sources s,
(VALUES
    ('pakistan-embassy-beijing', 'Pakistan Embassy in Beijing', NULL, 'PK', 'embassy', NULL),
    ('zbra', 'ZBRA China', 'ZBRA', 'CN', 'company', NULL),
    ('china-construction-huaxia', 'China Construction Huaxia (Beijing) Industrial Operation Company', NULL, 'CN', 'company', NULL),
    ('beijing-time-honored-brands-association', 'Beijing Time-Honored Brands Association', NULL, 'CN', 'association', NULL),
    ('stza', 'Special Technology Zone Authority', 'STZA', 'PK', 'government_authority',
        'Established by Pakistan to attract tech companies to set up R&D centers and manufacturing units in Pakistan.'),
    ('pia', 'Pakistan International Airlines', 'PIA', 'PK', 'company', NULL),
    ('netsol', 'NETSOL', NULL, 'PK', 'company', NULL),
    ('isbei', 'ISBEI', NULL, 'PK', 'company', NULL),
    ('national-bank-of-pakistan', 'National Bank of Pakistan', NULL, 'PK', 'company', NULL),
    ('nlc', 'National Logistic Corporation', 'NLC', 'PK', 'company', 'Pakistan’s largest logistics company.'),
    ('fb-enterprises', 'Fb Enterprises', NULL, 'PK', 'company', NULL)
) AS o (slug, name, short_name, country, kind, description)
WHERE s.slug = 'cen-2023-09-05';

INSERT INTO people (slug, name, role, organisation_id, position, source_id)
SELECT p.slug, jsonb_build_object('en', p.name), jsonb_build_object('en', p.role), org.id, p.position, s.id
FROM sources s,
(VALUES
    ('moin-ul-haque', 'Moin ul Haque', 'Pakistan Ambassador to China', 'pakistan-embassy-beijing', 1),
    ('ghulam-qadir', 'Ghulam Qadir', 'Commercial Councilor of Pakistan embassy Beijing', 'pakistan-embassy-beijing', 2),
    ('xiaodong-zhang', 'Xiaodong Zhang', 'President, ZBRA China', 'zbra', 3),
    ('khan-muhammad', 'Khan Muhammad', 'Science Counselor at Pakistan Embassy in Beijing', 'pakistan-embassy-beijing', 4)
) AS p (slug, name, role, organisation_slug, position)
JOIN organisations org ON org.slug = p.organisation_slug
WHERE s.slug = 'cen-2023-09-05';

INSERT INTO quotes (person_id, body, kind, position, source_id)
SELECT person.id, jsonb_build_object('en', q.body), q.kind, q.position, s.id
FROM sources s,
(VALUES
    ('moin-ul-haque', 'reported', 1,
     $q$China has become a global leader in science and technology and IT fields through strategic investments in AI, 5G, EVs, biotechnology, renewal energy, robotics, big data and e-commerce, adding that Pakistan would enhance technology cooperation.$q$),
    ('moin-ul-haque', 'direct', 2,
     $q$Pakistan itself is committed to its “Digital Pakistan” vision, tapping into its young and enterprising population. We are fostering startup culture and have established the Special Technology Zone Authority to attract tech companies to set up R&D centers and manufacturing units in Pakistan.

By offering lucrative tax incentives, we have seen a surge in our IT sector in recent years$q$),
    ('moin-ul-haque', 'reported', 3,
     $q$China and Pakistan had identified IT and science and technology cooperation blueprint under the CPEC framework. It was a conscious choice to organize this event on the sidelines of CIFTIS which has now become a world-renowned forum for services trade. As part of our broader economic partnership, we are focusing on fintech, IT, ecommerce and logistics. Pakistan’s largest logistics company NLC is participating in this conference today.$q$),
    ('moin-ul-haque', 'direct', 4,
     $q$We have also launched China-Pakistan Digital, Green, and Health Corridors to harness the potential of our two countries in these fields.

We are establishing linkages between our academic institutions, research organizations and IT companies for practical implementation of our vision and for going forward on a shared journey of digital era. In major milestone, we have recently set up China-Pakistan Joint Research Center on Earth Sciences$q$),
    ('ghulam-qadir', 'reported', 1,
     $q$briefed audience about current business opportunities between two countries.$q$),
    ('ghulam-qadir', 'direct', 2,
     $q$I invited all Chinese businessmen in IT sector to join us and enhance bilateral cooperation, and facilitate technology transfer to enable the development of Special Technology Zones across Pakistan$q$),
    ('xiaodong-zhang', 'reported', 1,
     $q$we should jointly Write a New Chapter in China-Pakistan Science and Technology Cooperation.$q$),
    ('xiaodong-zhang', 'reported', 2,
     $q$Pakistan and China are committed to developing a community with shared knowledge and Chinese expertises would enhance cooperation in future.$q$),
    ('khan-muhammad', 'reported', 1,
     $q$today event we signed different MOUs to support science and technology development.$q$),
    ('khan-muhammad', 'direct', 2,
     $q$Signing of Strategic Cooperation Agreement on establishing China Pakistan STI Center in China between ZBRA and China Construction Huaxia (Beijing) Industrial Operation Company and Strategic Cooperation Agreement between ZBRA Beijing Time-Honored Brands Association are signed to promote cooperation between China and Pakistan$q$)
) AS q (person_slug, kind, position, body)
JOIN people person ON person.slug = q.person_slug
WHERE s.slug = 'cen-2023-09-05';

INSERT INTO agreements (slug, title, kind, signed_on, description, establishes, announced_by_id, position, source_id)
SELECT a.slug, jsonb_build_object('en', a.title), jsonb_build_object('en', 'Strategic Cooperation Agreement'),
       '2023-09-05', jsonb_build_object('en', 'Signed at the forum to promote cooperation between China and Pakistan.'),
       CASE WHEN a.establishes IS NULL THEN NULL ELSE jsonb_build_object('en', a.establishes) END,
       announcer.id, a.position, s.id
FROM sources s,
(VALUES
    ('china-pakistan-sti-center', 'Strategic Cooperation Agreement on establishing China Pakistan STI Center in China', 'China Pakistan STI Center in China', 1),
    ('zbra-beijing-time-honored-brands', 'Strategic Cooperation Agreement between ZBRA and Beijing Time-Honored Brands Association', NULL, 2)
) AS a (slug, title, establishes, position)
JOIN people announcer ON announcer.slug = 'khan-muhammad'
WHERE s.slug = 'cen-2023-09-05';

INSERT INTO agreement_parties (agreement_id, organisation_id, position)
SELECT a.id, o.id, p.position
FROM (VALUES
    ('china-pakistan-sti-center', 'zbra', 1),
    ('china-pakistan-sti-center', 'china-construction-huaxia', 2),
    ('zbra-beijing-time-honored-brands', 'zbra', 1),
    ('zbra-beijing-time-honored-brands', 'beijing-time-honored-brands-association', 2)
) AS p (agreement_slug, organisation_slug, position)
JOIN agreements a ON a.slug = p.agreement_slug
JOIN organisations o ON o.slug = p.organisation_slug;

INSERT INTO booths (slug, organisation_id, note, position, source_id)
SELECT o.slug, o.id,
       jsonb_build_object('en', 'One of the top Pakistani firms participating in CIFTIS; opened its booth to attract Chinese investors.'),
       b.position, s.id
FROM sources s,
(VALUES ('stza', 1), ('pia', 2), ('netsol', 3), ('isbei', 4), ('national-bank-of-pakistan', 5), ('nlc', 6), ('fb-enterprises', 7))
    AS b (organisation_slug, position)
JOIN organisations o ON o.slug = b.organisation_slug
WHERE s.slug = 'cen-2023-09-05';

INSERT INTO initiatives (slug, name, description, mentioned_by_id, position, source_id)
SELECT i.slug, jsonb_build_object('en', i.name), jsonb_build_object('en', i.description), person.id, i.position, s.id
FROM sources s,
(VALUES
    ('digital-pakistan', 'Digital Pakistan', 'Pakistan’s vision, tapping into its young and enterprising population.', 'moin-ul-haque', 1),
    ('cpec-it-and-st-cooperation-blueprint', 'IT and science and technology cooperation blueprint under the CPEC framework',
        'Identified by China and Pakistan under the CPEC framework.', 'moin-ul-haque', 2),
    ('china-pakistan-digital-green-health-corridors', 'China-Pakistan Digital, Green, and Health Corridors',
        'Launched to harness the potential of the two countries in these fields.', 'moin-ul-haque', 3),
    ('china-pakistan-joint-research-center-on-earth-sciences', 'China-Pakistan Joint Research Center on Earth Sciences',
        'Recently set up; described by the ambassador as a major milestone.', 'moin-ul-haque', 4),
    ('special-technology-zones', 'Special Technology Zones',
        'Zones to be developed across Pakistan; Chinese businessmen in the IT sector were invited to facilitate technology transfer for them.', 'ghulam-qadir', 5)
) AS i (slug, name, description, person_slug, position)
JOIN people person ON person.slug = i.person_slug
WHERE s.slug = 'cen-2023-09-05';
