//! Connect, sign in, call any function and read a chat's history as a stream.
//! Against an embedded testserver (offline) unless `FERROGRAM_API_ID`,
//! `FERROGRAM_API_HASH` and `FERROGRAM_BOT_TOKEN` are set. Run:
//! `cargo run -p ferrogram-client --example hello`.

use std::sync::Arc;

use ferrogram_client::session::MemorySession;
use ferrogram_client::tl::functions;
use ferrogram_client::{Client, Config, InvocationError};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (config, token, _server) = match (
        std::env::var("FERROGRAM_API_ID"),
        std::env::var("FERROGRAM_API_HASH"),
        std::env::var("FERROGRAM_BOT_TOKEN"),
    ) {
        (Ok(id), Ok(hash), Ok(token)) => (Config::new(id.parse()?, hash), token, None),
        _ => {
            let server = ferrogram_testserver::TestServer::builder().start().await?;
            let config = Config::new(12345, "0123456789abcdef0123456789abcdef")
                .session(Arc::new(MemorySession::new()))
                .server(server.addr(), server.dc_id())
                .rsa_key(server.rsa_key().public().clone());
            let token = server.bot_token().unwrap_or_default().to_owned();
            (config, token, Some(server))
        }
    };
    let client = Client::connect(config).await?;
    let me = client.sign_in_bot(&token).await?;
    println!("signed in as @{}", me.username.unwrap_or_default());

    // Any function of the schema, with its typed answer.
    let nearest = client.invoke(&functions::help::GetNearestDc {}).await?;
    println!("nearest DC: {nearest:?}");

    // A typed RPC error, matched by name (bots may not read histories).
    let mut history = client.iter_messages("me").limit(3);
    match history.try_next().await {
        Ok(first) => println!("newest message: {first:?}"),
        Err(InvocationError::Rpc(e)) => println!("the server said {} ({})", e.name, e.code),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
