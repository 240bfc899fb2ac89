//! QR codes of check-in links: an inline SVG for pages (no external request, allowed by the
//! CSP) and a PNG for email (mail clients show neither SVG nor `data:` images, but do show a
//! PNG attached inline and referenced by `cid:`).

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code, as the QR standard asks, so a scanner finds its edges.
const QUIET_ZONE: usize = 4;

/// The modules of `text` at error correction M (a smudged phone screen still scans), with the
/// quiet zone: `(width, dark?)` row by row. `None` only for text too long for any QR version.
fn modules(text: &str) -> Option<(usize, Vec<bool>)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let inner = code.width();
    let width = inner + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    let mut dark = vec![false; width * width];
    for y in 0..inner {
        for x in 0..inner {
            dark[(y + QUIET_ZONE) * width + x + QUIET_ZONE] = colors[y * inner + x] == Color::Dark;
        }
    }
    Some((width, dark))
}

/// An `<svg>` element (one path of unit squares) that scales to its container; `label` is its
/// accessible name.
pub fn svg(text: &str, label: &str) -> Option<String> {
    let (width, dark) = modules(text)?;
    let mut path = String::new();
    for (i, _) in dark.iter().enumerate().filter(|(_, d)| **d) {
        path.push_str(&format!("M{} {}h1v1h-1z", i % width, i / width));
    }
    let label = label
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 {width} {width}\" \
         role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{width}\" height=\"{width}\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// A black-and-white PNG, `scale` pixels per module.
pub fn png(text: &str, scale: usize) -> Option<Vec<u8>> {
    let (width, dark) = modules(text)?;
    let side = width * scale;
    let mut pixels = Vec::with_capacity(side * side);
    for y in 0..side {
        for x in 0..side {
            let on = dark[(y / scale) * width + x / scale];
            pixels.push(if on { 0u8 } else { 255 });
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&pixels).ok()?;
    writer.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str =
        "https://veletrh.example.cz/checkin/42.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfG";

    #[test]
    fn the_code_has_finder_patterns_and_a_quiet_zone() {
        let (width, dark) = modules(LINK).unwrap();
        let at = |x: usize, y: usize| dark[y * width + x];
        // Quiet zone: the border is light all round.
        assert!((0..width).all(|i| !at(i, 0) && !at(0, i) && !at(i, width - 1)));
        // Top-left finder pattern: a dark 7×7 ring, light ring, dark 3×3 centre.
        let q = QUIET_ZONE;
        assert!((0..7).all(|i| at(q + i, q) && at(q, q + i) && at(q + 6, q + i)));
        assert!(!at(q + 1, q + 1) && at(q + 3, q + 3));
    }

    #[test]
    fn the_svg_draws_the_same_modules_and_escapes_its_label() {
        let (width, dark) = modules(LINK).unwrap();
        let svg = svg(LINK, "Vstup <Jana & \"spol\">").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(&format!("viewBox=\"0 0 {width} {width}\"")));
        assert_eq!(
            svg.matches("h1v1h-1z").count(),
            dark.iter().filter(|d| **d).count()
        );
        assert!(svg.contains("aria-label=\"Vstup &lt;Jana &amp; &quot;spol&quot;>\""));
        assert!(!svg.contains("style="), "the CSP forbids inline styles");
    }

    #[test]
    fn the_png_is_a_png_of_the_right_size() {
        let bytes = png(LINK, 6).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(bytes.as_slice());
        let reader = decoder.read_info().unwrap();
        let (width, _) = modules(LINK).unwrap();
        assert_eq!(reader.info().width as usize, width * 6);
        assert_eq!(reader.info().height as usize, width * 6);
    }

    #[test]
    fn text_too_long_for_any_qr_code_gives_none() {
        assert!(svg(&"x".repeat(5000), "").is_none());
        assert!(png(&"x".repeat(5000), 4).is_none());
    }
}
