//! Languages and the user-facing strings of pages and errors.
//!
//! Every string is one row holding both languages, so neither can be missing. Czech is the default.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Cs,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Cs => "cs",
            Lang::En => "en",
        }
    }

    /// `cs` or `en` (any case, with or without a region); anything else is `None`.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "cs" | "cz" => Some(Lang::Cs),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, in the client's order.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut tags: Vec<(f32, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((q, i, tag))
            })
            .collect();
        tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        tags.into_iter()
            .find_map(|(q, _, tag)| (q > 0.0).then(|| Lang::parse(tag)).flatten())
    }

    /// The text of `key` in this language; an unknown key shows itself, so it is noticed.
    pub fn text(self, key: &str) -> &'static str {
        match TEXTS.binary_search_by(|row| row.0.cmp(key)) {
            Ok(i) => match self {
                Lang::Cs => TEXTS[i].1,
                Lang::En => TEXTS[i].2,
            },
            Err(_) => "??",
        }
    }

    /// The message of a field error in this language, with its detail filled in.
    pub fn field_error(self, error: &crate::domain::FieldError) -> String {
        let template = self.text(&format!("error.{}", error.code));
        template.replace("{detail}", error.detail.as_deref().unwrap_or_default())
    }

    /// "út 12. 5. 2026 9:30–11:00" / "Tue 12 May 2026, 9:30–11:00" in the activity's zone.
    pub fn when(self, start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> String {
        let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
        let day = self.date(start, tz);
        let (sh, sm, eh, em) = (s.hour(), s.minute(), e.hour(), e.minute());
        if s.date_naive() == e.date_naive() {
            match self {
                Lang::Cs => format!("{day} {sh}:{sm:02}–{eh}:{em:02}"),
                Lang::En => format!("{day}, {sh}:{sm:02}–{eh}:{em:02}"),
            }
        } else {
            let end_day = self.date(end, tz);
            match self {
                Lang::Cs => format!("{day} {sh}:{sm:02} – {end_day} {eh}:{em:02}"),
                Lang::En => format!("{day}, {sh}:{sm:02} – {end_day}, {eh}:{em:02}"),
            }
        }
    }

    /// "st 13. 1. 2027 8:30" / "Wed 13 Jan 2027 8:30" in zone `tz`.
    pub fn moment(self, at: DateTime<Utc>, tz: Tz) -> String {
        let local = at.with_timezone(&tz);
        format!(
            "{} {}:{:02}",
            self.date(at, tz),
            local.hour(),
            local.minute()
        )
    }

    /// "út 12. 5. 2026" / "Tue 12 May 2026".
    pub fn date(self, at: DateTime<Utc>, tz: Tz) -> String {
        let t = at.with_timezone(&tz);
        let wd = t.weekday().num_days_from_monday() as usize;
        match self {
            Lang::Cs => {
                const DAYS: [&str; 7] = ["po", "út", "st", "čt", "pá", "so", "ne"];
                format!("{} {}. {}. {}", DAYS[wd], t.day(), t.month(), t.year())
            }
            Lang::En => {
                const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
                const MONTHS: [&str; 12] = [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ];
                let month = MONTHS[t.month0() as usize];
                format!("{} {} {month} {}", DAYS[wd], t.day(), t.year())
            }
        }
    }
}

/// `path` or URL (which may carry a query and a fragment) with `lang=` set to `lang`: the
/// links between pages keep the visitor's language, an email's links open in the email's.
pub fn with_lang(path: &str, lang: Lang) -> String {
    let (path, fragment) = match path.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (path, None),
    };
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if k != "lang" {
            out.append_pair(&k, &v);
        }
    }
    out.append_pair("lang", lang.code());
    let mut link = format!("{path}?{}", out.finish());
    if let Some(fragment) = fragment {
        link.push('#');
        link.push_str(fragment);
    }
    link
}

/// (key, Czech, English), sorted by key (a unit test checks the order).
const TEXTS: &[(&str, &str, &str)] = &[
    ("activity.districts", "Okresy", "Districts"),
    (
        "activity.join_waitlist",
        "Zapsat se na čekací listinu",
        "Join the waiting list",
    ),
    (
        "activity.not_bookable.closed",
        "Přihlašování na tuto akci je uzavřeno.",
        "Registration for this activity is closed.",
    ),
    (
        "activity.not_bookable.not_yet_open",
        "Přihlašování na tuto akci ještě nezačalo.",
        "Registration for this activity has not opened yet.",
    ),
    (
        "activity.not_bookable.open",
        "Akce je plně obsazena.",
        "This activity is full.",
    ),
    ("activity.place", "Místo", "Place"),
    ("activity.room", "Místnost", "Room"),
    ("activity.seats", "Místa", "Seats"),
    ("activity.sign_up", "Přihlásit se", "Sign up"),
    ("activity.speakers", "Přednášející", "Speakers"),
    ("activity.topic", "Téma", "Topic"),
    ("activity.when", "Kdy", "When"),
    (
        "admin.accept.password_again",
        "Heslo znovu",
        "Password again",
    ),
    (
        "admin.accept.password_hint",
        "Alespoň {min} znaků. Delší věta se pamatuje snáz než složité heslo.",
        "At least {min} characters. A longer sentence is easier to remember than a complicated password.",
    ),
    (
        "admin.accept.submit",
        "Nastavit heslo a přijmout",
        "Set the password and accept",
    ),
    (
        "admin.accept.title",
        "Přijetí pozvánky do organizačního týmu",
        "Accept the invitation to the organising team",
    ),
    ("admin.activities.edit", "Upravit", "Edit"),
    (
        "admin.activities.new_meeting",
        "Nové setkání",
        "New meeting",
    ),
    (
        "admin.activities.new_workshop",
        "Nový workshop",
        "New workshop",
    ),
    (
        "admin.activities.none",
        "Zatím tu nejsou žádné akce, které můžete spravovat.",
        "There are no activities you can manage yet.",
    ),
    (
        "admin.activities.rating",
        "hodnocení {average} z 5 ({count}×)",
        "rated {average} out of 5 ({count}×)",
    ),
    (
        "admin.activities.seats",
        "Obsazeno {taken} z {capacity} míst",
        "{taken} of {capacity} seats taken",
    ),
    (
        "admin.activities.title",
        "Workshopy a setkání",
        "Workshops and meetings",
    ),
    (
        "admin.activity.back",
        "Zpět na seznam akcí",
        "Back to the list of activities",
    ),
    (
        "admin.activity.cancel_submit",
        "Zrušit akci",
        "Cancel the activity",
    ),
    (
        "admin.activity.cancel_text",
        "Akce zůstane v kalendářích jako zrušená, všechny přihlášky se zruší a přihlášení dostanou e-mail s důvodem.",
        "The activity stays in calendars as cancelled, every sign-up is cancelled and the people signed up get an email with the reason.",
    ),
    (
        "admin.activity.cancel_title",
        "Zrušení akce",
        "Cancel the activity",
    ),
    ("admin.activity.create", "Vytvořit", "Create"),
    (
        "admin.activity.details",
        "Údaje o akci",
        "Details of the activity",
    ),
    ("admin.activity.new_title", "Nová akce", "New activity"),
    (
        "admin.activity.public_page",
        "Veřejná stránka",
        "Public page",
    ),
    ("admin.activity.revision", "Verze", "Revision"),
    ("admin.activity.save", "Uložit změny", "Save changes"),
    (
        "admin.activity.save_hint",
        "Při změně času nebo místa dostanou přihlášení e-mail s původním a novým údajem.",
        "When the time or place changes, the people signed up get an email with the old and the new details.",
    ),
    (
        "admin.attendees.add_submit",
        "Přidat a potvrdit",
        "Add and confirm",
    ),
    (
        "admin.attendees.add_text",
        "Přidaný člověk má místo hned potvrzené a dostane e-mail s odkazem na správu přihlášky. Platí kapacita, časové překrývání i limit na školu.",
        "The person added has a confirmed seat at once and gets an email with the link to manage the sign-up. Capacity, overlaps and the per-school limit apply.",
    ),
    (
        "admin.attendees.add_title",
        "Přidat účastníka",
        "Add an attendee",
    ),
    (
        "admin.attendees.cancel_submit",
        "Zrušit přihlášku",
        "Cancel the sign-up",
    ),
    (
        "admin.attendees.change",
        "Přesunout nebo zrušit",
        "Move or cancel",
    ),
    ("admin.attendees.columns", "Sloupce", "Columns"),
    (
        "admin.attendees.columns_hint",
        "Vyberte jen údaje, které opravdu potřebujete.",
        "Pick only the data you really need.",
    ),
    (
        "admin.attendees.count",
        "Přihlášek: {count}",
        "Sign-ups: {count}",
    ),
    ("admin.attendees.download", "Stáhnout", "Download"),
    (
        "admin.attendees.export_title",
        "Export seznamu",
        "Export the list",
    ),
    ("admin.attendees.filter", "Filtrovat", "Filter"),
    ("admin.attendees.first_page", "První stránka", "First page"),
    ("admin.attendees.format", "Formát", "Format"),
    (
        "admin.attendees.format.csv",
        "CSV (UTF-8, čárky)",
        "CSV (UTF-8, commas)",
    ),
    (
        "admin.attendees.format.csv-excel",
        "CSV pro český Excel (středníky)",
        "CSV for Czech Excel (semicolons)",
    ),
    ("admin.attendees.format.json", "JSON", "JSON"),
    (
        "admin.attendees.format.xlsx",
        "Excel (XLSX)",
        "Excel (XLSX)",
    ),
    (
        "admin.attendees.language",
        "Jazyk e-mailů",
        "Language of emails",
    ),
    ("admin.attendees.link", "Účastníci", "Attendees"),
    ("admin.attendees.move_submit", "Přesunout", "Move"),
    ("admin.attendees.move_to", "Přesunout na", "Move to"),
    ("admin.attendees.next_page", "Další stránka", "Next page"),
    (
        "admin.attendees.none",
        "Žádné přihlášky neodpovídají.",
        "No sign-ups match.",
    ),
    (
        "admin.attendees.notice.added",
        "Účastník je přidán a dostane e-mail.",
        "The attendee was added and will get an email.",
    ),
    (
        "admin.attendees.notice.cancelled",
        "Přihláška je zrušena, místo šlo dál čekajícím a účastník dostane e-mail.",
        "The sign-up was cancelled, the seat went on to the waiting list and the attendee will get an email.",
    ),
    (
        "admin.attendees.notice.messaged",
        "Zpráva se posílá (adresátů: {count}).",
        "The message is on its way (recipients: {count}).",
    ),
    (
        "admin.attendees.notice.moved",
        "Účastník je přesunut a dostane e-mail.",
        "The attendee was moved and will get an email.",
    ),
    (
        "admin.attendees.of_fair",
        "Účastníci veletrhu",
        "Attendees of the fair",
    ),
    ("admin.attendees.search", "Hledat", "Search"),
    (
        "admin.attendees.search_hint",
        "Část jména, e-mailu nebo organizace.",
        "Part of a name, email or organisation.",
    ),
    (
        "admin.attendees.seats_left",
        "volných míst: {count}",
        "seats left: {count}",
    ),
    ("admin.attendees.status", "Stav", "Status"),
    ("admin.attendees.status_all", "všechny", "all"),
    (
        "admin.attendees.status_live",
        "platné (bez zrušených a propadlých)",
        "live (not cancelled or expired)",
    ),
    ("admin.attendees.title", "Účastníci", "Attendees"),
    (
        "admin.attendees.to_activity",
        "Upravit akci",
        "Edit the activity",
    ),
    (
        "admin.attendees.to_fair",
        "Všichni účastníci veletrhu",
        "All attendees of the fair",
    ),
    ("admin.audit.action", "Akce", "Action"),
    ("admin.audit.after", "po", "after"),
    ("admin.audit.any", "cokoli", "any"),
    ("admin.audit.before", "před", "before"),
    ("admin.audit.changed", "změněno", "changed"),
    ("admin.audit.export", "Stáhnout", "Download"),
    ("admin.audit.filter", "Filtrovat", "Filter"),
    ("admin.audit.from", "Od dne", "From"),
    ("admin.audit.none", "Žádné záznamy.", "No entries."),
    ("admin.audit.older", "Starší záznamy", "Older entries"),
    ("admin.audit.organiser", "Kdo", "Who"),
    ("admin.audit.subject_type", "Čeho se týká", "Subject"),
    ("admin.audit.system", "systém", "system"),
    ("admin.audit.title", "Záznam změn", "Audit log"),
    ("admin.audit.to", "Do dne", "To"),
    ("admin.cancelled", "Zrušeno", "Cancelled"),
    ("admin.counts.all", "všechny akce", "all activities"),
    ("admin.counts.districts", "Podle okresů", "By district"),
    ("admin.counts.empty", "Zatím nikdo.", "Nobody yet."),
    ("admin.counts.none", "neuvedeno", "not given"),
    ("admin.counts.people", "Lidí", "People"),
    ("admin.counts.regions", "Podle krajů", "By region"),
    ("admin.counts.registrations", "Přihlášek", "Sign-ups"),
    ("admin.counts.school", "Škola", "School"),
    ("admin.counts.schools", "Podle škol", "By school"),
    (
        "admin.counts.text",
        "Platné přihlášky (potvrzené, čekající, na čekací listině, zúčastnění) na akce, které smíte vidět. Kraj a okres jsou ty, které lidé uvedli při přihlášení; každý člověk se ve skupině počítá jednou.",
        "Live sign-ups (confirmed, pending, waiting, attended) for the activities you may see. The region and district are those people gave when signing up; each person counts once per group.",
    ),
    ("admin.counts.title", "Počty účastníků", "Attendee counts"),
    (
        "admin.counts.total",
        "Celkem {people} lidí, {registrations} přihlášek.",
        "{people} people, {registrations} sign-ups in total.",
    ),
    (
        "admin.district.details",
        "Údaje o okrese",
        "District details",
    ),
    ("admin.district.new_title", "Nový okres", "New district"),
    ("admin.exhibitor.approve", "Schválit", "Approve"),
    (
        "admin.exhibitor.delete",
        "Smazat vystavovatele",
        "Delete exhibitor",
    ),
    ("admin.exhibitor.delete_title", "Smazat", "Delete"),
    (
        "admin.exhibitor.details",
        "Údaje o vystavovateli",
        "Exhibitor details",
    ),
    ("admin.exhibitor.reject", "Zamítnout", "Reject"),
    ("admin.exhibitor.stand", "Stánek", "Stand"),
    (
        "admin.exhibitor.status.applied",
        "přihláška čeká",
        "application pending",
    ),
    ("admin.exhibitor.status.approved", "schválen", "approved"),
    ("admin.exhibitor.status.rejected", "zamítnut", "rejected"),
    (
        "admin.exhibitor.wished_stand",
        "Požadovaný stánek",
        "Stand asked for",
    ),
    ("admin.exhibitors.all", "Všichni", "All"),
    ("admin.exhibitors.filter", "Stav", "Status"),
    (
        "admin.exhibitors.new",
        "Přidat vystavovatele",
        "Add an exhibitor",
    ),
    (
        "admin.exhibitors.none",
        "Žádní vystavovatelé ani přihlášky.",
        "No exhibitors or applications.",
    ),
    ("admin.exhibitors.show", "Zobrazit", "Show"),
    ("admin.exhibitors.title", "Vystavovatelé", "Exhibitors"),
    (
        "admin.fair.cancel_submit",
        "Zrušit veletrh",
        "Cancel the fair",
    ),
    (
        "admin.fair.cancel_text",
        "Zruší se i všechny workshopy veletrhu a všem přihlášeným přijde e-mail s důvodem. Veletrh i workshopy zůstanou v kalendářích jako zrušené. Vrátit to nelze.",
        "All the fair's workshops are cancelled too and everyone signed up gets an email with the reason. The fair and its workshops stay in calendars as cancelled. This cannot be undone.",
    ),
    (
        "admin.fair.cancel_title",
        "Zrušit veletrh",
        "Cancel the fair",
    ),
    ("admin.fair.details", "Údaje o veletrhu", "Fair details"),
    ("admin.fair.name", "Název veletrhu", "Name of the fair"),
    (
        "admin.fair.registration_closes_at",
        "Přihlašování končí",
        "Sign-ups close",
    ),
    (
        "admin.fair.registration_opens_at",
        "Přihlašování začíná",
        "Sign-ups open",
    ),
    (
        "admin.fair.save_hint",
        "Změna místa konání pošle e-mail všem přihlášeným na workshopy veletrhu; kalendáře se aktualizují.",
        "A new venue emails everyone signed up for the fair's workshops; calendars update.",
    ),
    ("admin.fair.slug", "Adresa", "Address"),
    (
        "admin.fair.slug_fixed",
        "Adresu nelze změnit: je v odkazech na kalendáře.",
        "The address cannot change: calendar subscriptions use it.",
    ),
    (
        "admin.fair.slug_hint",
        "Malá písmena bez diakritiky, číslice a pomlčky, např. uspech-pro-kazdeho-zaka.",
        "Lower-case letters, digits and dashes, e.g. uspech-pro-kazdeho-zaka.",
    ),
    ("admin.fair.timezone", "Časové pásmo", "Time zone"),
    (
        "admin.fair.timezone_hint",
        "Název pásma IANA, např. Europe/Prague. Časy níže se zadávají v tomto pásmu.",
        "An IANA zone name, e.g. Europe/Prague. The times below are in this zone.",
    ),
    ("admin.fair.venue", "Místo konání", "Venue"),
    ("admin.fairs.back", "Zpět na veletrhy", "Back to fairs"),
    ("admin.fairs.new", "Nový veletrh", "New fair"),
    ("admin.fairs.none", "Zatím žádné veletrhy.", "No fairs yet."),
    ("admin.fairs.title", "Veletrhy", "Fairs"),
    ("admin.feedback.comments", "Komentáře", "Comments"),
    (
        "admin.feedback.none",
        "Zatím akci nikdo neohodnotil. Účastníci ji mohou hodnotit z potvrzení o účasti.",
        "Nobody has rated it yet. Participants rate it from their certificate of attendance.",
    ),
    (
        "admin.feedback.summary",
        "Hodnotilo {count} účastníků, průměr {average} z 5.",
        "Rated by {count} participants, {average} out of 5 on average.",
    ),
    (
        "admin.feedback.title",
        "Hodnocení účastníků",
        "Participants' ratings",
    ),
    ("admin.field.capacity", "Počet míst", "Seats"),
    (
        "admin.field.capacity_hint",
        "Zvýšení nabídne uvolněná místa čekajícím; snížit lze nejvýš na počet obsazených míst.",
        "Raising it offers the new seats to the waiting list; it cannot go below the seats already taken.",
    ),
    ("admin.field.description", "Popis", "Description"),
    ("admin.field.ends_at", "Konec", "Ends"),
    ("admin.field.fair", "Veletrh", "Fair"),
    ("admin.field.fair_hint", "u workshopů", "for workshops"),
    ("admin.field.kind", "Druh akce", "Kind of activity"),
    (
        "admin.field.local_time_hint",
        "Místní čas: u workshopu v časovém pásmu jeho veletrhu, u setkání pražský.",
        "Local time: a workshop's in its fair's time zone, a meeting's in Prague's.",
    ),
    ("admin.field.name", "Název", "Name"),
    (
        "admin.field.no_show_release_minutes",
        "Uvolnit místa nepříchozích (minut po začátku)",
        "Release seats of no-shows (minutes after the start)",
    ),
    (
        "admin.field.no_show_release_minutes_hint",
        "Kdo do té doby nebude odbaven u vstupu, přijde o místo; uvolněná místa mohou obsadit příchozí bez přihlášky. Prázdné = neuvolňovat.",
        "Seats of people not checked in by then are released for walk-ins at the door. Empty: never.",
    ),
    (
        "admin.field.online_url",
        "Odkaz pro připojení online",
        "Link to join online",
    ),
    (
        "admin.field.online_url_hint",
        "Jen u akce, která probíhá online (např. Teams nebo Zoom). Dostanou ho ti, kdo mají potvrzené místo, místo QR kódu pro vstup.",
        "Only for an event held online (e.g. Teams or Zoom). Those with a confirmed seat get it instead of an entry QR code.",
    ),
    (
        "admin.field.per_school_limit",
        "Nejvýše lidí z jedné školy",
        "At most people from one school",
    ),
    (
        "admin.field.per_school_limit_hint",
        "Škola se porovnává podle organizace bez ohledu na velikost písmen. Prázdné = bez limitu.",
        "Schools are compared by organisation, ignoring case. Empty: no limit.",
    ),
    ("admin.field.place", "Místo konání", "Place"),
    (
        "admin.field.reason",
        "Důvod (bude v e-mailu přihlášeným)",
        "Reason (goes into the email to the people signed up)",
    ),
    ("admin.field.region", "Kraj", "Region"),
    ("admin.field.region_hint", "u setkání", "for meetings"),
    (
        "admin.field.reject_reason",
        "Důvod (bude v e-mailu kontaktní osobě)",
        "Reason (goes into the email to the contact)",
    ),
    ("admin.field.role", "Role", "Role"),
    ("admin.field.room", "Místnost", "Room"),
    (
        "admin.field.slug",
        "Zkratka v adrese",
        "Short name in addresses",
    ),
    (
        "admin.field.slug_hint",
        "Malá písmena bez diakritiky, číslice a pomlčky; prázdné pole se vyplní z názvu. Je v odkazu na kalendář setkání.",
        "Lower-case letters without accents, digits and dashes; left empty, it is made from the name. It is part of the link to the meetings calendar.",
    ),
    ("admin.field.speakers", "Řečníci", "Speakers"),
    (
        "admin.field.speakers_hint",
        "Jeden na řádek: Jméno; Organizace (organizace je nepovinná).",
        "One per line: Name; Organisation (the organisation is optional).",
    ),
    ("admin.field.starts_at", "Začátek", "Starts"),
    ("admin.field.title", "Název", "Title"),
    ("admin.field.topic", "Téma", "Topic"),
    (
        "admin.field.waitlist",
        "Při obsazení přijímat náhradníky",
        "Keep a waiting list when full",
    ),
    (
        "admin.invite.none_open",
        "Žádná pozvánka nečeká na přijetí.",
        "No invitation is waiting to be accepted.",
    ),
    (
        "admin.invite.open_hint",
        "Nová pozvánka na stejnou adresu tu starší nahradí. Stažená pozvánka přestane platit hned.",
        "A new invitation to the same address replaces the older one. A withdrawn invitation stops working at once.",
    ),
    (
        "admin.invite.open_title",
        "Pozvánky čekající na přijetí",
        "Invitations waiting to be accepted",
    ),
    (
        "admin.invite.scope_hint",
        "jen u role organizátor: vyberte veletrh, nebo kraj",
        "organiser role only: choose a fair or a region",
    ),
    (
        "admin.invite.submit",
        "Poslat pozvánku",
        "Send the invitation",
    ),
    (
        "admin.invite.title",
        "Pozvat organizátora",
        "Invite an organiser",
    ),
    ("admin.invite.valid_until", "platí do", "valid until"),
    (
        "admin.invite.withdraw",
        "Stáhnout pozvánku",
        "Withdraw the invitation",
    ),
    ("admin.kind.meeting", "Setkání", "Meeting"),
    ("admin.kind.workshop", "Workshop", "Workshop"),
    (
        "admin.login.refused",
        "E-mail nebo heslo nesouhlasí, nebo bylo příliš mnoho pokusů. Zkuste to prosím znovu, případně za několik minut.",
        "The email or password is wrong, or there were too many attempts. Please try again, or in a few minutes.",
    ),
    ("admin.login.submit", "Přihlásit se", "Sign in"),
    (
        "admin.login.title",
        "Přihlášení pro organizátory",
        "Sign in for organisers",
    ),
    ("admin.logout", "Odhlásit se", "Sign out"),
    (
        "admin.mail.attempts",
        "pokusů: {count}",
        "attempts: {count}",
    ),
    (
        "admin.mail.bouncing",
        "Nedoručitelné adresy",
        "Bouncing addresses",
    ),
    (
        "admin.mail.failed",
        "Neodeslané zprávy",
        "Messages that failed",
    ),
    (
        "admin.mail.no_bouncing",
        "Žádná adresa se nevrací.",
        "No address bounces.",
    ),
    (
        "admin.mail.no_failed",
        "Žádná zpráva neselhala.",
        "No message failed.",
    ),
    ("admin.mail.retry", "Odeslat znovu", "Send again"),
    ("admin.mail.title", "Stav pošty", "Mail status"),
    (
        "admin.mail.waiting",
        "Čeká na odeslání: {count}",
        "Waiting to be sent: {count}",
    ),
    ("admin.message.body", "Zpráva", "Message"),
    ("admin.message.subject", "Předmět", "Subject"),
    ("admin.message.submit", "Odeslat zprávu", "Send the message"),
    (
        "admin.message.text",
        "Každý dostane e-mail s vaší zprávou, údaji o akci a odkazem na správu své přihlášky. Zpráva se uloží do záznamu změn.",
        "Each gets an email with your message, the activity's details and the link to manage their sign-up. The message is kept in the audit log.",
    ),
    (
        "admin.message.title",
        "Napsat přihlášeným",
        "Email the people signed up",
    ),
    (
        "admin.message.waiting_too",
        "Poslat i lidem na čekací listině",
        "Send it to the waiting list too",
    ),
    ("admin.nav.activities", "Akce", "Activities"),
    ("admin.nav.audit", "Záznam změn", "Audit log"),
    ("admin.nav.counts", "Počty", "Counts"),
    ("admin.nav.fairs", "Veletrhy", "Fairs"),
    (
        "admin.nav.invite",
        "Pozvat organizátora",
        "Invite an organiser",
    ),
    ("admin.nav.label", "Správa", "Administration"),
    ("admin.nav.mail", "Stav pošty", "Mail status"),
    ("admin.nav.organisers", "Organizátoři", "Organisers"),
    ("admin.nav.password", "Změna hesla", "Change password"),
    ("admin.nav.people", "Lidé", "People"),
    (
        "admin.nav.regions",
        "Kraje a okresy",
        "Regions and districts",
    ),
    ("admin.nav.series", "Série setkání", "Meeting series"),
    ("admin.nav.tokens", "API tokeny", "API tokens"),
    (
        "admin.notice.accepted",
        "Heslo je nastavené, můžete se přihlásit.",
        "Your password is set; you can sign in now.",
    ),
    (
        "admin.notice.added",
        "Setkání byla přidána.",
        "The meetings were added.",
    ),
    (
        "admin.notice.anonymised",
        "Osobní údaje byly anonymizovány. Přihlášky zůstaly v počtech, uvolněná místa dostali čekající.",
        "The personal data was anonymised. The registrations stay in the counts; freed seats went to the waiting list.",
    ),
    (
        "admin.notice.approved",
        "Vystavovatel byl schválen a kontaktní osobě odešel e-mail.",
        "The exhibitor was approved and the contact emailed.",
    ),
    (
        "admin.notice.cancelled",
        "Akce je zrušená a přihlášení dostanou e-mail.",
        "The activity is cancelled and the people signed up will get an email.",
    ),
    ("admin.notice.created", "Vytvořeno.", "Created."),
    ("admin.notice.deleted", "Smazáno.", "Deleted."),
    (
        "admin.notice.disabled",
        "Účet byl zablokován. Jeho přihlášení i API tokeny přestaly platit.",
        "The account was disabled. Its sessions and API tokens stopped working.",
    ),
    (
        "admin.notice.enabled",
        "Účet byl znovu povolen.",
        "The account was enabled again.",
    ),
    (
        "admin.notice.password_changed",
        "Heslo bylo změněno. Ostatní přihlášení k vašemu účtu byla ukončena.",
        "Your password was changed. Your other sessions were signed out.",
    ),
    (
        "admin.notice.rejected",
        "Přihláška byla zamítnuta a kontaktní osobě odešel e-mail.",
        "The application was rejected and the contact emailed.",
    ),
    (
        "admin.notice.retried",
        "Zpráva se odešle znovu.",
        "The message will be sent again.",
    ),
    (
        "admin.notice.revoked",
        "Token je zneplatněný.",
        "The token is revoked.",
    ),
    (
        "admin.notice.saved",
        "Změny jsou uložené.",
        "The changes are saved.",
    ),
    (
        "admin.notice.sent",
        "Pozvánka je odeslaná.",
        "The invitation is sent.",
    ),
    (
        "admin.notice.signed_out",
        "Jste odhlášeni.",
        "You are signed out.",
    ),
    (
        "admin.notice.unchanged",
        "Nic se nezměnilo.",
        "Nothing changed.",
    ),
    (
        "admin.notice.withdrawn",
        "Pozvánka je stažená, její odkaz už nefunguje.",
        "The invitation is withdrawn; its link no longer works.",
    ),
    ("admin.organisers.access", "Přístup", "Access"),
    (
        "admin.organisers.disable",
        "Zablokovat účet",
        "Disable the account",
    ),
    (
        "admin.organisers.disable_text",
        "Zablokovaný účet se nepřihlásí a jeho přihlášení i API tokeny okamžitě přestanou platit.",
        "A disabled account cannot sign in, and its sessions and API tokens stop working at once.",
    ),
    ("admin.organisers.disabled", "zablokován", "disabled"),
    ("admin.organisers.enable", "Znovu povolit", "Enable again"),
    (
        "admin.organisers.last_sign_in",
        "Naposledy přihlášen/a",
        "Last signed in",
    ),
    ("admin.organisers.never", "nikdy", "never"),
    ("admin.organisers.save", "Uložit roli", "Save role"),
    ("admin.organisers.title", "Organizátoři", "Organisers"),
    (
        "admin.partnership.delete",
        "Odebrat partnerství",
        "Remove the partnership",
    ),
    ("admin.partnership.initiators", "Iniciátoři", "Initiators"),
    (
        "admin.partnership.name",
        "Název partnerství",
        "Name of the partnership",
    ),
    (
        "admin.partnership.save",
        "Uložit partnerství",
        "Save the partnership",
    ),
    (
        "admin.partnership.title",
        "Okresní partnerství",
        "District partnership",
    ),
    ("admin.password", "Heslo", "Password"),
    (
        "admin.password.current",
        "Současné heslo",
        "Current password",
    ),
    (
        "admin.password.must_change",
        "Přihlásili jste se počátečním heslem, které viděl i někdo jiný. Než budete pokračovat, zvolte si prosím vlastní.",
        "You signed in with an initial password that someone else has seen. Please choose your own before you go on.",
    ),
    ("admin.password.new", "Nové heslo", "New password"),
    ("admin.password.submit", "Změnit heslo", "Change password"),
    (
        "admin.password.text",
        "Po změně zůstanete přihlášeni jen tady; ostatní přihlášení k vašemu účtu skončí.",
        "After the change you stay signed in here only; your other sessions end.",
    ),
    (
        "admin.password.title",
        "Změna hesla",
        "Change your password",
    ),
    (
        "admin.people.anonymise",
        "Anonymizovat osobní údaje…",
        "Anonymise personal data…",
    ),
    (
        "admin.people.anonymise_confirm",
        "Ano, anonymizovat",
        "Yes, anonymise",
    ),
    (
        "admin.people.anonymise_text",
        "Jméno, e-mail, škola a role se nevratně smažou. Přihlášky na akce, které ještě nezačaly, se zruší a uvolněná místa dostanou čekající. Přihlášky zůstanou v počtech. Osobní odkazy přestanou fungovat a nic dalšího se této osobě neodešle.",
        "The name, email, school and role are erased for good. Registrations for activities that have not started are cancelled and the freed seats go to the waiting list. Registrations stay in the counts. Personal links stop working and nothing more is sent to this person.",
    ),
    (
        "admin.people.anonymise_title",
        "Opravdu anonymizovat?",
        "Anonymise for good?",
    ),
    (
        "admin.people.back",
        "Zpět bez změny",
        "Back without changes",
    ),
    ("admin.people.found", "Nalezení lidé", "People found"),
    (
        "admin.people.more",
        "Zobrazeno prvních {max}; upřesněte hledání.",
        "The first {max} are shown; narrow the search.",
    ),
    (
        "admin.people.no_registrations",
        "Žádné přihlášky.",
        "No registrations.",
    ),
    (
        "admin.people.none",
        "Nikdo takový nebyl nalezen.",
        "Nobody was found.",
    ),
    ("admin.people.query", "E-mail nebo jméno", "Email or name"),
    (
        "admin.people.registered",
        "první přihláška",
        "first signed up",
    ),
    (
        "admin.people.registrations",
        "Přihlášky: {count}",
        "Registrations: {count}",
    ),
    ("admin.people.search", "Hledat", "Search"),
    (
        "admin.people.text",
        "Vyhledejte účastníka podle e-mailu nebo jména, například kvůli žádosti o výmaz osobních údajů.",
        "Find a participant by email or name, for instance to handle a request to erase their personal data.",
    ),
    (
        "admin.people.their_registrations",
        "Přihlášky",
        "Registrations",
    ),
    ("admin.people.title", "Vyhledat osobu", "Find a person"),
    ("admin.place.delete_submit", "Smazat", "Delete"),
    (
        "admin.place.delete_text",
        "Smazat lze jen to, na čem nic nezávisí (okresy, setkání, přihlášení lidé, organizátoři).",
        "Only what nothing depends on (districts, meetings, people signed up, organisers) can be deleted.",
    ),
    ("admin.place.delete_title", "Smazat", "Delete"),
    ("admin.region.details", "Údaje o kraji", "Region details"),
    ("admin.region.new_title", "Nový kraj", "New region"),
    (
        "admin.regions.back",
        "Zpět na kraje a okresy",
        "Back to regions and districts",
    ),
    ("admin.regions.new_district", "Nový okres", "New district"),
    ("admin.regions.new_region", "Nový kraj", "New region"),
    (
        "admin.regions.no_districts",
        "Kraj zatím nemá žádné okresy.",
        "No districts yet.",
    ),
    (
        "admin.regions.no_partnership",
        "bez partnerství",
        "no partnership",
    ),
    (
        "admin.regions.none",
        "Zatím nejsou zadané žádné kraje.",
        "No regions yet.",
    ),
    (
        "admin.regions.title",
        "Kraje, okresy a partnerství",
        "Regions, districts and partnerships",
    ),
    ("admin.report.activity", "Akce", "Event"),
    ("admin.report.attendance", "Účast", "Attendance"),
    (
        "admin.report.attendance_percent",
        "Účast (%)",
        "Attendance (%)",
    ),
    ("admin.report.attended", "Přišli", "Came"),
    ("admin.report.came", "Z nich přišli", "Of them, came"),
    ("admin.report.cancelled", "Zrušili", "Cancelled"),
    ("admin.report.capacity", "Kapacita", "Capacity"),
    ("admin.report.districts", "Okresy", "Districts"),
    (
        "admin.report.empty",
        "Zatím tu nejsou žádné akce.",
        "There are no events here yet.",
    ),
    ("admin.report.ends", "Konec", "End"),
    (
        "admin.report.no_ratings",
        "Zatím nikdo nehodnotil.",
        "Nobody has rated yet.",
    ),
    (
        "admin.report.people",
        "Lidé s potvrzeným místem",
        "People who held a seat",
    ),
    ("admin.report.rating", "Hodnocení", "Rating"),
    (
        "admin.report.rating_mean",
        "Průměrné hodnocení",
        "Mean rating",
    ),
    ("admin.report.ratings_count", "Počet hodnocení", "Ratings"),
    ("admin.report.schools", "Školy", "Schools"),
    ("admin.report.seats", "Potvrzená místa", "Confirmed seats"),
    ("admin.report.starts", "Začátek", "Start"),
    ("admin.report.status", "Stav", "Status"),
    (
        "admin.report.text",
        "U každé akce: kolik lidí mělo potvrzené místo, kolik z nich přišlo (odbavení u vstupu nebo připojení online svým odkazem), kolik jich zůstalo na čekací listině, kolik se odhlásilo a jak akci hodnotili. Účast je podíl těch, kdo přišli, a vyjde po skončení akce. Lidé, školy a okresy se počítají jednou, i když byli na více akcích.",
        "For each event: how many held a confirmed seat, how many of them came (checked in at the door or joined online by their link), how many were left on the waiting list, how many cancelled, and how they rated it. Attendance is the share of seat holders who came, given once the event has ended. People, schools and districts count once, however many events they attended.",
    ),
    ("admin.report.title", "Výsledky", "Results"),
    ("admin.report.to_series", "Série setkání", "Meeting series"),
    ("admin.report.waiting", "Čekací listina", "Waiting list"),
    ("admin.role.admin", "správce", "administrator"),
    ("admin.role.organiser", "organizátor", "organiser"),
    (
        "admin.role.viewer",
        "náhled (jen čtení)",
        "viewer (read-only)",
    ),
    (
        "admin.series.add_hint",
        "Navážou na poslední setkání ve stejném intervalu, čase, místě a kapacitě.",
        "They follow the last meeting at the same interval, time, place and seats.",
    ),
    ("admin.series.add_submit", "Přidat setkání", "Add meetings"),
    (
        "admin.series.add_title",
        "Přidat další setkání",
        "Add more meetings",
    ),
    (
        "admin.series.back",
        "Zpět na série setkání",
        "Back to meeting series",
    ),
    (
        "admin.series.cancel_submit",
        "Zrušit nadcházející setkání",
        "Cancel the upcoming meetings",
    ),
    (
        "admin.series.cancel_text",
        "Zruší všechna nadcházející setkání série; přihlášení dostanou e-mail. Proběhlá setkání zůstanou.",
        "Cancels every upcoming meeting of the series; everyone signed up gets an email. Past meetings stay.",
    ),
    (
        "admin.series.cancel_title",
        "Zrušit sérii",
        "Cancel the series",
    ),
    ("admin.series.count", "Počet setkání", "Number of meetings"),
    (
        "admin.series.count_hint",
        "Nebo vyplňte datum, kdy může být nejpozději poslední.",
        "Or fill in the latest date for the last one.",
    ),
    (
        "admin.series.create",
        "Vytvořit sérii a její setkání",
        "Create the series and its meetings",
    ),
    ("admin.series.details", "Údaje o sérii", "Series details"),
    ("admin.series.districts", "Okresy", "Districts"),
    (
        "admin.series.districts_hint",
        "Žádný: setkání je pro celý kraj.",
        "None: the meetings are for the whole region.",
    ),
    (
        "admin.series.duration_minutes",
        "Délka v minutách",
        "Length in minutes",
    ),
    (
        "admin.series.first_start",
        "Začátek prvního setkání",
        "Start of the first meeting",
    ),
    (
        "admin.series.first_start_hint",
        "Místní čas; další setkání začínají ve stejnou hodinu i po změně času.",
        "Local time; later meetings start at the same hour, also after the clocks change.",
    ),
    (
        "admin.series.interval_days",
        "Interval ve dnech",
        "Interval in days",
    ),
    (
        "admin.series.new",
        "Nová série setkání",
        "New meeting series",
    ),
    ("admin.series.no_region", "bez kraje", "no region"),
    (
        "admin.series.none",
        "Zatím nejsou žádné série.",
        "No series yet.",
    ),
    (
        "admin.series.occurrences",
        "Setkání série",
        "Meetings of the series",
    ),
    (
        "admin.series.save_hint",
        "Nový název nebo kraj dostanou i nadcházející setkání série.",
        "A new title or region also goes to the series' upcoming meetings.",
    ),
    (
        "admin.series.text",
        "Pravidelná setkání, např. sdílení zkušeností iniciátorů jednou za pět týdnů. Každé setkání série lze upravit nebo zrušit i samostatně.",
        "Regular meetings, e.g. the initiators' sharing every five weeks. Each meeting of a series can also be edited or cancelled on its own.",
    ),
    ("admin.series.title", "Série setkání", "Meeting series"),
    ("admin.series.until", "Nejpozději do", "Until"),
    ("admin.tokens.create", "Vytvořit token", "Create a token"),
    (
        "admin.tokens.created",
        "Nový token si hned zkopírujte, znovu už ho neuvidíte:",
        "Copy the new token now; you will not see it again:",
    ),
    ("admin.tokens.created_at", "vytvořen", "created"),
    ("admin.tokens.last_used", "naposledy použit", "last used"),
    (
        "admin.tokens.name",
        "Název tokenu (k čemu slouží)",
        "Token name (what it is for)",
    ),
    (
        "admin.tokens.none",
        "Zatím nemáte žádný token.",
        "You have no tokens yet.",
    ),
    ("admin.tokens.revoke", "Zneplatnit", "Revoke"),
    ("admin.tokens.revoked", "zneplatněn", "revoked"),
    (
        "admin.tokens.text",
        "Token v hlavičce Authorization: Bearer … otevírá JSON API se stejnými právy, jaká máte vy.",
        "A token in the header Authorization: Bearer … opens the JSON API with the same rights as you have.",
    ),
    ("admin.tokens.title", "API tokeny", "API tokens"),
    ("admin.tokens.yours", "Vaše tokeny", "Your tokens"),
    (
        "api.bad_request",
        "Požadavek nemá očekávaný tvar",
        "The request does not have the expected shape",
    ),
    (
        "api.conflict",
        "Akci nelze provést v jejím nynějším stavu",
        "This cannot be done in the current state",
    ),
    (
        "api.forbidden",
        "K této akci nemáte oprávnění",
        "You are not allowed to do this",
    ),
    (
        "api.internal",
        "Nastala chyba na naší straně. Zkuste to prosím znovu.",
        "Something went wrong on our side. Please try again.",
    ),
    (
        "api.invalid_input",
        "Některá pole je třeba opravit",
        "Some fields need fixing",
    ),
    (
        "api.length_required",
        "Tělo požadavku musí mít uvedenou délku (Content-Length)",
        "The request body needs a Content-Length",
    ),
    ("api.not_found", "Nenalezeno", "Not found"),
    (
        "api.too_large",
        "Požadavek je příliš velký (nejvýše 64 KiB)",
        "The request is too large (64 KiB at most)",
    ),
    (
        "api.too_many",
        "Příliš mnoho požadavků, zkuste to prosím za chvíli",
        "Too many requests, please try again shortly",
    ),
    (
        "api.unauthorized",
        "Chybí platný API token (Authorization: Bearer …)",
        "A valid API token is missing (Authorization: Bearer …)",
    ),
    (
        "api.unavailable",
        "Služba je dočasně nedostupná, zkuste to prosím za chvíli",
        "The service is temporarily unavailable, please try again shortly",
    ),
    ("app.name", "Veletrh", "Veletrh"),
    (
        "apply.closed",
        "Přihlášky vystavovatelů na tento veletrh už nepřijímáme.",
        "This fair no longer takes exhibitor applications.",
    ),
    (
        "apply.contact_email",
        "E-mail kontaktní osoby",
        "Contact email",
    ),
    (
        "apply.contact_email_hint",
        "Pošleme na něj potvrzení a později rozhodnutí organizátorů.",
        "We send the acknowledgement there, and later the organisers' decision.",
    ),
    ("apply.contact_name", "Kontaktní osoba", "Contact name"),
    (
        "apply.description",
        "Co představíte",
        "What you will present",
    ),
    (
        "apply.description_hint",
        "Několik vět o organizaci a o tom, co na veletrhu nabídnete.",
        "A few sentences about the organisation and what you will offer at the fair.",
    ),
    (
        "apply.intro",
        "Vyplňte přihlášku; organizátoři ji posoudí a výsledek vám pošlou e-mailem. Schválení vystavovatelé se objeví v seznamu vystavovatelů.",
        "Fill in the application; the organisers review it and email you their decision. Approved exhibitors appear in the list of exhibitors.",
    ),
    ("apply.organisation", "Název organizace", "Organisation"),
    (
        "apply.sent",
        "Děkujeme, přihlášku jsme přijali. Potvrzení jsme poslali na zadaný e-mail.",
        "Thank you, we have received your application. An acknowledgement was sent to the email address given.",
    ),
    ("apply.submit", "Odeslat přihlášku", "Send the application"),
    ("apply.title", "Přihláška vystavovatele", "Apply to exhibit"),
    ("apply.website", "Webové stránky", "Website"),
    (
        "apply.wished_stand",
        "Požadovaný stánek",
        "Stand you would like",
    ),
    (
        "apply.wished_stand_hint",
        "Číslo nebo popis místa, pokud nějaké preferujete.",
        "A number or a description of a place, if you have a preference.",
    ),
    ("attendance.activity", "Akce", "Event"),
    (
        "attendance.back",
        "Zpět na moje přihlášky",
        "Back to my sign-ups",
    ),
    ("attendance.duration", "Délka", "Duration"),
    (
        "attendance.intro",
        "Potvrzujeme účast na těchto akcích (podle záznamu při vstupu):",
        "This confirms attendance at the following events (as recorded at the entrance):",
    ),
    (
        "attendance.issued",
        "Vystaveno {date}.",
        "Issued on {date}.",
    ),
    (
        "attendance.none",
        "Zatím tu není žádná akce, u které by byla zaznamenána vaše účast. Účast se zapisuje při vstupu na akci.",
        "There is no event with your attendance recorded yet. Attendance is recorded at the entrance.",
    ),
    (
        "attendance.print",
        "Stránku můžete vytisknout nebo uložit jako PDF (Ctrl+P).",
        "You can print this page or save it as a PDF (Ctrl+P).",
    ),
    (
        "attendance.title",
        "Potvrzení o účasti",
        "Certificate of attendance",
    ),
    ("attendance.total", "Celkem", "Total"),
    (
        "audit.action.activity.cancel",
        "Zrušení akce",
        "Activity cancelled",
    ),
    (
        "audit.action.activity.create",
        "Nová akce",
        "Activity created",
    ),
    (
        "audit.action.activity.message",
        "Zpráva přihlášeným",
        "Message to the people signed up",
    ),
    (
        "audit.action.activity.speakers",
        "Změna přednášejících",
        "Speakers changed",
    ),
    (
        "audit.action.activity.update",
        "Úprava akce",
        "Activity edited",
    ),
    (
        "audit.action.api_token.create",
        "Nový API token",
        "API token created",
    ),
    (
        "audit.action.api_token.revoke",
        "Zneplatnění API tokenu",
        "API token revoked",
    ),
    (
        "audit.action.attendee.add",
        "Přidání účastníka",
        "Attendee added",
    ),
    (
        "audit.action.attendee.cancel",
        "Odhlášení účastníka organizátorem",
        "Attendee removed",
    ),
    (
        "audit.action.attendee.move",
        "Přesun účastníka",
        "Attendee moved",
    ),
    (
        "audit.action.district.create",
        "Nový okres",
        "District created",
    ),
    (
        "audit.action.district.delete",
        "Smazání okresu",
        "District deleted",
    ),
    (
        "audit.action.district.update",
        "Úprava okresu",
        "District edited",
    ),
    (
        "audit.action.exhibitor.apply",
        "Přihláška vystavovatele",
        "Exhibitor applied",
    ),
    (
        "audit.action.exhibitor.approve",
        "Schválení vystavovatele",
        "Exhibitor approved",
    ),
    (
        "audit.action.exhibitor.create",
        "Nový vystavovatel",
        "Exhibitor created",
    ),
    (
        "audit.action.exhibitor.delete",
        "Smazání vystavovatele",
        "Exhibitor deleted",
    ),
    (
        "audit.action.exhibitor.reject",
        "Zamítnutí vystavovatele",
        "Exhibitor rejected",
    ),
    (
        "audit.action.exhibitor.update",
        "Úprava vystavovatele",
        "Exhibitor edited",
    ),
    (
        "audit.action.fair.cancel",
        "Zrušení veletrhu",
        "Fair cancelled",
    ),
    ("audit.action.fair.create", "Nový veletrh", "Fair created"),
    ("audit.action.fair.update", "Úprava veletrhu", "Fair edited"),
    (
        "audit.action.mail.retry",
        "Nové odeslání e-mailu",
        "Email sent again",
    ),
    (
        "audit.action.organiser.accept_invitation",
        "Přijetí pozvánky",
        "Invitation accepted",
    ),
    (
        "audit.action.organiser.create",
        "Nový účet",
        "Account created",
    ),
    (
        "audit.action.organiser.disable",
        "Zablokování účtu",
        "Account disabled",
    ),
    (
        "audit.action.organiser.enable",
        "Povolení účtu",
        "Account enabled",
    ),
    (
        "audit.action.organiser.invite",
        "Pozvánka do týmu",
        "Invitation sent",
    ),
    (
        "audit.action.organiser.password_change",
        "Změna hesla",
        "Password changed",
    ),
    (
        "audit.action.organiser.revoke_invitation",
        "Stažení pozvánky",
        "Invitation withdrawn",
    ),
    (
        "audit.action.organiser.sign_in",
        "Přihlášení do administrace",
        "Signed in",
    ),
    (
        "audit.action.organiser.update",
        "Úprava účtu",
        "Account edited",
    ),
    (
        "audit.action.partnership.delete",
        "Smazání partnerství",
        "Partnership deleted",
    ),
    (
        "audit.action.partnership.update",
        "Úprava partnerství",
        "Partnership edited",
    ),
    (
        "audit.action.person.anonymise",
        "Anonymizace osoby",
        "Person anonymised",
    ),
    ("audit.action.region.create", "Nový kraj", "Region created"),
    (
        "audit.action.region.delete",
        "Smazání kraje",
        "Region deleted",
    ),
    (
        "audit.action.region.update",
        "Úprava kraje",
        "Region edited",
    ),
    (
        "audit.action.registration.check_in",
        "Odbavení u vstupu",
        "Checked in",
    ),
    (
        "audit.action.registration.undo_check_in",
        "Vrácení odbavení",
        "Check-in undone",
    ),
    (
        "audit.action.series.add_occurrences",
        "Další setkání série",
        "Meetings added to a series",
    ),
    (
        "audit.action.series.cancel",
        "Zrušení série",
        "Series cancelled",
    ),
    (
        "audit.action.series.create",
        "Nová série setkání",
        "Series created",
    ),
    (
        "audit.action.series.update",
        "Úprava série",
        "Series edited",
    ),
    ("audit.subject.activity", "Akce", "Activity"),
    ("audit.subject.api_token", "API token", "API token"),
    ("audit.subject.district", "Okres", "District"),
    ("audit.subject.exhibitor", "Vystavovatel", "Exhibitor"),
    ("audit.subject.fair", "Veletrh", "Fair"),
    (
        "audit.subject.meeting_series",
        "Série setkání",
        "Meeting series",
    ),
    (
        "audit.subject.organiser",
        "Účet organizátora",
        "Organiser account",
    ),
    (
        "audit.subject.organiser_invitation",
        "Pozvánka",
        "Invitation",
    ),
    ("audit.subject.outbox_message", "E-mail", "Email"),
    ("audit.subject.partnership", "Partnerství", "Partnership"),
    ("audit.subject.person", "Osoba", "Person"),
    ("audit.subject.region", "Kraj", "Region"),
    ("audit.subject.registration", "Přihláška", "Registration"),
    (
        "cal.add_title",
        "Přidat do kalendáře",
        "Add to your calendar",
    ),
    (
        "cal.address",
        "Adresa kalendáře pro ruční přidání:",
        "Calendar address to add by hand:",
    ),
    ("cal.cancelled", "ZRUŠENO", "CANCELLED"),
    (
        "cal.cancelled_note",
        "Tato akce byla zrušena.",
        "This event has been cancelled.",
    ),
    (
        "cal.download",
        "Stáhnout soubor .ics",
        "Download the .ics file",
    ),
    ("cal.fair", "Veletrh", "Fair"),
    (
        "cal.google",
        "Přidat do Kalendáře Google",
        "Add to Google Calendar",
    ),
    ("cal.join", "Připojení online", "Join online"),
    ("cal.link", "Odkaz", "Link"),
    ("cal.meeting", "Setkání", "Meeting"),
    (
        "cal.meetings",
        "Setkání Okresních Partnerství",
        "District partnership meetings",
    ),
    ("cal.mine", "Moje přihlášky", "My sign-ups"),
    ("cal.outlook", "Přidat do Outlook.com", "Add to Outlook.com"),
    ("cal.place", "Místo", "Place"),
    ("cal.room", "Místnost", "Room"),
    ("cal.speakers", "Přednášející", "Speakers"),
    (
        "cal.subscribe",
        "Odebírat v aplikaci kalendáře (Apple, Outlook, Thunderbird)",
        "Subscribe in your calendar app (Apple, Outlook, Thunderbird)",
    ),
    (
        "cal.subscribe_meetings",
        "Odebírat setkání v kalendáři",
        "Subscribe to the meetings in your calendar",
    ),
    ("cal.withdrawn", "PŘIHLÁŠKA ZRUŠENA", "SIGN-UP CANCELLED"),
    (
        "cal.withdrawn_note",
        "Vaše přihláška na tuto akci byla zrušena. Akce sama se koná dál.",
        "Your sign-up for this event has been cancelled. The event itself still takes place.",
    ),
    ("cal.workshop", "Workshop", "Workshop"),
    (
        "check_email.hold",
        "Místo vám držíme {hours} hodin. Pokud přihlášku do té doby nepotvrdíte, uvolní se pro ostatní.",
        "We hold your seat for {hours} hours. If you do not confirm by then, it goes to someone else.",
    ),
    (
        "check_email.not_arrived",
        "E-mail nepřišel? Podívejte se do složky s nevyžádanou poštou, nebo se přihlaste znovu – pošleme nový odkaz.",
        "No email? Look in your spam folder, or sign up again and we will send a new link.",
    ),
    (
        "check_email.sent",
        "Poslali jsme vám e-mail s odkazem. Přihláška platí, až ji tím odkazem potvrdíte.",
        "We have sent you an email with a link. Your sign-up counts once you confirm it with that link.",
    ),
    (
        "check_email.title",
        "Zkontrolujte svůj e-mail",
        "Check your email",
    ),
    (
        "checkin.arrived",
        "Přišlo {arrived} z {expected}",
        "{arrived} of {expected} arrived",
    ),
    ("checkin.at", "odbaveno v {time}", "checked in at {time}"),
    (
        "checkin.back",
        "Zpět na seznam u vstupu",
        "Back to the list at the door",
    ),
    (
        "checkin.belongs_to",
        "Přihláška patří k akci",
        "This sign-up is for",
    ),
    ("checkin.button", "Odbavit", "Check in"),
    ("checkin.door", "Vstup na akci", "Door of"),
    ("checkin.email", "E-mail", "Email"),
    ("checkin.link", "Odbavení u vstupu", "Check-in at the door"),
    (
        "checkin.none",
        "Nikoho takového na seznamu nemáme.",
        "Nobody like that on the list.",
    ),
    (
        "checkin.online",
        "Akce probíhá online: nikdo tu nenaskenuje kód. Kdo se v době konání připojí svým osobním odkazem z e-mailu nebo kalendáře, má účast zapsanou sám; ostatním, kdo se připojili, ji zapište tlačítkem u jména. Podle účasti dostanou potvrzení o účasti.",
        "This event takes place online: nobody scans a code here. Whoever joins through their personal link (from their email or calendar) while it is on is checked in by it; record anyone else who joined with the button beside their name. Their certificate of attendance follows from it.",
    ),
    (
        "checkin.outcome.already_checked_in",
        "Už odbaveno dříve – duplicitní sken",
        "Already checked in – duplicate scan",
    ),
    ("checkin.outcome.checked_in", "Odbaveno", "Checked in"),
    (
        "checkin.outcome.not_admitted",
        "Nevpouštět – přihláška neplatí",
        "Not admitted – no valid sign-up",
    ),
    (
        "checkin.outcome.too_early",
        "Ještě ne – odbavuje se až v den akce",
        "Not yet – check-in opens on the day of the event",
    ),
    (
        "checkin.outcome.undone",
        "Odbavení vráceno zpět",
        "Check-in undone",
    ),
    (
        "checkin.outcome.wrong_activity",
        "Jiná akce – sem nepatří",
        "Wrong event – not for this door",
    ),
    (
        "checkin.qr_label",
        "QR kód pro vstup na akci",
        "Entry QR code",
    ),
    ("checkin.scan_title", "Naskenovaný kód", "Scanned code"),
    (
        "checkin.search",
        "Hledat jméno, e-mail nebo organizaci",
        "Search name, email or organisation",
    ),
    ("checkin.search_button", "Hledat", "Search"),
    (
        "checkin.search_hint",
        "Sem lze také načíst QR kód čtečkou.",
        "A QR code can also be read into this box with a scanner.",
    ),
    (
        "checkin.sheet_link",
        "Prezenční listina k tisku",
        "Printable sign-in sheet",
    ),
    (
        "checkin.show_text",
        "Tento kód ukažte při příchodu u vstupu. Pořadatelé ho naskenují a zapíšou vaši účast.",
        "Show this code at the entrance when you arrive. The organisers scan it to record your attendance.",
    ),
    ("checkin.show_title", "Vstup na akci", "Entry"),
    ("checkin.status_is", "Stav přihlášky:", "Sign-up status:"),
    ("checkin.title", "Odbavení u vstupu", "Check-in at the door"),
    ("checkin.undo", "Vrátit odbavení", "Undo check-in"),
    (
        "checkin.verdict.admit",
        "Platná přihláška – lze odbavit",
        "Valid sign-up – ready to check in",
    ),
    (
        "checkin.verdict.already_checked_in",
        "Už odbaveno dříve – duplicitní sken",
        "Already checked in – duplicate scan",
    ),
    (
        "checkin.verdict.not_admitted",
        "Nevpouštět – přihláška neplatí",
        "Not admitted – no valid sign-up",
    ),
    (
        "checkin.verdict.too_early",
        "Ještě ne – odbavuje se až v den akce",
        "Not yet – check-in opens on the day of the event",
    ),
    (
        "checkin.verdict.wrong_activity",
        "Jiná akce – sem nepatří",
        "Wrong event – not for this door",
    ),
    (
        "confirm.already_text",
        "Tuto přihlášku jste už potvrdili dříve. Není potřeba dělat nic dalšího.",
        "You confirmed this sign-up before. There is nothing more to do.",
    ),
    ("confirm.button", "Potvrdit přihlášku", "Confirm my sign-up"),
    (
        "confirm.confirmed_list",
        "Jste přihlášeni na:",
        "You are signed up for:",
    ),
    (
        "confirm.conflict",
        "„{title}“ se časově kryje s „{overlaps}“, na kterou už jste přihlášeni; místo jsme uvolnili.",
        "“{title}” overlaps “{overlaps}”, which you are already signed up for; we gave the seat back.",
    ),
    (
        "confirm.conflicts",
        "Tyto akce jsme nepotvrdili:",
        "These were not confirmed:",
    ),
    (
        "confirm.expired",
        "Platnost odkazu vypršela",
        "This link has expired",
    ),
    (
        "confirm.expired_text",
        "Odkaz vypršel a držené místo se uvolnilo. Přihlaste se prosím znovu.",
        "The link has expired and the held seat was released. Please sign up again.",
    ),
    (
        "confirm.mail_follows",
        "Potvrzení s pozvánkou do kalendáře vám přijde e-mailem.",
        "A confirmation with a calendar invitation is on its way by email.",
    ),
    (
        "confirm.outcome.already",
        "Přihláška už je potvrzená",
        "Already confirmed",
    ),
    (
        "confirm.outcome.clashed",
        "Přihláška nebyla potvrzena",
        "Sign-up not confirmed",
    ),
    (
        "confirm.outcome.confirmed",
        "Přihláška potvrzena",
        "Sign-up confirmed",
    ),
    (
        "confirm.outcome.expired",
        "Odkaz vypršel",
        "The link has expired",
    ),
    (
        "confirm.outcome.unknown",
        "Odkaz už neplatí",
        "This link is no longer valid",
    ),
    (
        "confirm.press",
        "Přihlášku dokončíte stisknutím tlačítka.",
        "Press the button to complete your sign-up.",
    ),
    (
        "confirm.sign_up_again",
        "Přihlásit se znovu",
        "Sign up again",
    ),
    (
        "confirm.title",
        "Potvrzení přihlášky",
        "Confirm your sign-up",
    ),
    ("confirm.to_manage", "Moje přihlášky", "My sign-ups"),
    (
        "confirm.unknown_text",
        "Tento odkaz nahradil novější e-mail (po opakovaném přihlášení posíláme nový odkaz), nebo přihláška mezitím zanikla či byla zrušena. Použijte prosím odkaz z nejnovějšího e-mailu; své přihlášky uvidíte přes odkaz „Moje přihlášky“ v kterémkoli našem e-mailu.",
        "A newer email has replaced this link (signing up again sends a new one), or the sign-up has lapsed or been cancelled since. Please use the link in the newest email; the “My sign-ups” link in any of our emails shows your sign-ups.",
    ),
    (
        "delete.button",
        "Ano, smazat moje údaje",
        "Yes, delete my data",
    ),
    (
        "delete.consequences",
        "Zrušíme vaše přihlášky na to, co ještě nezačalo, a smažeme vaše jméno, e-mail a organizaci. Minulé účasti zůstanou jen jako počty, bez vašich údajů. Odkazy z e-mailů i osobní kalendář přestanou fungovat.",
        "We will cancel your sign-ups for what has not started yet and delete your name, email and organisation. Past attendance stays only as numbers, without your details. The links in your emails and your personal calendar will stop working.",
    ),
    (
        "delete.irreversible",
        "Tento krok nelze vrátit.",
        "This cannot be undone.",
    ),
    ("delete.keep", "Ne, vrátit se", "No, go back"),
    (
        "delete.live",
        "Platných přihlášek, které zrušíme: {count}.",
        "Sign-ups that will be cancelled: {count}.",
    ),
    ("delete.title", "Smazat moje údaje?", "Delete my data?"),
    (
        "deleted.text",
        "Vaše přihlášky jsou zrušené a osobní údaje smazané.",
        "Your sign-ups are cancelled and your personal data deleted.",
    ),
    ("deleted.title", "Údaje smazány", "Data deleted"),
    (
        "error.activity_cancelled",
        "Akce byla zrušena: {detail}.",
        "This activity was cancelled: {detail}.",
    ),
    (
        "error.activity_ended",
        "Akce už skončila: {detail}.",
        "This activity has already ended: {detail}.",
    ),
    (
        "error.already_registered",
        "Tento člověk už na akci přihlášený je: {detail}.",
        "This person is already signed up for: {detail}.",
    ),
    (
        "error.capacity_below_taken",
        "Počet míst nemůže být nižší než počet již obsazených míst ({detail}).",
        "The number of seats cannot be lower than the seats already taken ({detail}).",
    ),
    (
        "error.capacity_range",
        "Zadejte počet míst od 0 do {detail}.",
        "Enter a number of seats from 0 to {detail}.",
    ),
    (
        "error.choose_activity",
        "Vyberte alespoň jednu akci.",
        "Choose at least one activity.",
    ),
    (
        "error.closes_after_end",
        "Přihlašování musí skončit nejpozději s koncem veletrhu.",
        "Sign-ups must close by the end of the fair at the latest.",
    ),
    (
        "error.closes_before_opens",
        "Přihlašování musí skončit později, než začne.",
        "Sign-ups must close after they open.",
    ),
    (
        "error.consent_required",
        "Bez souhlasu se zpracováním osobních údajů vás nemůžeme přihlásit.",
        "We cannot sign you up without your consent to the processing of personal data.",
    ),
    (
        "error.control_characters",
        "Pole obsahuje nepovolené znaky (např. konec řádku).",
        "This field contains characters that are not allowed (such as a line break).",
    ),
    (
        "error.count_or_until",
        "Zadejte počet setkání, nebo datum, kdy má být poslední.",
        "Enter the number of meetings, or the date of the last one.",
    ),
    (
        "error.count_range",
        "Zadejte počet od 1 do {detail}.",
        "Enter a number from 1 to {detail}.",
    ),
    (
        "error.district_not_in_region",
        "Tento okres nepatří do vybraného kraje.",
        "This district is not in the chosen region.",
    ),
    (
        "error.duration_range",
        "Zadejte délku v minutách od 1 do {detail}.",
        "Enter a length in minutes from 1 to {detail}.",
    ),
    (
        "error.ends_before_start",
        "Konec musí být později než začátek.",
        "The end must be later than the start.",
    ),
    (
        "error.exhibitor_exists",
        "Vystavovatel s tímto názvem je na veletrhu už přihlášen.",
        "An exhibitor of this name is already registered for the fair.",
    ),
    (
        "error.full",
        "Akce je plně obsazena: {detail}.",
        "This activity is full: {detail}.",
    ),
    (
        "error.in_the_past",
        "Tento čas už je minulostí. Zadejte prosím budoucí datum a čas.",
        "This time is already in the past. Please enter a future date and time.",
    ),
    (
        "error.in_use_districts",
        "Nelze smazat: kraj má okresy ({detail}). Nejdřív je smažte nebo přesuňte.",
        "Cannot be deleted: the region has districts ({detail}). Delete or move them first.",
    ),
    (
        "error.in_use_meetings",
        "Nelze smazat: používají ho setkání ({detail}).",
        "Cannot be deleted: meetings use it ({detail}).",
    ),
    (
        "error.in_use_organisers",
        "Nelze smazat: jsou mu přiřazení organizátoři ({detail}).",
        "Cannot be deleted: organisers are assigned to it ({detail}).",
    ),
    (
        "error.in_use_people",
        "Nelze smazat: uvedli ho přihlášení lidé ({detail}).",
        "Cannot be deleted: people who signed up named it ({detail}).",
    ),
    (
        "error.in_use_series",
        "Nelze smazat: používají ho série setkání ({detail}).",
        "Cannot be deleted: meeting series use it ({detail}).",
    ),
    (
        "error.interval_range",
        "Zadejte počet dní od 1 do {detail}.",
        "Enter a number of days from 1 to {detail}.",
    ),
    (
        "error.invalid_date",
        "Zadejte datum ve tvaru 2027-01-13.",
        "Enter a date such as 2027-01-13.",
    ),
    (
        "error.invalid_email",
        "Zadejte platnou e-mailovou adresu, např. jana.novakova@skola.cz.",
        "Enter a valid email address, e.g. jana.novakova@school.cz.",
    ),
    (
        "error.invalid_number",
        "Zadejte celé číslo.",
        "Enter a whole number.",
    ),
    (
        "error.invalid_slug",
        "Použijte jen malá písmena bez diakritiky, číslice a pomlčky.",
        "Use only lower-case letters without accents, digits and dashes.",
    ),
    (
        "error.invalid_time",
        "Zadejte datum a čas, např. 2027-01-12 09:30.",
        "Enter a date and time, e.g. 2027-01-12 09:30.",
    ),
    (
        "error.invalid_url",
        "Zadejte webovou adresu, např. www.skola.cz.",
        "Enter a web address, e.g. www.school.cz.",
    ),
    (
        "error.limit_range",
        "Zadejte počet řádků od 1 do {detail}.",
        "Enter a number of rows from 1 to {detail}.",
    ),
    (
        "error.no_recipients",
        "Zprávu nemá kdo dostat: z těch, komu ji chcete poslat, teď na akci nikdo není.",
        "Nobody would get the message: none of those you chose to write to is signed up now.",
    ),
    (
        "error.not_live",
        "Tato přihláška už neplatí (je zrušená nebo propadlá).",
        "This sign-up is no longer valid (cancelled or expired).",
    ),
    (
        "error.not_yourself",
        "Vlastní účet takto změnit nelze; požádejte jiného správce.",
        "You cannot change this on your own account; ask another administrator.",
    ),
    (
        "error.organiser_exists",
        "Organizátor s touto adresou už existuje.",
        "An organiser with this address already exists.",
    ),
    (
        "error.outside_fair",
        "Workshop musí proběhnout ve dnech veletrhu ({detail}).",
        "A workshop must take place on the days of its fair ({detail}).",
    ),
    (
        "error.overlap",
        "Tyto akce se časově překrývají: {detail} – vyberte jen jednu z nich.",
        "These activities overlap in time: {detail} – choose only one of them.",
    ),
    (
        "error.password_too_short",
        "Heslo musí mít alespoň {detail} znaků.",
        "The password must be at least {detail} characters long.",
    ),
    (
        "error.passwords_differ",
        "Hesla se neshodují.",
        "The passwords do not match.",
    ),
    (
        "error.rating_range",
        "Vyberte hodnocení od 1 do 5.",
        "Choose a rating from 1 to 5.",
    ),
    (
        "error.registration_closed",
        "Přihlašování na tuto akci je uzavřeno: {detail}.",
        "Registration for this activity is closed: {detail}.",
    ),
    (
        "error.registration_not_open",
        "Přihlašování na tuto akci ještě nezačalo: {detail}.",
        "Registration for this activity has not opened yet: {detail}.",
    ),
    (
        "error.release_minutes_range",
        "Zadejte počet minut od 0 do {detail}, nebo pole nechte prázdné.",
        "Enter a number of minutes from 0 to {detail}, or leave it empty.",
    ),
    (
        "error.required",
        "Toto pole je povinné.",
        "This field is required.",
    ),
    (
        "error.same_activity",
        "Přihláška už na této akci je: {detail}.",
        "The sign-up is already for this activity: {detail}.",
    ),
    (
        "error.same_password",
        "Nové heslo musí být jiné než současné.",
        "The new password must differ from the current one.",
    ),
    (
        "error.school_limit",
        "Z této školy je už přihlášeno tolik lidí, kolik organizátoři na akci povolili: {detail}.",
        "As many people from this school as the organisers allow are already signed up for: {detail}.",
    ),
    (
        "error.school_limit_range",
        "Zadejte počet lidí od 1 do {detail}, nebo pole nechte prázdné.",
        "Enter a number of people from 1 to {detail}, or leave it empty.",
    ),
    (
        "error.scope_none",
        "Veletrh nebo kraj se vybírá jen u role organizátor.",
        "A fair or region is chosen for the organiser role only.",
    ),
    (
        "error.scope_one_of",
        "Organizátor potřebuje právě jeden veletrh, nebo jeden kraj.",
        "An organiser needs exactly one fair or one region.",
    ),
    (
        "error.series_districts_elsewhere",
        "Setkání série jsou určena okresům jiného kraje; nejdřív u nich okresy změňte.",
        "The series' meetings are aimed at districts of another region; change their districts first.",
    ),
    (
        "error.slug_fixed",
        "Adresu veletrhu nelze změnit.",
        "The fair's address cannot change.",
    ),
    (
        "error.slug_taken",
        "Tuto adresu už používá jiný veletrh.",
        "Another fair already uses this address.",
    ),
    (
        "error.speaker_name_required",
        "U každého řečníka uveďte jméno (řádek „Jméno; Organizace“).",
        "Give each speaker a name (a line \"Name; Organisation\").",
    ),
    (
        "error.stand_taken",
        "Tento stánek už má jiný vystavovatel: {detail}",
        "This stand is already given to another exhibitor: {detail}",
    ),
    (
        "error.taken",
        "Tato hodnota už je použitá, zvolte jinou.",
        "This is already in use; choose another.",
    ),
    (
        "error.token_or_registration",
        "Uveďte buď token z QR kódu, nebo číslo přihlášky (ne obojí).",
        "Give either the QR code's token or a registration id (not both).",
    ),
    (
        "error.too_long",
        "Text je příliš dlouhý (nejvýše {detail} znaků).",
        "The text is too long (at most {detail} characters).",
    ),
    (
        "error.too_many",
        "Vybrali jste příliš mnoho akcí najednou.",
        "You chose too many activities at once.",
    ),
    (
        "error.too_many_occurrences",
        "Série může najednou vytvořit nejvýš {detail} setkání; zvolte dřívější datum.",
        "A series can make at most {detail} meetings at once; choose an earlier date.",
    ),
    (
        "error.too_many_speakers",
        "Nejvýš 20 řečníků.",
        "At most 20 speakers.",
    ),
    (
        "error.too_short",
        "Zadejte aspoň dva znaky.",
        "Enter at least two characters.",
    ),
    (
        "error.unknown_activity",
        "Vybraná akce neexistuje.",
        "The chosen activity does not exist.",
    ),
    (
        "error.unknown_choice",
        "Vyberte prosím jednu z nabízených možností.",
        "Please choose one of the options offered.",
    ),
    (
        "error.unknown_timezone",
        "Neznámé časové pásmo; zadejte název IANA, např. Europe/Prague.",
        "Unknown time zone; enter an IANA name, e.g. Europe/Prague.",
    ),
    (
        "error.until_before_start",
        "Datum posledního setkání nemůže být před prvním.",
        "The date of the last meeting cannot be before the first.",
    ),
    (
        "error.workshops_outside",
        "Mimo nové dny veletrhu by zůstaly naplánované workshopy (počet: {detail}). Nejdřív je přesuňte nebo zrušte.",
        "Scheduled workshops would fall outside the fair's new days ({detail} of them). Move or cancel them first.",
    ),
    (
        "error.wrong_password",
        "Současné heslo nesouhlasí.",
        "The current password is not right.",
    ),
    (
        "exhibitors.apply_link",
        "Přihlásit se jako vystavovatel",
        "Apply to exhibit",
    ),
    (
        "exhibitors.intro",
        "Organizace, které se na veletrhu představí, a workshopy, které vedou.",
        "The organisations at the fair, and the workshops they run.",
    ),
    (
        "exhibitors.none",
        "Zatím nejsou zveřejnění žádní vystavovatelé.",
        "No exhibitors have been published yet.",
    ),
    ("exhibitors.runs", "Vede workshop:", "Runs the workshop:"),
    ("exhibitors.stand", "Stánek", "Stand"),
    ("exhibitors.title", "Vystavovatelé", "Exhibitors"),
    ("export.column.activity", "Akce", "Activity"),
    ("export.column.checked_in_at", "Příchod", "Checked in"),
    ("export.column.confirmed_at", "Potvrzeno", "Confirmed at"),
    ("export.column.district", "Okres", "District"),
    ("export.column.email", "E-mail", "Email"),
    ("export.column.name", "Jméno", "Name"),
    ("export.column.organisation", "Organizace", "Organisation"),
    ("export.column.region", "Kraj", "Region"),
    ("export.column.registered_at", "Přihlášeno", "Registered at"),
    ("export.column.role", "Role", "Role"),
    ("export.column.starts_at", "Začátek", "Starts at"),
    ("export.column.status", "Stav", "Status"),
    ("export.sheet", "Účastníci", "Attendees"),
    ("export.status.attended", "zúčastnil/a se", "attended"),
    ("export.status.cancelled", "zrušeno", "cancelled"),
    ("export.status.confirmed", "potvrzeno", "confirmed"),
    ("export.status.expired", "propadlo", "expired"),
    ("export.status.no_show", "nedostavil/a se", "no-show"),
    ("export.status.offered", "nabídnuto místo", "seat offered"),
    (
        "export.status.pending",
        "čeká na potvrzení",
        "awaiting confirmation",
    ),
    ("export.status.waitlisted", "čekací listina", "waiting list"),
    (
        "fair.choose_hint",
        "Workshopy ve stejném čase běží souběžně: vyberte v každém bloku nejvýše jeden.",
        "Workshops at the same time run in parallel: choose at most one in each slot.",
    ),
    (
        "fair.closed.cancelled",
        "Veletrh byl zrušen.",
        "The fair has been cancelled.",
    ),
    (
        "fair.closed.closed",
        "Přihlašování na veletrh je uzavřeno.",
        "Registration for the fair is closed.",
    ),
    (
        "fair.closed.not_yet_open",
        "Přihlašování na veletrh ještě nezačalo.",
        "Registration for the fair has not opened yet.",
    ),
    ("fair.exhibitors_link", "Vystavovatelé", "Exhibitors"),
    (
        "fair.programme",
        "Program a výběr workshopů",
        "Programme: choose your workshops",
    ),
    ("fair.workshop_detail", "Podrobnosti", "Details"),
    ("feedback.change", "Změnit hodnocení", "Change your rating"),
    ("feedback.comment", "Komentář", "Comment"),
    (
        "feedback.comment_hint",
        "Co bylo přínosné, co byste změnili? Organizátoři komentáře čtou bez vašeho jména.",
        "What was useful, what would you change? Organisers read comments without your name.",
    ),
    ("feedback.give", "Ohodnotit akci", "Rate this event"),
    (
        "feedback.intro",
        "Vaše hodnocení pomůže organizátorům připravit další ročník.",
        "Your rating helps the organisers prepare the next one.",
    ),
    (
        "feedback.rating",
        "Jak akci hodnotíte?",
        "How would you rate the event?",
    ),
    ("feedback.rating.1", "1 – nevyhovující", "1 – poor"),
    ("feedback.rating.2", "2 – slabé", "2 – fair"),
    ("feedback.rating.3", "3 – dobré", "3 – good"),
    ("feedback.rating.4", "4 – velmi dobré", "4 – very good"),
    ("feedback.rating.5", "5 – výborné", "5 – excellent"),
    (
        "feedback.saved",
        "Děkujeme, vaše hodnocení je uložené.",
        "Thank you, your rating is saved.",
    ),
    ("feedback.submit", "Odeslat hodnocení", "Send the rating"),
    ("feedback.title", "Hodnocení akce", "Rate the event"),
    (
        "feedback.yours",
        "Vaše hodnocení: {rating} z 5.",
        "Your rating: {rating} out of 5.",
    ),
    (
        "footer.text",
        "Přihlášky na veletrh Úspěch pro každého žáka a setkání Okresních Partnerství pro vzdělávání 2030+.",
        "Sign-up for the fair Úspěch pro každého žáka and the meetings of the District Partnerships for Education 2030+.",
    ),
    ("form.about_you", "Vaše údaje", "About you"),
    (
        "form.after_submit",
        "Pošleme vám e-mail s odkazem pro potvrzení; místo vám mezitím držíme {hours} hodin.",
        "We will email you a link to confirm; meanwhile we hold your seat for {hours} hours.",
    ),
    ("form.choose", "– vyberte –", "– choose –"),
    (
        "form.consent",
        "Souhlasím se zpracováním svých osobních údajů (jméno, e-mail, organizace, role, okres) pro účely přihlášky a zasílání e-mailů o akcích, na které se přihlásím. Smazat je mohu kdykoli odkazem z e-mailu. (Znění souhlasu {version})",
        "I agree to the processing of my personal data (name, email, organisation, role, district) to sign me up and to email me about the events I sign up for. I can delete it at any time with the link in the emails. (Consent text version {version})",
    ),
    ("form.district", "Okres", "District"),
    (
        "form.district_hint",
        "Okres vaší školy nebo organizace, seřazené podle krajů.",
        "The district of your school or organisation, listed by region.",
    ),
    ("form.email", "E-mail", "Email"),
    (
        "form.email_hint",
        "Pošleme na něj odkaz pro potvrzení přihlášky.",
        "We will send the link to confirm your sign-up here.",
    ),
    (
        "form.error_summary",
        "Opravte prosím:",
        "Please correct the following:",
    ),
    ("form.error_title", "Chyba", "Error"),
    (
        "form.honeypot",
        "Toto pole nechte prázdné",
        "Leave this field empty",
    ),
    ("form.name", "Jméno a příjmení", "Full name"),
    ("form.optional", "nepovinné", "optional"),
    (
        "form.organisation",
        "Škola nebo organizace",
        "School or organisation",
    ),
    ("form.role", "Vaše role", "Your role"),
    ("form.sign_up", "Přihláška", "Sign up"),
    ("form.submit", "Odeslat přihlášku", "Send my sign-up"),
    (
        "home.all_meetings",
        "Všechna setkání podle krajů a okresů",
        "All meetings by region and district",
    ),
    ("home.fairs", "Veletrhy", "Fairs"),
    (
        "home.intro",
        "Vyberte si workshopy veletrhu nebo regionální setkání a přihlaste se. Přihlášku potvrdíte odkazem v e-mailu.",
        "Choose the fair's workshops or a regional meeting and sign up. You confirm with a link in an email.",
    ),
    (
        "home.meetings",
        "Setkání Okresních Partnerství",
        "District partnership meetings",
    ),
    (
        "home.no_fairs",
        "Zatím není vypsán žádný veletrh.",
        "No fair has been announced yet.",
    ),
    (
        "home.no_meetings",
        "Žádné nadcházející setkání.",
        "No upcoming meetings.",
    ),
    ("home.programme", "Program", "Programme"),
    (
        "home.programme_link",
        "Program a přihláška",
        "Programme and sign-up",
    ),
    (
        "home.title",
        "Přihlášky na veletrhy a setkání",
        "Sign-up for fairs and meetings",
    ),
    ("join.button", "Připojit se", "Join"),
    (
        "join.cancelled",
        "Tato akce byla zrušena.",
        "This event has been cancelled.",
    ),
    (
        "join.hint",
        "Připojíte-li se v době konání (nejdříve {minutes} minut před začátkem), zaznamenáme vaši účast a dostanete potvrzení o účasti.",
        "If you join while it is on (from {minutes} minutes before the start), we record your attendance and you get a certificate of attendance.",
    ),
    (
        "join.no_seat",
        "Na tuto akci nemáte potvrzené místo, proto vás tento odkaz na ni nepřipojí. Své přihlášky najdete na stránce Moje přihlášky.",
        "You hold no confirmed seat for this event, so this link does not take you in. Your sign-ups are on the My sign-ups page.",
    ),
    (
        "join.not_online",
        "Tato akce se už nekoná online. Kde se koná a jak se dostanete dovnitř, najdete na stránce Moje přihlášky.",
        "This event no longer takes place online. Where it takes place, and how you get in, is on your My sign-ups page.",
    ),
    (
        "join.recorded",
        "Vaše účast je zaznamenána ({at}).",
        "Your attendance is recorded ({at}).",
    ),
    ("join.title", "Připojení online", "Join online"),
    ("lang.switch", "English", "Česky"),
    (
        "manage.attendance",
        "Potvrzení o účasti na akcích, kterých jste se zúčastnili",
        "Certificate of attendance for the events you attended",
    ),
    ("manage.cancel", "Zrušit přihlášku", "Cancel"),
    (
        "manage.cancel_question",
        "Opravdu? Místo hned nabídneme dalším zájemcům a nelze to vrátit.",
        "Are you sure? The seat goes to someone else at once, and this cannot be undone.",
    ),
    ("manage.cancel_yes", "Ano, zrušit", "Yes, cancel"),
    (
        "manage.checkin_hint",
        "Při příchodu ukažte tento kód u vstupu (stačí v telefonu).",
        "Show this code at the entrance when you arrive (on your phone is fine).",
    ),
    ("manage.checkin_qr", "QR kód pro vstup", "Entry QR code"),
    (
        "manage.delete_link",
        "Smazat moje údaje…",
        "Delete my data…",
    ),
    (
        "manage.delete_text",
        "Zrušíme všechny vaše přihlášky a smažeme vaše osobní údaje.",
        "We cancel all your sign-ups and delete your personal data.",
    ),
    ("manage.delete_title", "Smazání údajů", "Delete my data"),
    (
        "manage.feed_address",
        "Adresa vašeho osobního kalendáře:",
        "The address of your personal calendar:",
    ),
    (
        "manage.feed_private",
        "Adresa je osobní: kdo ji zná, vidí vaše přihlášky. Nesdílejte ji.",
        "This address is personal: whoever has it sees your sign-ups. Do not share it.",
    ),
    (
        "manage.feed_text",
        "Potvrzené přihlášky se objeví ve vašem kalendáři a změny programu se promítnou samy.",
        "Your confirmed sign-ups appear in your calendar, and programme changes follow by themselves.",
    ),
    ("manage.feed_title", "Osobní kalendář", "Personal calendar"),
    (
        "manage.history",
        "Zrušené a propadlé",
        "Cancelled and expired",
    ),
    (
        "manage.hold_until",
        "potvrďte do {until}",
        "confirm by {until}",
    ),
    ("manage.ics", "Stáhnout .ics", "Download .ics"),
    ("manage.join", "Připojení online:", "Join online:"),
    (
        "manage.leave_waitlist",
        "Odhlásit se z čekací listiny",
        "Leave the waiting list",
    ),
    (
        "manage.none",
        "Nemáte žádné platné přihlášky.",
        "You have no current sign-ups.",
    ),
    (
        "manage.notice.already",
        "Tato přihláška už zrušená byla, nic dalšího se nestalo.",
        "This sign-up was already cancelled; nothing else happened.",
    ),
    (
        "manage.notice.cancelled",
        "Přihláška je zrušená. Potvrzení vám přijde e-mailem.",
        "The sign-up is cancelled. A confirmation is on its way by email.",
    ),
    ("manage.registrations", "Přihlášky", "Sign-ups"),
    (
        "manage.sign_up_more",
        "Přihlásit se na další akce",
        "Sign up for more",
    ),
    ("manage.title", "Moje přihlášky", "My sign-ups"),
    (
        "manage.waiting_position",
        "{position}. v pořadí",
        "number {position} in line",
    ),
    ("meetings.all_districts", "Všechny okresy", "All districts"),
    ("meetings.all_regions", "Všechny kraje", "All regions"),
    ("meetings.district", "Okres", "District"),
    ("meetings.filter", "Zobrazit", "Show"),
    (
        "meetings.intro",
        "Setkání iniciátorů a členů Okresních Partnerství. Vyberte kraj nebo okres.",
        "Meetings of the initiators and members of the District Partnerships. Choose a region or a district.",
    ),
    (
        "meetings.none",
        "Žádná nadcházející setkání.",
        "No upcoming meetings.",
    ),
    ("meetings.region", "Kraj", "Region"),
    ("meetings.title", "Regionální setkání", "Regional meetings"),
    (
        "meetings.upcoming",
        "Nadcházející setkání",
        "Upcoming meetings",
    ),
    (
        "nav.back_home",
        "Zpět na úvodní stránku",
        "Back to the home page",
    ),
    ("nav.label", "Hlavní navigace", "Main navigation"),
    ("nav.meetings", "Setkání", "Meetings"),
    ("nav.skip", "Přeskočit na obsah", "Skip to content"),
    (
        "page_error.bad_request.text",
        "Požadavek se nepodařilo zpracovat. Vraťte se prosím a zkuste to znovu.",
        "We could not process the request. Please go back and try again.",
    ),
    (
        "page_error.bad_request.title",
        "Neplatný požadavek",
        "Bad request",
    ),
    (
        "page_error.conflict.text",
        "Mezitím se to změnilo (například to bylo zrušeno nebo už vyřízeno). Načtěte prosím stránku znovu a podívejte se, jak to vypadá teď.",
        "It has changed in the meantime (for example, it was cancelled or already dealt with). Please reload the page to see how things are now.",
    ),
    (
        "page_error.conflict.title",
        "Teď to nejde",
        "This cannot be done now",
    ),
    (
        "page_error.forbidden.text",
        "Váš účet k této stránce nebo akci nemá přístup. Pokud ho potřebujete, obraťte se na správce.",
        "Your account has no access to this page or action. Ask an administrator if you need it.",
    ),
    (
        "page_error.forbidden.title",
        "Na to nemáte oprávnění",
        "You are not allowed to do this",
    ),
    (
        "page_error.internal.text",
        "Něco se pokazilo na naší straně. Zkuste to prosím později.",
        "Something went wrong on our side. Please try again later.",
    ),
    ("page_error.internal.title", "Chyba serveru", "Server error"),
    (
        "page_error.not_found.text",
        "Odkaz je neplatný, vypršel, nebo stránka neexistuje.",
        "The link is not valid, has expired, or the page does not exist.",
    ),
    (
        "page_error.not_found.title",
        "Stránka nenalezena",
        "Page not found",
    ),
    (
        "page_error.retry_after",
        "Zkuste to znovu za {seconds} s.",
        "Try again in {seconds} s.",
    ),
    (
        "page_error.too_large.text",
        "Formulář obsahuje víc dat, než kolik přijímáme (nejvýše 64 KiB). Zkraťte prosím delší \
         pole a zkuste to znovu.",
        "The form holds more than we accept (64 KiB at most). Please shorten the longer fields \
         and try again.",
    ),
    (
        "page_error.too_large.title",
        "Požadavek je příliš velký",
        "The request is too large",
    ),
    (
        "page_error.too_many.text",
        "Z vaší adresy přišlo příliš mnoho požadavků najednou.",
        "Too many requests came from your address at once.",
    ),
    (
        "page_error.too_many.title",
        "Příliš mnoho požadavků",
        "Too many requests",
    ),
    (
        "page_error.unavailable.text",
        "Služba je dočasně nedostupná, nic se nezměnilo.",
        "The service is temporarily unavailable; nothing was changed.",
    ),
    (
        "page_error.unavailable.title",
        "Služba je dočasně nedostupná",
        "Service temporarily unavailable",
    ),
    (
        "role.counsellor",
        "výchovný/á poradce/poradkyně",
        "school counsellor",
    ),
    (
        "role.deputy",
        "zástupce/zástupkyně ředitele",
        "deputy principal",
    ),
    (
        "role.map_orp",
        "pracovník/pracovnice MAP nebo ORP",
        "MAP or ORP staff",
    ),
    ("role.other", "jiná role", "other role"),
    ("role.principal", "ředitel/ka školy", "school principal"),
    ("role.teacher", "učitel/ka", "teacher"),
    ("seats.cancelled", "zrušeno", "cancelled"),
    ("seats.free", "volná místa", "seats left"),
    ("seats.full", "obsazeno", "full"),
    (
        "seats.full_waitlist",
        "obsazeno – můžete se zapsat na čekací listinu",
        "full – you can join the waiting list",
    ),
    ("seats.of", "z", "of"),
    ("sheet.name", "Jméno", "Name"),
    (
        "sheet.organisation",
        "Škola / organizace",
        "School / organisation",
    ),
    (
        "sheet.print_hint",
        "Vytiskněte stránku z prohlížeče (Ctrl+P).",
        "Print this page from your browser (Ctrl+P).",
    ),
    ("sheet.signature", "Podpis", "Signature"),
    ("sheet.title", "Prezenční listina", "Sign-in sheet"),
    ("status.attended", "zúčastnil/a se", "attended"),
    ("status.cancelled", "zrušeno", "cancelled"),
    ("status.confirmed", "potvrzeno", "confirmed"),
    ("status.expired", "propadlo", "expired"),
    ("status.no_show", "nedostavil/a se", "no-show"),
    (
        "status.offered",
        "nabídnuto místo, čeká na potvrzení e-mailem",
        "seat offered, awaiting email confirmation",
    ),
    (
        "status.pending",
        "čeká na potvrzení e-mailem",
        "awaiting email confirmation",
    ),
    (
        "status.waitlisted",
        "na čekací listině",
        "on the waiting list",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Europe::Prague;

    #[test]
    fn texts_are_sorted_unique_and_filled_in_both_languages() {
        for pair in TEXTS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
        for (key, cs, en) in TEXTS {
            assert!(!cs.is_empty() && !en.is_empty(), "{key}");
        }
    }

    #[test]
    fn a_too_long_text_is_told_its_limit() {
        let error = crate::domain::FieldError::too_long("name", 120);
        assert_eq!(
            Lang::Cs.field_error(&error),
            "Text je příliš dlouhý (nejvýše 120 znaků)."
        );
        assert_eq!(
            Lang::En.field_error(&error),
            "The text is too long (at most 120 characters)."
        );
    }

    #[test]
    fn accept_language_picks_the_clients_best_supported_language() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,cs;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("de;q=1, cs;q=0.5, en;q=0.4"),
            Some(Lang::Cs)
        );
        assert_eq!(Lang::from_accept_language("de, fr"), None);
        assert_eq!(Lang::from_accept_language("en;q=0"), None);
    }

    #[test]
    fn times_read_as_people_write_them_in_each_language() {
        let start = Utc.with_ymd_and_hms(2026, 5, 12, 7, 30, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2026, 5, 12, 9, 0, 0).unwrap();
        assert_eq!(
            Lang::Cs.when(start, end, Prague),
            "út 12. 5. 2026 9:30–11:00"
        );
        assert_eq!(
            Lang::En.when(start, end, Prague),
            "Tue 12 May 2026, 9:30–11:00"
        );
    }
}
