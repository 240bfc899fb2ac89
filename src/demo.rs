//! The demo programme, taken from the source document of the fair "Úspěch pro každého žáka"
//! (`shared/seeds/`): its seven workshops with their speakers, the exhibitors, the emerging district
//! partnerships by region, the regional meetings of spring 2022 (which stay in the past) and an
//! upcoming series of sharing meetings every five weeks. Rooms, times and capacities are invented.
//!
//! The fair and the series are placed after the day of loading, so a newcomer can sign up at once.
//! Loading is idempotent: when the fair's slug exists, nothing is written.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::{Europe::Prague, Tz};
use entity::{
    activity, activity_district, district, enums::*, exhibitor, fair, meeting_series, partnership,
    region, speaker,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter};

use crate::{db::Db, domain::slug::slugify};

pub const FAIR_SLUG: &str = "uspech-pro-kazdeho-zaka";
const FAIR_NAME: &str = "Úspěch pro každého žáka";
const TOPIC: &str = "Průřezová témata OP";

/// (speaker, organisation)
type Speaker = (&'static str, &'static str);
/// (title, speakers, room, slot index, capacity)
type Workshop = (&'static str, &'static [Speaker], &'static str, usize, i32);
/// (hour, minute) on the fair's wall clock.
type Clock = (u32, u32);

const WORKSHOPS: &[Workshop] = &[
    (
        "Proč a jak rozvíjet pedagogický leadership vedení škol?",
        &[("L. Pospíšil", "Učitel naživo")],
        "Sál A",
        0,
        40,
    ),
    (
        "Jak se společně s učiteli a řediteli učíme být ještě lepšími učiteli a řediteli?",
        &[
            ("H. Košťálová", "Pomáháme školám k úspěchu"),
            ("M. Kafková", "Pomáháme školám k úspěchu"),
        ],
        "Sál B",
        0,
        30,
    ),
    (
        "Jak rozvíjet wellbeing žáků?",
        &[("F. Halada", "Asociace ředitelů základních škol")],
        "Učebna 1",
        0,
        25,
    ),
    (
        "Jak propojovat formální a neformální vzdělávání?",
        &[("A. Sedláček", "Česká rada dětí a mládeže")],
        "Sál A",
        1,
        40,
    ),
    (
        "Jak využívat indikátory kvality učení dětí?",
        &[("V. Korbel", "PAQ Research")],
        "Sál B",
        1,
        30,
    ),
    (
        "Jak zapojovat děti z Ukrajiny do vzdělávání a místních komunit?",
        &[("M. Pošíková", "NS MAS")],
        "Sál A",
        2,
        35,
    ),
    (
        "Ředitel zavalený papíry a byrokracií. Jak a kde mu usnadnit práci, aby se mohl věnovat \
         kvalitě výuky a řízení svých učitelů?",
        &[("M. Hřebecký", "EDUin")],
        "Sál B",
        2,
        30,
    ),
];

/// Local start and end of each parallel slot on the fair's day.
const SLOTS: &[(Clock, Clock)] = &[((9, 30), (11, 0)), ((11, 30), (13, 0)), ((14, 0), (15, 30))];

const EXHIBITORS: &[&str] = &[
    "AISIS",
    "Asociace ředitelů ZŠ",
    "CIRQUEON",
    "ČOSIV",
    "Člověk v tísni",
    "DOFE",
    "EDUin",
    "Elixír do škol",
    "H-edu",
    "H-mat",
    "JOB",
    "META",
    "Nadační fond Eduzměna",
    "Národní pedagogický institut ČR",
    "Nová škola",
    "Pomáháme školám k úspěchu",
    "Step by Step ČR",
    "Učitel naživo",
    "Ústav pro studium totalitních režimů",
];

/// "Příklady vznikajících Okresních Partnerství (květen 2022)".
const REGIONS: &[(&str, &[&str])] = &[
    ("Kraj Vysočina", &["Pelhřimov", "Jihlava"]),
    ("Královéhradecký kraj", &["Trutnov", "Rychnov n. Kněžnou"]),
    ("Moravskoslezský kraj", &["Bruntál", "Opava"]),
    ("Olomoucký kraj", &["Jeseník", "Šumperk"]),
    ("Středočeský kraj", &["Benešov", "Příbram", "Kolín"]),
    ("Jihomoravský kraj", &["Brno-Venkov"]),
];

/// A past regional meeting: title, place, local date, start/end hours, region, districts.
struct PastMeeting {
    title: &'static str,
    place: &'static str,
    date: (i32, u32, u32),
    hours: (u32, u32),
    region: Option<&'static str>,
    districts: &'static [&'static str],
}

const PAST_MEETINGS: &[PastMeeting] = &[
    PastMeeting {
        title: "Setkání s iniciátory Okresních Partnerství",
        place: "Praha",
        date: (2022, 5, 10),
        hours: (10, 15),
        region: None,
        districts: &[],
    },
    PastMeeting {
        title: "Společné setkání OP Opava a OP Bruntál",
        place: "Krnov",
        date: (2022, 5, 2),
        hours: (9, 13),
        region: Some("Moravskoslezský kraj"),
        districts: &["Opava", "Bruntál"],
    },
    PastMeeting {
        title: "Krajské informační setkání k tématu SČP a OP společně s MŠMT",
        place: "Olomouc",
        date: (2022, 4, 12),
        hours: (13, 16),
        region: Some("Olomoucký kraj"),
        districts: &["Jeseník", "Šumperk"],
    },
];

const SERIES_TITLE: &str = "Sdílení zkušeností iniciátorů Okresních Partnerství";
const SERIES_INTERVAL_DAYS: i64 = 35;
const SERIES_OCCURRENCES: i64 = 6;

/// Loads the demo programme unless it is there. Returns whether anything was written.
pub async fn load(db: &Db, today: NaiveDate) -> Result<bool, DbErr> {
    let txn = db.begin_write().await?;
    let exists = fair::Entity::find()
        .filter(fair::Column::Slug.eq(FAIR_SLUG))
        .one(&*txn)
        .await?
        .is_some();
    if exists {
        return Ok(false);
    }
    let now = Utc::now();

    let fair_day = first_weekday_after(today + Duration::weeks(6), Weekday::Tue);
    let fair = fair::ActiveModel {
        slug: Set(FAIR_SLUG.into()),
        name: Set(FAIR_NAME.into()),
        venue: Set("Kampus Hybernská, Hybernská 4, Praha 1".into()),
        description: Set(
            "Veletrh pro ředitele, učitele a pracovníky MAP a ORP: workshopy na \
            průřezová témata Okresních Partnerství pro vzdělávání 2030+ a síťování s odbornými \
            organizacemi."
                .into(),
        ),
        timezone: Set(Prague.name().into()),
        starts_at: Set(local(fair_day, 9, 0)),
        ends_at: Set(local(fair_day, 16, 0)),
        registration_opens_at: Set(Some(now)),
        registration_closes_at: Set(Some(local(fair_day - Duration::days(1), 23, 59))),
        status: Set(ActivityStatus::Scheduled),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;

    for &(title, speakers, room, slot, capacity) in WORKSHOPS {
        let ((sh, sm), (eh, em)) = SLOTS[slot];
        let workshop = activity::ActiveModel {
            kind: Set(ActivityKind::Workshop),
            fair_id: Set(Some(fair.id)),
            title: Set(title.into()),
            description: Set(String::new()),
            topic: Set(Some(TOPIC.into())),
            room: Set(Some(room.into())),
            starts_at: Set(local(fair_day, sh, sm)),
            ends_at: Set(local(fair_day, eh, em)),
            capacity: Set(capacity),
            ..new_activity(now)
        }
        .insert(&*txn)
        .await?;
        for (position, &(name, organisation)) in speakers.iter().enumerate() {
            speaker::ActiveModel {
                activity_id: Set(workshop.id),
                position: Set(position as i32),
                name: Set(name.into()),
                organisation: Set(Some(organisation.into())),
                ..Default::default()
            }
            .insert(&*txn)
            .await?;
        }
    }

    for (n, &name) in EXHIBITORS.iter().enumerate() {
        exhibitor::ActiveModel {
            fair_id: Set(fair.id),
            name: Set(name.into()),
            description: Set(String::new()),
            stand: Set(Some(format!("{}", n + 1))),
            status: Set(ExhibitorStatus::Approved),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }

    let mut regions = Vec::new();
    let mut districts = Vec::new();
    for &(region_name, district_names) in REGIONS {
        let region = region::ActiveModel {
            slug: Set(slugify(region_name)),
            name: Set(region_name.into()),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
        for &name in district_names {
            let district = district::ActiveModel {
                region_id: Set(region.id),
                slug: Set(slugify(name)),
                name: Set(name.into()),
                ..Default::default()
            }
            .insert(&*txn)
            .await?;
            partnership::ActiveModel {
                district_id: Set(district.id),
                name: Set(format!("Okresní Partnerství {name}")),
                initiators: Set(format!(
                    "Organizace realizující MAP v okrese {name}, ORP a {region_name}"
                )),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&*txn)
            .await?;
            districts.push(district);
        }
        regions.push(region);
    }
    let region_id = |name: &str| regions.iter().find(|r| r.name == name).map(|r| r.id);
    let district_id = |name: &str| districts.iter().find(|d| d.name == name).map(|d| d.id);

    for meeting in PAST_MEETINGS {
        let (y, m, d) = meeting.date;
        let day = NaiveDate::from_ymd_opt(y, m, d).expect("a valid date in the table");
        let saved = activity::ActiveModel {
            kind: Set(ActivityKind::Meeting),
            region_id: Set(meeting.region.and_then(region_id)),
            title: Set(meeting.title.into()),
            description: Set(String::new()),
            place: Set(Some(meeting.place.into())),
            starts_at: Set(local(day, meeting.hours.0, 0)),
            ends_at: Set(local(day, meeting.hours.1, 0)),
            capacity: Set(40),
            ..new_activity(now)
        }
        .insert(&*txn)
        .await?;
        for &name in meeting.districts {
            let id = district_id(name).expect("district listed in REGIONS");
            activity_district::ActiveModel {
                activity_id: Set(saved.id),
                district_id: Set(id),
            }
            .insert(&*txn)
            .await?;
        }
    }

    let series = meeting_series::ActiveModel {
        title: Set(SERIES_TITLE.into()),
        region_id: Set(None),
        interval_days: Set(SERIES_INTERVAL_DAYS as i32),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let first = first_weekday_after(today + Duration::weeks(2), Weekday::Wed);
    for n in 0..SERIES_OCCURRENCES {
        let day = first + Duration::days(n * SERIES_INTERVAL_DAYS);
        activity::ActiveModel {
            kind: Set(ActivityKind::Meeting),
            series_id: Set(Some(series.id)),
            title: Set(SERIES_TITLE.into()),
            description: Set("Sdílení zkušeností všech iniciátorů OP, jednou za 4–6 týdnů.".into()),
            place: Set(Some("online".into())),
            online_url: Set(Some("https://meet.jit.si/SdileniIniciatoruOP".into())),
            starts_at: Set(local(day, 14, 0)),
            ends_at: Set(local(day, 16, 0)),
            capacity: Set(60),
            ..new_activity(now)
        }
        .insert(&*txn)
        .await?;
    }

    txn.commit().await?;
    Ok(true)
}

fn new_activity(now: DateTime<Utc>) -> activity::ActiveModel {
    activity::ActiveModel {
        taken: Set(0),
        waitlist_enabled: Set(true),
        status: Set(ActivityStatus::Scheduled),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

fn first_weekday_after(day: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - day.weekday().num_days_from_monday()) % 7;
    day + Duration::days(ahead.into())
}

/// A wall-clock time in Prague as a UTC instant. The demo's times never fall in a DST gap.
fn local(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).expect("a valid time in the table");
    zoned(Prague, day, time)
}

fn zoned(tz: Tz, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    tz.from_local_datetime(&day.and_time(time))
        .earliest()
        .expect("demo times avoid the spring-forward gap")
        .with_timezone(&Utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fair_falls_on_a_tuesday_at_least_six_weeks_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let day = first_weekday_after(today + Duration::weeks(6), Weekday::Tue);
        assert_eq!(day.weekday(), Weekday::Tue);
        assert!(day - today >= Duration::weeks(6) && day - today < Duration::weeks(7));
    }

    #[test]
    fn prague_local_times_follow_daylight_saving() {
        let winter = local(NaiveDate::from_ymd_opt(2027, 1, 12).unwrap(), 9, 30);
        let summer = local(NaiveDate::from_ymd_opt(2022, 5, 10).unwrap(), 9, 30);
        assert_eq!(winter.format("%H:%M").to_string(), "08:30");
        assert_eq!(summer.format("%H:%M").to_string(), "07:30");
    }

    #[test]
    fn every_slot_index_and_meeting_district_exists() {
        assert!(WORKSHOPS.iter().all(|w| w.3 < SLOTS.len()));
        assert_eq!(WORKSHOPS.len(), 7, "the seven workshops of the seed");
        let all: Vec<&str> = REGIONS.iter().flat_map(|r| r.1.iter().copied()).collect();
        for m in PAST_MEETINGS {
            assert!(m.districts.iter().all(|d| all.contains(d)), "{}", m.title);
        }
    }
}
