use super::*;

use std::collections::BTreeSet;

const LABELLED: &str = include_str!("../../tests/fixtures/routing/labelled.txt");

fn gaz() -> Gazetteer {
    Gazetteer::shipped().unwrap()
}

fn regions(g: &Gazetteer, title: &str, summary: &str) -> Vec<String> {
    g.route(title, summary, &[], "")
        .regions
        .into_iter()
        .map(|r| r.region)
        .collect()
}

#[test]
fn shipped_gazetteer_compiles_with_the_default_regions() {
    let g = gaz();
    let ids: Vec<&str> = g.region_ids().collect();
    for id in [
        "pakistan",
        "balochistan",
        "kp",
        "afghanistan",
        "iran",
        "middle-east",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    assert_eq!(g.parent("balochistan"), Some("pakistan"));
    assert_eq!(g.parent("kp"), Some("pakistan"));
    assert_eq!(g.parent("iran"), None);
}

#[test]
fn sub_regions_roll_up_and_matched_names_the_words() {
    let r = gaz().route("Blast in Quetta", "Balochistan officials said", &[], "");
    assert_eq!(r.matched("balochistan").unwrap(), ["Quetta", "Balochistan"]);
    assert_eq!(r.matched("pakistan").unwrap(), ["Quetta", "Balochistan"]);
}

#[test]
fn torkham_is_in_three_regions() {
    let g = gaz();
    assert_eq!(
        regions(&g, "Torkham border reopens", ""),
        ["afghanistan", "kp", "pakistan"]
    );
}

#[test]
fn traps_do_not_match() {
    let g = gaz();
    for (t, s) in [
        ("Woman wins award", "A woman from Ohio"),
        ("SWAT team storms house", ""),
        ("Smriti Irani speaks", ""),
        ("Michael Jordan buys team", ""),
        ("Jordan Peterson book", ""),
        ("Georgia votes", ""),
        (
            "Punjab farmers march to Delhi",
            "Indian police blocked them.",
        ),
        ("Kashmir: Srinagar shops reopen", ""),
    ] {
        assert!(regions(&g, t, s).is_empty(), "{t}: {:?}", regions(&g, t, s));
    }
    assert_eq!(
        regions(&g, "Oman and Jordan hold talks", ""),
        ["middle-east"]
    );
    assert_eq!(regions(&g, "Swat valley floods", ""), ["kp", "pakistan"]);
}

#[test]
fn one_passing_mention_in_a_summary_is_not_enough() {
    let g = gaz();
    assert!(regions(&g, "Global markets", "One analyst in Karachi said little.").is_empty());
    assert_eq!(
        regions(&g, "Global markets", "Karachi and Lahore traders sold."),
        ["pakistan"]
    );
}

#[test]
fn arabic_script_is_folded_and_prefixes_attach() {
    let g = gaz();
    // Arabic yeh and kaf in a Persian word, harakat, tatweel, prefixes.
    assert_eq!(regions(&g, "تهران", ""), ["iran"]);
    assert_eq!(regions(&g, "طهران", ""), ["iran"]);
    assert_eq!(regions(&g, "مواجهات وبالقدس", ""), ["middle-east"]);
    assert_eq!(regions(&g, "زيارة لبغداد", ""), ["middle-east"]);
    assert_eq!(regions(&g, "كابـــل", ""), ["afghanistan"]);
    assert_eq!(regions(&g, "غَزَّة", ""), ["middle-east"]);
    assert_eq!(regions(&g, "ایرانی‌ها", ""), ["iran"]);
}

#[test]
fn user_words_add_and_remove() {
    let mut user = UserWords::default();
    user.add.insert("gilgit".into(), vec!["Hunza".into()]);
    user.parents.insert("gilgit".into(), "pakistan".into());
    user.remove.insert("kp".into(), vec!["Swat".into()]);
    let g = Gazetteer::build(DEFAULT_GAZETTEER, &user).unwrap();
    assert_eq!(regions(&g, "Hunza valley", ""), ["gilgit", "pakistan"]);
    assert!(regions(&g, "Swat floods", "").is_empty());
    user.parents.insert("x".into(), "nowhere".into());
    assert!(Gazetteer::build(DEFAULT_GAZETTEER, &user).is_err());
}

#[test]
fn opinion_from_categories_and_paths() {
    assert!(is_opinion(&["Opinion".into()], ""));
    assert!(is_opinion(&[], "https://www.dawn.com/news/columns/123/x"));
    assert!(is_opinion(&[], "https://x.example/editorial/a"));
    assert!(is_opinion(&[], "https://x.example/blogs/a"));
    assert!(!is_opinion(
        &["Pakistan".into()],
        "https://x.example/news/opinionated-cat"
    ));
    assert!(
        gaz()
            .route("x", "", &[], "https://x.example/opinion/1")
            .opinion
    );
}

#[test]
fn labelled_set_precision_and_recall_per_region() {
    let g = gaz();
    let ids: Vec<String> = g.region_ids().map(String::from).collect();
    let mut tp: BTreeMap<&str, u32> = BTreeMap::new();
    let mut fp: BTreeMap<&str, u32> = BTreeMap::new();
    let mut fneg: BTreeMap<&str, u32> = BTreeMap::new();
    let mut count = 0;
    let mut wrong = Vec::new();
    for line in LABELLED.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split(" | ").collect();
        assert_eq!(parts.len(), 3, "{line}");
        count += 1;
        let mut want: BTreeSet<String> = BTreeSet::new();
        for r in parts[0].split(',').map(str::trim).filter(|r| *r != "-") {
            assert!(ids.iter().any(|i| i == r), "{r}");
            let mut at = Some(r.to_string());
            while let Some(a) = at {
                at = g.parent(&a).map(String::from);
                want.insert(a);
            }
        }
        let got: BTreeSet<String> = regions(&g, parts[1], parts[2]).into_iter().collect();
        if got != want {
            wrong.push(format!("{line}\n    got {got:?}"));
        }
        for id in &ids {
            let (w, h) = (want.contains(id), got.contains(id));
            let slot = match (w, h) {
                (true, true) => &mut tp,
                (false, true) => &mut fp,
                (true, false) => &mut fneg,
                (false, false) => continue,
            };
            *slot.entry(id.as_str()).or_default() += 1;
        }
    }
    assert!(count >= 300, "{count} labelled items");
    for w in &wrong {
        println!("miss: {w}");
    }
    println!("labelled routing set: {count} items");
    let mut failing = Vec::new();
    for id in &ids {
        let t = f64::from(tp.get(id.as_str()).copied().unwrap_or(0));
        let p = f64::from(fp.get(id.as_str()).copied().unwrap_or(0));
        let n = f64::from(fneg.get(id.as_str()).copied().unwrap_or(0));
        let precision = if t + p == 0.0 { 1.0 } else { t / (t + p) };
        let recall = if t + n == 0.0 { 1.0 } else { t / (t + n) };
        println!("{id:12} precision {precision:.3} recall {recall:.3} (tp {t}, fp {p}, fn {n})");
        if precision < 0.9 || recall < 0.9 {
            failing.push(id.clone());
        }
    }
    assert!(failing.is_empty(), "below 0.9: {failing:?}");
}
