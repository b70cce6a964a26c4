//! What a client keeps across restarts, in a SQLite file: write a home DC, an
//! auth key and a peer, close, open again and read them back. Run:
//! `cargo run -p ferrogram-session --example remember`.

use ferrogram_session::{PeerInfo, PeerKind, Session, SessionError, SqliteSession};

fn main() -> Result<(), SessionError> {
    let path =
        std::env::temp_dir().join(format!("ferrogram-example-{}.session", std::process::id()));
    {
        let session = SqliteSession::open(&path)?;
        session.set_home_dc(2)?;
        session.set_auth_key(2, Some(&[7u8; 256]))?;
        session.save_peers(&[PeerInfo {
            id: 777,
            kind: PeerKind::User,
            access_hash: Some(-5),
            username: Some("ada".into()),
            phone: None,
            name: Some("Ada Lovelace".into()),
            min: false,
            migrated_to: None,
        }])?;
    } // Closed: the file holds it all.

    let session = SqliteSession::open(&path)?;
    println!("home DC {:?}", session.home_dc());
    println!("auth key for DC 2: {}", session.auth_key(2).is_some());
    let ada = session.peer_by_username("ada").expect("remembered");
    println!(
        "@ada is {:?} {} (access hash {:?})",
        ada.kind, ada.id, ada.access_hash
    );
    drop(session);
    let _ = std::fs::remove_file(&path);
    Ok(())
}
