//! A minimal MTProto client over TCP for the server's tests, built from the
//! sans-IO client machines of `ferrogram-mtproto` and `ferrogram-transport` (the
//! real client crate sits above the server and cannot be used here).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_mtproto::handshake::{ClientOutcome, client_start};
use ferrogram_mtproto::plain;
use ferrogram_mtproto::session::{ClientSession, Event, MsgIdGenerator, Timestamp};
use ferrogram_mtproto::testing::SeededRng;
use ferrogram_mtproto::{AuthKey, RsaPublicKey};
use ferrogram_testserver::TestServer;
use ferrogram_tl_types::service::RpcError;
use ferrogram_tl_types::{Deserializable, RemoteCall, Serializable};
use ferrogram_transport::{Frame, Obfuscation, Protocol, Transport, TransportError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every wait in these tests is bounded by this.
pub const WAIT: Duration = Duration::from_secs(20);

pub fn now() -> Timestamp {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    Timestamp {
        secs: d.as_secs() as i64,
        nanos: d.subsec_nanos(),
    }
}

/// How to frame a connection.
#[derive(Clone, Copy, Debug)]
pub struct Framing {
    pub protocol: Protocol,
    pub obfuscated: bool,
}

pub const ALL_FRAMINGS: [Framing; 7] = [
    Framing {
        protocol: Protocol::Abridged,
        obfuscated: false,
    },
    Framing {
        protocol: Protocol::Intermediate,
        obfuscated: false,
    },
    Framing {
        protocol: Protocol::PaddedIntermediate,
        obfuscated: false,
    },
    Framing {
        protocol: Protocol::Full,
        obfuscated: false,
    },
    Framing {
        protocol: Protocol::Abridged,
        obfuscated: true,
    },
    Framing {
        protocol: Protocol::Intermediate,
        obfuscated: true,
    },
    Framing {
        protocol: Protocol::PaddedIntermediate,
        obfuscated: true,
    },
];

pub const INTERMEDIATE: Framing = Framing {
    protocol: Protocol::Intermediate,
    obfuscated: false,
};

/// What reading a packet gave.
#[derive(Debug)]
pub enum Recv {
    Packet(Vec<u8>),
    Status(i32),
    Closed,
}

/// One framed TCP connection.
pub struct Conn {
    stream: TcpStream,
    transport: Transport,
    rng: SeededRng,
    buf: Vec<u8>,
}

impl Conn {
    pub async fn open(addr: SocketAddr, framing: Framing, seed: u64) -> Conn {
        let mut rng = SeededRng::new(seed);
        let stream = tokio::time::timeout(WAIT, TcpStream::connect(addr))
            .await
            .expect("connect in time")
            .expect("connect");
        let ob = framing.obfuscated.then_some(Obfuscation {
            dc_id: Some(2),
            secret: None,
        });
        let (transport, init) = Transport::client(framing.protocol, ob, &mut rng).unwrap();
        let mut c = Conn {
            stream,
            transport,
            rng,
            buf: vec![0; 64 * 1024],
        };
        c.stream.write_all(&init).await.unwrap();
        c
    }

    pub async fn send(&mut self, packet: &[u8]) {
        let mut out = Vec::new();
        self.transport
            .encode(packet, &mut self.rng, &mut out)
            .unwrap();
        // A write to a connection the server closed may fail; the read says so.
        let _ = self.stream.write_all(&out).await;
    }

    /// Sends raw bytes, bypassing the framing.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        let _ = self.stream.write_all(bytes).await;
    }

    pub async fn recv(&mut self) -> Recv {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match self.transport.next_frame() {
                Ok(Some(Frame::Packet(p))) => return Recv::Packet(p),
                Ok(Some(Frame::QuickAck(_))) => continue,
                Ok(None) => {}
                Err(TransportError::Status(code)) => return Recv::Status(code),
                Err(e) => panic!("transport error: {e}"),
            }
            match tokio::time::timeout_at(deadline, self.stream.read(&mut self.buf)).await {
                Err(_) => panic!("no packet within {WAIT:?}"),
                Ok(Ok(0)) | Ok(Err(_)) => return Recv::Closed,
                Ok(Ok(n)) => self.transport.push(&self.buf[..n]),
            }
        }
    }

    /// Reads for `within`; None if nothing arrived.
    pub async fn recv_within(&mut self, within: Duration) -> Option<Recv> {
        tokio::time::timeout(within, self.recv()).await.ok()
    }
}

/// Creates an auth key on `addr`.
pub async fn handshake(
    conn: &mut Conn,
    key: &RsaPublicKey,
    dc: i32,
    seed: u64,
) -> (AuthKey, i64, i64) {
    let mut rng = SeededRng::new(seed ^ 0x5eed);
    let mut ids = MsgIdGenerator::new(false);
    let (step1, req) = client_start(&mut rng);
    conn.send(&plain::encode(ids.next(now()), &req)).await;
    let res = plain_body(conn).await;
    let (step2, req) = step1
        .handle_res_pq(&res, std::slice::from_ref(key), dc, &mut rng)
        .unwrap();
    conn.send(&plain::encode(ids.next(now()), &req)).await;
    let res = plain_body(conn).await;
    let (step3, req) = step2
        .handle_server_dh_params(&res, now().secs as i32, &mut rng)
        .unwrap();
    conn.send(&plain::encode(ids.next(now()), &req)).await;
    let res = plain_body(conn).await;
    match step3.handle_dh_answer(&res, &mut rng).unwrap() {
        ClientOutcome::Done(c) => (c.auth_key, c.first_salt, c.time_offset as i64),
        ClientOutcome::Retry(..) => panic!("unexpected dh_gen_retry"),
    }
}

async fn plain_body(conn: &mut Conn) -> Vec<u8> {
    match conn.recv().await {
        Recv::Packet(p) => plain::decode(&p).unwrap().1.to_vec(),
        other => panic!("expected a plain packet, got {other:?}"),
    }
}

/// A signed-in-or-not MTProto client: one auth key, one session, one connection.
pub struct Client {
    pub addr: SocketAddr,
    pub framing: Framing,
    pub conn: Conn,
    pub session: ClientSession,
    pub rng: SeededRng,
    pub updates: Vec<Vec<u8>>,
    pub new_sessions: usize,
    pub last_packet: Option<Vec<u8>>,
    seed: u64,
}

impl Client {
    /// Connects to `addr` (DC `dc`) and creates a key.
    pub async fn connect(server: &TestServer, dc: i32, framing: Framing, seed: u64) -> Client {
        let addr = server.dc_addr(dc).expect("DC served");
        let mut conn = Conn::open(addr, framing, seed).await;
        let (key, salt, offset) = handshake(&mut conn, server.rsa_key().public(), dc, seed).await;
        let mut rng = SeededRng::new(seed ^ 0xc11e);
        let session = ClientSession::new(key, salt, offset, &mut rng);
        Client {
            addr,
            framing,
            conn,
            session,
            rng,
            updates: Vec::new(),
            new_sessions: 0,
            last_packet: None,
            seed,
        }
    }

    /// A new TCP connection for the same key and session.
    pub async fn reconnect(&mut self) {
        self.seed += 1;
        self.conn = Conn::open(self.addr, self.framing, self.seed).await;
    }

    /// Sends what the session has queued.
    pub async fn flush(&mut self) {
        while let Some(p) = self.session.poll_transmit(now(), &mut self.rng) {
            self.conn.send(&p).await;
            self.last_packet = Some(p);
        }
    }

    /// Reads one packet and handles it; false when the connection closed.
    pub async fn pump(&mut self) -> Result<Vec<Event>, Recv> {
        match self.conn.recv().await {
            Recv::Packet(p) => match self.session.handle_packet(&p, now()) {
                Ok(events) => {
                    for e in &events {
                        match e {
                            Event::Update(u) => self.updates.push(u.clone()),
                            Event::NewSession { .. } => self.new_sessions += 1,
                            _ => {}
                        }
                    }
                    Ok(events)
                }
                // A corrupted packet: drop it, as a client must.
                Err(_) => Ok(Vec::new()),
            },
            other => Err(other),
        }
    }

    /// Sends `body` and waits for its answer.
    pub async fn invoke_raw(&mut self, body: Vec<u8>) -> Result<Result<Vec<u8>, RpcError>, Recv> {
        let id = self.session.enqueue(body);
        self.wait_for(id).await
    }

    /// Waits for request `id`, flushing resends (bad_server_salt etc.) as needed.
    pub async fn wait_for(&mut self, id: u64) -> Result<Result<Vec<u8>, RpcError>, Recv> {
        for _ in 0..1000 {
            self.flush().await;
            for e in self.pump().await? {
                match e {
                    Event::Result { request, result } if request == id => return Ok(result),
                    Event::Failed { request, code } if request == id => {
                        panic!("request failed with bad_msg_notification {code}")
                    }
                    _ => {}
                }
            }
        }
        panic!("no answer after 1000 packets");
    }

    /// Invokes a typed function.
    pub async fn invoke<R: RemoteCall>(&mut self, req: &R) -> Result<R::Return, RpcError> {
        let bytes = self
            .invoke_raw(req.to_bytes())
            .await
            .unwrap_or_else(|r| panic!("connection ended: {r:?}"))?;
        Ok(R::Return::from_bytes(&bytes).expect("decodable answer"))
    }

    /// Waits (bounded) for a pushed update.
    pub async fn next_update(&mut self) -> Vec<u8> {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.updates.is_empty() {
            assert!(tokio::time::Instant::now() < deadline, "no update in time");
            self.flush().await;
            let _ = tokio::time::timeout(WAIT, self.pump()).await;
        }
        self.updates.remove(0)
    }
}

/// Wraps a request in `invokeWithLayer(initConnection(...))` as clients do.
pub fn with_layer<R: Serializable>(query: R) -> Vec<u8> {
    use ferrogram_tl_types::functions::{InitConnection, InvokeWithLayer};
    InvokeWithLayer {
        layer: 230,
        query: InitConnection {
            api_id: 1,
            device_model: "test".into(),
            system_version: "test".into(),
            app_version: "0".into(),
            system_lang_code: "en".into(),
            lang_pack: Default::default(),
            lang_code: "en".into(),
            proxy: None,
            params: None,
            query,
        },
    }
    .to_bytes()
}
