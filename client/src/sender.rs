//! One connection to one DC: a task that owns the socket and the encrypted
//! session, multiplexes any number of concurrent requests (pipelined and packed
//! into containers by the session), keeps the connection alive with
//! `ping_delay_disconnect`, reconnects with backoff on any I/O error and resends
//! every unanswered request with its original msg_id (so the server, which
//! dedupes by msg_id, never executes one twice).

// foldhash: keyed by our own request ids, hashed twice per request.
use foldhash::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_mtproto::handshake::{ClientOutcome, client_start};
use ferrogram_mtproto::session::{ClientSession, Event, MsgIdGenerator, RequestId, Timestamp};
use ferrogram_mtproto::{AuthKey, RsaPublicKey, plain};
use ferrogram_session::Session;
use ferrogram_transport::{Frame, Obfuscation, Protocol, Transport, TransportError};
use rand_core::{OsRng, RngCore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{broadcast, mpsc, oneshot};
use tracing::{debug, info, warn};

use crate::InvocationError;
use crate::updates::Signal;

/// How a connection frames its packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Framing {
    /// The framing protocol.
    pub protocol: Protocol,
    /// Wrapped in obfuscation2 (not possible with [`Protocol::Full`]).
    pub obfuscated: bool,
}

impl Default for Framing {
    /// Obfuscated intermediate, what Telegram's own apps use on port 443.
    fn default() -> Self {
        Self {
            protocol: Protocol::Intermediate,
            obfuscated: true,
        }
    }
}

/// What every connection of a client shares.
#[derive(Debug)]
pub(crate) struct ConnConfig {
    pub framing: Framing,
    pub rsa_keys: Vec<RsaPublicKey>,
    pub connect_timeout: Duration,
    pub reconnect_attempts: u32,
    pub ping_interval: Duration,
    pub proxy: Option<crate::Socks5Proxy>,
    /// The local address to connect from.
    pub local_addr: Option<std::net::IpAddr>,
    /// `invokeWithLayer(initConnection(help.getConfig))`, sent first on every new
    /// connection.
    pub init_request: Vec<u8>,
}

pub(crate) fn now() -> Timestamp {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp {
        secs: d.as_secs() as i64,
        nanos: d.subsec_nanos(),
    }
}

type Reply = oneshot::Sender<Result<Vec<u8>, InvocationError>>;

enum Command {
    Invoke {
        body: Vec<u8>,
        reply: Reply,
    },
    /// Close the connection (answered once its socket is closed).
    Close(oneshot::Sender<()>),
}

/// A handle on one DC's connection task. Cloning shares the connection.
#[derive(Clone, Debug)]
pub(crate) struct Sender {
    tx: mpsc::Sender<Command>,
}

impl Sender {
    /// Sends `body` and waits for its answer. Dropping the future cancels the
    /// request if it has not been sent yet.
    pub async fn invoke(&self, body: Vec<u8>) -> Result<Vec<u8>, InvocationError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::Invoke { body, reply })
            .await
            .map_err(|_| InvocationError::Dropped)?;
        rx.await.map_err(|_| InvocationError::Dropped)?
    }

    /// Closes the connection: requests waiting fail with
    /// [`InvocationError::Dropped`], and this returns once the socket is
    /// closed (at once when the task has ended already).
    pub async fn close(&self) {
        let (done, closed) = oneshot::channel();
        if self.tx.send(Command::Close(done)).await.is_ok() {
            let _ = closed.await;
        }
    }
}

/// A framed TCP connection.
struct Wire {
    read: OwnedReadHalf,
    write: OwnedWriteHalf,
    transport: Transport,
    buf: Vec<u8>,
}

impl Wire {
    async fn connect(addr: SocketAddr, dc: i32, cfg: &ConnConfig) -> Result<Wire, InvocationError> {
        let connect = async {
            match &cfg.proxy {
                Some(p) => p.connect(addr).await,
                None => match cfg.local_addr {
                    None => TcpStream::connect(addr).await,
                    Some(local) => {
                        let socket = if addr.is_ipv4() {
                            tokio::net::TcpSocket::new_v4()?
                        } else {
                            tokio::net::TcpSocket::new_v6()?
                        };
                        socket.bind(std::net::SocketAddr::new(local, 0))?;
                        socket.connect(addr).await
                    }
                },
            }
        };
        let stream = tokio::time::timeout(cfg.connect_timeout, connect)
            .await
            .map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("connecting to {addr} timed out"),
                )
            })??;
        let _ = stream.set_nodelay(true);
        let ob = cfg.framing.obfuscated.then_some(Obfuscation {
            dc_id: i16::try_from(dc).ok(),
            secret: None,
        });
        let (transport, init) = Transport::client(cfg.framing.protocol, ob, &mut OsRng)
            .map_err(InvocationError::Transport)?;
        let (read, mut write) = stream.into_split();
        write.write_all(&init).await?;
        Ok(Wire {
            read,
            write,
            transport,
            buf: vec![0; 64 * 1024],
        })
    }

    async fn send(&mut self, packet: &[u8]) -> std::io::Result<()> {
        let mut out = Vec::with_capacity(packet.len() + 16);
        self.transport
            .encode(packet, &mut OsRng, &mut out)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        self.write.write_all(&out).await
    }

    /// The next frame already buffered, if any.
    fn next_buffered(&mut self) -> Result<Option<Vec<u8>>, InvocationError> {
        loop {
            match self.transport.next_frame() {
                Ok(Some(Frame::Packet(p))) => return Ok(Some(p)),
                Ok(Some(Frame::QuickAck(_))) => continue,
                Ok(None) => return Ok(None),
                Err(TransportError::Status(-404)) => return Err(InvocationError::AuthKeyUnknown),
                Err(e) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        e.to_string(),
                    )
                    .into());
                }
            }
        }
    }

    async fn recv(&mut self, timeout: Duration) -> Result<Vec<u8>, InvocationError> {
        loop {
            if let Some(p) = self.next_buffered()? {
                return Ok(p);
            }
            let n = tokio::time::timeout(timeout, self.read.read(&mut self.buf))
                .await
                .map_err(|_| InvocationError::Timeout(timeout))??;
            if n == 0 {
                return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof).into());
            }
            self.transport.push(&self.buf[..n]);
        }
    }
}

/// Creates an auth key over `wire`.
#[tracing::instrument(name = "handshake", skip_all, fields(dc))]
async fn handshake(
    wire: &mut Wire,
    dc: i32,
    cfg: &ConnConfig,
) -> Result<(AuthKey, i64, i64), InvocationError> {
    let hs = InvocationError::Handshake;
    let mut ids = MsgIdGenerator::new(false);
    let mut exchange = async |wire: &mut Wire, body: Vec<u8>| -> Result<Vec<u8>, InvocationError> {
        wire.send(&plain::encode(ids.next(now()), &body)).await?;
        let p = wire.recv(cfg.connect_timeout).await?;
        let (_, body) = plain::decode(&p)
            .map_err(|e| InvocationError::Handshake(ferrogram_mtproto::HandshakeError::Plain(e)))?;
        Ok(body.to_vec())
    };
    let (step1, req) = client_start(&mut OsRng);
    let res = exchange(wire, req).await?;
    let (step2, req) = step1
        .handle_res_pq(&res, &cfg.rsa_keys, dc, &mut OsRng)
        .map_err(hs)?;
    let res = exchange(wire, req).await?;
    let (mut step3, mut req) = step2
        .handle_server_dh_params(&res, now().secs as i32, &mut OsRng)
        .map_err(hs)?;
    loop {
        let res = exchange(wire, req).await?;
        match step3.handle_dh_answer(&res, &mut OsRng).map_err(hs)? {
            ClientOutcome::Done(c) => {
                return Ok((c.auth_key, c.first_salt, i64::from(c.time_offset)));
            }
            ClientOutcome::Retry(s, r) => {
                step3 = s;
                req = r;
            }
        }
    }
}

/// Connects to DC `dc` at `addr`, creating (and saving) an auth key if the session
/// has none for it, and starts the connection task.
/// With `idle_timeout`, the task ends once nothing has been asked of it for that
/// long (borrowed connections to other DCs).
#[tracing::instrument(name = "connection", skip_all, fields(dc, %addr))]
pub(crate) async fn spawn(
    dc: i32,
    addr: SocketAddr,
    cfg: Arc<ConnConfig>,
    store: Arc<dyn Session>,
    updates: broadcast::Sender<Signal>,
    idle_timeout: Option<Duration>,
) -> Result<Sender, InvocationError> {
    let mut wire = Wire::connect(addr, dc, &cfg).await?;
    let session = match store.auth_key(dc) {
        Some(key) => {
            debug!(dc, "reusing the stored auth key");
            // The salt is unknown until the server says it (bad_server_salt).
            ClientSession::new(AuthKey::from_bytes(key), 0, 0, &mut OsRng)
        }
        None => {
            let started = std::time::Instant::now();
            let (key, salt, offset) = handshake(&mut wire, dc, &cfg).await?;
            info!(dc, took = ?started.elapsed(), "auth key created");
            store.set_auth_key(dc, Some(&key.to_bytes()))?;
            ClientSession::new(key, salt, offset, &mut OsRng)
        }
    };
    let (tx, rx) = mpsc::channel(1024);
    let task = Task {
        dc,
        addr,
        cfg,
        store,
        session,
        waiters: HashMap::default(),
        updates,
        idle_timeout,
        last_activity: tokio::time::Instant::now(),
        closing: Vec::new(),
    };
    tokio::spawn(tracing::Instrument::instrument(
        task.run(wire, rx),
        tracing::info_span!("connection task", dc, %addr),
    ));
    Ok(Sender { tx })
}

struct Task {
    dc: i32,
    addr: SocketAddr,
    cfg: Arc<ConnConfig>,
    store: Arc<dyn Session>,
    session: ClientSession,
    waiters: HashMap<RequestId, Reply>,
    updates: broadcast::Sender<Signal>,
    idle_timeout: Option<Duration>,
    last_activity: tokio::time::Instant,
    /// Asked to close (by [`Sender::close`]): told once closed.
    closing: Vec<oneshot::Sender<()>>,
}

enum Stop {
    /// The client dropped every handle.
    Closed,
    /// The connection failed; reconnect.
    Broken(InvocationError),
}

impl Task {
    async fn run(mut self, wire: Wire, mut rx: mpsc::Receiver<Command>) {
        let mut wire = Some(wire);
        // initConnection goes first on every new connection.
        self.session.enqueue(self.cfg.init_request.clone());
        loop {
            let current = match wire.take() {
                Some(w) => w,
                None => match self.reconnect().await {
                    Ok(w) => w,
                    Err(e) => {
                        warn!(dc = self.dc, error = %e, "giving up reconnecting");
                        self.fail_all(&e);
                        // Wait for the next request before trying again.
                        match rx.recv().await {
                            Some(cmd) => {
                                self.accept(cmd);
                                if !self.closing.is_empty() {
                                    return self.closed();
                                }
                                continue;
                            }
                            None => return,
                        }
                    }
                },
            };
            match self.serve(current, &mut rx).await {
                Stop::Closed => return self.closed(),
                Stop::Broken(InvocationError::AuthKeyUnknown) => {
                    warn!(
                        dc = self.dc,
                        "server does not know our auth key; forgetting it"
                    );
                    let _ = self.store.set_auth_key(self.dc, None);
                    self.fail_all(&InvocationError::AuthKeyUnknown);
                    return;
                }
                Stop::Broken(e) => {
                    debug!(dc = self.dc, error = %e, in_flight = self.session.in_flight(), "connection lost");
                }
            }
        }
    }

    async fn reconnect(&mut self) -> Result<Wire, InvocationError> {
        let mut delay = Duration::from_millis(50);
        let mut last = None;
        for attempt in 0..self.cfg.reconnect_attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            match Wire::connect(self.addr, self.dc, &self.cfg).await {
                Ok(mut w) => {
                    info!(dc = self.dc, attempt, "reconnected");
                    // Unanswered requests again, with their original msg_ids. A
                    // connection that fails while they go out is just another
                    // failed attempt: they are all sent again on the next one.
                    let mut sent = Ok(());
                    for p in self.session.retransmit_in_flight(now(), &mut OsRng) {
                        sent = w.send(&p).await;
                        if sent.is_err() {
                            break;
                        }
                    }
                    match sent {
                        Ok(()) => {
                            // Only the home connection carries updates
                            // (borrowed ones close when idle).
                            if self.idle_timeout.is_none() {
                                let _ = self.updates.send(Signal::Reconnected);
                            }
                            return Ok(w);
                        }
                        Err(e) => last = Some(e.into()),
                    }
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or(InvocationError::Dropped))
    }

    fn accept(&mut self, cmd: Command) {
        self.last_activity = tokio::time::Instant::now();
        match cmd {
            Command::Invoke { body, reply } => {
                let id = self.session.enqueue(body);
                self.waiters.insert(id, reply);
            }
            Command::Close(done) => self.closing.push(done),
        }
    }

    /// Ends the task for [`Sender::close`]: the socket is closed already
    /// (the wire dropped); the waiters are told.
    fn closed(&mut self) {
        self.fail_all(&InvocationError::Dropped);
        for done in self.closing.drain(..) {
            let _ = done.send(());
        }
    }

    fn fail_all(&mut self, e: &InvocationError) {
        for (_, w) in self.waiters.drain() {
            let _ = w.send(Err(e.clone()));
        }
        // Their callers were told; nothing of them is sent again.
        self.session.forget_pending();
    }

    /// Cancels requests whose caller went away before they were sent.
    fn sweep(&mut self) {
        let gone: Vec<RequestId> = self
            .waiters
            .iter()
            .filter(|(_, w)| w.is_closed())
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            self.waiters.remove(&id);
            self.session.cancel(id);
        }
    }

    async fn serve(&mut self, mut wire: Wire, rx: &mut mpsc::Receiver<Command>) -> Stop {
        let mut ping = tokio::time::interval(self.cfg.ping_interval);
        ping.tick().await;
        let mut sweep = tokio::time::interval(Duration::from_millis(500));
        loop {
            while let Some(p) = self.session.poll_transmit(now(), &mut OsRng) {
                if let Err(e) = wire.send(&p).await {
                    return Stop::Broken(e.into());
                }
            }
            loop {
                match wire.next_buffered() {
                    Ok(Some(p)) => {
                        if let Err(e) = self.handle(&p) {
                            return Stop::Broken(e);
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return Stop::Broken(e),
                }
            }
            if self.session.wants_transmit() {
                continue;
            }
            tokio::select! {
                cmd = rx.recv() => match cmd {
                    Some(cmd) => {
                        self.accept(cmd);
                        // Take whatever else is waiting, to pack it together.
                        while let Ok(cmd) = rx.try_recv() {
                            self.accept(cmd);
                        }
                        if !self.closing.is_empty() {
                            return Stop::Closed;
                        }
                    }
                    None => return Stop::Closed,
                },
                r = wire.read.read(&mut wire.buf) => match r {
                    Ok(0) => return Stop::Broken(std::io::Error::from(std::io::ErrorKind::UnexpectedEof).into()),
                    Ok(n) => {
                        wire.transport.push(&wire.buf[..n]);
                    }
                    Err(e) => return Stop::Broken(e.into()),
                },
                _ = ping.tick() => {
                    let secs = self.cfg.ping_interval.as_secs() as i32;
                    let ping_id = OsRng.next_u64() as i64;
                    self.session.enqueue(ClientSession::ping_delay_disconnect(ping_id, secs + 15));
                }
                _ = sweep.tick() => {
                    self.sweep();
                    if let Some(idle) = self.idle_timeout
                        && self.waiters.is_empty()
                        && self.last_activity.elapsed() >= idle
                    {
                        debug!(dc = self.dc, "closing an idle borrowed connection");
                        return Stop::Closed;
                    }
                }
            }
        }
    }

    /// Handles one packet. A duplicate or replayed one is dropped; any other
    /// packet the session refuses means the stream cannot be trusted: the
    /// events of what it handled before the failure are delivered, and the
    /// error ends the connection (the task reconnects and resends what is
    /// still in flight, which the server answers from its cache).
    fn handle(&mut self, packet: &[u8]) -> Result<(), InvocationError> {
        let mut events = Vec::new();
        let outcome = self.session.handle_packet_into(packet, now(), &mut events);
        self.deliver(events);
        match outcome {
            Ok(()) => Ok(()),
            Err(e) if e.is_replay() => {
                debug!(dc = self.dc, error = %e, "dropping a duplicate or replayed packet");
                Ok(())
            }
            Err(e) => {
                warn!(dc = self.dc, error = %e, "the server broke the protocol; reconnecting");
                Err(InvocationError::Protocol(e))
            }
        }
    }

    fn deliver(&mut self, events: Vec<Event>) {
        for e in events {
            match e {
                Event::Result { request, result } => {
                    if let Some(w) = self.waiters.remove(&request) {
                        let _ = w.send(result.map_err(InvocationError::Rpc));
                    }
                }
                Event::Failed { request, code } => {
                    if let Some(w) = self.waiters.remove(&request) {
                        let _ = w.send(Err(InvocationError::BadMessage(code)));
                    }
                }
                Event::Update(u) => {
                    let _ = self.updates.send(Signal::Raw(u));
                }
                Event::NewSession { first_msg_id } => {
                    debug!(dc = self.dc, first_msg_id, "new session created");
                    let _ = self.updates.send(Signal::NewSession);
                }
                Event::TimeCorrected { offset } => {
                    info!(dc = self.dc, offset, "clock offset corrected");
                }
            }
        }
    }
}
