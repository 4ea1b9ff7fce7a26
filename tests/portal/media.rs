//! Uploads (issue 14): photos, logos, documents and forum pictures — accepted kinds round-trip
//! re-encoded and without metadata, refused kinds store nothing and say why, pages show the
//! picture (srcset, width, height, alt) or a designed placeholder.

use std::io::Cursor;

use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};
use reqwest::StatusCode;

use crate::helpers::{Page, TestApp, content_type, location};

const ALT: [(&str, &str); 3] = [
    ("alt_en", "Moin ul Haque at the lectern"),
    ("alt_zh", "Moin ul Haque 在讲台上"),
    ("alt_ur", "معین الحق روسٹرم پر"),
];

/// A PNG of `width`×`height` with a colour gradient (so it compresses like a photo, a little).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbaImage::from_fn(width, height, |x, y| {
        Rgba([
            (x * 255 / width.max(1)) as u8,
            (y * 255 / height.max(1)) as u8,
            ((x ^ y) & 0xff) as u8,
            255,
        ])
    });
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            image.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgba8,
        )
        .unwrap();
    out
}

/// A JPEG of `width`×`height` whose EXIF block says "rotate 90°" (orientation 6) and holds a
/// GPS position.
fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, _| Rgb([(x * 5) as u8, 90, 160]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&image)
        .unwrap();
    // TIFF (little endian): IFD0 with Orientation = 6 and a GPS IFD pointer; the GPS IFD with
    // GPSLatitudeRef = "N".
    let mut tiff: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(tiff.len(), 38);
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let mut app1 = vec![0xff, 0xe1];
    app1.extend_from_slice(&u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A tiny PNG that declares 50000×50000 pixels (10 GB once decoded).
fn decompression_bomb() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    // A zlib stream of a few zero bytes (the rest would inflate from nothing).
    chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01],
    );
    chunk(b"IEND", &[]);
    out
}

/// A one-page PDF; `catalog_extra` goes into its catalogue.
pub fn pdf(catalog_extra: &str) -> Vec<u8> {
    let objects = [
        format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>"),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", index + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// POST a multipart form as a browser does, with `file` as (file name, type, bytes).
pub async fn post_multipart(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> reqwest::Response {
    const BOUNDARY: &str = "----portal-media-boundary-41c9";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    if let Some((filename, kind, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {kind}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    app.client
        .post(app.url(path))
        .header("origin", format!("http://{}", app.addr))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("request failed")
}

/// Upload a photo for person `id` (or a logo for an organisation) with the alt texts.
async fn upload_picture(
    app: &TestApp,
    entity: &str,
    id: i64,
    alt: &[(&str, &str)],
    file: (&str, &str, &[u8]),
) -> reqwest::Response {
    let path = format!("/admin/{entity}/{id}/media");
    let token = app.csrf_token(&path).await;
    let mut fields = vec![("csrf_token", token.as_str()), ("slot", "picture")];
    fields.extend_from_slice(alt);
    post_multipart(app, &path, &fields, Some(file)).await
}

async fn media_rows(app: &TestApp) -> (i64, i64) {
    sqlx::query_as("SELECT (SELECT count(*) FROM media), (SELECT count(*) FROM media_files)")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_photo_round_trips_upright_and_without_metadata() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("people", "moin-ul-haque").await;
    let upload = jpeg_with_gps(400, 200);
    let response =
        upload_picture(&app, "people", id, &ALT, ("me.jpg", "image/jpeg", &upload)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("/admin/people/{id}/media"));

    // Stored upright (EXIF orientation 6 turns 400×200 into 200×400), at the widths pages use.
    let (width, height, widths): (i32, i32, Vec<i32>) =
        sqlx::query_as("SELECT m.width, m.height, m.widths FROM people p JOIN media m ON m.id = p.photo_id WHERE p.id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((width, height), (200, 400));
    assert_eq!(widths, vec![128, 200]);

    app.changes_heard().await;
    let page = app.page("/speakers/moin-ul-haque", StatusCode::OK).await;
    let img = "header picture img";
    assert_eq!(page.attrs(img, "alt"), vec![ALT[0].1]);
    assert_eq!(page.attrs(img, "width"), vec!["128"]);
    assert_eq!(page.attrs(img, "height"), vec!["256"]);
    let srcset = page.attrs("header picture source[type='image/webp']", "srcset");
    assert_eq!(srcset.len(), 1);
    assert!(
        srcset[0].contains("-128.webp 128w") && srcset[0].contains("-200.webp 200w"),
        "{srcset:?}"
    );
    assert_eq!(page.count("header .media-monogram"), 0);
    let zh = app.page("/zh/speakers/moin-ul-haque", StatusCode::OK).await;
    assert_eq!(zh.attrs(img, "alt"), vec![ALT[1].1]);
    let list = app.page("/speakers", StatusCode::OK).await;
    assert_eq!(list.attrs(".card picture img", "alt"), vec![ALT[0].1]);

    // The files: re-encoded, no EXIF or GPS left, cached for ever under their content's name.
    let src = page.attrs(img, "src").remove(0);
    let response = app.get(&src).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(content_type(&response), "image/jpeg");
    let headers = response.headers().clone();
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let body = response.bytes().await.unwrap();
    assert!(
        !contains(&body, b"Exif") && !contains(&body, &[0xff, 0xe1]),
        "EXIF kept"
    );
    let decoded = image::load_from_memory(&body).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (128, 256));
    let again = app
        .client
        .get(app.url(&src))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let webp = srcset[0].split(' ').next().unwrap().to_owned();
    let response = app.get(&webp).await;
    assert_eq!(content_type(&response), "image/webp");
    let body = response.bytes().await.unwrap();
    assert!(!contains(&body, b"EXIF") && !contains(&body, b"Exif"));
    let decoded = image::load_from_memory_with_format(&body, image::ImageFormat::WebP).unwrap();
    assert_eq!(decoded.width(), 128);
    assert_eq!(
        app.get("/media/0000000000000000-128.jpg").await.status(),
        StatusCode::NOT_FOUND
    );

    // History says the photo changed; removing it is an edit too, and the page falls back to
    // the initials.
    let history = app
        .page(&format!("/admin/people/{id}/history"), StatusCode::OK)
        .await;
    assert!(
        history.html.html().contains("Photo"),
        "history does not name the photo"
    );
    let token = app.csrf_token(&format!("/admin/people/{id}/media")).await;
    let response = app
        .post_form(
            &format!("/admin/people/{id}/media/remove"),
            &[("csrf_token", &token), ("slot", "picture")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let photo: Option<i64> = sqlx::query_scalar("SELECT photo_id FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(photo, None);
    let changes: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM history WHERE entity = 'people' AND entity_id = $1 AND action = 'update'
           AND before->'photo_id' IS DISTINCT FROM after->'photo_id'",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(changes, 2, "upload and removal are both in history");
    app.changes_heard().await;
    let page = app.page("/speakers/moin-ul-haque", StatusCode::OK).await;
    assert_eq!(page.count("header picture"), 0);
    assert_eq!(
        page.attrs("header .media-monogram", "data-monogram"),
        vec!["MH"]
    );
}

#[tokio::test]
async fn refused_files_say_why_keep_the_form_and_store_nothing() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("people", "moin-ul-haque").await;
    let mut truncated = png(64, 64);
    truncated.truncate(truncated.len() / 2);
    let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
    elf.extend_from_slice(&[0u8; 400]);
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>"#.to_vec();
    let mut oversize = png(8, 8);
    oversize.resize(10 * 1024 * 1024 + 1, 0);
    let cases: [(&str, &str, Vec<u8>, &str); 5] = [
        ("logo.svg", "image/svg+xml", svg, "not a PNG, JPEG or WebP"),
        ("photo.jpg", "image/jpeg", elf, "not a PNG, JPEG or WebP"),
        ("photo.png", "image/png", truncated, "incomplete or damaged"),
        ("photo.png", "image/png", oversize, "larger than 10 MB"),
        ("photo.png", "image/png", decompression_bomb(), "too large"),
    ];
    for (filename, kind, bytes, message) in cases {
        let response = upload_picture(&app, "people", id, &ALT, (filename, kind, &bytes)).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{filename} {message}"
        );
        let page = Page::parse(&response.text().await.unwrap());
        let error = page.text(".error-summary");
        assert!(error.contains(message), "{filename}: {error}");
        assert_eq!(
            page.attrs("input[name=alt_zh][id^=alt-picture]", "value"),
            vec![ALT[1].1],
            "the form keeps what was typed"
        );
        assert_eq!(
            media_rows(&app).await,
            (0, 0),
            "{filename} stored something"
        );
    }
    // A picture without its Urdu alt text is refused before it is looked at.
    let response = upload_picture(
        &app,
        "people",
        id,
        &ALT[..2],
        ("p.png", "image/png", &png(64, 64)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&response.text().await.unwrap());
    assert!(
        page.text(".error-summary")
            .contains("English, Chinese and Urdu")
    );
    assert_eq!(media_rows(&app).await, (0, 0));
    let photo: Option<i64> = sqlx::query_scalar("SELECT photo_id FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(photo, None);
    // Other forms keep their small limit.
    let token = app.csrf_token("/admin/people/new").await;
    let big = "x".repeat(200 * 1024);
    let response = app
        .post_form(
            "/admin/people/new",
            &[("csrf_token", &token), ("slug", &big)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn signed_documents_download_as_pdf_and_scripted_pdfs_are_refused() {
    let app = TestApp::spawn_logged_in().await;
    let (id, slug): (i64, String) = sqlx::query_as(
        "SELECT id, slug::text FROM agreements WHERE published ORDER BY position, id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let path = format!("/admin/agreements/{id}/media");
    let document = pdf("");
    let token = app.csrf_token(&path).await;
    let response = post_multipart(
        &app,
        &path,
        &[("csrf_token", &token), ("slot", "zh")],
        Some(("协议.pdf", "application/pdf", &document)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    app.changes_heard().await;
    let page = app
        .page(&format!("/agreements/{slug}"), StatusCode::OK)
        .await;
    let links = page.attrs(".media-documents a", "href");
    assert_eq!(links.len(), 1);
    assert!(
        page.text(".media-documents li")
            .contains("Signed document in Chinese")
    );
    assert!(page.text(".media-documents li").contains("PDF, 1 KB"));
    let response = app.get(&links[0]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(content_type(&response), "application/pdf");
    let headers = response.headers().clone();
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"{slug}-zh.pdf\"; filename*=UTF-8''{slug}-zh.pdf").as_str()
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("sandbox")
    );
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        document.as_slice()
    );

    let before = media_rows(&app).await;
    for (bad, message) in [
        (
            pdf("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"),
            "JavaScript",
        ),
        (
            pdf("/AA << /O << /S /Launch /F (calc.exe) >> >>"),
            "JavaScript",
        ),
        (b"%PDF-1.4\nnot really".to_vec(), "not a PDF"),
        (png(10, 10), "not a PDF"),
    ] {
        let token = app.csrf_token(&path).await;
        let response = post_multipart(
            &app,
            &path,
            &[("csrf_token", &token), ("slot", "en")],
            Some(("doc.pdf", "application/pdf", &bad)),
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{message}"
        );
        let page = Page::parse(&response.text().await.unwrap());
        assert!(page.text(".error-summary").contains(message), "{message}");
        assert_eq!(media_rows(&app).await, before);
    }
}

#[tokio::test]
async fn pages_without_pictures_show_monograms_and_no_image_requests() {
    let app = TestApp::spawn().await;
    for (path, cards) in [
        ("/speakers", ".card"),
        ("/organisations", ".card"),
        ("/exhibitors", ".card"),
    ] {
        let page = app.page(path, StatusCode::OK).await;
        let count = page.count(cards);
        assert!(count > 0, "{path}");
        assert_eq!(page.count(".card > .media-monogram"), count, "{path}");
        assert_eq!(page.count("img"), 0, "{path}");
        assert!(
            page.attrs(".card > .media-monogram", "data-monogram")
                .iter()
                .all(|t| !t.is_empty()),
            "{path}"
        );
    }
    let home = app.page("/", StatusCode::OK).await;
    assert_eq!(home.count(".media-gallery"), 0);
    let organisation = app.page("/ur/organisations", StatusCode::OK).await;
    assert_eq!(organisation.count("picture"), 0);
}

#[tokio::test]
async fn forum_pictures_show_on_the_home_page_with_captions() {
    let app = TestApp::spawn_logged_in().await;
    let token = app.csrf_token("/admin/forum-pictures").await;
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend_from_slice(&[
        ("alt_en", "Delegates sign the agreements on stage"),
        ("alt_zh", "代表们在台上签署协议"),
        ("alt_ur", "مندوبین اسٹیج پر معاہدوں پر دستخط کر رہے ہیں"),
        ("caption_en", "The signing"),
        ("caption_zh", "签约仪式"),
        ("caption_ur", "دستخط کی تقریب"),
    ]);
    let file = png(1200, 800);
    let response = post_multipart(
        &app,
        "/admin/forum-pictures",
        &fields,
        Some(("s.png", "image/png", &file)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    app.changes_heard().await;
    let home = app.page("/", StatusCode::OK).await;
    assert_eq!(home.texts(".media-gallery figcaption"), vec!["The signing"]);
    let img = ".media-gallery img";
    assert_eq!(home.attrs(img, "width"), vec!["480"]);
    assert_eq!(home.attrs(img, "height"), vec!["320"]);
    let srcset = home.attrs(".media-gallery source", "srcset").remove(0);
    assert!(
        srcset.contains("-480.webp 480w")
            && srcset.contains("-960.webp 960w")
            && srcset.contains("-1200.webp 1200w"),
        "{srcset}"
    );
    let ur = app.page("/ur", StatusCode::OK).await;
    assert_eq!(
        ur.texts(".media-gallery figcaption"),
        vec!["دستخط کی تقریب"]
    );

    let id: i64 = sqlx::query_scalar("SELECT id FROM forum_pictures")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let token = app.csrf_token("/admin/forum-pictures").await;
    let response = app
        .post_form(
            &format!("/admin/forum-pictures/{id}/remove"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    app.changes_heard().await;
    assert_eq!(
        app.page("/", StatusCode::OK).await.count(".media-gallery"),
        0
    );
    let deleted: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM history WHERE entity = 'forum_pictures' AND entity_id = $1 AND action = 'delete'",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(deleted, 1);
}

/// Put realistic uploads into a running test app, as an admin would (for the gates and
/// screenshots): photos of the first three speakers, logos of the first three organisations
/// with a booth, a signed document in English and Chinese for the first agreement, and two
/// pictures of the forum with captions.
pub async fn furnish_media(app: &TestApp) {
    use forum_portal::db::media;
    use forum_portal::domain::LocalizedText;
    use forum_portal::i18n::Lang;
    use forum_portal::media::picture::{Purpose, process};

    let text = |en: &str, zh: &str, ur: &str| {
        LocalizedText::english(en)
            .with(Lang::Zh, zh, false)
            .with(Lang::Ur, ur, false)
    };
    let mut tx = app.db.begin().await.unwrap();
    let people: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, name->>'en' FROM people WHERE published ORDER BY position, id LIMIT 3",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    for (index, (id, name)) in people.into_iter().enumerate() {
        let picture = process(&portrait(index as u32), Purpose::Portrait).unwrap();
        let alt = text(
            &format!("Portrait of {name}"),
            &format!("{name} 的肖像"),
            &format!("{name} کی تصویر"),
        );
        let media_id = media::insert_image(&mut tx, &picture, &alt, None)
            .await
            .unwrap();
        media::attach(&mut tx, media::Slot::Photo, id, Some(media_id))
            .await
            .unwrap();
    }
    let organisations: Vec<(i64, String)> = sqlx::query_as(
        "SELECT o.id, o.name->>'en' FROM organisations o JOIN booths b ON b.organisation_id = o.id
          WHERE o.published ORDER BY b.position, o.id LIMIT 3",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    for (index, (id, name)) in organisations.into_iter().enumerate() {
        let picture = process(&png_logo(index as u32), Purpose::Portrait).unwrap();
        let alt = text(
            &format!("Logo of {name}"),
            &format!("{name} 的标志"),
            &format!("{name} کا لوگو"),
        );
        let media_id = media::insert_image(&mut tx, &picture, &alt, None)
            .await
            .unwrap();
        media::attach(&mut tx, media::Slot::Logo, id, Some(media_id))
            .await
            .unwrap();
    }
    let (agreement, slug): (i64, String) = sqlx::query_as(
        "SELECT id, slug::text FROM agreements WHERE published ORDER BY position, id LIMIT 1",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    for lang in [Lang::En, Lang::Zh] {
        let body = pdf("");
        let checked = forum_portal::media::pdf::check(&body).unwrap();
        let filename = format!("{slug}-{}.pdf", lang.code());
        let media_id = media::insert_document(&mut tx, &checked, &body, &filename, None)
            .await
            .unwrap();
        media::attach(
            &mut tx,
            media::Slot::Document(lang),
            agreement,
            Some(media_id),
        )
        .await
        .unwrap();
    }
    for (index, (caption, alt)) in [
        (
            text(
                "The signing of the agreements",
                "协议签署仪式",
                "معاہدوں پر دستخط کی تقریب",
            ),
            text(
                "Delegates sign documents at a long table",
                "代表们在长桌前签署文件",
                "مندوبین ایک لمبی میز پر دستاویزات پر دستخط کر رہے ہیں",
            ),
        ),
        (
            text("The forum's hall", "论坛会场", "فورم کا ہال"),
            text(
                "A full conference hall facing the stage",
                "座无虚席的会场面向舞台",
                "اسٹیج کی طرف رخ کیے بھرا ہوا کانفرنس ہال",
            ),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let picture = process(&landscape(index as u32), Purpose::Gallery).unwrap();
        let media_id = media::insert_image(&mut tx, &picture, &alt, None)
            .await
            .unwrap();
        media::add_forum_picture(&mut tx, media_id, Some(&caption))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    app.changes_heard().await;
}

/// A square "photo": a soft gradient with a round head-and-shoulders shape.
fn portrait(seed: u32) -> Vec<u8> {
    let size = 600u32;
    let image = RgbImage::from_fn(size, size, |x, y| {
        let (cx, cy) = (x as i64 - 300, y as i64 - 240);
        let head = cx * cx + cy * cy < 110 * 110;
        let body = y > 380 && (x as i64 - 300).abs() < 220 - (600 - y as i64) / 4;
        if head || body {
            Rgb([60 + (seed * 40) as u8, 70, 90])
        } else {
            Rgb([
                (180 + seed * 20) as u8,
                (200 - y / 6) as u8,
                (210 - x / 8) as u8,
            ])
        }
    });
    encode_png_rgb(&image)
}

/// A logo: a coloured square with a white bar.
fn png_logo(seed: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(400, 400, |x, y| {
        if (150..250).contains(&y) && (60..340).contains(&x) {
            Rgb([255, 255, 255])
        } else {
            Rgb([(20 + seed * 70) as u8, 110, (160 - seed * 40) as u8])
        }
    });
    encode_png_rgb(&image)
}

/// A wide "photo" of a hall.
fn landscape(seed: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(1600, 1000, |x, y| {
        Rgb([
            (x / 8) as u8,
            (120 + seed * 40 + y / 10) as u8 / 2,
            (200 - y / 6) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut out), 85)
        .encode_image(&image)
        .unwrap();
    out
}

fn encode_png_rgb(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

#[tokio::test]
async fn furnished_pages_show_every_kind_of_upload() {
    let app = TestApp::spawn().await;
    furnish_media(&app).await;
    let speakers = app.page("/speakers", StatusCode::OK).await;
    assert_eq!(speakers.count(".card picture"), 3);
    let exhibitors = app.page("/zh/exhibitors", StatusCode::OK).await;
    assert_eq!(exhibitors.count(".card picture"), 3);
    assert!(
        exhibitors
            .attrs(".card picture img", "alt")
            .iter()
            .all(|alt| alt.ends_with("的标志"))
    );
    let home = app.page("/", StatusCode::OK).await;
    assert_eq!(home.count(".media-gallery figure"), 2);
}

/// In a real browser: choose a file in the upload form (WebDriver types its path into the file
/// input), fill in the alt texts, upload; the page then shows the picture.
#[tokio::test]
async fn an_admin_uploads_a_logo_in_the_browser() {
    let Some(browser) = crate::chrome::Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_admin("admin@example.org").await;
    browser.log_in(&app, "admin@example.org").await;
    let id = app.id_of("organisations", "zbra").await;
    let file = tempfile::Builder::new().suffix(".png").tempfile().unwrap();
    std::fs::write(file.path(), png(300, 300)).unwrap();

    browser
        .goto(&app.url(&format!("/admin/organisations/{id}")))
        .await;
    browser
        .click(&format!("a[href='/admin/organisations/{id}/media']"))
        .await;
    browser.wait_for("form.media-upload").await;
    let input = browser
        .client()
        .find(fantoccini::Locator::Css("#file-picture"))
        .await
        .unwrap();
    input
        .send_keys(&file.path().display().to_string())
        .await
        .unwrap();
    browser.set_field("#alt-picture-en", "The ZBRA logo").await;
    browser.set_field("#alt-picture-zh", "ZBRA 标志").await;
    browser.set_field("#alt-picture-ur", "ZBRA کا لوگو").await;
    browser.click("form.media-upload button[type=submit]").await;
    browser.wait_for(".flash").await;
    browser.wait_for(".media-current picture img").await;
    assert_eq!(
        browser.path().await,
        format!("/admin/organisations/{id}/media")
    );
    let logo: Option<i64> = sqlx::query_scalar("SELECT logo_id FROM organisations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(logo.is_some());
    browser.close().await;
}

#[tokio::test]
async fn only_multipart_uploads_get_the_large_body_limit() {
    let app = TestApp::spawn().await;
    let id = app.id_of("people", "moin-ul-haque").await;
    let path = format!("/admin/people/{id}/media");
    // An anonymous URL-encoded form of 1 MB to an upload route: refused by size, as on any
    // other route, before anything is read or any login is checked.
    let body = format!("csrf_token=x&slot={}", "x".repeat(1024 * 1024));
    let response = app
        .client
        .post(app.url(&path))
        .header("origin", format!("http://{}", app.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Just over the normal 64 KiB limit is refused too.
    let body = format!("csrf_token=x&slot={}", "x".repeat(64 * 1024));
    let response = app
        .client
        .post(app.url("/admin/forum-pictures"))
        .header("origin", format!("http://{}", app.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Another content type is held to the normal limit as well.
    let response = app
        .client
        .post(app.url(&path))
        .header("origin", format!("http://{}", app.addr))
        .header("content-type", "text/plain")
        .body(vec![b'x'; 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn pdfs_that_act_when_opened_are_refused() {
    let app = TestApp::spawn_logged_in().await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM agreements ORDER BY position, id LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let path = format!("/admin/agreements/{id}/media");
    let send = |bytes: Vec<u8>| {
        let (app, path) = (&app, &path);
        async move {
            let token = app.csrf_token(path).await;
            post_multipart(
                app,
                path,
                &[("csrf_token", &token), ("slot", "en")],
                Some(("doc.pdf", "application/pdf", &bytes)),
            )
            .await
        }
    };
    for (case, bad) in [
        (
            "URI",
            pdf("/OpenAction << /S /URI /URI (http://x.invalid/) >>"),
        ),
        (
            "GoToR",
            pdf("/OpenAction << /S /GoToR /F (other.pdf) /D [0 /Fit] >>"),
        ),
        ("Named", pdf("/OpenAction << /S /Named /N /Print >>")),
        (
            "GoTo then URI",
            pdf(
                "/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /URI /URI (http://x.invalid/) >> >>",
            ),
        ),
        ("escaped name", pdf("/Names << /J#61vaScript 9 0 R >>")),
    ] {
        let response = send(bad).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{case}"
        );
        let page = Page::parse(&response.text().await.unwrap());
        assert!(page.text(".error-summary").contains("JavaScript"), "{case}");
        assert_eq!(media_rows(&app).await, (0, 0), "{case} stored");
    }
    // Opening at a page of the document is no action of concern.
    for (case, fine) in [
        ("plain", pdf("")),
        ("go to", pdf("/OpenAction [3 0 R /Fit]")),
        (
            "go to action",
            pdf("/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"),
        ),
    ] {
        let response = send(fine).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{case}");
    }
}

#[tokio::test]
async fn files_are_public_only_while_a_published_entry_uses_them() {
    let app = TestApp::spawn_logged_in().await;
    let id = app.id_of("people", "moin-ul-haque").await;
    let response = upload_picture(
        &app,
        "people",
        id,
        &ALT,
        ("p.png", "image/png", &png(300, 300)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let digest: String = sqlx::query_scalar(
        "SELECT m.digest FROM people p JOIN media m ON m.id = p.photo_id WHERE p.id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let url = format!("/media/{digest}-128.jpg");
    let preview = format!("/admin/media/{digest}-128.jpg");
    let response = app.get(&url).await;
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let revalidate = || {
        app.client
            .get(app.url(&url))
            .header("if-none-match", &etag)
            .send()
    };
    assert_eq!(
        revalidate().await.unwrap().status(),
        StatusCode::NOT_MODIFIED
    );
    // The admin's page shows it from the admin's own address, never stored by caches.
    let page = app
        .page(&format!("/admin/people/{id}/media"), StatusCode::OK)
        .await;
    assert!(
        page.attrs(".media-preview img", "src")
            .iter()
            .all(|src| src.starts_with("/admin/media/")),
        "{:?}",
        page.attrs(".media-preview img", "src")
    );

    // A draft's photo is not public (nor revalidated), but the admin still sees it.
    sqlx::query("UPDATE people SET published = false WHERE id = $1")
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(app.get(&url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(revalidate().await.unwrap().status(), StatusCode::NOT_FOUND);
    let response = app.get(&preview).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(content_type(&response), "image/jpeg");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let page = app
        .page(&format!("/admin/people/{id}/preview"), StatusCode::OK)
        .await;
    let srcs = page.attrs("header picture img", "src");
    assert_eq!(srcs.len(), 1);
    assert!(srcs[0].starts_with("/admin/media/"), "{srcs:?}");
    assert_eq!(app.get(&srcs[0]).await.status(), StatusCode::OK);
    let anonymous = app.other_client();
    let response = anonymous.get(&preview).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/admin/login"));

    // Published again, then removed: gone for visitors.
    sqlx::query("UPDATE people SET published = true WHERE id = $1")
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(app.get(&url).await.status(), StatusCode::OK);
    let token = app.csrf_token(&format!("/admin/people/{id}/media")).await;
    let response = app
        .post_form(
            &format!("/admin/people/{id}/media/remove"),
            &[("csrf_token", &token), ("slot", "picture")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get(&url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/media/{digest}-128.webp")).await.status(),
        StatusCode::NOT_FOUND
    );
}
