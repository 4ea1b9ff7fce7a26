//! The content encodings the portal keeps bytes in — compressed once, never per request (the
//! rendered pages of `page_cache`, the text files of `static_files`) — and which of them a
//! request's `Accept-Encoding` allows.

use std::io::Write;

use axum::http::{HeaderMap, header};

/// A content encoding bytes are kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The token of `Content-Encoding` / `Accept-Encoding`.
    pub fn token(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Gzip => "gzip",
            Self::Identity => "identity",
        }
    }

    /// The encodings `Accept-Encoding` allows, best first: by the client's quality, brotli
    /// before gzip when equal, and always the bytes themselves last.
    pub fn accepted(headers: &HeaderMap) -> Vec<Self> {
        let mut brotli = None;
        let mut gzip = None;
        let mut any = None;
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else {
                continue;
            };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
                let quality = parts
                    .filter_map(|param| {
                        let param = param.trim();
                        param
                            .strip_prefix("q=")
                            .or_else(|| param.strip_prefix("Q="))
                    })
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                match coding.as_str() {
                    "br" => brotli = Some(quality),
                    "gzip" | "x-gzip" => gzip = Some(quality),
                    "*" => any = Some(quality),
                    _ => {}
                }
            }
        }
        let mut encodings: Vec<(Self, f32)> = [
            (Self::Brotli, brotli.or(any).unwrap_or(0.0)),
            (Self::Gzip, gzip.or(any).unwrap_or(0.0)),
        ]
        .into_iter()
        .filter(|(_, quality)| *quality > 0.0)
        .collect();
        // Stable: brotli stays first when the qualities are equal.
        encodings.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut encodings: Vec<Self> = encodings.into_iter().map(|(e, _)| e).collect();
        encodings.push(Self::Identity);
        encodings
    }

    /// The best encoding `Accept-Encoding` allows.
    pub fn preferred(headers: &HeaderMap) -> Self {
        Self::accepted(headers)[0]
    }
}

/// `content` compressed with brotli at `quality` (0–11), with a window just large enough for
/// it: the same output as the largest window, and less working memory.
pub fn brotli(content: &[u8], quality: u32) -> std::io::Result<Vec<u8>> {
    let window = (usize::BITS - content.len().max(1).leading_zeros()).clamp(16, 22);
    let mut writer =
        brotli::CompressorWriter::new(Vec::with_capacity(content.len() / 4), 4096, quality, window);
    writer.write_all(content)?;
    writer.flush()?;
    Ok(writer.into_inner())
}

/// `content` compressed with gzip at its best level.
pub fn gzip(content: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(content.len() / 3),
        flate2::Compression::best(),
    );
    encoder.write_all(content)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(accept: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        headers
    }

    #[test]
    fn accept_encoding_orders_by_quality_brotli_first_then_the_bytes() {
        use Encoding::*;
        assert_eq!(Encoding::accepted(&HeaderMap::new()), vec![Identity]);
        let cases: [(&str, &[Encoding]); 10] = [
            ("gzip, deflate, br", &[Brotli, Gzip, Identity]),
            ("gzip, deflate, br, zstd", &[Brotli, Gzip, Identity]),
            ("gzip", &[Gzip, Identity]),
            ("br;q=0, gzip;q=0.5", &[Gzip, Identity]),
            ("br;q=0.5, gzip", &[Gzip, Brotli, Identity]),
            ("br;q=0, gzip;q=0", &[Identity]),
            ("*", &[Brotli, Gzip, Identity]),
            ("*;q=0, br", &[Brotli, Identity]),
            ("*;q=0, gzip", &[Gzip, Identity]),
            ("identity", &[Identity]),
        ];
        for (accept, expected) in cases {
            assert_eq!(Encoding::accepted(&headers(accept)), expected, "{accept}");
            assert_eq!(
                Encoding::preferred(&headers(accept)),
                expected[0],
                "{accept}"
            );
        }
    }

    #[test]
    fn compressed_bytes_decode_to_the_content() {
        let content = "body { color: black; }\n".repeat(200);
        for quality in [9, 11] {
            let br = brotli(content.as_bytes(), quality).unwrap();
            let mut decoded = Vec::new();
            ::brotli::BrotliDecompress(&mut &br[..], &mut decoded).unwrap();
            assert_eq!(decoded, content.as_bytes());
        }
        let gz = gzip(content.as_bytes()).unwrap();
        let mut decoded = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut decoded)
            .unwrap();
        assert_eq!(decoded, content.as_bytes());
    }
}
