//! Telethon 1.45.0 answers our SRP server's challenge; we verify its proof (and
//! refuse it for another password).

mod common;
#[path = "../../tl-types/tests/peer/mod.rs"]
mod peer;

use ferrogram_mtproto::srp::{SrpParams, SrpServer, verifier};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

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
        p: ferrogram_mtproto::dh::telegram_dh_prime().to_bytes_be(),
    };
    let v = verifier(&params, "correct horse".as_bytes()).unwrap();
    let server = SrpServer::new(params.clone(), &v, rng).unwrap();
    for (password, ok) in [("correct horse", true), ("battery staple", false)] {
        let out = peer::run(
            &python,
            &[
                &peer::script("telethon_srp.py"),
                &hex(&params.p),
                "3",
                &hex(&params.salt1),
                &hex(&params.salt2),
                &hex(&server.srp_b()),
                password,
            ],
        );
        let out = String::from_utf8(out).unwrap();
        let (a, m1) = out.trim().split_once(' ').expect("A and M1");
        assert_eq!(server.verify(&unhex(a), &unhex(m1)), Ok(ok), "{password}");
    }
}
