//! The harness keeps working: a few clients for a few seconds against a real server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use pluma_load::{Settings, Target};
use pluma_server::auth::hash_password;
use pluma_server::model::{NewUser, Role};
use pluma_tests::cluster::{Cluster, wait_listening};
use pluma_tests::db::TestDb;
use pluma_tests::server::TestServer;

const PASSWORD: &str = "smoke-password";

async fn add(server: &TestServer, login: &str, role: Role, country: &str) {
    let user = NewUser {
        login: login.into(),
        display_name: login.into(),
        role,
        country: Some(country.parse().unwrap()),
        password_hash: hash_password(PASSWORD).unwrap(),
    };
    server.state.store.create_user(&user, 0).await.unwrap();
}

/// Six delegate clients (three delegations) on two drafts, 4 edits/s each for 3 s, on
/// SQLite and (when configured) PostgreSQL: every edit is accepted by the rules, seen by
/// every other client of its draft, with plausible figures and no errors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_run_loses_nothing() {
    for db in TestDb::each().await {
        let server = TestServer::start(&db.url).await;
        for (login, country) in [("mx", "MX"), ("ar", "AR"), ("br", "BR")] {
            add(&server, login, Role::Delegate, country).await;
        }
        add(&server, "sec", Role::Secretariat, "SEC").await;
        let settings = Settings {
            target: Target::Pluma {
                addrs: vec![server.addr.to_string()],
                logins: vec!["mx".into(), "ar".into(), "br".into()],
                creator: "sec".into(),
                password: PASSWORD.into(),
            },
            clients: 6,
            drafts: 2,
            rate: 4.0,
            duration: Duration::from_secs(3),
            drain: Duration::from_secs(20),
            connect_concurrency: 4,
            server_pid: Some(std::process::id()),
        };
        let report = pluma_load::run(&settings).await.unwrap();
        let backend = db.backend;
        assert_eq!(report.errors, 0, "{backend}: {report}");
        assert_eq!(report.connected, 6, "{backend}: {report}");
        // Six clients at 4/s for 3 s: at most about 72 edits. An unoptimised build on a busy
        // machine falls behind the schedule (it skips rather than bursts), but every client
        // makes its first edit.
        assert!(report.edits >= 6 && report.edits <= 78, "{backend}: {report}");
        assert_eq!(report.lost_edits, 0, "{backend}: {report}");
        // Each edit goes to the two other clients of its draft.
        assert_eq!(report.deliveries_expected, report.edits * 2, "{backend}: {report}");
        assert_eq!(report.deliveries_seen, report.deliveries_expected, "{backend}: {report}");
        let l = report.latency_ms;
        assert_eq!(l.samples as u64, report.deliveries_seen);
        assert!(l.p50 > 0.0 && l.p50 <= l.p95 && l.p95 <= l.p99 && l.p99 <= l.max, "{backend}: {report}");
        assert!(report.server_peak_rss_mib.is_some_and(|m| m > 0.0));
        server.stop().await;
    }
}

/// The same across three servers on one PostgreSQL database (skipped without it): clients
/// spread over the servers see every edit, and the cross-server latency is reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_run_across_three_servers_loses_nothing() {
    let Some(cluster) = Cluster::start(3, |url: &str| pluma_server::Config::with_database(url)).await else { return };
    wait_listening(&cluster.apis()).await.unwrap();
    let server = &cluster.nodes[0];
    for (login, country) in [("mx", "MX"), ("ar", "AR"), ("br", "BR")] {
        add(server, login, Role::Delegate, country).await;
    }
    add(server, "sec", Role::Secretariat, "SEC").await;
    let settings = Settings {
        target: Target::Pluma {
            addrs: cluster.nodes.iter().map(|n| n.addr.to_string()).collect(),
            logins: vec!["mx".into(), "ar".into(), "br".into()],
            creator: "sec".into(),
            password: PASSWORD.into(),
        },
        clients: 6,
        drafts: 2,
        rate: 4.0,
        duration: Duration::from_secs(3),
        drain: Duration::from_secs(20),
        connect_concurrency: 4,
        server_pid: None,
    };
    let report = pluma_load::run(&settings).await.unwrap();
    assert_eq!(report.errors, 0, "{report}");
    assert_eq!(report.lost_edits, 0, "{report}");
    assert_eq!(report.deliveries_seen, report.deliveries_expected, "{report}");
    // Clients 0..6 on drafts i mod 2 and servers i mod 3: draft 0 has clients 0, 2, 4 on
    // servers 0, 2, 1 and draft 1 clients 1, 3, 5 on servers 1, 0, 2, so every delivery
    // crosses servers.
    let cross = report.cross_node_latency_ms.expect("cross-server figures");
    assert_eq!(report.nodes, 3);
    assert_eq!(cross.samples as u64, report.deliveries_seen, "{report}");
    assert!(cross.p50 > 0.0 && cross.p50 <= cross.p99, "{report}");
    cluster.stop().await;
}
