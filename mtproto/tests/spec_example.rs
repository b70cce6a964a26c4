//! The worked example of core.telegram.org/mtproto/samples-auth_key, byte for byte.
//!
//! The client state machine is driven through the page's real server answers with
//! randomness scripted to the page's values (`nonce`, `new_nonce`), and every
//! intermediate value the page prints is compared: `p_q_inner_data` and its SHA-1,
//! the old-form RSA encryption, `tmp_aes_key`/`tmp_aes_iv`, the decrypted
//! `server_DH_inner_data`, `g_b` from the page's `b`, and the final `auth_key`. The
//! page's server sends g = 2 with a prime that is 3 mod 8, which today's security
//! guidelines forbid; the client refuses it, and the test checks that too.

use ferrogram_mtproto::crypto::{AuthKey, decrypt_ige, handshake_aes_key_iv, sha1};
use ferrogram_mtproto::handshake::{HandshakeError, client_start};
use ferrogram_mtproto::rsa::RsaPublicKey;
use ferrogram_mtproto::testing::SeededRng;
use ferrogram_mtproto::{DhError, check_range, telegram_dh_prime};
use ferrogram_tl_types::{Deserializable, Serializable, enums, functions, types};
use num_bigint::BigUint;
use rand_core::RngCore;

fn hex(parts: &[&str]) -> Vec<u8> {
    let s: String = parts.concat();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn arr<const N: usize>(parts: &[&str]) -> [u8; N] {
    hex(parts).try_into().unwrap()
}

/// Gives the scripted bytes first, then deterministic filler.
struct Scripted {
    queue: Vec<u8>,
    rest: SeededRng,
}

impl Scripted {
    fn new(parts: &[&[u8]]) -> Self {
        Self {
            queue: parts.concat(),
            rest: SeededRng::new(7),
        }
    }
}

impl RngCore for Scripted {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        let n = dest.len().min(self.queue.len());
        dest[..n].copy_from_slice(&self.queue[..n]);
        self.queue.drain(..n);
        self.rest.fill_bytes(&mut dest[n..]);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

const NONCE: &str = "3E0549828CCA27E966B301A48FECE2FC";
const SERVER_NONCE: &str = "A5CF4D33F4A11EA877BA4AA573907330";
const NEW_NONCE: &str = "311C85DB234AA2640AFC4A76A735CF5B1F0FD68BD17FA181E1229AD867CC024D";
/// The `resPQ` the page receives (after the 20-byte plain-message header).
const RES_PQ: &str = "632416053E0549828CCA27E966B301A48FECE2FCA5CF4D33F4A11EA877BA4AA5739073300817ED48941A08F98100000015C4B51C01000000216BE86C022BB4C3";
/// `p_q_inner_data` as the page serializes it.
const P_Q_INNER_DATA: &str = "EC5AC9830817ED48941A08F98100000004494C553B00000004539110730000003E0549828CCA27E966B301A48FECE2FCA5CF4D33F4A11EA877BA4AA573907330311C85DB234AA2640AFC4A76A735CF5B1F0FD68BD17FA181E1229AD867CC024D";

fn sample_key() -> RsaPublicKey {
    RsaPublicKey::new(
        BigUint::from_bytes_be(&hex(SAMPLE_KEY_N)),
        BigUint::from(65537u32),
    )
    .unwrap()
}

#[test]
fn p_q_inner_data_its_hash_and_the_old_rsa_form() {
    let key = sample_key();
    assert_eq!(key.fingerprint() as u64, 0xc3b4_2b02_6ce8_6b21);
    let inner = enums::PQInnerData::from(types::PQInnerData {
        pq: hex(&["17ED48941A08F981"]),
        p: hex(&["494C553B"]),
        q: hex(&["53911073"]),
        nonce: arr(&[NONCE]),
        server_nonce: arr(&[SERVER_NONCE]),
        new_nonce: arr(&[NEW_NONCE]),
    })
    .to_bytes();
    assert_eq!(inner, hex(&[P_Q_INNER_DATA]));
    assert_eq!(
        sha1(&[&inner]).to_vec(),
        hex(&["DB761C27718A2305044F71F2AD951629D78B2449"])
    );
    // data_with_hash is sha1 + data + the page's random padding, 255 bytes, taken as
    // a big-endian number and raised to e modulo n.
    let dwh = hex(DATA_WITH_HASH);
    assert_eq!(&dwh[..20], &sha1(&[&inner])[..]);
    assert_eq!(&dwh[20..20 + inner.len()], &inner[..]);
    let mut block = [0u8; 256];
    block[1..].copy_from_slice(&dwh);
    assert_eq!(
        key.encrypt_raw(&block).unwrap().to_vec(),
        hex(ENCRYPTED_DATA)
    );
    // The page prints 7BB0100A5231... for this step; that number is not
    // data_with_hash^e mod n for the key and data it shows. ENCRYPTED_DATA is the
    // value SharpMTProto's test data gives for the same inputs (computed there
    // independently), which is what we compute too.
}

#[test]
fn the_client_machine_follows_the_sample_and_refuses_its_g_of_2() {
    let nonce: [u8; 16] = arr(&[NONCE]);
    let server_nonce: [u8; 16] = arr(&[SERVER_NONCE]);
    let new_nonce: [u8; 32] = arr(&[NEW_NONCE]);

    // req_pq_multi carries the page's nonce.
    let mut rng = Scripted::new(&[&nonce, &new_nonce]);
    let (step1, req_pq) = client_start(&mut rng);
    assert_eq!(req_pq, functions::ReqPqMulti { nonce }.to_bytes());

    // resPQ: pq factorized into the page's p and q, the sample key picked.
    let (step2, req_dh) = step1
        .handle_res_pq(&hex(&[RES_PQ]), &[sample_key()], 2, &mut rng)
        .unwrap();
    let mut r = ferrogram_tl_types::Reader::new(&req_dh);
    let sent = functions::ReqDHParams::deserialize(&mut r).unwrap();
    assert_eq!((sent.nonce, sent.server_nonce), (nonce, server_nonce));
    assert_eq!(sent.p, hex(&["494C553B"]));
    assert_eq!(sent.q, hex(&["53911073"]));
    assert_eq!(sent.public_key_fingerprint as u64, 0xc3b4_2b02_6ce8_6b21);

    // tmp_aes_key and tmp_aes_iv as the page prints them.
    let (key, iv) = handshake_aes_key_iv(&new_nonce, &server_nonce);
    assert_eq!(
        key.to_vec(),
        hex(&["F011280887C7BB01DF0FC4E17830E0B91FBB8BE4B2267CB985AE25F33B527253"])
    );
    assert_eq!(
        iv.to_vec(),
        hex(&["3212D579EE35452ED23E0D0C92841AA7D31B2E9BDEF2151E80D15860311C85DB"])
    );

    // The page's encrypted answer decrypts to a hashed server_DH_inner_data with
    // Telegram's prime and g = 2.
    let mut answer = hex(ENCRYPTED_ANSWER);
    decrypt_ige(&mut answer, &key, &iv).unwrap();
    let mut r = ferrogram_tl_types::Reader::new(&answer[20..]);
    let enums::ServerDHInnerData::ServerDHInnerData(inner) =
        enums::ServerDHInnerData::deserialize(&mut r).unwrap();
    let used = r.position();
    assert_eq!(&answer[..20], &sha1(&[&answer[20..20 + used]])[..]);
    assert_eq!(
        (inner.nonce, inner.server_nonce, inner.g),
        (nonce, server_nonce, 2)
    );
    assert_eq!(BigUint::from_bytes_be(&inner.dh_prime), telegram_dh_prime());

    // The page's server answers with g = 2, but Telegram's prime is 3 mod 8, and the
    // security guidelines accept g = 2 only when p mod 8 = 7 (2 must be a quadratic
    // residue). The 2013 sample predates that rule: the client refuses the answer
    // with the residue error, as it must (servers now send g = 3).
    assert_eq!(telegram_dh_prime().clone() % 8u32, BigUint::from(3u32));
    let server_dh_params = enums::ServerDHParams::from(types::ServerDHParamsOk {
        nonce,
        server_nonce,
        encrypted_answer: hex(ENCRYPTED_ANSWER),
    })
    .to_bytes();
    let b = hex(B);
    let mut rng_b = Scripted::new(&[&b]);
    let refused = step2
        .clone()
        .handle_server_dh_params(&server_dh_params, inner.server_time - 5, &mut rng_b)
        .unwrap_err();
    assert!(
        matches!(refused, HandshakeError::Dh(DhError::GeneratorResidue(2))),
        "{refused:?}"
    );

    // The rest of the page's arithmetic, with the checks the client makes on it:
    // g_a and g_b inside the safe range, g_b = g^b, auth_key = g_a^b.
    let p = telegram_dh_prime();
    let g_a = BigUint::from_bytes_be(&inner.g_a);
    let b = BigUint::from_bytes_be(&b);
    let g_b = BigUint::from(2u32).modpow(&b, &p);
    check_range("g_a", &g_a, &p).unwrap();
    check_range("g_b", &g_b, &p).unwrap();
    assert_eq!(g_b.to_bytes_be(), hex(G_B));
    let auth_key = hex(AUTH_KEY);
    assert_eq!(g_a.modpow(&b, &p).to_bytes_be(), auth_key);
    let key = AuthKey::from_bytes(auth_key.clone().try_into().unwrap());
    assert_eq!(key.aux_hash().to_vec(), sha1(&[&auth_key])[..8].to_vec());
    assert_eq!(key.id().to_vec(), sha1(&[&auth_key])[12..].to_vec());
}

/// The 592-byte `encrypted_answer` of the sample's `server_DH_params_ok`.
const ENCRYPTED_ANSWER: &[&str] = &[
    "28A92FE20173B347A8BB324B5FAB2667C9A8BBCE6468D5B509A4CBDDC186240A",
    "C912CF7006AF8926DE606A2E74C0493CAA57741E6C82451F54D3E068F5CCC49B",
    "4444124B9666FFB405AAB564A3D01E67F6E912867C8D20D9882707DC330B17B4",
    "E0DD57CB53BFAAFA9EF5BE76AE6C1B9B6C51E2D6502A47C883095C46C81E3BE2",
    "5F62427B585488BB3BF239213BF48EB8FE34C9A026CC8413934043974DB03556",
    "633038392CECB51F94824E140B98637730A4BE79A8F9DAFA39BAE81E1095849E",
    "A4C83467C92A3A17D997817C8A7AC61C3FF414DA37B7D66E949C0AEC858F0482",
    "24210FCC61F11C3A910B431CCBD104CCCC8DC6D29D4A5D133BE639A4C32BBFF1",
    "53E63ACA3AC52F2E4709B8AE01844B142C1EE89D075D64F69A399FEB04E656FE",
    "3675A6F8F412078F3D0B58DA15311C1A9F8E53B3CD6BB5572C294904B726D0BE",
    "337E2E21977DA26DD6E33270251C2CA29DFCC70227F0755F84CFDA9AC4B8DD5F",
    "84F1D1EB36BA45CDDC70444D8C213E4BD8F63B8AB95A2D0B4180DC91283DC063",
    "ACFB92D6A4E407CDE7C8C69689F77A007441D4A6A8384B666502D9B77FC68B5B",
    "43CC607E60A146223E110FCB43BC3C942EF981930CDC4A1D310C0B64D5E55D30",
    "8D863251AB90502C3E46CC599E886A927CDA963B9EB16CE62603B68529EE98F9",
    "F5206419E03FB458EC4BD9454AA8F6BA777573CC54B328895B1DF25EAD9FB4CD",
    "5198EE022B2B81F388D281D5E5BC580107CA01A50665C32B552715F335FD7626",
    "4FAD00DDD5AE45B94832AC79CE7C511D194BC42B70EFA850BB15C2012C5215CA",
    "BFE97CE66B8D8734D0EE759A638AF013",
];
/// The client's secret exponent in the sample.
const B: &[&str] = &[
    "6F620AFA575C9233EB4C014110A7BCAF49464F798A18A0981FEA1E05E8DA67D9",
    "681E0FD6DF0EDF0272AE3492451A84502F2EFC0DA18741A5FB80BD82296919A7",
    "0FAA6D07CBBBCA2037EA7D3E327B61D585ED3373EE0553A91CBD29B01FA9A89D",
    "479CA53D57BDE3A76FBD922A923A0A38B922C1D0701F53FF52D7EA9217080163",
    "A64901E766EB6A0F20BC391B64B9D1DD2CD13A7D0C946A3A7DF8CEC9E2236446",
    "F646C42CFE2B60A2A8D776E56C8D7519B08B88ED0970E10D12A8C9E355D765F2",
    "B7BBB7B4CA9360083435523CB0D57D2B106FD14F94B4EEE79D8AC131CA56AD38",
    "9C84FE279716F8124A543337FB9EA3D988EC5FA63D90A4BA3970E7A39E5C0DE5",
];
/// `g_b` the sample sends.
const G_B: &[&str] = &[
    "73700E7BFC7AEEC828EB8E0DCC04D09A0DD56A1B4B35F72F0B55FCE7DB7EBB72",
    "D7C33C5D4AA59E1C74D09B01AE536B318CFED436AFDB15FE9EB4C70D7F0CB14E",
    "46DBBDE9053A64304361EB358A9BB32E9D5C2843FE87248B89C3F066A7D5876D",
    "61657ACC52B0D81CD683B2A0FA93E8ADAB20377877F3BC3369BBF57B10F5B589",
    "E65A9C27490F30A0C70FFCFD3453F5B379C1B9727A573CFFDCA8D23C721B135B",
    "92E529B1CDD2F7ABD4F34DAC4BE1EEAF60993DDE8ED45890E4F47C26F2C0B2E0",
    "37BB502739C8824F2A99E2B1E7E416583417CC79A8807A4BDAC6A5E9805D4F61",
    "86C37D66F6988C9F9C752896F3D34D25529263FAF2670A09B2A59CE35264511F",
];
/// The key the sample creates.
const AUTH_KEY: &[&str] = &[
    "AB96E207C631300986F30EF97DF55E179E63C112675F0CE502EE76D74BBEE6CB",
    "D1E95772818881E9F2FF54BD52C258787474F6A7BEA61EABE49D1D01D55F64FC",
    "07BC31685716EC8FB46FEACF9502E42CFD6B9F45A08E90AA5C2B5933AC767CBE",
    "1CD50D8E64F89727CA4A1A5D32C0DB80A9FCDBDDD4F8D5A1E774198F1A4299F9",
    "27C484FEEC395F29647E43C3243986F93609E23538C21871DF50E00070B3B6A8",
    "FA9BC15628E8B43FF977409A61CEEC5A21CF7DFB5A4CC28F5257BC30CD8F2FB9",
    "2FBF21E28924065F50E0BBD5E11A420300E2C136B80E9826C6C5609B5371B785",
    "0AA628323B6422F3A94F6DFDE4C3DC1EA60F7E11EE63122B3F39CBD1A8430157",
];
/// The modulus of the server key the sample uses (fingerprint c3b42b026ce86b21).
const SAMPLE_KEY_N: &[&str] = &[
    "C150023E2F70DB7985DED064759CFECF0AF328E69A41DAF4D6F01B538135A6F9",
    "1F8F8B2A0EC9BA9720CE352EFCF6C5680FFC424BD634864902DE0B4BD6D49F4E",
    "580230E3AE97D95C8B19442B3C0A10D8F5633FECEDD6926A7F6DAB0DDB7D457F",
    "9EA81B8465FCD6FFFEED114011DF91C059CAEDAF97625F6C96ECC74725556934",
    "EF781D866B34F011FCE4D835A090196E9A5F0E4449AF7EB697DDB9076494CA5F",
    "81104A305B6DD27665722C46B60E5DF680FB16B210607EF217652E60236C255F",
    "6A28315F4083A96791D7214BF64C1DF4FD0DB1944FB26A2A57031B32EEE64AD1",
    "5A8BA68885CDE74A5BFC920F6ABF59BA5C75506373E7130F9042DA922179251F",
];
/// `sha1(data) + data + random padding` in the sample (255 bytes).
const DATA_WITH_HASH: &[&str] = &[
    "DB761C27718A2305044F71F2AD951629D78B2449EC5AC9830817ED48941A08F9",
    "8100000004494C553B00000004539110730000003E0549828CCA27E966B301A4",
    "8FECE2FCA5CF4D33F4A11EA877BA4AA573907330311C85DB234AA2640AFC4A76",
    "A735CF5B1F0FD68BD17FA181E1229AD867CC024DB546D0B124AE942AE024728A",
    "5A903D9908653B465B40742DF237ED10A993F3830028488EC6A4D9CC9EE382BA",
    "30297DFB4FB22793C1E65C75D1A3BFECC083804C30EF8A3248AED3648B6EA877",
    "BDBAFCC9B9F2C1F76B5FC119CBD2BC23E4EC0C1A623689419E4AB2A0DFC30853",
    "3DE4B817A6F632CEC189E1D02D716676F2AF7F9F628D148630BB2A6F3F2018",
];
/// `data_with_hash^65537 mod n` for the sample's key and data (SharpMTProto's value).
const ENCRYPTED_DATA: &[&str] = &[
    "310CEFEAFE3234A275164BCBD4FCE205449E4411582C2E522EB263A05B54426E",
    "500999C779BDB68AFE4B56C6E34ED4E6786426BFB02A284AEA80F763EDDFC9FA",
    "E338EA34608D389EDAA6663FBF69DFE04A88B2EF22E9E9468B6D40D1796B9787",
    "52D0AA34B8F2BB729E13B8A093CD360A44AB82E08F13CC6AC9180BCB6BE3F179",
    "C24D19D4B0202DD880B4EA09266DCC49B266BF51404DE71EFF86FB544353B554",
    "1BFACA820C2DFEC30FDF9E65AB93390ABDE21DD8F2DE7A5D0244E62787A1FE13",
    "C6DC588FCC22ECBB3781DCAD09B9372E128510CFEFD338B1234C16A74F83B46F",
    "768C70E71C662B752446F81C199316F1EA98B9CF8110A3081F1840756265FA3C",
];
