//! How the API's JSON is described in the OpenAPI document where the types cannot say it
//! themselves: the domain's event JSON and the domain's enums, which the domain crate does not
//! describe.

use super::EVENT_TYPES;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// A case event as JSON: an object whose `type` names the event, with that event's fields.
/// Described by its tag and an example; the domain's types validate the fields.
pub struct CaseEventSchema;

impl PartialSchema for CaseEventSchema {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some(
                "What happened on the case. `type` names the event; the other fields are that event's \
                 (e.g. `appointment_booked` has `appointment`). Values are validated: a bad one is \
                 refused with 400 naming the field.",
            ))
            .property(
                "type",
                ObjectBuilder::new().schema_type(Type::String).enum_values(Some(EVENT_TYPES.iter().copied())),
            )
            .required("type")
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .examples([serde_json::json!({
                "type": "appointment_booked",
                "appointment": {"id": "A1", "at": "2026-03-04T10:00:00", "minutes": 45, "kind": "office_visit"}
            })])
            .into()
    }
}

impl ToSchema for CaseEventSchema {
    fn name() -> std::borrow::Cow<'static, str> {
        "CaseEvent".into()
    }
}

/// An event to record: what happened, when, and who is recording it.
#[derive(ToSchema)]
#[schema(as = NewEvent)]
pub struct NewEventSchema {
    /// When it happened (RFC 3339, e.g. `2026-03-02T12:00:00Z`).
    #[schema(format = DateTime, example = "2026-03-02T12:00:00Z")]
    pub occurred_at: String,
    /// The staff code of whoever is recording it.
    #[schema(example = "N07P001")]
    pub recorded_by: String,
    pub event: CaseEventSchema,
}

/// The JSON names of a unit enum's variants, as serde itself lists them when it refuses an
/// unknown one. Used only to describe the domain's enums here, so the document lists exactly
/// what the domain accepts and cannot drift from it; if serde ever stops listing them, the
/// schema falls back to a plain string.
fn variants<T: serde::de::DeserializeOwned>() -> Vec<String> {
    let Err(e) = serde_json::from_str::<T>("\"?\"") else { return Vec::new() };
    let message = e.to_string();
    let Some(list) = message.split("expected one of ").nth(1) else { return Vec::new() };
    list.split(", ").filter_map(|v| v.trim().strip_prefix('`')?.split('`').next().map(str::to_owned)).collect()
}

fn enum_schema<T: serde::de::DeserializeOwned>(description: &str) -> RefOr<Schema> {
    let values = variants::<T>();
    let builder = ObjectBuilder::new().schema_type(Type::String).description(Some(description));
    if values.is_empty() { builder.into() } else { builder.enum_values(Some(values)).into() }
}

macro_rules! domain_enum {
    ($(#[$doc:meta])* $name:ident, $domain:ty, $title:literal, $description:literal) => {
        $(#[$doc])*
        pub struct $name;
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                enum_schema::<$domain>($description)
            }
        }
        impl ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                $title.into()
            }
        }
    };
}

domain_enum!(
    /// `domain::sentence::SupervisionPhase`.
    PhaseSchema,
    domain::sentence::SupervisionPhase,
    "SupervisionPhase",
    "Where the sentence stands today."
);
domain_enum!(
    /// `domain::assessment::RoshLevel`.
    RoshSchema,
    domain::assessment::RoshLevel,
    "RoshLevel",
    "Overall risk of serious harm: the highest level over all groups."
);
domain_enum!(
    /// `domain::person::Gender`.
    GenderSchema,
    domain::person::Gender,
    "Gender",
    "The person's recorded gender."
);
domain_enum!(
    /// `domain::sentence::SentenceKind`.
    SentenceKindSchema,
    domain::sentence::SentenceKind,
    "SentenceKind",
    "The kind of sentence being supervised."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_enums_are_listed_in_full() {
        assert_eq!(variants::<domain::assessment::RoshLevel>(), ["low", "medium", "high", "very_high"]);
        assert_eq!(variants::<domain::sentence::SupervisionPhase>().len(), 4);
        assert!(variants::<domain::person::Gender>().contains(&"female".to_owned()));
        assert_eq!(variants::<domain::sentence::SentenceKind>().len(), 3);
    }
}
