//! Connections that send half a request and stop cannot exhaust the server (finding 3 of
//! issue 18: 19,990 of them gave `accept error: Too many open files` and `/healthz` stopped
//! answering). Scaled: a limit of 40 connections per address and a 1-second header timeout.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use pluma_server::Config;
use pluma_server::model::Role;
use pluma_tests::api::Api;
use pluma_tests::db::TestDb;
use pluma_tests::server::{TestServer, password_of};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

async fn connect_from(last: u8, to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(IpAddr::from([127, 0, 0, last]), 0)).unwrap();
    socket.connect(to).await.unwrap()
}

/// What the server does with a socket that sent half a request: the bytes it answers
/// before closing (empty when it closed without a word), within `wait`.
async fn answer_within(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut buf = Vec::new();
    match tokio::time::timeout(wait, stream.read_to_end(&mut buf)).await {
        Ok(_) => Some(String::from_utf8_lossy(&buf).into_owned()),
        Err(_) => None,
    }
}

/// One address opens more half-requests than it may hold: those over the limit are answered
/// 429 at once and closed; the others are closed once the header timeout passes; meanwhile
/// `/healthz` answers another address and a delegate's sign-in goes through; afterwards the
/// address may connect again.
#[tokio::test]
async fn half_requests_are_timed_out_and_bounded_per_address() {
    let db = TestDb::sqlite();
    let mut config = Config::with_database(&db.url);
    config.http.max_connections_per_address = 40;
    config.http.header_timeout = Duration::from_secs(1);
    let server = TestServer::start_with(config).await;
    server.add_user("mx", Role::Delegate, Some("MX")).await;
    let mut held = Vec::new();
    for _ in 0..40 {
        let mut s = connect_from(2, server.addr).await;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: pluma\r\nX-Half: ").await.unwrap();
        held.push(s);
    }
    let started = Instant::now();
    // Over the limit: a clear answer, then the end.
    for _ in 0..5 {
        let mut s = connect_from(2, server.addr).await;
        let answer = answer_within(&mut s, Duration::from_secs(5)).await.expect("answered at once");
        assert!(answer.starts_with("HTTP/1.1 429") && answer.contains("too many connections from your address"), "{answer}");
    }
    // Another address is served meanwhile.
    let other = Api::from_address(server.addr, IpAddr::from([127, 0, 0, 3]));
    let (status, body) = other.call(reqwest::Method::GET, "/healthz", None, None).await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(other.login("mx", &password_of("mx")).await.is_ok());
    // The held half-requests are closed by the server once their headers are late.
    for s in &mut held {
        let answer = answer_within(s, Duration::from_secs(10)).await;
        assert!(answer.is_some(), "a half-open connection was still open after {:?}", started.elapsed());
    }
    assert!(started.elapsed() < Duration::from_secs(10), "closed after {:?}", started.elapsed());
    drop(held);
    // The address's connections are counted down: it is served again.
    let again = Api::from_address(server.addr, IpAddr::from([127, 0, 0, 2]));
    let mut ok = false;
    for _ in 0..50 {
        if again.call(reqwest::Method::GET, "/healthz", None, None).await.map(|(s, _)| s == 200).unwrap_or(false) {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ok, "the address is served again once its connections closed");
    server.stop().await;
}

/// The count follows sync sockets through the upgrade: an address holding its limit in
/// WebSockets is refused one more connection, and served again when one closes.
#[tokio::test]
async fn websockets_count_against_the_address() {
    let db = TestDb::sqlite();
    let mut config = Config::with_database(&db.url);
    config.http.max_connections_per_address = 3;
    let server = TestServer::start_with(config).await;
    // Signing in and tickets from another address (its kept-alive connection counts there);
    // the sockets from 127.0.0.1.
    let api = Api::from_address(server.addr, IpAddr::from([127, 0, 0, 4]));
    server.add_user("mx", Role::Delegate, Some("MX")).await;
    let mx = api.login("mx", &password_of("mx")).await.unwrap();
    let mut sockets = Vec::new();
    for i in 0..3 {
        let ticket = api.ticket(&mx.token).await.unwrap();
        sockets.push(pluma_tests::client::connect(&server.api.sync_url(&ticket), &format!("peer-{i}")).await.unwrap());
    }
    let mut fourth = connect_from(1, server.addr).await;
    let answer = answer_within(&mut fourth, Duration::from_secs(5)).await.expect("answered at once");
    assert!(answer.starts_with("HTTP/1.1 429"), "the fourth connection of the address is refused: {answer}");
    drop(sockets.pop());
    let mut served = false;
    for _ in 0..50 {
        if matches!(server.api.call(reqwest::Method::GET, "/healthz", None, None).await, Ok((200, _))) {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served, "one socket closed, one more connection is allowed");
    drop(sockets);
    server.stop().await;
}
