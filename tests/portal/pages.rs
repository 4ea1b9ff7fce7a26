//! Every public page renders the report's facts, checked with CSS selectors.

use reqwest::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn home_shows_the_forum_its_numbers_and_initiatives() {
    let app = TestApp::spawn().await;
    let page = app.page("/", StatusCode::OK).await;

    assert_eq!(
        page.text("h1"),
        "China-Pakistan Science, Technology and Innovation Cooperation"
    );
    assert_eq!(
        page.text(".hero__subtitle"),
        "Shared Journey to a Digital Era"
    );
    let facts = page.texts(".facts dd");
    assert_eq!(facts[0], "5 September 2023");
    assert_eq!(facts[1], "Beijing");
    assert_eq!(
        facts[2],
        "China International Fair for Trade in Services (CIFTIS), 2–6 September 2023"
    );
    assert_eq!(page.attrs(".facts time", "datetime"), ["2023-09-05"]);

    assert_eq!(
        page.texts(".numbers a"),
        [
            "4 speakers named in the report",
            "11 organisations named in the report",
            "2 signed agreements named in the report",
            "7 exhibitors named in the report; others took part"
        ]
    );
    assert_eq!(
        page.attrs(".numbers a", "href"),
        ["/speakers", "/organisations", "/agreements", "/exhibitors"]
    );
    assert_eq!(
        page.texts(".initiatives h3"),
        [
            "Digital Pakistan",
            "IT and science and technology cooperation blueprint under the CPEC framework",
            "China-Pakistan Digital, Green, and Health Corridors",
            "China-Pakistan Joint Research Center on Earth Sciences",
            "Special Technology Zones",
        ]
    );
    assert_eq!(
        page.text(".source-note"),
        "Source: China Economic Net (CEN), 5 September 2023"
    );
}

#[tokio::test]
async fn speakers_list_every_person_with_their_exact_role() {
    let app = TestApp::spawn().await;
    let page = app.page("/speakers", StatusCode::OK).await;
    assert_eq!(
        page.texts(".card__title"),
        [
            "Moin ul Haque",
            "Ghulam Qadir",
            "Xiaodong Zhang",
            "Khan Muhammad"
        ]
    );
    let roles: Vec<String> = page.texts(".card p:nth-of-type(1)").into_iter().collect();
    assert_eq!(
        roles,
        [
            "Pakistan Ambassador to China",
            "Commercial Councilor of Pakistan embassy Beijing",
            "President, ZBRA China",
            "Science Counselor at Pakistan Embassy in Beijing",
        ]
    );
}

#[tokio::test]
async fn a_speaker_page_has_role_organisation_quotes_and_initiatives() {
    let app = TestApp::spawn().await;
    let page = app.page("/speakers/moin-ul-haque", StatusCode::OK).await;
    assert_eq!(page.text("h1"), "Moin ul Haque");
    assert_eq!(page.text("header .lead"), "Pakistan Ambassador to China");
    assert_eq!(
        page.attrs("article header a", "href"),
        ["/organisations/pakistan-embassy-beijing"]
    );
    assert_eq!(page.count(".quote"), 4);
    assert_eq!(page.count("blockquote.quote__body--direct"), 2);
    let direct = page.texts("blockquote.quote__body--direct");
    assert!(direct[0].starts_with("Pakistan itself is committed to its “Digital Pakistan” vision"));
    assert!(direct[0].ends_with("we have seen a surge in our IT sector in recent years"));
    assert_eq!(
        page.count(".quotes > li:nth-child(2) blockquote p"),
        2,
        "paragraphs kept"
    );
    assert_eq!(page.texts("#mentioned ~ ul a").len(), 4);
    assert!(
        page.texts("#announced").is_empty(),
        "the ambassador announced no agreement"
    );
}

#[tokio::test]
async fn the_science_counselor_announced_both_agreements() {
    let app = TestApp::spawn().await;
    let page = app.page("/speakers/khan-muhammad", StatusCode::OK).await;
    assert_eq!(
        page.attrs("#announced ~ ul a", "href"),
        [
            "/agreements/china-pakistan-sti-center",
            "/agreements/zbra-beijing-time-honored-brands"
        ]
    );
}

#[tokio::test]
async fn organisations_are_grouped_by_country_and_kind_and_filterable() {
    let app = TestApp::spawn().await;
    let page = app.page("/organisations", StatusCode::OK).await;
    assert_eq!(page.count(".card"), 11);
    assert_eq!(page.texts("main h2"), ["China", "Pakistan"]);
    assert!(
        page.texts(".card__title")
            .contains(&"National Logistic Corporation (NLC)".to_owned())
    );

    let pakistan = app.page("/organisations?country=pk", StatusCode::OK).await;
    assert_eq!(pakistan.count(".card"), 8);
    assert_eq!(
        pakistan.attrs("#filter-country option[selected]", "value"),
        ["pk"]
    );

    let associations = app
        .page("/organisations?country=&kind=association", StatusCode::OK)
        .await;
    assert_eq!(
        associations.texts(".card__title"),
        ["Beijing Time-Honored Brands Association"]
    );

    let none = app
        .page("/organisations?country=cn&kind=embassy", StatusCode::OK)
        .await;
    assert_eq!(none.count(".card"), 0);
    assert!(
        none.text("main")
            .contains("No organisations match this filter")
    );
}

#[tokio::test]
async fn an_organisation_page_links_its_people_agreements_and_booth() {
    let app = TestApp::spawn().await;
    let zbra = app.page("/organisations/zbra", StatusCode::OK).await;
    assert_eq!(zbra.text("h1"), "ZBRA China");
    assert_eq!(
        zbra.attrs("#people ~ ul a", "href"),
        ["/speakers/xiaodong-zhang"]
    );
    assert_eq!(zbra.count("#agreements ~ ul > li"), 2);
    assert_eq!(zbra.count("#booth"), 0, "the report lists no ZBRA booth");

    let nlc = app.page("/organisations/nlc", StatusCode::OK).await;
    assert_eq!(nlc.text("h1"), "National Logistic Corporation (NLC)");
    assert_eq!(nlc.text("header .lead"), "Company, Pakistan");
    assert!(
        nlc.text("article")
            .contains("Pakistan’s largest logistics company.")
    );
    assert_eq!(nlc.attrs("#booth ~ p a", "href"), ["/exhibitors/nlc"]);

    let embassy = app
        .page("/organisations/pakistan-embassy-beijing", StatusCode::OK)
        .await;
    assert_eq!(
        embassy.attrs("#people ~ ul a", "href"),
        [
            "/speakers/moin-ul-haque",
            "/speakers/ghulam-qadir",
            "/speakers/khan-muhammad"
        ]
    );
}

#[tokio::test]
async fn agreements_name_both_parties_the_date_and_who_announced_them() {
    let app = TestApp::spawn().await;
    let list = app.page("/agreements", StatusCode::OK).await;
    assert_eq!(
        list.texts(".card__title"),
        [
            "Strategic Cooperation Agreement on establishing China Pakistan STI Center in China",
            "Strategic Cooperation Agreement between ZBRA and Beijing Time-Honored Brands Association",
        ]
    );

    let page = app
        .page("/agreements/china-pakistan-sti-center", StatusCode::OK)
        .await;
    assert_eq!(
        page.attrs(".details ul a", "href"),
        [
            "/organisations/zbra",
            "/organisations/china-construction-huaxia"
        ]
    );
    let details = page.texts(".details dd");
    assert_eq!(details[1], "5 September 2023");
    assert_eq!(details[2], "Khan Muhammad");
    assert_eq!(details[3], "China Pakistan STI Center in China");

    let second = app
        .page(
            "/agreements/zbra-beijing-time-honored-brands",
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        second.attrs(".details ul a", "href"),
        [
            "/organisations/zbra",
            "/organisations/beijing-time-honored-brands-association"
        ]
    );
}

#[tokio::test]
async fn exhibitors_are_the_seven_booths_the_report_lists_with_no_invented_numbers() {
    let app = TestApp::spawn().await;
    let list = app.page("/exhibitors", StatusCode::OK).await;
    assert_eq!(
        list.texts(".card__title"),
        [
            "Special Technology Zone Authority (STZA)",
            "Pakistan International Airlines (PIA)",
            "NETSOL",
            "ISBEI",
            "National Bank of Pakistan",
            "National Logistic Corporation (NLC)",
            "Fb Enterprises",
        ]
    );
    assert!(
        list.texts(".card .muted")
            .iter()
            .all(|t| t == "The report gives no booth number")
    );

    let page = app.page("/exhibitors/fb-enterprises", StatusCode::OK).await;
    assert_eq!(
        page.attrs(".details a", "href"),
        ["/organisations/fb-enterprises"]
    );
    assert_eq!(
        page.texts(".details dd")[1..],
        [
            "The report gives no booth number",
            "The report gives no hall"
        ]
    );
}

#[tokio::test]
async fn seeded_quotes_are_word_for_word_from_the_report() {
    let app = TestApp::spawn().await;
    let misquoted: Vec<String> = sqlx::query_scalar(
        "SELECT q.body->>'en' FROM quotes q JOIN sources s ON s.id = q.source_id
         WHERE strpos(s.body, q.body->>'en') = 0",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(misquoted.is_empty(), "not in the report: {misquoted:?}");
    let quotes: i64 = sqlx::query_scalar("SELECT count(*) FROM quotes")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(quotes, 10);

    let misnamed: Vec<String> = sqlx::query_scalar(
        "SELECT name->>'en' FROM people p JOIN sources s ON s.id = p.source_id WHERE strpos(s.body, p.name->>'en') = 0
         UNION ALL
         SELECT name->>'en' FROM organisations o JOIN sources s ON s.id = o.source_id
          WHERE strpos(s.body, o.name->>'en') = 0",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(
        misnamed.is_empty(),
        "names not spelled as in the report: {misnamed:?}"
    );
}

#[tokio::test]
async fn the_seed_invents_nothing_the_report_does_not_say() {
    let app = TestApp::spawn().await;
    let invented: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM booths WHERE booth_label IS NOT NULL OR hall IS NOT NULL)
              + (SELECT count(*) FROM organisations WHERE website IS NOT NULL)
              + (SELECT count(*) FROM people WHERE bio IS NOT NULL OR photo_url IS NOT NULL)
              + (SELECT count(*) FROM sources WHERE url IS NOT NULL)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(invented, 0);
    let unsourced: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM organisations WHERE source_id IS NULL)
              + (SELECT count(*) FROM people WHERE source_id IS NULL)
              + (SELECT count(*) FROM quotes WHERE source_id IS NULL)
              + (SELECT count(*) FROM agreements WHERE source_id IS NULL)
              + (SELECT count(*) FROM booths WHERE source_id IS NULL)
              + (SELECT count(*) FROM initiatives WHERE source_id IS NULL)
              + (SELECT count(*) FROM forum WHERE source_id IS NULL)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(unsourced, 0, "every seeded fact records its source");
}

#[tokio::test]
async fn drafts_are_hidden_from_visitors_everywhere() {
    let app = TestApp::spawn().await;
    sqlx::query("UPDATE people SET published = false WHERE slug = 'xiaodong-zhang'")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE organisations SET published = false WHERE slug = 'china-construction-huaxia'",
    )
    .execute(&app.db)
    .await
    .unwrap();

    app.page("/speakers/xiaodong-zhang", StatusCode::NOT_FOUND)
        .await;
    app.page(
        "/organisations/china-construction-huaxia",
        StatusCode::NOT_FOUND,
    )
    .await;
    let speakers = app.page("/speakers", StatusCode::OK).await;
    assert!(
        !speakers
            .texts(".card__title")
            .contains(&"Xiaodong Zhang".to_owned())
    );
    let zbra = app.page("/organisations/zbra", StatusCode::OK).await;
    assert_eq!(zbra.count("#people"), 0);
    let agreement = app
        .page("/agreements/china-pakistan-sti-center", StatusCode::OK)
        .await;
    assert_eq!(
        agreement.attrs(".details ul a", "href"),
        ["/organisations/zbra"]
    );
    let home = app.page("/", StatusCode::OK).await;
    assert_eq!(
        home.texts(".numbers a")[..2],
        [
            "3 speakers named in the report",
            "10 organisations named in the report"
        ]
    );
}
