//! A schema-driven generator of valid TL bytes, independent of the generated code:
//! it reads the vendored schema with `ferrogram-tl-parser` and writes random but
//! well-formed encodings of any constructor or function.

#![allow(dead_code)]

use ferrogram_tl_parser::{Category, Definition, ParameterKind, Type};
use std::collections::HashMap;
use std::path::PathBuf;

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

pub struct World {
    pub defs: Vec<Definition>,
    by_type: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, usize>,
}

const BUILTIN: &[&str] = &["boolFalse", "boolTrue", "true", "vector"];

pub fn schema_text(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(name);
    std::fs::read_to_string(path).expect("vendored schema")
}

impl World {
    pub fn load() -> Self {
        let mut defs = Vec::new();
        for file in ["mtproto.tl", "api.tl"] {
            let schema = ferrogram_tl_parser::parse(&schema_text(file)).expect("schema parses");
            defs.extend(
                schema.definitions.into_iter().filter(|d| {
                    !(d.category == Category::Type && BUILTIN.contains(&d.name.as_str()))
                }),
            );
        }
        let mut by_type: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, d) in defs.iter().enumerate() {
            if d.category == Category::Type {
                by_type.entry(d.ty.full_name()).or_default().push(i);
                by_name.insert(d.full_name(), i);
            }
        }
        World {
            defs,
            by_type,
            by_name,
        }
    }

    /// How many boxed-type parameters a constructor requires (its cost to build).
    fn cost(&self, idx: usize) -> usize {
        self.defs[idx]
            .params
            .iter()
            .filter(|p| match &p.kind {
                ParameterKind::Normal { ty, flag: None } => {
                    !ty.bare && !ty.generic_ref && ty.name != "Bool"
                }
                _ => false,
            })
            .count()
    }

    /// Writes a random, valid value of the boxed type `full_type` (`Peer`,
    /// `messages.Messages`), constructor id included.
    pub fn write_boxed(&self, full_type: &str, rng: &mut Rng, out: &mut Vec<u8>) {
        let ctors = &self.by_type[full_type];
        let idx = ctors[rng.below(ctors.len() as u64) as usize];
        self.write_def(idx, rng, 1, None, out);
    }

    /// Writes a random, valid encoding of the constructor named `name`, id included.
    pub fn write_named(&self, name: &str, rng: &mut Rng, out: &mut Vec<u8>) {
        self.write_def(self.by_name[name], rng, 1, None, out);
    }

    /// Writes a random, valid encoding of definition `idx` (id included).
    pub fn write_def(
        &self,
        idx: usize,
        rng: &mut Rng,
        depth: u32,
        all_flags: Option<bool>,
        out: &mut Vec<u8>,
    ) {
        out.extend_from_slice(&self.defs[idx].id.to_le_bytes());
        self.write_body(idx, rng, depth, all_flags, out);
    }

    fn write_body(
        &self,
        idx: usize,
        rng: &mut Rng,
        depth: u32,
        all_flags: Option<bool>,
        out: &mut Vec<u8>,
    ) {
        let def = &self.defs[idx];
        // Choose flag bits: only bits some field depends on, so re-encoding keeps them.
        let mut words: HashMap<&str, u32> = HashMap::new();
        for p in &def.params {
            if let ParameterKind::Normal { flag: Some(f), .. } = &p.kind {
                let on = match all_flags {
                    Some(v) => v,
                    None => rng.chance(50),
                };
                let on = on && depth < 6;
                let w = words.entry(f.name.as_str()).or_insert(0);
                if on {
                    *w |= 1 << f.index;
                }
            }
        }
        for p in &def.params {
            match &p.kind {
                ParameterKind::Flags => out.extend_from_slice(
                    &words
                        .get(p.name.as_str())
                        .copied()
                        .unwrap_or(0)
                        .to_le_bytes(),
                ),
                ParameterKind::Normal { ty, flag } => {
                    if let Some(f) = flag {
                        let set =
                            words.get(f.name.as_str()).copied().unwrap_or(0) & (1 << f.index) != 0;
                        if !set || ty.name == "true" {
                            continue;
                        }
                    }
                    self.write_type(ty, rng, depth + 1, out);
                }
            }
        }
    }

    fn write_type(&self, ty: &Type, rng: &mut Rng, depth: u32, out: &mut Vec<u8>) {
        if ty.generic_ref {
            // A generic query: any function without generics.
            let fns: Vec<usize> = (0..self.defs.len())
                .filter(|&i| {
                    self.defs[i].category == Category::Function
                        && self.defs[i].generics.is_empty()
                        && self.cost(i) == 0
                })
                .collect();
            let pick = fns[rng.below(fns.len() as u64) as usize];
            self.write_def(pick, rng, depth, None, out);
            return;
        }
        let n = ty.full_name();
        match n.as_str() {
            "int" => out.extend_from_slice(&(rng.next() as i32).to_le_bytes()),
            "long" => out.extend_from_slice(&(rng.next() as i64).to_le_bytes()),
            "double" => {
                out.extend_from_slice(&((rng.next() % 1_000_000) as f64 / 7.0).to_le_bytes())
            }
            "int128" => (0..2).for_each(|_| out.extend_from_slice(&rng.next().to_le_bytes())),
            "int256" => (0..4).for_each(|_| out.extend_from_slice(&rng.next().to_le_bytes())),
            "Bool" => out.extend_from_slice(
                &(if rng.chance(50) {
                    0x997275b5u32
                } else {
                    0xbc799737
                })
                .to_le_bytes(),
            ),
            "string" => {
                let words = [
                    "",
                    "a",
                    "Привет",
                    "🦀 crab",
                    "admin",
                    "x".repeat(300).leak(),
                    "Ünïcödé",
                ];
                write_bytes(
                    out,
                    words[rng.below(words.len() as u64) as usize].as_bytes(),
                );
            }
            "bytes" => {
                let len = [0usize, 1, 3, 4, 253, 254, 255, 1000][rng.below(8) as usize];
                let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
                write_bytes(out, &data);
            }
            "Vector" | "vector" => {
                if n == "Vector" {
                    out.extend_from_slice(&0x1cb5c415u32.to_le_bytes());
                }
                let count = if depth > 5 { 0 } else { rng.below(4) as u32 };
                out.extend_from_slice(&count.to_le_bytes());
                let inner = ty.generic_arg.as_deref().expect("vector element type");
                for _ in 0..count {
                    self.write_type(inner, rng, depth + 1, out);
                }
            }
            _ if ty.percent => {
                let idx = self.by_type[&n][0];
                self.write_body(idx, rng, depth, None, out);
            }
            _ if ty.bare => {
                let idx = self.by_name[&n];
                self.write_body(idx, rng, depth, None, out);
            }
            _ => {
                let ctors = &self.by_type[&n];
                let idx = if depth > 4 {
                    *ctors
                        .iter()
                        .min_by_key(|&&i| (self.cost(i), self.defs[i].params.len()))
                        .expect("a constructor")
                } else {
                    ctors[rng.below(ctors.len() as u64) as usize]
                };
                self.write_def(idx, rng, depth, None, out);
            }
        }
    }
}

pub fn write_bytes(out: &mut Vec<u8>, data: &[u8]) {
    let header = if data.len() < 254 {
        out.push(data.len() as u8);
        1
    } else {
        let l = data.len();
        out.extend_from_slice(&[254, l as u8, (l >> 8) as u8, (l >> 16) as u8]);
        4
    };
    out.extend_from_slice(data);
    out.extend(std::iter::repeat_n(
        0u8,
        (4 - (header + data.len()) % 4) % 4,
    ));
}
