//! TL decode and encode of the same bytes by Ferrogram and by grammers-tl-types 0.11.0.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ferrogram_bench::{MESSAGES, PARTICIPANTS, admin_log_results, updates_difference};
use std::hint::black_box;

fn decode_encode<F, G>(c: &mut Criterion, name: &str, bytes: &'static [u8])
where
    F: ferrogram_tl_types::Deserializable + ferrogram_tl_types::Serializable,
    G: grammers_tl_types::Deserializable + grammers_tl_types::Serializable,
{
    let mut group = c.benchmark_group(format!("tl_decode/{name}"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("ferrogram", |b| {
        b.iter(|| F::from_bytes(black_box(bytes)).expect("decodes"))
    });
    group.bench_function("grammers", |b| {
        b.iter(|| G::from_bytes(black_box(bytes)).expect("decodes"))
    });
    group.finish();

    let ours = F::from_bytes(bytes).expect("decodes");
    let theirs = G::from_bytes(bytes).expect("decodes");
    assert_eq!(ferrogram_tl_types::Serializable::to_bytes(&ours), bytes);
    assert_eq!(grammers_tl_types::Serializable::to_bytes(&theirs), bytes);
    let mut group = c.benchmark_group(format!("tl_encode/{name}"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    let mut buf = Vec::with_capacity(bytes.len());
    group.bench_function("ferrogram", |b| {
        b.iter(|| {
            buf.clear();
            ferrogram_tl_types::Serializable::serialize(black_box(&ours), &mut buf);
            buf.len()
        })
    });
    group.bench_function("grammers", |b| {
        b.iter(|| {
            buf.clear();
            grammers_tl_types::Serializable::serialize(black_box(&theirs), &mut buf);
            buf.len()
        })
    });
    group.finish();
}

fn tl(c: &mut Criterion) {
    decode_encode::<
        ferrogram_tl_types::enums::channels::ChannelParticipants,
        grammers_tl_types::enums::channels::ChannelParticipants,
    >(c, "channel_participants_200", PARTICIPANTS);
    decode_encode::<
        ferrogram_tl_types::enums::messages::Messages,
        grammers_tl_types::enums::messages::Messages,
    >(c, "messages_100", MESSAGES);
    decode_encode::<
        ferrogram_tl_types::enums::updates::Difference,
        grammers_tl_types::enums::updates::Difference,
    >(c, "updates_difference", updates_difference().leak());
    decode_encode::<
        ferrogram_tl_types::enums::channels::AdminLogResults,
        grammers_tl_types::enums::channels::AdminLogResults,
    >(c, "admin_log_results", admin_log_results().leak());
}

criterion_group!(benches, tl);
criterion_main!(benches);
