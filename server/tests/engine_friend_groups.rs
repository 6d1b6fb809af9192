//! Friend groups through the engine, on both stores (PROTOCOL.md, friend
//! groups; relationship-facts §4): group_get lists each group with its
//! friends and agrees with friend_get's `Tag_SNS_IM_Group`; create,
//! rename, add, remove and delete answer with the keys the official SDK
//! needs, keep non-friends out, and push PushType 9 to the user's other
//! instances only.

mod common;

use common::ops::Outcome;
use common::*;
use serde_json::{json, Value};
use tcchat_server::store::Store;

const GET: &str = "sns.group_get";
const ADD: &str = "sns.group_add";
const UPDATE: &str = "sns.group_update";
const DELETE: &str = "sns.group_delete";

fn groups<S: Store>(c: &mut Client, sim: &mut Sim<S>) -> Value {
    let out = c
        .op(
            sim,
            GET,
            json!({"From_Account": c.user, "LastSequence": 0, "NeedFriend": "Need_Friend_Type_Yes"}),
        )
        .ok();
    out.body()["ResultItem"].clone()
}

/// Each friend's `Tag_SNS_IM_Group` from friend_get, by friend.
fn friend_groups<S: Store>(c: &mut Client, sim: &mut Sim<S>) -> Vec<(String, Value)> {
    let out = c
        .op(
            sim,
            "sns.friend_get",
            json!({"From_Account": c.user, "StartIndex": 0, "StandardSequence": 0, "CustomSequence": 0}),
        )
        .ok();
    out.body()["UserDataItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let tags = u["ValueItem"].as_array().unwrap();
            let g = tags
                .iter()
                .find(|t| t["Tag"] == "Tag_SNS_IM_Group")
                .map(|t| t["Value"].clone())
                .unwrap();
            (u["To_Account"].as_str().unwrap().to_owned(), g)
        })
        .collect()
}

fn befriend<S: Store>(c: &mut Client, sim: &mut Sim<S>, to: &str, group: &str) {
    let out = c
        .op(
            sim,
            "sns.friend_add",
            json!({"From_Account": c.user, "AddFriendItem": [{"To_Account": to,
                "AddSource": "AddSource_Type_Web", "GroupName": group}], "AddType": "Add_Type_Both"}),
        )
        .ok();
    assert_eq!(out.body()["ResultItem"][0]["ResultCode"], 0);
}

/// The `FriendListMod` items pushed to `conn`.
fn friend_mods(out: &Outcome, conn: u64) -> Vec<Value> {
    out.events_to(conn)
        .iter()
        .filter_map(|e| e.get("FriendListMod").and_then(Value::as_array).cloned())
        .flatten()
        .collect()
}

fn changed_push() -> Vec<Value> {
    vec![json!({"PushType": 9, "FriendGroupChanged": 1})]
}

fn friend_groups_end_to_end<S: Store>(mut sim: Sim<S>) {
    let mut a = Client::new(1, APP, "a");
    let mut a2 = Client::new(2, APP, "a").on_platform(2);
    let mut b = Client::new(3, APP, "b");
    for x in [&mut a, &mut a2, &mut b] {
        x.login(&mut sim);
    }
    assert_eq!(groups(&mut a, &mut sim), json!([]));
    befriend(&mut a, &mut sim, "b", "");
    befriend(&mut a, &mut sim, "c", "");

    // Create with members: only friends go in.
    let out = a
        .op(
            &mut sim,
            ADD,
            json!({"From_Account": "a", "GroupName": ["g1"], "To_Account": ["b", "zz"]}),
        )
        .ok();
    assert_eq!(out.body()["ResultItem"][0]["To_Account"], "b");
    assert_eq!(out.body()["ResultItem"][0]["ResultCode"], 0);
    assert_eq!(out.body()["ResultItem"][1]["ResultCode"], 30001);
    assert_eq!(
        out.pushed_to(),
        [2].into_iter().collect(),
        "my other instance only"
    );
    assert_eq!(friend_mods(&out, 2), changed_push());
    assert_eq!(
        groups(&mut a, &mut sim),
        json!([{"GroupName": "g1", "FriendNumber": 1, "To_Account": ["b"]}])
    );
    // An existing name, an empty or over-long one: refused, nothing stored.
    for name in ["g1", "", &"n".repeat(31)] {
        let out = a.op(
            &mut sim,
            ADD,
            json!({"From_Account": "a", "GroupName": [name], "To_Account": []}),
        );
        assert_eq!(out.code(), 30001, "{name:?}");
        assert!(out.pushed_to().is_empty());
    }

    // Add and remove members: each item echoes its UpdateType.
    let out = a
        .op(
            &mut sim,
            UPDATE,
            json!({"From_Account": "a", "GroupOldName": "g1", "UpdateGroupItem": [
            {"To_Account": "c", "UpdateType": "Update_Type_Add"},
            {"To_Account": "zz", "UpdateType": "Update_Type_Add"}]}),
        )
        .ok();
    assert_eq!(
        out.body()["ResultItem"][0],
        json!({"To_Account": "c", "ResultCode": 0, "ResultInfo": "", "UpdateType": "Update_Type_Add"})
    );
    assert_eq!(out.body()["ResultItem"][1]["ResultCode"], 30001);
    assert_eq!(friend_mods(&out, 2), changed_push());
    a.op(
        &mut sim,
        UPDATE,
        json!({"From_Account": "a", "GroupOldName": "g1", "UpdateGroupItem": [
            {"To_Account": "b", "UpdateType": "Update_Type_Delete"}]}),
    )
    .ok();
    assert_eq!(
        groups(&mut a, &mut sim),
        json!([{"GroupName": "g1", "FriendNumber": 1, "To_Account": ["c"]}])
    );

    // Rename: the members follow, friend_get agrees.
    a.op(
        &mut sim,
        ADD,
        json!({"From_Account": "a", "GroupName": ["g0"], "To_Account": ["b"]}),
    )
    .ok();
    let taken = a.op(
        &mut sim,
        UPDATE,
        json!({"From_Account": "a", "GroupOldName": "g1", "GroupNewName": "g0"}),
    );
    assert_eq!(taken.code(), 30001);
    let unknown = a.op(
        &mut sim,
        UPDATE,
        json!({"From_Account": "a", "GroupOldName": "nope", "GroupNewName": "x"}),
    );
    assert_eq!(unknown.code(), 30001);
    a.op(
        &mut sim,
        UPDATE,
        json!({"From_Account": "a", "GroupOldName": "g1", "GroupNewName": "g3"}),
    )
    .ok();
    assert_eq!(
        groups(&mut a, &mut sim),
        json!([{"GroupName": "g3", "FriendNumber": 1, "To_Account": ["c"]},
               {"GroupName": "g0", "FriendNumber": 1, "To_Account": ["b"]}]),
        "a rename keeps the group's place"
    );
    assert_eq!(
        friend_groups(&mut a, &mut sim),
        [
            ("b".to_owned(), json!(["g0"])),
            ("c".to_owned(), json!(["g3"]))
        ]
    );

    // A deleted friend leaves its groups; b's own list is untouched.
    a.op(
        &mut sim,
        "sns.friend_delete",
        json!({"From_Account": "a", "To_Account": ["c"], "DeleteType": "Delete_Type_Both"}),
    )
    .ok();
    assert_eq!(groups(&mut a, &mut sim)[0]["To_Account"], json!([]));
    assert_eq!(groups(&mut b, &mut sim), json!([]));

    // Delete: gone, its friends stay friends; an unknown name is ignored.
    let out = a
        .op(
            &mut sim,
            DELETE,
            json!({"From_Account": "a", "GroupName": ["g0", "nope"]}),
        )
        .ok();
    assert_eq!(friend_mods(&out, 2), changed_push());
    assert_eq!(
        groups(&mut a, &mut sim),
        json!([{"GroupName": "g3", "FriendNumber": 0, "To_Account": []}])
    );
    assert_eq!(
        friend_groups(&mut a, &mut sim),
        [("b".to_owned(), json!([]))]
    );
}

/// A friend added with `GroupName` is listed in that group, after the
/// stored ones; the next change stores it in that place.
fn a_friend_added_into_a_group_names_it<S: Store>(mut sim: Sim<S>) {
    let mut a = Client::new(1, APP, "a");
    a.login(&mut sim);
    a.op(
        &mut sim,
        ADD,
        json!({"From_Account": "a", "GroupName": ["zz"], "To_Account": []}),
    )
    .ok();
    befriend(&mut a, &mut sim, "b", "family");
    befriend(&mut a, &mut sim, "c", "colleagues");
    let listed = json!([
        {"GroupName": "zz", "FriendNumber": 0, "To_Account": []},
        {"GroupName": "colleagues", "FriendNumber": 1, "To_Account": ["c"]},
        {"GroupName": "family", "FriendNumber": 1, "To_Account": ["b"]}]);
    assert_eq!(groups(&mut a, &mut sim), listed);
    a.op(
        &mut sim,
        UPDATE,
        json!({"From_Account": "a", "GroupOldName": "zz", "GroupNewName": "aa"}),
    )
    .ok();
    let mut renamed = listed.clone();
    renamed[0]["GroupName"] = json!("aa");
    assert_eq!(groups(&mut a, &mut sim), renamed);
    let too_many: Vec<String> = (0..30).map(|i| format!("n{i}")).collect();
    let out = a.op(
        &mut sim,
        ADD,
        json!({"From_Account": "a", "GroupName": too_many, "To_Account": []}),
    );
    assert_eq!(out.code(), 30001, "32 groups at most");
    assert_eq!(groups(&mut a, &mut sim), renamed);
}

/// Someone else's groups cannot be read or changed.
fn only_the_caller_s_groups<S: Store>(mut sim: Sim<S>) {
    let mut a = Client::new(1, APP, "a");
    a.login(&mut sim);
    let out = a.op(
        &mut sim,
        ADD,
        json!({"From_Account": "b", "GroupName": ["x"], "To_Account": []}),
    );
    assert_ne!(out.code(), 0);
    let out = a.op(
        &mut sim,
        GET,
        json!({"From_Account": "b", "LastSequence": 0}),
    );
    assert_ne!(out.code(), 0);
}

on_both_stores!(
    friend_groups_end_to_end,
    a_friend_added_into_a_group_names_it,
    only_the_caller_s_groups,
);
