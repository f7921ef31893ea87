//! General boilerplate pruning rules applied to a candidate article
//! fragment. None of them knows about particular sites; they look at
//! class/id vocabulary, link density, and short furniture phrases.

use std::collections::HashSet;

use dom_query::{Document, NodeId, NodeRef};

use super::dom::{is_blockish, name_of};

/// Class/id words that mark page furniture.
const FURNITURE_WORDS: &[&str] = &[
    "share",
    "sharing",
    "sharebar",
    "social",
    "related",
    "newsletter",
    "subscribe",
    "subscription",
    "promo",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "adslot",
    "sponsored",
    "recommended",
    "recirc",
    "outbrain",
    "taboola",
    "comments",
    "comment",
    "breadcrumb",
    "breadcrumbs",
    "sidebar",
    "widget",
    "popup",
    "modal",
    "tags",
    "byline",
    "dateline",
    "timestamp",
    "caption",
    "credit",
    "disclaimer",
    "nocontent",
    "author",
    "authors",
    "bio",
    "authorbox",
    "tooltip",
    "popover",
    "rollover",
];

/// Short texts that are furniture when they make up a whole block
/// (compared lower-cased, with trailing punctuation removed).
const FURNITURE_PHRASES: &[&str] = &[
    "advertisement",
    "advert",
    "ad",
    "sponsored",
    "you may also like",
    "you might also like",
    "related",
    "related articles",
    "related stories",
    "related posts",
    "related news",
    "read more",
    "read next",
    "see more",
    "see also",
    "don't miss",
    "don’t miss",
    "more from",
    "recommended",
    "recommended for you",
    "trending",
    "most popular",
    "most read",
    "latest news",
    "more stories",
    "top stories",
    "share this",
    "share this article",
    "share",
    "follow us",
    "comments",
    "leave a comment",
    "leave a reply",
    "image",
    "photo",
    "play video",
    "watch",
    "listen",
    "more",
    "post comment",
    // "Advertisement" in other languages.
    "anzeige",
    "werbung",
    "publicidad",
    "publicidade",
    "pubblicità",
    "publicité",
    "реклама",
    "광고",
    // Urdu, Persian, Pashto and Arabic: advertisement, comments, share. Compared after
    // `fold_script` on both sides, so one spelling covers Arabic and Persian letter forms.
    "اشتہار",
    "اشتہارات",
    "تبصرے",
    "تبصرہ کریں",
    "اپنی رائے دیں",
    "شیئر کریں",
    "تبلیغات",
    "آگهی",
    "نظرات",
    "ارسال نظر",
    "نظر شما",
    "اشتراک گذاری",
    "همرسانی",
    "اعلان",
    "اعلانونه",
    "نظرونه",
    "خپل نظر ورکړئ",
    "شریک کړئ",
    "إعلان",
    "إعلانات",
    "تعليقات",
    "أضف تعليق",
    "شارك",
    "مشاركة",
    "شارك المقال",
];

/// Phrases that, at the start of a short block, mark it as furniture.
const FURNITURE_PREFIXES: &[&str] = &[
    // "Also read:" / "Read more:" boxes in Urdu, Persian, Pashto and Arabic.
    "یہ بھی پڑھیں",
    "مزید پڑھیں",
    "بیشتر بخوانید",
    "همچنین بخوانید",
    "بخوانید",
    "دا هم ولولئ",
    "نور ولولئ",
    "اقرأ أيضا",
    "اقرأ المزيد",
    "طالع أيضا",
    "read more:",
    "read more ",
    "see more:",
    "related:",
    "related post",
    "related article",
    "related stor",
    "related news",
    "related content",
    "related coverage",
    "related reading",
    "related link",
    "also read",
    "also see",
    "sign up",
    "subscribe to",
    "click here",
    "follow us",
    "copyright",
    "©",
    "(c) ",
    "all rights reserved",
    "updated at",
    "last updated",
    "advertisement",
    "get the latest",
    "download our app",
    "this article was originally published",
    "filed under",
    "posted in",
    "tags:",
    "tagged:",
    "tagged with",
    "categories:",
    "posted on",
    "posted by",
    "first published",
];

/// Words that, in a short heading followed by a link-dense block, announce
/// a list of other stories ("More Great Stories", "Popular on X").
const RELATED_WORDS: &[&str] = &[
    "stories",
    "related",
    "also like",
    "recommended",
    "popular",
    "trending",
    "read next",
    "more from",
    "don't miss",
    "don’t miss",
    "must read",
    "further reading",
    "latest",
    "more news",
    "more articles",
    "مزید",
    "متعلقہ",
    "مرتبط",
    "پربازدید",
    "پربیننده",
    "اړوند",
    "ذات صلة",
    "الأكثر",
];

/// Unmistakable promo wording (newsletter and app plugs).
const PROMO_MARKERS: &[&str] = &[
    "your inbox",
    "newsletter",
    "sign up for",
    "subscribe to our",
    "follow us on",
    "download our app",
    "download the app",
    "نیوز لیٹر",
    "خبرنامہ",
    "خبرنامه",
    "ہمیں فالو کریں",
    "ما را دنبال کنید",
    "موږ تعقیب کړئ",
    "النشرة الإخبارية",
    "النشرة البريدية",
    "تابعونا",
    "اشترك في",
];

/// Social network names (see rule "social").
const SOCIAL_NETWORKS: &[&str] = &[
    "facebook",
    "twitter",
    "instagram",
    "youtube",
    "linkedin",
    "whatsapp",
    "pinterest",
    "tiktok",
    "telegram",
    "reddit",
    "فیس بک",
    "فیسبوک",
    "ٹوئٹر",
    "توییتر",
    "یوٹیوب",
    "واٹس ایپ",
    "تلگرام",
    "اینستاگرام",
    "فيسبوك",
    "تويتر",
    "يوتيوب",
    "واتساب",
    "انستغرام",
];

/// Markers of promo/contact blocks at the end of an article.
const TAIL_MARKERS: &[&str] = &[
    "click here",
    "newsletter",
    "subscribe",
    "sign up",
    "follow us",
    "follow him",
    "follow her",
    "follow them",
    "send us",
    "contact us",
    "delivered to your inbox",
    // Wire-service credit lines.
    "reporting by",
    "editing by",
    "writing by",
    "additional reporting",
];

/// Headings that introduce a list of other stories; the heading and the
/// link-dense blocks after it are removed.
const RELATED_HEADINGS: &[&str] = &[
    "you may also like",
    "you might also like",
    "related",
    "related articles",
    "related stories",
    "related posts",
    "related news",
    "read next",
    "read more",
    "more from",
    "don't miss",
    "don’t miss",
    "recommended",
    "recommended for you",
    "trending",
    "most popular",
    "most read",
    "latest news",
    "more stories",
    "top stories",
    "see also",
    "see more",
    "more on this",
    "مزید پڑھیں",
    "یہ بھی پڑھیں",
    "متعلقہ خبریں",
    "مزید خبریں",
    "اہم خبریں",
    "تازہ ترین",
    "مقبول خبریں",
    "سب سے زیادہ پڑھی جانے والی خبریں",
    "بیشتر بخوانید",
    "مطالب مرتبط",
    "اخبار مرتبط",
    "پربازدیدترین",
    "پربیننده ترین",
    "آخرین اخبار",
    "مطالب پیشنهادی",
    "نور ولولئ",
    "اړوند خبرونه",
    "اړوند مطالب",
    "نورې خبرې",
    "تازه خبرونه",
    "ډېر لوستل شوي",
    "اقرأ أيضا",
    "أخبار ذات صلة",
    "مواضيع ذات صلة",
    "الأكثر قراءة",
    "آخر الأخبار",
    "قد يعجبك أيضا",
    "المزيد من الأخبار",
];

fn norm_phrase(s: &str) -> String {
    let lower = fold_script(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    lower
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '©')
        .to_string()
}

/// Folds the spelling variants of Arabic-script text so that one list entry matches them
/// all: Arabic and Persian yeh and kaf, alef forms, teh marbuta and heh forms, tatweel and
/// short-vowel marks dropped, zero-width non-joiner as a space.
pub(super) fn fold_script(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'ي' | 'ى' | 'ئ' => Some('ی'),
            'ك' => Some('ک'),
            'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
            'ة' | 'ۀ' | 'ہ' | 'ە' => Some('ه'),
            'ـ' | '\u{064B}'..='\u{065F}' | '\u{0670}' => None,
            '\u{200C}' => Some(' '),
            c => Some(c),
        })
        .collect()
}

/// Whether `list` holds `phrase` (already folded by [`norm_phrase`]).
fn listed(list: &[&str], phrase: &str) -> bool {
    list.iter().any(|entry| norm_phrase(entry) == phrase)
}

/// Text length of `a` descendants over total text length.
fn link_density(node: &NodeRef) -> f32 {
    let total = node.text().chars().filter(|c| !c.is_whitespace()).count();
    if total == 0 {
        return 0.0;
    }
    let mut linked = 0usize;
    for d in node.descendants_it() {
        if d.has_name("a") {
            linked += d.text().chars().filter(|c| !c.is_whitespace()).count();
        }
    }
    linked as f32 / total as f32
}

/// A block of links to other stories: link-dense, or a list whose every
/// item carries a link.
fn is_story_list(node: &NodeRef) -> bool {
    if link_density(node) >= 0.5 {
        return true;
    }
    let name = name_of(node);
    if name != "ul" && name != "ol" {
        return false;
    }
    let items: Vec<NodeRef> = node
        .element_children()
        .into_iter()
        .filter(|c| c.has_name("li"))
        .collect();
    items.len() >= 2
        && items
            .iter()
            .all(|li| li.descendants_it().any(|d| d.has_name("a")))
}

fn has_furniture_class(node: &NodeRef) -> bool {
    let mut attrs = String::new();
    if let Some(c) = node.attr("class") {
        attrs.push_str(&c);
        attrs.push(' ');
    }
    if let Some(i) = node.attr("id") {
        attrs.push_str(&i);
    }
    if attrs.is_empty() {
        return false;
    }
    let lower = attrs.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| FURNITURE_WORDS.contains(&w))
}

/// Whole class tokens of elements hidden from sighted readers (responsive
/// classes such as `hidden-xs` are deliberately not matched).
const HIDDEN_CLASSES: &[&str] = &[
    "hidden",
    "is-hidden",
    "visually-hidden",
    "visuallyhidden",
    "sr-only",
    "screen-reader-text",
    "screen-reader-only",
];

fn is_hidden(node: &NodeRef) -> bool {
    if node.has_attr("hidden") {
        return true;
    }
    if node.attr("class").is_some_and(|c| {
        c.split_whitespace()
            .any(|t| HIDDEN_CLASSES.contains(&t.to_ascii_lowercase().as_str()))
    }) {
        return true;
    }
    if node
        .attr("aria-hidden")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return true;
    }
    node.attr("style").is_some_and(|s| {
        let s: String = s
            .to_ascii_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Ids of elements that contain a block-level element (computed in one
/// pass; after removals it can only over-approximate, which makes the leaf
/// tests below conservative).
fn block_containers(doc: &Document) -> HashSet<NodeId> {
    let mut set = HashSet::new();
    for node in doc.select("body *").nodes() {
        if !is_blockish(&name_of(node)) {
            continue;
        }
        let mut cur = node.parent();
        while let Some(p) = cur {
            if !set.insert(p.id) {
                break;
            }
            cur = p.parent();
        }
    }
    set
}

/// Applies all rules.
pub(super) fn prune(doc: &Document) {
    let body = doc.select("body");
    let Some(root) = body.nodes().first().cloned() else {
        return;
    };
    let total_chars = root.text().chars().filter(|c| !c.is_whitespace()).count();
    if total_chars == 0 {
        return;
    }

    rule_hidden(doc);
    rule_class(doc, total_chars);
    rule_figcaption(doc);
    rule_related(doc);
    rule_phrase(doc);
    rule_tail(doc);
    rule_linklist(doc);
    rule_linkpara(doc);
}

/// Rule "hidden": elements hidden from readers.
fn rule_hidden(doc: &Document) {
    for node in doc.select("body *").nodes() {
        if node.is_element() && is_hidden(node) {
            node.remove_from_parent();
        }
    }
}

/// Rule "class": furniture by class/id vocabulary, unless the element
/// holds a large share of the text (then it is probably the wrapper).
fn rule_class(doc: &Document, total_chars: usize) {
    for node in doc.select("body *").nodes() {
        if !node.is_element() || !has_furniture_class(node) {
            continue;
        }
        if node.parent().is_none() {
            continue; // already detached with an ancestor
        }
        let chars = node.text().chars().filter(|c| !c.is_whitespace()).count();
        if chars * 4 < total_chars {
            node.remove_from_parent();
        }
    }
}

/// Rule "figcaption": captions and photo credits.
fn rule_figcaption(doc: &Document) {
    doc.select("figcaption").remove();
}

/// Rule "related": a heading introducing other stories, plus the
/// link-dense blocks that follow it.
fn rule_related(doc: &Document) {
    let containers = block_containers(doc);
    for node in doc
        .select("h1, h2, h3, h4, h5, h6, p, div, span, strong")
        .nodes()
    {
        if node.parent().is_none() || containers.contains(&node.id) {
            continue;
        }
        let t = norm_phrase(&node.text());
        if t.is_empty() || super::whitespace_words(&t) > 6 {
            continue;
        }
        let exact = listed(RELATED_HEADINGS, &t);
        let loose = !exact && RELATED_WORDS.iter().any(|w| t.contains(&norm_phrase(w)));
        if !exact && !loose {
            continue;
        }
        // Climb to the outermost ancestor whose text is just this phrase.
        let mut top = *node;
        while let Some(p) = top.parent() {
            if name_of(&p) == "body" || norm_phrase(&p.text()) != t {
                break;
            }
            top = p;
        }
        let mut next = top.next_element_sibling();
        if loose {
            // A looser match must be followed by a link-dense block.
            let followed = next
                .as_ref()
                .is_some_and(|n| !n.text().trim().is_empty() && is_story_list(n));
            if !followed {
                continue;
            }
        }
        while let Some(n) = next {
            next = n.next_element_sibling();
            let txt = n.text();
            if txt.trim().is_empty() {
                n.remove_from_parent();
                continue;
            }
            if is_story_list(&n) {
                n.remove_from_parent();
            } else {
                break;
            }
        }
        top.remove_from_parent();
    }
}

/// Rule "phrase": short blocks that are furniture phrases.
fn rule_phrase(doc: &Document) {
    let containers = block_containers(doc);
    for node in doc.select("body *").nodes() {
        let name = name_of(node);
        if !is_blockish(&name) || node.parent().is_none() || containers.contains(&node.id) {
            continue;
        }
        let t = norm_phrase(&node.text());
        if t.is_empty() || super::whitespace_words(&t) > 25 {
            continue;
        }
        let exact = listed(FURNITURE_PHRASES, &t);
        let prefix = FURNITURE_PREFIXES
            .iter()
            .any(|p| t.starts_with(&fold_script(p).to_lowercase()));
        if exact || prefix {
            node.remove_from_parent();
        }
    }
}

/// Rule "tail": short promo/contact blocks among the last blocks of the
/// article ("Follow her on Twitter", "Click here to subscribe").
fn rule_tail(doc: &Document) {
    let containers = block_containers(doc);
    let blocks: Vec<NodeRef> = doc
        .select("p, div, li, h2, h3, h4, h5, h6, blockquote")
        .nodes()
        .iter()
        .filter(|n| !containers.contains(&n.id) && !n.text().trim().is_empty())
        .cloned()
        .collect();
    let start = blocks.len().saturating_sub(3);
    for (i, node) in blocks.iter().enumerate() {
        let t = fold_script(&node.text()).to_lowercase();
        let words = super::whitespace_words(&t);
        let has = |m: &&str| t.contains(&fold_script(m).to_lowercase());
        let tail_hit = i >= start && words <= 40 && TAIL_MARKERS.iter().any(has);
        // Rule "promo": anywhere, short blocks with unmistakable promo
        // wording.
        let promo_hit = words <= 30 && PROMO_MARKERS.iter().any(has);
        // Rule "social": short blocks naming two or more social networks
        // ("Follow us on Facebook, Twitter and Instagram").
        let social_hit = words <= 25 && SOCIAL_NETWORKS.iter().filter(|m| has(m)).count() >= 2;
        if tail_hit || promo_hit || social_hit {
            node.remove_from_parent();
        }
    }
}

/// Rule "linklist": lists whose items are (almost) only links.
fn rule_linklist(doc: &Document) {
    for node in doc.select("ul, ol").nodes() {
        if node.parent().is_none() {
            continue;
        }
        let items = node.element_children().len();
        if items >= 2 && link_density(node) >= 0.8 {
            node.remove_from_parent();
        }
    }
}

/// Rule "linkpara": short leaf blocks that are one link (headlines).
fn rule_linkpara(doc: &Document) {
    let containers = block_containers(doc);
    for node in doc.select("p, div, h2, h3, h4, h5, h6, li").nodes() {
        if node.parent().is_none() || containers.contains(&node.id) {
            continue;
        }
        let t = node.text();
        if super::whitespace_words(&t) == 0 || super::whitespace_words(&t) > 30 {
            continue;
        }
        if link_density(node) < 0.9 {
            continue;
        }
        node.remove_from_parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pruned(html: &str, rule: fn(&Document)) -> String {
        let doc = Document::from(html);
        rule(&doc);
        doc.select("body")
            .text()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn arabic_script_spellings_fold_together() {
        // Arabic yeh and kaf, hamza on alef, tatweel and a fatha all fold away.
        assert_eq!(norm_phrase("بيشتر بخوانيد"), norm_phrase("بیشتر بخوانید"));
        assert_eq!(norm_phrase("اقرأ أيضاً"), norm_phrase("اقرا ایضا"));
        assert_eq!(norm_phrase("تـبـليغات"), norm_phrase("تبلیغات"));
        assert_eq!(norm_phrase("اشتراک\u{200c}گذاری"), "اشتراک گذاری");
        assert_ne!(norm_phrase("بیشتر"), norm_phrase("بخوانید"));
    }

    #[test]
    fn furniture_labels_go_in_every_language_and_body_text_stays() {
        let html = "<body><p>إعلان</p><p>Advertisement</p><p>تبلیغات</p><p>اشتہار</p>\
            <p>یہ بھی پڑھیں: گوادر میں احتجاج</p><p>اقرأ ايضا: خبر آخر</p>\
            <p>وزیراعظم نے اشتہار کی پالیسی پر قومی اسمبلی میں تفصیلی بیان دیا۔</p></body>";
        let text = pruned(html, rule_phrase);
        assert_eq!(
            text,
            "وزیراعظم نے اشتہار کی پالیسی پر قومی اسمبلی میں تفصیلی بیان دیا۔"
        );
    }

    #[test]
    fn related_headings_take_their_story_list_with_them() {
        let html = "<body><p>متن خبر اصلی که باید بماند و کوتاه نیست.</p>\
            <h3>مطالب مرتبط</h3><ul><li><a href='/1'>خبر یک</a></li><li><a href='/2'>خبر دو</a></li></ul>\
            <p>Last paragraph stays.</p></body>";
        let text = pruned(html, rule_related);
        assert!(
            text.contains("باید بماند") && text.contains("Last paragraph stays."),
            "{text}"
        );
        assert!(
            !text.contains("مطالب مرتبط") && !text.contains("خبر یک"),
            "{text}"
        );
    }

    #[test]
    fn promo_and_social_blocks_go_but_a_mention_in_a_long_paragraph_stays() {
        let html = "<body><p>ملک میں سیاسی صورتحال پر تفصیلی رپورٹ جس میں کئی جماعتوں کے رہنماؤں نے \
            اپنی رائے دی اور حکومت کی معاشی پالیسیوں پر سوالات اٹھائے، جبکہ ماہرین نے کہا کہ فیس بک اور \
            دیگر پلیٹ فارمز پر پھیلنے والی افواہوں نے صورتحال کو مزید پیچیدہ بنا دیا ہے اور عوام میں بے چینی \
            بڑھی ہے، اس لیے درست معلومات کی فراہمی ضروری ہے۔</p>\
            <p>ہمارا نیوز لیٹر حاصل کریں</p><p>تابعونا على فيسبوك وتويتر</p></body>";
        let text = pruned(html, rule_tail);
        assert!(text.starts_with("ملک میں سیاسی صورتحال"), "{text}");
        assert!(
            !text.contains("نیوز لیٹر") && !text.contains("تابعونا"),
            "{text}"
        );
    }
}
