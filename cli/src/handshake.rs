//! The demo's MTProto step: a client and a server create an auth key in memory, over
//! obfuscated intermediate framing, then exchange one encrypted request and answer.

use ferrogram_mtproto::handshake::{ClientOutcome, ServerConfig, client_start, server_start};
use ferrogram_mtproto::rsa::test_server_key;
use ferrogram_mtproto::session::{ClientSession, Event, ServerIncoming, ServerSession, Timestamp};
use ferrogram_mtproto::{Created, plain};
use ferrogram_tl_types::{Serializable, functions};
use ferrogram_transport::{Frame, Obfuscation, Protocol, Transport, detect};
use rand_core::OsRng;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn now() -> Timestamp {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp {
        secs: d.as_secs() as i64,
        nanos: d.subsec_nanos(),
    }
}

/// Carries one packet from `from` to `to` through the framing, as bytes on a wire.
fn carry(from: &mut Transport, to: &mut Transport, packet: &[u8]) -> Result<Vec<u8>, String> {
    let mut wire = Vec::new();
    from.encode(packet, &mut OsRng, &mut wire);
    to.push(&wire);
    match to.next_frame().map_err(|e| e.to_string())? {
        Some(Frame::Packet(p)) => Ok(p),
        other => Err(format!("expected a packet, got {other:?}")),
    }
}

pub fn run() -> Result<Duration, String> {
    println!("\n== MTProto: auth key creation and an encrypted round trip, in memory");
    let rng = &mut OsRng;
    let config = ServerConfig::new(test_server_key());
    let keys = [config.key.public().clone()];
    let started = Instant::now();

    let ob = Obfuscation {
        dc_id: Some(2),
        secret: None,
    };
    let (mut client_t, init) =
        Transport::client(Protocol::Intermediate, Some(ob), rng).map_err(|e| e.to_string())?;
    let detected = detect(&init, None)
        .map_err(|e| e.to_string())?
        .ok_or("framing not detected")?;
    let mut server_t = detected.transport;

    let mut msg_id = 0i64;
    let mut plain_to_server =
        |c: &mut Transport, s: &mut Transport, body: &[u8]| -> Result<Vec<u8>, String> {
            msg_id += 4;
            let p = carry(c, s, &plain::encode(((now().secs) << 32) + msg_id, body))?;
            Ok(plain::decode(&p).map_err(|e| e.to_string())?.1.to_vec())
        };
    let (c1, req) = client_start(rng);
    let req = plain_to_server(&mut client_t, &mut server_t, &req)?;
    let (s1, res) = server_start(&req, &config, rng).map_err(|e| e.to_string())?;
    let res = carry(
        &mut server_t,
        &mut client_t,
        &plain::encode((now().secs << 32) | 1, &res),
    )?;
    let (c2, req) = c1
        .handle_res_pq(
            plain::decode(&res).map_err(|e| e.to_string())?.1,
            &keys,
            2,
            rng,
        )
        .map_err(|e| e.to_string())?;
    let req = plain_to_server(&mut client_t, &mut server_t, &req)?;
    let (s2, res) = s1
        .handle_req_dh_params(&req, &config, now().secs as i32, rng)
        .map_err(|e| e.to_string())?;
    let res = carry(
        &mut server_t,
        &mut client_t,
        &plain::encode((now().secs << 32) | 5, &res),
    )?;
    let (c3, req) = c2
        .handle_server_dh_params(
            plain::decode(&res).map_err(|e| e.to_string())?.1,
            now().secs as i32,
            rng,
        )
        .map_err(|e| e.to_string())?;
    let req = plain_to_server(&mut client_t, &mut server_t, &req)?;
    let (server_side, res) = s2
        .handle_set_client_dh_params(&req, &config)
        .map_err(|e| e.to_string())?;
    let res = carry(
        &mut server_t,
        &mut client_t,
        &plain::encode((now().secs << 32) | 9, &res),
    )?;
    let ClientOutcome::Done(Created {
        auth_key,
        time_offset,
        first_salt,
    }) = c3
        .handle_dh_answer(plain::decode(&res).map_err(|e| e.to_string())?.1, rng)
        .map_err(|e| e.to_string())?
    else {
        return Err("the server asked for a retry".into());
    };
    let took = started.elapsed();
    if auth_key != server_side.auth_key || first_salt != server_side.first_salt {
        return Err("client and server derived different keys".into());
    }
    println!(
        "  handshake over obfuscated intermediate framing: {took:.1?} (RSA_PAD, 2048-bit DH), key id {:016x}, clock offset {time_offset} s",
        u64::from_le_bytes(auth_key.id())
    );

    let mut client = ClientSession::new(auth_key.clone(), first_salt, i64::from(time_offset), rng);
    let mut server = ServerSession::new(auth_key);
    let request = client.enqueue(functions::help::GetNearestDc {}.to_bytes());
    let packet = client.poll_transmit(now(), rng).ok_or("nothing to send")?;
    let packet = carry(&mut client_t, &mut server_t, &packet)?;
    let ServerIncoming::Requests(reqs) = server
        .handle_packet(&packet, &[first_salt], first_salt, now(), rng)
        .map_err(|e| e.to_string())?
    else {
        return Err("the server rejected the request".into());
    };
    let answer = ferrogram_tl_types::enums::NearestDc::from(ferrogram_tl_types::types::NearestDc {
        country: "NL".into(),
        this_dc: 2,
        nearest_dc: 2,
    })
    .to_bytes();
    let reply = server.rpc_result(reqs[0].msg_id, answer.clone(), now(), rng);
    let reply = carry(&mut server_t, &mut client_t, &reply)?;
    let events = client
        .handle_packet(&reply, now())
        .map_err(|e| e.to_string())?;
    if events
        != [Event::Result {
            request,
            result: Ok(answer),
        }]
    {
        return Err(format!("unexpected events {events:?}"));
    }
    println!(
        "  help.getNearestDc sent encrypted (msg_id {:#x}), answered: country NL, this DC 2",
        reqs[0].msg_id
    );
    Ok(took)
}
