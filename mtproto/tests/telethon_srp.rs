//! Telethon 1.45.0 answers our SRP server's challenge; we verify its proof (and
//! refuse it for another password).

mod common;
#[path = "../../tl-types/tests/peer/mod.rs"]
mod peer;

use ferrogram_mtproto::srp::{SrpParams, SrpServer, verifier};

#[test]
fn telethon_proof_verifies() {
    let Some(python) = peer::python("Telethon SRP cross-check") else {
        return;
    };
    let rng = &mut common::TestRng(21);
    let params = SrpParams {
        salt1: (0..40).collect(),
        salt2: (100..116).collect(),
        g: 3,
        p: ferrogram_mtproto::telegram_dh_prime().to_bytes_be(),
    };
    let v = verifier(&params, "correct horse".as_bytes()).unwrap();
    let server = SrpServer::new(params.clone(), &v, rng).unwrap();
    for (password, ok) in [("correct horse", true), ("battery staple", false)] {
        let out = peer::run(
            &python,
            &[
                &peer::script("telethon_srp.py"),
                &peer::hex(&params.p),
                "3",
                &peer::hex(&params.salt1),
                &peer::hex(&params.salt2),
                &peer::hex(&server.srp_b()),
                password,
            ],
        );
        let out = String::from_utf8(out).unwrap();
        let (a, m1) = out.trim().split_once(' ').expect("A and M1");
        assert_eq!(
            server.verify(&peer::unhex(a), &peer::unhex(m1)),
            Ok(ok),
            "{password}"
        );
    }
}
