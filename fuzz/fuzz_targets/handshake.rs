//! Every handshake message parser, client and server side, on arbitrary bytes: never
//! panics. The first byte picks the step; the states before it are made once by
//! running a real handshake, and cloned for each input.
#![no_main]

#[path = "rng.rs"]
mod rng;

use ferrogram_mtproto::handshake::{
    ClientStep1, ClientStep2, ClientStep3, ServerConfig, ServerStep1, ServerStep2, client_start,
    server_start,
};
use ferrogram_mtproto::rsa::RsaPrivateKey;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const NOW: i32 = 1_764_000_000;

struct States {
    config: ServerConfig,
    c1: ClientStep1,
    c2: ClientStep2,
    c3: ClientStep3,
    s1: ServerStep1,
    s2: ServerStep2,
}

fn states() -> &'static States {
    static S: OnceLock<States> = OnceLock::new();
    S.get_or_init(|| {
        let pem = include_str!("../../mtproto/tests/data/test_rsa_private.pem");
        let config = ServerConfig::new(RsaPrivateKey::from_pem(pem).expect("test key"));
        let keys = [config.key.public().clone()];
        let rng = &mut rng::Rng(3);
        let (c1, req) = client_start(rng);
        let (s1, res) = server_start(&req, &config, rng).expect("valid");
        let (c2, req) = c1
            .clone()
            .handle_res_pq(&res, &keys, 2, rng)
            .expect("valid");
        let (s2, res) = s1
            .clone()
            .handle_req_dh_params(&req, &config, NOW, rng)
            .expect("valid");
        let (c3, _) = c2
            .clone()
            .handle_server_dh_params(&res, NOW, rng)
            .expect("valid");
        States {
            config,
            c1,
            c2,
            c3,
            s1,
            s2,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, data)) = data.split_first() else {
        return;
    };
    let s = states();
    let keys = [s.config.key.public().clone()];
    let rng = &mut rng::Rng(5);
    match which % 6 {
        0 => drop(s.c1.clone().handle_res_pq(data, &keys, 2, rng)),
        1 => drop(s.c2.clone().handle_server_dh_params(data, NOW, rng)),
        2 => drop(s.c3.clone().handle_dh_answer(data, rng)),
        3 => drop(server_start(data, &s.config, rng)),
        4 => drop(s.s1.clone().handle_req_dh_params(data, &s.config, NOW, rng)),
        _ => drop(s.s2.clone().handle_set_client_dh_params(data, &s.config)),
    }
});
