//! The demo's MTProto step: start the embedded test server, print its JSON line,
//! then connect to it over TCP with obfuscated intermediate framing, create an auth
//! key, sign in as its bot and exchange encrypted requests.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ferrogram_mtproto::handshake::{ClientOutcome, client_start};
use ferrogram_mtproto::plain;
use ferrogram_mtproto::session::{ClientSession, Event, MsgIdGenerator, Timestamp};
use ferrogram_testserver::TestServer;
use ferrogram_tl_types::service::RpcError;
use ferrogram_tl_types::{Deserializable, RemoteCall, Serializable, enums, functions};
use ferrogram_transport::{Frame, Obfuscation, Protocol, Transport};
use rand_core::OsRng;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every network wait of the demo is bounded by this.
const WAIT: Duration = Duration::from_secs(20);

fn now() -> Timestamp {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp {
        secs: d.as_secs() as i64,
        nanos: d.subsec_nanos(),
    }
}

/// A framed TCP connection.
struct Wire {
    stream: TcpStream,
    transport: Transport,
    buf: Vec<u8>,
}

impl Wire {
    async fn send(&mut self, packet: &[u8]) -> Result<(), String> {
        let mut out = Vec::new();
        self.transport.encode(packet, &mut OsRng, &mut out);
        self.stream
            .write_all(&out)
            .await
            .map_err(|e| format!("send: {e}"))
    }

    async fn recv(&mut self) -> Result<Vec<u8>, String> {
        loop {
            match self.transport.next_frame().map_err(|e| e.to_string())? {
                Some(Frame::Packet(p)) => return Ok(p),
                Some(Frame::QuickAck(_)) => continue,
                None => {}
            }
            let n = tokio::time::timeout(WAIT, self.stream.read(&mut self.buf))
                .await
                .map_err(|_| format!("no answer within {WAIT:?}"))?
                .map_err(|e| format!("receive: {e}"))?;
            if n == 0 {
                return Err("the server closed the connection".into());
            }
            self.transport.push(&self.buf[..n]);
        }
    }

    async fn plain(&mut self, ids: &mut MsgIdGenerator, body: &[u8]) -> Result<Vec<u8>, String> {
        self.send(&plain::encode(ids.next(now()), body)).await?;
        let p = self.recv().await?;
        Ok(plain::decode(&p).map_err(|e| e.to_string())?.1.to_vec())
    }
}

/// One encrypted session over a wire.
struct Session {
    wire: Wire,
    session: ClientSession,
}

impl Session {
    async fn invoke<R: RemoteCall>(&mut self, req: &R) -> Result<R::Return, String> {
        let bytes = self.invoke_bytes(req.to_bytes()).await?;
        R::Return::from_bytes(&bytes).map_err(|e| e.to_string())
    }

    async fn invoke_bytes(&mut self, body: Vec<u8>) -> Result<Vec<u8>, String> {
        let id = self.session.enqueue(body);
        for _ in 0..100 {
            while let Some(p) = self.session.poll_transmit(now(), &mut OsRng) {
                self.wire.send(&p).await?;
            }
            let packet = self.wire.recv().await?;
            let events = self
                .session
                .handle_packet(&packet, now())
                .map_err(|e| e.to_string())?;
            for e in events {
                if let Event::Result { request, result } = e
                    && request == id
                {
                    return result.map_err(|e: RpcError| format!("{} {}", e.code, e.message));
                }
            }
        }
        Err("no answer after 100 packets".into())
    }
}

pub fn run() -> Result<Duration, String> {
    println!("\n== MTProto over TCP: the embedded test server");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(talk())
}

async fn talk() -> Result<Duration, String> {
    let server = TestServer::builder()
        .start()
        .await
        .map_err(|e| e.to_string())?;
    println!("  server ready: {}", server.info_json());

    let started = Instant::now();
    let stream = tokio::time::timeout(WAIT, TcpStream::connect(server.addr()))
        .await
        .map_err(|_| "connect timed out".to_string())?
        .map_err(|e| format!("connect: {e}"))?;
    let _ = stream.set_nodelay(true);
    let ob = Obfuscation {
        dc_id: Some(server.dc_id() as i16),
        secret: None,
    };
    let (transport, init) = Transport::client(Protocol::Intermediate, Some(ob), &mut OsRng)
        .map_err(|e| e.to_string())?;
    let mut wire = Wire {
        stream,
        transport,
        buf: vec![0; 64 * 1024],
    };
    wire.stream
        .write_all(&init)
        .await
        .map_err(|e| format!("send: {e}"))?;

    let keys = [server.rsa_key().public().clone()];
    let mut ids = MsgIdGenerator::new(false);
    let (c1, req) = client_start(&mut OsRng);
    let res = wire.plain(&mut ids, &req).await?;
    let (c2, req) = c1
        .handle_res_pq(&res, &keys, server.dc_id(), &mut OsRng)
        .map_err(|e| e.to_string())?;
    let res = wire.plain(&mut ids, &req).await?;
    let (c3, req) = c2
        .handle_server_dh_params(&res, now().secs as i32, &mut OsRng)
        .map_err(|e| e.to_string())?;
    let res = wire.plain(&mut ids, &req).await?;
    let ClientOutcome::Done(created) = c3
        .handle_dh_answer(&res, &mut OsRng)
        .map_err(|e| e.to_string())?
    else {
        return Err("the server asked for a retry".into());
    };
    let took = started.elapsed();
    println!(
        "  handshake over obfuscated intermediate framing on {}: {took:.1?} (RSA_PAD, 2048-bit DH), key id {:016x}",
        server.addr(),
        u64::from_le_bytes(created.auth_key.id())
    );

    let session = ClientSession::new(
        created.auth_key,
        created.first_salt,
        i64::from(created.time_offset),
        &mut OsRng,
    );
    let mut s = Session { wire, session };
    let config = functions::InvokeWithLayer {
        layer: ferrogram_tl_types::LAYER,
        query: functions::InitConnection {
            api_id: 1,
            device_model: "ferrogram demo".into(),
            system_version: std::env::consts::OS.into(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            system_lang_code: "en".into(),
            lang_pack: String::new(),
            lang_code: "en".into(),
            proxy: None,
            params: None,
            query: functions::help::GetConfig {},
        },
    };
    let enums::Config::Config(cfg) =
        enums::Config::from_bytes(&s.invoke_bytes(config.to_bytes()).await?)
            .map_err(|e| e.to_string())?;
    println!(
        "  help.getConfig: this DC {}, {} DCs offered",
        cfg.this_dc,
        cfg.dc_options.len()
    );
    let token = server.bot_token().ok_or("no bot")?.to_owned();
    s.invoke(&functions::auth::ImportBotAuthorization {
        flags: 0,
        api_id: 1,
        api_hash: "demo".into(),
        bot_auth_token: token,
    })
    .await?;
    let users = s
        .invoke(&functions::users::GetUsers {
            id: vec![enums::InputUser::InputUserSelf],
        })
        .await?;
    let Some(enums::User::User(me)) = users.first() else {
        return Err("users.getUsers returned no user".into());
    };
    println!(
        "  signed in as bot {} (@{}, id {})",
        me.first_name.as_deref().unwrap_or(""),
        me.username.as_deref().unwrap_or(""),
        me.id
    );
    let counters = server.counters();
    if counters.handshakes != 1 || counters.requests_executed != 3 || counters.duplicates != 0 {
        return Err(format!("unexpected server counters: {counters:?}"));
    }
    println!(
        "  server counters: {} handshake, {} requests executed, {} duplicates",
        counters.handshakes, counters.requests_executed, counters.duplicates
    );
    Ok(took)
}
