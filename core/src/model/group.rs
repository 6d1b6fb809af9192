use serde::{Deserialize, Serialize};

/// A group, as in GROUP_LIST_UPDATED.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// The group's ID.
    #[serde(rename = "groupID")]
    pub group_id: String,
    /// The group's name.
    pub name: String,
    /// The group type (`"Public"`, `"Work"`, …, `TYPES.GRP_*`).
    #[serde(rename = "type")]
    pub group_type: String,
    /// Number of members.
    pub member_count: u64,
}

/// A topic of a community group, as in TOPIC_UPDATED.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Topic {
    /// The topic's ID.
    #[serde(rename = "topicID")]
    pub topic_id: String,
    /// The topic's name.
    pub topic_name: String,
}
