//! Profiles and friends through the engine, on both stores (PROTOCOL.md,
//! profiles and friends; relationship-facts §1–§2): tags are stored and
//! read back, a change reaches the user's other instances and two-way
//! friends but no stranger, friend_add follows the peer's AllowType, and
//! the FriendListMod pushes reach every instance of both users.

mod common;

use common::ops::Outcome;
use common::*;
use serde_json::{json, Value};
use tcchat_server::store::Store;

const GET: &str = "profile.portrait_get_all";
const SET: &str = "profile.portrait_set";
const ADD: &str = "sns.friend_add";
const DEL: &str = "sns.friend_delete";
const CHECK: &str = "sns.friend_check";
const UPDATE: &str = "sns.friend_update";
const LIST: &str = "sns.friend_get";
const SPECIFIED: &str = "sns.friend_get_specified";

fn set<S: Store>(c: &mut Client, sim: &mut Sim<S>, items: Value) -> Outcome {
    c.op(
        sim,
        SET,
        json!({"From_Account": c.user, "ProfileItem": items}),
    )
}

fn profile_of<S: Store>(c: &mut Client, sim: &mut Sim<S>, user: &str) -> Value {
    let out = c
        .op(
            sim,
            GET,
            json!({"From_Account": c.user, "UserItem": [{"To_Account": user, "StandardSequence": 0, "CustomSequence": 0}]}),
        )
        .ok();
    out.body()["UserProfileItem"][0]["ProfileItem"].clone()
}

fn add<S: Store>(c: &mut Client, sim: &mut Sim<S>, to: &str, add_type: &str) -> Outcome {
    c.op(
        sim,
        ADD,
        json!({"From_Account": c.user, "AddFriendItem": [{"To_Account": to,
            "AddSource": "AddSource_Type_Web", "AddWording": "hi"}], "AddType": add_type}),
    )
}

fn result_code(out: &Outcome) -> u64 {
    out.body()["ResultItem"][0]["ResultCode"].as_u64().unwrap()
}

/// The `FriendListMod` items pushed to `conn`.
fn friend_mods(out: &Outcome, conn: u64) -> Vec<Value> {
    out.pushes_to(conn)
        .iter()
        .flat_map(|m| m.body["EventArray"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e.get("FriendListMod").and_then(Value::as_array).cloned())
        .flatten()
        .collect()
}

fn relation<S: Store>(c: &mut Client, sim: &mut Sim<S>, to: &str) -> String {
    let out = c
        .op(
            sim,
            CHECK,
            json!({"From_Account": c.user, "To_Account": [to], "CheckType": "CheckResult_Type_Both"}),
        )
        .ok();
    out.body()["InfoItem"][0]["Relation"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Tags are stored with their types; a bad tag is refused with 40001 and
/// nothing of that request is stored.
fn profile_tags_are_stored_and_checked<S: Store>(mut sim: Sim<S>) {
    let mut a = Client::new(1, APP, "a");
    a.login(&mut sim);
    set(
        &mut a,
        &mut sim,
        json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "ann"},
               {"Tag": "Tag_Profile_IM_Level", "Value": 3},
               {"Tag": "Tag_Profile_Custom_Hobby", "Value": "chess"}]),
    )
    .ok();
    let p = profile_of(&mut a, &mut sim, "a");
    assert_eq!(
        p,
        json!([{"Tag": "Tag_Profile_Custom_Hobby", "Value": "chess"},
               {"Tag": "Tag_Profile_IM_Level", "Value": 3},
               {"Tag": "Tag_Profile_IM_Nick", "Value": "ann"}])
    );
    for bad in [
        json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "x".repeat(501)}]),
        json!([{"Tag": "Tag_Profile_IM_Level", "Value": "three"}]),
        json!([{"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Robot"}]),
        json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "ok"}, {"Tag": "Tag_Unknown", "Value": "x"}]),
        json!([]),
    ] {
        assert_eq!(set(&mut a, &mut sim, bad.clone()).code(), 40001, "{bad}");
    }
    assert_eq!(profile_of(&mut a, &mut sim, "a")[2]["Value"], "ann");
    // Someone else's From_Account.
    let out = a.op(
        &mut sim,
        SET,
        json!({"From_Account": "b", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "x"}]}),
    );
    assert_ne!(out.code(), 0);
}

/// a and b are two-way friends, c is a stranger: a's change reaches a's
/// other instance and b, never c.
fn profile_changes_reach_friends_not_strangers<S: Store>(mut sim: Sim<S>) {
    let mut a = Client::new(1, APP, "a");
    let mut a2 = Client::new(2, APP, "a").on_platform(2);
    let mut b = Client::new(3, APP, "b");
    let mut c = Client::new(4, APP, "c");
    for x in [&mut a, &mut a2, &mut b, &mut c] {
        x.login(&mut sim);
    }
    assert_eq!(
        result_code(&add(&mut a, &mut sim, "b", "Add_Type_Both").ok()),
        0
    );
    let out = set(
        &mut a,
        &mut sim,
        json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "ann"}]),
    )
    .ok();
    assert_eq!(out.pushed_to(), [2, 3].into_iter().collect());
    let push = &out.pushes_to(3)[0].body["EventArray"][0];
    assert_eq!(
        push["ProfileDataMod"],
        json!([{"Profile_Account": "a", "ProfileList": [{"Tag": "Tag_Profile_IM_Nick", "Value": "ann"}]}])
    );
    // c in a's list only: c does not have a as a friend, so c hears
    // nothing either.
    assert_eq!(
        result_code(&add(&mut a, &mut sim, "c", "Add_Type_Single").ok()),
        0
    );
    let out = set(
        &mut a,
        &mut sim,
        json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "anna"}]),
    )
    .ok();
    assert!(!out.pushed_to().contains(&4), "{:?}", out.pushed_to());
}

/// AllowType: AllowAny adds both ways, DenyAny refuses with 30516,
/// NeedConfirm answers 30539 and adds nothing; an existing friend is 30001.
fn friend_add_follows_allow_type<S: Store>(mut sim: Sim<S>) {
    let mut a = Client::new(1, APP, "a");
    let mut a2 = Client::new(2, APP, "a").on_platform(2);
    let mut b = Client::new(3, APP, "b");
    let mut d = Client::new(4, APP, "d");
    let mut n = Client::new(5, APP, "n");
    for x in [&mut a, &mut a2, &mut b, &mut d, &mut n] {
        x.login(&mut sim);
    }
    set(
        &mut d,
        &mut sim,
        json!([{"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_DenyAny"}]),
    )
    .ok();
    set(
        &mut n,
        &mut sim,
        json!([{"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_NeedConfirm"}]),
    )
    .ok();

    let out = add(&mut a, &mut sim, "b", "Add_Type_Both").ok();
    assert_eq!(result_code(&out), 0);
    // Every instance of both, the caller's included (the official SDK
    // changes its list only from this push).
    for (conn, who) in [(1, "b"), (2, "b"), (3, "a")] {
        assert_eq!(
            friend_mods(&out, conn),
            [json!({"PushType": 1, "FriendAdd_Account": [who]})],
            "conn {conn}"
        );
    }
    assert_eq!(relation(&mut a, &mut sim, "b"), "CheckResult_Type_BothWay");
    assert_eq!(
        result_code(&add(&mut a, &mut sim, "b", "Add_Type_Both").ok()),
        30001
    );
    assert_eq!(
        result_code(&add(&mut a, &mut sim, "a", "Add_Type_Both").ok()),
        30001
    );

    assert_eq!(
        result_code(&add(&mut a, &mut sim, "d", "Add_Type_Both").ok()),
        30516
    );
    assert_eq!(
        relation(&mut a, &mut sim, "d"),
        "CheckResult_Type_NoRelation"
    );
    let out = add(&mut a, &mut sim, "n", "Add_Type_Both").ok();
    assert_eq!(result_code(&out), 30539);
    assert_eq!(
        relation(&mut a, &mut sim, "n"),
        "CheckResult_Type_NoRelation"
    );

    // Single: only a's list.
    let mut s = Client::new(6, APP, "s");
    s.login(&mut sim);
    assert_eq!(
        result_code(&add(&mut a, &mut sim, "s", "Add_Type_Single").ok()),
        0
    );
    assert_eq!(relation(&mut a, &mut sim, "s"), "CheckResult_Type_AWithB");
    assert_eq!(relation(&mut s, &mut sim, "a"), "CheckResult_Type_BWithA");
}

/// friend_get pages by 100 with the friend's fields and profile tags;
/// friend_get_specified answers OK with 30001 for a non-friend.
fn friend_list_pages_and_carries_profiles<S: Store>(mut sim: Sim<S>) {
    let mut a = Client::new(1, APP, "a");
    a.login(&mut sim);
    let mut b = Client::new(2, APP, "b");
    b.login(&mut sim);
    set(
        &mut b,
        &mut sim,
        json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "bee"}]),
    )
    .ok();
    for i in 0..150 {
        assert_eq!(
            result_code(&add(&mut a, &mut sim, &format!("f{i:03}"), "Add_Type_Both").ok()),
            0
        );
    }
    a.op(
        &mut sim,
        ADD,
        json!({"From_Account": "a", "AddFriendItem": [{"To_Account": "b",
            "AddSource": "AddSource_Type_Web", "Remark": "rb", "GroupName": "g1"}]}),
    )
    .ok();
    let page = a
        .op(&mut sim, LIST, json!({"From_Account": "a", "StartIndex": 0, "StandardSequence": 0, "CustomSequence": 0}))
        .ok();
    let body = page.body();
    assert_eq!(body["FriendNum"], 151);
    assert_eq!(body["CompleteFlag"], 0);
    assert_eq!(body["NextStartIndex"], 100);
    let first = &body["UserDataItem"][0];
    assert_eq!(first["To_Account"], "b");
    let tags: Vec<(String, Value)> = first["ValueItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["Tag"].as_str().unwrap().to_owned(), t["Value"].clone()))
        .collect();
    assert!(
        tags.contains(&("Tag_SNS_IM_Remark".into(), json!("rb"))),
        "{tags:?}"
    );
    assert!(
        tags.contains(&("Tag_SNS_IM_Group".into(), json!(["g1"]))),
        "{tags:?}"
    );
    assert!(
        tags.contains(&("Tag_Profile_IM_Nick".into(), json!("bee"))),
        "{tags:?}"
    );
    let last = a
        .op(&mut sim, LIST, json!({"From_Account": "a", "StartIndex": 100, "StandardSequence": 0, "CustomSequence": 0}))
        .ok();
    assert_eq!(last.body()["CompleteFlag"], 1);
    assert_eq!(last.body()["UserDataItem"].as_array().unwrap().len(), 51);

    let out = a
        .op(
            &mut sim,
            SPECIFIED,
            json!({"From_Account": "a", "To_Account": ["b", "zz"]}),
        )
        .ok();
    assert_eq!(out.body()["InfoItem"][0]["ResultCode"], 0);
    assert_eq!(out.body()["InfoItem"][1]["ResultCode"], 30001);
}

/// friend_update changes remark and custom fields and tells the other
/// instance (PushType 8); friend_delete Both removes both records and
/// pushes PushType 2 to every instance of both.
fn friends_are_updated_and_deleted<S: Store>(mut sim: Sim<S>) {
    let mut a = Client::new(1, APP, "a");
    let mut a2 = Client::new(2, APP, "a").on_platform(2);
    let mut b = Client::new(3, APP, "b");
    for x in [&mut a, &mut a2, &mut b] {
        x.login(&mut sim);
    }
    add(&mut a, &mut sim, "b", "Add_Type_Both").ok();
    let sns = json!([{"Tag": "Tag_SNS_IM_Remark", "Value": "bestie"},
                     {"Tag": "Tag_SNS_Custom_Level", "Value": "gold"}]);
    let out = a
        .op(
            &mut sim,
            UPDATE,
            json!({"From_Account": "a", "UpdateItem": [{"To_Account": "b", "SnsItem": sns}]}),
        )
        .ok();
    assert_eq!(result_code(&out), 0);
    assert_eq!(out.pushed_to(), [2].into_iter().collect());
    assert_eq!(
        friend_mods(&out, 2),
        [json!({"PushType": 8, "FriendUpInfo": [{"Friend_Account": "b", "Sns": sns}]})]
    );
    let bad = a
        .op(&mut sim, UPDATE, json!({"From_Account": "a", "UpdateItem": [
            {"To_Account": "zz", "SnsItem": sns},
            {"To_Account": "b", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "r".repeat(97)}]}]}))
        .ok();
    assert_eq!(bad.body()["ResultItem"][0]["ResultCode"], 30001);
    assert_eq!(bad.body()["ResultItem"][1]["ResultCode"], 30001);

    let out = a
        .op(&mut sim, DEL, json!({"From_Account": "a", "To_Account": ["b", "zz"], "DeleteType": "Delete_Type_Both"}))
        .ok();
    assert_eq!(out.body()["ResultItem"][0]["ResultCode"], 0);
    assert_eq!(out.body()["ResultItem"][1]["ResultCode"], 30001);
    for (conn, who) in [(1, "b"), (2, "b"), (3, "a")] {
        assert_eq!(
            friend_mods(&out, conn),
            [json!({"PushType": 2, "FriendDel_Account": [who]})],
            "conn {conn}"
        );
    }
    assert_eq!(
        relation(&mut a, &mut sim, "b"),
        "CheckResult_Type_NoRelation"
    );
    // Single delete keeps the other side.
    add(&mut a, &mut sim, "b", "Add_Type_Both").ok();
    a.op(
        &mut sim,
        DEL,
        json!({"From_Account": "a", "To_Account": ["b"], "DeleteType": "Delete_Type_Single"}),
    )
    .ok();
    assert_eq!(relation(&mut a, &mut sim, "b"), "CheckResult_Type_BWithA");
}

const PENDENCY: &str = "sns.pendency_get";
const RESPONSE: &str = "sns.friend_response";
const PENDENCY_DELETE: &str = "sns.pendency_delete";
const REPORT: &str = "sns.pendency_report";

fn pendencies<S: Store>(c: &mut Client, sim: &mut Sim<S>) -> Value {
    c.op(
        sim,
        PENDENCY,
        json!({"From_Account": c.user, "PendencyType": "Pendency_Type_Both", "StartTime": 0, "MaxLimited": 100, "LastSequence": 0}),
    )
    .ok()
    .reply
    .body
}

/// A request to a NeedConfirm user is stored as an application on both
/// sides and pushed (PushType 3); accepting it makes both friends and
/// pushes FriendAdd_Account to every instance; refusing and deleting push
/// PushType 4; reading pushes PushType 7 to the other instance.
fn applications_wait_for_the_user<S: Store>(mut sim: Sim<S>) {
    let mut a = Client::new(1, APP, "a");
    let mut n = Client::new(2, APP, "n");
    let mut n2 = Client::new(3, APP, "n").on_platform(2);
    let mut c = Client::new(4, APP, "c");
    for x in [&mut a, &mut n, &mut n2, &mut c] {
        x.login(&mut sim);
    }
    set(
        &mut a,
        &mut sim,
        json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "ann"}]),
    )
    .ok();
    set(
        &mut n,
        &mut sim,
        json!([{"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_NeedConfirm"}]),
    )
    .ok();
    let out = add(&mut a, &mut sim, "n", "Add_Type_Both").ok();
    assert_eq!(result_code(&out), 30539);
    let theirs = friend_mods(&out, 2);
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert_eq!(theirs[0]["PushType"], 3);
    assert_eq!(theirs[0]["From_Account"], "a");
    assert_eq!(theirs[0]["PendencyAdd"][0]["PendencyAdd_Account"], "a");
    assert_eq!(theirs[0]["PendencyAdd"][0]["ProfileImNick"], "ann");
    assert_eq!(theirs[0]["PendencyAdd"][0]["AddWording"], "hi");
    // The caller's instance hears of it too (as sent out).
    assert_eq!(
        friend_mods(&out, 1)[0]["PendencyAdd"][0]["PendencyAdd_Account"],
        "n"
    );
    let p = pendencies(&mut n, &mut sim);
    assert_eq!(p["UnreadPendencyCount"], 1);
    assert_eq!(p["PendencyItem"][0]["To_Account"], "a");
    assert_eq!(p["PendencyItem"][0]["PendencyType"], "Pendency_Type_ComeIn");
    assert_eq!(p["PendencyItem"][0]["Nick"], "ann");
    let p = pendencies(&mut a, &mut sim);
    assert_eq!(
        p["PendencyItem"][0]["PendencyType"],
        "Pendency_Type_SendOut"
    );
    assert_eq!(p["UnreadPendencyCount"], 0);

    // Read on one instance: the other hears PushType 7; the count is 0.
    let now = sim.unix_s();
    let out = n
        .op(
            &mut sim,
            REPORT,
            json!({"From_Account": "n", "LatestPendencyTimeStamp": now}),
        )
        .ok();
    assert_eq!(friend_mods(&out, 3)[0]["PushType"], 7);
    assert!(friend_mods(&out, 3)[0]["ReportTime"].is_u64());
    assert_eq!(pendencies(&mut n, &mut sim)["UnreadPendencyCount"], 0);

    // Accept (both ways): friends, applications gone, pushes everywhere.
    let out = n
        .op(
            &mut sim,
            RESPONSE,
            json!({"From_Account": "n", "ResponseFriendItem": [
            {"To_Account": "a", "ResponseAction": "Response_Action_AgreeAndAdd"},
            {"To_Account": "zz", "ResponseAction": "Response_Action_AgreeAndAdd"}]}),
        )
        .ok();
    assert_eq!(out.body()["ResultItem"][0]["ResultCode"], 0);
    assert_eq!(out.body()["ResultItem"][1]["ResultCode"], 30001);
    for (conn, who) in [(1, "n"), (2, "a"), (3, "a")] {
        assert_eq!(
            friend_mods(&out, conn),
            [json!({"PushType": 1, "FriendAdd_Account": [who]})],
            "conn {conn}"
        );
    }
    assert_eq!(relation(&mut a, &mut sim, "n"), "CheckResult_Type_BothWay");
    assert_eq!(pendencies(&mut n, &mut sim)["PendencyItem"], json!([]));
    assert_eq!(pendencies(&mut a, &mut sim)["PendencyItem"], json!([]));

    // Refuse: no friendship, PushType 4 to both.
    set(
        &mut c,
        &mut sim,
        json!([{"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_NeedConfirm"}]),
    )
    .ok();
    add(&mut a, &mut sim, "c", "Add_Type_Both").ok();
    let out = c
        .op(
            &mut sim,
            RESPONSE,
            json!({"From_Account": "c", "ResponseFriendItem": [
            {"To_Account": "a", "ResponseAction": "Response_Action_Reject"}]}),
        )
        .ok();
    assert_eq!(
        friend_mods(&out, 4),
        [json!({"PushType": 4, "From_Account": "c", "FrienPencydDel_Account": ["a"]})]
    );
    assert_eq!(
        friend_mods(&out, 1)[0]["FrienPencydDel_Account"],
        json!(["c"])
    );
    assert_eq!(
        relation(&mut a, &mut sim, "c"),
        "CheckResult_Type_NoRelation"
    );

    // Delete one sent out: gone on both sides.
    add(&mut a, &mut sim, "c", "Add_Type_Both").ok();
    let out = a
        .op(&mut sim, PENDENCY_DELETE, json!({"From_Account": "a", "PendencyType": "Pendency_Type_SendOut", "To_Account": ["c", "zz"]}))
        .ok();
    assert_eq!(out.body()["ResultItem"][0]["ResultCode"], 0);
    assert_eq!(out.body()["ResultItem"][1]["ResultCode"], 30001);
    assert_eq!(pendencies(&mut c, &mut sim)["PendencyItem"], json!([]));
    assert_eq!(pendencies(&mut a, &mut sim)["PendencyItem"], json!([]));
}

on_both_stores!(
    applications_wait_for_the_user,
    profile_tags_are_stored_and_checked,
    profile_changes_reach_friends_not_strangers,
    friend_add_follows_allow_type,
    friend_list_pages_and_carries_profiles,
    friends_are_updated_and_deleted,
);
