//! Accounts (issue 14): the REST account import APIs, and the switch that
//! turns off account creation by a first message.

mod common;

use common::*;
use serde_json::{json, Value};
use tcchat_server::codes;
use tcchat_server::engine::{
    EngineConfig, RestRequest, ACCOUNT_IMPORT_PATH, MAX_IMPORT_ACCOUNTS, MULTIACCOUNT_IMPORT_PATH,
};
use tcchat_server::gen_usersig;
use tcchat_server::store::{MemoryStore, Store};

fn strict() -> Sim {
    let config = EngineConfig {
        auto_create_accounts: false,
        ..config()
    };
    Sim::with(config, MemoryStore::new())
}

fn call(sim: &mut Sim, admin: &str, path: &str, body: &Value) -> Value {
    let sig = gen_usersig(APP, KEY, admin, 3600, sim.unix_s());
    let query =
        format!("sdkappid={APP}&identifier={admin}&usersig={sig}&random=1&contenttype=json");
    let body = body.to_string();
    let req = RestRequest {
        method: "POST",
        path,
        query: &query,
        body: body.as_bytes(),
        peer: None,
    };
    let (now, ms) = (sim.now(), sim.unix_ms());
    let resp = sim.engine.handle_rest(now, ms, &req);
    assert_eq!(resp.status, 200);
    serde_json::from_str(&resp.body).unwrap()
}

#[test]
fn an_imported_account_can_be_messaged_when_auto_creation_is_off() {
    let mut sim = strict();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let out = alice.send_text(&mut sim, "bob", 1, 1, "before import");
    assert_eq!(out[0].body["ErrorCode"], codes::INVALID_ACCOUNT);
    assert_eq!(sim.engine.store_mut().account(APP, "bob").unwrap(), None);
    let reply = call(
        &mut sim,
        "administrator",
        ACCOUNT_IMPORT_PATH,
        &json!({"UserID": "bob", "Nick": "Bob", "FaceUrl": ""}),
    );
    assert_eq!(
        reply,
        json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""})
    );
    let out = alice.send_text(&mut sim, "bob", 2, 2, "after import");
    assert_eq!(out[0].body["ErrorCode"], 0);
    // Importing again is a no-op; the older field name works too.
    let reply = call(
        &mut sim,
        "administrator",
        ACCOUNT_IMPORT_PATH,
        &json!({"Identifier": "bob"}),
    );
    assert_eq!(reply["ErrorCode"], 0);
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    assert_eq!(
        texts(&bob.getmsg(&mut sim, "").body["MsgList"]),
        ["after import"]
    );
}

#[test]
fn multiaccount_import_reports_the_ids_it_could_not_import() {
    let mut sim = strict();
    let long = "x".repeat(257);
    let reply = call(
        &mut sim,
        "administrator",
        MULTIACCOUNT_IMPORT_PATH,
        &json!({"Accounts": ["carol", "", long, 7, "dave"]}),
    );
    assert_eq!(reply["ActionStatus"], "OK");
    assert_eq!(reply["ErrorCode"], 0);
    assert_eq!(reply["FailAccounts"], json!(["", long, "7"]));
    for user in ["carol", "dave"] {
        assert!(sim.engine.store_mut().account(APP, user).unwrap().is_some());
    }
    let too_many: Vec<String> = (0..=MAX_IMPORT_ACCOUNTS).map(|i| format!("u{i}")).collect();
    let reply = call(
        &mut sim,
        "administrator",
        MULTIACCOUNT_IMPORT_PATH,
        &json!({"Accounts": too_many}),
    );
    assert_eq!(reply["ErrorCode"], codes::REST_INVALID_PARAMETER);
    assert!(
        sim.engine.store_mut().account(APP, "u0").unwrap().is_none(),
        "all or nothing"
    );
}

#[test]
fn only_administrators_import_and_bad_ids_are_refused() {
    let mut sim = strict();
    let reply = call(
        &mut sim,
        "mallory",
        ACCOUNT_IMPORT_PATH,
        &json!({"UserID": "bob"}),
    );
    assert_eq!(reply["ErrorCode"], codes::REST_NOT_ADMIN);
    let reply = call(
        &mut sim,
        "mallory",
        MULTIACCOUNT_IMPORT_PATH,
        &json!({"Accounts": ["bob"]}),
    );
    assert_eq!(reply["ErrorCode"], codes::REST_NOT_ADMIN);
    assert!(sim
        .engine
        .store_mut()
        .account(APP, "bob")
        .unwrap()
        .is_none());
    for bad in [
        json!({"UserID": ""}),
        json!({"UserID": "y".repeat(257)}),
        json!({"UserID": 5}),
        json!({}),
    ] {
        let reply = call(&mut sim, "administrator", ACCOUNT_IMPORT_PATH, &bad);
        assert_eq!(reply["ErrorCode"], codes::REST_INVALID_PARAMETER, "{bad}");
    }
}
