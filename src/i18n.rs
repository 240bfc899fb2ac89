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

/// (key, Czech, English), sorted by key (a unit test checks the order).
const TEXTS: &[(&str, &str, &str)] = &[
    ("activity.districts", "Okresy", "Districts"),
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
    ("admin.cancelled", "Zrušeno", "Cancelled"),
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
    ("admin.field.place", "Místo konání", "Place"),
    (
        "admin.field.reason",
        "Důvod (bude v e-mailu přihlášeným)",
        "Reason (goes into the email to the people signed up)",
    ),
    ("admin.field.region", "Kraj", "Region"),
    ("admin.field.region_hint", "u setkání", "for meetings"),
    ("admin.field.role", "Role", "Role"),
    ("admin.field.room", "Místnost", "Room"),
    ("admin.field.starts_at", "Začátek", "Starts"),
    ("admin.field.title", "Název", "Title"),
    ("admin.field.topic", "Téma", "Topic"),
    (
        "admin.field.waitlist",
        "Při obsazení přijímat náhradníky",
        "Keep a waiting list when full",
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
    ("admin.nav.activities", "Akce", "Activities"),
    (
        "admin.nav.invite",
        "Pozvat organizátora",
        "Invite an organiser",
    ),
    ("admin.nav.label", "Správa", "Administration"),
    ("admin.nav.tokens", "API tokeny", "API tokens"),
    (
        "admin.notice.accepted",
        "Heslo je nastavené, můžete se přihlásit.",
        "Your password is set; you can sign in now.",
    ),
    (
        "admin.notice.cancelled",
        "Akce je zrušená a přihlášení dostanou e-mail.",
        "The activity is cancelled and the people signed up will get an email.",
    ),
    (
        "admin.notice.created",
        "Akce je vytvořená.",
        "The activity is created.",
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
    ("admin.password", "Heslo", "Password"),
    ("admin.role.admin", "správce", "administrator"),
    ("admin.role.organiser", "organizátor", "organiser"),
    (
        "admin.role.viewer",
        "náhled (jen čtení)",
        "viewer (read-only)",
    ),
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
    ("api.not_found", "Nenalezeno", "Not found"),
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
        "delete.button",
        "Ano, smazat moje údaje",
        "Yes, delete my data",
    ),
    (
        "delete.consequences",
        "Zrušíme všechny vaše přihlášky a smažeme vaše jméno, e-mail a organizaci. Odkazy z e-mailů i osobní kalendář přestanou fungovat.",
        "We will cancel all your sign-ups and delete your name, email and organisation. The links in your emails and your personal calendar will stop working.",
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
        "error.district_not_in_region",
        "Tento okres nepatří do vybraného kraje.",
        "This district is not in the chosen region.",
    ),
    (
        "error.ends_before_start",
        "Konec musí být později než začátek.",
        "The end must be later than the start.",
    ),
    (
        "error.full",
        "Akce je plně obsazena: {detail}.",
        "This activity is full: {detail}.",
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
        "error.invalid_time",
        "Zadejte datum a čas, např. 2027-01-12 09:30.",
        "Enter a date and time, e.g. 2027-01-12 09:30.",
    ),
    (
        "error.organiser_exists",
        "Organizátor s touto adresou už existuje.",
        "An organiser with this address already exists.",
    ),
    (
        "error.overlap",
        "Tyto akce se časově překrývají: {detail}. Vyberte jen jednu z nich.",
        "These activities overlap in time: {detail}. Choose only one of them.",
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
        "error.required",
        "Toto pole je povinné.",
        "This field is required.",
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
        "error.too_long",
        "Text je příliš dlouhý.",
        "The text is too long.",
    ),
    (
        "error.too_many",
        "Vybrali jste příliš mnoho akcí najednou.",
        "You chose too many activities at once.",
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
    ("lang.switch", "English", "Česky"),
    ("manage.cancel", "Zrušit přihlášku", "Cancel"),
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
    (
        "manage.none",
        "Nemáte žádné platné přihlášky.",
        "You have no current sign-ups.",
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
    ("status.attended", "zúčastnil/a se", "attended"),
    ("status.cancelled", "zrušeno", "cancelled"),
    ("status.confirmed", "potvrzeno", "confirmed"),
    ("status.expired", "propadlo", "expired"),
    ("status.no_show", "nedostavil/a se", "no-show"),
    (
        "status.offered",
        "nabídnuto místo – potvrďte e-mailem",
        "seat offered – confirm by email",
    ),
    (
        "status.pending",
        "čeká na potvrzení e-mailem",
        "waiting for your email confirmation",
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
