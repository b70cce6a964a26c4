//! MTProto crypto next to grammers-crypto 0.11.0: AES-IGE both ways and one packet's
//! encryption and decryption, each at 1 KiB, 64 KiB and 1 MiB, pq factorization, and our whole in-memory
//! handshake (client and server CPU together).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ferrogram_mtproto::crypto::{self, AuthKey, Direction};
use ferrogram_mtproto::handshake::{ClientOutcome, ServerConfig, client_start, server_start};
use ferrogram_mtproto::session::{Envelope, decrypt_message, encrypt_message};
use ferrogram_mtproto::testing::SeededRng;
use rand_core::RngCore;
use std::hint::black_box;

#[allow(non_snake_case)]
fn Rng(seed: u64) -> SeededRng {
    SeededRng::new(seed)
}

const SIZES: [(&str, usize); 3] = [("1KiB", 1 << 10), ("64KiB", 64 << 10), ("1MiB", 1 << 20)];

fn ige(c: &mut Criterion) {
    let key = [7u8; 32];
    let iv = [9u8; 32];
    for (name, size) in SIZES {
        let mut group = c.benchmark_group(format!("ige_encrypt/{name}"));
        group.throughput(Throughput::Bytes(size as u64));
        let mut buf = vec![0u8; size];
        group.bench_function("ferrogram", |b| {
            b.iter(|| crypto::encrypt_ige(black_box(&mut buf), &key, &iv))
        });
        group.bench_function("grammers", |b| {
            b.iter(|| grammers_crypto::aes::ige_encrypt(black_box(&mut buf), &key, &iv))
        });
        group.finish();
        let mut group = c.benchmark_group(format!("ige_decrypt/{name}"));
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function("ferrogram", |b| {
            b.iter(|| crypto::decrypt_ige(black_box(&mut buf), &key, &iv))
        });
        group.bench_function("grammers", |b| {
            b.iter(|| grammers_crypto::aes::ige_decrypt(black_box(&mut buf), &key, &iv))
        });
        group.finish();
    }
}

fn packets(c: &mut Criterion) {
    let mut raw = [0u8; 256];
    Rng(1).fill_bytes(&mut raw);
    let ours = AuthKey::from_bytes(raw);
    let theirs = grammers_crypto::AuthKey::from_bytes(raw);
    for (name, size) in SIZES {
        let body = vec![0x42u8; size];
        let env = Envelope {
            salt: 1,
            session_id: 2,
            msg_id: 3 << 32,
            seq_no: 1,
            body: body.clone(),
        };
        let mut group = c.benchmark_group(format!("packet_encrypt/{name}"));
        group.throughput(Throughput::Bytes(size as u64));
        let rng = &mut Rng(5);
        group.bench_function("ferrogram", |b| {
            b.iter(|| encrypt_message(&ours, Direction::ClientToServer, black_box(&env), rng))
        });
        let mut plain = Vec::new();
        plain.extend_from_slice(&1i64.to_le_bytes());
        plain.extend_from_slice(&2i64.to_le_bytes());
        plain.extend_from_slice(&(3i64 << 32).to_le_bytes());
        plain.extend_from_slice(&1i32.to_le_bytes());
        plain.extend_from_slice(&(size as u32).to_le_bytes());
        plain.extend_from_slice(&body);
        group.bench_function("grammers", |b| {
            b.iter(|| {
                let mut buf = grammers_crypto::DequeBuffer::with_capacity(plain.len() + 64, 32);
                buf.extend(black_box(&plain));
                grammers_crypto::encrypt_data_v2(&mut buf, &theirs);
                buf.len()
            })
        });
        group.finish();

        let packet = encrypt_message(&ours, Direction::ServerToClient, &env, rng);
        let mut group = c.benchmark_group(format!("packet_decrypt/{name}"));
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function("ferrogram", |b| {
            b.iter(|| {
                decrypt_message(&ours, Direction::ServerToClient, black_box(&packet))
                    .expect("valid")
            })
        });
        group.bench_function("grammers", |b| {
            b.iter(|| {
                let mut copy = packet.clone();
                grammers_crypto::decrypt_data_v2(black_box(&mut copy), &theirs)
                    .expect("valid")
                    .len()
            })
        });
        group.finish();
    }
}

/// Products of two random primes of 30 to 32 bits, 61 to 63 bits long, as servers
/// send them (mtproto's factorize tests check the factors of the same values).
const PQS: [u64; 16] = [
    0x1765EC58D808D5B3,
    0x3C542CF5998901B7,
    0x42C24ED10993C42F,
    0x13DCD282D12EF07F,
    0x2B75395EF2CD8CB5,
    0x69165F126AF38167,
    0x1A12544BB6DA05FF,
    0x2FF805FCEF53B65B,
    0x6E64682146AD2057,
    0x155CD36881B7AA27,
    0x3A8429CABA3D5D23,
    0x4C22847A3F83B1FD,
    0x117F1380DED19A8F,
    0x2D57C3EF409C0415,
    0x41A2649819AF20AF,
    0x1F3B36C8791C9BEB,
];

fn pq(c: &mut Criterion) {
    let mut group = c.benchmark_group("pq_factorize");
    group.bench_function("ferrogram", |b| {
        b.iter(|| PQS.map(|pq| ferrogram_mtproto::factorize(black_box(pq))))
    });
    group.bench_function("grammers", |b| {
        b.iter(|| PQS.map(|pq| grammers_crypto::factorize(black_box(pq))))
    });
    group.finish();
}

fn handshake(c: &mut Criterion) {
    let config = ServerConfig::new(ferrogram_mtproto::rsa::test_server_key());
    let keys = [config.key.public().clone()];
    let mut group = c.benchmark_group("handshake");
    group.sample_size(20);
    let rng = &mut Rng(9);
    group.bench_function("ferrogram", |b| {
        b.iter(|| {
            let (c1, req) = client_start(rng);
            let (s1, res) = server_start(&req, &config, rng).expect("ok");
            let (c2, req) = c1.handle_res_pq(&res, &keys, 2, rng).expect("ok");
            let (s2, res) = s1
                .handle_req_dh_params(&req, &config, 1_764_000_000, rng)
                .expect("ok");
            let (c3, req) = c2
                .handle_server_dh_params(&res, 1_764_000_000, rng)
                .expect("ok");
            let (_, res) = s2.handle_set_client_dh_params(&req, &config).expect("ok");
            matches!(
                c3.handle_dh_answer(&res, rng).expect("ok"),
                ClientOutcome::Done(_)
            )
        })
    });
    group.finish();
}

criterion_group!(benches, ige, packets, pq, handshake);
criterion_main!(benches);
