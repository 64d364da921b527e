//! The files the browser loads besides the build's own (issue 20): each language's table, which
//! the page names and preloads, under a content-named path, cached for good, sent as brotli.

mod common;

use app::store::testing::TestDb;
use common::*;
use reqwest::header;
use std::io::Read;

// Renders a page: a multi-threaded runtime (see pages.rs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_names_its_language_table_which_is_served_compressed_and_immutable() {
    let s = Srv::start(TestDb::sqlite().await.unwrap()).await;
    let html = s
        .http
        .get(format!("{}/login", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for l in app::i18n::LOCALES {
        let f = app::i18n::table_file(l);
        assert!(
            html.contains(&format!("name=\"jd-i18n-{l}\" content=\"{}\"", f.path)),
            "the page names the {l} table"
        );
        // The page's own language is preloaded beside the module.
        if l == app::i18n::DEFAULT_LOCALE {
            assert!(
                html.contains(&format!("rel=\"preload\" href=\"{}\"", f.path)),
                "{html}"
            );
        }
        // Plain, for a client that takes no brotli.
        let r = s
            .http
            .get(format!("{}{}", s.base, f.path))
            .header(header::ACCEPT_ENCODING, "identity")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable"));
        assert_eq!(r.text().await.unwrap(), f.json);
        // Brotli, compressed once at quality 11: the same text.
        let r = s
            .http
            .get(format!("{}{}", s.base, f.path))
            .header(header::ACCEPT_ENCODING, "gzip, br")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "br");
        let body = r.bytes().await.unwrap();
        assert!(
            body.len() * 3 < f.json.len(),
            "compressed: {} bytes",
            body.len()
        );
        let mut text = String::new();
        brotli::Decompressor::new(&body[..], 4096)
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, f.json);
    }
    // Any other name: not found, as every endpoint answers.
    for path in [
        "/pkg/i18n/zh-CN.json",
        "/pkg/i18n/fr.AAAAAAAAAAAAAAAAAAAAAA.json",
    ] {
        let r = s
            .http
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(r.text().await.unwrap(), "\"NotFound\"");
    }
    s.stop().await;
}
