//! Who runs a workshop or meeting: the speakers of an activity, in order. Pages and feeds show
//! them (`Activity::speaker_line`); organisers set them with the activity (form and API).

use entity::speaker;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use crate::domain::{FieldError, field_error::is_unwanted};

/// At most this many speakers per activity, and characters per name or organisation.
const MAX_SPEAKERS: usize = 20;
const MAX_CHARS: usize = 200;

/// One speaker as given: a name and, optionally, their organisation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpeakerInput {
    pub name: String,
    pub organisation: Option<String>,
}

/// Speakers, one per line of a form's text: `Name; Organisation` (the organisation optional; a
/// semicolon because names carry commas: "Mgr. Jana Nováková, Ph.D."). Blank lines are skipped.
pub fn from_lines(text: &str) -> Vec<SpeakerInput> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| match line.split_once(';') {
            Some((name, organisation)) => SpeakerInput {
                name: name.to_owned(),
                organisation: Some(organisation.to_owned()),
            },
            None => SpeakerInput {
                name: line.to_owned(),
                organisation: None,
            },
        })
        .collect()
}

impl From<&speaker::Model> for SpeakerInput {
    fn from(s: &speaker::Model) -> Self {
        SpeakerInput {
            name: s.name.clone(),
            organisation: s.organisation.clone(),
        }
    }
}

/// The lines [`from_lines`] reads back.
pub fn to_lines(speakers: &[SpeakerInput]) -> String {
    speakers
        .iter()
        .map(|s| match &s.organisation {
            Some(organisation) => format!("{}; {organisation}", s.name),
            None => s.name.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The speakers trimmed and checked: a name each, neither part too long, not too many. Errors
/// are on the field `speakers`.
pub fn validate(speakers: &[SpeakerInput]) -> Result<Vec<SpeakerInput>, FieldError> {
    if speakers.len() > MAX_SPEAKERS {
        return Err(FieldError::new("speakers", "too_many_speakers"));
    }
    speakers
        .iter()
        .map(|s| {
            let name = s.name.trim();
            let organisation = s
                .organisation
                .as_deref()
                .map(str::trim)
                .filter(|o| !o.is_empty());
            if name.is_empty() {
                return Err(FieldError::new("speakers", "speaker_name_required"));
            }
            let both = || std::iter::once(name).chain(organisation);
            if both().any(|t| t.chars().count() > MAX_CHARS) {
                return Err(FieldError::too_long("speakers", MAX_CHARS));
            }
            if both().any(|t| t.chars().any(|c| is_unwanted(c, false))) {
                return Err(FieldError::new("speakers", "control_characters"));
            }
            Ok(SpeakerInput {
                name: name.to_owned(),
                organisation: organisation.map(str::to_owned),
            })
        })
        .collect()
}

/// Replaces the activity's speakers with `speakers`, in their order.
pub async fn replace(
    txn: &impl ConnectionTrait,
    activity_id: i32,
    speakers: &[SpeakerInput],
) -> Result<(), DbErr> {
    speaker::Entity::delete_many()
        .filter(speaker::Column::ActivityId.eq(activity_id))
        .exec(txn)
        .await?;
    for (position, s) in (1..).zip(speakers) {
        speaker::ActiveModel {
            activity_id: Set(activity_id),
            position: Set(position),
            name: Set(s.name.clone()),
            organisation: Set(s.organisation.clone()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn lines_name_then_organisation_after_a_semicolon() {
        let read = from_lines("Mgr. Jana Nováková, Ph.D.; ZŠ Vrbno\n\n  Petr Novák  \n");
        assert_eq!(
            validate(&read).unwrap(),
            [
                SpeakerInput {
                    name: "Mgr. Jana Nováková, Ph.D.".into(),
                    organisation: Some("ZŠ Vrbno".into()),
                },
                SpeakerInput {
                    name: "Petr Novák".into(),
                    organisation: None,
                },
            ]
        );
        assert_eq!(
            validate(&from_lines("; ZŠ Vrbno")),
            Err(FieldError::new("speakers", "speaker_name_required"))
        );
        assert_eq!(
            validate(&from_lines(&"Jan\n".repeat(21))),
            Err(FieldError::new("speakers", "too_many_speakers"))
        );
        assert_eq!(
            validate(&from_lines(&"x".repeat(201))),
            Err(FieldError::too_long("speakers", MAX_CHARS))
        );
        assert_eq!(
            validate(&from_lines("Jan\u{7}; ZŠ Vrbno")),
            Err(FieldError::new("speakers", "control_characters"))
        );
    }

    proptest! {
        /// What the form shows reads back as the same speakers.
        #[test]
        fn shown_lines_read_back(
            people in proptest::collection::vec(("[^;\r\n]{1,30}", proptest::option::of("[^\r\n]{1,30}")), 0..6)
        ) {
            let stored: Vec<SpeakerInput> = people
                .iter()
                .filter_map(|(name, org)| {
                    let name = name.trim();
                    let org = org.as_deref().map(str::trim).filter(|o| !o.is_empty());
                    (!name.is_empty()).then(|| SpeakerInput {
                        name: name.to_owned(),
                        organisation: org.map(str::to_owned),
                    })
                })
                .collect();
            if let Ok(back) = validate(&from_lines(&to_lines(&stored))) {
                prop_assert_eq!(stored, back);
            }
        }
    }
}
