//! The per-user quota table as modules/upload-quota declares it, created in a local emulator for the tests of the
//! functions that count in it (upload-url, avatar-resize).

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};

/// Creates `name` with the module's schema: on-demand billing, one string hash key `pk`.
///
/// # Panics
/// When the emulator refuses the table (a test set-up failure).
pub async fn create_quota_table(dynamodb: &aws_sdk_dynamodb::Client, name: &str) {
    let key = "pk";
    dynamodb
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(key)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("attribute name and type are set"),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name(key)
                .key_type(KeyType::Hash)
                .build()
                .expect("attribute name and key type are set"),
        )
        .send()
        .await
        .expect("the emulator creates the quota table");
}
