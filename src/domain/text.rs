//! Comparing names as people write them: without diacritics and case, and with abbreviations
//! ("Asociace ředitelů ZŠ" is "Asociace ředitelů základních škol").

/// `text` in lower case without Czech (and most Latin) diacritics.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ą' => 'a',
            'č' | 'ć' | 'ç' => 'c',
            'ď' => 'd',
            'é' | 'ě' | 'è' | 'ê' | 'ë' | 'ę' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ľ' | 'ĺ' | 'ł' => 'l',
            'ň' | 'ń' => 'n',
            'ó' | 'ò' | 'ô' | 'ö' | 'ő' => 'o',
            'ř' | 'ŕ' => 'r',
            'š' | 'ś' => 's',
            'ť' => 't',
            'ú' | 'ů' | 'ù' | 'û' | 'ü' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ž' | 'ź' | 'ż' => 'z',
            other => other,
        })
        .collect()
}

/// `text` as names are told apart: trimmed, inner runs of whitespace one space, lower case
/// (diacritics kept: `ZŠ  Šumperk` and `zš šumperk` are one, `Zs Sumperk` another).
pub fn comparable(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A key that sorts names alphabetically, close enough to Czech order for short lists.
pub fn sort_key(name: &str) -> (String, String) {
    (fold(name), name.to_owned())
}

/// The words of a name, folded; punctuation separates words.
fn words(name: &str) -> Vec<String> {
    fold(name)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether two organisation names mean the same organisation: equal words once folded, where a
/// short word in capitals may stand for the initials of several words of the other name
/// ("ZŠ" for "základních škol", "ČR" for "České republiky").
pub fn same_organisation(a: &str, b: &str) -> bool {
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return false;
    }
    let (aa, ab) = (abbreviations(a), abbreviations(b));
    align(&wa, &aa, &wb) || align(&wb, &ab, &wa)
}

/// The folded words of `name` written in capitals (two to five letters), which may be
/// abbreviations.
fn abbreviations(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| {
            let n = w.chars().count();
            (2..=5).contains(&n) && w.chars().all(|c| c.is_uppercase())
        })
        .map(fold)
        .collect()
}

/// Whether `short` (with the abbreviations `abbrs`) spells out exactly `long`.
fn align(short: &[String], abbrs: &[String], long: &[String]) -> bool {
    match (short.split_first(), long.is_empty()) {
        (None, true) => true,
        (None, false) | (Some(_), true) => false,
        (Some((word, rest)), false) => {
            if *word == long[0] && align(rest, abbrs, &long[1..]) {
                return true;
            }
            if !abbrs.contains(word) {
                return false;
            }
            // The abbreviation's letters are the initials of the next words of `long`.
            let letters: Vec<char> = word.chars().collect();
            letters.len() <= long.len()
                && letters.iter().zip(long).all(|(c, w)| w.starts_with(*c))
                && align(rest, abbrs, &long[letters.len()..])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_without_case_and_diacritics() {
        assert!(same_organisation("EDUin", "eduin"));
        assert!(same_organisation("Učitel naživo", "Ucitel Nazivo"));
        assert!(same_organisation(
            "Pomáháme školám k úspěchu",
            "Pomáháme školám k úspěchu"
        ));
    }

    #[test]
    fn an_abbreviation_stands_for_the_initials_of_words() {
        assert!(same_organisation(
            "Asociace ředitelů ZŠ",
            "Asociace ředitelů základních škol"
        ));
        assert!(same_organisation(
            "Asociace ředitelů základních škol",
            "Asociace ředitelů ZŠ"
        ));
    }

    #[test]
    fn different_organisations_do_not_match() {
        assert!(!same_organisation("Nová škola", "škola"));
        assert!(!same_organisation("H-edu", "H-mat"));
        assert!(!same_organisation("META", "Metodický institut"));
        assert!(!same_organisation("Step by Step ČR", "Step by Step"));
        assert!(!same_organisation("", ""));
    }
}
