//! URL slugs from Czech names: `Rychnov n. Kněžnou` → `rychnov-n-kneznou`.

/// Lower-case ASCII letters and digits joined by single dashes; Czech (and other Latin)
/// diacritics lose their marks, anything else separates words.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = strip_mark(c);
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

fn strip_mark(c: char) -> char {
    match c {
        'á' | 'ä' | 'à' | 'â' => 'a',
        'č' | 'ç' | 'ć' => 'c',
        'ď' => 'd',
        'é' | 'ě' | 'ë' | 'è' | 'ê' => 'e',
        'í' | 'ï' | 'î' => 'i',
        'ľ' | 'ĺ' | 'ł' => 'l',
        'ň' | 'ń' => 'n',
        'ó' | 'ö' | 'ô' | 'ő' => 'o',
        'ř' | 'ŕ' => 'r',
        'š' | 'ś' => 's',
        'ť' => 't',
        'ú' | 'ů' | 'ü' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ž' | 'ź' | 'ż' => 'z',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;
    use proptest::prelude::*;

    #[test]
    fn czech_names_become_readable_slugs() {
        assert_eq!(slugify("Rychnov n. Kněžnou"), "rychnov-n-kneznou");
        assert_eq!(
            slugify("Úspěch pro každého žáka"),
            "uspech-pro-kazdeho-zaka"
        );
        assert_eq!(slugify("  Brno-Venkov  "), "brno-venkov");
        assert_eq!(slugify("Kraj Vysočina"), "kraj-vysocina");
    }

    proptest! {
        #[test]
        fn a_slug_is_always_url_safe(text in "\\PC*") {
            let slug = slugify(&text);
            prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
        }
    }
}
