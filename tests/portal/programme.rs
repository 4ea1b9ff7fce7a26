//! The forum's programme (issue 14): items made in the admin with Beijing times and ordered
//! speakers, shown on the home page and the speakers' pages in Beijing time with the zone
//! named, exported to the calendar file as timed events in `Asia/Shanghai`, and absent
//! (no section) while there are none, as in the seed.

use reqwest::StatusCode;

use crate::helpers::{ADMIN_PASSWORD, Page, TestApp, location};

/// The three languages' path prefixes and how each names Beijing time.
const LANGUAGES: [(&str, &str); 3] = [
    ("", "Beijing time (UTC+8)"),
    ("/zh", "北京时间（UTC+8）"),
    ("/ur", "بیجنگ کے وقت (UTC+8)"),
];

/// A form's fields, as `(name, value)` pairs.
type Fields<'a> = &'a [(&'a str, &'a str)];

/// The address of `path` in the language at `prefix` (`/zh` is Chinese's home page).
fn at(prefix: &str, path: &str) -> String {
    if path == "/" && !prefix.is_empty() {
        prefix.to_owned()
    } else {
        format!("{prefix}{path}")
    }
}

/// Create a programme item through the admin's form as `admin` (logged in); its id.
/// `speakers` are people's ids in order.
async fn create_item(
    admin: &TestApp,
    fields: &[(&str, &str)],
    speakers: &[&str],
) -> reqwest::Response {
    let token = admin.csrf_token("/admin/programme_items/new").await;
    let mut pairs = vec![("csrf_token", token.as_str())];
    pairs.extend_from_slice(fields);
    pairs.extend(speakers.iter().map(|id| ("speakers", *id)));
    admin.post_form("/admin/programme_items/new", &pairs).await
}

/// The id in an admin entry's address (`/admin/programme_items/7`).
fn id_in(path: &str) -> i64 {
    path.rsplit('/').next().unwrap().parse().unwrap()
}

/// Put a realistic programme into a running test app through the admin: three published items
/// on the forum's day (5 September 2023, Beijing time), with speakers from the seed linked.
/// For the lead's gates and screenshots over pages that show the programme.
pub async fn furnish_programme(app: &TestApp) {
    let admin = app.other_client();
    admin.create_admin("programme@example.org").await;
    let response = admin.log_in("programme@example.org", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "login failed");
    let moin = app.id_of("people", "moin-ul-haque").await.to_string();
    let ghulam = app.id_of("people", "ghulam-qadir").await.to_string();
    let zhang = app.id_of("people", "xiaodong-zhang").await.to_string();
    let khan = app.id_of("people", "khan-muhammad").await.to_string();
    let items: [(Fields, Vec<&str>); 3] = [
        (
            &[
                ("title", "Opening remarks"),
                ("title.zh", "开幕致辞"),
                ("title.ur", "افتتاحی کلمات"),
                ("starts_at", "2023-09-05T09:30"),
                ("ends_at", "2023-09-05T10:00"),
                ("place", "Main hall"),
                ("place.zh", "主会场"),
                ("place.ur", "مرکزی ہال"),
                ("published", "on"),
            ],
            vec![moin.as_str(), zhang.as_str()],
        ),
        (
            &[
                ("title", "Digital cooperation between China and Pakistan"),
                ("title.zh", "中巴数字合作"),
                ("title.ur", "چین اور پاکستان کے درمیان ڈیجیٹل تعاون"),
                ("starts_at", "2023-09-05T10:00"),
                ("ends_at", "2023-09-05T11:15"),
                ("place", "Main hall"),
                ("place.zh", "主会场"),
                ("place.ur", "مرکزی ہال"),
                (
                    "description",
                    "Speeches on science, technology and innovation cooperation.",
                ),
                ("published", "on"),
            ],
            vec![ghulam.as_str(), khan.as_str()],
        ),
        (
            &[
                ("title", "Signing of the agreements"),
                ("title.zh", "合作协议签约"),
                ("title.ur", "معاہدوں پر دستخط"),
                ("starts_at", "2023-09-05T11:30"),
                ("ends_at", "2023-09-05T12:00"),
                ("published", "on"),
            ],
            vec![moin.as_str()],
        ),
    ];
    for (fields, speakers) in items {
        let response = create_item(&admin, fields, &speakers).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{fields:?}");
    }
    app.changes_heard().await;
}

#[tokio::test]
async fn the_seed_has_no_programme_and_no_page_shows_a_programme_section() {
    let app = TestApp::spawn().await;
    let items: i64 = sqlx::query_scalar("SELECT count(*) FROM programme_items")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(items, 0, "the report gives no times");
    for (prefix, _) in LANGUAGES {
        for path in ["/", "/speakers/moin-ul-haque"] {
            let page = app.page(&at(prefix, path), StatusCode::OK).await;
            assert_eq!(page.count(".programme-section"), 0, "{prefix}{path}");
            assert_eq!(page.count("#programme"), 0, "{prefix}{path}");
        }
    }
    let calendar = app.get("/forum.ics").await.text().await.unwrap();
    assert_eq!(
        calendar.matches("BEGIN:VEVENT").count(),
        2,
        "forum and fair"
    );
    assert!(!calendar.contains("DTSTART;TZID"));
}

#[tokio::test]
async fn an_item_entered_in_beijing_time_shows_in_beijing_time_in_every_language() {
    let app = TestApp::spawn_logged_in().await;
    let moin = app.id_of("people", "moin-ul-haque").await.to_string();
    let zhang = app.id_of("people", "xiaodong-zhang").await.to_string();
    let response = create_item(
        &app,
        &[
            ("title", "Opening remarks"),
            ("title.zh", "开幕致辞"),
            ("title.ur", "افتتاحی کلمات"),
            ("starts_at", "2023-09-05T09:30"),
            ("ends_at", "2023-09-05T10:15"),
            ("place", "Main hall"),
            ("published", "on"),
        ],
        &[&zhang, &moin],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let edit = location(&response);
    let id = id_in(&edit);

    // Stored as the instant: 09:30 in Beijing is 01:30 UTC.
    let (starts, ends): (String, String) = sqlx::query_as(
        "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                to_char(ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
         FROM programme_items WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (starts.as_str(), ends.as_str()),
        ("2023-09-05 01:30", "2023-09-05 02:15")
    );
    let speakers: Vec<i64> = sqlx::query_scalar(
        "SELECT person_id FROM programme_speakers WHERE item_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        speakers,
        [zhang.parse::<i64>().unwrap(), moin.parse::<i64>().unwrap()]
    );

    // The admin's form shows the same wall-clock times again, and says which zone they are in.
    let form = app.page(&edit, StatusCode::OK).await;
    assert_eq!(form.attrs("#field-starts_at", "type"), ["datetime-local"]);
    assert_eq!(
        form.attrs("#field-starts_at", "value"),
        ["2023-09-05T09:30"]
    );
    assert_eq!(form.attrs("#field-ends_at", "value"), ["2023-09-05T10:15"]);
    assert!(
        form.text("#field-starts_at-hint")
            .contains("Beijing time (UTC+8)")
    );
    assert_eq!(
        form.attrs("select[name=speakers] option[selected]", "value"),
        [zhang.clone(), moin.clone()]
    );

    app.changes_heard().await;
    for (prefix, zone) in LANGUAGES {
        let home = app.page(&at(prefix, "/"), StatusCode::OK).await;
        let section = "section.programme-section";
        assert_eq!(home.count(section), 1, "{prefix}/");
        assert!(
            home.text(&format!("{section} .programme-zone"))
                .contains(zone),
            "{prefix}/: the zone is named"
        );
        assert_eq!(
            home.text(&format!("{section} .programme-item__time")),
            "09:30–10:15",
            "{prefix}/"
        );
        assert_eq!(
            home.attrs(&format!("{section} .programme-item__time time"), "datetime"),
            ["2023-09-05T09:30:00+08:00", "2023-09-05T10:15:00+08:00"]
        );
        assert_eq!(
            home.attrs(&format!("{section} .programme-day time"), "datetime"),
            ["2023-09-05"]
        );
        let title = match prefix {
            "/zh" => "开幕致辞",
            "/ur" => "افتتاحی کلمات",
            _ => "Opening remarks",
        };
        assert_eq!(
            home.text(&format!("#programme-{id} .programme-item__title")),
            title
        );
        assert_eq!(
            home.attrs(
                &format!("#programme-{id} .programme-item__speakers a"),
                "href"
            ),
            [
                format!("{prefix}/speakers/xiaodong-zhang"),
                format!("{prefix}/speakers/moin-ul-haque")
            ]
        );
        for speaker in ["xiaodong-zhang", "moin-ul-haque"] {
            let page = app
                .page(&format!("{prefix}/speakers/{speaker}"), StatusCode::OK)
                .await;
            assert!(
                page.text(".programme-zone").contains(zone),
                "{prefix} {speaker}"
            );
            assert_eq!(page.text(".programme-item__time"), "09:30–10:15");
            assert_eq!(
                page.attrs(".programme-item__time time", "datetime"),
                ["2023-09-05T09:30:00+08:00", "2023-09-05T10:15:00+08:00"]
            );
            assert_eq!(
                page.attrs(".programme-item__title a", "href"),
                [format!("{}#programme-{id}", at(prefix, "/"))]
            );
        }
        // A speaker not in the item has no programme section.
        let other = app
            .page(&format!("{prefix}/speakers/ghulam-qadir"), StatusCode::OK)
            .await;
        assert_eq!(other.count(".programme-section"), 0);
    }

    // The forum's linked data has the item as a sub-event with its offset.
    let home = app.page("/", StatusCode::OK).await;
    let forum: serde_json::Value = home
        .texts("script[type='application/ld+json']")
        .iter()
        .map(|json| serde_json::from_str::<serde_json::Value>(json).unwrap())
        .find(|node| node["@type"] == "Event")
        .expect("the forum's Event");
    assert_eq!(forum["subEvent"].as_array().map(Vec::len), Some(1));
    let sub = &forum["subEvent"][0];
    assert_eq!(sub["startDate"], "2023-09-05T09:30:00+08:00");
    assert_eq!(sub["endDate"], "2023-09-05T10:15:00+08:00");
    assert_eq!(sub["name"], "Opening remarks");
    assert_eq!(sub["location"]["name"], "Main hall");
    assert_eq!(sub["performer"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn an_end_before_the_start_is_a_422_with_the_input_kept() {
    let app = TestApp::spawn_logged_in().await;
    for (starts, ends) in [
        ("2023-09-05T10:15", "2023-09-05T09:30"),
        ("2023-09-05T10:15", "2023-09-05T10:15"),
        ("2023-09-05T23:30", "2023-09-06T00:30"),
    ] {
        let response = create_item(
            &app,
            &[
                ("title", "Backwards"),
                ("starts_at", starts),
                ("ends_at", ends),
                ("published", "on"),
            ],
            &[],
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = Page::parse(&response.text().await.unwrap());
        assert_eq!(page.attrs(".error-summary a", "href"), ["#field-ends_at"]);
        assert!(
            page.text("#field-ends_at-error")
                .contains("after the start"),
            "{starts} {ends}"
        );
        assert_eq!(page.attrs("#field-starts_at", "value"), [starts], "kept");
        assert_eq!(page.attrs("#field-ends_at", "value"), [ends], "kept");
        assert_eq!(page.attrs("#field-title", "value"), ["Backwards"], "kept");
    }
    // Not a time at all: a clear error, not a 500.
    let response = create_item(
        &app,
        &[
            ("title", "Garbled"),
            ("starts_at", "half past nine"),
            ("ends_at", "2023-09-05T10:15"),
        ],
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&response.text().await.unwrap());
    assert!(page.text("#field-starts_at-error").contains("Beijing time"));
    assert_eq!(page.attrs("#field-starts_at", "value"), ["half past nine"]);
    let items: i64 = sqlx::query_scalar("SELECT count(*) FROM programme_items")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(items, 0, "nothing stored");
}

#[tokio::test]
async fn a_draft_item_is_not_shown_anywhere_public() {
    let app = TestApp::spawn_logged_in().await;
    let moin = app.id_of("people", "moin-ul-haque").await.to_string();
    let response = create_item(
        &app,
        &[
            ("title", "Not yet announced"),
            ("starts_at", "2023-09-05T14:00"),
            ("ends_at", "2023-09-05T15:00"),
        ],
        &[&moin],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    app.changes_heard().await;
    for (prefix, _) in LANGUAGES {
        for path in ["/", "/speakers/moin-ul-haque"] {
            let page = app.page(&at(prefix, path), StatusCode::OK).await;
            assert_eq!(page.count(".programme-section"), 0, "{prefix}{path}");
        }
    }
    let calendar = app.get("/forum.ics").await.text().await.unwrap();
    assert!(!calendar.contains("Not yet announced"));
    assert_eq!(calendar.matches("BEGIN:VEVENT").count(), 2);
}

#[tokio::test]
async fn the_calendar_has_each_published_item_at_its_beijing_time() {
    use icalendar::{CalendarDateTime, Component, DatePerhapsTime, EventLike};

    let app = TestApp::spawn().await;
    furnish_programme(&app).await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM programme_items ORDER BY starts_at")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(ids.len(), 3);
    let utc: String = sqlx::query_scalar(
        "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"')
         FROM programme_items WHERE id = $1",
    )
    .bind(ids[1])
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(utc, "20230905T020000Z", "10:00 in Beijing");

    for (prefix, title) in [
        ("", "Digital cooperation between China and Pakistan"),
        ("/zh", "中巴数字合作"),
        ("/ur", "چین اور پاکستان کے درمیان ڈیجیٹل تعاون"),
    ] {
        let response = app.get(&format!("{prefix}/forum.ics")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let raw = response.text().await.unwrap();
        for line in raw.trim_end_matches("\r\n").split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        let unfolded = icalendar::parser::unfold(&raw);
        let parsed = icalendar::parser::read_calendar(&unfolded).expect("a valid iCalendar");
        let calendar = icalendar::Calendar::from(parsed);
        let events: Vec<&icalendar::Event> = calendar
            .components
            .iter()
            .filter_map(|component| match component {
                icalendar::CalendarComponent::Event(event) => Some(event),
                _ => None,
            })
            .collect();
        assert_eq!(events.len(), 5, "forum, fair and three items");
        let uid = format!("-programme-{}", ids[1]);
        let item = events
            .iter()
            .find(|event| event.get_uid().is_some_and(|u| u.ends_with(&uid)))
            .expect("the item's event");
        assert_eq!(item.get_summary(), Some(title));
        let local = |value: Option<DatePerhapsTime>| match value {
            Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid })) => {
                (date_time.to_string(), tzid)
            }
            other => panic!("not a time in a zone: {other:?}"),
        };
        assert_eq!(
            local(item.get_start()),
            ("2023-09-05 10:00:00".to_owned(), "Asia/Shanghai".to_owned())
        );
        assert_eq!(
            local(item.get_end()),
            ("2023-09-05 11:15:00".to_owned(), "Asia/Shanghai".to_owned())
        );
        // The zone the calendar defines is UTC+8 (so 10:00 there is 02:00 UTC, as stored).
        let unfolded_lines: Vec<&str> = unfolded.lines().map(str::trim_end).collect();
        let zone = unfolded_lines
            .iter()
            .position(|line| *line == "TZID:Asia/Shanghai")
            .expect("a VTIMEZONE for Asia/Shanghai");
        assert!(unfolded_lines[zone..].contains(&"TZOFFSETTO:+0800"));
        let description = item.get_description().expect("DESCRIPTION");
        let code = match prefix {
            "" => "en",
            other => other.trim_start_matches('/'),
        };
        for speaker in ["ghulam-qadir", "khan-muhammad"] {
            let name: String = sqlx::query_scalar(
                "SELECT COALESCE(name->>$2, name->>'en') FROM people WHERE slug = $1",
            )
            .bind(speaker)
            .bind(code)
            .fetch_one(&app.db)
            .await
            .unwrap();
            assert!(
                description.contains(&name),
                "{prefix}: {name} in {description}"
            );
        }
        assert!(
            item.get_location()
                .is_some_and(|l| l.starts_with(match code {
                    "zh" => "主会场",
                    "ur" => "مرکزی ہال",
                    _ => "Main hall",
                })),
            "{prefix}: {:?}",
            item.get_location()
        );
        // The file is the same until the data changes.
        let again = app
            .get(&format!("{prefix}/forum.ics"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(again, raw);
    }
}

#[tokio::test]
async fn two_editors_changing_the_title_and_the_speakers_keep_both_edits() {
    let app = TestApp::spawn_logged_in().await;
    let moin = app.id_of("people", "moin-ul-haque").await.to_string();
    let zhang = app.id_of("people", "xiaodong-zhang").await.to_string();
    let ghulam = app.id_of("people", "ghulam-qadir").await.to_string();
    let response = create_item(
        &app,
        &[
            ("title", "Opening"),
            ("starts_at", "2023-09-05T09:30"),
            ("ends_at", "2023-09-05T10:00"),
            ("published", "on"),
        ],
        &[&moin],
    )
    .await;
    let path = location(&response);
    let id = id_in(&path);
    let other = app.other_client();
    other.create_admin("second@example.org").await;
    assert_eq!(
        other
            .log_in("second@example.org", ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // B opens the form; A renames the item; B (from the older form) changes the speakers.
    let stale: Vec<(String, String)> = other
        .form_values(&path)
        .await
        .into_iter()
        .filter(|(name, _)| name != "speakers")
        .collect();
    let fresh = app.form_values(&path).await;
    let response = app
        .post_changed(&path, &fresh, &[("title", "Opening remarks")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mut pairs = stale.clone();
    pairs.push(("speakers".to_owned(), zhang.clone()));
    pairs.push(("speakers".to_owned(), ghulam.clone()));
    let response = other.post_changed(&path, &pairs, &[]).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "merged, no conflict"
    );

    let title: String =
        sqlx::query_scalar("SELECT title->>'en' FROM programme_items WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(title, "Opening remarks", "A's edit kept");
    let speakers: Vec<String> = sqlx::query_scalar(
        "SELECT person_id::text FROM programme_speakers WHERE item_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(speakers, [zhang.clone(), ghulam.clone()], "B's edit kept");

    // Both changed the speakers differently: a conflict the editor decides, nothing lost.
    let stale: Vec<(String, String)> = other
        .form_values(&path)
        .await
        .into_iter()
        .filter(|(name, _)| name != "speakers")
        .collect();
    let fresh: Vec<(String, String)> = app
        .form_values(&path)
        .await
        .into_iter()
        .filter(|(name, _)| name != "speakers")
        .collect();
    let mut mine = fresh.clone();
    mine.push(("speakers".to_owned(), moin.clone()));
    assert_eq!(
        app.post_changed(&path, &mine, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let mut theirs = stale.clone();
    theirs.push(("speakers".to_owned(), ghulam.clone()));
    let response = other.post_changed(&path, &theirs, &[]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = Page::parse(&response.text().await.unwrap());
    assert_eq!(page.texts(".conflict tbody th"), ["Speakers"]);

    // History records the speakers with each version.
    let snapshots: Vec<serde_json::Value> = sqlx::query_scalar(
        "SELECT after -> 'speakers' FROM history
         WHERE entity = 'programme_items' AND entity_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let ids = |people: &[&String]| {
        serde_json::Value::from(
            people
                .iter()
                .map(|p| p.parse::<i64>().unwrap())
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        snapshots,
        [
            ids(&[&moin]),
            ids(&[&moin]),
            ids(&[&zhang, &ghulam]),
            ids(&[&moin])
        ],
        "created, renamed, B's speakers, A's speakers"
    );
    let history = app.page(&format!("{path}/history"), StatusCode::OK).await;
    let text = history.texts("main").join(" ");
    let name: String =
        sqlx::query_scalar("SELECT name->>'en' FROM people WHERE slug = 'xiaodong-zhang'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(text.contains("Speakers") && text.contains(&name), "{text}");
}
