use super::*;

/// The letters of an Arabic-script word in visual (reversed) order; for words without marks.
fn rev(word: &str) -> String {
    word.chars().rev().collect()
}

/// Visual line of a single-line text laid out right to left (or by its first strong char).
fn vis(text: &str) -> String {
    visual(text, Direction::Ltr).text
}

const URDU: &str = "وزیراعظم نے قومی اسمبلی کا اجلاس کل طلب کر لیا";

#[test]
fn urdu_headline_reverses_words_and_letters() {
    // One right-to-left run at level 1: the whole line is reversed, so the word order is
    // reversed and each word's letters run right to left.
    let words = [
        "لیا",
        "کر",
        "طلب",
        "کل",
        "اجلاس",
        "کا",
        "اسمبلی",
        "قومی",
        "نے",
        "وزیراعظم",
    ];
    let expected: Vec<String> = words.iter().map(|w| rev(w)).collect();
    let line = visual(URDU, Direction::Ltr);
    assert!(line.rtl);
    assert_eq!(line.text, expected.join(" "));
    assert_eq!(line.width, 46);
}

#[test]
fn latin_acronym_in_brackets_keeps_its_brackets_the_right_way_round() {
    // `TTP` is level 2 (L inside R); the brackets resolve to the embedding direction (N0:
    // the context before them is R), so they are reversed with the Arabic text and mirrored.
    let text = "ٹی ٹی پی (TTP) کے حملے";
    let expected = format!(
        "{} {} (TTP) {} {} {}",
        rev("حملے"),
        rev("کے"),
        rev("پی"),
        rev("ٹی"),
        rev("ٹی")
    );
    assert_eq!(vis(text), expected);
}

#[test]
fn date_after_arabic_letters_reads_day_first() {
    // After AL the digits become AN (W2); the hyphens (ES) stay neutral and resolve to R
    // between two ANs (N1), so the three numbers are separate level-2 runs inside level 1.
    let text = "اجلاس 2025-11-14 کو ہوگا";
    let expected = format!("{} {} 14-11-2025 {}", rev("ہوگا"), rev("کو"), rev("اجلاس"));
    assert_eq!(vis(text), expected);
}

#[test]
fn english_sentence_with_one_arabic_word() {
    let line = visual("The word سلام means peace", Direction::Rtl);
    assert!(!line.rtl);
    assert_eq!(line.text, format!("The word {} means peace", rev("سلام")));
}

#[test]
fn marks_stay_after_their_base_letter() {
    // م ُ ح َ م ّ َ د ٌ  (Muhammadun with damma, fatha, shadda and tanween)
    let logical = "\u{645}\u{64F}\u{62D}\u{64E}\u{645}\u{651}\u{64E}\u{62F}\u{64C}";
    let expected = "\u{62F}\u{64C}\u{645}\u{651}\u{64E}\u{62D}\u{64E}\u{645}\u{64F}";
    let line = visual(logical, Direction::Ltr);
    assert_eq!(line.text, expected);
    assert_eq!(line.width, 4);
}

#[test]
fn lam_alef_is_two_cells() {
    assert_eq!(width("لا"), 2);
    assert_eq!(visual("لا", Direction::Ltr).width, 2);
    assert_eq!(width("ab\u{200F}c"), 3);
}

#[test]
fn guillemets_and_brackets_are_mirrored_at_odd_levels() {
    let text = "گفت «سلام» [خبر]";
    let expected = format!("[{}] «{}» {}", rev("خبر"), rev("سلام"), rev("گفت"));
    assert_eq!(vis(text), expected);
    assert_eq!(mirror('('), ')');
    assert_eq!(mirror('»'), '«');
    assert_eq!(mirror('a'), 'a');
}

#[test]
fn neutral_text_takes_the_fallback_direction() {
    assert_eq!(direction("2025 - 11", Direction::Rtl), Direction::Rtl);
    assert_eq!(direction("2025 - 11", Direction::Ltr), Direction::Ltr);
    assert_eq!(direction("123 خبر", Direction::Ltr), Direction::Rtl);
    assert_eq!(Direction::of_lang("ur-PK"), Direction::Rtl);
    assert_eq!(Direction::of_lang("fa"), Direction::Rtl);
    assert_eq!(Direction::of_lang("en"), Direction::Ltr);
}

const LAHORE: &str = "وزیراعظم نے لاہور، کراچی اور راولپنڈی کے نمائندوں سے ملاقات کی اور اجلاس میں قومی سلامتی پر بات ہوئی۔";

#[test]
fn wrapping_never_splits_a_word_that_fits() {
    let words: Vec<&str> = LAHORE.split(' ').collect();
    for w in 8..=60 {
        let lines = wrap(LAHORE, w);
        let rejoined: Vec<&str> = lines.iter().flat_map(|l| l.split(' ')).collect();
        assert_eq!(rejoined, words, "width {w}: {lines:?}");
        assert!(lines.iter().all(|l| width(l) <= w));
    }
    let lines = wrap(LAHORE, 40);
    assert!(lines.iter().any(|l| l.split(' ').any(|x| x == "اور")));
}

#[test]
fn wrapped_rtl_lines_are_reordered_one_by_one() {
    let lines = layout("aaa bbb ccc", 7, Direction::Ltr, true);
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["aaa bbb", "ccc"]);
    // The first line of an RTL paragraph holds its first words, reversed.
    let lines = layout("کل طلب کر لیا", 7, Direction::Ltr, true);
    let texts: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
    assert_eq!(
        texts,
        [
            format!("{} {}", rev("طلب"), rev("کل")),
            format!("{} {}", rev("لیا"), rev("کر"))
        ]
    );
    assert!(lines.iter().all(|l| l.rtl));
    // Reordering off: logical order.
    let lines = layout("کل طلب کر لیا", 7, Direction::Ltr, false);
    assert_eq!(lines[0].text, "کل طلب");
}

#[test]
fn long_word_is_broken_between_graphemes() {
    let lines = wrap("abcdefghij", 4);
    assert_eq!(lines, ["abcd", "efgh", "ij"]);
    // Marks stay with their base when a word is broken.
    let word = "\u{645}\u{64F}\u{62D}\u{64E}\u{645}\u{651}\u{64E}\u{62F}\u{64C}";
    let lines = wrap(word, 2);
    assert_eq!(
        lines,
        [
            "\u{645}\u{64F}\u{62D}\u{64E}",
            "\u{645}\u{651}\u{64E}\u{62F}\u{64C}"
        ]
    );
}

#[test]
fn paragraphs_and_blank_lines() {
    let lines = layout("one\n\nدو", 10, Direction::Ltr, true);
    assert_eq!(lines.len(), 3);
    assert!(!lines[0].rtl);
    assert_eq!(lines[1].text, "");
    assert!(lines[2].rtl);
    assert_eq!(lines[2].text, rev("دو"));
}

#[test]
fn rtl_headline_truncation_keeps_the_beginning_with_the_ellipsis_on_the_left() {
    let line = fit(URDU, 20, Direction::Ltr, true);
    // Logically "وزیراعظم نے قومی اس…": 19 cells of text and the ellipsis at the logical end,
    // which an RTL paragraph draws leftmost.
    let expected = format!(
        "…{} {} {} {}",
        rev("اس"),
        rev("قومی"),
        rev("نے"),
        rev("وزیراعظم")
    );
    assert_eq!(line.text, expected);
    assert_eq!(line.width, 20);
    assert!(line.rtl);
    assert_eq!(line.aligned(24), format!("    {expected}"));
    assert_eq!(truncate("abcdef", 4), "abc…");
    assert_eq!(truncate("ab cdef", 4), "ab…");
    assert_eq!(truncate("abc", 3), "abc");
    assert_eq!(truncate("abc", 0), "");
}

#[test]
fn isolates_wrap_only_rtl_fields() {
    assert_eq!(isolate("Dawn"), "Dawn");
    assert_eq!(isolate("بی بی سی"), "\u{2068}بی بی سی\u{2069}");
    assert_eq!(width(&isolate("بی بی سی")), 8);
}

#[test]
fn no_line_is_ever_wider_than_its_width() {
    let texts = [
        URDU,
        LAHORE,
        "ٹی ٹی پی (TTP) کے حملے میں 12 افراد ہلاک، آئی ایس پی آر کا بیان https://ispr.gov.pk/press",
        "پاکستان اور افغانستان نے طورخم کی سرحد ۱۴ نومبر ۲۰۲۵ کو دوبارہ کھولنے پر اتفاق کیا",
        "نرخ تورم در ایران به ۴۵٪ رسید؛ بانک مرکزی (CBI) گزارش داد",
        "وزارت امور خارجه جمهوری اسلامی ایران «مذاکرات» را ادامه می‌دهد",
        "طالبانو د کابل په ښار کې نوې اداره جوړه کړه او د ملګرو ملتونو استازو سره یې وکتل",
        "د خیبر پښتونخوا حکومت ویلي چې ۲۰۲۵-۱۱-۱۴ نېټه به رخصتي وي",
        "دعا مجلس الأمن إلى وقف فوري لإطلاق النار في غزة، وقال الأمين العام إن ٣٠٪ من السكان",
        "قالت وزارة الصحة إن عدد الضحايا بلغ 1,250 شخصاً حتى 2025-11-14 (بحسب رويترز)",
        "لالالالالالالالالالالالالالالالالالالالالالالالالالالالالالا",
        "مُحَمَّدٌ رَسُولُ اللَّهِ وَالَّذِينَ مَعَهُ أَشِدَّاءُ عَلَى الْكُفَّارِ",
        "Pakistan, Afghanistan agree to reopen Torkham crossing after talks in Islamabad",
        "中文标题与English混合 and a verylongwordthatcannotfitanywhereatall",
    ];
    for text in texts {
        for w in 1..=90 {
            for reorder in [true, false] {
                for line in layout(text, w, Direction::Ltr, reorder) {
                    assert!(line.width <= w, "{w}: {line:?}");
                    assert_eq!(line.width, width(&line.text));
                }
            }
            let line = fit(text, w, Direction::Ltr, true);
            assert!(line.width <= w, "fit {w}: {line:?}");
            assert_eq!(line.aligned(w).chars().map(char_width).sum::<usize>(), w);
        }
        // Reordering keeps the characters, up to mirroring.
        for line in layout(text, 30, Direction::Ltr, true) {
            let mut a: Vec<char> = line.text.chars().map(mirror).collect();
            a.sort_unstable();
            let logical = layout(text, 30, Direction::Ltr, false);
            assert!(logical.iter().any(|l| {
                let mut b: Vec<char> = l.text.chars().map(mirror).collect();
                b.sort_unstable();
                a == b
            }));
        }
    }
}

#[test]
fn empty_and_zero_width_fields_never_panic() {
    assert_eq!(visual("", Direction::Rtl).text, "");
    assert_eq!(visual_in("", Direction::Rtl).width, 0);
    assert_eq!(fit("سلام دنیا", 0, Direction::Ltr, true).width, 0);
    assert_eq!(fit("", 5, Direction::Ltr, true).text, "");
}

#[test]
fn a_zero_width_non_joiner_stays_between_the_letters_it_separates() {
    // بی‌بی‌سی: the ZWNJ keeps ی from joining the next ب. Reversed, it must still sit
    // between that ی and ب, not between ب and ی of the same syllable.
    let logical = "بی\u{200C}بی\u{200C}سی";
    assert_eq!(vis(logical), rev(logical));
    // A mark before the joiner stays on its letter.
    let marked = "بِ\u{200C}ی";
    assert_eq!(vis(marked), "ی\u{200C}بِ");
}

#[test]
fn a_url_that_fits_on_the_next_line_is_not_broken_at_its_slashes() {
    let text = "مزید تفصیلات کے لیے https://arabic.example/opec دیکھیں";
    let lines = wrap(text, 30);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("https://arabic.example/opec")),
        "{lines:?}"
    );
    // Too long for any line: then its own break opportunities are used.
    let long = "see https://example.org/a/very/long/path/that/cannot/fit";
    for line in wrap(long, 20) {
        assert!(width(&line) <= 20, "{line}");
    }
    assert!(wrap(long, 20).len() >= 3);
}
