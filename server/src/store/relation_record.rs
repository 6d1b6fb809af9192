//! Records of profiles and friendships (issue 18).

/// One profile tag of a user: the tag and its value as JSON text (a string
/// or a number, as the client sent it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileTag {
    /// `Tag_Profile_IM_*` or `Tag_Profile_Custom_*`.
    pub tag: String,
    /// The value, as JSON.
    pub value: String,
}

/// One friend in a user's friend list. A two-way friendship is two
/// records, one in each list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FriendRecord {
    /// The friend.
    pub peer: String,
    /// The remark the owner gave the friend.
    pub remark: String,
    /// The owner's friend groups the friend is in.
    pub groups: Vec<String>,
    /// How the friendship was asked for (`AddSource_Type_*`).
    pub add_source: String,
    /// The words of the request.
    pub add_wording: String,
    /// When the friend was added, Unix seconds.
    pub add_time: u64,
    /// `Tag_SNS_Custom_*` fields, sorted by key.
    pub custom: Vec<(String, String)>,
}

/// A pending friend application as one user sees it: sent to them
/// (`incoming`) or sent by them. One application is two records, one in
/// each user's list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FriendApplicationRecord {
    /// The other user.
    pub peer: String,
    /// Sent to the owner (`Pendency_Type_ComeIn`) rather than by them.
    pub incoming: bool,
    /// `AddSource_Type_*`.
    pub add_source: String,
    /// The applicant's words.
    pub add_wording: String,
    /// The remark the applicant asked for.
    pub remark: String,
    /// When it was sent, Unix seconds.
    pub add_time: u64,
}
