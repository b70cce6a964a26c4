//! Parses a TL schema and lists what it defines; reports every error with its
//! line and column. Run: `cargo run -p ferrogram-tl-parser --example parse_schema [FILE]`
//! (without a file, a small schema of its own, one line of it broken).

fn main() {
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(&path).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }),
        None => "// LAYER 230\n\
                 inputPeerEmpty#7f3b18ea = InputPeer;\n\
                 inputPeerUser#dde8a54c user_id:long access_hash:long = InputPeer;\n\
                 ---functions---\n\
                 users.getUsers#d91a548 id:Vector<InputUser> = Vector<User>;\n\
                 broken#zz = Nothing;\n"
            .to_owned(),
    };
    let (schema, errors) = ferrogram_tl_parser::parse_lossy(&text);
    println!("layer {:?}", schema.layer);
    for d in &schema.definitions {
        println!(
            "{:?} {} #{:08x}: {} parameters",
            d.category,
            d.full_name(),
            d.id,
            d.params.len()
        );
    }
    for e in &errors {
        // Each error says where: line:col.
        println!("error: {e}");
    }
}
