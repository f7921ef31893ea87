//! Published times in a tab's own clock: its time zone (IANA name) and, for `persian`, the
//! Solar Hijri date next to the Gregorian one. Pure: [`format_time`] takes a Unix time.
//!
//! The zones of khabar's regions keep one offset all year today, so they are a small table of
//! offsets (no zone database is linked in); Iran's summer time, abolished in 2022, is applied
//! to earlier dates. Names outside the table are refused by [`Zone::parse`]; a tab without a
//! zone uses the system's ([`Zone::System`]).

use chrono::{DateTime, Datelike, FixedOffset, Local, NaiveDate, Offset, TimeZone, Utc};

/// Zones with one fixed offset: IANA name, offset in minutes east of UTC, abbreviation (empty:
/// show the offset, as the zone database does).
const FIXED_ZONES: [(&str, i32, &str); 22] = [
    ("Asia/Karachi", 300, "PKT"),
    ("Asia/Kabul", 270, ""),
    ("Asia/Dubai", 240, ""),
    ("Asia/Muscat", 240, ""),
    ("Asia/Riyadh", 180, ""),
    ("Asia/Baghdad", 180, ""),
    ("Asia/Qatar", 180, ""),
    ("Asia/Kuwait", 180, ""),
    ("Asia/Bahrain", 180, ""),
    ("Asia/Aden", 180, ""),
    ("Asia/Amman", 180, ""),
    ("Asia/Damascus", 180, ""),
    ("Asia/Kolkata", 330, "IST"),
    ("Asia/Dhaka", 360, ""),
    ("Asia/Tashkent", 300, ""),
    ("Asia/Dushanbe", 300, ""),
    ("Asia/Ashgabat", 300, ""),
    ("Asia/Shanghai", 480, "CST"),
    ("Asia/Tokyo", 540, "JST"),
    ("Etc/UTC", 0, "UTC"),
    ("UTC", 0, "UTC"),
    ("GMT", 0, "GMT"),
];

/// A tab's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The system's zone.
    System,
    /// A zone from the table, by index.
    Fixed(usize),
    /// Asia/Tehran (+0330; +0430 in summer before 2023).
    Tehran,
}

/// A tab's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Calendar {
    /// Gregorian dates only.
    #[default]
    Gregorian,
    /// The Solar Hijri date as well.
    Persian,
}

impl Calendar {
    /// Parses a config value (`gregorian`, `persian`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "gregorian" => Some(Self::Gregorian),
            "persian" | "solar-hijri" | "jalali" => Some(Self::Persian),
            _ => None,
        }
    }
}

impl Zone {
    /// Parses an IANA name khabar knows.
    pub fn parse(name: &str) -> Option<Self> {
        if name == "Asia/Tehran" {
            return Some(Self::Tehran);
        }
        FIXED_ZONES
            .iter()
            .position(|(n, _, _)| *n == name)
            .map(Self::Fixed)
    }

    /// The IANA names [`Zone::parse`] accepts.
    pub fn known_names() -> impl Iterator<Item = &'static str> {
        std::iter::once("Asia/Tehran").chain(FIXED_ZONES.iter().map(|z| z.0))
    }
}

/// The default zone for a region id: Pakistan and its provinces Asia/Karachi, Afghanistan
/// Asia/Kabul, Iran Asia/Tehran, anything else the system's.
pub fn default_zone(region: &str) -> Zone {
    match region {
        "pakistan" | "balochistan" | "kp" | "punjab" | "sindh" | "gilgit" => {
            Zone::parse("Asia/Karachi").unwrap_or(Zone::System)
        }
        "afghanistan" => Zone::parse("Asia/Kabul").unwrap_or(Zone::System),
        "iran" => Zone::Tehran,
        _ => Zone::System,
    }
}

/// The default calendar for a region id: persian for Iran and Afghanistan.
pub fn default_calendar(region: &str) -> Calendar {
    match region {
        "iran" | "afghanistan" => Calendar::Persian,
        _ => Calendar::Gregorian,
    }
}

/// A Solar Hijri date: year, month (1 to 12), day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersianDate {
    /// Year (1405 began on 2026-03-21).
    pub year: i32,
    /// Month, 1 (Farvardin) to 12 (Esfand).
    pub month: u32,
    /// Day of the month.
    pub day: u32,
}

impl std::fmt::Display for PersianDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Whether a Solar Hijri year has 366 days (the 33-year arithmetic rule, which agrees with
/// the astronomical calendar for the years around today: 1399, 1403, 1408 are leap years).
pub fn persian_leap(year: i32) -> bool {
    (25 * i64::from(year) + 11).rem_euclid(33) < 8
}

/// The Solar Hijri date of a Gregorian date.
pub fn to_persian(date: NaiveDate) -> PersianDate {
    // 1 Farvardin 1405 is 2026-03-21.
    let epoch = NaiveDate::from_ymd_opt(2026, 3, 21).unwrap_or(NaiveDate::MIN);
    let mut days = (date - epoch).num_days();
    let mut year = 1405;
    let len = |y: i32| if persian_leap(y) { 366 } else { 365 };
    while days < 0 {
        year -= 1;
        days += len(year);
    }
    while days >= len(year) {
        days -= len(year);
        year += 1;
    }
    // Months 1-6 have 31 days, 7-11 have 30, 12 has 29 or 30.
    let (month, day) = if days < 186 {
        (days / 31 + 1, days % 31 + 1)
    } else {
        let d = days - 186;
        (d / 30 + 7, d % 30 + 1)
    };
    PersianDate {
        year,
        month: u32::try_from(month).unwrap_or(1),
        day: u32::try_from(day).unwrap_or(1),
    }
}

/// The offset (seconds east of UTC) and abbreviation of `zone` at a UTC instant.
fn offset_at(zone: Zone, at: DateTime<Utc>) -> (i32, String) {
    match zone {
        Zone::System => {
            let off = Local.offset_from_utc_datetime(&at.naive_utc()).fix();
            (off.local_minus_utc(), String::new())
        }
        Zone::Fixed(i) => {
            let (_, minutes, abbr) = FIXED_ZONES[i.min(FIXED_ZONES.len() - 1)];
            (minutes * 60, abbr.to_string())
        }
        Zone::Tehran => {
            // Summer time (+0430) from 1 Farvardin to 30 Shahrivar until 1401.
            let standard = at + chrono::Duration::seconds(12_600);
            let p = to_persian(standard.date_naive());
            let summer = p.year <= 1401 && p.year >= 1370 && p.month <= 6;
            (if summer { 16_200 } else { 12_600 }, String::new())
        }
    }
}

/// `+0430`-style offset.
fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let m = seconds.abs() / 60;
    format!("{sign}{:02}{:02}", m / 60, m % 60)
}

/// Formats a Unix time for a tab: `Tue 24 Nov 2026, 15:00 PKT`, `… 14:30 +0430`, and for
/// the persian calendar the Solar Hijri date after it: `Tue 24 Nov 2026, 13:30 +0330 (1405-09-03)`.
pub fn format_time(unix: i64, zone: Zone, calendar: Calendar) -> String {
    let Some(utc) = DateTime::<Utc>::from_timestamp(unix, 0) else {
        return String::new();
    };
    let (secs, abbr) = offset_at(zone, utc);
    let Some(off) = FixedOffset::east_opt(secs) else {
        return String::new();
    };
    let local = utc.with_timezone(&off);
    let label = if abbr.is_empty() {
        offset_text(secs)
    } else {
        abbr
    };
    let mut out = format!(
        "{}, {} {label}",
        local.format("%a %-d %b %Y"),
        local.format("%H:%M")
    );
    if calendar == Calendar::Persian {
        let p = to_persian(local.date_naive());
        out.push_str(&format!(" ({p})"));
    }
    let _ = local.weekday();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn p(year: i32, month: u32, day: u32) -> PersianDate {
        PersianDate { year, month, day }
    }

    #[test]
    fn nowruz_and_known_persian_dates() {
        assert_eq!(to_persian(d(2026, 3, 21)), p(1405, 1, 1));
        assert_eq!(to_persian(d(2026, 3, 20)), p(1404, 12, 29));
        assert_eq!(to_persian(d(2025, 3, 21)), p(1404, 1, 1));
        // 1403 was a leap year: Esfand had 30 days, Nowruz 1403 fell on 2024-03-20.
        assert_eq!(to_persian(d(2025, 3, 20)), p(1403, 12, 30));
        assert_eq!(to_persian(d(2024, 3, 20)), p(1403, 1, 1));
        assert_eq!(to_persian(d(2026, 11, 24)), p(1405, 9, 3));
        assert_eq!(to_persian(d(2026, 12, 2)), p(1405, 9, 11));
        // 1 Mehr (month 7) follows 31 Shahrivar.
        assert_eq!(to_persian(d(2026, 9, 23)), p(1405, 7, 1));
        assert_eq!(to_persian(d(2026, 9, 22)), p(1405, 6, 31));
        assert_eq!(to_persian(d(2000, 1, 1)), p(1378, 10, 11));
        assert!(persian_leap(1399) && persian_leap(1403) && persian_leap(1408));
        assert!(!persian_leap(1404) && !persian_leap(1405));
    }

    #[test]
    fn formats_in_the_tab_zone() {
        // 2026-11-24 10:00 UTC.
        let t = 1_795_514_400;
        let karachi = Zone::parse("Asia/Karachi").unwrap();
        assert_eq!(
            format_time(t, karachi, Calendar::Gregorian),
            "Tue 24 Nov 2026, 15:00 PKT"
        );
        let kabul = Zone::parse("Asia/Kabul").unwrap();
        assert_eq!(
            format_time(t, kabul, Calendar::Persian),
            "Tue 24 Nov 2026, 14:30 +0430 (1405-09-03)"
        );
        assert_eq!(
            format_time(t, Zone::Tehran, Calendar::Persian),
            "Tue 24 Nov 2026, 13:30 +0330 (1405-09-03)"
        );
        // The Persian date follows the local date: 22:00 UTC is the next day in Tehran.
        assert_eq!(
            format_time(t + 12 * 3600, Zone::Tehran, Calendar::Persian),
            "Wed 25 Nov 2026, 01:30 +0330 (1405-09-04)"
        );
        // Iran's summer time before 2023: 2021-07-01 12:00 UTC.
        assert_eq!(
            format_time(1_625_140_800, Zone::Tehran, Calendar::Gregorian),
            "Thu 1 Jul 2021, 16:30 +0430"
        );
    }

    #[test]
    fn defaults_by_region() {
        assert_eq!(default_zone("kp"), Zone::parse("Asia/Karachi").unwrap());
        assert_eq!(
            default_zone("afghanistan"),
            Zone::parse("Asia/Kabul").unwrap()
        );
        assert_eq!(default_zone("iran"), Zone::Tehran);
        assert_eq!(default_zone("world"), Zone::System);
        assert_eq!(default_calendar("iran"), Calendar::Persian);
        assert_eq!(default_calendar("afghanistan"), Calendar::Persian);
        assert_eq!(default_calendar("pakistan"), Calendar::Gregorian);
        assert_eq!(Zone::parse("Mars/Olympus"), None);
        assert_eq!(Calendar::parse("persian"), Some(Calendar::Persian));
    }
}
