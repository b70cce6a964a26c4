//! Every handshake message parser, client and server side, on arbitrary bytes: never
//! panics. The first byte picks the step; earlier steps run for real to get there.
#![no_main]

#[path = "rng.rs"]
mod rng;

use ferrogram_mtproto::handshake::{ServerConfig, client_start, server_start};
use ferrogram_mtproto::rsa::RsaPrivateKey;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn config() -> &'static ServerConfig {
    static C: OnceLock<ServerConfig> = OnceLock::new();
    C.get_or_init(|| {
        let pem = include_str!("../../mtproto/tests/data/test_rsa_private.pem");
        ServerConfig::new(RsaPrivateKey::from_pem(pem).expect("test key"))
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, data)) = data.split_first() else {
        return;
    };
    let cfg = config();
    let keys = [cfg.key.public().clone()];
    let rng = &mut rng::Rng(3);
    let now = 1_764_000_000;
    match which % 6 {
        0 => {
            let (c1, _) = client_start(rng);
            let _ = c1.handle_res_pq(data, &keys, 2, rng);
        }
        1 => {
            let (c1, req) = client_start(rng);
            let (_, res) = server_start(&req, cfg, rng).expect("valid");
            let (c2, _) = c1.handle_res_pq(&res, &keys, 2, rng).expect("valid");
            let _ = c2.handle_server_dh_params(data, now, rng);
        }
        2 => {
            let (c1, req) = client_start(rng);
            let (s1, res) = server_start(&req, cfg, rng).expect("valid");
            let (c2, req) = c1.handle_res_pq(&res, &keys, 2, rng).expect("valid");
            let (_, res) = s1.handle_req_dh_params(&req, cfg, now, rng).expect("valid");
            let (c3, _) = c2.handle_server_dh_params(&res, now, rng).expect("valid");
            let _ = c3.handle_dh_answer(data, rng);
        }
        3 => {
            let _ = server_start(data, cfg, rng);
        }
        4 => {
            let (_, req) = client_start(rng);
            let (s1, _) = server_start(&req, cfg, rng).expect("valid");
            let _ = s1.handle_req_dh_params(data, cfg, now, rng);
        }
        _ => {
            let (c1, req) = client_start(rng);
            let (s1, res) = server_start(&req, cfg, rng).expect("valid");
            let (_, req) = c1.handle_res_pq(&res, &keys, 2, rng).expect("valid");
            let (s2, _) = s1.handle_req_dh_params(&req, cfg, now, rng).expect("valid");
            let _ = s2.handle_set_client_dh_params(data, cfg);
        }
    }
});
