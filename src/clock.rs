//! Published times in a tab's own clock: its time zone (any IANA name, with daylight saving
//! time and past rule changes from the zone database that `jiff` bundles) and, for
//! `persian`, the Solar Hijri date next to the Gregorian one (from `icu_calendar`). Pure apart
//! from [`Zone::system`]: [`format_time`] takes a Unix time.

use jiff::tz::TimeZone;

/// A tab's time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone(TimeZone);

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
    /// The zone of an IANA name (`Asia/Karachi`), if the zone database has it.
    pub fn parse(name: &str) -> Option<Self> {
        TimeZone::get(name).ok().map(Self)
    }

    /// The system's zone (`TZ`, else `/etc/localtime`; UTC if neither says).
    pub fn system() -> Self {
        Self(TimeZone::try_system().unwrap_or(TimeZone::UTC))
    }

    /// A zone `seconds` east of UTC all year (for tests and for callers that only know an
    /// offset).
    pub fn fixed(seconds: i32) -> Self {
        let offset = jiff::tz::Offset::from_seconds(seconds).unwrap_or(jiff::tz::Offset::UTC);
        Self(TimeZone::fixed(offset))
    }
}

/// The zone a region's tab uses unless it sets one: Pakistan and its provinces Asia/Karachi,
/// Afghanistan Asia/Kabul, Iran Asia/Tehran; `None` for anything else (the system's zone).
pub fn default_zone_name(region: &str) -> Option<&'static str> {
    match region {
        "pakistan" | "balochistan" | "kp" | "punjab" | "sindh" | "gilgit" => Some("Asia/Karachi"),
        "afghanistan" => Some("Asia/Kabul"),
        "iran" => Some("Asia/Tehran"),
        _ => None,
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
    pub month: u8,
    /// Day of the month.
    pub day: u8,
}

impl std::fmt::Display for PersianDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The Solar Hijri date of a Gregorian date, `None` outside the range the calendar handles.
pub fn to_persian(date: jiff::civil::Date) -> Option<PersianDate> {
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    let iso = icu_calendar::Date::try_new_iso(i32::from(date.year()), month, day).ok()?;
    let persian = iso.to_calendar(icu_calendar::cal::Persian);
    Some(PersianDate {
        year: persian.era_year().year,
        month: persian.month().ordinal,
        day: persian.day_of_month().0,
    })
}

/// Formats a Unix time for a tab: `Tue 24 Nov 2026, 15:00 PKT`, `… 14:30 +0430` where the
/// zone has no abbreviation, and with the persian calendar the Solar Hijri date after it:
/// `Tue 24 Nov 2026, 13:30 +0330 (1405-09-03)`.
pub fn format_time(unix: i64, zone: &Zone, calendar: Calendar) -> String {
    let Ok(at) = jiff::Timestamp::from_second(unix) else {
        return String::new();
    };
    let local = at.to_zoned_datetime(zone.0.clone());
    let mut out = local.strftime("%a %-d %b %Y, %H:%M %Z").to_string();
    if calendar == Calendar::Persian {
        if let Some(p) = to_persian(local.date()) {
            out.push_str(&format!(" ({p})"));
        }
    }
    out
}

/// The short form for the status line: `Tue 24 Nov 15:00 PKT`, with the Solar Hijri date
/// after it for the persian calendar: `Tue 24 Nov 13:30 +0330 · 1405-09-03`.
pub fn format_short(unix: i64, zone: &Zone, calendar: Calendar) -> String {
    let Ok(at) = jiff::Timestamp::from_second(unix) else {
        return String::new();
    };
    let local = at.to_zoned_datetime(zone.0.clone());
    let mut out = local.strftime("%a %-d %b %H:%M %Z").to_string();
    if calendar == Calendar::Persian {
        if let Some(p) = to_persian(local.date()) {
            out.push_str(&format!(" · {p}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> jiff::civil::Date {
        jiff::civil::date(y, m, day)
    }

    fn p(year: i32, month: u8, day: u8) -> Option<PersianDate> {
        Some(PersianDate { year, month, day })
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
    }

    #[test]
    fn formats_in_the_tab_zone() {
        // 2026-11-24 10:00 UTC.
        let t = 1_795_514_400;
        let zone = |name| Zone::parse(name).unwrap();
        assert_eq!(
            format_time(t, &zone("Asia/Karachi"), Calendar::Gregorian),
            "Tue 24 Nov 2026, 15:00 PKT"
        );
        assert_eq!(
            format_time(t, &zone("Asia/Kabul"), Calendar::Persian),
            "Tue 24 Nov 2026, 14:30 +0430 (1405-09-03)"
        );
        assert_eq!(
            format_time(t, &zone("Asia/Tehran"), Calendar::Persian),
            "Tue 24 Nov 2026, 13:30 +0330 (1405-09-03)"
        );
        // The Persian date follows the local date: 22:00 UTC is the next day in Tehran.
        assert_eq!(
            format_time(t + 12 * 3600, &zone("Asia/Tehran"), Calendar::Persian),
            "Wed 25 Nov 2026, 01:30 +0330 (1405-09-04)"
        );
        // Iran's summer time before 2023: 2021-07-01 12:00 UTC.
        assert_eq!(
            format_time(1_625_140_800, &zone("Asia/Tehran"), Calendar::Gregorian),
            "Thu 1 Jul 2021, 16:30 +0430"
        );
        // Zones with daylight saving time today: Beirut in summer and in winter.
        assert_eq!(
            format_time(1_782_907_200, &zone("Asia/Beirut"), Calendar::Gregorian),
            "Wed 1 Jul 2026, 15:00 EEST"
        );
        assert_eq!(
            format_time(t, &zone("Asia/Beirut"), Calendar::Gregorian),
            "Tue 24 Nov 2026, 12:00 EET"
        );
        assert_eq!(
            format_time(t, &Zone::fixed(3600), Calendar::Gregorian),
            "Tue 24 Nov 2026, 11:00 +01"
        );
        assert_eq!(
            format_short(t, &zone("Asia/Tehran"), Calendar::Persian),
            "Tue 24 Nov 13:30 +0330 · 1405-09-03"
        );
        assert_eq!(
            format_short(t, &zone("Asia/Karachi"), Calendar::Gregorian),
            "Tue 24 Nov 15:00 PKT"
        );
    }

    #[test]
    fn defaults_by_region() {
        assert_eq!(default_zone_name("kp"), Some("Asia/Karachi"));
        assert_eq!(default_zone_name("afghanistan"), Some("Asia/Kabul"));
        assert_eq!(default_zone_name("iran"), Some("Asia/Tehran"));
        assert_eq!(default_zone_name("world"), None);
        assert_eq!(default_calendar("iran"), Calendar::Persian);
        assert_eq!(default_calendar("afghanistan"), Calendar::Persian);
        assert_eq!(default_calendar("pakistan"), Calendar::Gregorian);
        assert_eq!(Zone::parse("Mars/Olympus"), None);
        assert_eq!(Calendar::parse("persian"), Some(Calendar::Persian));
    }
}
