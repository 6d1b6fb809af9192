//! End-to-end suites for tcchat.
//!
//! [`conformance`] is written once, generic over the runtime, and run by
//! `tests/tokio.rs`, `tests/async_std.rs` and `tests/smol.rs` against the
//! real reference server over loopback.
//!
//! Every `pub async fn` of a `src/conformance*.rs` module is a scenario and
//! must be listed in [`conformance_suite!`]; each runtime's suite also runs
//! `every_conformance_scenario_is_listed`, which fails on a scenario left
//! out ([`scenario_list`]).

#![warn(missing_docs)]

pub mod conformance;
pub mod conformance_avchat;
pub mod conformance_conversations;
pub mod conformance_edges;
pub mod conformance_files;
pub mod conformance_group_convs;
pub mod conformance_group_state;
pub mod conformance_groups;
pub mod conformance_handlers;
pub mod conformance_merger;
pub mod conformance_messages;
pub mod conformance_outage;
pub mod conformance_presence;
pub mod conformance_relations;
pub mod conformance_topics;
pub mod scenario_list;
pub mod sim;
pub mod world;

/// Expand the conformance suite into `#[test]` functions for one runtime:
/// `conformance_suite!(RuntimeType, |future| block_on(future));`.
#[macro_export]
macro_rules! conformance_suite {
    ($rt:ty, $block_on:expr) => {
        $crate::conformance_suite!(@suite $rt, $block_on,
            conformance_messages: [
                revoke_reaches_the_peer,
                modify_reaches_the_peer,
                read_report_reaches_the_peer,
                read_receipts_reach_the_sender,
                extensions_reach_the_other_party,
                history_pages_oldest_first,
                one_user_two_instances_stay_in_step,
                concurrent_modifications_conflict,
                delete_leaves_the_store,
            ],
            conformance_conversations: [
                unread_counts_follow_messages_and_reads,
                the_login_sync_brings_the_servers_list_and_unread,
                delete_pin_and_draft,
                conversation_changes_reach_the_other_instance,
                a_read_on_one_instance_clears_the_other,
                conversation_calls_refuse_bad_input,
            ],
            conformance: [
                full_lifecycle,
                wrong_state_calls_get_official_codes,
                bad_usersigs_are_refused_with_codes,
                sdk_app_ids_are_isolated,
                offline_messages_arrive_through_sync,
                listener_semantics,
                create_returns_one_instance_per_sdk_app_id,
                destroy_during_reconnect,
                server_restart_loses_nothing,
                second_login_kicks_the_first,
                usersig_expiry_while_online_kicks,
                rest_api_kick,
            ],
            conformance_handlers: [
                typed_listeners_get_their_payload,
                async_listeners_await_replies,
                a_slow_stream_loses_no_message,
            ],
            conformance_edges: [
                get_server_time_is_the_servers,
                a_stalled_peer_cannot_pin_the_connection,
            ],
            conformance_outage: [
                login_to_a_closed_port_fails_with_the_refused_cause,
                sends_through_a_5_s_outage_arrive_once,
                sends_through_a_30_s_outage_arrive_once,
            ],
            conformance_groups: [
                group_lifecycle_as_each_member_sees_it,
                applications_wait_for_the_owner,
                a_muted_member_is_refused,
                at_mentions_reach_the_members,
                a_member_away_catches_up_from_history,
                group_history_pages_oldest_first,
                group_read_receipts_reach_the_sender,
                group_messages_are_modified_revoked_and_deleted,
                group_message_extensions_reach_every_member,
            ],
            conformance_avchat: [
                av_chat_room_lives_only_while_online,
            ],
            conformance_group_convs: [
                group_unread_follows_reads_across_instances,
                group_conversations_pin_draft_and_delete,
                the_avchatroom_owner_marks_members,
            ],
            conformance_relations: [
                friends_see_each_others_profile_changes,
                friend_requests_follow_allow_type_and_changes_reach_every_instance,
                a_friend_request_waits_for_confirmation,
                friend_groups_reach_every_instance,
            ],
            conformance_presence: [
                blacklist_blocks_messages_and_reaches_every_instance,
                statuses_reach_subscribers,
                statuses_reach_friends,
                follows_reach_both_users,
            ],
            conformance_group_state: [
                group_attributes_reach_every_member_and_one_racer_wins,
                group_counters_reach_every_member,
                pinned_group_messages_reach_every_member,
            ],
            conformance_files: [
                images_and_files_round_trip_through_the_server,
                videos_and_audio_from_paths_round_trip_under_either_cloud_config,
            ],
            conformance_topics: [
                topics_reach_every_member_of_a_community,
            ],
            conformance_merger: [
                merger_and_forward_messages_reach_the_other_side,
            ],
        );
    };
    (@suite $rt:ty, $block_on:expr, $($module:ident: [$($name:ident),+ $(,)?]),+ $(,)?) => {
        $($(
            #[test]
            fn $name() {
                let block_on = $block_on;
                block_on($crate::$module::$name::<$rt>());
            }
        )+)+

        /// Every `pub async fn` of the conformance modules is listed above.
        #[test]
        fn every_conformance_scenario_is_listed() {
            $crate::scenario_list::assert_every_scenario_listed(&[
                $($(concat!(stringify!($module), "::", stringify!($name))),+),+
            ]);
        }
    };
}
